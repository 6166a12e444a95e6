import type {
  About,
  ActionKind,
  Backend,
  ConnectionSummary,
  Device,
  DeviceReview,
  InventoryStatus,
  Readiness,
  Reason,
  Verdict,
} from "../backend";

export const SAMPLE_ABOUT: About = {
  product: "Intune Actions",
  version: "9.8.7",
  build: "debug",
  os: "Linux",
  arch: "x86_64",
  logDir: "/home/admin/.local/share/app.intuneactions.desktop/logs",
};

/** A Backend whose answers a test chooses; every method not overridden fails loudly. */
export function fakeBackend(overrides: Partial<Backend> = {}): Backend {
  const unexpected = (name: string) => () => Promise.reject(new Error(`unexpected call: ${name}`));
  return {
    about: unexpected("about"),
    openSession: unexpected("openSession"),
    startDemo: unexpected("startDemo"),
    signOut: unexpected("signOut"),
    inventoryStatus: unexpected("inventoryStatus"),
    refreshInventory: unexpected("refreshInventory"),
    searchDevices: unexpected("searchDevices"),
    reviewDevice: unexpected("reviewDevice"),
    openInAdminCenter: unexpected("openInAdminCenter"),
    openSourcePage: unexpected("openSourcePage"),
    sendAction: unexpected("sendAction"),
    controlRun: unexpected("controlRun"),
    stoppedRuns: () => Promise.resolve([]),
    resumeRun: unexpected("resumeRun"),
    setRunAside: unexpected("setRunAside"),
    matchDeviceList: unexpected("matchDeviceList"),
    reviewDevices: unexpected("reviewDevices"),
    devicesOfUser: unexpected("devicesOfUser"),
    writePace: (remaining) =>
      Promise.resolve({
        writesPerWindow: 200,
        windowSecs: 20,
        estimateSecs: Math.max(0, Math.ceil(remaining / 200) - 1) * 20,
      }),
    followAction: unexpected("followAction"),
    stopFollowing: unexpected("stopFollowing"),
    revealSecret: unexpected("revealSecret"),
    copySecret: unexpected("copySecret"),
    markPinUsed: unexpected("markPinUsed"),
    auditEntries: unexpected("auditEntries"),
    interruptedRequests: () => Promise.resolve([]),
    settleInterrupted: unexpected("settleInterrupted"),
    verifyAudit: unexpected("verifyAudit"),
    exportAudit: unexpected("exportAudit"),
    exportLastRun: unexpected("exportLastRun"),
    onInventoryChanged: () => () => {},
    onActionProgress: () => () => {},
    onSendWaiting: () => () => {},
    onDeviceSent: () => () => {},
    quickLockTarget: () => Promise.resolve(null),
    onQuickLockOpened: () => () => {},
    hideWindow: unexpected("hideWindow"),
    showMainWindow: unexpected("showMainWindow"),
    startReached: () => Promise.resolve(),
    pinnedDevices: () => Promise.resolve([]),
    setDevicePinned: unexpected("setDevicePinned"),
    profileChoices: () => Promise.resolve([{ name: "Demo tenant", current: true, isDemo: true }]),
    switchProfile: unexpected("switchProfile"),
    savedProfiles: () => Promise.resolve([]),
    checkProfile: () => Promise.resolve([]),
    addProfile: unexpected("addProfile"),
    removeProfile: unexpected("removeProfile"),
    signIn: unexpected("signIn"),
    signInApp: unexpected("signInApp"),
    pickCertificateFile: unexpected("pickCertificateFile"),
    cancelSignIn: unexpected("cancelSignIn"),
    openSignInPage: unexpected("openSignInPage"),
    copySignInCode: unexpected("copySignInCode"),
    onSignInProgress: () => () => {},
    desktopSettings: unexpected("desktopSettings"),
    setStartInTrayAtLogin: unexpected("setStartInTrayAtLogin"),
    setQuickLockShortcut: unexpected("setQuickLockShortcut"),
    onSessionChanged: () => () => {},
    updateStatus: () => Promise.resolve({ state: "notChecked" }),
    checkForUpdates: unexpected("checkForUpdates"),
    installUpdate: unexpected("installUpdate"),
    setUpdatesOn: unexpected("setUpdatesOn"),
    onUpdatesChanged: () => () => {},
    appearance: () => Promise.resolve("system"),
    setAppearance: unexpected("setAppearance"),
    onAppearanceChanged: () => () => {},
    ...overrides,
  };
}

/** Makes window.matchMedia answer `true` for the given media queries. */
export function mockMediaQueries(matching: string[]) {
  window.matchMedia = (query: string) =>
    ({
      matches: matching.includes(query),
      media: query,
      onchange: null,
      addEventListener: () => {},
      removeEventListener: () => {},
      addListener: () => {},
      removeListener: () => {},
      dispatchEvent: () => false,
    }) as MediaQueryList;
}

export const SAMPLE_SUMMARY: ConnectionSummary = {
  profile: "Demo tenant",
  tenant: "7d1f1c5a-0000-4000-8000-000000000001",
  account: { username: "admin@contoso.com", displayName: "Avery Admin", tenantId: "t" },
  granted: ["https://graph.microsoft.com/DeviceManagementManagedDevices.Read.All"],
  remembered: false,
  isDemo: true,
  notice: "Demo tenant: simulated devices, no real device is affected.",
};

export function sampleDevice(n: number, overrides: Partial<Device> = {}): Device {
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
    deviceName: `Device ${n}`,
    platform: "macOs",
    operatingSystem: "macOS",
    osVersion: "15.1",
    model: "MacBook Pro",
    manufacturer: "Apple",
    serialNumber: `C02SERIAL${n}`,
    userPrincipalName: `user${n}@contoso.com`,
    userDisplayName: `User ${n}`,
    emailAddress: `user${n}@contoso.com`,
    ownership: "company",
    enrollmentType: "appleBulkWithUser",
    isSupervised: true,
    isEncrypted: true,
    complianceState: "compliant",
    managementState: "managed",
    lastSync: new Date().toISOString(),
    enrolled: null,
    azureAdDeviceId: "",
    ...overrides,
  };
}

export const READY_INVENTORY: InventoryStatus = {
  count: 3,
  fetchedAt: new Date().toISOString(),
  syncing: false,
  fetchedSoFar: 0,
  totalExpected: null,
  error: null,
};

export function sampleVerdict(
  action: ActionKind,
  readiness: Readiness = "ready",
  overrides: Partial<Verdict> = {},
  reasons: Reason[] = [],
): Verdict {
  const labels: Record<ActionKind, string> = {
    remoteLock: "Remote lock",
    rotateFileVaultKey: "Rotate FileVault recovery key",
    recoverPasscode: "Recover passcode",
    resetPasscode: "Remove passcode",
  };
  return {
    action,
    label: labels[action],
    readiness,
    reasons,
    effect: `Effect of ${labels[action]}.`,
    effectSources: [
      {
        kind: "microsoft",
        title: `Microsoft's page on ${labels[action]}`,
        url: "https://learn.microsoft.com/x",
      },
    ],
    needsJustification: action === "recoverPasscode",
    overridable: false,
    ...overrides,
  };
}

export function sampleReview(
  device: Device,
  overrides: Partial<DeviceReview["details"]> & Partial<Omit<DeviceReview, "details">> = {},
): DeviceReview {
  const { verdicts, guidance, keptPin, reveals, warnings, ...details } = overrides;
  return {
    details: {
      device,
      actionResults: [],
      readAt: new Date().toISOString(),
      adminCenterUrl: "https://intune.microsoft.com/#x",
      ...details,
    },
    verdicts: verdicts ?? [],
    guidance: guidance ?? null,
    keptPin: keptPin ?? null,
    reveals: reveals ?? [],
    warnings: warnings ?? [],
  };
}

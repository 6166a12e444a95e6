// The one module that talks to Tauri. Everything else in the UI receives a `Backend` through React
// context, so components are tested with a fake and never import @tauri-apps/* themselves.

import {
  commands,
  events,
  type About,
  type ActionKind,
  type ActionResult_Serialize,
  type AuditEvent,
  type AuditFilter_Deserialize,
  type AuditView_Serialize,
  type Cited_Serialize,
  type DesktopSettings,
  type DeviceReview_Serialize,
  type FollowUpdate_Serialize,
  type Guidance_Serialize,
  type KeptPin_Serialize,
  type Readiness,
  type Reason_Serialize,
  type RevealedSecret_Serialize,
  type RunReport_Serialize,
  type RunMode,
  type RunSummary_Serialize,
  type Profile,
  type ProfileChoice,
  type SignInStep,
  type SecretKind,
  type TrayDevice,
  type SendRequest_Deserialize,
  type Severity,
  type Verdict_Serialize,
  type Verification_Serialize,
  type ConnectionSummary_Serialize,
  type DeviceQuery_Deserialize,
  type ListMatch_Serialize,
  type ReviewRow_Serialize,
  type DeviceSearch_Serialize,
  type Device_Serialize,
  type ErrorKind,
  type ErrorReport,
  type InventoryStatus_Serialize,
  type Ownership,
  type Platform,
  type RefreshMode,
  type DeviceSort,
  type SortColumn,
  type FieldProblem,
  type WritePace,
  type ProfileField,
  type UiStage,
  type UpdateStatus_Serialize,
  type Appearance,
} from "../bindings";

export type {
  About,
  Appearance,
  ActionKind,
  DesktopSettings,
  AuditEvent,
  ErrorKind,
  ErrorReport,
  Ownership,
  Platform,
  Profile,
  ProfileChoice,
  SignInStep,
  Readiness,
  RefreshMode,
  SecretKind,
  Severity,
  TrayDevice,
  DeviceSort,
  SortColumn,
  FieldProblem,
  ProfileField,
  WritePace,
  RunMode,
  UiStage,
};
export type ConnectionSummary = ConnectionSummary_Serialize;
export type Device = Device_Serialize;
export type DeviceReview = DeviceReview_Serialize;
export type DeviceDetails = DeviceReview["details"];
export type Verdict = Verdict_Serialize;
export type Reason = Reason_Serialize;
export type Cited = Cited_Serialize;
export type Guidance = Guidance_Serialize;
export type KeptPin = KeptPin_Serialize;
export type SendRequest = SendRequest_Deserialize;
export type RunReport = RunReport_Serialize;
export type DeviceOutcome = RunReport["outcomes"][number];
export type RunSummary = RunSummary_Serialize;
export type FollowUpdate = FollowUpdate_Serialize;
export type RevealedSecret = RevealedSecret_Serialize;
export type AuditFilter = AuditFilter_Deserialize;
export type AuditView = AuditView_Serialize;
export type AuditEntry = AuditView["entries"][number];
export type Verification = Verification_Serialize;
export type ActionResult = ActionResult_Serialize;
export type DeviceQuery = DeviceQuery_Deserialize;
export type ListMatch = ListMatch_Serialize;
export type ReviewRow = ReviewRow_Serialize;
export type DeviceSearch = DeviceSearch_Serialize;
export type InventoryStatus = InventoryStatus_Serialize;
export type UpdateStatus = UpdateStatus_Serialize;

/** Every call rejects with an `ErrorReport` when Rust says no. */
export interface Backend {
  about(): Promise<About>;
  openSession(): Promise<ConnectionSummary | null>;
  startDemo(): Promise<ConnectionSummary>;
  signOut(): Promise<void>;
  inventoryStatus(): Promise<InventoryStatus>;
  refreshInventory(mode: RefreshMode): Promise<void>;
  searchDevices(query: DeviceQuery, offset: number, limit: number): Promise<DeviceSearch>;
  /** The device read now, with every action's verdict and, for iPhone/iPad, the guidance. */
  reviewDevice(id: string): Promise<DeviceReview>;
  openInAdminCenter(id: string): Promise<void>;
  /** Opens one of the pages a rule cites ("Why?") in the system browser; Rust refuses others. */
  openSourcePage(url: string): Promise<void>;
  /** Sends, then Rust follows each queued device and reports through `onActionProgress`. */
  sendAction(request: SendRequest): Promise<RunReport>;
  /** Pauses, goes on with, or cancels the run this window has going (cancel sends nothing more). */
  controlRun(mode: RunMode): Promise<void>;
  /** Runs that stopped before their end (a crash, a Quit) with something left: offered at start. */
  stoppedRuns(): Promise<RunSummary[]>;
  /** Goes on with a stopped run; what already left is never sent again. Outcomes as in a send. */
  resumeRun(runId: string): Promise<RunReport>;
  /** The admin chose not to go on with a stopped run: no longer offered. */
  setRunAside(runId: string): Promise<void>;
  /** A pasted list of serials, names or IDs, matched line by line against the device list. */
  matchDeviceList(text: string): Promise<ListMatch>;
  /** Every device of a run read now and judged for the action, before the admin confirms. */
  reviewDevices(action: ActionKind, ids: string[]): Promise<ReviewRow[]>;
  /** Intune's write limit as it stands for this tenant, and how long `remaining` writes take. */
  writePace(remaining: number): Promise<WritePace>;
  /** Every device whose primary user is this UPN, from the device list. */
  devicesOfUser(upn: string): Promise<Device[]>;
  followAction(deviceId: string, action: ActionKind): Promise<void>;
  stopFollowing(deviceId: string, action: ActionKind): Promise<void>;
  revealSecret(kind: SecretKind, deviceId: string, justification: string): Promise<RevealedSecret>;
  /** Copies a secret revealed in the last 30 s; Rust clears the clipboard 30 s later. */
  copySecret(kind: SecretKind, deviceId: string): Promise<void>;
  markPinUsed(deviceId: string): Promise<KeptPin>;
  auditEntries(filter: AuditFilter): Promise<AuditView>;
  /** Sends cut off before Intune's answer was recorded (the app quit or crashed meanwhile). */
  interruptedRequests(): Promise<AuditEntry[]>;
  /** The admin checked one in the device's action results: it is no longer listed. */
  settleInterrupted(clientRequestId: string): Promise<void>;
  verifyAudit(): Promise<Verification>;
  /** Writes the audit as CSV to the Downloads folder; resolves to the file's path. */
  /** The Save dialog, then the CSV written by Rust; null when the admin closed the dialog. */
  exportAudit(): Promise<string | null>;
  /** The last run as CSV where the admin chooses; the path, or null when the dialog was closed. */
  exportLastRun(): Promise<string | null>;
  /** Calls back on every inventory change; the returned function stops it. */
  onInventoryChanged(callback: (status: InventoryStatus) => void): () => void;
  /** Calls back on every reading of a followed action; the returned function stops it. */
  onActionProgress(callback: (update: FollowUpdate) => void): () => void;
  /** Calls back when Intune asks a send to wait, with the seconds left. */
  onSendWaiting(callback: (seconds: number) => void): () => void;
  /** Each device's outcome in a run, as soon as it is known. */
  onDeviceSent(callback: (outcome: DeviceOutcome) => void): () => void;
  /** Which window this UI runs in: the main window or quick lock. */
  /** The device quick lock was opened on from the tray, taken once. */
  quickLockTarget(): Promise<string | null>;
  /** Calls back each time quick lock is opened again (on a device, or fresh). */
  onQuickLockOpened(callback: (deviceId: string | null) => void): () => void;
  hideWindow(): Promise<void>;
  showMainWindow(): Promise<void>;
  /** Tells Rust a step of the start was reached, for the start-up timings in the log. */
  startReached(stage: UiStage): Promise<void>;
  pinnedDevices(): Promise<TrayDevice[]>;
  setDevicePinned(device: TrayDevice, pinned: boolean): Promise<TrayDevice[]>;
  /** The saved profiles and the demo, the one in use marked. */
  profileChoices(): Promise<ProfileChoice[]>;
  /** Switches to a profile's saved sign-in (or the demo); every window hears `onSessionChanged`. */
  switchProfile(name: string): Promise<ConnectionSummary>;
  savedProfiles(): Promise<Profile[]>;
  /** Rust checks the profile (tenant, client ID, hosts) and rejects with what is wrong. */
  /** Field by field, what stops a profile from being added (empty: nothing). */
  checkProfile(profile: Profile): Promise<FieldProblem[]>;
  addProfile(profile: Profile): Promise<Profile[]>;
  removeProfile(name: string): Promise<Profile[]>;
  /** Signs in with the profile's method; `onSignInProgress` says what the admin must do. */
  signIn(name: string, sessionOnly: boolean): Promise<ConnectionSummary>;
  /**
   * Signs in to an app-only or Azure CLI profile. `secret` is the client secret or the
   * certificate's password (null: none); Rust keeps it in the OS keychain only.
   */
  signInApp(name: string, secret: string | null, sessionOnly: boolean): Promise<ConnectionSummary>;
  /** The system's file dialog for a .pfx/.p12 certificate; null when closed without a choice. */
  pickCertificateFile(): Promise<string | null>;
  cancelSignIn(): Promise<void>;
  openSignInPage(): Promise<void>;
  copySignInCode(): Promise<void>;
  onSignInProgress(callback: (step: SignInStep) => void): () => void;
  desktopSettings(): Promise<DesktopSettings>;
  setStartInTrayAtLogin(enabled: boolean): Promise<DesktopSettings>;
  /** Registers the global shortcut for quick lock (empty: none); rejects when it is not valid. */
  setQuickLockShortcut(shortcut: string): Promise<DesktopSettings>;
  /** Calls back when the tenant in use changed or a switch failed (from any window or the tray). */
  onSessionChanged(
    callback: (summary: ConnectionSummary | null, error: ErrorReport | null) => void,
  ): () => void;
  /** Where the app's own updates stand (Rust looks after the start and daily). */
  updateStatus(): Promise<UpdateStatus>;
  /** Looks for an update now. */
  checkForUpdates(): Promise<UpdateStatus>;
  /** Installs the update that is ready and restarts into it: only from the admin's click. */
  installUpdate(): Promise<void>;
  /** Turns looking for updates on or off for this admin (a machine policy wins). */
  setUpdatesOn(on: boolean): Promise<UpdateStatus>;
  onUpdatesChanged(callback: (status: UpdateStatus) => void): () => void;
  /** The colours the admin picked for every window ("system": the OS's). */
  appearance(): Promise<Appearance>;
  setAppearance(appearance: Appearance): Promise<DesktopSettings>;
  onAppearanceChanged(callback: (appearance: Appearance) => void): () => void;
}

type Outcome<T> = { status: "ok"; data: T } | { status: "error"; error: ErrorReport };

async function unwrap<T>(outcome: Promise<Outcome<T>>): Promise<T> {
  const result = await outcome;
  if (result.status === "error") throw result.error;
  return result.data;
}

export const tauriBackend: Backend = {
  about: () => commands.about(),
  openSession: () => unwrap(commands.openSession()),
  startDemo: () => unwrap(commands.startDemo()),
  signOut: () => unwrap(commands.signOut()).then(() => undefined),
  inventoryStatus: () => unwrap(commands.inventoryStatus()),
  refreshInventory: (mode) => unwrap(commands.refreshInventory(mode)).then(() => undefined),
  searchDevices: (query, offset, limit) => unwrap(commands.searchDevices(query, offset, limit)),
  reviewDevice: (id) => unwrap(commands.reviewDevice(id)),
  openInAdminCenter: (id) => unwrap(commands.openInAdminCenter(id)).then(() => undefined),
  openSourcePage: (url) => unwrap(commands.openSourcePage(url)).then(() => undefined),
  sendAction: (request) => unwrap(commands.sendAction(request)),
  controlRun: async (mode) => {
    await unwrap(commands.controlRun(mode));
  },
  stoppedRuns: () => unwrap(commands.stoppedRuns()),
  resumeRun: (runId) => unwrap(commands.resumeRun(runId)),
  setRunAside: async (runId) => {
    await unwrap(commands.setRunAside(runId));
  },
  matchDeviceList: (text) => unwrap(commands.matchDeviceList(text)),
  reviewDevices: (action, ids) => unwrap(commands.reviewDevices(action, ids)),
  writePace: (remaining) => unwrap(commands.writePace(remaining)),
  devicesOfUser: (upn) => unwrap(commands.devicesOfUser(upn)),
  followAction: (deviceId, action) =>
    unwrap(commands.followAction(deviceId, action)).then(() => undefined),
  stopFollowing: (deviceId, action) =>
    unwrap(commands.stopFollowing(deviceId, action)).then(() => undefined),
  revealSecret: (kind, deviceId, justification) =>
    unwrap(commands.revealSecret(kind, deviceId, justification)),
  copySecret: (kind, deviceId) => unwrap(commands.copySecret(kind, deviceId)).then(() => undefined),
  markPinUsed: (deviceId) => unwrap(commands.markPinUsed(deviceId)),
  auditEntries: (filter) => unwrap(commands.auditEntries(filter)),
  interruptedRequests: () => unwrap(commands.interruptedRequests()),
  settleInterrupted: (id) => unwrap(commands.settleInterrupted(id)).then(() => undefined),
  verifyAudit: () => unwrap(commands.verifyAudit()),
  exportAudit: () => unwrap(commands.exportAudit()),
  exportLastRun: () => unwrap(commands.exportLastRun()),
  onInventoryChanged: (callback) =>
    listen(events.inventoryChanged, (payload) => callback(payload.status)),
  onActionProgress: (callback) =>
    listen(events.actionProgress, (payload) => callback(payload.update)),
  onSendWaiting: (callback) => listen(events.sendWaiting, (payload) => callback(payload.seconds)),
  onDeviceSent: (callback) => listen(events.deviceSent, (payload) => callback(payload.outcome)),
  quickLockTarget: () => commands.quickLockTarget(),
  onQuickLockOpened: (callback) =>
    listen(events.quickLockOpened, (payload) => callback(payload.deviceId)),
  hideWindow: () => unwrap(commands.hideWindow()).then(() => undefined),
  showMainWindow: () => commands.showMainWindow(),
  startReached: (stage) => commands.startReached(stage),
  pinnedDevices: () => unwrap(commands.pinnedDevices()),
  setDevicePinned: (device, pinned) => unwrap(commands.setDevicePinned(device, pinned)),
  profileChoices: () => unwrap(commands.profileChoices()),
  savedProfiles: () => unwrap(commands.savedProfiles()),
  checkProfile: (profile) => unwrap(commands.checkProfile(profile)),
  addProfile: (profile) => unwrap(commands.addProfile(profile)),
  removeProfile: (name) => unwrap(commands.removeProfile(name)),
  signIn: (name, sessionOnly) => unwrap(commands.signIn(name, sessionOnly)),
  signInApp: (name, secret, sessionOnly) => unwrap(commands.signInApp(name, secret, sessionOnly)),
  pickCertificateFile: () => unwrap(commands.pickCertificateFile()),
  cancelSignIn: () => unwrap(commands.cancelSignIn()).then(() => undefined),
  openSignInPage: () => unwrap(commands.openSignInPage()).then(() => undefined),
  copySignInCode: () => unwrap(commands.copySignInCode()).then(() => undefined),
  onSignInProgress: (callback) =>
    listen(events.signInProgress, (payload) => callback(payload.step)),
  desktopSettings: () => commands.desktopSettings(),
  setStartInTrayAtLogin: (enabled) => unwrap(commands.setStartInTrayAtLogin(enabled)),
  setQuickLockShortcut: (shortcut) => unwrap(commands.setQuickLockShortcut(shortcut)),
  switchProfile: (name) => unwrap(commands.switchProfile(name)),
  onSessionChanged: (callback) =>
    listen(events.sessionChanged, (payload) => callback(payload.summary, payload.error)),
  updateStatus: () => commands.updateStatus(),
  checkForUpdates: () => commands.checkForUpdates(),
  installUpdate: () => unwrap(commands.installUpdate()).then(() => undefined),
  setUpdatesOn: (on) => unwrap(commands.setUpdatesOn(on)),
  onUpdatesChanged: (callback) => listen(events.updatesChanged, callback),
  appearance: () => commands.appearance(),
  setAppearance: (appearance) => unwrap(commands.setAppearance(appearance)),
  onAppearanceChanged: (callback) => listen(events.appearanceChanged, callback),
};

/** Starts listening at once and stops cleanly even if stopped before the listener is ready. */
function listen<T>(
  event: { listen(cb: (e: { payload: T }) => void): Promise<() => void> },
  callback: (payload: T) => void,
): () => void {
  let stop: (() => void) | null = null;
  let stopped = false;
  void event
    .listen((e) => callback(e.payload))
    .then((unlisten) => {
      if (stopped) unlisten();
      else stop = unlisten;
    });
  return () => {
    stopped = true;
    stop?.();
  };
}

/** Turns anything a command rejected with into the one error shape the UI renders. */
export function toErrorReport(error: unknown): ErrorReport {
  if (isErrorReport(error)) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return {
    kind: "internal",
    message: `The app could not complete the request (${detail}). Try again; if it keeps happening, send the log file to your support contact.`,
    requestId: null,
  };
}

function isErrorReport(value: unknown): value is ErrorReport {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as ErrorReport).kind === "string" &&
    typeof (value as ErrorReport).message === "string"
  );
}

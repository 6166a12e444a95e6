import type { Ownership, Platform } from "./backend";

const PLATFORMS: Record<Platform, string> = {
  macOs: "macOS",
  ios: "iOS",
  ipadOs: "iPadOS",
  android: "Android",
  windows: "Windows",
  other: "Other",
};

export const PLATFORM_CHOICES = (Object.keys(PLATFORMS) as Platform[]).filter((p) => p !== "other");

export function platformLabel(platform: Platform): string {
  return PLATFORMS[platform];
}

export function ownershipLabel(ownership: Ownership): string {
  return { company: "Company", personal: "Personal", unknown: "Unknown" }[ownership];
}

/** "just now", "12 min ago", "5 h ago", "40 days ago", or "never". */
export function ago(iso: string | null, now: Date = new Date()): string {
  if (!iso) return "never";
  const minutes = Math.max(0, Math.floor((now.getTime() - new Date(iso).getTime()) / 60_000));
  if (minutes < 2) return "just now";
  if (minutes < 120) return `${minutes} min ago`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)} h ago`;
  return `${Math.floor(minutes / 1440)} days ago`;
}

export function dateTime(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString() : "—";
}

// Intune's raw values in words an admin reads. The raw value stays on hover (`title`) for support.
const WORDS: Record<string, string> = {
  // complianceState
  compliant: "Compliant",
  noncompliant: "Not compliant",
  inGracePeriod: "In grace period",
  conflict: "Conflict",
  error: "Error",
  configManager: "Managed by Configuration Manager",
  // managementState
  managed: "Managed",
  retirePending: "Retire pending",
  retireIssued: "Retire sent",
  retireFailed: "Retire failed",
  retireCanceled: "Retire canceled",
  wipePending: "Wipe pending",
  wipeIssued: "Wipe sent",
  wipeFailed: "Wipe failed",
  wipeCanceled: "Wipe canceled",
  deletePending: "Delete pending",
  unhealthy: "Unhealthy",
  discovered: "Discovered",
  // deviceEnrollmentType
  userEnrollment: "User enrollment (Company Portal)",
  deviceEnrollmentManager: "Device enrollment manager",
  appleBulkWithUser: "Automated Device Enrollment, with user affinity",
  appleBulkWithoutUser: "Automated Device Enrollment, without user affinity",
  appleUserEnrollment: "Apple User Enrollment",
  appleUserEnrollmentWithServiceAccount: "Apple User Enrollment (service account)",
  appleAccountDrivenUserEnrollment: "Apple account-driven User Enrollment",
  androidEnterpriseDedicatedDevice: "Android Enterprise dedicated device",
  androidEnterpriseFullyManaged: "Android Enterprise fully managed",
  androidEnterpriseCorporateWorkProfile: "Android Enterprise corporate-owned work profile",
  androidAOSPUserOwnedDeviceEnrollment: "Android (AOSP), user-associated",
  androidAOSPUserlessDeviceEnrollment: "Android (AOSP), userless",
  windowsAzureADJoin: "Microsoft Entra joined",
  windowsAutoEnrollment: "Windows automatic enrollment",
  windowsCoManagement: "Co-managed",
  unknownFutureValue: "Not reported by this Graph version",
  // actions and their states
  remoteLock: "Remote lock",
  resetPasscode: "Reset or remove passcode",
  recoverPasscode: "Recover passcode",
  rotateFileVaultKey: "Rotate FileVault key",
  syncDevice: "Sync",
  unlockPin: "Unlock PIN",
  passcode: "Passcode",
  fileVaultKey: "FileVault recovery key",
  pending: "Pending",
  active: "In progress",
  done: "Done",
  failed: "Failed",
  canceled: "Canceled",
  notSupported: "Not supported",
  // audit events
  sending: "About to send",
  send: "Sent",
  outcome: "Outcome",
  reveal: "Revealed",
  override: "Override",
  blocked: "Blocked",
  pin: "PIN",
  repair: "Audit repaired",
  unknown: "Unknown",
};

/** An Intune value in words; one the app does not know reads as it is, its words split. */
export function words(raw: string): string {
  if (!raw) return "—";
  return (
    WORDS[raw] ?? raw.replace(/([a-z])([A-Z])/g, "$1 $2").replace(/^./, (c) => c.toUpperCase())
  );
}

import type { ActionKind, Readiness, SecretKind, Severity } from "../../backend";

export const READINESS: Record<
  Readiness,
  { label: string; color: "success" | "warning" | "danger" }
> = {
  ready: { label: "Ready", color: "success" },
  warning: { label: "Ready, read the warnings", color: "warning" },
  blocked: { label: "Blocked", color: "danger" },
};

export const SEVERITY_LABEL: Record<Severity, string> = {
  blocker: "Blocked",
  warning: "Warning",
  note: "Note",
};

/** The button that opens the confirmation: the verb only, as the card's title names the action. */
export function sendLabel(action: ActionKind, label: string): string {
  if (action === "remoteLock") return "Lock…";
  return `${label.split(" ")[0] ?? label}…`;
}

export const SECRET_LABEL: Record<SecretKind, string> = {
  unlockPin: "unlock PIN",
  passcode: "passcode",
  fileVaultKey: "FileVault recovery key",
};

import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Spinner,
  Text,
  Textarea,
  tokens,
} from "@fluentui/react-components";
import { CopyRegular, EyeOffRegular } from "@fluentui/react-icons";
import { useEffect, useRef, useState } from "react";

import {
  toErrorReport,
  type Device,
  type ErrorReport,
  type RevealedSecret,
  type SecretKind,
} from "../../backend";
import { useBackend } from "../../backend/context";
import { isPrimaryKey, useFirstField } from "./useDialog";
import { SECRET_LABEL } from "./labels";

const useStyles = makeStyles({
  content: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
  value: {
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeHero700,
    // Its own line height: the text default is for body size and would cut the digits off.
    lineHeight: tokens.lineHeightHero700,
    letterSpacing: "0.08em",
    display: "flex",
    flexWrap: "wrap",
    columnGap: "0.6em",
    rowGap: tokens.spacingVerticalXS,
    userSelect: "all",
  },
  // A group is read out and typed as one: it never breaks inside.
  group: { whiteSpace: "nowrap" },
  row: { display: "flex", gap: tokens.spacingHorizontalS, alignItems: "center" },
  advice: { margin: 0, paddingLeft: tokens.spacingHorizontalXL },
});

interface Props {
  device: Device;
  kind: SecretKind;
  /** Closing goes through `open`, so Fluent gives the page back to screen readers. */
  open: boolean;
  onClose(): void;
  /** The reveal was recorded (shown or not found): the panel reads the device again. */
  onRevealed(): void;
}

/** Asks why, then shows the secret for 30 seconds; Copy clears the clipboard after 30 seconds. */
/**
 * A secret in the groups it is read aloud in: a FileVault key in its own groups (XXXX-XXXX-…),
 * a PIN or passcode of digits in threes, anything else whole.
 */
export function groups(kind: SecretKind, value: string): string[] {
  if (kind === "fileVaultKey" && value.includes("-")) return value.split("-");
  if (/^\d{5,}$/.test(value)) return value.match(/\d{1,3}/g) ?? [value];
  return [value];
}

/** Where a revealed value came from, in the admin's words (Rust says "keychain", "memory", "intune"). */
const SOURCES: Record<string, string> = {
  keychain: "your keychain",
  memory: "this demo session's memory",
  intune: "Intune",
};

export function RevealDialog({ device, kind, open, onClose, onRevealed }: Props) {
  const backend = useBackend();
  const styles = useStyles();
  const [justification, setJustification] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorReport | null>(null);
  const [shown, setShown] = useState<RevealedSecret | null>(null);
  const [hideAt, setHideAt] = useState(0);
  const [now, setNow] = useState(() => Date.now());
  const [copied, setCopied] = useState(false);

  // Closed means hidden: a reopened dialog starts from the justification again.
  if (!open && shown) setShown(null);

  // The secret leaves the screen when its time is up, whatever else happens.
  useEffect(() => {
    if (!shown) return;
    const timer = window.setInterval(() => {
      const current = Date.now();
      setNow(current);
      if (current >= hideAt) setShown(null);
    }, 250);
    return () => window.clearInterval(timer);
  }, [shown, hideAt]);
  const left = Math.max(0, Math.ceil((hideAt - now) / 1000));

  async function reveal() {
    setBusy(true);
    setError(null);
    try {
      const secret = await backend.revealSecret(kind, device.id, justification.trim());
      const start = Date.now();
      setNow(start);
      setHideAt(start + secret.hideAfterSeconds * 1000);
      setShown(secret);
    } catch (e) {
      setError(toErrorReport(e));
    } finally {
      setBusy(false);
      onRevealed();
    }
  }

  async function copy() {
    try {
      await backend.copySecret(kind, device.id);
      setCopied(true);
    } catch (e) {
      setError(toErrorReport(e));
    }
  }

  const field = useFirstField<HTMLTextAreaElement>(open);
  // The button that had the focus goes away as the secret shows (and comes back as it hides):
  // the focus moves to Copy, then back to the justification, never out of the dialog.
  const copyButton = useRef<HTMLButtonElement>(null);
  const wasShown = useRef(false);
  useEffect(() => {
    if (shown) copyButton.current?.focus();
    else if (wasShown.current && open) field.current?.focus();
    wasShown.current = shown !== null;
  }, [shown, open, field]);
  const canReveal = !busy && justification.trim() !== "";
  function onKeyDown(event: React.KeyboardEvent) {
    if (isPrimaryKey(event) && canReveal && !shown) void reveal();
  }
  const label = SECRET_LABEL[kind];
  return (
    <Dialog open={open} onOpenChange={(_, data) => !data.open && onClose()}>
      <DialogSurface onKeyDown={onKeyDown}>
        <DialogBody>
          <DialogTitle>
            {label.charAt(0).toUpperCase() + label.slice(1)} of {device.deviceName}
          </DialogTitle>
          <DialogContent className={styles.content}>
            {shown ? (
              <>
                <Text className={styles.value} id="revealed-value" aria-live="polite">
                  {groups(kind, shown.value).map((group, i) => (
                    <span key={i} className={styles.group}>
                      {group}
                    </span>
                  ))}
                </Text>
                <Text>
                  Hidden again in {left} s. From {SOURCES[shown.source] ?? "Intune"}
                  {shown.producedAt && `, ${new Date(shown.producedAt).toLocaleString()}`}.
                </Text>
                <div className={styles.row}>
                  <Button
                    ref={copyButton}
                    icon={<CopyRegular />}
                    onClick={() => void copy()}
                    id="revealed-copy"
                  >
                    {copied ? "Copied: cleared from the clipboard in 30 s" : "Copy"}
                  </Button>
                  <Button icon={<EyeOffRegular />} onClick={() => setShown(null)}>
                    Hide
                  </Button>
                </div>
                <ul className={styles.advice}>
                  {shown.advice.map((line) => (
                    <li key={line}>{line}</li>
                  ))}
                </ul>
              </>
            ) : (
              <Field label="Business justification (required, kept in the audit)" required>
                <Textarea
                  id="reveal-justification"
                  ref={field}
                  value={justification}
                  onChange={(_, data) => setJustification(data.value)}
                  placeholder="e.g. INC-1234, user verified by phone"
                  maxLength={500}
                />
              </Field>
            )}
            {error && (
              <MessageBar intent="error" id="reveal-error">
                <MessageBarBody>{error.message}</MessageBarBody>
              </MessageBar>
            )}
          </DialogContent>
          <DialogActions>
            <Button appearance="secondary" onClick={onClose} id="reveal-close">
              Close
            </Button>
            {!shown && (
              <Button
                id="reveal-confirm"
                appearance="primary"
                disabled={!canReveal}
                aria-keyshortcuts="Control+Enter Meta+Enter"
                icon={busy ? <Spinner size="tiny" /> : undefined}
                onClick={() => void reveal()}
              >
                Reveal
              </Button>
            )}
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

import {
  Button,
  Checkbox,
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
import { useEffect, useState } from "react";

import {
  toErrorReport,
  type Device,
  type ErrorReport,
  type RunReport,
  type Verdict,
} from "../../backend";
import { useBackend } from "../../backend/context";
import { isPrimaryKey, PRIMARY_KEYS, useFirstField } from "./useDialog";

const useStyles = makeStyles({
  content: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
  facts: { margin: 0, paddingLeft: tokens.spacingHorizontalXL },
  hint: { color: tokens.colorNeutralForeground3, alignSelf: "center" },
});

interface Props {
  device: Device;
  verdict: Verdict;
  /** Closing goes through `open`, so Fluent gives the page back to screen readers. */
  open: boolean;
  onClose(): void;
  onSent(report: RunReport): void;
}

/** Names the device, the action and its effect; asks for a reason where Rust requires one. */
export function ConfirmActionDialog({ device, verdict, open, onClose, onSent }: Props) {
  const backend = useBackend();
  const styles = useStyles();
  const [justification, setJustification] = useState("");
  const [understood, setUnderstood] = useState(false);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<ErrorReport | null>(null);
  const [waiting, setWaiting] = useState<{ until: number } | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const overriding = verdict.readiness === "blocked" && verdict.overridable;
  const firstField = useFirstField<HTMLInputElement & HTMLTextAreaElement>(open);
  const reasonMissing = verdict.needsJustification && justification.trim() === "";
  const canSend = !sending && !reasonMissing && (!overriding || understood);

  // While sending, Intune may ask to slow down: say so, with the time left.
  useEffect(() => {
    if (!sending) return;
    const stop = backend.onSendWaiting((seconds) => {
      setNow(Date.now());
      setWaiting({ until: Date.now() + seconds * 1000 });
    });
    const tick = window.setInterval(() => setNow(Date.now()), 500);
    return () => {
      stop();
      window.clearInterval(tick);
    };
  }, [backend, sending]);
  const secondsLeft = waiting ? Math.max(0, Math.ceil((waiting.until - now) / 1000)) : 0;

  async function send() {
    setSending(true);
    setError(null);
    try {
      onSent(
        await backend.sendAction({
          action: verdict.action,
          devices: [device.id],
          justification: justification.trim() || null,
          overrideUnusedPin: overriding,
        }),
      );
    } catch (e) {
      setError(toErrorReport(e));
      setSending(false);
    }
  }

  function onKeyDown(event: React.KeyboardEvent) {
    if (isPrimaryKey(event) && canSend) void send();
  }

  const warnings = verdict.reasons.filter((r) => r.severity !== "note");
  return (
    <Dialog open={open} onOpenChange={(_, data) => !data.open && onClose()} modalType="alert">
      <DialogSurface aria-describedby="confirm-effect" onKeyDown={onKeyDown}>
        <DialogBody>
          <DialogTitle>
            {verdict.label}: {device.deviceName}?
          </DialogTitle>
          <DialogContent className={styles.content}>
            <ul className={styles.facts}>
              <li>Serial number {device.serialNumber || "unknown"}</li>
              <li>
                {device.userDisplayName || "No user"} ({device.userPrincipalName || "no UPN"})
              </li>
              <li>
                {device.operatingSystem} {device.osVersion}, {device.model}
              </li>
            </ul>
            <Text id="confirm-effect" weight="semibold">
              {verdict.effect}
            </Text>
            {warnings.map((reason) => (
              <MessageBar
                key={reason.rule}
                intent={reason.severity === "blocker" ? "error" : "warning"}
              >
                <MessageBarBody>{reason.text}</MessageBarBody>
              </MessageBar>
            ))}
            {overriding && (
              <Checkbox
                id="confirm-override"
                ref={overriding ? firstField : undefined}
                checked={understood}
                onChange={(_, data) => setUnderstood(data.checked === true)}
                label="I understand: the first PIN disappears from Intune, and a second lock shows Failed while that PIN is unused."
              />
            )}
            <Field
              label={
                verdict.needsJustification
                  ? "Business justification (required, kept in the audit)"
                  : "Reason (optional, kept in the audit)"
              }
              required={verdict.needsJustification}
            >
              <Textarea
                id="confirm-justification"
                ref={overriding ? undefined : firstField}
                value={justification}
                onChange={(_, data) => setJustification(data.value)}
                placeholder="e.g. INC-1234, user reported the laptop stolen"
                maxLength={500}
              />
            </Field>
            {sending && secondsLeft > 0 && (
              <MessageBar intent="warning" id="confirm-throttled">
                <MessageBarBody>
                  Intune asked to slow down: trying again in {secondsLeft} s. Nothing is lost.
                </MessageBarBody>
              </MessageBar>
            )}
            {error && (
              <MessageBar intent="error">
                <MessageBarBody>
                  {error.message}
                  {error.requestId && ` (request ID ${error.requestId})`}
                </MessageBarBody>
              </MessageBar>
            )}
          </DialogContent>
          <DialogActions position="start">
            <Text size={200} className={styles.hint} aria-hidden>
              {PRIMARY_KEYS} to send
            </Text>
          </DialogActions>
          <DialogActions>
            <Button appearance="secondary" onClick={onClose} disabled={sending} id="confirm-cancel">
              Cancel
            </Button>
            <Button
              id="confirm-send"
              appearance="primary"
              disabled={!canSend}
              aria-keyshortcuts="Control+Enter Meta+Enter"
              icon={sending ? <Spinner size="tiny" /> : undefined}
              onClick={() => void send()}
            >
              {sending ? "Sending…" : verdict.label}
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

import {
  Badge,
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Dropdown,
  Field,
  Input,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Option,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  Textarea,
  tokens,
} from "@fluentui/react-components";
import {
  ArrowDownloadRegular,
  DismissCircleRegular,
  PauseRegular,
  PlayRegular,
} from "@fluentui/react-icons";
import { useEffect, useMemo, useRef, useState } from "react";

import {
  toErrorReport,
  type ActionKind,
  type Device,
  type DeviceOutcome,
  type ErrorReport,
  type ListMatch,
  type ReviewRow,
  type RunMode,
  type RunReport,
  type RunSummary,
  type WritePace,
} from "../../backend";
import { useBackend } from "../../backend/context";
import { READINESS } from "./labels";
import { isPrimaryKey, useFirstField } from "./useDialog";

const useStyles = makeStyles({
  surface: { maxWidth: "min(900px, calc(100vw - 32px))", width: "100%" },
  content: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
  list: { fontFamily: tokens.fontFamilyMonospace, minHeight: "160px" },
  problems: { margin: 0, paddingLeft: tokens.spacingHorizontalXL },
  counts: { display: "flex", gap: tokens.spacingHorizontalS, flexWrap: "wrap" },
  table: { maxHeight: "280px", overflowY: "auto" },
  mono: { fontFamily: tokens.fontFamilyMonospace },
  muted: { color: tokens.colorNeutralForeground3 },
  filters: { display: "flex", gap: tokens.spacingHorizontalS, flexWrap: "wrap" },
});

/** Devices chosen already are named up to this many; the review lists them all. */
const SHOWN_BY_NAME = 12;

/** Above this many devices, the admin types the number to confirm. */
export const TYPED_CONFIRMATION_FROM = 10;

const ACTIONS: { kind: ActionKind; label: string }[] = [
  { kind: "remoteLock", label: "Remote lock" },
  { kind: "rotateFileVaultKey", label: "Rotate FileVault recovery key" },
  { kind: "resetPasscode", label: "Remove passcode" },
  { kind: "recoverPasscode", label: "Recover passcode" },
];

const STATE_LABEL: Record<DeviceOutcome["state"], string> = {
  queued: "Sent",
  blocked: "Not sent (blocked)",
  failed: "Refused",
  unknown: "Unknown: check it",
  cancelled: "Not sent (cancelled)",
};

/** A sent device's row once Rust's following saw it end on the device. */
const ON_DEVICE_LABEL = { done: "Done on the device", failed: "Failed on the device" } as const;

/** The results table's filter: every device, or those in one state. */
type Shown = "all" | DeviceOutcome["state"];

/** The outcomes a filter and a search keep (name, ID or message, any case). */
export function filterOutcomes(
  outcomes: DeviceOutcome[],
  shown: Shown,
  search: string,
): DeviceOutcome[] {
  const text = search.trim().toLowerCase();
  return outcomes.filter(
    (o) =>
      (shown === "all" || o.state === shown) &&
      (!text ||
        o.deviceName.toLowerCase().includes(text) ||
        o.deviceId.toLowerCase().includes(text) ||
        o.message.toLowerCase().includes(text)),
  );
}

type Step =
  | { kind: "list" }
  | { kind: "resume"; run: RunSummary }
  | { kind: "review"; rows: ReviewRow[] }
  | { kind: "sending"; total: number }
  | { kind: "done"; report: RunReport };

/** Which devices of a review would be sent: never a blocked one, the warned ones if wanted. */
export function toSend(rows: ReviewRow[], leaveOutWarned: boolean): ReviewRow[] {
  return rows.filter((r) => {
    const readiness = r.verdict?.readiness;
    if (!readiness || readiness === "blocked") return false;
    return !(leaveOutWarned && readiness === "warning");
  });
}

/** How many rows of a review are ready, warned, blocked, or could not be read. */
export function countVerdicts(rows: ReviewRow[]) {
  const count = (readiness: string) =>
    rows.filter((r) => r.verdict?.readiness === readiness).length;
  return {
    ready: count("ready"),
    warning: count("warning"),
    blocked: count("blocked"),
    unreadable: rows.filter((r) => !r.verdict).length,
  };
}

interface Props {
  open: boolean;
  onClose(): void;
  /** Devices chosen already (every device of a user): no list to paste. */
  chosen?: { title: string; devices: Device[] };
  /** A run that stopped before its end, to go on with. */
  resume?: RunSummary;
  /** Puts the dialog out of the way while its run goes on ("Keep working"). */
  onHide?(): void;
  /** Where the run stands, in a few words, for whoever shows it while the dialog is hidden. */
  onStatus?(status: { text: string; going: boolean } | null): void;
}

/** Devices chosen already, as a list that matched them all. */
function asMatched(devices: Device[]): ListMatch {
  return {
    matched: devices.map((device, i) => ({ line: i + 1, text: device.deviceName, device })),
    repeated: [],
    ambiguous: [],
    unmatched: [],
    header: null,
  };
}

/**
 * Many devices at once: paste a list (serials, names or IDs; rows from Excel), see what matched,
 * review every device's verdict for the action, confirm once (typing the number above ten), and
 * watch each device's outcome arrive. Rust matches, judges and sends; blocked devices never go.
 */
export function ManyDevicesDialog({
  open,
  onClose,
  chosen: given,
  resume,
  onHide,
  onStatus,
}: Props) {
  const backend = useBackend();
  const styles = useStyles();
  const [text, setText] = useState("");
  const [matched, setMatched] = useState<ListMatch | null>(() =>
    given ? asMatched(given.devices) : null,
  );
  const [action, setAction] = useState<ActionKind>("remoteLock");
  const [step, setStep] = useState<Step>(() =>
    resume ? { kind: "resume", run: resume } : { kind: "list" },
  );
  const [mode, setMode] = useState<RunMode>("going");
  const [shown, setShown] = useState<Shown>("all");
  const [search, setSearch] = useState("");
  const [timeLeft, setTimeLeft] = useState<number | null>(null);
  // Devices of the run not yet settled, and how the sent ones ended on the device.
  const [waiting, setWaiting] = useState<{ deviceId: string; deviceName: string }[]>([]);
  const [onDevice, setOnDevice] = useState<Record<string, "done" | "failed">>({});
  const [leaveOutWarned, setLeaveOutWarned] = useState(false);
  const [reason, setReason] = useState("");
  const [typed, setTyped] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorReport | null>(null);
  const [outcomes, setOutcomes] = useState<DeviceOutcome[]>([]);
  const [pace, setPace] = useState<WritePace | null>(null);
  const [exported, setExported] = useState<string | null>(null);
  const [waitUntil, setWaitUntil] = useState<number | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const listField = useFirstField<HTMLTextAreaElement>(open);

  // Each device's outcome as it comes, and Intune's requests to slow down, while a run is under
  // way.
  const sending = step.kind === "sending";
  useEffect(() => {
    if (!sending) return;
    const stopSent = backend.onDeviceSent((outcome) => setOutcomes((all) => [...all, outcome]));
    const stopWaiting = backend.onSendWaiting((seconds) => {
      setNow(Date.now());
      setWaitUntil(Date.now() + seconds * 1000);
    });
    const tick = window.setInterval(() => setNow(Date.now()), 500);
    return () => {
      stopSent();
      stopWaiting();
      window.clearInterval(tick);
    };
  }, [backend, sending]);
  const waitLeft = waitUntil ? Math.max(0, Math.ceil((waitUntil - now) / 1000)) : 0;

  // Rust follows each sent device to its end: the row says when the device did it.
  const following = step.kind === "sending" || step.kind === "done";
  const followedAction = step.kind === "done" ? step.report.action : (resume?.action ?? action);
  useEffect(() => {
    if (!following) return;
    return backend.onActionProgress((update) => {
      if (!update.finished || update.action !== followedAction) return;
      const ended = update.result?.actionState === "done" ? "done" : "failed";
      setOnDevice((all) => ({ ...all, [update.deviceId]: ended }));
    });
  }, [backend, following, followedAction]);

  // The time left at Intune's pace, as Rust's write limiter has it now, every few seconds.
  const remaining = step.kind === "sending" ? Math.max(0, step.total - outcomes.length) : 0;
  const remainingRef = useRef(remaining);
  useEffect(() => {
    remainingRef.current = remaining;
  }, [remaining]);
  useEffect(() => {
    if (!sending) return;
    let current = true;
    const estimate = () =>
      backend.writePace(remainingRef.current).then(
        (p) => current && setTimeLeft(p.estimateSecs),
        () => current && setTimeLeft(null),
      );
    void estimate();
    const every = window.setInterval(() => void estimate(), 3000);
    return () => {
      current = false;
      window.clearInterval(every);
    };
  }, [backend, sending]);

  // The run in a few words, for the chip shown while the dialog is out of the way.
  const runningAction = step.kind === "done" ? step.report.action : (resume?.action ?? action);
  const doneText = step.kind === "done" ? doneSummary(step.report) : null;
  const sentSoFar = outcomes.length;
  const total = step.kind === "sending" ? step.total : 0;
  useEffect(() => {
    if (!onStatus) return;
    const name = ACTIONS.find((a) => a.kind === runningAction)?.label ?? runningAction;
    if (sending) {
      onStatus({
        text: `${name}: ${sentSoFar.toLocaleString()} of ${total.toLocaleString()}${mode === "paused" ? " (paused)" : "…"}`,
        going: true,
      });
    } else if (doneText) {
      onStatus({ text: `${name}: ${doneText}`, going: false });
    } else {
      onStatus(null);
    }
  }, [onStatus, sending, sentSoFar, total, mode, doneText, runningAction]);

  async function control(next: RunMode) {
    setError(null);
    try {
      await backend.controlRun(next);
      setMode(next);
    } catch (e) {
      setError(toErrorReport(e));
    }
  }

  async function match() {
    setBusy(true);
    setError(null);
    try {
      setMatched(await backend.matchDeviceList(text));
    } catch (e) {
      setError(toErrorReport(e));
    } finally {
      setBusy(false);
    }
  }

  async function review() {
    if (!matched) return;
    setBusy(true);
    setError(null);
    try {
      const rows = await backend.reviewDevices(
        action,
        matched.matched.map((m) => m.device.id),
      );
      setStep({ kind: "review", rows });
    } catch (e) {
      setError(toErrorReport(e));
    } finally {
      setBusy(false);
    }
  }

  const rows = useMemo(() => (step.kind === "review" ? step.rows : []), [step]);
  const counts = useMemo(() => countVerdicts(rows), [rows]);
  const chosen = useMemo(() => toSend(rows, leaveOutWarned), [rows, leaveOutWarned]);
  const needsReason = chosen.some((r) => r.verdict?.needsJustification);
  const needsTyping = chosen.length > TYPED_CONFIRMATION_FROM;
  const canSend =
    chosen.length > 0 &&
    !busy &&
    (!needsReason || reason.trim() !== "") &&
    (!needsTyping || typed.trim() === String(chosen.length));
  const actionLabel = ACTIONS.find((a) => a.kind === action)?.label ?? action;

  // How long the chosen devices take at Intune's pace, as Rust's write limiter has it now.
  const chosenCount = chosen.length;
  useEffect(() => {
    if (step.kind !== "review" || chosenCount === 0) return;
    let current = true;
    backend.writePace(chosenCount).then(
      (p) => current && setPace(p),
      () => current && setPace(null),
    );
    return () => {
      current = false;
    };
  }, [backend, step.kind, chosenCount]);

  async function send() {
    if (!canSend) return;
    setError(null);
    setOutcomes([]);
    setMode("going");
    setWaiting(
      chosen.map((r) => ({ deviceId: r.deviceId, deviceName: r.device?.deviceName ?? r.deviceId })),
    );
    setStep({ kind: "sending", total: chosen.length });
    try {
      const report = await backend.sendAction({
        action,
        devices: chosen.map((r) => r.deviceId),
        justification: reason.trim() || null,
        overrideUnusedPin: false,
      });
      setStep({ kind: "done", report });
    } catch (e) {
      setError(toErrorReport(e));
      setStep({ kind: "review", rows });
    }
  }

  const resumeCount = resume ? resume.left : 0;
  const resumeNeedsTyping = resumeCount > TYPED_CONFIRMATION_FROM;
  const canResume =
    !!resume && (!resumeNeedsTyping || typed.trim() === String(resumeCount)) && !busy;

  async function goOn() {
    if (!resume || !canResume) return;
    setError(null);
    setOutcomes([]);
    setMode("going");
    setStep({ kind: "sending", total: resume.devices });
    try {
      setStep({ kind: "done", report: await backend.resumeRun(resume.id) });
    } catch (e) {
      setError(toErrorReport(e));
      setStep({ kind: "resume", run: resume });
    }
  }

  async function exportRun() {
    setError(null);
    try {
      const path = await backend.exportLastRun();
      if (path) setExported(path);
    } catch (e) {
      setError(toErrorReport(e));
    }
  }

  function onKeyDown(event: React.KeyboardEvent) {
    if (isPrimaryKey(event) && step.kind === "review") void send();
    if (isPrimaryKey(event) && step.kind === "resume") void goOn();
  }

  const allOutcomes = step.kind === "done" ? step.report.outcomes : outcomes;
  const visibleOutcomes = useMemo(
    () => filterOutcomes(allOutcomes, shown, search),
    [allOutcomes, shown, search],
  );
  // Not settled yet: listed under "All" while the run goes on.
  const visibleWaiting = useMemo(() => {
    if (step.kind !== "sending" || shown !== "all") return [];
    const settled = new Set(outcomes.map((o) => o.deviceId));
    const text = search.trim().toLowerCase();
    return waiting.filter(
      (w) => !settled.has(w.deviceId) && (!text || w.deviceName.toLowerCase().includes(text)),
    );
  }, [step.kind, shown, outcomes, waiting, search]);

  const errorBar = error && (
    <MessageBar intent="error" id="many-error">
      <MessageBarBody>{error.message}</MessageBarBody>
    </MessageBar>
  );

  return (
    <Dialog
      open={open}
      onOpenChange={(_, data) => {
        if (data.open) return;
        if (!sending) onClose();
        else onHide?.();
      }}
      modalType="alert"
    >
      <DialogSurface className={styles.surface} onKeyDown={onKeyDown}>
        <DialogBody>
          <DialogTitle>
            {resume
              ? `Resume: ${actionName(resume.action)} of ${resume.devices.toLocaleString()} devices`
              : (given?.title ?? "Many devices at once")}
          </DialogTitle>
          <DialogContent className={styles.content}>
            {step.kind === "resume" && (
              <>
                <Text id="many-resume-summary">
                  Started {new Date(step.run.started).toLocaleString()} by {step.run.account}; it
                  stopped before its end. So far: {step.run.queued.toLocaleString()} sent
                  {step.run.blocked > 0 && `, ${step.run.blocked.toLocaleString()} blocked`}
                  {step.run.failed > 0 && `, ${step.run.failed.toLocaleString()} refused`}
                  {step.run.unknown > 0 && `, ${step.run.unknown.toLocaleString()} unknown`}.
                </Text>
                <Text weight="semibold" id="many-effect">
                  {step.run.left.toLocaleString()}{" "}
                  {step.run.left === 1 ? "device is" : "devices are"} left: each is read and checked
                  again before it is sent.
                  {step.run.inFlight > 0 &&
                    ` ${step.run.inFlight.toLocaleString()} ${step.run.inFlight === 1 ? "request was" : "requests were"} leaving when the run stopped: the app looks for ${step.run.inFlight === 1 ? "it" : "them"} on the device and never sends ${step.run.inFlight === 1 ? "it" : "them"} again.`}{" "}
                  Nothing that already left is sent twice.
                </Text>
                {resumeNeedsTyping && (
                  <Field label={`Type ${resumeCount} to confirm ${resumeCount} devices`} required>
                    <Input
                      id="many-typed-count"
                      value={typed}
                      onChange={(_, data) => setTyped(data.value)}
                      inputMode="numeric"
                    />
                  </Field>
                )}
              </>
            )}
            {step.kind === "list" && given && (
              <Text id="many-matched">
                {given.devices
                  .slice(0, SHOWN_BY_NAME)
                  .map((d) => `${d.deviceName} (${d.serialNumber})`)
                  .join(", ")}
                {given.devices.length > SHOWN_BY_NAME &&
                  `, and ${given.devices.length - SHOWN_BY_NAME} more`}
              </Text>
            )}
            {step.kind === "list" && (
              <>
                {!given && (
                  <Field
                    label="Serial numbers, device names or device IDs"
                    hint="One per line, or rows copied from Excel or a CSV file; column titles are left out."
                  >
                    <Textarea
                      id="many-list"
                      ref={listField}
                      className={styles.list}
                      value={text}
                      resize="vertical"
                      onChange={(_, data) => {
                        setText(data.value);
                        setMatched(null);
                      }}
                    />
                  </Field>
                )}
                {matched && !given && <MatchSummary found={matched} />}
                <Field label="Action">
                  <Dropdown
                    id="many-action"
                    value={actionLabel}
                    selectedOptions={[action]}
                    onOptionSelect={(_, data) =>
                      setAction((data.optionValue as ActionKind | undefined) ?? "remoteLock")
                    }
                  >
                    {ACTIONS.map((a) => (
                      <Option key={a.kind} value={a.kind}>
                        {a.label}
                      </Option>
                    ))}
                  </Dropdown>
                </Field>
              </>
            )}
            {step.kind === "review" && (
              <>
                <div className={styles.counts} id="many-counts">
                  <Badge appearance="tint" color="success">
                    {counts.ready} ready
                  </Badge>
                  <Badge appearance="tint" color="warning">
                    {counts.warning} with warnings
                  </Badge>
                  <Badge appearance="tint" color="danger">
                    {counts.blocked} blocked (never sent)
                  </Badge>
                  {counts.unreadable > 0 && (
                    <Badge appearance="tint" color="danger">
                      {counts.unreadable} could not be read
                    </Badge>
                  )}
                </div>
                <div className={styles.table}>
                  <Table size="small" aria-label="Each device's verdict">
                    <TableHeader>
                      <TableRow>
                        <TableHeaderCell>Device</TableHeaderCell>
                        <TableHeaderCell>Serial</TableHeaderCell>
                        <TableHeaderCell>{actionLabel}</TableHeaderCell>
                        <TableHeaderCell>Why</TableHeaderCell>
                      </TableRow>
                    </TableHeader>
                    <TableBody>
                      {rows.map((row) => (
                        <TableRow key={row.deviceId} data-many-device={row.deviceId}>
                          <TableCell>{row.device?.deviceName ?? row.deviceId}</TableCell>
                          <TableCell className={styles.mono}>{row.device?.serialNumber}</TableCell>
                          <TableCell>
                            {row.verdict ? READINESS[row.verdict.readiness].label : "Unreadable"}
                          </TableCell>
                          <TableCell>
                            {row.error?.message ??
                              row.verdict?.reasons.find((r) => r.severity !== "note")?.text ??
                              ""}
                          </TableCell>
                        </TableRow>
                      ))}
                    </TableBody>
                  </Table>
                </div>
                {counts.warning > 0 && (
                  <Checkbox
                    id="many-leave-out-warned"
                    checked={leaveOutWarned}
                    onChange={(_, data) => setLeaveOutWarned(data.checked === true)}
                    label={`Leave out the ${counts.warning} with warnings`}
                  />
                )}
                {pace && chosen.length > pace.writesPerWindow && (
                  <Text id="many-pace">
                    Intune takes {pace.writesPerWindow} of these every {pace.windowSecs} s: about{" "}
                    {duration(pace.estimateSecs)} to send them all.
                  </Text>
                )}
                <Text weight="semibold" id="many-effect">
                  {chosen.length === 0
                    ? "No device can be sent to."
                    : `${actionLabel}: ${chosen.length} ${chosen.length === 1 ? "device" : "devices"}. ${chosen[0]?.verdict?.effect ?? ""}`}
                </Text>
                <Field
                  label={
                    needsReason
                      ? "Business justification (required, kept in the audit)"
                      : "Reason (optional, kept in the audit)"
                  }
                  required={needsReason}
                >
                  <Input
                    id="many-reason"
                    value={reason}
                    onChange={(_, data) => setReason(data.value)}
                    maxLength={500}
                  />
                </Field>
                {needsTyping && (
                  <Field
                    label={`Type ${chosen.length} to confirm ${chosen.length} devices`}
                    required
                  >
                    <Input
                      id="many-typed-count"
                      value={typed}
                      onChange={(_, data) => setTyped(data.value)}
                      inputMode="numeric"
                    />
                  </Field>
                )}
              </>
            )}
            {(step.kind === "sending" || step.kind === "done") && (
              <>
                <Text id="many-progress" aria-live="polite">
                  {step.kind === "sending" ? (
                    <>
                      {mode === "paused" ? null : <Spinner size="tiny" />}{" "}
                      {outcomes.length.toLocaleString()} of {step.total.toLocaleString()} sent or
                      settled
                      {mode === "paused"
                        ? ". Paused: devices under way finish, no new device starts."
                        : mode === "cancelled"
                          ? ". Cancelling: nothing more is sent."
                          : "…"}
                      {mode === "going" &&
                        timeLeft !== null &&
                        remaining > 0 &&
                        ` About ${duration(timeLeft)} left at Intune's pace.`}
                      {waitLeft > 0 && ` Intune asked to slow down: going on in ${waitLeft} s.`}
                    </>
                  ) : (
                    doneSummary(step.report)
                  )}
                </Text>
                {step.kind === "sending" && (
                  <Text size={200} className={styles.muted} id="many-tray-hint">
                    {onHide
                      ? "Keep working puts this aside while the run goes on. You can also close the window: the run goes on in the tray, and a notification says when it ends."
                      : "You can close the window: the run goes on in the tray, and a notification says when it ends."}
                  </Text>
                )}
                <div className={styles.filters}>
                  <Dropdown
                    id="many-shown"
                    aria-label="Show"
                    value={shownLabel(shown, allOutcomes)}
                    selectedOptions={[shown]}
                    onOptionSelect={(_, data) => setShown((data.optionValue as Shown) ?? "all")}
                  >
                    <Option value="all" text={shownLabel("all", allOutcomes)}>
                      {shownLabel("all", allOutcomes)}
                    </Option>
                    {STATES.map((state) => (
                      <Option key={state} value={state} text={shownLabel(state, allOutcomes)}>
                        {shownLabel(state, allOutcomes)}
                      </Option>
                    ))}
                  </Dropdown>
                  <Input
                    id="many-search"
                    aria-label="Find in the results"
                    placeholder="Find a device or message"
                    value={search}
                    onChange={(_, data) => setSearch(data.value)}
                  />
                </div>
                <div className={styles.table}>
                  <Table size="small" aria-label="Each device's outcome">
                    <TableBody>
                      {visibleOutcomes.map((o) => (
                        <TableRow
                          key={o.deviceId}
                          data-many-outcome={o.state}
                          data-on-device={onDevice[o.deviceId]}
                        >
                          <TableCell>{o.deviceName || o.deviceId}</TableCell>
                          <TableCell>
                            {o.state === "queued" && onDevice[o.deviceId]
                              ? ON_DEVICE_LABEL[onDevice[o.deviceId]!]
                              : STATE_LABEL[o.state]}
                          </TableCell>
                          <TableCell className={styles.muted}>{o.message}</TableCell>
                        </TableRow>
                      ))}
                      {visibleWaiting.map((w) => (
                        <TableRow key={w.deviceId} data-many-outcome="waiting">
                          <TableCell>{w.deviceName}</TableCell>
                          <TableCell>Waiting</TableCell>
                          <TableCell />
                        </TableRow>
                      ))}
                    </TableBody>
                  </Table>
                  {visibleOutcomes.length === 0 && allOutcomes.length > 0 && (
                    <Text className={styles.muted}>No device matches the filter.</Text>
                  )}
                </div>
              </>
            )}
            {exported && (
              <MessageBar intent="success" id="many-exported">
                <MessageBarBody>Saved to {exported}</MessageBarBody>
              </MessageBar>
            )}
            {errorBar}
          </DialogContent>
          <DialogActions>
            {step.kind === "list" && (
              <>
                <Button onClick={onClose} id="many-cancel">
                  Cancel
                </Button>
                <Button
                  id="many-match"
                  disabled={busy || !text.trim()}
                  onClick={() => void match()}
                >
                  Match the list
                </Button>
                <Button
                  id="many-review"
                  appearance="primary"
                  disabled={busy || !matched || matched.matched.length === 0}
                  onClick={() => void review()}
                >
                  {busy ? <Spinner size="tiny" /> : null}
                  Review {matched?.matched.length ?? 0} devices
                </Button>
              </>
            )}
            {step.kind === "review" && (
              <>
                <Button onClick={() => setStep({ kind: "list" })}>Back</Button>
                <Button
                  id="many-send"
                  appearance="primary"
                  disabled={!canSend}
                  aria-keyshortcuts="Control+Enter Meta+Enter"
                  onClick={() => void send()}
                >
                  {actionLabel}: {chosen.length} devices
                </Button>
              </>
            )}
            {step.kind === "resume" && (
              <>
                <Button onClick={onClose}>Not now</Button>
                <Button
                  id="many-resume"
                  appearance="primary"
                  disabled={!canResume}
                  aria-keyshortcuts="Control+Enter Meta+Enter"
                  onClick={() => void goOn()}
                >
                  Resume: {resumeCount.toLocaleString()} devices
                </Button>
              </>
            )}
            {step.kind === "sending" && (
              <>
                {onHide && (
                  <Button id="many-hide" onClick={onHide}>
                    Keep working
                  </Button>
                )}
                {mode === "paused" ? (
                  <Button
                    id="many-go-on"
                    icon={<PlayRegular />}
                    onClick={() => void control("going")}
                  >
                    Go on
                  </Button>
                ) : (
                  <Button
                    id="many-pause"
                    icon={<PauseRegular />}
                    disabled={mode === "cancelled"}
                    onClick={() => void control("paused")}
                  >
                    Pause
                  </Button>
                )}
                <Button
                  id="many-cancel"
                  icon={<DismissCircleRegular />}
                  disabled={mode === "cancelled"}
                  title="Send nothing more; what was sent is kept and followed"
                  onClick={() => void control("cancelled")}
                >
                  Stop sending
                </Button>
              </>
            )}
            {step.kind === "done" && (
              <>
                <Button
                  id="many-export"
                  icon={<ArrowDownloadRegular />}
                  onClick={() => void exportRun()}
                >
                  Export CSV…
                </Button>
                <Button id="many-close" appearance="primary" onClick={onClose}>
                  Close
                </Button>
              </>
            )}
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

const STATES: DeviceOutcome["state"][] = ["queued", "failed", "unknown", "blocked", "cancelled"];

/** "Sent (28)", "All (30)". */
function shownLabel(shown: Shown, outcomes: DeviceOutcome[]): string {
  const count =
    shown === "all" ? outcomes.length : outcomes.filter((o) => o.state === shown).length;
  return `${shown === "all" ? "All" : STATE_LABEL[shown]} (${count.toLocaleString()})`;
}

/** "Done: 28 sent, 1 refused, 1 unknown." with only the counts that are not zero past "sent". */
export function doneSummary(report: RunReport): string {
  const parts = [`${report.queued.toLocaleString()} sent`];
  const more: [number, string][] = [
    [report.blocked, "blocked"],
    [report.failed, "refused"],
    [report.unknown, "unknown"],
    [report.cancelled, "not sent (cancelled)"],
  ];
  for (const [count, word] of more) if (count > 0) parts.push(`${count.toLocaleString()} ${word}`);
  return `${report.cancelled > 0 ? "Stopped" : "Done"}: ${parts.join(", ")}.`;
}

function actionName(action: ActionKind): string {
  return (ACTIONS.find((a) => a.kind === action)?.label ?? action).toLowerCase();
}

/** "1 min 20 s", "45 s". */
export function duration(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  if (minutes === 0) return `${rest} s`;
  return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
}

/** What the pasted list matched, before anything else. */
function MatchSummary({ found }: { found: ListMatch }) {
  const styles = useStyles();
  const problems = [
    ...found.repeated.map(
      (r) => `Line ${r.line} "${r.text}": the same device as line ${r.firstLine} (taken once).`,
    ),
    ...found.ambiguous.map(
      (a) =>
        `Line ${a.line} "${a.text}": matches ${a.devices.length} devices (${a.devices
          .map((d) => d.serialNumber)
          .join(", ")}); left out: use its serial number.`,
    ),
    ...found.unmatched.map((u) => `Line ${u.line} "${u.text}": matches no device; left out.`),
  ];
  return (
    <div id="many-matched">
      <Text weight="semibold">
        {found.matched.length} {found.matched.length === 1 ? "device" : "devices"} matched
        {found.header ? " (the column titles on line 1 were left out)" : ""}.
      </Text>
      {problems.length > 0 && (
        <ul className={styles.problems}>
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

import {
  Button,
  Input,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Spinner,
  Subtitle2,
  Text,
  tokens,
} from "@fluentui/react-components";
import { EyeRegular, LockClosedRegular, SearchRegular } from "@fluentui/react-icons";
import { useCallback, useEffect, useRef, useState } from "react";

import {
  toErrorReport,
  type ConnectionSummary,
  type Device,
  type DeviceReview,
  type ErrorReport,
  type RunReport,
} from "../backend";
import { useBackend } from "../backend/context";
import { ago, platformLabel } from "../format";
import { reportQuickLockShown } from "../startup";
import { takeTypedAhead } from "../typeAhead";
import { ActionOutcome } from "./actions/ActionOutcome";
import { ConfirmActionDialog } from "./actions/ConfirmActionDialog";
import { RevealDialog } from "./actions/RevealDialog";
import { useActionProgress } from "./actions/useActionProgress";
import { useDialog } from "./actions/useDialog";
import { VerdictCard } from "./actions/VerdictCard";

const useStyles = makeStyles({
  root: {
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalM,
    padding: tokens.spacingHorizontalL,
    height: "100vh",
    boxSizing: "border-box",
    overflowY: "auto",
    backgroundColor: tokens.colorNeutralBackground2,
    "& > *": { flexShrink: 0 },
  },
  head: { display: "flex", alignItems: "center", gap: tokens.spacingHorizontalS },
  results: {
    listStyle: "none",
    margin: 0,
    padding: 0,
    backgroundColor: tokens.colorNeutralBackground1,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
  },
  row: {
    display: "flex",
    flexDirection: "column",
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalM}`,
    cursor: "pointer",
  },
  // Text colours made for the selected background (black on the highlight in high contrast).
  active: {
    backgroundColor: tokens.colorNeutralBackground1Selected,
    color: tokens.colorNeutralForeground1Selected,
  },
  muted: { color: tokens.colorNeutralForeground3 },
  activeMuted: { color: tokens.colorNeutralForeground2Selected },
  buttons: { display: "flex", gap: tokens.spacingHorizontalS, flexWrap: "wrap" },
});

/** At most this many matches: quick lock is for a device you can name. */
const SHOWN = 8;

interface Props {
  summary: ConnectionSummary | null;
}

/**
 * The tray's quick lock: type a name, serial or user, pick with the keyboard, read the lock
 * verdict, confirm, and see the outcome (and a Mac's PIN on reveal) right here.
 */
export function QuickLock({ summary }: Props) {
  const backend = useBackend();
  const styles = useStyles();
  const search = useRef<HTMLInputElement>(null);
  // Whatever was typed while the window was still loading is the start of the search.
  const [text, setText] = useState(takeTypedAhead);
  const [matches, setMatches] = useState<Device[]>([]);
  const [active, setActive] = useState(0);
  const [picked, setPicked] = useState<string | null>(null);
  const [review, setReview] = useState<DeviceReview | null>(null);
  const [error, setError] = useState<ErrorReport | null>(null);
  const dialog = useDialog<{ confirm: null; reveal: null }>();
  const closeDialog = dialog.close;
  const [sent, setSent] = useState<RunReport | null>(null);
  /** The device whose verdict has had the focus once. */
  const focusedFor = useRef<string | null>(null);

  const read = useCallback(
    (id: string) => {
      backend.reviewDevice(id).then(
        (r) => {
          setReview(r);
          setError(null);
        },
        (e: unknown) => setError(toErrorReport(e)),
      );
    },
    [backend],
  );
  const rereadPicked = useCallback(() => {
    if (picked) read(picked);
  }, [picked, read]);
  const [progress, setProgress] = useActionProgress(picked, rereadPicked);

  const pick = useCallback(
    (id: string) => {
      setPicked(id);
      setReview(null);
      setSent(null);
      setProgress(null);
      read(id);
    },
    [read, setProgress],
  );

  const startOver = useCallback(
    (deviceId: string | null) => {
      focusedFor.current = null;
      setText("");
      setMatches([]);
      setActive(0);
      setSent(null);
      setError(null);
      closeDialog();
      if (deviceId) pick(deviceId);
      else {
        setPicked(null);
        setReview(null);
        search.current?.focus();
      }
    },
    [pick, closeDialog],
  );

  // On screen once this renders after a start, and after each opening (told before it shows).
  useEffect(() => {
    reportQuickLockShown(backend);
    return backend.onQuickLockOpened(() => reportQuickLockShown(backend));
  }, [backend]);

  // Opened from the tray on a device, or opened again later: start from what the tray asked.
  useEffect(() => {
    void backend.quickLockTarget().then((id) => id && pick(id));
    return backend.onQuickLockOpened(startOver);
  }, [backend, pick, startOver]);

  useEffect(() => {
    const query = text.trim();
    if (!query || !summary) return;
    let current = true;
    backend.searchDevices({ text: query }, 0, SHOWN).then(
      (found) => {
        if (!current) return;
        setMatches(found.page.devices);
        setActive(0);
        setError(null);
      },
      (e: unknown) => current && setError(toErrorReport(e)),
    );
    return () => {
      current = false;
    };
  }, [backend, text, summary]);
  const shown = text.trim() ? matches : [];

  function onKey(event: React.KeyboardEvent) {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      setActive((a) => Math.min(a + 1, shown.length - 1));
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      setActive((a) => Math.max(a - 1, 0));
    } else if (event.key === "Enter" && shown[active]) {
      event.preventDefault();
      pick(shown[active].id);
    }
  }

  // Escape steps back: from a device to the search, from the search out of sight. A dialog, a
  // popup or an open list on show takes the Escape itself, and only it closes. Seen while capturing,
  // before that overlay closes.
  const dialogOpen = dialog.shown?.open ?? false;
  useEffect(() => {
    function onEscape(event: KeyboardEvent) {
      if (event.key !== "Escape" || dialogOpen || overlayOnShow()) return;
      if (picked) startOver(null);
      else void backend.hideWindow().catch(() => undefined);
    }
    window.addEventListener("keydown", onEscape, true);
    return () => window.removeEventListener("keydown", onEscape, true);
  }, [backend, dialogOpen, picked, startOver]);

  // Enter on a device shows its verdict; Enter again opens the confirmation: once the verdict is
  // read, focus is on Lock (or, when it cannot be sent, on "Lock another device").
  const readId = review?.details.device.id ?? null;
  useEffect(() => {
    if (!readId || readId !== picked || focusedFor.current === readId) return;
    focusedFor.current = readId;
    const root = document.getElementById("quick-lock");
    const target =
      root?.querySelector<HTMLButtonElement>('[data-send="remoteLock"]:not([disabled])') ??
      document.getElementById("quick-another");
    target?.focus();
  }, [readId, picked]);

  if (!summary) {
    return (
      <div className={styles.root}>
        <Subtitle2 as="h1">Quick lock</Subtitle2>
        <MessageBar intent="warning">
          <MessageBarBody>Nobody is signed in: sign in in the main window first.</MessageBarBody>
        </MessageBar>
        <Button appearance="primary" onClick={() => void backend.showMainWindow()}>
          Open Intune Actions
        </Button>
      </div>
    );
  }

  const device = review?.details.device;
  const verdict = review?.verdicts.find((v) => v.action === "remoteLock");
  return (
    <div className={styles.root} id="quick-lock">
      <div className={styles.head}>
        <LockClosedRegular fontSize={20} />
        <Subtitle2 as="h1">Quick lock</Subtitle2>
        <Text className={styles.muted}>{summary.profile}</Text>
      </div>
      {summary.notice && (
        <MessageBar intent="warning">
          <MessageBarBody>{summary.notice}</MessageBarBody>
        </MessageBar>
      )}
      {!picked && (
        <>
          <Input
            ref={search}
            id="quick-search"
            autoFocus
            contentBefore={<SearchRegular />}
            placeholder="Device name, serial number or user"
            aria-label="Find the device to lock"
            value={text}
            onChange={(_, data) => setText(data.value)}
            onKeyDown={onKey}
            aria-controls={shown.length > 0 ? "quick-results" : undefined}
            aria-activedescendant={shown.length > 0 ? `quick-option-${active}` : undefined}
          />
          {shown.length > 0 && (
            <ul
              className={styles.results}
              id="quick-results"
              role="listbox"
              aria-label="Matching devices"
            >
              {shown.map((d, i) => (
                <li
                  key={d.id}
                  id={`quick-option-${i}`}
                  role="option"
                  aria-selected={i === active}
                  className={i === active ? `${styles.row} ${styles.active}` : styles.row}
                  onClick={() => pick(d.id)}
                  data-quick-device={d.id}
                >
                  <Text weight="semibold">{d.deviceName}</Text>
                  <Text className={i === active ? styles.activeMuted : styles.muted} size={200}>
                    {platformLabel(d.platform)} · {d.serialNumber} · {d.userPrincipalName} ·{" "}
                    {ago(d.lastSync)}
                  </Text>
                </li>
              ))}
            </ul>
          )}
          {text.trim() !== "" && shown.length === 0 && (
            <Text className={styles.muted}>No device matches.</Text>
          )}
          <Text className={styles.muted} size={200}>
            Arrow keys to choose, Enter to open, Enter again to lock, Esc to close.
          </Text>
        </>
      )}
      {picked && !review && !error && <Spinner size="small" label="Reading the device…" />}
      {device && (
        <>
          <Text as="p" id="quick-device">
            <Text weight="semibold">{device.deviceName}</Text> · {device.serialNumber} ·{" "}
            {device.userDisplayName} ({device.userPrincipalName}) · {platformLabel(device.platform)}{" "}
            {device.osVersion}
          </Text>
          {verdict && (
            <VerdictCard
              verdict={verdict}
              busy={!!progress && !progress.finished}
              onChoose={() => dialog.show("confirm", null)}
            />
          )}
        </>
      )}
      <ActionOutcome sent={sent} progress={progress} progressId="quick-progress" />
      {device && (
        <div className={styles.buttons}>
          {review?.reveals.includes("unlockPin") && (
            <Button
              icon={<EyeRegular />}
              onClick={() => dialog.show("reveal", null)}
              id="quick-reveal-pin"
            >
              Reveal unlock PIN…
            </Button>
          )}
          <Button id="quick-another" onClick={() => startOver(null)}>
            Lock another device
          </Button>
        </div>
      )}
      {error && (
        <MessageBar intent="error">
          <MessageBarBody>{error.message}</MessageBarBody>
        </MessageBar>
      )}
      {device && verdict && dialog.shown?.kind === "confirm" && (
        <ConfirmActionDialog
          key={dialog.shown.key}
          device={device}
          verdict={verdict}
          open={dialog.shown.open}
          onClose={dialog.close}
          onSent={(report) => {
            dialog.close();
            setSent(report);
            setProgress(null);
            read(device.id);
          }}
        />
      )}
      {device && dialog.shown?.kind === "reveal" && (
        <RevealDialog
          key={dialog.shown.key}
          device={device}
          kind="unlockPin"
          open={dialog.shown.open}
          onClose={dialog.close}
          onRevealed={() => read(device.id)}
        />
      )}
    </div>
  );
}

/** A dialog, popup or drop-down list is open: Escape is its to take. */
function overlayOnShow(): boolean {
  return (
    document.querySelector(
      '[role="dialog"], [role="alertdialog"], .fui-PopoverSurface, .fui-Listbox, [role="menu"]',
    ) !== null
  );
}

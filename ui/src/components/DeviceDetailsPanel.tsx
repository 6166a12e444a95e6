import {
  Badge,
  Button,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Spinner,
  Subtitle2,
  Text,
  tokens,
} from "@fluentui/react-components";
import {
  ArrowClockwiseRegular,
  EyeRegular,
  OpenRegular,
  PeopleListRegular,
  PinOffRegular,
  PinRegular,
} from "@fluentui/react-icons";
import { useCallback, useEffect, useState } from "react";

import {
  toErrorReport,
  type ActionKind,
  type Device,
  type DeviceReview,
  type ErrorReport,
  type RunReport,
  type SecretKind,
  type Verdict,
} from "../backend";
import { useBackend } from "../backend/context";
import { ago, dateTime, ownershipLabel, platformLabel, words } from "../format";
import { ActionOutcome } from "./actions/ActionOutcome";
import { useManyDevices } from "./actions/ManyDevicesHost";
import { PinUsedButton } from "./actions/PinUsedButton";
import { ConfirmActionDialog } from "./actions/ConfirmActionDialog";
import { GuidancePanel } from "./actions/GuidancePanel";
import { SECRET_LABEL } from "./actions/labels";
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
    backgroundColor: tokens.colorNeutralBackground1,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    overflowY: "auto",
    minHeight: 0,
    // The panel scrolls; its parts keep their height instead of being squeezed to fit.
    "& > *": { flexShrink: 0 },
  },
  title: {
    display: "flex",
    alignItems: "center",
    gap: tokens.spacingHorizontalS,
    flexWrap: "wrap",
  },
  facts: {
    display: "grid",
    gridTemplateColumns: "max-content 1fr",
    columnGap: tokens.spacingHorizontalL,
    rowGap: tokens.spacingVerticalXS,
    margin: 0,
  },
  term: { color: tokens.colorNeutralForeground3 },
  value: { margin: 0, wordBreak: "break-word" },
  mono: { fontFamily: tokens.fontFamilyMonospace },
  row: { display: "flex", gap: tokens.spacingHorizontalS, flexWrap: "wrap" },
  stack: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
  results: {
    width: "100%",
    borderCollapse: "collapse",
    "& td, & th": { textAlign: "left", padding: "2px 8px 2px 0" },
  },
  empty: { color: tokens.colorNeutralForeground3 },
});

type State =
  | { status: "loading" }
  | { status: "loaded"; review: DeviceReview }
  | { status: "failed"; error: ErrorReport };

const STATE_COLOURS: Record<string, "success" | "danger" | "warning" | "informative"> = {
  done: "success",
  failed: "danger",
  pending: "warning",
  active: "warning",
};

/** One device, read live from Graph: what decides each action, the actions, and their outcome. */
export function DeviceDetailsPanel({ device }: { device: Device }) {
  const backend = useBackend();
  const styles = useStyles();
  const [state, setState] = useState<State>({ status: "loading" });
  const [notice, setNotice] = useState<ErrorReport | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const dialog = useDialog<{ confirm: Verdict; reveal: SecretKind }>();
  const [pinned, setPinned] = useState(false);
  const openMany = useManyDevices();

  // A departing employee's Mac, iPhone and iPad, acted on at once.
  async function openUserDevices() {
    setNotice(null);
    try {
      const devices = await backend.devicesOfUser(device.userPrincipalName);
      openMany({
        chosen: {
          title: `Every device of ${device.userDisplayName || device.userPrincipalName}`,
          devices,
        },
      });
    } catch (e) {
      setNotice(toErrorReport(e));
    }
  }

  useEffect(() => {
    backend.pinnedDevices().then(
      (list) => setPinned(list.some((p) => p.id === device.id)),
      () => setPinned(false),
    );
  }, [backend, device.id]);

  async function togglePinned() {
    setNotice(null);
    try {
      const list = await backend.setDevicePinned(
        { id: device.id, deviceName: device.deviceName, serialNumber: device.serialNumber },
        !pinned,
      );
      setPinned(list.some((p) => p.id === device.id));
    } catch (e) {
      setNotice(toErrorReport(e));
    }
  }
  const [sent, setSent] = useState<RunReport | null>(null);

  const fetchReview = useCallback(() => {
    backend
      .reviewDevice(device.id)
      .then((review) => setState({ status: "loaded", review }))
      .catch((error: unknown) => setState({ status: "failed", error: toErrorReport(error) }));
  }, [backend, device.id]);

  // The panel is keyed by device, so it starts in "loading" for each one.
  useEffect(fetchReview, [fetchReview]);

  // Rust follows what was sent; a finished action changes the verdicts, so read again.
  const [progress, setProgress] = useActionProgress(device.id, fetchReview);

  function load() {
    setState({ status: "loading" });
    fetchReview();
  }

  async function stopFollowing(action: ActionKind) {
    await backend.stopFollowing(device.id, action).catch(() => undefined);
    setProgress(null);
  }

  async function markPinUsed() {
    setNotice(null);
    setDone(null);
    try {
      await backend.markPinUsed(device.id);
      setDone("Marked used: the PIN was deleted from your keychain, and a new lock is allowed.");
      fetchReview();
    } catch (e) {
      setNotice(toErrorReport(e));
    }
  }

  // Until the live read arrives, show what the list already knows.
  const review = state.status === "loaded" ? state.review : null;
  const d = review?.details.device ?? device;
  // [term, shown, monospaced, Intune's raw value (on hover)]
  const facts: [string, string, boolean?, string?][] = [
    ["User", `${d.userDisplayName} (${d.userPrincipalName})`],
    ["Platform", `${platformLabel(d.platform)} ${d.osVersion}`],
    ["Model", `${d.manufacturer} ${d.model}`],
    ["Serial number", d.serialNumber, true],
    ["Ownership", ownershipLabel(d.ownership)],
    ["Enrollment", words(d.enrollmentType), false, d.enrollmentType],
    ["Supervised", d.isSupervised ? "Yes" : "No"],
    ["Encrypted", d.isEncrypted ? "Yes" : "No"],
    ["Compliance", words(d.complianceState), false, d.complianceState],
    ["Management", words(d.managementState), false, d.managementState],
    ["Last check-in", `${ago(d.lastSync)} (${dateTime(d.lastSync)})`],
    ["Device ID", d.id, true],
  ];
  const following = progress && !progress.finished ? progress : null;

  return (
    <section className={styles.root} aria-labelledby="device-title" id="device-details">
      <div className={styles.title}>
        <Subtitle2 as="h2" id="device-title">
          {d.deviceName || "(no name)"}
        </Subtitle2>
        {state.status === "loading" && (
          <Spinner size="extra-tiny" aria-label="Reading the device" />
        )}
      </div>
      <dl className={styles.facts}>
        {facts.map(([term, value, mono, raw]) => (
          <div key={term} style={{ display: "contents" }}>
            <dt className={styles.term}>{term}</dt>
            <dd
              className={mono ? `${styles.value} ${styles.mono}` : styles.value}
              data-field={term}
              title={raw}
            >
              {value || "—"}
            </dd>
          </div>
        ))}
      </dl>
      <div className={styles.row}>
        <Button icon={<ArrowClockwiseRegular />} onClick={load}>
          Read again
        </Button>
        <Button
          icon={<OpenRegular />}
          onClick={() => {
            setNotice(null);
            backend.openInAdminCenter(d.id).catch((e: unknown) => setNotice(toErrorReport(e)));
          }}
        >
          Open in Intune admin center
        </Button>
        <Button
          icon={pinned ? <PinOffRegular /> : <PinRegular />}
          onClick={() => void togglePinned()}
          id="pin-to-tray"
        >
          {pinned ? "Unpin from the tray" : "Pin to the tray"}
        </Button>
        {device.userPrincipalName && (
          <Button
            icon={<PeopleListRegular />}
            id="user-devices"
            onClick={() => void openUserDevices()}
          >
            Every device of {device.userDisplayName || device.userPrincipalName}…
          </Button>
        )}
      </div>
      {notice && (
        <MessageBar intent="error">
          <MessageBarBody>{notice.message}</MessageBarBody>
        </MessageBar>
      )}
      {done && (
        <MessageBar intent="success" id="pin-used-done">
          <MessageBarBody>{done}</MessageBarBody>
        </MessageBar>
      )}
      {state.status === "failed" && (
        <MessageBar intent="error">
          <MessageBarBody>
            {state.error.message}
            {state.error.requestId && ` (request ID ${state.error.requestId})`}
          </MessageBarBody>
        </MessageBar>
      )}

      {review?.warnings.map((warning) => (
        <MessageBar key={warning} intent="warning" layout="multiline">
          <MessageBarBody>{warning}</MessageBarBody>
        </MessageBar>
      ))}

      <ActionOutcome
        sent={sent}
        progress={progress}
        progressId="action-progress"
        onStopWatching={following ? () => void stopFollowing(following.action) : undefined}
        onSendAgain={(deviceId) => {
          // The newest verdict; while the device is being read again, the one it was sent with.
          const verdict =
            review?.verdicts.find((v) => v.action === sent?.action) ??
            sent?.outcomes.find((o) => o.deviceId === deviceId)?.verdict;
          if (verdict) dialog.show("confirm", verdict);
        }}
      />

      {review && review.reveals.length > 0 && (
        <div className={styles.row} id="secrets">
          {review.reveals.map((kind) => (
            <Button
              key={kind}
              icon={<EyeRegular />}
              onClick={() => dialog.show("reveal", kind)}
              data-reveal={kind}
            >
              Reveal {SECRET_LABEL[kind]}…
            </Button>
          ))}
          {review.keptPin && !review.keptPin.usedAt && (
            <PinUsedButton deviceName={d.deviceName} onConfirm={() => void markPinUsed()} />
          )}
        </div>
      )}

      <Text weight="semibold" as="h3">
        What you can do
      </Text>
      {review?.guidance && <GuidancePanel guidance={review.guidance} />}
      {review && (
        <div className={styles.stack} id="verdicts">
          {review.verdicts.map((verdict) => (
            <VerdictCard
              key={verdict.action}
              verdict={verdict}
              busy={following?.action === verdict.action}
              onChoose={() => dialog.show("confirm", verdict)}
            />
          ))}
        </div>
      )}

      <Text weight="semibold" as="h3">
        Actions on this device
      </Text>
      {review &&
        (review.details.actionResults.length === 0 ? (
          <Text className={styles.empty} id="action-results-empty">
            Intune reports no remote action on this device. Read {ago(review.details.readAt)}.
          </Text>
        ) : (
          <table className={styles.results} id="action-results">
            <thead>
              <tr>
                <th>Action</th>
                <th>State</th>
                <th>Started</th>
                <th>Updated</th>
              </tr>
            </thead>
            <tbody>
              {review.details.actionResults.map((r) => (
                <tr key={`${r.actionName}-${r.started ?? ""}`}>
                  <td title={r.actionName}>{words(r.actionName)}</td>
                  <td>
                    <Badge
                      appearance="tint"
                      color={STATE_COLOURS[r.actionState] ?? "informative"}
                      title={r.actionState}
                    >
                      {words(r.actionState)}
                    </Badge>
                  </td>
                  <td>{dateTime(r.started)}</td>
                  <td>{ago(r.lastUpdated)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}

      {dialog.shown?.kind === "confirm" && (
        <ConfirmActionDialog
          key={dialog.shown.key}
          device={d}
          verdict={dialog.shown.payload}
          open={dialog.shown.open}
          onClose={dialog.close}
          onSent={(report) => {
            dialog.close();
            setSent(report);
            setProgress(null);
            fetchReview();
          }}
        />
      )}
      {dialog.shown?.kind === "reveal" && (
        <RevealDialog
          key={dialog.shown.key}
          device={d}
          kind={dialog.shown.payload}
          open={dialog.shown.open}
          onClose={dialog.close}
          onRevealed={fetchReview}
        />
      )}
    </section>
  );
}

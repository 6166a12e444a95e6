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
import { ArrowClockwiseRegular, OpenRegular } from "@fluentui/react-icons";
import { useCallback, useEffect, useState } from "react";

import { toErrorReport, type Device, type DeviceDetails, type ErrorReport } from "../backend";
import { useBackend } from "../backend/context";
import { ago, dateTime, ownershipLabel, platformLabel } from "../format";

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
  actions: { display: "flex", gap: tokens.spacingHorizontalS, flexWrap: "wrap" },
  results: {
    width: "100%",
    borderCollapse: "collapse",
    "& td, & th": { textAlign: "left", padding: "2px 8px 2px 0" },
  },
  empty: { color: tokens.colorNeutralForeground3 },
});

type State =
  | { status: "loading" }
  | { status: "loaded"; details: DeviceDetails }
  | { status: "failed"; error: ErrorReport };

const STATE_COLOURS: Record<string, "success" | "danger" | "warning" | "informative"> = {
  done: "success",
  failed: "danger",
  pending: "warning",
  active: "warning",
};

/** One device, read live from Graph: what decides an action, and the actions already sent. */
export function DeviceDetailsPanel({ device }: { device: Device }) {
  const backend = useBackend();
  const styles = useStyles();
  const [state, setState] = useState<State>({ status: "loading" });
  const [openError, setOpenError] = useState<ErrorReport | null>(null);

  const fetchDetails = useCallback(() => {
    backend
      .deviceDetails(device.id)
      .then((details) => setState({ status: "loaded", details }))
      .catch((error: unknown) => setState({ status: "failed", error: toErrorReport(error) }));
  }, [backend, device.id]);

  // The panel is keyed by device, so it starts in "loading" for each one.
  useEffect(fetchDetails, [fetchDetails]);

  function load() {
    setState({ status: "loading" });
    fetchDetails();
  }

  // Until the live read arrives, show what the list already knows.
  const d = state.status === "loaded" ? state.details.device : device;
  const facts: [string, string, boolean?][] = [
    ["User", `${d.userDisplayName} (${d.userPrincipalName})`],
    ["Platform", `${platformLabel(d.platform)} ${d.osVersion}`],
    ["Model", `${d.manufacturer} ${d.model}`],
    ["Serial number", d.serialNumber, true],
    ["Ownership", ownershipLabel(d.ownership)],
    ["Enrollment", d.enrollmentType],
    ["Supervised", d.isSupervised ? "Yes" : "No"],
    ["Encrypted", d.isEncrypted ? "Yes" : "No"],
    ["Compliance", d.complianceState],
    ["Management", d.managementState],
    ["Last check-in", `${ago(d.lastSync)} (${dateTime(d.lastSync)})`],
    ["Enrolled", dateTime(d.enrolled)],
    ["Device ID", d.id, true],
  ];

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
        {facts.map(([term, value, mono]) => (
          <div key={term} style={{ display: "contents" }}>
            <dt className={styles.term}>{term}</dt>
            <dd
              className={mono ? `${styles.value} ${styles.mono}` : styles.value}
              data-field={term}
            >
              {value || "—"}
            </dd>
          </div>
        ))}
      </dl>
      <div className={styles.actions}>
        <Button icon={<ArrowClockwiseRegular />} onClick={load}>
          Read again
        </Button>
        <Button
          icon={<OpenRegular />}
          onClick={() => {
            setOpenError(null);
            backend.openInAdminCenter(d.id).catch((e: unknown) => setOpenError(toErrorReport(e)));
          }}
        >
          Open in Intune admin center
        </Button>
      </div>
      {openError && (
        <MessageBar intent="error">
          <MessageBarBody>{openError.message}</MessageBarBody>
        </MessageBar>
      )}
      <Text weight="semibold" as="h3">
        Actions on this device
      </Text>
      {state.status === "failed" && (
        <MessageBar intent="error">
          <MessageBarBody>
            {state.error.message}
            {state.error.requestId && ` (request ID ${state.error.requestId})`}
          </MessageBarBody>
        </MessageBar>
      )}
      {state.status === "loaded" &&
        (state.details.actionResults.length === 0 ? (
          <Text className={styles.empty} id="action-results-empty">
            Intune reports no remote action on this device. Read {ago(state.details.readAt)}.
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
              {state.details.actionResults.map((r) => (
                <tr key={`${r.actionName}-${r.started ?? ""}`}>
                  <td>{r.actionName}</td>
                  <td>
                    <Badge appearance="tint" color={STATE_COLOURS[r.actionState] ?? "informative"}>
                      {r.actionState}
                    </Badge>
                  </td>
                  <td>{dateTime(r.started)}</td>
                  <td>{ago(r.lastUpdated)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
    </section>
  );
}

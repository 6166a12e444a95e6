import {
  Button,
  Dropdown,
  Input,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Option,
  Spinner,
  Text,
  tokens,
} from "@fluentui/react-components";
import { ArrowDownloadRegular, SearchRegular, ShieldCheckmarkRegular } from "@fluentui/react-icons";
import { useEffect, useState } from "react";

import {
  toErrorReport,
  type AuditEvent,
  type AuditView,
  type ErrorReport,
  type Verification,
} from "../backend";
import { useBackend } from "../backend/context";
import { dateTime, words } from "../format";

const useStyles = makeStyles({
  root: {
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalS,
    minHeight: 0,
    flexGrow: 1,
  },
  bar: { display: "flex", gap: tokens.spacingHorizontalS, alignItems: "center", flexWrap: "wrap" },
  search: { minWidth: "260px", flexGrow: 1, maxWidth: "420px" },
  scroller: {
    overflow: "auto",
    minHeight: 0,
    flexGrow: 1,
    backgroundColor: tokens.colorNeutralBackground1,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
  },
  table: {
    width: "100%",
    borderCollapse: "collapse",
    "& th": {
      position: "sticky",
      top: 0,
      backgroundColor: tokens.colorNeutralBackground3,
      textAlign: "left",
    },
    "& td, & th": {
      padding: `${tokens.spacingVerticalXXS} ${tokens.spacingHorizontalS}`,
      verticalAlign: "top",
      borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke3}`,
    },
  },
  mono: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200 },
  muted: { color: tokens.colorNeutralForeground3 },
  empty: {
    color: tokens.colorNeutralForeground3,
    margin: 0,
    padding: `${tokens.spacingVerticalM} ${tokens.spacingHorizontalM}`,
  },
});

const EVENTS: { value: AuditEvent | ""; label: string }[] = [
  { value: "", label: "Every kind" },
  { value: "sending", label: "About to send (written first)" },
  { value: "send", label: "Sent" },
  { value: "outcome", label: "Outcomes" },
  { value: "reveal", label: "Reveals" },
  { value: "override", label: "Overrides" },
  { value: "blocked", label: "Blocked" },
  { value: "pin", label: "PINs marked used" },
  { value: "repair", label: "Repairs of the audit file" },
];

/** The local audit: who did what to which device, and why; verify, export, repeated reveals. */
export function AuditPanel() {
  const backend = useBackend();
  const styles = useStyles();
  const [text, setText] = useState("");
  const [event, setEvent] = useState<AuditEvent | "">("");
  const [view, setView] = useState<AuditView | null>(null);
  const [error, setError] = useState<ErrorReport | null>(null);
  const [verification, setVerification] = useState<Verification | null>(null);
  const [exported, setExported] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    backend
      .auditEntries({ text, event: event || null, since: null })
      .then((v) => current && (setView(v), setError(null)))
      .catch((e: unknown) => current && setError(toErrorReport(e)));
    return () => {
      current = false;
    };
  }, [backend, text, event]);

  async function verify() {
    setError(null);
    try {
      setVerification(await backend.verifyAudit());
    } catch (e) {
      setError(toErrorReport(e));
    }
  }

  async function exportCsv() {
    setError(null);
    try {
      const path = await backend.exportAudit();
      if (path) setExported(path);
    } catch (e) {
      setError(toErrorReport(e));
    }
  }

  return (
    <section className={styles.root} aria-label="Audit" id="audit">
      <div className={styles.bar}>
        <Input
          className={styles.search}
          contentBefore={<SearchRegular />}
          placeholder="Device, user, action or justification"
          aria-label="Search the audit"
          value={text}
          onChange={(_, data) => setText(data.value)}
          id="audit-search"
        />
        <Dropdown
          aria-label="Kind of entry"
          value={EVENTS.find((e) => e.value === event)?.label}
          selectedOptions={[event]}
          onOptionSelect={(_, data) => setEvent((data.optionValue ?? "") as AuditEvent | "")}
        >
          {EVENTS.map((e) => (
            <Option key={e.value} value={e.value}>
              {e.label}
            </Option>
          ))}
        </Dropdown>
        <Button icon={<ShieldCheckmarkRegular />} onClick={() => void verify()} id="audit-verify">
          Verify
        </Button>
        <Button id="audit-export" icon={<ArrowDownloadRegular />} onClick={() => void exportCsv()}>
          Export CSV…
        </Button>
      </div>
      {verification && (
        <MessageBar intent={verification.intact ? "success" : "error"} id="audit-verification">
          <MessageBarBody>
            {verification.intact
              ? `Intact: ${verification.entries} entries, none changed, removed or reordered.`
              : `Tampered with at entry ${verification.brokenAt}: ${verification.problem}. The ${verification.entries} entries before it are intact.`}
          </MessageBarBody>
        </MessageBar>
      )}
      {exported && (
        <MessageBar intent="success" id="audit-exported">
          <MessageBarBody>Exported to {exported}</MessageBarBody>
        </MessageBar>
      )}
      {error && (
        <MessageBar intent="error">
          <MessageBarBody>{error.message}</MessageBarBody>
        </MessageBar>
      )}
      {view?.repeated.map((r) => (
        <MessageBar intent="warning" key={r.deviceId}>
          <MessageBarBody>
            Secrets of {r.deviceName} were recovered or revealed {r.count} times in the last 7 days
            (last {dateTime(r.last)}). Check that each request was genuine.
          </MessageBarBody>
        </MessageBar>
      ))}
      {!view && !error && <Spinner size="small" label="Reading the audit…" />}
      {view && (
        <div className={styles.scroller}>
          {view.entries.length === 0 ? (
            <Text className={styles.empty} as="p">
              No entry {text || event ? "matches" : "yet: actions and reveals are recorded here"}.
            </Text>
          ) : (
            <table className={styles.table} id="audit-entries">
              <thead>
                <tr>
                  <th>When</th>
                  <th>What</th>
                  <th>Device</th>
                  <th>Outcome</th>
                  <th>Who</th>
                  <th>Justification</th>
                  <th>Request ID</th>
                </tr>
              </thead>
              <tbody>
                {view.entries.map((e) => (
                  <tr key={e.seq} data-event={e.event} data-subject={e.subject}>
                    <td>{dateTime(e.time)}</td>
                    <td title={`${e.event} · ${e.subject}`}>
                      {words(e.event)} · {words(e.subject)}
                    </td>
                    <td>{e.deviceName}</td>
                    <td title={e.detail ?? undefined}>{e.outcome}</td>
                    <td>{e.account}</td>
                    <td>{e.justification ?? ""}</td>
                    <td className={styles.mono}>{e.requestId ?? ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
      {view && (
        <Text className={styles.muted} size={200}>
          Kept on this computer in {view.file}; it never holds a secret.
        </Text>
      )}
    </section>
  );
}

import {
  Button,
  Card,
  CardHeader,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Spinner,
  Text,
  tokens,
} from "@fluentui/react-components";
import { InfoRegular } from "@fluentui/react-icons";
import { useState } from "react";

import { toErrorReport, type About, type ErrorReport } from "../backend";
import { useBackend } from "../backend/context";

const useStyles = makeStyles({
  facts: {
    display: "grid",
    gridTemplateColumns: "max-content 1fr",
    columnGap: tokens.spacingHorizontalL,
    rowGap: tokens.spacingVerticalXS,
    margin: 0,
  },
  term: { color: tokens.colorNeutralForeground3 },
  value: { margin: 0, fontFamily: tokens.fontFamilyMonospace, wordBreak: "break-all" },
  // The card header squeezes its action slot; a button label must stay on one line.
  action: { whiteSpace: "nowrap", flexShrink: 0 },
});

type State =
  | { status: "idle" }
  | { status: "loading" }
  | { status: "loaded"; about: About }
  | { status: "failed"; error: ErrorReport };

export function AboutPanel() {
  const backend = useBackend();
  const styles = useStyles();
  const [state, setState] = useState<State>({ status: "idle" });

  async function load() {
    setState({ status: "loading" });
    try {
      setState({ status: "loaded", about: await backend.about() });
    } catch (error) {
      setState({ status: "failed", error: toErrorReport(error) });
    }
  }

  return (
    <Card aria-labelledby="about-title">
      <CardHeader
        image={<InfoRegular fontSize={20} />}
        header={
          <Text id="about-title" weight="semibold">
            About this app
          </Text>
        }
        description="Version, platform and where the log files are, for your support contact."
        action={
          <Button
            id="about-load"
            className={styles.action}
            appearance="primary"
            onClick={() => void load()}
            disabled={state.status === "loading"}
          >
            {state.status === "loaded" ? "Refresh" : "Show app details"}
          </Button>
        }
      />
      {state.status === "loading" && <Spinner size="tiny" label="Reading app details…" />}
      {state.status === "failed" && (
        <MessageBar intent="error" id="about-error">
          <MessageBarBody>{state.error.message}</MessageBarBody>
        </MessageBar>
      )}
      {state.status === "loaded" && (
        <dl className={styles.facts} id="about-facts">
          <Fact
            label="Version"
            id="about-version"
            value={`${state.about.version} (${state.about.build})`}
          />
          <Fact
            label="Platform"
            id="about-platform"
            value={`${state.about.os} ${state.about.arch}`}
          />
          <Fact
            label="Log folder"
            id="about-log-dir"
            value={state.about.logDir ?? "Not writing log files (see the terminal output)"}
          />
        </dl>
      )}
    </Card>
  );
}

function Fact({ label, id, value }: { label: string; id: string; value: string }) {
  const styles = useStyles();
  return (
    <>
      <dt className={styles.term}>{label}</dt>
      <dd className={styles.value} id={id}>
        {value}
      </dd>
    </>
  );
}

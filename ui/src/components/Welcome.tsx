import {
  Button,
  Card,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Spinner,
  Text,
  Title3,
  tokens,
} from "@fluentui/react-components";
import { CopyRegular, PlayRegular } from "@fluentui/react-icons";
import { useState } from "react";

import { toErrorReport, type ConnectionSummary, type ErrorReport } from "../backend";
import { useBackend } from "../backend/context";
import { SignInPanel } from "./SignInPanel";

const useStyles = makeStyles({
  root: {
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalL,
    maxWidth: "760px",
  },
  card: {
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalS,
    "& h3, & p": { margin: 0 },
  },
  steps: {
    margin: 0,
    paddingLeft: tokens.spacingHorizontalXL,
    lineHeight: tokens.lineHeightBase400,
  },
  code: { fontFamily: tokens.fontFamilyMonospace },
  row: { display: "flex", gap: tokens.spacingHorizontalS, alignItems: "center" },
});

/** What an Entra administrator registers once; also copied as text. */
export const REGISTRATION_CHECKLIST = [
  "Entra admin center > App registrations > New registration: any name, single tenant.",
  "Authentication > Add a platform > Mobile and desktop applications: redirect URI http://localhost",
  "Authentication > Allow public client flows: Yes (for device-code sign-in).",
  "API permissions > Microsoft Graph > Delegated: DeviceManagementManagedDevices.Read.All and DeviceManagementManagedDevices.PrivilegedOperations.All",
  "Grant admin consent for the tenant.",
  "Note the Application (client) ID and the Directory (tenant) ID for the profile.",
  "For an unattended kiosk (app-only sign-in): a separate registration with the same two permissions as Application permissions, admin consent, and a client secret or certificate under Certificates & secrets.",
];

interface Props {
  onSignedIn(summary: ConnectionSummary): void;
}

/** The first screen when nobody is signed in. */
export function Welcome({ onSignedIn }: Props) {
  const backend = useBackend();
  const styles = useStyles();
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<ErrorReport | null>(null);
  const [copied, setCopied] = useState(false);

  async function startDemo() {
    setStarting(true);
    setError(null);
    try {
      onSignedIn(await backend.startDemo());
    } catch (e) {
      setError(toErrorReport(e));
      setStarting(false);
    }
  }

  async function copyChecklist() {
    await navigator.clipboard?.writeText(
      REGISTRATION_CHECKLIST.map((s, i) => `${i + 1}. ${s}`).join("\n"),
    );
    setCopied(true);
  }

  return (
    <div className={styles.root}>
      <section className={styles.card} aria-labelledby="intro-title">
        <Title3 id="intro-title" as="h2">
          Act on a lost or locked-out device in seconds
        </Title3>
        <Text as="p">
          Intune Actions signs in to your Microsoft Intune tenant, finds a device by name, serial
          number or user, tells you which actions apply to it and why, and follows each action until
          the device reports back.
        </Text>
      </section>

      <Card className={styles.card}>
        <Text weight="semibold" as="h3">
          Try it now with the demo tenant
        </Text>
        <Text as="p">
          A simulated tenant with 500 Macs, iPhones, iPads, Android and Windows devices. Nothing you
          do there reaches a real device.
        </Text>
        <div className={styles.row}>
          <Button
            id="start-demo"
            appearance="primary"
            icon={starting ? <Spinner size="tiny" /> : <PlayRegular />}
            disabled={starting}
            onClick={() => void startDemo()}
          >
            {starting ? "Starting the demo tenant…" : "Open the demo tenant"}
          </Button>
        </div>
        {error && (
          <MessageBar intent="error">
            <MessageBarBody>{error.message}</MessageBarBody>
          </MessageBar>
        )}
      </Card>

      <Card className={styles.card}>
        <Text weight="semibold" as="h3">
          Connect your own tenant
        </Text>
        <Text as="p">Ask an Entra administrator to register the app once:</Text>
        <ol className={styles.steps} aria-label="App registration checklist">
          {REGISTRATION_CHECKLIST.map((step) => (
            <li key={step}>{step}</li>
          ))}
        </ol>
        <div className={styles.row}>
          <Button icon={<CopyRegular />} onClick={() => void copyChecklist()}>
            {copied ? "Checklist copied" : "Copy the checklist"}
          </Button>
        </div>
        <Text as="p">Then add the tenant below and sign in.</Text>
      </Card>

      <SignInPanel onSignedIn={onSignedIn} />
    </div>
  );
}

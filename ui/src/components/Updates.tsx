import {
  Button,
  makeStyles,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Switch,
  Text,
  tokens,
} from "@fluentui/react-components";
import { useEffect, useState } from "react";

import { toErrorReport, type UpdateStatus } from "../backend";
import { useBackend } from "../backend/context";

const useStyles = makeStyles({
  // Keeps its height in the window's column (squeezed, its text would spill over what follows).
  offer: { flexShrink: 0 },
  section: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
  row: { display: "flex", gap: tokens.spacingHorizontalS, alignItems: "center", flexWrap: "wrap" },
  notes: { whiteSpace: "pre-line", display: "block", marginTop: tokens.spacingVerticalXS },
});

/** Where the app's own updates stand, kept current as Rust looks. */
export function useUpdateStatus(): [UpdateStatus | null, (status: UpdateStatus) => void] {
  const backend = useBackend();
  const [status, setStatus] = useState<UpdateStatus | null>(null);
  useEffect(() => {
    let live = true;
    const stop = backend.onUpdatesChanged((next) => live && setStatus(next));
    backend.updateStatus().then(
      (first) => live && setStatus((now) => now ?? first),
      () => {},
    );
    return () => {
      live = false;
      stop();
    };
  }, [backend]);
  return [status, setStatus];
}

/** Installs after the admin's click; says why when it cannot. */
function useInstall() {
  const backend = useBackend();
  const [error, setError] = useState<string | null>(null);
  const [installing, setInstalling] = useState(false);
  async function install() {
    setError(null);
    setInstalling(true);
    try {
      // On success the app restarts into the new version: nothing after this runs.
      await backend.installUpdate();
    } catch (e) {
      setError(toErrorReport(e).message);
    } finally {
      setInstalling(false);
    }
  }
  return { install, installing, error };
}

/** The offer in the main window when an update is downloaded and its signature checked. */
export function UpdateOffer() {
  const [status] = useUpdateStatus();
  const [later, setLater] = useState<string | null>(null);
  const styles = useStyles();
  const { install, installing, error } = useInstall();
  if (status?.state !== "ready" || later === status.version) return null;
  return (
    <MessageBar intent="info" id="update-ready" layout="multiline" className={styles.offer}>
      <MessageBarBody>
        <MessageBarTitle>Intune Actions {status.version} is ready to install.</MessageBarTitle>
        It is downloaded and its signature checked; installing restarts the app.
        {status.notes && (
          <Text className={styles.notes} id="update-notes">
            What&apos;s new: {status.notes}
          </Text>
        )}
        {error && (
          <Text className={styles.notes} id="update-install-error">
            Not installed: {error}
          </Text>
        )}
      </MessageBarBody>
      <MessageBarActions>
        <Button
          id="update-install"
          appearance="primary"
          disabled={installing}
          onClick={() => void install()}
        >
          Install and restart
        </Button>
        <Button id="update-later" onClick={() => setLater(status.version)}>
          Later
        </Button>
      </MessageBarActions>
    </MessageBar>
  );
}

function describe(status: UpdateStatus): string {
  switch (status.state) {
    case "off":
      return `Updates are ${status.by}.`;
    case "notChecked":
      return "Not looked for yet: the app looks a few seconds after it starts, then every day.";
    case "checking":
      return "Looking for an update…";
    case "upToDate":
      return `This is the latest version (looked at ${new Date(status.checkedAt).toLocaleString()}).`;
    case "ready":
      return `Intune Actions ${status.version} is downloaded, its signature checked, and ready to install.`;
    case "refused":
      return `Intune Actions ${status.version} was not installed.`;
    case "failed":
      return "Could not look for updates.";
    case "installing":
      return `Installing Intune Actions ${status.version}…`;
  }
}

/** The updates part of the settings: what stands, on or off, look now. */
export function UpdateSettings() {
  const backend = useBackend();
  const styles = useStyles();
  const [status, setStatus] = useUpdateStatus();
  const [error, setError] = useState<string | null>(null);
  const { install, installing, error: installError } = useInstall();
  if (!status) return <Spinner size="tiny" />;
  const byPolicy = status.state === "off" && status.policy;

  async function call(run: () => Promise<UpdateStatus>) {
    setError(null);
    try {
      setStatus(await run());
    } catch (e) {
      setError(toErrorReport(e).message);
    }
  }

  return (
    <section className={styles.section} aria-labelledby="updates-heading">
      <Text weight="semibold" id="updates-heading">
        Updates
      </Text>
      <Switch
        id="updates-on"
        checked={status.state !== "off"}
        disabled={byPolicy}
        onChange={(_, data) => void call(() => backend.setUpdatesOn(data.checked))}
        label="Look for updates when the app starts and every day (installed only when you agree)"
      />
      <div className={styles.row}>
        <Text id="update-status" aria-live="polite">
          {describe(status)}
        </Text>
        {status.state === "checking" && <Spinner size="tiny" />}
      </div>
      {byPolicy && (
        <Text size={200}>
          Your organisation deploys this app to this computer; new versions come with its
          deployment.
        </Text>
      )}
      {status.state === "refused" && (
        <MessageBar intent="error" id="update-refused" layout="multiline">
          <MessageBarBody>{status.why}</MessageBarBody>
        </MessageBar>
      )}
      {status.state === "failed" && (
        <MessageBar intent="warning" id="update-failed" layout="multiline">
          <MessageBarBody>{status.why}</MessageBarBody>
        </MessageBar>
      )}
      {(error ?? installError) && (
        <MessageBar intent="error">
          <MessageBarBody>{error ?? installError}</MessageBarBody>
        </MessageBar>
      )}
      <div className={styles.row}>
        <Button
          id="update-check"
          disabled={status.state === "off" || status.state === "checking"}
          onClick={() => void call(() => backend.checkForUpdates())}
        >
          Check now
        </Button>
        {status.state === "ready" && (
          <Button
            id="update-install-settings"
            appearance="primary"
            disabled={installing}
            onClick={() => void install()}
          >
            Install and restart
          </Button>
        )}
      </div>
    </section>
  );
}

import {
  Button,
  Field,
  Input,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Spinner,
  Switch,
  tokens,
} from "@fluentui/react-components";
import { useEffect, useState } from "react";

import { toErrorReport, type DesktopSettings, type ErrorReport } from "../backend";
import { useBackend } from "../backend/context";

const useStyles = makeStyles({
  root: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalL },
  row: { display: "flex", gap: tokens.spacingHorizontalS, alignItems: "center" },
  shortcut: { flexGrow: 1 },
});

/** The desktop preferences: start in the tray at login, the quick lock shortcut. */
export function SettingsPanel() {
  const backend = useBackend();
  const styles = useStyles();
  const [settings, setSettings] = useState<DesktopSettings | null>(null);
  const [shortcut, setShortcut] = useState("");
  const [error, setError] = useState<ErrorReport | null>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    backend.desktopSettings().then(
      (s) => {
        setSettings(s);
        setShortcut(s.quickLockShortcut);
      },
      (e: unknown) => setError(toErrorReport(e)),
    );
  }, [backend]);

  async function change(run: () => Promise<DesktopSettings>) {
    setError(null);
    setSaved(false);
    try {
      const next = await run();
      setSettings(next);
      setShortcut(next.quickLockShortcut);
      setSaved(true);
    } catch (e) {
      setError(toErrorReport(e));
    }
  }

  if (!settings) return error ? <ErrorBar error={error} /> : <Spinner size="tiny" />;
  return (
    <div className={styles.root}>
      <Switch
        id="start-in-tray"
        checked={settings.startInTrayAtLogin}
        onChange={(_, data) => void change(() => backend.setStartInTrayAtLogin(data.checked))}
        label="Start in the tray when I sign in to this computer"
      />
      <div className={styles.row}>
        <Field
          className={styles.shortcut}
          label="Quick lock shortcut"
          hint="Opens quick lock from anywhere, e.g. CommandOrControl+Shift+L. Leave empty for none."
        >
          <Input
            id="quick-lock-shortcut"
            value={shortcut}
            onChange={(_, data) => setShortcut(data.value)}
          />
        </Field>
        <Button
          id="quick-lock-shortcut-save"
          disabled={shortcut === settings.quickLockShortcut && !settings.shortcutProblem}
          onClick={() => void change(() => backend.setQuickLockShortcut(shortcut))}
        >
          Save
        </Button>
      </div>
      {settings.shortcutProblem && (
        <MessageBar intent="warning" id="shortcut-problem">
          <MessageBarBody>
            The shortcut is not working: {settings.shortcutProblem}. The tray menu&apos;s Quick
            lock… always works.
          </MessageBarBody>
        </MessageBar>
      )}
      {saved && !settings.shortcutProblem && !error && (
        <MessageBar intent="success">
          <MessageBarBody>Saved.</MessageBarBody>
        </MessageBar>
      )}
      {error && <ErrorBar error={error} />}
    </div>
  );
}

function ErrorBar({ error }: { error: ErrorReport }) {
  return (
    <MessageBar intent="error">
      <MessageBarBody>{error.message}</MessageBarBody>
    </MessageBar>
  );
}

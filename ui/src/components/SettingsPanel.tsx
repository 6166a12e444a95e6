import {
  Button,
  Divider,
  Field,
  Input,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Radio,
  RadioGroup,
  Spinner,
  Switch,
  tokens,
} from "@fluentui/react-components";
import { useEffect, useState } from "react";

import { toErrorReport, type Appearance, type DesktopSettings, type ErrorReport } from "../backend";
import { useBackend } from "../backend/context";
import { label, record } from "../shortcut";
import { UpdateSettings } from "./Updates";

const useStyles = makeStyles({
  // The right padding keeps the buttons clear of the scrollbar when a small window scrolls.
  root: {
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalL,
    paddingRight: tokens.spacingHorizontalM,
  },
  row: { display: "flex", gap: tokens.spacingHorizontalS, alignItems: "center" },
  shortcut: { flexGrow: 1, minWidth: 0 },
  recording: { fontFamily: tokens.fontFamilyMonospace },
});

const DEFAULT_SHORTCUT = "CommandOrControl+Shift+L";

const APPEARANCES: [Appearance, string][] = [
  ["system", "As the system is set"],
  ["light", "Light"],
  ["dark", "Dark"],
  ["highContrast", "High contrast"],
];

/** The desktop preferences: start in the tray at login, the quick lock shortcut. */
export function SettingsPanel() {
  const backend = useBackend();
  const styles = useStyles();
  const [settings, setSettings] = useState<DesktopSettings | null>(null);
  /** Keys held while the shortcut field has the focus, before they make a shortcut. */
  const [held, setHeld] = useState<string | null>(null);
  const [error, setError] = useState<ErrorReport | null>(null);
  /** Rust refused the shortcut pressed: shown at the field until another one is pressed. */
  const [shortcutError, setShortcutError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    backend.desktopSettings().then(setSettings, (e: unknown) => setError(toErrorReport(e)));
  }, [backend]);

  async function change(run: () => Promise<DesktopSettings>) {
    setError(null);
    setSaved(false);
    try {
      setSettings(await run());
      setSaved(true);
    } catch (e) {
      setError(toErrorReport(e));
    }
  }

  async function saveShortcut(accelerator: string) {
    setShortcutError(null);
    setSaved(false);
    try {
      setSettings(await backend.setQuickLockShortcut(accelerator));
      setSaved(true);
    } catch (e) {
      setShortcutError(toErrorReport(e).message);
    }
  }

  // Press the keys you want: the first key that is not a modifier completes the shortcut and
  // saves it. Tab and Shift+Tab still move on; Escape leaves the field as it was.
  function onShortcutKey(event: React.KeyboardEvent<HTMLInputElement>) {
    const bare = !event.ctrlKey && !event.metaKey && !event.altKey;
    if (event.key === "Tab" && bare) return;
    event.preventDefault();
    if (event.key === "Escape" && bare && !event.shiftKey) {
      setHeld(null);
      event.currentTarget.blur();
      return;
    }
    const pressed = record(event.nativeEvent);
    setHeld(pressed.partial);
    if (pressed.accelerator) {
      setHeld(null);
      void saveShortcut(pressed.accelerator);
    }
  }

  if (!settings) return error ? <ErrorBar error={error} /> : <Spinner size="tiny" />;
  return (
    <div className={styles.root}>
      <Field label="Appearance">
        <RadioGroup
          id="appearance"
          layout="horizontal"
          value={settings.appearance}
          onChange={(_, data) => void change(() => backend.setAppearance(data.value as Appearance))}
        >
          {APPEARANCES.map(([value, name]) => (
            <Radio key={value} value={value} label={name} id={`appearance-${value}`} />
          ))}
        </RadioGroup>
      </Field>
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
          hint="Opens quick lock from anywhere. Click here and press the keys you want, e.g. Ctrl+Shift+L."
          validationState={shortcutError ? "error" : "none"}
          validationMessage={shortcutError ?? undefined}
        >
          <Input
            id="quick-lock-shortcut"
            className={styles.recording}
            readOnly
            value={held ?? (label(settings.quickLockShortcut) || "None")}
            onKeyDown={onShortcutKey}
            onKeyUp={(e) => {
              if (held && !e.ctrlKey && !e.metaKey && !e.altKey && !e.shiftKey) setHeld(null);
            }}
            onBlur={() => setHeld(null)}
          />
        </Field>
        <Button
          id="quick-lock-shortcut-off"
          disabled={settings.quickLockShortcut === ""}
          onClick={() => void saveShortcut("")}
        >
          Turn off
        </Button>
        <Button
          id="quick-lock-shortcut-default"
          disabled={settings.quickLockShortcut === DEFAULT_SHORTCUT}
          onClick={() => void saveShortcut(DEFAULT_SHORTCUT)}
        >
          Default
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
      <Divider />
      <UpdateSettings />
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

import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  DialogTrigger,
  FluentProvider,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Spinner,
  Subtitle2,
  tokens,
} from "@fluentui/react-components";
import { InfoRegular, SettingsRegular } from "@fluentui/react-icons";
import { useEffect } from "react";

import appIcon from "../../icons/128x128.png";
import { useBackend } from "./backend/context";
import { AboutPanel } from "./components/AboutPanel";
import { SettingsPanel } from "./components/SettingsPanel";
import { UpdateOffer } from "./components/Updates";
import { Welcome } from "./components/Welcome";
import { Workspace } from "./components/Workspace";
import { usePageStyles } from "./pageStyles";
import { reportStart } from "./startup";
import { THEMES, useTheme } from "./theme";
import { useSession } from "./useSession";

const useStyles = makeStyles({
  shell: {
    display: "flex",
    flexDirection: "column",
    height: "100vh",
    backgroundColor: tokens.colorNeutralBackground2,
    color: tokens.colorNeutralForeground1,
  },
  header: {
    display: "flex",
    alignItems: "center",
    gap: tokens.spacingHorizontalM,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalL}`,
    backgroundColor: tokens.colorNeutralBackground1,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  icon: { width: "28px", height: "28px" },
  title: { flexGrow: 1 },
  main: {
    flexGrow: 1,
    minHeight: 0,
    overflowY: "auto",
    padding: tokens.spacingHorizontalXL,
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalXL,
  },
  workspace: { overflowY: "hidden" },
  signedOut: {
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalL,
    maxWidth: "880px",
  },
});

export function App() {
  usePageStyles();
  const theme = useTheme();
  const styles = useStyles();
  const backend = useBackend();
  const [session, setSession] = useSession();
  useEffect(() => reportStart(backend, "firstFrame"), [backend]);

  const signedIn = session.status === "signedIn";
  return (
    <FluentProvider theme={THEMES[theme]} data-theme={theme}>
      <div className={styles.shell}>
        <header className={styles.header}>
          <img className={styles.icon} src={appIcon} alt="" />
          <Subtitle2 as="h1" className={styles.title}>
            Intune Actions
          </Subtitle2>
          <SettingsDialog />
          <AboutDialog />
        </header>
        <main className={signedIn ? `${styles.main} ${styles.workspace}` : styles.main}>
          <UpdateOffer />
          {session.status === "checking" && <Spinner label="Opening your tenant…" />}
          {session.status === "signedOut" && (
            <div className={styles.signedOut}>
              {session.error && (
                <MessageBar intent="error">
                  <MessageBarBody>{session.error.message}</MessageBarBody>
                </MessageBar>
              )}
              <Welcome onSignedIn={(summary) => setSession({ status: "signedIn", summary })} />
            </div>
          )}
          {session.status === "signedIn" && session.error && (
            <MessageBar intent="error" id="session-error">
              <MessageBarBody>{session.error.message}</MessageBarBody>
            </MessageBar>
          )}
          {session.status === "signedIn" && (
            <Workspace
              key={session.summary.profile}
              summary={session.summary}
              onSignedOut={() => setSession({ status: "signedOut" })}
            />
          )}
        </main>
      </div>
    </FluentProvider>
  );
}

/** Version, platform and log folder, reachable from every screen. */
function AboutDialog() {
  return (
    <Dialog>
      <DialogTrigger disableButtonEnhancement>
        <Button id="about-open" appearance="subtle" icon={<InfoRegular />}>
          About
        </Button>
      </DialogTrigger>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>About Intune Actions</DialogTitle>
          <DialogContent>
            <AboutPanel />
          </DialogContent>
          <DialogActions>
            <DialogTrigger disableButtonEnhancement>
              <Button appearance="secondary">Close</Button>
            </DialogTrigger>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

/** The desktop preferences, reachable from every screen. */
function SettingsDialog() {
  return (
    <Dialog>
      <DialogTrigger disableButtonEnhancement>
        <Button id="settings-open" appearance="subtle" icon={<SettingsRegular />}>
          Settings
        </Button>
      </DialogTrigger>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>Settings</DialogTitle>
          <DialogContent>
            <SettingsPanel />
          </DialogContent>
          <DialogActions>
            <DialogTrigger disableButtonEnhancement>
              <Button appearance="secondary" id="settings-close">
                Close
              </Button>
            </DialogTrigger>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

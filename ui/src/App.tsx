import {
  FluentProvider,
  makeStyles,
  Subtitle2,
  Text,
  Title3,
  tokens,
} from "@fluentui/react-components";

import appIcon from "../../icons/128x128.png";
import { AboutPanel } from "./components/AboutPanel";
import { THEMES, useOsTheme } from "./theme";

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
  main: {
    flexGrow: 1,
    overflowY: "auto",
    padding: tokens.spacingHorizontalXXL,
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalXL,
    maxWidth: "880px",
  },
  intro: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
  jobs: {
    margin: 0,
    paddingLeft: tokens.spacingHorizontalXL,
    lineHeight: tokens.lineHeightBase400,
  },
});

export function App() {
  const theme = useOsTheme();
  const styles = useStyles();
  return (
    <FluentProvider theme={THEMES[theme]} data-theme={theme}>
      <div className={styles.shell}>
        <header className={styles.header}>
          <img className={styles.icon} src={appIcon} alt="" />
          <Subtitle2 as="h1">Intune Actions</Subtitle2>
        </header>
        <main className={styles.main}>
          <section className={styles.intro} aria-labelledby="intro-title">
            <Title3 id="intro-title" as="h2">
              Act on a lost or locked-out device in seconds
            </Title3>
            <Text as="p">
              Intune Actions signs in to your Microsoft Intune tenant, finds a device by name,
              serial number or user, tells you which actions apply to it and why, and follows each
              action until the device reports back.
            </Text>
            <ul className={styles.jobs}>
              <li>
                Remote lock a lost Mac, iPhone, iPad or Android device, and keep the Mac PIN safe.
              </li>
              <li>Recover or remove the passcode of a supervised iPhone or iPad.</li>
              <li>Rotate the FileVault recovery key of a corporate Mac.</li>
            </ul>
          </section>
          <AboutPanel />
        </main>
      </div>
    </FluentProvider>
  );
}

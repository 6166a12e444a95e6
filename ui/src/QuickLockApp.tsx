import { FluentProvider, Spinner } from "@fluentui/react-components";
import { useEffect } from "react";

import { useBackend } from "./backend/context";
import { QuickLock } from "./components/QuickLock";
import { usePageStyles } from "./pageStyles";
import { reportQuickLockReady } from "./startup";
import { THEMES, useTheme } from "./theme";
import { useSession } from "./useSession";

/**
 * The quick lock window's whole page. It has an entry of its own (`quickLockMain.tsx`) so that it
 * loads only what quick lock draws, not the main window's workspace, settings and dialogs.
 */
export function QuickLockApp() {
  usePageStyles();
  const theme = useTheme();
  const backend = useBackend();
  const [session] = useSession();
  const ready = session.status !== "checking";
  useEffect(() => {
    if (ready) reportQuickLockReady(backend);
  }, [backend, ready]);
  return (
    <FluentProvider theme={THEMES[theme]} data-theme={theme}>
      {session.status === "checking" ? (
        <Spinner label="Opening your tenant…" />
      ) : (
        <QuickLock summary={session.status === "signedIn" ? session.summary : null} />
      )}
    </FluentProvider>
  );
}

import { useEffect, useState } from "react";

import { toErrorReport, type ConnectionSummary, type ErrorReport } from "./backend";
import { useBackend } from "./backend/context";

export type Session =
  | { status: "checking" }
  | { status: "signedOut"; error?: ErrorReport }
  | { status: "signedIn"; summary: ConnectionSummary; error?: ErrorReport };

/**
 * The tenant Rust has open for this window: resumed once, then kept in step with a sign-in, a
 * sign-out or a profile switch made elsewhere (the tray, or another window).
 */
export function useSession() {
  const backend = useBackend();
  const [session, setSession] = useState<Session>({ status: "checking" });

  useEffect(
    () =>
      backend.onSessionChanged((summary, error) =>
        setSession(
          summary
            ? { status: "signedIn", summary, error: error ?? undefined }
            : { status: "signedOut", error: error ?? undefined },
        ),
      ),
    [backend],
  );

  useEffect(() => {
    backend.openSession().then(
      (summary) => setSession(summary ? { status: "signedIn", summary } : { status: "signedOut" }),
      (error: unknown) => setSession({ status: "signedOut", error: toErrorReport(error) }),
    );
  }, [backend]);

  return [session, setSession] as const;
}

import {
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
} from "@fluentui/react-components";
import { useCallback, useEffect, useState } from "react";

import { toErrorReport, type ErrorReport, type RunSummary } from "../backend";
import { useBackend } from "../backend/context";
import { useManyDevices } from "./actions/ManyDevicesHost";

const ACTION_NAME: Record<RunSummary["action"], string> = {
  remoteLock: "Remote lock",
  rotateFileVaultKey: "FileVault key rotation",
  recoverPasscode: "Passcode recovery",
  resetPasscode: "Passcode removal",
};

/**
 * Runs of many devices that stopped before their end (the app was quit, crashed, or the computer
 * was turned off): Rust found them in their journals. Resuming never sends again what already
 * left; setting one aside stops offering it.
 */
export function StoppedRuns({ onResumed }: { onResumed?(): void }) {
  const backend = useBackend();
  const [runs, setRuns] = useState<RunSummary[]>([]);
  const openMany = useManyDevices();
  const [error, setError] = useState<ErrorReport | null>(null);

  const load = useCallback(() => {
    backend.stoppedRuns().then(setRuns, (e: unknown) => setError(toErrorReport(e)));
  }, [backend]);
  useEffect(load, [load]);

  async function setAside(run: RunSummary) {
    setError(null);
    try {
      await backend.setRunAside(run.id);
      setRuns((all) => all.filter((r) => r.id !== run.id));
    } catch (e) {
      setError(toErrorReport(e));
    }
  }

  return (
    <>
      {runs.map((run) => (
        <MessageBar key={run.id} intent="warning" layout="multiline" data-stopped-run={run.id}>
          <MessageBarBody>
            <MessageBarTitle>
              {ACTION_NAME[run.action]} of {run.devices.toLocaleString()} devices stopped before its
              end
            </MessageBarTitle>
            Started {new Date(run.started).toLocaleString()}: {run.queued.toLocaleString()} sent,{" "}
            {(run.left + run.inFlight).toLocaleString()} not finished. Resuming sends only what has
            not left yet.
          </MessageBarBody>
          <MessageBarActions>
            <Button size="small" onClick={() => void setAside(run)}>
              Set aside
            </Button>
            <Button
              size="small"
              appearance="primary"
              data-resume-run={run.id}
              onClick={() =>
                openMany({
                  resume: run,
                  onClosed: () => {
                    load();
                    onResumed?.();
                  },
                })
              }
            >
              Resume…
            </Button>
          </MessageBarActions>
        </MessageBar>
      ))}
      {error && (
        <MessageBar intent="error">
          <MessageBarBody>{error.message}</MessageBarBody>
        </MessageBar>
      )}
    </>
  );
}

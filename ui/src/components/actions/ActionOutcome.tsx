import {
  Button,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Spinner,
  tokens,
} from "@fluentui/react-components";

import type { FollowUpdate, RunReport } from "../../backend";

const useStyles = makeStyles({
  stack: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
});

interface Props {
  /** What Intune answered to the send. */
  sent: RunReport | null;
  /** The latest reading Rust reported while following it. */
  progress: FollowUpdate | null;
  progressId: string;
  /** Offered while the outcome is still awaited. */
  onStopWatching?(): void;
  /**
   * Offered for an outcome nobody can know (the answer was lost and the device's results do not
   * show the request): sending again is the admin's explicit choice, after the message's risk.
   */
  onSendAgain?(deviceId: string): void;
}

/** The answer to a send, then the outcome as the device reports it. */
export function ActionOutcome({ sent, progress, progressId, onStopWatching, onSendAgain }: Props) {
  const styles = useStyles();
  return (
    <>
      {sent && (
        <div className={styles.stack} id="send-outcome">
          {sent.outcomes.map((o) => (
            <MessageBar
              key={o.deviceId}
              layout="multiline"
              intent={
                o.state === "queued"
                  ? "success"
                  : o.state === "blocked" || o.state === "unknown"
                    ? "warning"
                    : "error"
              }
              data-state={o.state}
            >
              <MessageBarBody>
                {o.message}
                {o.requestId && ` (request ID ${o.requestId})`}
              </MessageBarBody>
              {o.state === "unknown" && onSendAgain && (
                <Button size="small" onClick={() => onSendAgain(o.deviceId)} data-send-again>
                  Send again…
                </Button>
              )}
            </MessageBar>
          ))}
        </div>
      )}
      {progress && (
        <MessageBar
          id={progressId}
          layout="multiline"
          intent={
            !progress.finished
              ? "info"
              : progress.result?.actionState === "done"
                ? "success"
                : "error"
          }
        >
          <MessageBarBody>
            {!progress.finished && <Spinner size="extra-tiny" as="span" />} {progress.message}
          </MessageBarBody>
          {!progress.finished && onStopWatching && (
            <Button size="small" onClick={onStopWatching}>
              Stop watching
            </Button>
          )}
        </MessageBar>
      )}
    </>
  );
}

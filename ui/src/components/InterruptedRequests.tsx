import {
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
} from "@fluentui/react-components";
import { useEffect, useState } from "react";

import { toErrorReport, type AuditEntry, type Device, type ErrorReport } from "../backend";
import { useBackend } from "../backend/context";

interface Props {
  /** Opens the device, where its action results show whether the request arrived. */
  onOpen(device: Device): void;
}

/**
 * Sends that were cut off before Intune's answer was recorded (the app was quit or crashed in
 * between): Rust found them in the write-ahead audit. Nothing is sent again by itself; the admin
 * checks the device and says so.
 */
export function InterruptedRequests({ onOpen }: Props) {
  const backend = useBackend();
  const [open, setOpen] = useState<AuditEntry[]>([]);
  const [error, setError] = useState<ErrorReport | null>(null);

  useEffect(() => {
    backend.interruptedRequests().then(setOpen, (e: unknown) => setError(toErrorReport(e)));
  }, [backend]);

  async function openDevice(entry: AuditEntry) {
    setError(null);
    try {
      onOpen((await backend.reviewDevice(entry.deviceId)).details.device);
    } catch (e) {
      setError(toErrorReport(e));
    }
  }

  async function settle(entry: AuditEntry) {
    setError(null);
    try {
      await backend.settleInterrupted(entry.clientRequestId ?? "");
      setOpen((all) => all.filter((e) => e.seq !== entry.seq));
    } catch (e) {
      setError(toErrorReport(e));
    }
  }

  return (
    <>
      {open.map((entry) => (
        <MessageBar
          key={entry.seq}
          intent="warning"
          layout="multiline"
          data-interrupted={entry.deviceId}
        >
          <MessageBarBody>
            <MessageBarTitle>Interrupted: check whether it arrived</MessageBarTitle>
            {entry.subject} to {entry.deviceName} at {new Date(entry.time).toLocaleString()}: the
            app stopped before Intune&apos;s answer was recorded, so it may or may not have reached
            the device. Nothing was sent again. Open the device and look at its action results.
          </MessageBarBody>
          <MessageBarActions>
            <Button size="small" onClick={() => void openDevice(entry)}>
              Open device
            </Button>
            <Button size="small" appearance="primary" onClick={() => void settle(entry)}>
              I checked it
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

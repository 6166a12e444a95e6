import { Button, makeStyles, Spinner, tokens } from "@fluentui/react-components";
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";

import type { Device, RunSummary } from "../../backend";
import { ManyDevicesDialog } from "./ManyDevicesDialog";

/** What the many-device dialog opens on: a list to paste, devices chosen already, or a run to resume. */
export interface ManyDevicesRequest {
  chosen?: { title: string; devices: Device[] };
  resume?: RunSummary;
  /** Called when the dialog is closed for good (a stopped run's banner reloads then). */
  onClosed?(): void;
}

/** Where a run stands, for the chip shown while the dialog is out of the way. */
export interface RunStatus {
  text: string;
  going: boolean;
}

type Open = (request: ManyDevicesRequest) => void;

const ManyDevicesContext = createContext<Open | null>(null);

/** Opens the window's one many-device dialog (a run going on comes forward instead). */
export function useManyDevices(): Open {
  const open = useContext(ManyDevicesContext);
  if (!open) throw new Error("useManyDevices needs a ManyDevicesHost around it");
  return open;
}

const useStyles = makeStyles({
  chip: {
    position: "fixed",
    right: tokens.spacingHorizontalL,
    bottom: tokens.spacingVerticalL,
    zIndex: 10,
    boxShadow: tokens.shadow16,
    maxWidth: "calc(100vw - 32px)",
  },
});

/**
 * The window's one run of many devices: the dialog lives here, so a run goes on while the admin
 * keeps working ("Keep working" puts it in a chip at the bottom right; the chip brings it back).
 * One run per window, as Rust's pause and cancel are per window.
 */
export function ManyDevicesHost({ children }: { children: ReactNode }) {
  const styles = useStyles();
  const [request, setRequest] = useState<{ key: number; value: ManyDevicesRequest } | null>(null);
  const [shown, setShown] = useState(false);
  const [status, setStatus] = useState<RunStatus | null>(null);

  const open = useCallback<Open>(
    (value) => {
      setShown(true);
      // A run under way is not replaced: it comes forward.
      if (status?.going) return;
      setRequest((now) => ({ key: (now?.key ?? 0) + 1, value }));
      setStatus(null);
    },
    [status],
  );
  const context = useMemo(() => open, [open]);

  function close() {
    const closed = request?.value.onClosed;
    setRequest(null);
    setShown(false);
    setStatus(null);
    closed?.();
  }

  return (
    <ManyDevicesContext.Provider value={context}>
      {children}
      {request && (
        <ManyDevicesDialog
          key={request.key}
          open={shown}
          chosen={request.value.chosen}
          resume={request.value.resume}
          onClose={close}
          onHide={() => setShown(false)}
          onStatus={setStatus}
        />
      )}
      {request && !shown && status && (
        <Button
          id="run-chip"
          className={styles.chip}
          appearance="primary"
          icon={status.going ? <Spinner size="tiny" appearance="inverted" /> : undefined}
          onClick={() => setShown(true)}
          title="Show the run"
        >
          {status.text}
        </Button>
      )}
    </ManyDevicesContext.Provider>
  );
}

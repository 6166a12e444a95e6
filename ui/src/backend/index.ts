// The one module that talks to Tauri. Everything else in the UI receives a `Backend` through React
// context, so components are tested with a fake and never import @tauri-apps/* themselves.
import {
  commands,
  events,
  type About,
  type ActionResult_Serialize,
  type ConnectionSummary_Serialize,
  type DeviceDetails_Serialize,
  type DeviceQuery_Deserialize,
  type DeviceSearch_Serialize,
  type Device_Serialize,
  type ErrorKind,
  type ErrorReport,
  type InventoryStatus_Serialize,
  type Ownership,
  type Platform,
  type RefreshMode,
} from "../bindings";

export type { About, ErrorKind, ErrorReport, Ownership, Platform, RefreshMode };
export type ConnectionSummary = ConnectionSummary_Serialize;
export type Device = Device_Serialize;
export type DeviceDetails = DeviceDetails_Serialize;
export type ActionResult = ActionResult_Serialize;
export type DeviceQuery = DeviceQuery_Deserialize;
export type DeviceSearch = DeviceSearch_Serialize;
export type InventoryStatus = InventoryStatus_Serialize;

/** Every call rejects with an `ErrorReport` when Rust says no. */
export interface Backend {
  about(): Promise<About>;
  openSession(): Promise<ConnectionSummary | null>;
  startDemo(): Promise<ConnectionSummary>;
  signOut(): Promise<void>;
  inventoryStatus(): Promise<InventoryStatus>;
  refreshInventory(mode: RefreshMode): Promise<void>;
  searchDevices(query: DeviceQuery, offset: number, limit: number): Promise<DeviceSearch>;
  deviceDetails(id: string): Promise<DeviceDetails>;
  openInAdminCenter(id: string): Promise<void>;
  /** Calls back on every inventory change; the returned function stops it. */
  onInventoryChanged(callback: (status: InventoryStatus) => void): () => void;
}

type Outcome<T> = { status: "ok"; data: T } | { status: "error"; error: ErrorReport };

async function unwrap<T>(outcome: Promise<Outcome<T>>): Promise<T> {
  const result = await outcome;
  if (result.status === "error") throw result.error;
  return result.data;
}

export const tauriBackend: Backend = {
  about: () => commands.about(),
  openSession: () => unwrap(commands.openSession()),
  startDemo: () => unwrap(commands.startDemo()),
  signOut: () => unwrap(commands.signOut()).then(() => undefined),
  inventoryStatus: () => unwrap(commands.inventoryStatus()),
  refreshInventory: (mode) => unwrap(commands.refreshInventory(mode)).then(() => undefined),
  searchDevices: (query, offset, limit) => unwrap(commands.searchDevices(query, offset, limit)),
  deviceDetails: (id) => unwrap(commands.deviceDetails(id)),
  openInAdminCenter: (id) => unwrap(commands.openInAdminCenter(id)).then(() => undefined),
  onInventoryChanged: (callback) => {
    let stop: (() => void) | null = null;
    let stopped = false;
    void events.inventoryChanged
      .listen((event) => callback(event.payload.status))
      .then((unlisten) => {
        if (stopped) unlisten();
        else stop = unlisten;
      });
    return () => {
      stopped = true;
      stop?.();
    };
  },
};

/** Turns anything a command rejected with into the one error shape the UI renders. */
export function toErrorReport(error: unknown): ErrorReport {
  if (isErrorReport(error)) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return {
    kind: "internal",
    message: `The app could not complete the request (${detail}). Try again; if it keeps happening, send the log file to your support contact.`,
    requestId: null,
  };
}

function isErrorReport(value: unknown): value is ErrorReport {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as ErrorReport).kind === "string" &&
    typeof (value as ErrorReport).message === "string"
  );
}

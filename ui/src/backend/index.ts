// The one module that talks to Tauri. Everything else in the UI receives a `Backend` through React
// context, so components are tested with a fake and never import @tauri-apps/* themselves.
import { commands, type About, type ErrorKind, type ErrorReport } from "../bindings";

export type { About, ErrorKind, ErrorReport };

export interface Backend {
  about(): Promise<About>;
}

export const tauriBackend: Backend = {
  about: () => commands.about(),
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

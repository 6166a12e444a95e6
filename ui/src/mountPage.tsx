import { StrictMode, type ReactNode } from "react";
import { createRoot } from "react-dom/client";

import { tauriBackend } from "./backend";
import { BackendProvider } from "./backend/context";

/** Draws a window's page into its `#root`, talking to Rust through the real backend. */
export function mountPage(page: ReactNode) {
  const root = document.getElementById("root");
  if (!root) throw new Error("the page has no #root element");
  createRoot(root).render(
    <StrictMode>
      <BackendProvider backend={tauriBackend}>{page}</BackendProvider>
    </StrictMode>,
  );
}

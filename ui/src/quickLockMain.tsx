import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { tauriBackend } from "./backend";
import { BackendProvider } from "./backend/context";
import { QuickLockApp } from "./QuickLockApp";
import { startTypeAhead } from "./typeAhead";

// Keys typed before the search field exists are kept for it.
startTypeAhead();

const root = document.getElementById("root");
if (!root) throw new Error("quick-lock.html has no #root element");

createRoot(root).render(
  <StrictMode>
    <BackendProvider backend={tauriBackend}>
      <QuickLockApp />
    </BackendProvider>
  </StrictMode>,
);

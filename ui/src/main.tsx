import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { App } from "./App";
import { tauriBackend } from "./backend";
import { BackendProvider } from "./backend/context";

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");

createRoot(root).render(
  <StrictMode>
    <BackendProvider backend={tauriBackend}>
      <App />
    </BackendProvider>
  </StrictMode>,
);

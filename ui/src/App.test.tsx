import { act, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { App } from "./App";
import { QuickLockApp } from "./QuickLockApp";
import type { Backend } from "./backend";
import { BackendProvider } from "./backend/context";
import {
  fakeBackend,
  mockMediaQueries,
  READY_INVENTORY,
  SAMPLE_ABOUT,
  SAMPLE_SUMMARY,
} from "./test/backend";

function renderApp(backend: Backend = fakeBackend({ openSession: () => Promise.resolve(null) })) {
  return render(
    <BackendProvider backend={backend}>
      <App />
    </BackendProvider>,
  );
}

describe("App", () => {
  it("greets a signed-out admin with the demo and the registration checklist", async () => {
    mockMediaQueries([]);
    renderApp();
    expect(screen.getByRole("heading", { level: 1, name: "Intune Actions" })).toBeInTheDocument();
    expect(await screen.findByRole("button", { name: "Open the demo tenant" })).toBeInTheDocument();
    const checklist = screen.getByRole("list", { name: "App registration checklist" });
    expect(checklist).toHaveTextContent("redirect URI http://localhost");
    expect(checklist).toHaveTextContent("PrivilegedOperations.All");
  });

  it("shows the tenant Rust opened at start (the demo when no profile exists) without a click", async () => {
    mockMediaQueries([]);
    const openSession = vi.fn(() => Promise.resolve(SAMPLE_SUMMARY));
    renderApp(
      fakeBackend({
        openSession,
        inventoryStatus: () => Promise.resolve(READY_INVENTORY),
        searchDevices: () =>
          Promise.resolve({ source: "inventory", page: { total: 0, offset: 0, devices: [] } }),
      }),
    );
    expect(await screen.findByText(/no real device is affected/)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Open the demo tenant" })).toBeNull();
    expect(openSession).toHaveBeenCalled();
  });

  it("follows a profile switch made in the tray", async () => {
    mockMediaQueries([]);
    let changed: (s: typeof SAMPLE_SUMMARY | null, e: null) => void = () => {};
    renderApp(
      fakeBackend({
        openSession: () => Promise.resolve(SAMPLE_SUMMARY),
        inventoryStatus: () => Promise.resolve(READY_INVENTORY),
        searchDevices: () =>
          Promise.resolve({ source: "inventory", page: { total: 0, offset: 0, devices: [] } }),
        onSessionChanged: (cb) => {
          changed = cb;
          return () => {};
        },
      }),
    );
    expect(await screen.findByText(/no real device is affected/)).toBeInTheDocument();
    act(() =>
      changed(
        {
          ...SAMPLE_SUMMARY,
          profile: "Contoso",
          isDemo: false,
          notice: null,
          account: { username: "it@contoso.com", displayName: "Contoso Admin", tenantId: "c" },
        },
        null,
      ),
    );
    expect(await screen.findByRole("button", { name: "Contoso Admin" })).toBeInTheDocument();
    expect(screen.queryByText(/no real device is affected/)).toBeNull();
  });

  it("keeps quick lock in step: a sign-in in the main window, then a sign-out, reach it", async () => {
    mockMediaQueries([]);
    let changed: (s: typeof SAMPLE_SUMMARY | null, e: null) => void = () => {};
    const startReached = vi.fn(() => Promise.resolve());
    render(
      <BackendProvider
        backend={fakeBackend({
          openSession: () => Promise.resolve(null),
          inventoryStatus: () => Promise.resolve(READY_INVENTORY),
          searchDevices: () =>
            Promise.resolve({ source: "inventory", page: { total: 0, offset: 0, devices: [] } }),
          onSessionChanged: (cb) => {
            changed = cb;
            return () => {};
          },
          startReached,
        })}
      >
        <QuickLockApp />
      </BackendProvider>,
    );
    expect(await screen.findByText(/Nobody is signed in/)).toBeInTheDocument();
    // Said at once, without waiting for a frame: the window is hidden until quick lock is opened.
    expect(startReached).toHaveBeenCalledWith("quickLockReady");
    act(() => changed(SAMPLE_SUMMARY, null));
    await waitFor(() => expect(screen.queryByText(/Nobody is signed in/)).toBeNull());
    act(() => changed(null, null));
    expect(await screen.findByText(/Nobody is signed in/)).toBeInTheDocument();
  });

  it("shows why the saved sign-in could not be resumed on the first screen", async () => {
    mockMediaQueries([]);
    renderApp(
      fakeBackend({
        openSession: () =>
          Promise.reject({
            kind: "signInRequired",
            message:
              'The sign-in is no longer valid (profile "Contoso" is not signed in). Sign in again.',
            requestId: null,
          }),
      }),
    );
    expect(await screen.findByText(/profile "Contoso" is not signed in/)).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Open the demo tenant" })).toBeEnabled();
  });

  it("shows the app details from the About button on every screen", async () => {
    mockMediaQueries([]);
    renderApp(
      fakeBackend({
        openSession: () => Promise.resolve(null),
        about: () => Promise.resolve(SAMPLE_ABOUT),
      }),
    );
    await userEvent.click(screen.getByRole("button", { name: "About" }));
    // By text: role queries walk the whole (large) first screen, slowly on a busy machine.
    await userEvent.click(await screen.findByText("Show app details"));
    expect(await screen.findByText("9.8.7 (debug)")).toBeInTheDocument();
  });

  it("opens the demo tenant and says no real device is affected", async () => {
    mockMediaQueries([]);
    const startDemo = vi.fn(() => Promise.resolve(SAMPLE_SUMMARY));
    renderApp(
      fakeBackend({
        openSession: () => Promise.resolve(null),
        startDemo,
        inventoryStatus: () => Promise.resolve(READY_INVENTORY),
        searchDevices: () =>
          Promise.resolve({ source: "inventory", page: { total: 0, offset: 0, devices: [] } }),
      }),
    );
    await userEvent.click(await screen.findByRole("button", { name: "Open the demo tenant" }));
    expect(startDemo).toHaveBeenCalledOnce();
    expect(await screen.findByText(/no real device is affected/)).toBeInTheDocument();
    expect(screen.getByRole("searchbox", { name: "Search devices" })).toBeInTheDocument();
  });

  it("shows why the demo could not start, and lets the admin try again", async () => {
    mockMediaQueries([]);
    renderApp(
      fakeBackend({
        openSession: () => Promise.resolve(null),
        startDemo: () =>
          Promise.reject({
            kind: "internal",
            message: "Cannot start the demo tenant: no port.",
            requestId: null,
          }),
      }),
    );
    await userEvent.click(await screen.findByRole("button", { name: "Open the demo tenant" }));
    expect(await screen.findByText("Cannot start the demo tenant: no port.")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Open the demo tenant" })).toBeEnabled();
  });

  it.each([
    [[], "light"],
    [["(prefers-color-scheme: dark)"], "dark"],
    [["(forced-colors: active)"], "highContrast"],
  ])("uses the OS theme %j → %s", (queries, theme) => {
    mockMediaQueries(queries);
    const { container } = renderApp();
    expect(container.querySelector(`[data-theme="${theme}"]`)).not.toBeNull();
  });
});

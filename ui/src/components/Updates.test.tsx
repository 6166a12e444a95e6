import { act, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

import type { Backend, UpdateStatus } from "../backend";
import { BackendProvider } from "../backend/context";
import { fakeBackend, mockMediaQueries } from "../test/backend";
import { UpdateOffer, UpdateSettings } from "./Updates";

const READY: UpdateStatus = {
  state: "ready",
  version: "0.2.0",
  notes: "Quick lock opens faster.",
  published: null,
};

function renderWith(ui: React.ReactElement, overrides: Partial<Backend>) {
  const backend = fakeBackend(overrides);
  render(<BackendProvider backend={backend}>{ui}</BackendProvider>);
  return backend;
}

describe("UpdateOffer", () => {
  beforeEach(() => mockMediaQueries([]));

  it("offers nothing until an update is ready, then offers it when Rust says so", async () => {
    let changed: (status: UpdateStatus) => void = () => {};
    renderWith(<UpdateOffer />, {
      updateStatus: () => Promise.resolve({ state: "checking" }),
      onUpdatesChanged: (callback) => {
        changed = callback;
        return () => {};
      },
    });
    await act(async () => {});
    expect(screen.queryByText(/ready to install/)).toBeNull();
    act(() => changed(READY));
    expect(screen.getByText("Intune Actions 0.2.0 is ready to install.")).toBeInTheDocument();
    expect(screen.getByText(/Quick lock opens faster/)).toBeInTheDocument();
  });

  it("installs only on the admin's click, and says why when it could not", async () => {
    const installUpdate = vi.fn(() =>
      Promise.reject({
        kind: "internal",
        message: "a run of many devices is going on: install the update when it has ended",
        requestId: null,
      }),
    );
    renderWith(<UpdateOffer />, { updateStatus: () => Promise.resolve(READY), installUpdate });
    const install = await screen.findByRole("button", { name: "Install and restart" });
    expect(installUpdate).not.toHaveBeenCalled();
    await userEvent.click(install);
    expect(installUpdate).toHaveBeenCalledTimes(1);
    expect(await screen.findByText(/Not installed: a run of many devices/)).toBeInTheDocument();
  });

  it("Later puts the offer away for this version", async () => {
    renderWith(<UpdateOffer />, { updateStatus: () => Promise.resolve(READY) });
    await userEvent.click(await screen.findByRole("button", { name: "Later" }));
    expect(screen.queryByText(/ready to install/)).toBeNull();
  });
});

describe("UpdateSettings", () => {
  beforeEach(() => mockMediaQueries([]));

  it("shows a policy that turned updates off, and the admin cannot turn them on", async () => {
    renderWith(<UpdateSettings />, {
      updateStatus: () =>
        Promise.resolve({
          state: "off",
          by: "turned off for this computer by the policy file /etc/intune-actions/policy.json",
          policy: true,
        }),
    });
    const toggle = await screen.findByRole("switch", { name: /Look for updates/ });
    expect(toggle).not.toBeChecked();
    expect(toggle).toBeDisabled();
    expect(screen.getByText(/policy file \/etc\/intune-actions\/policy.json/)).toBeInTheDocument();
    expect(screen.getByText(/Your organisation deploys this app/)).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Check now" })).toBeDisabled();
  });

  it("turns updates off through Rust, and looks again when asked", async () => {
    const setUpdatesOn = vi.fn(() =>
      Promise.resolve<UpdateStatus>({
        state: "off",
        by: "turned off in the settings",
        policy: false,
      }),
    );
    const checkForUpdates = vi.fn(() =>
      Promise.resolve<UpdateStatus>({ state: "upToDate", checkedAt: "2026-12-01T08:00:00Z" }),
    );
    renderWith(<UpdateSettings />, {
      updateStatus: () => Promise.resolve({ state: "notChecked" }),
      setUpdatesOn,
      checkForUpdates,
    });
    await userEvent.click(await screen.findByRole("button", { name: "Check now" }));
    expect(checkForUpdates).toHaveBeenCalledTimes(1);
    expect(await screen.findByText(/This is the latest version/)).toBeInTheDocument();
    const toggle = screen.getByRole("switch", { name: /Look for updates/ });
    expect(toggle).toBeChecked();
    await userEvent.click(toggle);
    expect(setUpdatesOn).toHaveBeenCalledWith(false);
    expect(await screen.findByText("Updates are turned off in the settings.")).toBeInTheDocument();
    expect(screen.getByRole("switch", { name: /Look for updates/ })).toBeEnabled();
  });

  it("says plainly why an offered update was refused", async () => {
    renderWith(<UpdateSettings />, {
      updateStatus: () =>
        Promise.resolve({
          state: "refused",
          version: "9.9.9",
          why: "Intune Actions 9.9.9 was offered, but it is not signed with this app's update key, so it was not installed.",
        }),
    });
    expect(await screen.findByText(/not signed with this app's update key/)).toBeInTheDocument();
    expect(screen.getByText("Intune Actions 9.9.9 was not installed.")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Install and restart" })).toBeNull();
  });
});

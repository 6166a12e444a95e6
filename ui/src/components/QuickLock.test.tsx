import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { act, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

import type { Backend, DeviceQuery, FollowUpdate } from "../backend";
import { BackendProvider } from "../backend/context";
import {
  fakeBackend,
  mockMediaQueries,
  SAMPLE_SUMMARY,
  sampleDevice,
  sampleReview,
  sampleVerdict,
} from "../test/backend";
import { QuickLock } from "./QuickLock";

const FLEET = [
  sampleDevice(1, { deviceName: "MAC-ADA-001", serialNumber: "C02ADA1" }),
  sampleDevice(2, { deviceName: "MAC-ADA-002", serialNumber: "C02ADA2" }),
];

function search(query: DeviceQuery) {
  const text = (query.text ?? "").toLowerCase();
  const devices = FLEET.filter((d) => d.deviceName.toLowerCase().includes(text));
  return Promise.resolve({
    source: "inventory" as const,
    page: { total: devices.length, offset: 0, devices },
  });
}

function renderQuickLock(overrides: Partial<Backend> = {}, signedIn = true) {
  let locked = false;
  const backend = fakeBackend({
    searchDevices: vi.fn(search),
    reviewDevice: vi.fn((id: string) => {
      const device = FLEET.find((d) => d.id === id) ?? FLEET[0]!;
      return Promise.resolve(
        sampleReview(device, {
          verdicts: [sampleVerdict("remoteLock")],
          reveals: locked ? ["unlockPin"] : [],
        }),
      );
    }),
    sendAction: vi.fn(() => {
      locked = true;
      return Promise.resolve({
        runId: "run-1",
        cancelled: 0,
        action: "remoteLock" as const,
        outcomes: [
          {
            deviceId: FLEET[1]!.id,
            deviceName: FLEET[1]!.deviceName,
            state: "queued" as const,
            message: "Remote lock: Intune accepted it; the device acts when it next checks in.",
            error: null,
            verdict: null,
            requestId: "req-9",
            clientRequestId: "cli-9",
            reconciled: false,
            baseline: null,
          },
        ],
        queued: 1,
        blocked: 0,
        failed: 0,
        unknown: 0,
      });
    }),
    hideWindow: vi.fn(() => Promise.resolve()),
    showMainWindow: vi.fn(() => Promise.resolve()),
    ...overrides,
  });
  render(
    <FluentProvider theme={webLightTheme}>
      <BackendProvider backend={backend}>
        <QuickLock summary={signedIn ? SAMPLE_SUMMARY : null} />
      </BackendProvider>
    </FluentProvider>,
  );
  return backend;
}

describe("QuickLock", () => {
  beforeEach(() => mockMediaQueries([]));

  it("finds a device from the keyboard, locks it after the confirmation, and follows it to the PIN", async () => {
    let progress: (u: FollowUpdate) => void = () => {};
    const backend = renderQuickLock({
      onActionProgress: (cb) => {
        progress = cb;
        return () => {};
      },
    });
    const box = screen.getByRole("textbox", { name: "Find the device to lock" });
    expect(box).toHaveFocus();
    await userEvent.type(box, "mac-ada");
    expect(await screen.findByRole("option", { name: /MAC-ADA-001/ })).toHaveAttribute(
      "aria-selected",
      "true",
    );
    await userEvent.keyboard("{ArrowDown}{Enter}");
    expect(await screen.findByText("MAC-ADA-002")).toBeVisible();
    expect(backend.reviewDevice).toHaveBeenCalledWith(FLEET[1]!.id);
    await userEvent.click(await screen.findByRole("button", { name: "Lock…" }));
    const dialog = await screen.findByRole("alertdialog");
    await userEvent.click(within(dialog).getByRole("button", { name: "Remote lock" }));
    expect(backend.sendAction).toHaveBeenCalledWith(
      expect.objectContaining({ action: "remoteLock", devices: [FLEET[1]!.id] }),
    );
    expect(await screen.findByText(/Intune accepted it/)).toBeVisible();
    act(() =>
      progress({
        deviceId: FLEET[1]!.id,
        deviceName: FLEET[1]!.deviceName,
        action: "remoteLock",
        result: null,
        finished: true,
        pinKept: true,
        message: "Locked. The unlock PIN is kept in your keychain: reveal it when the user calls.",
      }),
    );
    expect(await screen.findByText(/^Locked\./)).toBeVisible();
    expect(await screen.findByRole("button", { name: "Reveal unlock PIN…" })).toBeVisible();
  });

  it("goes all the way without a mouse: Enter, Enter, Ctrl+Enter; Escape closes only the dialog", async () => {
    const backend = renderQuickLock();
    await userEvent.keyboard("mac-ada");
    await screen.findByRole("option", { name: /MAC-ADA-001/ });
    await userEvent.keyboard("{Enter}");
    // The verdict is read and Lock has the focus: Enter opens the confirmation.
    const lock = await screen.findByRole("button", { name: "Lock…" });
    await vi.waitFor(() => expect(lock).toHaveFocus());
    await userEvent.keyboard("{Enter}");
    let dialog = await screen.findByRole("alertdialog");
    // Focus lands in the dialog's first field. (`hidden`: under jsdom, Fluent's focus manager
    // leaves the dialog aria-hidden, which a browser does not.)
    await vi.waitFor(() =>
      expect(
        within(dialog).getByRole("textbox", { name: /Reason|justification/, hidden: true }),
      ).toHaveFocus(),
    );
    // Escape closes the dialog, and only it: the device stays, focus goes back to Lock.
    await userEvent.keyboard("{Escape}");
    await vi.waitFor(() => expect(screen.queryByRole("alertdialog")).toBeNull());
    expect(screen.getByText("MAC-ADA-001")).toBeVisible();
    await vi.waitFor(() => expect(lock).toHaveFocus());
    expect(backend.hideWindow).not.toHaveBeenCalled();

    await userEvent.keyboard("{Enter}");
    dialog = await screen.findByRole("alertdialog");
    await userEvent.keyboard("lost on a train{Control>}{Enter}{/Control}");
    expect(backend.sendAction).toHaveBeenCalledWith(
      expect.objectContaining({
        action: "remoteLock",
        devices: [FLEET[0]!.id],
        justification: "lost on a train",
      }),
    );
    expect(backend.sendAction).toHaveBeenCalledOnce();
  });

  it("opens on the device chosen in the tray", async () => {
    const backend = renderQuickLock({ quickLockTarget: () => Promise.resolve(FLEET[0]!.id) });
    expect(await screen.findByText("MAC-ADA-001")).toBeVisible();
    expect(backend.reviewDevice).toHaveBeenCalledWith(FLEET[0]!.id);
    expect(screen.queryByRole("textbox", { name: "Find the device to lock" })).toBeNull();
    await userEvent.keyboard("{Escape}");
    expect(await screen.findByRole("textbox", { name: "Find the device to lock" })).toBeVisible();
    await userEvent.keyboard("{Escape}");
    expect(backend.hideWindow).toHaveBeenCalledOnce();
  });

  it("says when its search field is on screen, after a start and after each opening", async () => {
    const listeners = new Set<(deviceId: string | null) => void>();
    const opened = (deviceId: string | null) => listeners.forEach((l) => l(deviceId));
    const backend = renderQuickLock({
      startReached: vi.fn(() => Promise.resolve()),
      onQuickLockOpened: (callback) => {
        listeners.add(callback);
        return () => listeners.delete(callback);
      },
    });
    expect(await screen.findByRole("textbox", { name: "Find the device to lock" })).toBeVisible();
    await vi.waitFor(() => expect(backend.startReached).toHaveBeenCalledTimes(1));
    expect(backend.startReached).toHaveBeenCalledWith("quickLockShown");
    act(() => opened(null));
    await vi.waitFor(() => expect(backend.startReached).toHaveBeenCalledTimes(2));
  });

  it("sends a signed-out admin to the main window", async () => {
    const backend = renderQuickLock({}, false);
    expect(screen.getByText(/sign in in the main window first/)).toBeVisible();
    await userEvent.click(screen.getByRole("button", { name: "Open Intune Actions" }));
    expect(backend.showMainWindow).toHaveBeenCalledOnce();
  });
});

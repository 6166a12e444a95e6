import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

import type { Backend, DesktopSettings } from "../backend";
import { BackendProvider } from "../backend/context";
import { fakeBackend, mockMediaQueries } from "../test/backend";
import { SettingsPanel } from "./SettingsPanel";

const SETTINGS: DesktopSettings = {
  startInTrayAtLogin: false,
  quickLockShortcut: "CommandOrControl+Shift+L",
  shortcutProblem: null,
  appearance: "system",
};

function renderPanel(overrides: Partial<Backend>) {
  const backend = fakeBackend({ desktopSettings: () => Promise.resolve(SETTINGS), ...overrides });
  render(
    <BackendProvider backend={backend}>
      <SettingsPanel />
    </BackendProvider>,
  );
  return backend;
}

describe("SettingsPanel", () => {
  beforeEach(() => mockMediaQueries([]));

  it("picks the appearance for every window through Rust", async () => {
    const backend = renderPanel({
      setAppearance: vi.fn((appearance: DesktopSettings["appearance"]) =>
        Promise.resolve({ ...SETTINGS, appearance }),
      ),
    });
    const system = await screen.findByRole("radio", { name: "As the system is set" });
    expect(system).toBeChecked();
    await userEvent.click(screen.getByRole("radio", { name: "High contrast" }));
    expect(backend.setAppearance).toHaveBeenCalledWith("highContrast");
    expect(await screen.findByRole("radio", { name: "High contrast" })).toBeChecked();
  });

  it("turns the start in the tray at login on through Rust", async () => {
    const backend = renderPanel({
      setStartInTrayAtLogin: vi.fn((enabled: boolean) =>
        Promise.resolve({ ...SETTINGS, startInTrayAtLogin: enabled }),
      ),
    });
    const toggle = await screen.findByRole("switch", { name: /Start in the tray/ });
    expect(toggle).not.toBeChecked();
    await userEvent.click(toggle);
    expect(backend.setStartInTrayAtLogin).toHaveBeenCalledWith(true);
    expect(await screen.findByRole("switch", { name: /Start in the tray/ })).toBeChecked();
  });

  it("records a shortcut from the keys pressed, shows it the system's way, and shows Rust's refusal at the field", async () => {
    const setQuickLockShortcut = vi
      .fn()
      .mockRejectedValueOnce({
        kind: "invalidInput",
        message: 'The shortcut is not valid: "F9" has no modifier key.',
        requestId: null,
      })
      .mockResolvedValueOnce({
        ...SETTINGS,
        quickLockShortcut: "Alt+Shift+K",
        shortcutProblem: "the shortcut could not be registered",
      })
      .mockResolvedValueOnce({ ...SETTINGS, quickLockShortcut: "" });
    renderPanel({ setQuickLockShortcut });
    // One keyboard, so keys held in one step are still held in the next.
    const user = userEvent.setup();
    const field = await screen.findByRole("textbox", { name: /Quick lock shortcut/ });
    expect(field).toHaveValue("Ctrl+Shift+L");
    await user.click(field);
    // A key without a modifier: Rust refuses it, and says so at the field.
    await user.keyboard("{F9}");
    expect(setQuickLockShortcut).toHaveBeenLastCalledWith("F9");
    expect(await screen.findByText(/has no modifier key/)).toBeVisible();
    expect(field).toHaveAttribute("aria-invalid", "true");
    expect(field).toHaveValue("Ctrl+Shift+L");
    // Held modifiers show as they are pressed; the key completes and saves the shortcut.
    await user.keyboard("{Alt>}{Shift>}");
    expect(field).toHaveValue("Alt+Shift+…");
    await user.keyboard("K{/Shift}{/Alt}");
    expect(setQuickLockShortcut).toHaveBeenLastCalledWith("Alt+Shift+K");
    expect(await screen.findByText(/The shortcut is not working/)).toBeVisible();
    expect(screen.queryByText(/has no modifier key/)).toBeNull();
    expect(field).toHaveValue("Alt+Shift+K");
    await user.click(screen.getByRole("button", { name: "Turn off" }));
    expect(setQuickLockShortcut).toHaveBeenLastCalledWith("");
    await vi.waitFor(() => expect(field).toHaveValue("None"));
  });
});

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

  it("saves a new shortcut, and shows why a shortcut is refused or not working", async () => {
    const setQuickLockShortcut = vi
      .fn()
      .mockRejectedValueOnce({
        kind: "invalidInput",
        message: 'The shortcut is not valid: "L" has no modifier key.',
        requestId: null,
      })
      .mockResolvedValueOnce({
        ...SETTINGS,
        quickLockShortcut: "Alt+Shift+K",
        shortcutProblem: "the shortcut could not be registered",
      });
    renderPanel({ setQuickLockShortcut });
    const input = await screen.findByRole("textbox", { name: /Quick lock shortcut/ });
    await userEvent.clear(input);
    await userEvent.type(input, "L");
    await userEvent.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByText(/has no modifier key/)).toBeInTheDocument();
    await userEvent.clear(input);
    await userEvent.type(input, "Alt+Shift+K");
    await userEvent.click(screen.getByRole("button", { name: "Save" }));
    expect(setQuickLockShortcut).toHaveBeenLastCalledWith("Alt+Shift+K");
    expect(await screen.findByText(/The shortcut is not working/)).toBeInTheDocument();
  });
});

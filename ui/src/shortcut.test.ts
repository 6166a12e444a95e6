import { describe, expect, it } from "vitest";

import { label, record } from "./shortcut";

const press = (
  code: string,
  mods: Partial<Record<"ctrl" | "meta" | "alt" | "shift", boolean>>,
) => ({
  key: code.startsWith("Key") ? code.slice(3).toLowerCase() : code,
  code,
  ctrlKey: !!mods.ctrl,
  metaKey: !!mods.meta,
  altKey: !!mods.alt,
  shiftKey: !!mods.shift,
});

describe("shortcut", () => {
  it("records the keys pressed in the form Rust reads, the main modifier as CommandOrControl", () => {
    expect(record(press("KeyL", { ctrl: true, shift: true }), false)).toEqual({
      accelerator: "CommandOrControl+Shift+L",
      partial: "Ctrl+Shift+L",
    });
    expect(record(press("KeyL", { meta: true, shift: true }), true)).toEqual({
      accelerator: "CommandOrControl+Shift+L",
      partial: "⌘⇧L",
    });
    expect(record(press("Digit7", { alt: true, meta: true }), false).accelerator).toBe(
      "Super+Alt+7",
    );
    expect(record(press("F9", {}), false).accelerator).toBe("F9");
  });

  it("shows modifiers held so far, with nothing to save yet", () => {
    const held = {
      key: "Shift",
      code: "ShiftLeft",
      ctrlKey: true,
      metaKey: false,
      altKey: false,
      shiftKey: true,
    };
    expect(record(held, false)).toEqual({ accelerator: null, partial: "Ctrl+Shift+…" });
    expect(record(held, true)).toEqual({ accelerator: null, partial: "⌃⇧…" });
  });

  it("shows a saved shortcut the system's way", () => {
    expect(label("CommandOrControl+Shift+L", false)).toBe("Ctrl+Shift+L");
    expect(label("CommandOrControl+Shift+L", true)).toBe("⌘⇧L");
    expect(label("Alt+Shift+KeyK", false)).toBe("Alt+Shift+K");
    expect(label("alt+shift+k", false)).toBe("Alt+Shift+K");
    expect(label("Control+Alt+Space", true)).toBe("⌃⌥Space");
    expect(label("", false)).toBe("");
  });
});

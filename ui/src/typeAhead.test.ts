import { describe, expect, it } from "vitest";

import { startTypeAhead, takeTypedAhead } from "./typeAhead";

const press = (key: string, init: KeyboardEventInit = {}, target: EventTarget = window) =>
  target.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true, ...init }));

describe("typeAhead", () => {
  it("keeps what was typed before the search field existed, and stops once it is taken", () => {
    startTypeAhead();
    for (const key of "macx") press(key);
    press("Backspace");
    press("Shift");
    press("v", { ctrlKey: true });
    // A key aimed at a field is that field's.
    const input = document.createElement("input");
    document.body.append(input);
    press("z", {}, input);
    expect(takeTypedAhead()).toBe("mac");
    press("q");
    expect(takeTypedAhead()).toBe("mac");
    input.remove();
  });
});

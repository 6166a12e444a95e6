import { act, renderHook } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { useDialog } from "./useDialog";

describe("useDialog", () => {
  it("mounts each opening fresh and closes through open, keeping what it was opened with", () => {
    const { result } = renderHook(() => useDialog<{ confirm: string; reveal: number }>());
    expect(result.current.shown).toBeNull();
    act(() => result.current.show("confirm", "remoteLock"));
    expect(result.current.shown).toEqual({
      kind: "confirm",
      payload: "remoteLock",
      key: 1,
      open: true,
    });
    act(() => result.current.close());
    expect(result.current.shown).toEqual({
      kind: "confirm",
      payload: "remoteLock",
      key: 1,
      open: false,
    });
    act(() => result.current.show("reveal", 7));
    expect(result.current.shown).toEqual({ kind: "reveal", payload: 7, key: 2, open: true });
  });
});

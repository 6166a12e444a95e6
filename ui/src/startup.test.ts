import { describe, expect, it, vi } from "vitest";

import { reportQuickLockShown } from "./startup";
import { fakeBackend } from "./test/backend";

describe("reportQuickLockShown", () => {
  it("reports once per frame on screen, however many times it is asked before that frame", async () => {
    const startReached = vi.fn(() => Promise.resolve());
    const backend = fakeBackend({ startReached });
    // Mounted while hidden, then opened: both ask before the first frame.
    reportQuickLockShown(backend);
    reportQuickLockShown(backend);
    await vi.waitFor(() => expect(startReached).toHaveBeenCalledTimes(1));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(startReached).toHaveBeenCalledTimes(1);
    // Opened again later: a new report.
    reportQuickLockShown(backend);
    await vi.waitFor(() => expect(startReached).toHaveBeenCalledTimes(2));
    expect(startReached).toHaveBeenCalledWith("quickLockShown");
  });
});

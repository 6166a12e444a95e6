import { describe, expect, it } from "vitest";

import { toErrorReport } from "./index";

describe("toErrorReport", () => {
  it("keeps an ErrorReport from Rust as it is", () => {
    const report = { kind: "storage" as const, message: "Could not use /x.", requestId: "r-1" };
    expect(toErrorReport(report)).toBe(report);
  });

  it("wraps anything else as an internal error that says what to do", () => {
    const report = toErrorReport(new Error("IPC channel closed"));
    expect(report.kind).toBe("internal");
    expect(report.message).toContain("IPC channel closed");
    expect(report.message).toContain("Try again");
    expect(toErrorReport("boom").message).toContain("boom");
  });
});

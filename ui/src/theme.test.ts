import { describe, expect, it } from "vitest";

import { osTheme } from "./theme";

const answering = (matching: string[]) => (query: string) => matching.includes(query);

describe("osTheme", () => {
  it("is light when the OS asks for nothing", () => {
    expect(osTheme(answering([]))).toBe("light");
  });

  it("follows a dark OS", () => {
    expect(osTheme(answering(["(prefers-color-scheme: dark)"]))).toBe("dark");
  });

  it("prefers high contrast over dark", () => {
    expect(osTheme(answering(["(prefers-color-scheme: dark)", "(forced-colors: active)"]))).toBe(
      "highContrast",
    );
    expect(osTheme(answering(["(prefers-contrast: more)"]))).toBe("highContrast");
  });
});

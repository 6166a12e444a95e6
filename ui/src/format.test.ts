import { describe, expect, it } from "vitest";

import { words } from "./format";

describe("words", () => {
  it("says Intune's values as an admin reads them", () => {
    expect(words("noncompliant")).toBe("Not compliant");
    expect(words("inGracePeriod")).toBe("In grace period");
    expect(words("appleBulkWithUser")).toBe("Automated Device Enrollment, with user affinity");
    expect(words("rotateFileVaultKey")).toBe("Rotate FileVault key");
    expect(words("unknownFutureValue")).toBe("Not reported by this Graph version");
  });

  it("splits a value it does not know rather than hiding it", () => {
    expect(words("someNewState")).toBe("Some New State");
    expect(words("")).toBe("—");
  });
});

import { describe, expect, it } from "vitest";

import { groups } from "./RevealDialog";

describe("groups", () => {
  it("keeps a FileVault key in its groups and reads digits in threes", () => {
    expect(groups("fileVaultKey", "ABCD-EFGH-IJKL-MNOP-QRST-UVWX")).toEqual([
      "ABCD",
      "EFGH",
      "IJKL",
      "MNOP",
      "QRST",
      "UVWX",
    ]);
    expect(groups("unlockPin", "482913")).toEqual(["482", "913"]);
    expect(groups("passcode", "8391-2210")).toEqual(["8391-2210"]);
    expect(groups("passcode", "1234")).toEqual(["1234"]);
  });
});

import { describe, expect, it } from "vitest";

import { columnsFor } from "./ResultsTable";

describe("columnsFor", () => {
  it("always keeps name, serial and user, and adds the rest as the table widens", () => {
    const titles = (width: number) => columnsFor(width).map((c) => c.title);
    expect(titles(380)).toEqual(["Name", "Serial", "User"]);
    expect(titles(600)).toEqual(["Name", "Serial", "User", "Platform"]);
    expect(titles(900)).toEqual(["Name", "Serial", "User", "Platform", "Owner", "Check-in"]);
  });
});

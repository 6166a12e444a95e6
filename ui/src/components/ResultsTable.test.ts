import { describe, expect, it } from "vitest";

import { columnsFor, nextSort, tracksFor } from "./ResultsTable";

describe("columnsFor", () => {
  it("always keeps name, serial and user, and adds the rest as the table widens", () => {
    const titles = (width: number) => columnsFor(width).map((c) => c.title);
    expect(titles(380)).toEqual(["Name", "Serial", "User"]);
    expect(titles(600)).toEqual(["Name", "Serial", "User", "Platform"]);
    expect(titles(900)).toEqual(["Name", "Serial", "User", "Platform", "Owner", "Check-in"]);
  });
});

describe("tracksFor", () => {
  it("lets a resized column give way down to its minimum, and something always fills the row", () => {
    const all = columnsFor(900);
    expect(tracksFor(all, {})).toBe("minmax(110px, 2fr) 136px minmax(90px, 1.5fr) 104px 72px 92px");
    expect(tracksFor(all, { Serial: 100, User: 200 })).toBe(
      "minmax(110px, 2fr) minmax(136px, 136px) minmax(90px, 200px) 104px 72px 92px",
    );
    // Every flexible column resized: the last one takes what is left.
    expect(tracksFor(columnsFor(380), { Name: 150, User: 120 })).toBe(
      "minmax(110px, 150px) 136px minmax(90px, 1fr)",
    );
  });
});

describe("nextSort", () => {
  it("goes up, down, then back to best match; another column starts up", () => {
    const up = nextSort(null, "serial");
    expect(up).toEqual({ column: "serial", descending: false });
    const down = nextSort(up, "serial");
    expect(down).toEqual({ column: "serial", descending: true });
    expect(nextSort(down, "serial")).toBeNull();
    expect(nextSort(down, "name")).toEqual({ column: "name", descending: false });
  });
});

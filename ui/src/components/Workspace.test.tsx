import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

import type { Backend, DeviceQuery, DeviceReview, InventoryStatus, Profile } from "../backend";
import { BackendProvider } from "../backend/context";
import {
  fakeBackend,
  mockMediaQueries,
  READY_INVENTORY,
  SAMPLE_SUMMARY,
  sampleDevice,
  sampleReview,
} from "../test/backend";
import { Workspace } from "./Workspace";

const FLEET = [
  sampleDevice(1, { deviceName: "Ada's MacBook Pro", serialNumber: "C02ADA" }),
  sampleDevice(2, { deviceName: "Ben's iPhone", platform: "ios", serialNumber: "F2BEN" }),
  sampleDevice(3, { deviceName: "PC-0003", platform: "windows", serialNumber: "W3" }),
];

function searchFleet(query: DeviceQuery, offset: number, limit: number) {
  const text = (query.text ?? "").toLowerCase();
  const hits = FLEET.filter(
    (d) =>
      (d.deviceName.toLowerCase().includes(text) || d.serialNumber.toLowerCase().includes(text)) &&
      (!query.platforms?.length || query.platforms.includes(d.platform)),
  );
  // Rust orders by the column; enough of it here to see the table follow.
  if (query.sort?.column === "serial") {
    hits.sort((a, b) => a.serialNumber.localeCompare(b.serialNumber));
    if (query.sort.descending) hits.reverse();
  }
  return Promise.resolve({
    source: "inventory" as const,
    page: { total: hits.length, offset, devices: hits.slice(offset, offset + limit) },
  });
}

function details(id: string): Promise<DeviceReview> {
  const device = FLEET.find((d) => d.id === id);
  if (!device)
    return Promise.reject({ kind: "notFound", message: "No device matches.", requestId: null });
  return Promise.resolve(
    sampleReview(device, {
      actionResults: [
        {
          actionName: "remoteLock",
          actionState: "pending",
          started: new Date().toISOString(),
          lastUpdated: null,
          hasSecret: true,
          errorCode: null,
        },
      ],
    }),
  );
}

function renderWorkspace(overrides: Partial<Backend> = {}) {
  const backend = fakeBackend({
    inventoryStatus: () => Promise.resolve(READY_INVENTORY),
    searchDevices: vi.fn(searchFleet),
    reviewDevice: vi.fn(details),
    ...overrides,
  });
  render(
    <BackendProvider backend={backend}>
      <Workspace summary={SAMPLE_SUMMARY} onSignedOut={() => {}} />
    </BackendProvider>,
  );
  return backend;
}

describe("Workspace", () => {
  beforeEach(() => mockMediaQueries([]));

  it("never shows a finished fetch as still running when its answer comes after the event", async () => {
    let tell: (status: InventoryStatus) => void = () => {};
    let answer: (status: InventoryStatus) => void = () => {};
    renderWorkspace({
      inventoryStatus: () => new Promise<InventoryStatus>((resolve) => (answer = resolve)),
      onInventoryChanged: (callback) => {
        tell = callback;
        return () => {};
      },
    });
    act(() => tell(READY_INVENTORY));
    // Read while the tenant was still opening, answered late.
    await act(async () => answer({ ...READY_INVENTORY, count: 0, syncing: true, fetchedAt: null }));
    await waitFor(() =>
      expect(document.getElementById("inventory-status")).toHaveTextContent(/^3 devices/),
    );
    expect(screen.queryByText(/Fetching devices/)).toBeNull();
  });

  it("picks devices with Ctrl+click, Shift+click, Shift+arrow and Space, and acts on them at once", async () => {
    const reviewDevices = vi.fn((_action: string, ids: string[]) =>
      Promise.resolve(
        ids.map((id) => ({
          deviceId: id,
          device: FLEET.find((d) => d.id === id) ?? null,
          verdict: null,
          error: null,
        })),
      ),
    );
    renderWorkspace({ reviewDevices });
    const grid = screen.getByRole("grid", { name: "Matching devices" });
    const row = async (name: string) =>
      (await within(grid).findByText(name)).closest("[role='row']") as HTMLElement;
    const user = userEvent.setup();
    await user.keyboard("{Control>}");
    await user.click(await row("Ada's MacBook Pro"));
    await user.keyboard("{/Control}");
    expect(await screen.findByText("1 picked")).toBeInTheDocument();
    await user.keyboard("{Shift>}");
    await user.click(await row("PC-0003"));
    await user.keyboard("{/Shift}");
    expect(await screen.findByText("3 picked")).toBeInTheDocument();
    // Space on the row in focus puts it out of the pick again.
    grid.focus();
    await user.keyboard(" ");
    expect(await screen.findByText("2 picked")).toBeInTheDocument();
    // Shift+arrow extends the pick from the row in focus.
    await user.keyboard("{Shift>}{ArrowUp}{/Shift}");
    expect(await screen.findByText("3 picked")).toBeInTheDocument();
    await user.keyboard(" ");
    expect(await screen.findByText("2 picked")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Act on them…" }));
    const dialog = await screen.findByRole("alertdialog", { hidden: true });
    expect(within(dialog).getByRole("heading", { hidden: true })).toHaveTextContent(
      "2 devices picked",
    );
    await user.click(
      within(dialog).getByRole("button", { name: /Review 2 devices/, hidden: true }),
    );
    // Ada's Mac by Ctrl+click; Ben's iPhone out again by Space; the PC back in by Shift+arrow.
    expect(reviewDevices).toHaveBeenCalledWith("remoteLock", [FLEET[0]!.id, FLEET[2]!.id]);
  });

  it("picks every device shown in one go, and clears the pick", async () => {
    renderWorkspace();
    await userEvent.click(await screen.findByRole("button", { name: "Pick all 3" }));
    expect(await screen.findByText("3 picked")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Clear" }));
    expect(await screen.findByRole("button", { name: "Pick all 3" })).toBeInTheDocument();
  });

  it("sorts by a column when its header is chosen: up, down, then best match again", async () => {
    const backend = renderWorkspace();
    const grid = screen.getByRole("grid", { name: "Matching devices" });
    await within(grid).findByText("Ada's MacBook Pro");
    const names = () =>
      within(grid)
        .getAllByRole("row")
        .slice(1)
        .map((row) => within(row).getAllByRole("gridcell")[0]?.textContent);
    const serial = within(grid).getByRole("columnheader", { name: /Serial/ });
    expect(serial).toHaveAttribute("aria-sort", "none");

    await userEvent.click(within(serial).getByRole("button"));
    await waitFor(() => expect(serial).toHaveAttribute("aria-sort", "ascending"));
    expect(backend.searchDevices).toHaveBeenLastCalledWith(
      expect.objectContaining({ sort: { column: "serial", descending: false } }),
      0,
      expect.any(Number),
    );
    await waitFor(() => expect(names()).toEqual(["Ada's MacBook Pro", "Ben's iPhone", "PC-0003"]));

    await userEvent.click(within(serial).getByRole("button"));
    await waitFor(() => expect(names()).toEqual(["PC-0003", "Ben's iPhone", "Ada's MacBook Pro"]));
    expect(serial).toHaveAttribute("aria-sort", "descending");

    await userEvent.click(within(serial).getByRole("button"));
    await waitFor(() => expect(serial).toHaveAttribute("aria-sort", "none"));
    expect(backend.searchDevices).toHaveBeenLastCalledWith(
      expect.objectContaining({ sort: null }),
      0,
      expect.any(Number),
    );
  });

  it("resizes a column from the keyboard, keeps the width, and goes back to the default", async () => {
    localStorage.clear();
    renderWorkspace();
    const grid = screen.getByRole("grid", { name: "Matching devices" });
    await within(grid).findByText("Ada's MacBook Pro");
    const handle = within(grid).getByRole("separator", { name: "Resize User" });
    const header = within(grid).getAllByRole("row")[0];
    handle.focus();
    await userEvent.keyboard("{ArrowRight}");
    // jsdom lays nothing out, so the width starts from the column's minimum.
    expect(header?.style.gridTemplateColumns).toContain("minmax(90px, 100px)");
    expect(JSON.parse(localStorage.getItem("intune-actions.column-widths") ?? "{}")).toEqual({
      User: 100,
    });
    await userEvent.keyboard("{Home}");
    expect(header?.style.gridTemplateColumns).toContain("minmax(90px, 1.5fr)");
  });

  it("types a serial, opens the device with Enter and shows its live details", async () => {
    const backend = renderWorkspace();
    const search = screen.getByRole("searchbox", { name: "Search devices" });
    await userEvent.type(search, "c02ada");
    await waitFor(() => expect(screen.getByText("1 device")).toBeInTheDocument());
    const grid = screen.getByRole("grid", { name: "Matching devices" });
    expect(await within(grid).findByText("Ada's MacBook Pro")).toBeInTheDocument();
    await userEvent.keyboard("{Enter}");
    const panel = await screen.findByRole("region", { name: "Ada's MacBook Pro" });
    expect(backend.reviewDevice).toHaveBeenCalledWith(FLEET[0]?.id);
    expect(within(panel).getByText("C02ADA")).toBeInTheDocument();
    expect(await within(panel).findByText("Remote lock")).toBeInTheDocument();
    expect(within(panel).getByText("Pending")).toBeInTheDocument();
  });

  it("opens the first match of an Enter pressed before the search answered", async () => {
    let answer: () => void = () => {};
    renderWorkspace({
      searchDevices: vi.fn((query: DeviceQuery, offset: number, limit: number) =>
        query.text === "c02ada"
          ? new Promise<Awaited<ReturnType<typeof searchFleet>>>((resolve) => {
              answer = () => resolve(searchFleet(query, offset, limit));
            })
          : searchFleet(query, offset, limit),
      ),
    });
    const search = screen.getByRole("searchbox", { name: "Search devices" });
    await userEvent.type(search, "c02ada{Enter}");
    expect(screen.queryByRole("region", { name: "Ada's MacBook Pro" })).not.toBeInTheDocument();
    await act(async () => answer());
    expect(await screen.findByRole("region", { name: "Ada's MacBook Pro" })).toBeInTheDocument();
  });

  it("moves through the results with the keyboard", async () => {
    renderWorkspace();
    await waitFor(() => expect(screen.getByText("3 devices")).toBeInTheDocument());
    const search = screen.getByRole("searchbox", { name: "Search devices" });
    await userEvent.click(search);
    await userEvent.keyboard("{ArrowDown}");
    const grid = screen.getByRole("grid", { name: "Matching devices" });
    expect(grid).toHaveFocus();
    await userEvent.keyboard("{End}");
    expect(grid).toHaveAttribute("aria-activedescendant", "device-row-2");
    await userEvent.keyboard("{ArrowUp}{Enter}");
    expect(await screen.findByRole("region", { name: "Ben's iPhone" })).toBeInTheDocument();
  });

  it("shows the fetch progress and then the device count and age", async () => {
    let push: (s: InventoryStatus) => void = () => {};
    renderWorkspace({
      inventoryStatus: () =>
        Promise.resolve({ ...READY_INVENTORY, count: 0, fetchedAt: null, syncing: true }),
      onInventoryChanged: (cb) => {
        push = cb;
        return () => {};
      },
    });
    expect(await screen.findByText(/Fetching devices/)).toBeInTheDocument();
    push({ ...READY_INVENTORY, syncing: true, fetchedSoFar: 1000, totalExpected: 2500 });
    expect(await screen.findByText("Fetching devices… 1,000 of 2,500")).toBeInTheDocument();
    push({ ...READY_INVENTORY, count: 2500 });
    expect(await screen.findByText(/2,500 devices · updated just now/)).toBeInTheDocument();
  });

  it("says plainly when a search or a device read fails", async () => {
    renderWorkspace({
      searchDevices: () =>
        Promise.reject({
          kind: "invalidInput",
          message: "The search text is not valid: it is 5000 characters long.",
          requestId: null,
        }),
    });
    expect(await screen.findByText(/5000 characters long/)).toBeInTheDocument();
  });

  it("shows Graph's request ID when reading a device fails", async () => {
    renderWorkspace({
      reviewDevice: () =>
        Promise.reject({
          kind: "permissionDenied",
          message: "Microsoft Graph answered 403.",
          requestId: "req-42",
        }),
    });
    await waitFor(() => expect(screen.getByText("3 devices")).toBeInTheDocument());
    await userEvent.click(await screen.findByText("PC-0003"));
    expect(
      await screen.findByText(/Microsoft Graph answered 403\. \(request ID req-42\)/),
    ).toBeInTheDocument();
  });

  it("shows the audit in its own tab and keeps the open device for the way back", async () => {
    renderWorkspace({
      auditEntries: () => Promise.resolve({ entries: [], repeated: [], file: "/tmp/audit.jsonl" }),
    });
    await waitFor(() => expect(screen.getByText("3 devices")).toBeInTheDocument());
    await userEvent.click(await screen.findByText("PC-0003"));
    await screen.findByRole("region", { name: "PC-0003" });
    await userEvent.click(screen.getByRole("tab", { name: "Audit" }));
    expect(await screen.findByText(/No entry yet/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole("tab", { name: "Devices" }));
    expect(screen.getByRole("region", { name: "PC-0003" })).toBeVisible();
  });

  it("switches profile from the account menu, and says why when it cannot", async () => {
    const switchProfile = vi.fn().mockRejectedValueOnce({
      kind: "signInRequired",
      message:
        'The sign-in is no longer valid (profile "Contoso" is not signed in). Sign in again.',
      requestId: null,
    });
    renderWorkspace({
      profileChoices: () =>
        Promise.resolve([
          { name: "Contoso", current: false, isDemo: false },
          { name: "Demo tenant", current: true, isDemo: true },
        ]),
      switchProfile,
    });
    await userEvent.click(screen.getByRole("button", { name: "Avery Admin" }));
    expect(await screen.findByText("Switch profile")).toBeInTheDocument();
    expect(screen.queryByRole("menuitem", { name: "Demo tenant" })).toBeNull();
    await userEvent.click(screen.getByRole("menuitem", { name: "Contoso" }));
    expect(switchProfile).toHaveBeenCalledWith("Contoso");
    expect(await screen.findByText(/profile "Contoso" is not signed in/)).toBeInTheDocument();
  });

  it("signs out from the account menu", async () => {
    const signOut = vi.fn(() => Promise.resolve());
    renderWorkspace({ signOut });
    await userEvent.click(screen.getByRole("button", { name: "Avery Admin" }));
    expect(await screen.findByText("Profile: Demo tenant")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("menuitem", { name: "Sign out" }));
    expect(signOut).toHaveBeenCalledOnce();
  });

  it("adds a tenant from the account menu without signing out, and closes once signed in", async () => {
    const signIn = vi.fn(() => Promise.resolve(SAMPLE_SUMMARY));
    const addProfile = vi.fn((p: Profile) => Promise.resolve([p]));
    renderWorkspace({ signIn, addProfile, savedProfiles: () => Promise.resolve([]) });
    await userEvent.click(screen.getByRole("button", { name: "Avery Admin" }));
    await userEvent.click(await screen.findByRole("menuitem", { name: "Add a tenant…" }));
    // (`hidden`: under jsdom, Fluent's focus manager can leave a dialog aria-hidden, which also
    // hides its title from the name computation; a browser does not.)
    const dialog = await screen.findByRole("dialog", { hidden: true });
    expect(within(dialog).getByRole("heading", { hidden: true })).toHaveTextContent("Add a tenant");
    const name = within(dialog).getByRole("textbox", { name: /Name/, hidden: true });
    await userEvent.type(name, "Fabrikam");
    await userEvent.type(
      within(dialog).getByRole("textbox", { name: /Tenant ID/, hidden: true }),
      "fabrikam.com",
    );
    await userEvent.click(
      within(dialog).getByRole("button", {
        name: /Use Microsoft Graph Command Line Tools/,
        hidden: true,
      }),
    );
    await userEvent.click(
      within(dialog).getByRole("button", { name: "Add and sign in", hidden: true }),
    );
    expect(addProfile).toHaveBeenCalledWith(expect.objectContaining({ name: "Fabrikam" }));
    expect(signIn).toHaveBeenCalledWith("Fabrikam", false);
    await vi.waitFor(() => expect(screen.queryByRole("dialog", { hidden: true })).toBeNull());
  });

  it("lists a send cut off before its answer, opens its device, and forgets it once checked", async () => {
    const ada = sampleDevice(1, { deviceName: "Ada's MacBook Pro", serialNumber: "C02ADA" });
    const settleInterrupted = vi.fn(() => Promise.resolve());
    renderWorkspace({
      interruptedRequests: () =>
        Promise.resolve([
          {
            seq: 4,
            time: "2026-11-30T09:00:00Z",
            event: "sending",
            subject: "remoteLock",
            deviceId: ada.id,
            deviceName: ada.deviceName,
            account: "it.admin@contoso.com",
            tenant: "contoso",
            justification: null,
            outcome: "sending",
            detail: null,
            requestId: null,
            clientRequestId: "crid-4",
            prev: "a",
            hash: "b",
          },
        ]),
      settleInterrupted,
    });
    expect(await screen.findByText("Interrupted: check whether it arrived")).toBeVisible();
    expect(screen.getByText(/Nothing was sent again/)).toBeVisible();
    await userEvent.click(screen.getByRole("button", { name: "Open device" }));
    expect(await screen.findByRole("heading", { name: ada.deviceName })).toBeVisible();
    await userEvent.click(screen.getByRole("button", { name: "I checked it" }));
    expect(settleInterrupted).toHaveBeenCalledWith("crid-4");
    await waitFor(() =>
      expect(screen.queryByText("Interrupted: check whether it arrived")).toBeNull(),
    );
  });

  it("goes to the search with Ctrl+F or / from anywhere", async () => {
    renderWorkspace();
    const search = screen.getByRole("searchbox", { name: "Search devices" });
    search.blur();
    expect(search).not.toHaveFocus();
    await userEvent.keyboard("/");
    expect(search).toHaveFocus();
    expect(search).toHaveValue("");
    search.blur();
    await userEvent.keyboard("{Control>}f{/Control}");
    expect(search).toHaveFocus();
  });

  it("offers a stopped run above the list and opens its resume in the window's run dialog", async () => {
    renderWorkspace({
      stoppedRuns: () =>
        Promise.resolve([
          {
            id: "3f1c6a52-9d7e-4b1a-8c2d-5e6f7a8b9c0d",
            action: "remoteLock",
            account: "ada@contoso.com",
            started: "2026-11-30T09:00:00Z",
            ended: null,
            status: "interrupted",
            devices: 55,
            queued: 12,
            blocked: 0,
            failed: 0,
            unknown: 0,
            cancelled: 0,
            left: 42,
            inFlight: 1,
          },
        ]),
    });
    await userEvent.click(await screen.findByRole("button", { name: "Resume…" }));
    const dialog = await screen.findByRole("alertdialog", { hidden: true });
    expect(
      within(dialog).getByRole("button", { name: /Resume: 42 devices/, hidden: true }),
    ).toBeDisabled();
  });
});

import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

import type { AuditEntry, AuditView, Backend } from "../backend";
import { BackendProvider } from "../backend/context";
import { fakeBackend, mockMediaQueries } from "../test/backend";
import { AuditPanel } from "./AuditPanel";

const ENTRY: AuditEntry = {
  seq: 1,
  time: "2026-11-23T10:00:00.000Z",
  event: "reveal",
  subject: "unlockPin",
  deviceId: "dev-1",
  deviceName: "MAC-ADA-001",
  account: "admin@contoso.com",
  tenant: "contoso",
  justification: "INC-7 verified by phone",
  outcome: "shown",
  detail: "Read from keychain.",
  requestId: null,
  clientRequestId: null,
  prev: "0",
  hash: "abc",
};

function renderAudit(overrides: Partial<Backend> = {}) {
  const view: AuditView = {
    entries: [ENTRY],
    repeated: [{ deviceId: "dev-1", deviceName: "MAC-ADA-001", count: 3, last: ENTRY.time }],
    file: "/home/admin/.local/share/x/audit/1.jsonl",
  };
  const backend = fakeBackend({
    auditEntries: vi.fn(() => Promise.resolve(view)),
    ...overrides,
  });
  render(
    <BackendProvider backend={backend}>
      <AuditPanel />
    </BackendProvider>,
  );
  return backend;
}

describe("AuditPanel", () => {
  beforeEach(() => mockMediaQueries([]));

  it("lists entries, warns about repeated reveals and searches through Rust", async () => {
    const backend = renderAudit();
    expect(await screen.findByText("INC-7 verified by phone")).toBeVisible();
    expect(screen.getByText(/revealed 3 times in the last 7 days/)).toBeVisible();
    await userEvent.type(screen.getByRole("textbox", { name: "Search the audit" }), "ada");
    await waitFor(() =>
      expect(backend.auditEntries).toHaveBeenLastCalledWith({
        text: "ada",
        event: null,
        since: null,
      }),
    );
  });

  it("says whether the chain is intact, and where it was broken", async () => {
    const verifyAudit = vi
      .fn()
      .mockResolvedValueOnce({ intact: true, entries: 4, head: "h", brokenAt: null, problem: null })
      .mockResolvedValueOnce({
        intact: false,
        entries: 1,
        head: "h",
        brokenAt: 2,
        problem: "its content was changed after it was written",
      });
    renderAudit({ verifyAudit });
    await userEvent.click(await screen.findByRole("button", { name: "Verify" }));
    expect(await screen.findByText(/Intact: 4 entries/)).toBeVisible();
    await userEvent.click(screen.getByRole("button", { name: "Verify" }));
    expect(
      await screen.findByText(/Tampered with at entry 2: its content was changed/),
    ).toBeVisible();
  });

  it("exports to the file the admin chose and says where; a closed dialog says nothing", async () => {
    const exportAudit = vi
      .fn()
      .mockResolvedValueOnce(null)
      .mockResolvedValueOnce("/home/admin/Downloads/audit.csv");
    renderAudit({ exportAudit });
    const button = await screen.findByRole("button", { name: "Export CSV…" });
    await userEvent.click(button);
    await vi.waitFor(() => expect(exportAudit).toHaveBeenCalledOnce());
    expect(screen.queryByText(/Exported to/)).toBeNull();
    await userEvent.click(button);
    expect(await screen.findByText("Exported to /home/admin/Downloads/audit.csv")).toBeVisible();
  });
});

import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

import type { RunSummary } from "../backend";
import { BackendProvider } from "../backend/context";
import { fakeBackend, mockMediaQueries } from "../test/backend";
import { ManyDevicesHost } from "./actions/ManyDevicesHost";
import { StoppedRuns } from "./StoppedRuns";

const RUN: RunSummary = {
  id: "3f1c6a52-9d7e-4b1a-8c2d-5e6f7a8b9c0d",
  action: "remoteLock",
  account: "ada@contoso.com",
  started: "2026-11-30T09:00:00Z",
  ended: null,
  status: "interrupted",
  devices: 1000,
  queued: 340,
  blocked: 0,
  failed: 0,
  unknown: 0,
  cancelled: 0,
  left: 658,
  inFlight: 2,
};

describe("StoppedRuns", () => {
  beforeEach(() => mockMediaQueries([]));

  it("offers a stopped run at start, resumes it in the many-device dialog, or sets it aside", async () => {
    const backend = fakeBackend({
      stoppedRuns: vi.fn(() => Promise.resolve([RUN])),
      setRunAside: vi.fn(() => Promise.resolve()),
    });
    render(
      <BackendProvider backend={backend}>
        <ManyDevicesHost>
          <StoppedRuns />
        </ManyDevicesHost>
      </BackendProvider>,
    );
    expect(
      await screen.findByText("Remote lock of 1,000 devices stopped before its end"),
    ).toBeInTheDocument();
    expect(screen.getByText(/340 sent, 660 not finished/)).toBeInTheDocument();

    await userEvent.click(screen.getByRole("button", { name: "Resume…" }));
    const dialog = await screen.findByRole("alertdialog", { hidden: true });
    expect(
      within(dialog).getByRole("button", { name: /Resume: 658 devices/, hidden: true }),
    ).toBeDisabled();
    await userEvent.click(within(dialog).getByRole("button", { name: "Not now", hidden: true }));
    expect(backend.stoppedRuns).toHaveBeenCalledTimes(2);

    await userEvent.click(await screen.findByRole("button", { name: "Set aside" }));
    expect(backend.setRunAside).toHaveBeenCalledWith(RUN.id);
    await vi.waitFor(() =>
      expect(screen.queryByText(/stopped before its end/)).not.toBeInTheDocument(),
    );
  });
});

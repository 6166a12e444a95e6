import { act, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

import type { Backend, DeviceOutcome, RunSummary } from "../../backend";
import { BackendProvider } from "../../backend/context";
import { fakeBackend, mockMediaQueries, sampleDevice } from "../../test/backend";
import { ManyDevicesHost, useManyDevices } from "./ManyDevicesHost";

const RUN: RunSummary = {
  id: "3f1c6a52-9d7e-4b1a-8c2d-5e6f7a8b9c0d",
  action: "remoteLock",
  account: "ada@contoso.com",
  started: "2026-11-30T09:00:00Z",
  ended: null,
  status: "interrupted",
  devices: 3,
  queued: 1,
  blocked: 0,
  failed: 0,
  unknown: 0,
  cancelled: 0,
  left: 2,
  inFlight: 0,
};

function Opener() {
  const open = useManyDevices();
  return (
    <>
      <button onClick={() => open({ resume: RUN })}>Open the run</button>
      <button onClick={() => open({})}>Open a new list</button>
    </>
  );
}

describe("ManyDevicesHost", () => {
  beforeEach(() => mockMediaQueries([]));

  it("keeps a run going while the admin works, in a chip that brings it back", async () => {
    let tell: (o: DeviceOutcome) => void = () => {};
    type Report = Awaited<ReturnType<Backend["resumeRun"]>>;
    let finish: (report: Report) => void = () => {};
    const backend = fakeBackend({
      resumeRun: vi.fn(() => new Promise<Report>((resolve) => (finish = resolve))),
      onDeviceSent: (callback) => {
        tell = callback;
        return () => {};
      },
    });
    render(
      <BackendProvider backend={backend}>
        <ManyDevicesHost>
          <Opener />
        </ManyDevicesHost>
      </BackendProvider>,
    );
    await userEvent.click(screen.getByRole("button", { name: "Open the run" }));
    let dialog = await screen.findByRole("alertdialog", { hidden: true });
    await userEvent.click(within(dialog).getByRole("button", { name: /Resume: 2 devices/ }));
    const device = sampleDevice(1, { deviceName: "iPhone 1" });
    act(() =>
      tell({
        deviceId: device.id,
        deviceName: device.deviceName,
        state: "queued",
        message: "Sent.",
        error: null,
        verdict: null,
        requestId: null,
        clientRequestId: null,
        reconciled: false,
        baseline: null,
      }),
    );
    await userEvent.click(await within(dialog).findByRole("button", { name: "Keep working" }));
    await vi.waitFor(() =>
      expect(screen.queryByRole("alertdialog", { hidden: true })).not.toBeInTheDocument(),
    );
    expect(await screen.findByRole("button", { name: /Remote lock: 1 of 3…/ })).toBeVisible();

    // Another list while the run goes on: the run comes forward instead.
    await userEvent.click(screen.getByRole("button", { name: "Open a new list" }));
    dialog = await screen.findByRole("alertdialog", { hidden: true });
    expect(within(dialog).getByText(/1 of 3 sent or settled/)).toBeInTheDocument();
    await userEvent.click(
      within(dialog).getByRole("button", { name: "Keep working", hidden: true }),
    );
    expect(await screen.findByRole("button", { name: /Remote lock: 1 of 3…/ })).toBeVisible();

    await act(async () =>
      finish({
        runId: RUN.id,
        action: "remoteLock",
        outcomes: [],
        queued: 3,
        blocked: 0,
        failed: 0,
        unknown: 0,
        cancelled: 0,
      }),
    );
    await userEvent.click(
      await screen.findByRole("button", { name: "Remote lock: Done: 3 sent." }),
    );
    dialog = await screen.findByRole("alertdialog", { hidden: true });
    await userEvent.click(within(dialog).getByRole("button", { name: "Close", hidden: true }));
    await vi.waitFor(() =>
      expect(screen.queryByRole("button", { name: /Remote lock:/ })).toBeNull(),
    );
  });
});

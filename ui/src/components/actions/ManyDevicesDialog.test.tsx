import { act, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

import type { Backend, DeviceOutcome, ListMatch, ReviewRow } from "../../backend";
import { BackendProvider } from "../../backend/context";
import { fakeBackend, mockMediaQueries, sampleDevice, sampleVerdict } from "../../test/backend";
import { countVerdicts, duration, ManyDevicesDialog, toSend } from "./ManyDevicesDialog";

// Twelve iPhones: 10 ready, 1 with a warning, 1 blocked.
const FLEET = Array.from({ length: 12 }, (_, i) =>
  sampleDevice(i + 1, { deviceName: `iPhone ${i + 1}`, serialNumber: `SER${i + 1}` }),
);
const readiness = (i: number) => (i === 10 ? "warning" : i === 11 ? "blocked" : "ready");
const ROWS: ReviewRow[] = FLEET.map((device, i) => ({
  deviceId: device.id,
  device,
  verdict: sampleVerdict("remoteLock", readiness(i), {}, [
    ...(i === 10
      ? [
          {
            rule: "stale",
            severity: "warning" as const,
            text: "Last checked in 40 days ago.",
            fix: null,
            sources: [],
            disagreement: null,
          },
        ]
      : []),
  ]),
  error: null,
}));
const MATCHED: ListMatch = {
  matched: FLEET.map((device, i) => ({ line: i + 2, text: device.serialNumber, device })),
  repeated: [{ line: 14, text: "SER1", deviceId: FLEET[0]!.id, firstLine: 2 }],
  ambiguous: [],
  unmatched: [{ line: 15, text: "NOPE" }],
  header: "Serial number",
};

function outcome(i: number): DeviceOutcome {
  return {
    deviceId: FLEET[i]!.id,
    deviceName: FLEET[i]!.deviceName,
    state: "queued",
    message: "Remote lock: Intune accepted it.",
    error: null,
    verdict: null,
    requestId: `req-${i}`,
    clientRequestId: `cli-${i}`,
    reconciled: false,
    baseline: null,
  };
}

function renderDialog(overrides: Partial<Backend> = {}) {
  const backend = fakeBackend({
    matchDeviceList: vi.fn(() => Promise.resolve(MATCHED)),
    reviewDevices: vi.fn(() => Promise.resolve(ROWS)),
    ...overrides,
  });
  render(
    <BackendProvider backend={backend}>
      <ManyDevicesDialog open onClose={() => {}} />
    </BackendProvider>,
  );
  return backend;
}

describe("ManyDevicesDialog", () => {
  beforeEach(() => mockMediaQueries([]));

  it("says how long a run takes at Intune's pace, in minutes and seconds", async () => {
    expect(duration(45)).toBe("45 s");
    expect(duration(80)).toBe("1 min 20 s");
    expect(duration(120)).toBe("2 min");
    const many: ReviewRow[] = Array.from({ length: 450 }, (_, i) => ({
      ...ROWS[0]!,
      deviceId: `id-${i}`,
    }));
    renderDialog({ reviewDevices: vi.fn(() => Promise.resolve(many)) });
    const dialog = await screen.findByRole("alertdialog", { hidden: true });
    await userEvent.type(
      within(dialog).getByRole("textbox", { name: /Serial numbers/, hidden: true }),
      "SER1",
    );
    await userEvent.click(
      within(dialog).getByRole("button", { name: "Match the list", hidden: true }),
    );
    await userEvent.click(
      await within(dialog).findByRole("button", { name: /Review 12 devices/, hidden: true }),
    );
    expect(
      await within(dialog).findByText(/Intune takes 200 of these every 20 s: about 40 s/),
    ).toBeInTheDocument();
  });

  it("counts verdicts and never sends a blocked device", () => {
    expect(countVerdicts(ROWS)).toEqual({ ready: 10, warning: 1, blocked: 1, unreadable: 0 });
    expect(toSend(ROWS, false)).toHaveLength(11);
    expect(toSend(ROWS, true)).toHaveLength(10);
    expect(toSend(ROWS, true).some((r) => r.verdict?.readiness === "blocked")).toBe(false);
  });

  it("matches a pasted list, reviews it, asks for the typed count, and shows each outcome as it comes", async () => {
    let tell: (o: DeviceOutcome) => void = () => {};
    type Report = Awaited<ReturnType<Backend["sendAction"]>>;
    let finish: (report: Report) => void = () => {};
    const backend = renderDialog({
      onDeviceSent: (callback) => {
        tell = callback;
        return () => {};
      },
      sendAction: vi.fn(() => new Promise<Report>((resolve) => (finish = resolve))),
      exportLastRun: vi.fn(() => Promise.resolve("/home/it/Downloads/run.csv")),
    });
    const dialog = await screen.findByRole("alertdialog", { hidden: true });
    const list = within(dialog).getByRole("textbox", { name: /Serial numbers/, hidden: true });
    await vi.waitFor(() => expect(list).toHaveFocus());
    await userEvent.type(list, "Serial number{Enter}SER1{Enter}NOPE");
    await userEvent.click(
      within(dialog).getByRole("button", { name: "Match the list", hidden: true }),
    );
    expect(backend.matchDeviceList).toHaveBeenCalledWith("Serial number\nSER1\nNOPE");
    // What matched, what repeated and what matched nothing, before anything else.
    expect(await within(dialog).findByText(/12 devices matched/)).toBeInTheDocument();
    expect(
      within(dialog).getByText(/Line 14 "SER1": the same device as line 2/),
    ).toBeInTheDocument();
    expect(within(dialog).getByText(/Line 15 "NOPE": matches no device/)).toBeInTheDocument();

    await userEvent.click(
      within(dialog).getByRole("button", { name: "Review 12 devices", hidden: true }),
    );
    expect(backend.reviewDevices).toHaveBeenCalledWith(
      "remoteLock",
      FLEET.map((d) => d.id),
    );
    expect(await within(dialog).findByText("10 ready")).toBeInTheDocument();
    expect(within(dialog).getByText("1 with warnings")).toBeInTheDocument();
    expect(within(dialog).getByText("1 blocked (never sent)")).toBeInTheDocument();
    const send = within(dialog).getByRole("button", {
      name: /Remote lock: 11 devices/,
      hidden: true,
    });
    // Leaving out the warned one: ten devices, no number to type.
    const leaveOut = within(dialog).getByRole("checkbox", {
      name: "Leave out the 1 with warnings",
      hidden: true,
    });
    await userEvent.click(leaveOut);
    expect(
      within(dialog).getByRole("button", { name: /Remote lock: 10 devices/, hidden: true }),
    ).toBeEnabled();
    expect(within(dialog).queryByRole("textbox", { name: /to confirm/, hidden: true })).toBeNull();
    await userEvent.click(leaveOut);
    // More than ten: the number must be typed, and only the right one does.
    expect(send).toBeDisabled();
    const typed = within(dialog).getByRole("textbox", { name: /Type 11 to confirm/, hidden: true });
    await userEvent.type(typed, "10");
    expect(send).toBeDisabled();
    await userEvent.clear(typed);
    await userEvent.type(typed, "11");
    await userEvent.click(send);
    expect(backend.sendAction).toHaveBeenCalledWith({
      action: "remoteLock",
      devices: FLEET.slice(0, 11).map((d) => d.id),
      justification: null,
      overrideUnusedPin: false,
    });
    act(() => tell(outcome(0)));
    act(() => tell(outcome(1)));
    expect(await within(dialog).findByText(/2 of 11 sent or settled/)).toBeInTheDocument();
    await act(async () =>
      finish({
        action: "remoteLock",
        outcomes: Array.from({ length: 10 }, (_, i) => outcome(i)),
        queued: 10,
        blocked: 0,
        failed: 0,
        unknown: 0,
      }),
    );
    expect(await within(dialog).findByText(/Done: 10 sent, 0 blocked/)).toBeInTheDocument();
    // The run as CSV, written by Rust where the admin chose.
    await userEvent.click(
      within(dialog).getByRole("button", { name: "Export CSV…", hidden: true }),
    );
    expect(backend.exportLastRun).toHaveBeenCalledOnce();
    expect(
      await within(dialog).findByText("Saved to /home/it/Downloads/run.csv"),
    ).toBeInTheDocument();
  });
});

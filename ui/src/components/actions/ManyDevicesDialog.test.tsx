import { act, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

import type { Backend, DeviceOutcome, ListMatch, ReviewRow, RunSummary } from "../../backend";
import { BackendProvider } from "../../backend/context";
import { fakeBackend, mockMediaQueries, sampleDevice, sampleVerdict } from "../../test/backend";
import {
  countVerdicts,
  doneSummary,
  duration,
  filterOutcomes,
  ManyDevicesDialog,
  toSend,
} from "./ManyDevicesDialog";

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

/** A serial pasted, matched (the fake matches the whole fleet) and reviewed; the dialog. */
async function pasteAndReview() {
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
  return dialog;
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
    const dialog = await pasteAndReview();
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
        runId: "run-1",
        cancelled: 0,
        action: "remoteLock",
        outcomes: Array.from({ length: 10 }, (_, i) => outcome(i)),
        queued: 10,
        blocked: 0,
        failed: 0,
        unknown: 0,
      }),
    );
    expect(await within(dialog).findByText(/Done: 10 sent\./)).toBeInTheDocument();
    // The run as CSV, written by Rust where the admin chose.
    await userEvent.click(
      within(dialog).getByRole("button", { name: "Export CSV…", hidden: true }),
    );
    expect(backend.exportLastRun).toHaveBeenCalledOnce();
    expect(
      await within(dialog).findByText("Saved to /home/it/Downloads/run.csv"),
    ).toBeInTheDocument();
  });

  it("filters the results by outcome and by text, and sums up only what happened", () => {
    const all: DeviceOutcome[] = [
      outcome(0),
      { ...outcome(1), state: "failed", message: "Intune refused it: 403" },
      { ...outcome(2), state: "unknown", message: "No answer came back." },
      { ...outcome(3), state: "cancelled", deviceName: "", message: "Not sent: cancelled." },
    ];
    expect(filterOutcomes(all, "all", "")).toHaveLength(4);
    expect(filterOutcomes(all, "failed", "").map((o) => o.deviceId)).toEqual([FLEET[1]!.id]);
    expect(filterOutcomes(all, "all", "IPHONE 3").map((o) => o.deviceId)).toEqual([FLEET[2]!.id]);
    expect(filterOutcomes(all, "all", "403")).toHaveLength(1);
    expect(filterOutcomes(all, "queued", "403")).toHaveLength(0);
    const report = {
      runId: "r",
      action: "remoteLock" as const,
      outcomes: all,
      queued: 1,
      blocked: 0,
      failed: 1,
      unknown: 1,
      cancelled: 1,
    };
    expect(doneSummary(report)).toBe(
      "Stopped: 1 sent, 1 refused, 1 unknown, 1 not sent (cancelled).",
    );
    expect(doneSummary({ ...report, failed: 0, unknown: 0, cancelled: 0 })).toBe("Done: 1 sent.");
  });

  it("pauses, goes on and stops sending through Rust while the run shows where it stands", async () => {
    let tell: (o: DeviceOutcome) => void = () => {};
    let follow: Parameters<Backend["onActionProgress"]>[0] = () => {};
    type Report = Awaited<ReturnType<Backend["sendAction"]>>;
    let finish: (report: Report) => void = () => {};
    const backend = renderDialog({
      onDeviceSent: (callback) => {
        tell = callback;
        return () => {};
      },
      sendAction: vi.fn(() => new Promise<Report>((resolve) => (finish = resolve))),
      controlRun: vi.fn(() => Promise.resolve()),
      onActionProgress: (callback) => {
        follow = callback;
        return () => {};
      },
    });
    const dialog = await pasteAndReview();
    await userEvent.click(
      await within(dialog).findByRole("checkbox", { name: /Leave out the 1/, hidden: true }),
    );
    await userEvent.click(
      within(dialog).getByRole("button", { name: /Remote lock: 10 devices/, hidden: true }),
    );
    act(() => tell(outcome(0)));
    expect(await within(dialog).findByText(/About .* left at Intune's pace/)).toBeInTheDocument();
    // The devices not settled yet wait in the list; a sent one says when the device did it.
    const rows = () =>
      within(within(dialog).getByRole("table", { name: "Each device's outcome", hidden: true }))
        .getAllByRole("row", { hidden: true })
        .map((r) => r.textContent);
    expect(rows().filter((r) => r?.includes("Waiting"))).toHaveLength(9);
    act(() =>
      follow({
        deviceId: FLEET[0]!.id,
        deviceName: FLEET[0]!.deviceName,
        action: "remoteLock",
        result: {
          actionName: "remoteLock",
          actionState: "done",
          started: null,
          lastUpdated: null,
          hasSecret: false,
          errorCode: null,
        },
        finished: true,
        pinKept: false,
        message: "Done.",
      }),
    );
    expect(await within(dialog).findByText("Done on the device")).toBeInTheDocument();
    expect(within(dialog).getByText(/the run goes on in the tray/)).toBeInTheDocument();

    await userEvent.click(within(dialog).getByRole("button", { name: "Pause", hidden: true }));
    expect(backend.controlRun).toHaveBeenLastCalledWith("paused");
    expect(await within(dialog).findByText(/Paused: devices under way finish/)).toBeInTheDocument();
    await userEvent.click(within(dialog).getByRole("button", { name: "Go on", hidden: true }));
    expect(backend.controlRun).toHaveBeenLastCalledWith("going");
    await userEvent.click(
      within(dialog).getByRole("button", { name: "Stop sending", hidden: true }),
    );
    expect(backend.controlRun).toHaveBeenLastCalledWith("cancelled");
    expect(await within(dialog).findByText(/Cancelling: nothing more is sent/)).toBeInTheDocument();
    expect(
      within(dialog).getByRole("button", { name: "Stop sending", hidden: true }),
    ).toBeDisabled();

    const cancelled = Array.from({ length: 9 }, (_, i) => ({
      ...outcome(i + 1),
      state: "cancelled" as const,
      message: "Not sent: the run was cancelled before this device.",
    }));
    await act(async () =>
      finish({
        runId: "run-1",
        action: "remoteLock",
        outcomes: [outcome(0), ...cancelled],
        queued: 1,
        blocked: 0,
        failed: 0,
        unknown: 0,
        cancelled: 9,
      }),
    );
    expect(
      await within(dialog).findByText("Stopped: 1 sent, 9 not sent (cancelled)."),
    ).toBeInTheDocument();
    await userEvent.click(within(dialog).getByRole("combobox", { name: "Show", hidden: true }));
    await userEvent.click(await screen.findByRole("option", { name: "Sent (1)", hidden: true }));
    const table = within(dialog).getByRole("table", {
      name: "Each device's outcome",
      hidden: true,
    });
    await vi.waitFor(() =>
      expect(within(table).getAllByRole("row", { hidden: true })).toHaveLength(1),
    );
    expect(within(table).getByText("iPhone 1")).toBeInTheDocument();
  });

  it("resumes a stopped run: what is left, the typed count, and Rust's resume", async () => {
    const run: RunSummary = {
      id: "3f1c6a52-9d7e-4b1a-8c2d-5e6f7a8b9c0d",
      action: "remoteLock",
      account: "ada@contoso.com",
      started: "2026-11-30T09:00:00Z",
      ended: null,
      status: "interrupted",
      devices: 30,
      queued: 12,
      blocked: 1,
      failed: 0,
      unknown: 0,
      cancelled: 0,
      left: 16,
      inFlight: 1,
    };
    type Report = Awaited<ReturnType<Backend["resumeRun"]>>;
    let finish: (report: Report) => void = () => {};
    const backend = fakeBackend({
      resumeRun: vi.fn(() => new Promise<Report>((resolve) => (finish = resolve))),
    });
    render(
      <BackendProvider backend={backend}>
        <ManyDevicesDialog open onClose={() => {}} resume={run} />
      </BackendProvider>,
    );
    const dialog = await screen.findByRole("alertdialog", { hidden: true });
    expect(within(dialog).getByText("Resume: remote lock of 30 devices")).toBeInTheDocument();
    expect(within(dialog).getByText(/So far: 12 sent, 1 blocked\./)).toBeInTheDocument();
    expect(
      within(dialog).getByText(/16 devices are left.*1 request was leaving.*never sends it again/),
    ).toBeInTheDocument();
    const resume = within(dialog).getByRole("button", { name: /Resume: 16 devices/, hidden: true });
    expect(resume).toBeDisabled();
    await userEvent.type(
      within(dialog).getByRole("textbox", { name: /Type 16 to confirm/, hidden: true }),
      "16",
    );
    await userEvent.click(resume);
    expect(backend.resumeRun).toHaveBeenCalledWith(run.id);
    expect(await within(dialog).findByText(/0 of 30 sent or settled/)).toBeInTheDocument();
    await act(async () =>
      finish({
        runId: run.id,
        action: "remoteLock",
        outcomes: [outcome(0)],
        queued: 29,
        blocked: 1,
        failed: 0,
        unknown: 0,
        cancelled: 0,
      }),
    );
    expect(await within(dialog).findByText("Done: 29 sent, 1 blocked.")).toBeInTheDocument();
  });
});

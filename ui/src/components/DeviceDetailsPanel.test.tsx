import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

import type { Backend, DeviceReview, FollowUpdate, RunReport } from "../backend";
import { BackendProvider } from "../backend/context";
import {
  fakeBackend,
  mockMediaQueries,
  sampleDevice,
  sampleReview,
  sampleVerdict,
} from "../test/backend";
import { ManyDevicesHost } from "./actions/ManyDevicesHost";
import { DeviceDetailsPanel } from "./DeviceDetailsPanel";

const MAC = sampleDevice(7, { deviceName: "MAC-ADA-007", serialNumber: "C02ADA7" });
const REMOTE_LOCK_PAGE = {
  kind: "microsoft" as const,
  title: "Device action: remote lock",
  url: "https://learn.microsoft.com/intune/device-management/actions/remote-lock",
};
const SEED_001 = { kind: "seed" as const, title: "Seed 001", url: null };
const INFERENCE = { kind: "inference" as const, title: "Windows has no remote lock.", url: null };

function queued(overrides: Partial<RunReport["outcomes"][number]> = {}): RunReport {
  return {
    runId: "run-1",
    cancelled: 0,
    action: "remoteLock",
    outcomes: [
      {
        deviceId: MAC.id,
        deviceName: MAC.deviceName,
        state: "queued",
        message: "Remote lock: Intune accepted it; the device acts when it next checks in.",
        error: null,
        verdict: null,
        requestId: "req-1",
        clientRequestId: "cli-1",
        reconciled: false,
        baseline: null,
        ...overrides,
      },
    ],
    queued: 1,
    blocked: 0,
    failed: 0,
    unknown: 0,
  };
}

function renderPanel(review: DeviceReview, overrides: Partial<Backend> = {}) {
  const backend = fakeBackend({
    reviewDevice: vi.fn(() => Promise.resolve(review)),
    ...overrides,
  });
  render(
    <BackendProvider backend={backend}>
      <ManyDevicesHost>
        <DeviceDetailsPanel device={review.details.device} />
      </ManyDevicesHost>
    </BackendProvider>,
  );
  return backend;
}

describe("DeviceDetailsPanel actions", () => {
  beforeEach(() => mockMediaQueries([]));

  it("renders Rust's verdicts: a blocked action says why and what would fix it, and cannot be sent", async () => {
    const pc = sampleDevice(3, { deviceName: "PC-0003", platform: "windows" });
    renderPanel(
      sampleReview(pc, {
        verdicts: [
          sampleVerdict("remoteLock", "blocked", {}, [
            {
              rule: "lock-windows",
              severity: "blocker",
              text: "Windows: Intune does not support remote lock (it answers 400 BadRequest).",
              fix: "For a lost Windows PC, use Wipe or Retire in the Intune admin center.",
              sources: [REMOTE_LOCK_PAGE],
              disagreement: null,
            },
          ]),
        ],
      }),
    );
    expect(await screen.findByText(/Windows: Intune does not support remote lock/)).toBeVisible();
    expect(screen.getByText(/use Wipe or Retire/)).toBeVisible();
    expect(screen.getByText("Blocked")).toBeVisible();
    expect(screen.getByRole("button", { name: "Lock…" })).toBeDisabled();
  });

  it("locks after a confirmation that names the device and its effect, then shows the outcome as Rust follows it", async () => {
    let progress: (u: FollowUpdate) => void = () => {};
    const review = sampleReview(MAC, { verdicts: [sampleVerdict("remoteLock")] });
    const backend = renderPanel(review, {
      sendAction: vi.fn(() => Promise.resolve(queued())),
      onActionProgress: (cb) => {
        progress = cb;
        return () => {};
      },
    });
    await userEvent.click(await screen.findByRole("button", { name: "Lock…" }));
    const dialog = await screen.findByRole("alertdialog");
    expect(within(dialog).getByText("Remote lock: MAC-ADA-007?")).toBeVisible();
    expect(within(dialog).getByText("Serial number C02ADA7")).toBeVisible();
    expect(within(dialog).getByText("Effect of Remote lock.")).toBeVisible();
    await userEvent.type(within(dialog).getByRole("textbox"), "INC-1 stolen");
    await userEvent.click(within(dialog).getByRole("button", { name: "Remote lock" }));
    expect(backend.sendAction).toHaveBeenCalledWith({
      action: "remoteLock",
      devices: [MAC.id],
      justification: "INC-1 stolen",
      overrideUnusedPin: false,
    });
    expect(await screen.findByText(/Intune accepted it.*\(request ID req-1\)/)).toBeVisible();

    act(() =>
      progress({
        deviceId: MAC.id,
        deviceName: MAC.deviceName,
        action: "remoteLock",
        result: null,
        finished: false,
        pinKept: false,
        message: "Remote lock: pending until the device checks in.",
      }),
    );
    expect(await screen.findByText(/pending until the device checks in/)).toBeVisible();
    // The confirmation's close transition gives the page back to assistive technology.
    expect(await screen.findByRole("button", { name: "Stop watching" })).toBeVisible();
    const reads = vi.mocked(backend.reviewDevice).mock.calls.length;
    act(() =>
      progress({
        deviceId: MAC.id,
        deviceName: MAC.deviceName,
        action: "remoteLock",
        result: null,
        finished: true,
        pinKept: true,
        message: "Locked. The unlock PIN is kept in your keychain: reveal it when the user calls.",
      }),
    );
    expect(await screen.findByText(/Locked\. The unlock PIN is kept/)).toBeVisible();
    await waitFor(() =>
      expect(vi.mocked(backend.reviewDevice).mock.calls.length).toBeGreaterThan(reads),
    );
    // Another device's progress is not this panel's business.
    act(() =>
      progress({
        deviceId: "someone-else",
        deviceName: "Other",
        action: "remoteLock",
        result: null,
        finished: false,
        pinKept: false,
        message: "Other device pending",
      }),
    );
    expect(screen.queryByText("Other device pending")).toBeNull();
  });

  it("opens every device of the device's user, to act on them at once", async () => {
    const phone = sampleDevice(8, { deviceName: "iPhone of user 7", serialNumber: "F2USER7" });
    const backend = renderPanel(sampleReview(MAC), {
      devicesOfUser: vi.fn(() => Promise.resolve([MAC, phone])),
      reviewDevices: vi.fn(() =>
        Promise.resolve(
          [MAC, phone].map((device) => ({
            deviceId: device.id,
            device,
            verdict: sampleVerdict("remoteLock"),
            error: null,
          })),
        ),
      ),
    });
    await userEvent.click(await screen.findByRole("button", { name: "Every device of User 7…" }));
    expect(backend.devicesOfUser).toHaveBeenCalledWith("user7@contoso.com");
    const dialog = await screen.findByRole("alertdialog", { hidden: true });
    expect(
      within(dialog).getByText(/MAC-ADA-007 \(C02ADA7\), iPhone of user 7/),
    ).toBeInTheDocument();
    await userEvent.click(
      within(dialog).getByRole("button", { name: /Review 2 devices/, hidden: true }),
    );
    expect(backend.reviewDevices).toHaveBeenCalledWith("remoteLock", [MAC.id, phone.id]);
    expect(await within(dialog).findByText("2 ready")).toBeInTheDocument();
  });

  it("says when Intune asks the send to wait, with the time left", async () => {
    let wait: (seconds: number) => void = () => {};
    let finish: (r: RunReport) => void = () => {};
    renderPanel(sampleReview(MAC, { verdicts: [sampleVerdict("remoteLock")] }), {
      sendAction: () => new Promise((resolve) => (finish = resolve)),
      onSendWaiting: (cb) => {
        wait = cb;
        return () => {};
      },
    });
    await userEvent.click(await screen.findByRole("button", { name: "Lock…" }));
    const dialog = await screen.findByRole("alertdialog");
    await userEvent.click(within(dialog).getByRole("button", { name: "Remote lock" }));
    act(() => wait(12));
    expect(await within(dialog).findByText(/trying again in 1[12] s/)).toBeVisible();
    act(() => finish(queued()));
    expect(await screen.findByText(/Intune accepted it/)).toBeVisible();
  });

  it("will not send a recovery without a justification", async () => {
    const iphone = sampleDevice(9, { deviceName: "Ada's iPhone", platform: "ios" });
    const backend = renderPanel(
      sampleReview(iphone, { verdicts: [sampleVerdict("recoverPasscode", "warning")] }),
      { sendAction: vi.fn(() => Promise.resolve(queued({ deviceId: iphone.id }))) },
    );
    await userEvent.click(await screen.findByRole("button", { name: "Recover…" }));
    const dialog = await screen.findByRole("alertdialog");
    const send = within(dialog).getByRole("button", { name: "Recover passcode" });
    expect(send).toBeDisabled();
    expect(within(dialog).getByText(/required, kept in the audit/)).toBeVisible();
    await userEvent.type(within(dialog).getByRole("textbox"), "   ");
    expect(send).toBeDisabled();
    await userEvent.type(within(dialog).getByRole("textbox"), "INC-9");
    await userEvent.click(send);
    expect(backend.sendAction).toHaveBeenCalledOnce();
  });

  it("asks for the stronger confirmation before a second macOS lock while a PIN is unused", async () => {
    const backend = renderPanel(
      sampleReview(MAC, {
        verdicts: [
          sampleVerdict("remoteLock", "blocked", { overridable: true, needsJustification: true }, [
            {
              rule: "lock-mac-unused-pin",
              severity: "blocker",
              text: "A macOS lock PIN from 2026-11-20 10:00 UTC is still unused.",
              fix: null,
              sources: [REMOTE_LOCK_PAGE],
              disagreement: null,
            },
          ]),
        ],
      }),
      { sendAction: vi.fn(() => Promise.resolve(queued())) },
    );
    await userEvent.click(await screen.findByRole("button", { name: "Send anyway…" }));
    const dialog = await screen.findByRole("alertdialog");
    const send = within(dialog).getByRole("button", { name: "Remote lock" });
    await userEvent.type(within(dialog).getByRole("textbox"), "User says it is not locked");
    expect(send).toBeDisabled();
    await userEvent.click(within(dialog).getByRole("checkbox"));
    await userEvent.click(send);
    expect(backend.sendAction).toHaveBeenCalledWith(
      expect.objectContaining({ overrideUnusedPin: true }),
    );
  });

  it("reveals a PIN only after a justification, hides it when Rust's time is up, and copies through Rust", async () => {
    const backend = renderPanel(
      sampleReview(MAC, {
        reveals: ["unlockPin"],
        keptPin: {
          deviceId: MAC.id,
          deviceName: MAC.deviceName,
          serialNumber: MAC.serialNumber,
          lockedAt: new Date().toISOString(),
          keptAt: new Date().toISOString(),
          usedAt: null,
        },
      }),
      {
        revealSecret: vi.fn(() =>
          Promise.resolve({
            kind: "unlockPin" as const,
            deviceId: MAC.id,
            deviceName: MAC.deviceName,
            value: "482913",
            source: "keychain",
            producedAt: null,
            advice: ["Give it to the user by phone."],
            hideAfterSeconds: 1,
          }),
        ),
        copySecret: vi.fn(() => Promise.resolve()),
        markPinUsed: vi.fn(() =>
          Promise.reject({ kind: "storage", message: "Disk full.", requestId: null }),
        ),
      },
    );
    expect(screen.queryByText("482913")).toBeNull();
    await userEvent.click(await screen.findByRole("button", { name: "Reveal unlock PIN…" }));
    const dialog = await screen.findByRole("dialog");
    const reveal = within(dialog).getByRole("button", { name: "Reveal" });
    expect(reveal).toBeDisabled();
    await userEvent.type(within(dialog).getByRole("textbox"), "INC-7 verified by phone");
    await userEvent.click(reveal);
    expect(backend.revealSecret).toHaveBeenCalledWith(
      "unlockPin",
      MAC.id,
      "INC-7 verified by phone",
    );
    // Read aloud in threes, in a large monospaced font.
    expect(await within(dialog).findByText("482")).toBeVisible();
    expect(within(dialog).getByText("913")).toBeVisible();
    expect(within(dialog).getByText(/From your keychain/)).toBeVisible();
    await userEvent.click(within(dialog).getByRole("button", { name: "Copy" }));
    expect(backend.copySecret).toHaveBeenCalledWith("unlockPin", MAC.id);
    await waitFor(() => expect(within(dialog).queryByText("482")).toBeNull(), {
      timeout: 2000,
    });

    await userEvent.click(within(dialog).getByRole("button", { name: "Close" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    await userEvent.click(await screen.findByRole("button", { name: "The user typed the PIN" }));
    // It asks once more: the PIN goes for good.
    expect(await screen.findByText(/deleted from your keychain for good/)).toBeVisible();
    await userEvent.click(screen.getByRole("button", { name: "Yes, the Mac is unlocked" }));
    expect(await screen.findByText("Disk full.")).toBeVisible();
  });

  it("shows the recover-or-remove decision for an iPhone", async () => {
    const iphone = sampleDevice(9, { deviceName: "Ada's iPhone", platform: "ios" });
    renderPanel(
      sampleReview(iphone, {
        guidance: {
          recommended: "resetPasscode",
          headline: "Remove the passcode: seed 001 describes escrow only on supervised devices.",
          headlineSources: [SEED_001],
          decidedBy: ["Supervised: no."],
          experience: [
            {
              action: "recoverPasscode",
              label: "Recover passcode",
              userSees: "Not documented by Microsoft.",
              sources: [SEED_001],
            },
            {
              action: "resetPasscode",
              label: "Remove passcode",
              userSees: "Opens without one.",
              sources: [REMOTE_LOCK_PAGE],
            },
          ],
          ifItFails: [
            { cause: "Never escrowed.", whatToDo: "Remove instead.", sources: [SEED_001] },
          ],
          documented: [
            { text: "Remove passcode generates no new one.", sources: [REMOTE_LOCK_PAGE] },
          ],
        },
      }),
    );
    expect(await screen.findByText(/escrow only on supervised devices/)).toBeVisible();
    expect(screen.getByText("Remove passcode (recommended)")).toBeVisible();
    expect(screen.getByText("Never escrowed.")).toBeVisible();
    expect(screen.getByText("Remove passcode generates no new one.")).toBeVisible();
  });

  it("never sends again by itself: an unknown outcome offers Send again, which asks again", async () => {
    const review = sampleReview(MAC, { verdicts: [sampleVerdict("remoteLock")] });
    const backend = renderPanel(review, {
      sendAction: vi.fn(() =>
        Promise.resolve(
          queued({
            state: "unknown",
            verdict: sampleVerdict("remoteLock"),
            message:
              "No answer came back. Nothing was sent again. If the first lock did arrive, a second one fails on the Mac and Intune stops showing the first PIN.",
            requestId: null,
          }),
        ),
      ),
      onActionProgress: () => () => {},
    });
    await userEvent.click(await screen.findByRole("button", { name: "Lock…" }));
    let dialog = await screen.findByRole("alertdialog");
    await userEvent.click(within(dialog).getByRole("button", { name: "Remote lock" }));
    expect(await screen.findByText(/Intune stops showing the first PIN/)).toBeVisible();
    expect(backend.sendAction).toHaveBeenCalledOnce();
    // The confirmation has closed (its transition gives the page back) before anything else.
    await waitFor(() => expect(screen.queryByRole("alertdialog")).toBeNull());
    // (The device is read again after a send: a click that lands while the panel re-renders is
    // tried again, as an admin would.)
    await waitFor(async () => {
      if (!screen.queryByRole("alertdialog")) {
        await userEvent.click(screen.getByRole("button", { name: "Send again…" }));
      }
      expect(screen.getByRole("alertdialog")).toBeInTheDocument();
    });
    dialog = screen.getByRole("alertdialog");
    expect(within(dialog).getByText("Remote lock: MAC-ADA-007?")).toBeVisible();
    expect(backend.sendAction).toHaveBeenCalledOnce();
  });

  it("shows where a verdict comes from behind Why?, and opens a published page through Rust", async () => {
    const pc = sampleDevice(3, { deviceName: "PC-0003", platform: "windows" });
    const backend = renderPanel(
      sampleReview(pc, {
        verdicts: [
          sampleVerdict("remoteLock", "blocked", {}, [
            {
              rule: "lock-windows",
              severity: "blocker",
              text: "Windows: Intune does not support remote lock.",
              fix: null,
              sources: [REMOTE_LOCK_PAGE, INFERENCE],
              disagreement: "The seed says one thing, Microsoft another.",
            },
          ]),
        ],
      }),
      { openSourcePage: vi.fn(() => Promise.resolve()) },
    );
    const reason = (await screen.findByText(/does not support remote lock/)).closest("li");
    expect(reason).not.toBeNull();
    expect(within(reason as HTMLElement).queryByText("Device action: remote lock")).toBeNull();
    await userEvent.click(within(reason as HTMLElement).getByRole("button", { name: "Why?" }));
    expect(
      within(reason as HTMLElement).getByText("Our inference:", { exact: false }),
    ).toBeVisible();
    expect(
      within(reason as HTMLElement).getByText(/Sources disagree: The seed says/),
    ).toBeVisible();
    await userEvent.click(within(reason as HTMLElement).getByText("Device action: remote lock"));
    expect(backend.openSourcePage).toHaveBeenCalledWith(REMOTE_LOCK_PAGE.url);
  });
});

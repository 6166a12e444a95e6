import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

import type { Reason, Severity } from "../../backend";
import { BackendProvider } from "../../backend/context";
import { fakeBackend, mockMediaQueries, sampleVerdict } from "../../test/backend";
import { VerdictCard } from "./VerdictCard";

const reason = (rule: string, severity: Severity, text: string): Reason => ({
  rule,
  severity,
  text,
  fix: null,
  sources: [],
  disagreement: null,
});

// "Why?" opens Microsoft's pages through Rust.
const backend = fakeBackend({});
const wrapper = ({ children }: { children: React.ReactNode }) => (
  <BackendProvider backend={backend}>{children}</BackendProvider>
);

describe("VerdictCard", () => {
  beforeEach(() => mockMediaQueries([]));

  it("shows what blocks an action and folds away the warnings that no longer matter", async () => {
    const verdict = sampleVerdict("rotateFileVaultKey", "blocked", {}, [
      reason("personal", "blocker", "A personal Mac: Intune rotates keys only on corporate ones."),
      reason("stale", "warning", "The Mac last checked in 40 days ago."),
      reason("escrow", "note", "The new key is escrowed when the Mac checks in."),
    ]);
    render(<VerdictCard verdict={verdict} busy={false} onChoose={() => {}} />, { wrapper });
    expect(screen.getByText(/personal Mac/)).toBeVisible();
    expect(screen.queryByText(/40 days ago/)).toBeNull();
    expect(screen.getByText("Blocked")).toBeVisible();
    expect(screen.getByRole("button", { name: /Rotate/ })).toBeDisabled();
    await userEvent.click(
      screen.getByRole("button", { name: "2 more notes, for when it is no longer blocked" }),
    );
    expect(screen.getByText(/40 days ago/)).toBeVisible();
    expect(screen.getByText(/escrowed/)).toBeVisible();
  });

  it("never says ready beside a button that cannot be used: under way while an action is", () => {
    const verdict = sampleVerdict("remoteLock", "warning", {}, [
      reason("stale", "warning", "The device last checked in 40 days ago."),
    ]);
    const onChoose = vi.fn();
    const { rerender } = render(
      <VerdictCard verdict={verdict} busy={false} onChoose={onChoose} />,
      { wrapper },
    );
    expect(screen.getByText("Ready, read the warnings")).toBeVisible();
    expect(screen.getByRole("button", { name: "Lock…" })).toBeEnabled();
    // Warnings stay in view on an action that can be sent.
    expect(screen.getByText(/40 days ago/)).toBeVisible();
    rerender(<VerdictCard verdict={verdict} busy onChoose={onChoose} />);
    expect(screen.queryByText("Ready, read the warnings")).toBeNull();
    expect(screen.getByText("Under way")).toBeVisible();
    expect(screen.getByRole("button", { name: "Lock…" })).toBeDisabled();
  });
});

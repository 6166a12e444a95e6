import { act, render, screen } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";

import type { Appearance } from "./backend";
import { BackendProvider } from "./backend/context";
import { fakeBackend, mockMediaQueries } from "./test/backend";
import { useTheme } from "./theme";

function Shows() {
  return <span data-testid="theme">{useTheme()}</span>;
}

describe("useTheme", () => {
  beforeEach(() => mockMediaQueries(["(prefers-color-scheme: dark)"]));

  it("follows the system until the admin picks, and every window follows the pick", async () => {
    let changed: (appearance: Appearance) => void = () => {};
    const backend = fakeBackend({
      appearance: () => Promise.resolve("system"),
      onAppearanceChanged: (callback) => {
        changed = callback;
        return () => {};
      },
    });
    render(
      <BackendProvider backend={backend}>
        <Shows />
      </BackendProvider>,
    );
    await act(async () => {});
    expect(screen.getByTestId("theme")).toHaveTextContent("dark");
    act(() => changed("highContrast"));
    expect(screen.getByTestId("theme")).toHaveTextContent("highContrast");
    act(() => changed("light"));
    expect(screen.getByTestId("theme")).toHaveTextContent("light");
    act(() => changed("system"));
    expect(screen.getByTestId("theme")).toHaveTextContent("dark");
  });

  it("starts with the saved pick", async () => {
    const backend = fakeBackend({ appearance: () => Promise.resolve("light") });
    render(
      <BackendProvider backend={backend}>
        <Shows />
      </BackendProvider>,
    );
    expect(await screen.findByText("light")).toBeInTheDocument();
  });
});

import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { App } from "./App";
import { BackendProvider } from "./backend/context";
import { fakeBackend, mockMediaQueries } from "./test/backend";

function renderApp() {
  return render(
    <BackendProvider backend={fakeBackend()}>
      <App />
    </BackendProvider>,
  );
}

describe("App", () => {
  it("names the product and what it does", () => {
    mockMediaQueries([]);
    renderApp();
    expect(screen.getByRole("heading", { level: 1, name: "Intune Actions" })).toBeInTheDocument();
    expect(screen.getByText(/Rotate the FileVault recovery key/)).toBeInTheDocument();
  });

  it.each([
    [[], "light"],
    [["(prefers-color-scheme: dark)"], "dark"],
    [["(forced-colors: active)"], "highContrast"],
  ])("uses the OS theme %j → %s", (queries, theme) => {
    mockMediaQueries(queries);
    const { container } = renderApp();
    expect(container.querySelector(`[data-theme="${theme}"]`)).not.toBeNull();
  });
});

import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { Backend } from "../backend";
import { BackendProvider } from "../backend/context";
import { fakeBackend, SAMPLE_ABOUT } from "../test/backend";
import { AboutPanel } from "./AboutPanel";

function renderPanel(backend: Backend) {
  render(
    <FluentProvider theme={webLightTheme}>
      <BackendProvider backend={backend}>
        <AboutPanel />
      </BackendProvider>
    </FluentProvider>,
  );
}

describe("AboutPanel", () => {
  it("shows nothing until asked, then the details Rust returned", async () => {
    let calls = 0;
    renderPanel(
      fakeBackend({
        about: async () => {
          calls += 1;
          return SAMPLE_ABOUT;
        },
      }),
    );
    expect(screen.queryByText("9.8.7 (debug)")).not.toBeInTheDocument();

    await userEvent.click(screen.getByRole("button", { name: "Show app details" }));

    expect(await screen.findByText("9.8.7 (debug)")).toBeInTheDocument();
    expect(screen.getByText("Linux x86_64")).toBeInTheDocument();
    expect(screen.getByText(SAMPLE_ABOUT.logDir!)).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Refresh" })).toBeInTheDocument();
    expect(calls).toBe(1);
  });

  it("says so when the app writes no log file", async () => {
    renderPanel(fakeBackend({ about: async () => ({ ...SAMPLE_ABOUT, logDir: null }) }));
    await userEvent.click(screen.getByRole("button", { name: "Show app details" }));
    expect(await screen.findByText(/Not writing log files/)).toBeInTheDocument();
  });

  it("shows the error message Rust sent, not a stack trace", async () => {
    renderPanel(
      fakeBackend({
        about: () =>
          Promise.reject({
            kind: "internal",
            message: "Something broke. Try again.",
            requestId: null,
          }),
      }),
    );
    await userEvent.click(screen.getByRole("button", { name: "Show app details" }));
    expect(await screen.findByText("Something broke. Try again.")).toBeInTheDocument();
  });
});

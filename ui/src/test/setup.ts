import { configure } from "@testing-library/react";
import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";

// jsdom has no layout, so it has no ResizeObserver; Fluent components observe sizes for reflow.
class NoLayoutResizeObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
}
globalThis.ResizeObserver ??= NoLayoutResizeObserver;

afterEach(() => {
  cleanup();
});

// Nor does it measure elements: give every element a window-sized box, so virtualised lists
// render the rows a person would see.
for (const [property, size] of [
  ["clientHeight", 600],
  ["clientWidth", 800],
  ["offsetHeight", 600],
  ["offsetWidth", 800],
] as const) {
  Object.defineProperty(HTMLElement.prototype, property, { configurable: true, get: () => size });
}

// These machines are shared and noisy: a first render can take seconds. Waits are for an
// outcome, not a speed limit (performance is measured in benchmarks).
configure({ asyncUtilTimeout: 5000 });

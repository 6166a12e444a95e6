import type { About, Backend } from "../backend";

export const SAMPLE_ABOUT: About = {
  product: "Intune Actions",
  version: "9.8.7",
  build: "debug",
  os: "Linux",
  arch: "x86_64",
  logDir: "/home/admin/.local/share/app.intuneactions.desktop/logs",
};

/** A Backend whose answers a test chooses; every method not overridden fails loudly. */
export function fakeBackend(overrides: Partial<Backend> = {}): Backend {
  const unexpected = (name: string) => () => Promise.reject(new Error(`unexpected call: ${name}`));
  return {
    about: unexpected("about"),
    ...overrides,
  };
}

/** Makes window.matchMedia answer `true` for the given media queries. */
export function mockMediaQueries(matching: string[]) {
  window.matchMedia = (query: string) =>
    ({
      matches: matching.includes(query),
      media: query,
      onchange: null,
      addEventListener: () => {},
      removeEventListener: () => {},
      addListener: () => {},
      removeListener: () => {},
      dispatchEvent: () => false,
    }) as MediaQueryList;
}

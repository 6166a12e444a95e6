import {
  teamsHighContrastTheme,
  webDarkTheme,
  webLightTheme,
  type Theme,
} from "@fluentui/react-components";
import { useEffect, useState, useSyncExternalStore } from "react";

import type { Appearance } from "./backend";
import { useBackend } from "./backend/context";

export type ThemeName = "light" | "dark" | "highContrast";

const QUERIES = {
  dark: "(prefers-color-scheme: dark)",
  forcedColors: "(forced-colors: active)",
  moreContrast: "(prefers-contrast: more)",
} as const;

export const THEMES: Record<ThemeName, Theme> = {
  light: webLightTheme,
  dark: webDarkTheme,
  highContrast: teamsHighContrastTheme,
};

/** The OS's appearance: high contrast wins over dark, dark over light. */
export function osTheme(matches: (query: string) => boolean): ThemeName {
  if (matches(QUERIES.forcedColors) || matches(QUERIES.moreContrast)) return "highContrast";
  if (matches(QUERIES.dark)) return "dark";
  return "light";
}

function currentTheme(): ThemeName {
  return osTheme((query) => window.matchMedia(query).matches);
}

function subscribe(onChange: () => void): () => void {
  const lists = Object.values(QUERIES).map((query) => window.matchMedia(query));
  lists.forEach((list) => list.addEventListener("change", onChange));
  return () => lists.forEach((list) => list.removeEventListener("change", onChange));
}

/** Follows the OS's light, dark and high-contrast settings as they change. */
export function useOsTheme(): ThemeName {
  return useSyncExternalStore(subscribe, currentTheme);
}

/** The theme every window uses: the one the admin picked in the settings, else the OS's. */
export function useTheme(): ThemeName {
  const backend = useBackend();
  const os = useOsTheme();
  const [picked, setPicked] = useState<Appearance>("system");
  useEffect(() => {
    let live = true;
    const stop = backend.onAppearanceChanged((next) => live && setPicked(next));
    backend.appearance().then(
      (first) => live && setPicked(first),
      () => {},
    );
    return () => {
      live = false;
      stop();
    };
  }, [backend]);
  return picked === "system" ? os : picked;
}

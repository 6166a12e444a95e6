import {
  teamsHighContrastTheme,
  webDarkTheme,
  webLightTheme,
  type Theme,
} from "@fluentui/react-components";
import { useSyncExternalStore } from "react";

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

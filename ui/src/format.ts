import type { Ownership, Platform } from "./backend";

const PLATFORMS: Record<Platform, string> = {
  macOs: "macOS",
  ios: "iOS",
  ipadOs: "iPadOS",
  android: "Android",
  windows: "Windows",
  other: "Other",
};

export const PLATFORM_CHOICES = (Object.keys(PLATFORMS) as Platform[]).filter((p) => p !== "other");

export function platformLabel(platform: Platform): string {
  return PLATFORMS[platform];
}

export function ownershipLabel(ownership: Ownership): string {
  return { company: "Company", personal: "Personal", unknown: "Unknown" }[ownership];
}

/** "just now", "12 min ago", "5 h ago", "40 days ago", or "never". */
export function ago(iso: string | null, now: Date = new Date()): string {
  if (!iso) return "never";
  const minutes = Math.max(0, Math.floor((now.getTime() - new Date(iso).getTime()) / 60_000));
  if (minutes < 2) return "just now";
  if (minutes < 120) return `${minutes} min ago`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)} h ago`;
  return `${Math.floor(minutes / 1440)} days ago`;
}

export function dateTime(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString() : "—";
}

/**
 * Quick lock's global shortcut: what a key press records (in the form Rust's shortcut parser
 * reads, e.g. "CommandOrControl+Shift+L"), and how a shortcut is shown (Ctrl+Shift+L, or ⌘⇧L on
 * a Mac).
 */

export const IS_MAC = /mac/i.test(navigator.platform);

const MODIFIER_KEYS = new Set(["Control", "Shift", "Alt", "Meta", "OS", "AltGraph"]);

export interface Recorded {
  /** The shortcut to save; `null` while only modifiers are held. */
  accelerator: string | null;
  /** What is held so far, e.g. "Ctrl+Shift+…". */
  partial: string;
}

/** What a key press records. */
export function record(
  event: Pick<KeyboardEvent, "key" | "code" | "ctrlKey" | "metaKey" | "altKey" | "shiftKey">,
  mac = IS_MAC,
): Recorded {
  const mods: string[] = [];
  // The platform's main modifier is saved as CommandOrControl, so the setting reads the same on
  // every system; the other one (Control on a Mac, the Windows key elsewhere) as itself.
  const primary = mac ? event.metaKey : event.ctrlKey;
  const secondary = mac ? event.ctrlKey : event.metaKey;
  if (primary) mods.push("CommandOrControl");
  if (secondary) mods.push(mac ? "Control" : "Super");
  if (event.altKey) mods.push("Alt");
  if (event.shiftKey) mods.push("Shift");
  // The physical key where the system names it, else the character it types.
  const physical = event.code && event.code !== "Unknown" ? event.code : event.key;
  const key = MODIFIER_KEYS.has(event.key) ? null : keyName(physical);
  const partial = label([...mods, ...(key ? [key] : [])].join("+"), mac);
  return {
    accelerator: key ? [...mods, key].join("+") : null,
    partial: key ? partial : `${partial}${partial && !mac ? "+" : ""}…`,
  };
}

/** The physical key's name as the shortcut parser knows it. */
function keyName(code: string): string {
  if (/^Key[A-Z]$/.test(code)) return code.slice(3);
  if (/^Digit[0-9]$/.test(code)) return code.slice(5);
  return code.length === 1 ? code.toUpperCase() : code;
}

const MAC_SYMBOLS: Record<string, string> = {
  CommandOrControl: "⌘",
  CmdOrCtrl: "⌘",
  Command: "⌘",
  Cmd: "⌘",
  Super: "⌘",
  Meta: "⌘",
  Control: "⌃",
  Ctrl: "⌃",
  Alt: "⌥",
  Option: "⌥",
  Shift: "⇧",
};

const OTHER_NAMES: Record<string, string> = {
  CommandOrControl: "Ctrl",
  CmdOrCtrl: "Ctrl",
  Control: "Ctrl",
  Ctrl: "Ctrl",
  Command: "Super",
  Cmd: "Super",
  Super: "Super",
  Meta: "Super",
  Alt: "Alt",
  Option: "Alt",
  Shift: "Shift",
};

/** A saved shortcut the way the admin's system writes it; "None" when there is none. */
export function label(accelerator: string, mac = IS_MAC): string {
  const parts = accelerator
    .split("+")
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0) return "";
  const names = parts.map((part) => {
    const key = keyName(part);
    const names = mac ? MAC_SYMBOLS : OTHER_NAMES;
    const known = Object.keys(names).find((n) => n.toLowerCase() === key.toLowerCase());
    return known ? names[known] : key.length === 1 ? key.toUpperCase() : key;
  });
  return mac ? names.join("") : names.join("+");
}

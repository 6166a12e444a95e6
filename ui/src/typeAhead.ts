/**
 * Keys typed into quick lock before its search field exists (the window shows before the page has
 * loaded), kept so the first letters of a device name are not lost. Only quick lock's window
 * listens, and only until the search field takes the text; keys aimed at a field are that field's.
 */
const MAX = 300;
let buffer = "";
let listening = false;

function onKey(event: KeyboardEvent) {
  const target = event.target;
  if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement) return;
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.key.length === 1) buffer = (buffer + event.key).slice(0, MAX);
  else if (event.key === "Backspace") buffer = buffer.slice(0, -1);
}

export function startTypeAhead() {
  if (listening) return;
  listening = true;
  window.addEventListener("keydown", onKey, true);
}

/** What was typed so far; from now on keys go to the field. The same text if asked again. */
export function takeTypedAhead(): string {
  if (listening) {
    listening = false;
    window.removeEventListener("keydown", onKey, true);
  }
  return buffer;
}

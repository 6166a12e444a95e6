import { useCallback, useEffect, useRef, useState } from "react";

/** The dialog on show (or last shown, now closed) and what it was opened with. */
export type Shown<M> = {
  [K in keyof M]: { kind: K; payload: M[K]; key: number; open: boolean };
}[keyof M];

/**
 * One dialog at a time, each opening mounted fresh under a new `key` (a Fluent dialog first
 * mounted closed never opens later) and closed through its `open` prop (unmounting an open dialog
 * leaves the page hidden from screen readers). `M` maps each dialog to what it is opened with.
 * Focus goes back to what opened the dialog when it closes, if that is still on the page.
 */
export function useDialog<M>() {
  const [shown, setShown] = useState<Shown<M> | null>(null);
  const opener = useRef<HTMLElement | null>(null);
  const show = useCallback(<K extends keyof M>(kind: K, payload: M[K]) => {
    const active = document.activeElement;
    opener.current = active instanceof HTMLElement && active !== document.body ? active : null;
    setShown((s) => ({ kind, payload, key: (s?.key ?? 0) + 1, open: true }) as Shown<M>);
  }, []);
  const close = useCallback(() => setShown((s) => (s ? { ...s, open: false } : s)), []);
  const closed = shown !== null && !shown.open;
  useEffect(() => {
    if (!closed) return;
    const target = opener.current;
    opener.current = null;
    // After the dialog has let go of focus (its own restore runs in the same frame).
    const timer = window.setTimeout(() => {
      if (target?.isConnected && !(target as HTMLButtonElement).disabled) target.focus();
    }, 0);
    return () => window.clearTimeout(timer);
  }, [closed]);
  return { shown, show, close };
}

/**
 * Focus in a dialog's first field once it opens, rather than on the dialog itself. The effect of
 * the component holding the dialog runs after the dialog's own focus handling, so it wins.
 */
export function useFirstField<E extends HTMLElement>(open: boolean) {
  const field = useRef<E>(null);
  useEffect(() => {
    if (open) field.current?.focus();
  }, [open]);
  return field;
}

/** Ctrl+Enter (Cmd+Enter on a Mac): a dialog's main button, from any field in it. */
export function isPrimaryKey(event: React.KeyboardEvent): boolean {
  const primary = event.key === "Enter" && (event.ctrlKey || event.metaKey);
  if (primary) event.preventDefault();
  return primary;
}

/** The primary-key hint as the admin's keyboard says it. */
export const PRIMARY_KEYS = /mac/i.test(navigator.platform) ? "⌘↩" : "Ctrl+Enter";

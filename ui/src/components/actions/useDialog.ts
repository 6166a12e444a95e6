import { useCallback, useState } from "react";

/** The dialog on show (or last shown, now closed) and what it was opened with. */
export type Shown<M> = {
  [K in keyof M]: { kind: K; payload: M[K]; key: number; open: boolean };
}[keyof M];

/**
 * One dialog at a time, each opening mounted fresh under a new `key` (a Fluent dialog first
 * mounted closed never opens later) and closed through its `open` prop (unmounting an open dialog
 * leaves the page hidden from screen readers). `M` maps each dialog to what it is opened with.
 */
export function useDialog<M>() {
  const [shown, setShown] = useState<Shown<M> | null>(null);
  const show = useCallback(<K extends keyof M>(kind: K, payload: M[K]) => {
    setShown((s) => ({ kind, payload, key: (s?.key ?? 0) + 1, open: true }) as Shown<M>);
  }, []);
  const close = useCallback(() => setShown((s) => (s ? { ...s, open: false } : s)), []);
  return { shown, show, close };
}

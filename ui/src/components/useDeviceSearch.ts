import { useCallback, useEffect, useRef, useState } from "react";

import { toErrorReport, type Device, type DeviceQuery, type ErrorReport } from "../backend";
import { useBackend } from "../backend/context";

export const PAGE_SIZE = 100;

export interface SearchResults {
  /** How many devices match; `null` until the first answer. */
  total: number | null;
  source: "inventory" | "graph" | null;
  error: ErrorReport | null;
  /** The device at a position, once its page has arrived. */
  deviceAt(index: number): Device | undefined;
  /** Asks for the pages covering positions `from`..`to` (inclusive). */
  ensure(from: number, to: number): void;
}

interface Loaded {
  key: string;
  total: number | null;
  source: "inventory" | "graph" | null;
  error: ErrorReport | null;
  pages: Map<number, Device[]>;
}

/**
 * Matching devices for a query, fetched page by page as the table scrolls. Rust keeps the list and
 * ranks it; the UI holds only the pages it has shown. `generation` changes when the inventory does,
 * so the same query is asked again.
 */
export function useDeviceSearch(query: DeviceQuery, generation: number): SearchResults {
  const backend = useBackend();
  const key = `${generation}:${JSON.stringify(query)}`;
  const [loaded, setLoaded] = useState<Loaded>({
    key,
    total: null,
    source: null,
    error: null,
    pages: new Map(),
  });
  const inFlight = useRef(new Set<string>());
  const current = useRef(key);
  // Answers for an older query are dropped; declared first, so it runs before the fetch below.
  useEffect(() => {
    current.current = key;
  }, [key]);

  const fetchPage = useCallback(
    (page: number) => {
      const ticket = `${key}#${page}`;
      if (inFlight.current.has(ticket)) return;
      inFlight.current.add(ticket);
      backend
        .searchDevices(query, page * PAGE_SIZE, PAGE_SIZE)
        .then((result) => {
          if (current.current !== key) return;
          setLoaded((prev) => {
            const pages = prev.key === key ? new Map(prev.pages) : new Map<number, Device[]>();
            pages.set(page, result.page.devices);
            return { key, total: result.page.total, source: result.source, error: null, pages };
          });
        })
        .catch((error: unknown) => {
          if (current.current !== key) return;
          setLoaded({ key, total: 0, source: null, error: toErrorReport(error), pages: new Map() });
        })
        .finally(() => inFlight.current.delete(ticket));
    },
    // `query` is captured through `key`, which changes whenever it does.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [backend, key],
  );

  useEffect(() => {
    fetchPage(0);
  }, [fetchPage]);

  const fresh = loaded.key === key;
  const ensure = useCallback(
    (from: number, to: number) => {
      for (let page = Math.floor(from / PAGE_SIZE); page <= Math.floor(to / PAGE_SIZE); page++) {
        if (!(fresh && loaded.pages.has(page))) fetchPage(page);
      }
    },
    [fetchPage, fresh, loaded.pages],
  );

  return {
    total: fresh ? loaded.total : null,
    source: fresh ? loaded.source : null,
    error: fresh ? loaded.error : null,
    deviceAt: (index) =>
      fresh ? loaded.pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE] : undefined,
    ensure,
  };
}

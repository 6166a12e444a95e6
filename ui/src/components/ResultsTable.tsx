import { makeStyles, mergeClasses, tokens } from "@fluentui/react-components";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from "react";

import type { Device } from "../backend";
import { ago, dateTime, ownershipLabel, platformLabel } from "../format";
import type { SearchResults } from "./useDeviceSearch";

const ROW_HEIGHT = 34;

interface Column {
  title: string;
  /** Its CSS grid track. */
  track: string;
  /** Below this width of the table the column is left out (the panel shows it all). */
  from: number;
  cell(device: Device): ReactNode;
  /** The full value on hover, where the cell may show less. */
  hover?(device: Device): string;
  mono?: boolean;
}

// The serial is what tells two "Ada's MacBook Pro" apart: always there, always whole.
const COLUMNS: Column[] = [
  {
    title: "Name",
    track: "minmax(110px, 2fr)",
    from: 0,
    cell: (d) => d.deviceName || "(no name)",
    hover: (d) => d.deviceName,
  },
  {
    title: "Serial",
    track: "136px",
    from: 0,
    cell: (d) => d.serialNumber,
    mono: true,
  },
  {
    title: "User",
    track: "minmax(90px, 1.5fr)",
    from: 0,
    cell: (d) => d.userDisplayName || d.userPrincipalName,
    hover: (d) => d.userPrincipalName,
  },
  {
    title: "Platform",
    track: "104px",
    from: 560,
    cell: (d) => `${platformLabel(d.platform)} ${d.osVersion}`,
  },
  { title: "Owner", track: "72px", from: 680, cell: (d) => ownershipLabel(d.ownership) },
  {
    title: "Check-in",
    track: "92px",
    from: 760,
    cell: (d) => ago(d.lastSync),
    hover: (d) => dateTime(d.lastSync),
  },
];

/** The columns that fit a table this wide. */
export function columnsFor(width: number): Column[] {
  return COLUMNS.filter((c) => width >= c.from);
}

const useStyles = makeStyles({
  grid: {
    display: "flex",
    flexDirection: "column",
    flexGrow: 1,
    minHeight: 0,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground1,
    ":focus-visible": { outline: `${tokens.strokeWidthThick} solid ${tokens.colorStrokeFocus2}` },
  },
  header: {
    display: "grid",
    gap: tokens.spacingHorizontalS,
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalM}`,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    color: tokens.colorNeutralForeground3,
    fontWeight: tokens.fontWeightSemibold,
  },
  scroller: { flexGrow: 1, overflowY: "auto", minHeight: 0, position: "relative" },
  row: {
    position: "absolute",
    left: 0,
    right: 0,
    display: "grid",
    gap: tokens.spacingHorizontalS,
    alignItems: "center",
    padding: `0 ${tokens.spacingHorizontalM}`,
    cursor: "pointer",
    ":hover": { backgroundColor: tokens.colorSubtleBackgroundHover },
  },
  selected: {
    backgroundColor: tokens.colorSubtleBackgroundSelected,
    boxShadow: `inset 3px 0 0 ${tokens.colorBrandStroke1}`,
  },
  cell: { overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap", minWidth: 0 },
  name: { fontWeight: tokens.fontWeightSemibold },
  mono: { fontFamily: tokens.fontFamilyMonospace },
  loading: { color: tokens.colorNeutralForeground4 },
});

interface Props {
  results: SearchResults;
  selected: number;
  onSelect(index: number): void;
  /** Enter on a row: open it. */
  onOpen(index: number): void;
  gridRef?: React.RefObject<HTMLDivElement | null>;
}

/** Matching devices, virtualised: only the rows in view exist, so 100,000 scroll smoothly. */
export function ResultsTable({ results, selected, onSelect, onOpen, gridRef }: Props) {
  const styles = useStyles();
  const scroller = useRef<HTMLDivElement>(null);
  const total = results.total ?? 0;
  // eslint-disable-next-line react-hooks/incompatible-library -- not memoised on purpose: the virtualiser re-renders this table as it scrolls.
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    initialRect: { width: 800, height: 600 },
  });
  const items = virtualizer.getVirtualItems();
  // Fewer columns in a narrow window, so nothing overlaps or scrolls sideways.
  const [width, setWidth] = useState(800);
  useEffect(() => {
    const element = scroller.current;
    if (!element || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(entry.contentRect.width);
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  const columns = columnsFor(width);
  const tracks = { gridTemplateColumns: columns.map((c) => c.track).join(" ") };
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  const { ensure } = results;

  useEffect(() => {
    if (total > 0) ensure(first, last);
  }, [ensure, first, last, total]);

  useEffect(() => {
    if (selected >= 0 && selected < total) virtualizer.scrollToIndex(selected, { align: "auto" });
  }, [selected, total, virtualizer]);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (total === 0) return;
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? 600) / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowDown: selected + 1,
      ArrowUp: selected - 1,
      PageDown: selected + page,
      PageUp: selected - page,
      Home: 0,
      End: total - 1,
    };
    if (event.key in moves) {
      event.preventDefault();
      onSelect(Math.min(total - 1, Math.max(0, moves[event.key] ?? selected)));
    } else if (event.key === "Enter" && selected >= 0) {
      event.preventDefault();
      onOpen(selected);
    }
  }

  const activeId = selected >= 0 && selected < total ? `device-row-${selected}` : undefined;
  return (
    <div
      ref={gridRef}
      className={styles.grid}
      role="grid"
      aria-label="Matching devices"
      aria-rowcount={total + 1}
      aria-activedescendant={activeId}
      tabIndex={0}
      id="device-results"
      onKeyDown={onKeyDown}
    >
      <div className={styles.header} style={tracks} role="row" aria-rowindex={1}>
        {columns.map((column) => (
          <span key={column.title} role="columnheader" className={styles.cell}>
            {column.title}
          </span>
        ))}
      </div>
      <div ref={scroller} className={styles.scroller}>
        <div style={{ height: `${virtualizer.getTotalSize()}px` }}>
          {items.map((item) => {
            const device = results.deviceAt(item.index);
            return (
              <div
                key={item.key}
                id={`device-row-${item.index}`}
                role="row"
                aria-rowindex={item.index + 2}
                aria-selected={item.index === selected}
                data-device-id={device?.id}
                className={mergeClasses(styles.row, item.index === selected && styles.selected)}
                style={{ top: `${item.start}px`, height: `${ROW_HEIGHT}px`, ...tracks }}
                onClick={() => {
                  onSelect(item.index);
                  onOpen(item.index);
                }}
              >
                {device ? (
                  columns.map((column, i) => (
                    <span
                      key={column.title}
                      role="gridcell"
                      title={column.hover?.(device)}
                      className={mergeClasses(
                        styles.cell,
                        i === 0 && styles.name,
                        column.mono && styles.mono,
                      )}
                    >
                      {column.cell(device)}
                    </span>
                  ))
                ) : (
                  <span role="gridcell" className={mergeClasses(styles.cell, styles.loading)}>
                    Loading…
                  </span>
                )}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

import { makeStyles, mergeClasses, tokens, useMergedRefs } from "@fluentui/react-components";
import { ArrowSortDownRegular, ArrowSortUpRegular } from "@fluentui/react-icons";
import { useVirtualizer } from "@tanstack/react-virtual";
import {
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  type KeyboardEvent,
  type PointerEvent,
  type ReactNode,
} from "react";

import type { Device, DeviceSort, SortColumn } from "../backend";
import { ago, dateTime, ownershipLabel, platformLabel } from "../format";
import type { SearchResults } from "./useDeviceSearch";

const ROW_HEIGHT = 34;

interface Column {
  title: string;
  sort: SortColumn;
  /** Its CSS grid track. */
  track: string;
  /** The narrowest it may be resized to: the serial stays whole. */
  min: number;
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
    sort: "name",
    track: "minmax(110px, 2fr)",
    min: 110,
    from: 0,
    cell: (d) => d.deviceName || "(no name)",
    hover: (d) => d.deviceName,
  },
  {
    title: "Serial",
    sort: "serial",
    track: "136px",
    min: 136,
    from: 0,
    cell: (d) => d.serialNumber,
    mono: true,
  },
  {
    title: "User",
    sort: "user",
    track: "minmax(90px, 1.5fr)",
    min: 90,
    from: 0,
    cell: (d) => d.userDisplayName || d.userPrincipalName,
    hover: (d) => d.userPrincipalName,
  },
  {
    title: "Platform",
    sort: "platform",
    track: "104px",
    min: 72,
    from: 560,
    cell: (d) => `${platformLabel(d.platform)} ${d.osVersion}`,
  },
  {
    title: "Owner",
    sort: "owner",
    track: "72px",
    min: 60,
    from: 680,
    cell: (d) => ownershipLabel(d.ownership),
  },
  {
    title: "Check-in",
    sort: "checkIn",
    track: "92px",
    min: 72,
    from: 760,
    cell: (d) => ago(d.lastSync),
    hover: (d) => dateTime(d.lastSync),
  },
];

/** The columns that fit a table this wide. */
export function columnsFor(width: number): Column[] {
  return COLUMNS.filter((c) => width >= c.from);
}

/** Widths the admin dragged columns to, by title. */
export type ColumnWidths = Partial<Record<string, number>>;

/**
 * The grid's tracks. A resized column gives way when the window narrows (down to its minimum)
 * rather than pushing the table sideways, and the widest flexible column left fills what remains.
 */
export function tracksFor(columns: Column[], widths: ColumnWidths): string {
  const tracks = columns.map((c) => {
    const width = widths[c.title];
    return width === undefined ? c.track : `minmax(${c.min}px, ${Math.max(c.min, width)}px)`;
  });
  const flexible = columns.some((c) => widths[c.title] === undefined && c.track.includes("fr"));
  if (!flexible && tracks.length > 0) {
    const last = columns.length - 1;
    tracks[last] = `minmax(${columns[last]?.min ?? 0}px, 1fr)`;
  }
  return tracks.join(" ");
}

/** The next sort when a column's header is chosen: ascending, descending, then best match. */
export function nextSort(current: DeviceSort | null, column: SortColumn): DeviceSort | null {
  if (current?.column !== column) return { column, descending: false };
  return current.descending ? null : { column, descending: true };
}

const WIDTHS_KEY = "intune-actions.column-widths";

function savedWidths(): ColumnWidths {
  try {
    const saved: unknown = JSON.parse(localStorage.getItem(WIDTHS_KEY) ?? "{}");
    return typeof saved === "object" && saved !== null ? (saved as ColumnWidths) : {};
  } catch {
    return {};
  }
}

const useStyles = makeStyles({
  // The grid is what scrolls, under a header that stays: the element that has the keyboard
  // focus (arrows, Page Up/Down) is the one that scrolls.
  grid: {
    flexGrow: 1,
    minHeight: 0,
    overflowY: "auto",
    position: "relative",
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground1,
    ":focus-visible": { outline: `${tokens.strokeWidthThick} solid ${tokens.colorStrokeFocus2}` },
  },
  header: {
    position: "sticky",
    top: 0,
    zIndex: 2,
    backgroundColor: tokens.colorNeutralBackground1,
    display: "grid",
    gap: tokens.spacingHorizontalS,
    padding: `0 ${tokens.spacingHorizontalM}`,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    color: tokens.colorNeutralForeground3,
    fontWeight: tokens.fontWeightSemibold,
  },
  headerCell: { position: "relative", display: "flex", alignItems: "center", minWidth: 0 },
  sortButton: {
    display: "flex",
    alignItems: "center",
    gap: tokens.spacingHorizontalXXS,
    minWidth: 0,
    flexGrow: 1,
    padding: `${tokens.spacingVerticalXS} 0`,
    border: "none",
    background: "none",
    color: "inherit",
    font: "inherit",
    cursor: "pointer",
    textAlign: "start",
    ":hover": { color: tokens.colorNeutralForeground1 },
    ":focus-visible": {
      outline: `${tokens.strokeWidthThick} solid ${tokens.colorStrokeFocus2}`,
      borderRadius: tokens.borderRadiusSmall,
    },
  },
  sorted: { color: tokens.colorNeutralForeground1 },
  resizer: {
    position: "absolute",
    top: 0,
    bottom: 0,
    right: `calc(-1 * ${tokens.spacingHorizontalS} / 2 - 3px)`,
    width: "6px",
    cursor: "col-resize",
    zIndex: 1,
    touchAction: "none",
    ":hover": { backgroundColor: tokens.colorNeutralStroke1 },
    ":focus-visible": { backgroundColor: tokens.colorStrokeFocus2, outline: "none" },
  },
  list: { position: "relative" },
  row: {
    position: "absolute",
    left: 0,
    right: 0,
    display: "grid",
    gap: tokens.spacingHorizontalS,
    alignItems: "center",
    padding: `0 ${tokens.spacingHorizontalM}`,
    cursor: "pointer",
    // Each background with the text colour made for it: in high contrast both change (black on
    // the highlight colour), and the text would otherwise stay white on cyan.
    ":hover": {
      backgroundColor: tokens.colorSubtleBackgroundHover,
      color: tokens.colorNeutralForeground1Hover,
    },
  },
  checked: { backgroundColor: tokens.colorBrandBackground2 },
  selected: {
    backgroundColor: tokens.colorSubtleBackgroundSelected,
    color: tokens.colorNeutralForeground1Selected,
    boxShadow: `inset 3px 0 0 ${tokens.colorBrandStroke1}`,
  },
  // One line height for every cell, so monospaced serials sit on the same line as the names.
  cell: {
    overflow: "hidden",
    textOverflow: "ellipsis",
    whiteSpace: "nowrap",
    minWidth: 0,
    lineHeight: tokens.lineHeightBase300,
  },
  name: { fontWeight: tokens.fontWeightSemibold },
  mono: { fontFamily: tokens.fontFamilyMonospace },
  loading: { color: tokens.colorNeutralForeground4 },
});

interface Props {
  results: SearchResults;
  /** The column the list is ordered by; `null` is best match first. */
  sort: DeviceSort | null;
  onSort(sort: DeviceSort | null): void;
  selected: number;
  onSelect(index: number): void;
  /** Devices picked for a run of many (Ctrl/Cmd+click, Shift+click, Space). */
  checked: { has(id: string): boolean };
  /** Ctrl/Cmd+click or Space: in or out of the pick; Shift+click: the rows from the last one
   * picked; Shift+arrow: into the pick. */
  onCheck(index: number, how: "toggle" | "range" | "add"): void;
  /** Enter on a row: open it. */
  onOpen(index: number): void;
  gridRef?: React.RefObject<HTMLDivElement | null>;
}

/** Matching devices, virtualised: only the rows in view exist, so 100,000 scroll smoothly. */
export function ResultsTable({
  results,
  sort,
  onSort,
  selected,
  onSelect,
  checked,
  onCheck,
  onOpen,
  gridRef,
}: Props) {
  const styles = useStyles();
  const scroller = useRef<HTMLDivElement>(null);
  const gridRefs = useMergedRefs(scroller, gridRef);
  const header = useRef<HTMLDivElement>(null);
  // Rows start below the sticky header: the virtualiser counts it as the list's offset.
  const [headerHeight, setHeaderHeight] = useState(ROW_HEIGHT);
  useLayoutEffect(() => {
    const height = header.current?.offsetHeight;
    if (height) setHeaderHeight(height);
  }, []);
  const total = results.total ?? 0;
  // eslint-disable-next-line react-hooks/incompatible-library -- not memoised on purpose: the virtualiser re-renders this table as it scrolls.
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    scrollMargin: headerHeight,
    scrollPaddingStart: headerHeight,
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
  const [widths, setWidths] = useState<ColumnWidths>(savedWidths);
  useEffect(() => {
    localStorage.setItem(WIDTHS_KEY, JSON.stringify(widths));
  }, [widths]);
  const tracks = { gridTemplateColumns: tracksFor(columns, widths) };
  const resize = (column: Column, width: number | undefined) =>
    setWidths((prev) => ({
      ...prev,
      [column.title]: width === undefined ? undefined : Math.round(Math.max(column.min, width)),
    }));
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
    const page = Math.max(
      1,
      Math.floor(((scroller.current?.clientHeight ?? 600) - headerHeight) / ROW_HEIGHT) - 1,
    );
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
      const next = Math.min(total - 1, Math.max(0, moves[event.key] ?? selected));
      // Shift with an arrow extends the pick, the way lists on the desktop do.
      if (event.shiftKey && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
        if (selected >= 0) onCheck(selected, "add");
        onCheck(next, "add");
      }
      onSelect(next);
    } else if (event.key === "Enter" && selected >= 0) {
      event.preventDefault();
      onOpen(selected);
    } else if (event.key === " " && selected >= 0) {
      event.preventDefault();
      onCheck(selected, "toggle");
    }
  }

  const activeId = selected >= 0 && selected < total ? `device-row-${selected}` : undefined;
  return (
    <div
      ref={gridRefs}
      className={styles.grid}
      role="grid"
      aria-label="Matching devices"
      aria-rowcount={total + 1}
      aria-activedescendant={activeId}
      tabIndex={0}
      id="device-results"
      onKeyDown={onKeyDown}
    >
      <div ref={header} className={styles.header} style={tracks} role="row" aria-rowindex={1}>
        {columns.map((column, i) => (
          <HeaderCell
            key={column.title}
            column={column}
            tracks={tracks.gridTemplateColumns}
            sort={sort?.column === column.sort ? sort : null}
            onSort={() => onSort(nextSort(sort, column.sort))}
            onResize={i < columns.length - 1 ? (w) => resize(column, w) : undefined}
          />
        ))}
      </div>
      <div className={styles.list}>
        <div style={{ height: `${virtualizer.getTotalSize()}px` }}>
          {items.map((item) => {
            const device = results.deviceAt(item.index);
            return (
              <div
                key={item.key}
                id={`device-row-${item.index}`}
                role="row"
                aria-rowindex={item.index + 2}
                aria-selected={item.index === selected || (!!device && checked.has(device.id))}
                data-checked={device && checked.has(device.id) ? "" : undefined}
                data-device-id={device?.id}
                className={mergeClasses(
                  styles.row,
                  device && checked.has(device.id) && styles.checked,
                  item.index === selected && styles.selected,
                )}
                style={{
                  top: `${item.start - headerHeight}px`,
                  height: `${ROW_HEIGHT}px`,
                  ...tracks,
                }}
                onClick={(event) => {
                  if (event.ctrlKey || event.metaKey || event.shiftKey) {
                    event.preventDefault();
                    onCheck(item.index, event.shiftKey ? "range" : "toggle");
                    return;
                  }
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

interface HeaderProps {
  column: Column;
  /** The grid's tracks: the cell is measured again when they change. */
  tracks: string;
  /** The sort, when it is by this column. */
  sort: DeviceSort | null;
  onSort(): void;
  /** A width in pixels, or `undefined` to go back to the default. Absent on the last column. */
  onResize?(width: number | undefined): void;
}

/** A column title that sorts when chosen, with a handle on its right edge to resize it. */
function HeaderCell({ column, tracks, sort, onSort, onResize }: HeaderProps) {
  const styles = useStyles();
  const cell = useRef<HTMLSpanElement>(null);
  const drag = useRef<{ x: number; width: number } | null>(null);
  const order = sort ? (sort.descending ? "descending" : "ascending") : "none";
  // The width as laid out, for assistive technology; measured after each layout of the grid.
  const [shown, setShown] = useState(column.min);
  const current = () => {
    const width = cell.current?.getBoundingClientRect().width ?? 0;
    return width > 0 ? width : shown;
  };
  useLayoutEffect(() => {
    const width = Math.round(cell.current?.getBoundingClientRect().width ?? 0);
    if (width > 0) setShown(width);
  }, [tracks]);

  function onPointerDown(event: PointerEvent<HTMLDivElement>) {
    event.preventDefault();
    event.currentTarget.setPointerCapture?.(event.pointerId);
    drag.current = { x: event.clientX, width: current() };
  }
  function onPointerMove(event: PointerEvent<HTMLDivElement>) {
    if (drag.current) onResize?.(drag.current.width + event.clientX - drag.current.x);
  }
  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const step = event.shiftKey ? 40 : 10;
    if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
      event.preventDefault();
      onResize?.(current() + (event.key === "ArrowRight" ? step : -step));
    } else if (event.key === "Home" || event.key === "Delete" || event.key === "Backspace") {
      event.preventDefault();
      onResize?.(undefined);
    }
  }

  return (
    <span ref={cell} role="columnheader" aria-sort={order} className={styles.headerCell}>
      <button
        type="button"
        className={mergeClasses(styles.sortButton, sort ? styles.sorted : undefined)}
        onClick={onSort}
        title={
          order === "none"
            ? `Sort by ${column.title.toLowerCase()}`
            : order === "ascending"
              ? "Sorted A to Z (oldest first); choose to reverse"
              : "Sorted Z to A (newest first); choose again for best match first"
        }
      >
        <span className={styles.cell}>{column.title}</span>
        {sort &&
          (sort.descending ? (
            <ArrowSortDownRegular aria-hidden fontSize={14} />
          ) : (
            <ArrowSortUpRegular aria-hidden fontSize={14} />
          ))}
      </button>
      {onResize && (
        <div
          role="separator"
          aria-orientation="vertical"
          aria-label={`Resize ${column.title}`}
          aria-valuemin={column.min}
          aria-valuenow={shown}
          title="Drag to resize; double-click for the default width"
          tabIndex={0}
          className={styles.resizer}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={() => (drag.current = null)}
          onPointerCancel={() => (drag.current = null)}
          onDoubleClick={() => onResize(undefined)}
          onKeyDown={onKeyDown}
        />
      )}
    </span>
  );
}

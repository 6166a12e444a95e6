import {
  Button,
  Dropdown,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Option,
  SearchBox,
  Text,
  tokens,
} from "@fluentui/react-components";
import { useDeferredValue, useEffect, useRef, useState, type KeyboardEvent } from "react";

import { useManyDevices } from "./actions/ManyDevicesHost";

import type { Device, DeviceQuery, DeviceSort, Ownership, Platform } from "../backend";
import { PLATFORM_CHOICES, platformLabel, words } from "../format";
import { useBackend } from "../backend/context";
import { ResultsTable } from "./ResultsTable";
import { useDeviceSearch } from "./useDeviceSearch";

const useStyles = makeStyles({
  root: {
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalS,
    minHeight: 0,
    flexGrow: 1,
  },
  filters: { display: "flex", flexWrap: "wrap", gap: tokens.spacingHorizontalS },
  filter: { minWidth: "130px" },
  search: { maxWidth: "none" },
  count: { color: tokens.colorNeutralForeground3 },
  countRow: {
    display: "flex",
    alignItems: "center",
    gap: tokens.spacingHorizontalS,
    flexWrap: "wrap",
  },
});

/** "Select all shown" takes at most this many: a run bigger than that is a list from a file. */
const SELECT_ALL_UP_TO = 1000;

type Tri = "any" | "yes" | "no";
const triValue = (t: Tri) => (t === "any" ? null : t === "yes");
const CHECK_IN = {
  any: "Any check-in",
  "7": "Checked in ≤ 7 days",
  "30": "Checked in ≤ 30 days",
  stale30: "No check-in for 30+ days",
} as const;

interface Props {
  /** Bumped when the inventory changes, so results are asked for again. */
  generation: number;
  onOpen(device: Device): void;
}

export function DeviceFinder({ generation, onOpen }: Props) {
  const styles = useStyles();
  const backend = useBackend();
  const [text, setText] = useState("");
  const [platforms, setPlatforms] = useState<Platform[]>([]);
  const [ownership, setOwnership] = useState<Ownership | "any">("any");
  const [supervised, setSupervised] = useState<Tri>("any");
  const [encrypted, setEncrypted] = useState<Tri>("any");
  const [compliance, setCompliance] = useState<string>("any");
  const [checkIn, setCheckIn] = useState<keyof typeof CHECK_IN>("any");
  const [sort, setSort] = useState<DeviceSort | null>(null);
  const [selected, setSelected] = useState(-1);
  // Devices picked for a run of many, in the order picked; the anchor of a Shift+click range.
  const [checked, setChecked] = useState<Map<string, Device>>(new Map());
  const [anchor, setAnchor] = useState(-1);
  const openMany = useManyDevices();
  const grid = useRef<HTMLDivElement>(null);

  const deferredText = useDeferredValue(text);
  // Enter pressed before the answer for what was typed arrived: open the first match when it does,
  // so a fast typist's Enter is not lost.
  const openWhenReady = useRef(false);
  const query: DeviceQuery = {
    text: deferredText,
    platforms,
    ownership: ownership === "any" ? null : ownership,
    supervised: triValue(supervised),
    encrypted: triValue(encrypted),
    compliance: compliance === "any" ? null : compliance,
    checkedInWithinDays: checkIn === "7" ? 7 : checkIn === "30" ? 30 : null,
    notCheckedInForDays: checkIn === "stale30" ? 30 : null,
    sort,
  };
  const results = useDeviceSearch(query, generation);
  const total = results.total;

  function check(index: number, how: "toggle" | "range" | "add") {
    setChecked((previous) => {
      const next = new Map(previous);
      if (how === "range" && anchor >= 0) {
        // The rows between, as far as they have been read (a list the admin scrolled through).
        const [from, to] = anchor < index ? [anchor, index] : [index, anchor];
        for (let i = from; i <= to; i++) {
          const device = results.deviceAt(i);
          if (device) next.set(device.id, device);
        }
      } else {
        const device = results.deviceAt(index);
        if (!device) return previous;
        if (how === "toggle" && next.has(device.id)) next.delete(device.id);
        else next.set(device.id, device);
      }
      return next;
    });
    setAnchor(index);
    setSelected(index);
  }

  async function checkAllShown() {
    const found = await backend.searchDevices(query, 0, SELECT_ALL_UP_TO);
    setChecked(new Map(found.page.devices.map((d) => [d.id, d])));
  }

  function open(index: number) {
    const device = results.deviceAt(index);
    if (device) onOpen(device);
  }

  function onSearchKey(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === "ArrowDown" && (total ?? 0) > 0) {
      event.preventDefault();
      setSelected(0);
      grid.current?.focus();
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (total === null || deferredText !== text) openWhenReady.current = true;
      else if (total > 0) {
        setSelected(0);
        open(0);
      }
    }
  }

  const answered = total !== null && deferredText === text;
  const first = answered ? results.deviceAt(0) : undefined;
  useEffect(() => {
    if (!openWhenReady.current || !answered) return;
    openWhenReady.current = false;
    if (first) onOpen(first);
  }, [answered, first, onOpen]);

  const tri = (label: string, value: Tri, set: (t: Tri) => void) => (
    <Dropdown
      className={styles.filter}
      aria-label={label}
      value={value === "any" ? `${label}: any` : `${label}: ${value}`}
      selectedOptions={[value]}
      onOptionSelect={(_, d) => set((d.optionValue as Tri) ?? "any")}
    >
      <Option value="any">{`${label}: any`}</Option>
      <Option value="yes">{`${label}: yes`}</Option>
      <Option value="no">{`${label}: no`}</Option>
    </Dropdown>
  );

  // Ctrl+F (Cmd+F on a Mac) and "/" (outside a text field) go to the search from anywhere.
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      const typing =
        target?.tagName === "INPUT" || target?.tagName === "TEXTAREA" || target?.isContentEditable;
      const find = (e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === "f";
      if (find || (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey)) {
        const search = document.getElementById("device-search");
        if (search instanceof HTMLInputElement) {
          e.preventDefault();
          search.focus();
          search.select();
        }
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  return (
    <section className={styles.root} aria-label="Find a device">
      <SearchBox
        id="device-search"
        className={styles.search}
        size="large"
        autoFocus
        placeholder="Device name, serial number, user or device ID"
        aria-label="Search devices"
        value={text}
        onChange={(_, data) => {
          setText(data.value);
          setSelected(-1);
          openWhenReady.current = false;
        }}
        onKeyDown={onSearchKey}
      />
      <div className={styles.filters}>
        <Dropdown
          className={styles.filter}
          aria-label="Platform"
          multiselect
          placeholder="All platforms"
          value={platforms.map(platformLabel).join(", ")}
          selectedOptions={platforms}
          onOptionSelect={(_, d) => setPlatforms(d.selectedOptions as Platform[])}
        >
          {PLATFORM_CHOICES.map((p) => (
            <Option key={p} value={p}>
              {platformLabel(p)}
            </Option>
          ))}
        </Dropdown>
        <Dropdown
          className={styles.filter}
          aria-label="Ownership"
          value={
            ownership === "any" ? "Any owner" : ownership === "company" ? "Company" : "Personal"
          }
          selectedOptions={[ownership]}
          onOptionSelect={(_, d) => setOwnership((d.optionValue as Ownership | "any") ?? "any")}
        >
          <Option value="any">Any owner</Option>
          <Option value="company">Company</Option>
          <Option value="personal">Personal</Option>
        </Dropdown>
        {tri("Supervised", supervised, setSupervised)}
        {tri("Encrypted", encrypted, setEncrypted)}
        <Dropdown
          className={styles.filter}
          aria-label="Compliance"
          value={compliance === "any" ? "Any compliance" : words(compliance)}
          selectedOptions={[compliance]}
          onOptionSelect={(_, d) => setCompliance(d.optionValue ?? "any")}
        >
          <Option value="any">Any compliance</Option>
          {["compliant", "noncompliant", "inGracePeriod", "unknown"].map((state) => (
            <Option key={state} value={state} text={words(state)}>
              {words(state)}
            </Option>
          ))}
        </Dropdown>
        <Dropdown
          className={styles.filter}
          aria-label="Last check-in"
          value={CHECK_IN[checkIn]}
          selectedOptions={[checkIn]}
          onOptionSelect={(_, d) => setCheckIn((d.optionValue as keyof typeof CHECK_IN) ?? "any")}
        >
          {Object.entries(CHECK_IN).map(([value, label]) => (
            <Option key={value} value={value}>
              {label}
            </Option>
          ))}
        </Dropdown>
      </div>
      {results.error ? (
        <MessageBar intent="error">
          <MessageBarBody>{results.error.message}</MessageBarBody>
        </MessageBar>
      ) : (
        <div className={styles.countRow}>
          <Text id="result-count" className={styles.count} aria-live="polite">
            {total === null
              ? "Searching…"
              : `${total.toLocaleString()} ${total === 1 ? "device" : "devices"}${
                  results.source === "graph"
                    ? " (searched in Microsoft Graph while the device list loads)"
                    : ""
                }`}
          </Text>
          {checked.size > 0 ? (
            <>
              <Text id="picked-count" weight="semibold">
                {checked.size.toLocaleString()} picked
              </Text>
              <Button
                size="small"
                appearance="primary"
                id="picked-act"
                onClick={() =>
                  openMany({
                    chosen: {
                      title: `${checked.size.toLocaleString()} devices picked`,
                      devices: [...checked.values()],
                    },
                  })
                }
              >
                Act on them…
              </Button>
              <Button size="small" appearance="subtle" onClick={() => setChecked(new Map())}>
                Clear
              </Button>
            </>
          ) : (
            total !== null &&
            total > 1 &&
            total <= SELECT_ALL_UP_TO &&
            results.source === "inventory" && (
              <Button
                size="small"
                appearance="subtle"
                id="pick-all"
                title="Ctrl+click or Space picks one device, Shift+click the rows between"
                onClick={() => void checkAllShown()}
              >
                Pick all {total.toLocaleString()}
              </Button>
            )
          )}
        </div>
      )}
      <ResultsTable
        results={results}
        sort={sort}
        onSort={(next) => {
          setSort(next);
          setSelected(-1);
        }}
        selected={selected}
        onSelect={setSelected}
        checked={checked}
        onCheck={check}
        onOpen={open}
        gridRef={grid}
      />
    </section>
  );
}

#!/usr/bin/python3
"""Footprint of the app beside a bare Tauri app, measured the same way for both.

Run by scripts/bench, which builds the binaries. Everything runs on a private virtual display
(Xvfb) with its own session bus and a tray host (trayer), each start in a fresh home folder, so
the app opens its demo tenant as on a first start. What it measures, per start:

- first paint: from spawning the process to its window being mapped with something drawn in it
  (not one flat colour), read from the display itself, so no code in either app is involved;
- interactive (the app only): to the log line the UI sends once the demo's devices are listed;
- idle memory: PSS summed over the process and every process under it (WebKit's web and network
  processes), some seconds after the start settled;
- quick lock (the app only): from the trigger (a second launch with --quick-lock, or the global
  shortcut pressed on the display's keyboard) to the quick lock window mapped and drawn;
- tray memory: the same sum after the window was closed and the app sat in the tray a while.

Prints one JSON document with every sample; scripts/bench turns it into the table.
"""

import argparse
import datetime
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

from Xlib import X, XK
from Xlib import display as xdisplay
from Xlib.error import XError
from Xlib.ext import xtest
from Xlib.protocol import event as xevent

POLL = 0.002
APP_TITLE = "Intune Actions"
BARE_TITLE = "Bare Tauri"
QUICK_LOCK_TITLE = "Quick lock – Intune Actions"
DEVICES_LISTED = "start: devices listed"


def log(message):
    print(message, file=sys.stderr, flush=True)


class Session:
    """A virtual display, a session bus and a tray host, torn down together."""

    def __init__(self):
        self.children = []
        number = next(n for n in range(140, 240) if not os.path.exists(f"/tmp/.X11-unix/X{n}"))
        self.name = f":{number}"
        self.children.append(
            subprocess.Popen(
                ["Xvfb", self.name, "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        wait_for(lambda: os.path.exists(f"/tmp/.X11-unix/X{number}"), 10, "Xvfb did not start")
        bus = subprocess.run(
            ["dbus-daemon", "--session", "--fork", "--print-address=1", "--print-pid=1"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        self.bus_address, self.bus_pid = bus[0], int(bus[1])
        self.env = dict(os.environ)
        for name in list(self.env):
            if name.startswith(("INTUNE_ACTIONS_", "XDG_", "WAYLAND")):
                del self.env[name]
        self.env.update(
            DISPLAY=self.name,
            DBUS_SESSION_BUS_ADDRESS=self.bus_address,
            WEBKIT_DISABLE_DMABUF_RENDERER="1",
            LC_ALL="C.UTF-8",
        )
        if shutil.which("trayer"):
            self.children.append(
                subprocess.Popen(
                    ["trayer", "--edge", "top", "--align", "right", "--widthtype", "pixel",
                     "--width", "200", "--height", "32"],
                    env=self.env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        self.x = xdisplay.Display(self.name)
        self.root = self.x.screen().root
        self.net_wm_name = self.x.intern_atom("_NET_WM_NAME")
        self.utf8 = self.x.intern_atom("UTF8_STRING")

    def close(self):
        self.x.close()
        for child in reversed(self.children):
            child.terminate()
            try:
                child.wait(5)
            except subprocess.TimeoutExpired:
                child.kill()
        try:
            os.kill(self.bus_pid, signal.SIGTERM)
        except ProcessLookupError:
            pass

    def title(self, window):
        """The window's title as the desktop shows it (UTF-8 `_NET_WM_NAME`, else `WM_NAME`)."""
        name = window.get_full_property(self.net_wm_name, self.utf8)
        if name is not None:
            value = name.value
            return value.decode("utf-8", "replace") if isinstance(value, bytes) else value
        return window.get_wm_name()

    def window(self, title):
        """The mapped top-level window with this title, or None."""
        try:
            for child in self.root.query_tree().children:
                if (child.get_attributes().map_state == X.IsViewable
                        and self.title(child) == title):
                    return child
        except XError:
            pass
        return None

    def drawn(self, window):
        """Whether the top of the window shows more than one colour (text, a field, a button)."""
        try:
            geometry = window.get_geometry()
            height = min(geometry.height, 160)
            data = window.get_image(0, 0, geometry.width, height, X.ZPixmap, 0xFFFFFFFF).data
        except XError:
            return False
        return len(data) >= 8 and data != data[:4] * (len(data) // 4)

    def close_window(self, window):
        """Asks the window to close, as a window manager's close button does."""
        protocols = self.x.intern_atom("WM_PROTOCOLS")
        delete = self.x.intern_atom("WM_DELETE_WINDOW")
        message = xevent.ClientMessage(
            window=window, client_type=protocols, data=(32, [delete, X.CurrentTime, 0, 0, 0])
        )
        window.send_event(message)
        self.x.flush()

    def press(self, keys):
        """Presses the keys together on the display's keyboard (XTEST), then lets them go."""
        codes = [self.x.keysym_to_keycode(XK.string_to_keysym(k)) for k in keys]
        for code in codes:
            xtest.fake_input(self.x, X.KeyPress, code)
        self.x.sync()
        for code in reversed(codes):
            xtest.fake_input(self.x, X.KeyRelease, code)
        self.x.sync()


def wait_for(check, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(POLL)
    raise TimeoutError(what)


def process_tree(pid):
    """The process and every process under it."""
    parents = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            parents.setdefault(int(fields[1]), []).append(int(entry))
        except (OSError, IndexError):
            continue
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(parents.get(current, []))
    return tree


def memory_kib(pid):
    """PSS (and RSS, for reference) summed over the process tree, in KiB."""
    pss = rss = 0
    processes = process_tree(pid)
    for member in processes:
        try:
            with open(f"/proc/{member}/smaps_rollup") as rollup:
                for line in rollup:
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1])
                    elif line.startswith("Rss:"):
                        rss += int(line.split()[1])
        except OSError:
            continue
    return {"pss_kib": pss, "rss_kib": rss, "processes": len(processes)}


class Started:
    """One start of an app in a fresh home folder."""

    def __init__(self, session, binary, title, home):
        self.session, self.title, self.home = session, title, home
        env = dict(session.env)
        env.update(
            HOME=home,
            XDG_CONFIG_HOME=f"{home}/.config",
            XDG_DATA_HOME=f"{home}/.local/share",
            XDG_CACHE_HOME=f"{home}/.cache",
        )
        self.env = env
        self.binary = binary
        self.t0 = time.monotonic()
        self.process = subprocess.Popen(
            [binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    def first_paint(self, timeout=60):
        window = wait_for(lambda: self.session.window(self.title), timeout, f"{self.title}: no window")
        mapped = time.monotonic() - self.t0
        wait_for(lambda: self.session.drawn(window), timeout, f"{self.title}: nothing drawn")
        return mapped, time.monotonic() - self.t0, window

    def log_text(self):
        # The home's folders are hidden ones (.local/share/…), which glob would skip.
        text = ""
        for folder, _, names in os.walk(self.home):
            if os.path.basename(folder) != "logs":
                continue
            for name in names:
                try:
                    with open(os.path.join(folder, name), errors="replace") as file:
                        text += file.read()
                except OSError:
                    continue
        return text

    def log_has(self, text):
        return text in self.log_text()

    def logged_ms(self, text):
        """The app's own `since_start_ms` on the first log line holding `text`."""
        for line in self.log_text().splitlines():
            if text in line and "since_start_ms=" in line:
                return int(line.split("since_start_ms=")[1].split()[0])
        return None

    def interactive(self, timeout=120):
        wait_for(lambda: self.log_has(DEVICES_LISTED), timeout, "the devices were never listed")
        return time.monotonic() - self.t0

    def stop(self):
        tree = process_tree(self.process.pid)
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for pid in tree[1:]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


QUICK_LOCK_ON_SCREEN = "quick lock on screen"


def logged_at(line):
    """The wall-clock time at the start of a log line ("2026-12-02T01:01:22.403832Z  INFO …")."""
    stamp = line.split()[0].replace("Z", "+00:00")
    return datetime.datetime.fromisoformat(stamp).timestamp()


def quick_lock_latency(session, started, trigger):
    """From the trigger to quick lock's window drawn, and to its search field on screen (the page
    says so in the log: a window can be drawn with only a spinner in it); closes it again (it
    hides) afterwards."""
    t0, wall = time.monotonic(), time.time()
    if trigger == "second-launch":
        helper = subprocess.Popen(
            [started.binary, "--quick-lock"],
            env=started.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    else:
        session.press(["Control_L", "Shift_L", "l"])
        helper = None
    window = wait_for(lambda: session.window(QUICK_LOCK_TITLE), 30, "quick lock never showed")
    wait_for(lambda: session.drawn(window), 30, "quick lock was never drawn")
    drawn = time.monotonic() - t0

    def on_screen():
        times = [logged_at(line) for line in started.log_text().splitlines()
                 if QUICK_LOCK_ON_SCREEN in line]
        later = [at for at in times if at >= wall]
        return min(later) if later else None

    ready = wait_for(on_screen, 30, "quick lock's search field never came") - wall
    if helper:
        helper.wait(30)
    session.close_window(window)
    wait_for(lambda: session.window(QUICK_LOCK_TITLE) is None, 10, "quick lock did not close")
    # Its last report may land after the window went: none is taken for the next trigger's.
    time.sleep(0.3)
    return drawn, ready


def one_start(session, kind, binary, settle, quick_locks, tray_secs, short=False):
    """One start: first paint (and the list, for the app), memory with the window open, then
    closed (the app in the tray), quick lock from the tray, and a long stay in the tray. A short
    start stops after the list."""
    home = tempfile.mkdtemp(prefix=f"footprint-{kind}-")
    title = APP_TITLE if kind == "app" else BARE_TITLE
    started = Started(session, binary, title, home)
    sample = {}
    try:
        mapped, painted, window = started.first_paint()
        sample.update(mapped_s=mapped, first_paint_s=painted)
        if kind == "app":
            sample["interactive_s"] = started.interactive()
            sample["ui_first_frame_ms"] = started.logged_ms("start: first frame")
            sample["ui_devices_listed_ms"] = started.logged_ms(DEVICES_LISTED)
        if short:
            return sample
        time.sleep(settle)
        sample["idle"] = memory_kib(started.process.pid)
        # Into the tray, as an admin keeps it all day: quick lock is measured from there, over
        # an empty screen (a new window is never taken as drawn for what was left beneath it).
        session.close_window(window)
        wait_for(lambda: session.window(title) is None, 10, f"{title} did not close")
        time.sleep(settle)
        sample["closed"] = memory_kib(started.process.pid)
        if kind == "app" and quick_locks:
            for trigger in ("second-launch", "shortcut"):
                timings = [quick_lock_latency(session, started, trigger)
                           for _ in range(quick_locks)]
                sample[f"quick_lock_{trigger}_drawn_s"] = [drawn for drawn, _ in timings]
                sample[f"quick_lock_{trigger}_s"] = [ready for _, ready in timings]
                time.sleep(0.5)
            time.sleep(settle)
            sample["closed_after_quick_lock"] = memory_kib(started.process.pid)
        if tray_secs is not None:
            time.sleep(tray_secs)
            sample["tray"] = memory_kib(started.process.pid)
            sample["tray_secs"] = tray_secs
    finally:
        started.stop()
        shutil.rmtree(home, ignore_errors=True)
    return sample


def spread(values, scale=1.0, unit="", digits=0):
    """Median with the smallest and largest: "412 ms (398–440)"."""
    values = [v * scale for v in values]
    if not values:
        return "n/a"
    median = statistics.median(values)
    text = f"{median:,.{digits}f}{unit}"
    if len(values) > 1:
        text += f" ({min(values):,.{digits}f}–{max(values):,.{digits}f}, n={len(values)})"
    return text


def ratio_cell(ours, floor, goal):
    if not ours or not floor:
        return "n/a", "n/a"
    ratio = statistics.median(ours) / statistics.median(floor)
    return f"{ratio:.2f}x", ("yes" if ratio <= goal else "**no**")


def report(args):
    """The markdown table from the measurements, the sizes and the lookup bench's table."""
    with open(args.results) as file:
        results = json.load(file)
    with open(args.sizes) as file:
        sizes = json.load(file)
    app, bare = results["app"], results["bare"]

    def column(samples, key, sub=None):
        values = []
        for sample in samples:
            value = sample.get(key)
            if value is None:
                continue
            if sub:
                value = value[sub]
            values.extend(value if isinstance(value, list) else [value])
        return values

    rows = []

    def size_row(what, key):
        ours, floor = sizes["app"].get(key), sizes["bare"].get(key)
        if ours is None or floor is None:
            return
        ratio, met = ratio_cell([ours], [floor], 2.0)
        rows.append((what, f"{floor / 1e6:.2f} MB", f"{ours / 1e6:.2f} MB", ratio, "within 2x", met))

    size_row("release binary, stripped", "stripped")
    size_row("installer (.deb)", "deb")
    for what, key, goal in (
        ("start to window mapped", "mapped_s", None),
        ("start to first paint", "first_paint_s", 1.3),
    ):
        ours, floor = column(app, key), column(bare, key)
        ratio, met = ratio_cell(ours, floor, goal or 99)
        rows.append((what, spread(floor, 1000, " ms"), spread(ours, 1000, " ms"), ratio,
                     f"within {goal}x" if goal else "", met if goal else ""))
    rows.append(("start to interactive (the demo's 500 devices listed)", "n/a",
                 spread(column(app, "interactive_s"), 1000, " ms"), "", "", ""))
    ui_frame = [ms / 1000 for ms in column(app, "ui_first_frame_ms") if ms is not None]
    if ui_frame:
        rows.append(("the UI's first frame, as the app logs it (`start: first frame`)", "n/a",
                     spread(ui_frame, 1000, " ms"), "", "", ""))
    tray_secs = column(app, "tray_secs") or column(bare, "tray_secs")
    if tray_secs and tray_secs[0] >= 60:
        tray_what = f"memory after {tray_secs[0] / 60:.0f} min in the tray (PSS)"
    elif tray_secs:
        tray_what = f"memory after {tray_secs[0]:.0f} s in the tray (PSS)"
    else:
        tray_what = "memory after a stay in the tray (PSS)"
    for what, key, goal in (
        ("idle memory after start, window open (PSS, all processes)", "idle", 1.3),
        ("window closed, in the tray (PSS)", "closed", None),
        ("in the tray after quick lock was used (PSS)", "closed_after_quick_lock", None),
        (tray_what, "tray", None),
    ):
        ours = column(app, key, "pss_kib")
        floor = column(bare, key, "pss_kib")
        if not ours and not floor:
            continue
        ratio, met = ratio_cell(ours, floor, goal or 99)
        rows.append((what, spread(floor, 1 / 1024, " MiB", 1) if floor else "n/a",
                     spread(ours, 1 / 1024, " MiB", 1),
                     ratio if floor else "", f"within {goal}x" if goal else "", met if goal else ""))
    # The goal is for the app kept in the tray all day: the long stay when there was one.
    open_pss = column(app, "idle", "pss_kib")
    tray_pss = column(app, "tray", "pss_kib") or column(app, "closed", "pss_kib")
    if open_pss and tray_pss:
        less = statistics.median(tray_pss) < statistics.median(open_pss)
        rows.append((f"{tray_what.split(' (')[0]}: below window open (the app)", "", "",
                     f"{statistics.median(tray_pss) / statistics.median(open_pss):.2f}x", "less",
                     "yes" if less else "**no**"))
    for trigger in ("second-launch", "shortcut"):
        latencies = column(app, f"quick_lock_{trigger}_s")
        drawn = column(app, f"quick_lock_{trigger}_drawn_s")
        how = trigger.replace("-", " ")
        if drawn:
            rows.append((f"quick lock's window drawn, from the {how}", "n/a",
                         spread(drawn, 1000, " ms"), "", "", ""))
        if latencies:
            met = "yes" if statistics.median(latencies) <= 0.150 else "**no**"
            rows.append((f"quick lock's search field on screen, from the {how}", "n/a",
                         spread(latencies, 1000, " ms"), "", "150 ms", met))
        # The first opening after a start finds a page that has not run while hidden.
        firsts = [sample[f"quick_lock_{trigger}_s"][0] for sample in app
                  if sample.get(f"quick_lock_{trigger}_s")]
        if trigger == "second-launch" and firsts:
            met = "yes" if statistics.median(firsts) <= 0.150 else "**no**"
            rows.append((f"of which the first opening after a start, from the {how}", "n/a",
                         spread(firsts, 1000, " ms"), "", "150 ms", met))
    lines = ["| measure | bare Tauri | Intune Actions | ratio | goal | met |",
             "| --- | --- | --- | --- | --- | --- |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    print("\n".join(lines))


START = "<!-- footprint:start (scripts/bench writes from here) -->"
END = "<!-- footprint:end -->"


def splice(args):
    """Puts the footprint table and both lookup runs between the markers in BENCHMARKS.md."""
    with open(args.table) as file:
        table = file.read().strip()
    lookups = []
    for path in args.lookup:
        with open(path) as file:
            lines = [line for line in file.read().splitlines() if line.startswith("| ")]
        lookups.append(lines)
    merged = []
    if lookups:
        # One table: the measures of the first run, each run's result side by side.
        header = ["| measure | target | " + " | ".join(f"run {i + 1}" for i in range(len(lookups))) + " |",
                  "| --- | --- | " + " | ".join("---" for _ in lookups) + " |"]
        merged += header
        for row_index, line in enumerate(lookups[0][2:], start=2):
            cells = [c.strip() for c in line.strip("|").split("|")]
            results = []
            for run in lookups:
                other = run[row_index].strip("|").split("|") if row_index < len(run) else ["", "n/a"]
                results.append(other[1].strip())
            merged.append(f"| {cells[0]} | {cells[2]} | " + " | ".join(results) + " |")
    block = "\n".join([
        START,
        f"Measured {args.date} by `scripts/bench`: release builds, each app started in a fresh home "
        "folder on a private Xvfb display with a tray host; median (smallest–largest, number of "
        "samples). The ratio is Intune Actions over the bare app.",
        "",
        table,
        "",
        "Device lookup at 100,000 devices (`cargo bench -p intune-core --bench lookup`), two runs:",
        "",
        *merged,
        END,
    ])
    with open(args.file) as file:
        text = file.read()
    if START in text and END in text:
        before = text[: text.index(START)]
        after = text[text.index(END) + len(END):]
        text = before + block + after
    else:
        text = text.rstrip("\n") + "\n\n## Footprint beside a bare Tauri app\n" + block + "\n"
    with open(args.file, "w") as file:
        file.write(text)


def measure(args):
    session = Session()
    results = {"app": [], "bare": []}
    try:
        # Alternate the two apps, so a noisy moment on a shared machine hits both alike.
        for index in range(args.samples):
            tray = args.tray_secs if index >= args.samples - args.tray_samples else None
            for kind, binary in (("bare", args.bare), ("app", args.app)):
                log(f"footprint: {kind}, start {index + 1} of {args.samples}"
                    + (f", then {tray:.0f} s in the tray" if tray is not None else ""))
                results[kind].append(
                    one_start(session, kind, binary, args.settle, args.quick_locks, tray)
                )
                time.sleep(1)
        # Start times here come in two modes, for both apps alike: most first paints come after
        # about 0.3 s, others half a second later, inside WebKit's first load, as if by chance.
        # Five starts can fall three to two either way, so the start rows also take these short
        # starts (to the list, then quit), alternated the same way.
        for index in range(args.starts):
            for kind, binary in (("bare", args.bare), ("app", args.app)):
                log(f"footprint: {kind}, short start {index + 1} of {args.starts}")
                results[kind].append(one_start(session, kind, binary, 0, 0, None, short=True))
                time.sleep(1)
    finally:
        session.close()
    json.dump(results, sys.stdout, indent=1)
    print()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("measure", help="start both apps and measure; JSON on stdout")
    run.add_argument("--app", required=True)
    run.add_argument("--bare", required=True)
    run.add_argument("--samples", type=int, default=5)
    run.add_argument("--starts", type=int, default=20,
                     help="short starts (first paint and the list only) after the full ones")
    run.add_argument("--settle", type=float, default=10, help="seconds before idle memory")
    run.add_argument("--quick-locks", type=int, default=5, help="per trigger, per start")
    run.add_argument("--tray-secs", type=float, default=600, help="in the tray before memory")
    run.add_argument("--tray-samples", type=int, default=1, help="starts that also sit in the tray")
    table = commands.add_parser("report", help="the markdown table from measure's JSON")
    table.add_argument("--results", required=True)
    table.add_argument("--sizes", required=True)
    write = commands.add_parser("splice", help="write the tables into BENCHMARKS.md")
    write.add_argument("--file", required=True)
    write.add_argument("--table", required=True)
    write.add_argument("--lookup", nargs="*", default=[])
    write.add_argument("--date", required=True)
    args = parser.parse_args()
    {"measure": measure, "report": report, "splice": splice}[args.command](args)


if __name__ == "__main__":
    main()

//! A throwaway desktop for the suite: a virtual display, a session bus and a private home, plus a
//! tauri-driver per test. Everything is stopped when dropped.

use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Each suite run gets its own app identifier, so it never meets a copy the developer is running.
pub const INSTANCE_ENV: &str = "INTUNE_ACTIONS_INSTANCE";

pub struct Desktop {
    pub display: String,
    pub dbus_address: String,
    pub home: tempfile::TempDir,
    pub instance: String,
    pub artifacts: PathBuf,
    children: Vec<Child>,
}

impl Desktop {
    pub fn start() -> Result<Desktop, String> {
        let artifacts = artifacts_dir();
        std::fs::create_dir_all(&artifacts)
            .map_err(|e| format!("cannot create {}: {e}", artifacts.display()))?;
        let home = tempfile::Builder::new()
            .prefix("intune-e2e-home")
            .tempdir()
            .map_err(|e| format!("cannot create a temporary home: {e}"))?;
        let mut desktop = Desktop {
            display: String::new(),
            dbus_address: String::new(),
            instance: format!("e2e{}", std::process::id()),
            home,
            artifacts,
            children: Vec::new(),
        };
        desktop.start_display()?;
        desktop.start_session_bus()?;
        desktop.start_tray_host()?;
        require("WebKitWebDriver", "webkit2gtk-driver")?;
        tauri_driver_path().ok_or(TAURI_DRIVER_MISSING)?;
        Ok(desktop)
    }

    /// The environment every process of the suite runs with: the app launched by the driver
    /// inherits it, so it uses the virtual display, the private bus and the private home.
    pub fn env(&self) -> Vec<(String, String)> {
        let home = self.home.path();
        let dir = |name: &str| home.join(name).display().to_string();
        vec![
            ("DISPLAY".into(), self.display.clone()),
            ("DBUS_SESSION_BUS_ADDRESS".into(), self.dbus_address.clone()),
            ("HOME".into(), home.display().to_string()),
            ("XDG_CONFIG_HOME".into(), dir(".config")),
            ("XDG_DATA_HOME".into(), dir(".local/share")),
            ("XDG_CACHE_HOME".into(), dir(".cache")),
            ("XDG_STATE_HOME".into(), dir(".local/state")),
            ("XDG_RUNTIME_DIR".into(), dir("runtime")),
            (INSTANCE_ENV.into(), self.instance.clone()),
            // Software rendering under Xvfb shows a blank window without this.
            ("WEBKIT_DISABLE_DMABUF_RENDERER".into(), "1".into()),
            ("GDK_BACKEND".into(), "x11".into()),
            ("NO_AT_BRIDGE".into(), "1".into()),
            ("INTUNE_ACTIONS_LOG".into(), "info".into()),
            // No test but the updates one looks for updates (this machine has no internet).
            ("INTUNE_ACTIONS_UPDATES".into(), "off".into()),
        ]
    }

    /// Forgets what earlier tests left in the app's own folders (profiles, settings, audit,
    /// caches, autostart entry), so every test starts the app as a newcomer would.
    pub fn reset_app_state(&self) {
        let identifier = format!("{}.{}", intune_core::APP_IDENTIFIER, self.instance);
        let home = self.home.path();
        for base in [".config", ".local/share", ".cache"] {
            let _ = std::fs::remove_dir_all(home.join(base).join(&identifier));
        }
        let _ = std::fs::remove_dir_all(home.join(".config/autostart"));
    }

    /// The app's configuration folder in the test home (profiles, settings).
    pub fn app_config_dir(&self) -> PathBuf {
        let identifier = format!("{}.{}", intune_core::APP_IDENTIFIER, self.instance);
        self.home.path().join(".config").join(identifier)
    }

    /// What the app has logged in this desktop so far: every file in its log folder, in name order.
    pub fn app_log(&self) -> String {
        let identifier = format!("{}.{}", intune_core::APP_IDENTIFIER, self.instance);
        let dir = self
            .home
            .path()
            .join(".local/share")
            .join(identifier)
            .join("logs");
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|entries| entries.flatten().map(|entry| entry.path()).collect())
            .unwrap_or_default();
        files.sort();
        files
            .iter()
            .filter_map(|file| std::fs::read_to_string(file).ok())
            .collect()
    }

    /// The environment of each WebKit web process the app in this desktop runs (told apart from
    /// other desktops' by the instance variable they inherit), as `NAME=value` lines.
    pub fn app_web_process_environments(&self) -> Vec<Vec<String>> {
        let ours = format!("{INSTANCE_ENV}={}", self.instance);
        let Ok(entries) = std::fs::read_dir("/proc") else {
            return Vec::new();
        };
        entries
            .flatten()
            .filter(|entry| {
                std::fs::read_to_string(entry.path().join("comm"))
                    .is_ok_and(|comm| comm.starts_with("WebKitWebProces"))
            })
            .filter_map(|entry| std::fs::read(entry.path().join("environ")).ok())
            .map(|environ| {
                environ
                    .split(|byte| *byte == 0)
                    .map(|pair| String::from_utf8_lossy(pair).into_owned())
                    .collect::<Vec<_>>()
            })
            .filter(|environment| environment.contains(&ours))
            .collect()
    }

    /// A command that runs inside this desktop.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut command = Command::new(program);
        command.env_clear();
        // PATH to find programs; RUST_BACKTRACE so a panic in the app explains itself in the log.
        for name in ["PATH", "RUST_BACKTRACE"] {
            if let Some(value) = std::env::var_os(name) {
                command.env(name, value);
            }
        }
        command.envs(self.env());
        command
    }

    /// Saves a picture of the whole virtual screen (window frame and all) to the artifacts folder.
    pub fn screenshot_screen(&self, name: &str) -> Option<PathBuf> {
        let path = self.artifacts.join(format!("{name}-screen.png"));
        let status = self
            .command("import")
            .args(["-window", "root"])
            .arg(&path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .ok()?;
        status.success().then_some(path)
    }

    /// Presses keys on the virtual display, as a person at the keyboard (e.g. `ctrl+shift+l`).
    pub fn press_keys(&self, keys: &str) -> Result<(), String> {
        require("xdotool", "xdotool")?;
        let status = self
            .command("xdotool")
            .args(["key", keys])
            .status()
            .map_err(|e| format!("cannot run xdotool: {e}"))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("xdotool could not press {keys}"))
        }
    }

    /// Whether a window whose title contains `title` is on show (mapped), not merely created:
    /// quick lock hides its window rather than closing it.
    pub fn shows_window_titled(&self, title: &str) -> Result<bool, String> {
        Ok(self.shown_window(title)?.is_some())
    }

    /// The X id of a window on show titled `title`, or else whose title contains it ("Intune
    /// Actions" is the main window, not "Quick lock – Intune Actions").
    fn shown_window(&self, title: &str) -> Result<Option<String>, String> {
        let tree = self.window_tree()?;
        let titled: Vec<(String, String)> = tree
            .lines()
            .filter_map(|line| {
                let (id, rest) = line.trim_start().split_once(' ')?;
                Some((id.to_owned(), rest.split('"').nth(1)?.to_owned()))
            })
            .collect();
        let exact = titled.iter().filter(|(_, t)| t == title);
        let partial = titled
            .iter()
            .filter(|(_, t)| t != title && t.contains(title));
        for (id, _) in exact.chain(partial) {
            if self.is_viewable(id)? {
                return Ok(Some(id.clone()));
            }
        }
        Ok(None)
    }

    /// Whether the X window is mapped, and so on screen.
    fn is_viewable(&self, id: &str) -> Result<bool, String> {
        let out = self
            .command("xwininfo")
            .args(["-id", id])
            .output()
            .map_err(|e| format!("cannot run xwininfo: {e}"))?;
        Ok(String::from_utf8_lossy(&out.stdout).contains("Map State: IsViewable"))
    }

    /// Gives the keyboard to the window titled `title` (what a window manager does when a window
    /// comes forward; the test display has none), then presses `keys` there.
    pub fn press_keys_in(&self, title: &str, keys: &str) -> Result<(), String> {
        require("xdotool", "xdotool")?;
        let id = self
            .shown_window(title)?
            .ok_or_else(|| format!("no window titled {title:?} is on show"))?;
        let status = self
            .command("xdotool")
            .args(["windowfocus", "--sync", &id, "key", keys])
            .status()
            .map_err(|e| format!("cannot run xdotool: {e}"))?;
        check_status(
            status.success(),
            &format!("xdotool could not press {keys} in {title}"),
        )
    }

    /// Starts a window manager (openbox) on the display, for as long as the guard lives: GTK acts
    /// on a window's close request only when one runs.
    pub fn start_window_manager(&self) -> Result<WindowManager, String> {
        require("openbox", "openbox")?;
        let child = self
            .command("openbox")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start openbox: {e}"))?;
        let up = wait_until(Duration::from_secs(10), || {
            self.window_tree()
                .is_ok_and(|tree| tree.contains("\"Openbox\":"))
        });
        let manager = WindowManager(child);
        check_status(up, "openbox did not start")?;
        Ok(manager)
    }

    /// Asks the window titled `title` to close, as its title bar's close button does through the
    /// window manager (the X11 WM_DELETE_WINDOW message; needs [`Desktop::start_window_manager`]).
    pub fn close_window(&self, title: &str) -> Result<(), String> {
        use x11rb::connection::Connection as _;
        use x11rb::protocol::xproto::{ClientMessageEvent, ConnectionExt as _, EventMask};
        let id = self
            .shown_window(title)?
            .ok_or_else(|| format!("no window titled {title:?} is on show"))?;
        let window = u32::from_str_radix(id.trim_start_matches("0x"), 16)
            .map_err(|e| format!("window id {id}: {e}"))?;
        let x11 = |e: &dyn std::fmt::Display| format!("X11: {e}");
        let (conn, _) = x11rb::connect(Some(&self.display)).map_err(|e| x11(&e))?;
        let atom = |name: &[u8]| -> Result<u32, String> {
            Ok(conn
                .intern_atom(false, name)
                .map_err(|e| x11(&e))?
                .reply()
                .map_err(|e| x11(&e))?
                .atom)
        };
        let event = ClientMessageEvent::new(
            32,
            window,
            atom(b"WM_PROTOCOLS")?,
            [atom(b"WM_DELETE_WINDOW")?, x11rb::CURRENT_TIME, 0, 0, 0],
        );
        conn.send_event(false, window, EventMask::NO_EVENT, event)
            .map_err(|e| x11(&e))?;
        conn.flush().map_err(|e| x11(&e))
    }

    /// The size of the window titled `title` on screen.
    pub fn window_size(&self, title: &str) -> Result<(u32, u32), String> {
        let id = self
            .shown_window(title)?
            .ok_or_else(|| format!("no window titled {title:?} is on show"))?;
        let out = self
            .command("xwininfo")
            .args(["-id", &id])
            .output()
            .map_err(|e| format!("cannot run xwininfo: {e}"))?;
        let text = String::from_utf8_lossy(&out.stdout);
        let read = |label: &str| {
            text.lines()
                .find_map(|l| l.trim().strip_prefix(label))
                .and_then(|v| v.trim().parse::<u32>().ok())
                .ok_or_else(|| format!("xwininfo gave no {label}"))
        };
        Ok((read("Width:")?, read("Height:")?))
    }

    /// Resizes the window titled `title` as a person dragging its corner would.
    pub fn resize_window(&self, title: &str, width: u32, height: u32) -> Result<(), String> {
        let id = self
            .shown_window(title)?
            .ok_or_else(|| format!("no window titled {title:?} is on show"))?;
        let status = self
            .command("xdotool")
            .args([
                "windowsize",
                "--sync",
                &id,
                &width.to_string(),
                &height.to_string(),
            ])
            .status()
            .map_err(|e| format!("cannot run xdotool: {e}"))?;
        check_status(status.success(), "xdotool could not resize the window")
    }

    /// Right-clicks the app's icon in the tray and waits for its menu, as a person would.
    pub fn open_tray_menu(&self) -> Result<(), String> {
        let (x, y) = self
            .tray_icon_centre()?
            .ok_or("the app's icon is not in the tray")?;
        let before = self.popup_count()?;
        let status = self
            .command("xdotool")
            .args(["mousemove", &x.to_string(), &y.to_string(), "click", "3"])
            .status()
            .map_err(|e| format!("cannot run xdotool: {e}"))?;
        check_status(status.success(), "xdotool could not click the tray icon")?;
        let opened = wait_until(Duration::from_secs(5), || {
            self.popup_count().is_ok_and(|n| n > before)
        });
        check_status(opened, "no menu opened on the tray icon")
    }

    /// Chooses a tray menu item with the keyboard, as GTK menus allow: `keys` moves to it (Down
    /// from the top, Up from the bottom, Right into a submenu), then Return.
    pub fn choose_in_tray_menu(&self, keys: &[&str]) -> Result<(), String> {
        for key in keys.iter().chain(&["Return"]) {
            self.press_keys(key)?;
            std::thread::sleep(Duration::from_millis(150));
        }
        Ok(())
    }

    /// Where the app's icon sits in the tray host, from the window tree.
    fn tray_icon_centre(&self) -> Result<Option<(i32, i32)>, String> {
        let tree = self.window_tree()?;
        // `0x40001d "…": ("tray-icon tray app main" "…")  32x30+0+0  +1246+1`
        Ok(tree
            .lines()
            .find(|line| line.contains("tray-icon tray app main"))
            .and_then(|line| {
                let mut fields = line.split_whitespace().rev();
                let absolute = fields.next()?;
                let size = fields.next()?;
                let (w, h) = size.split_once('+')?.0.split_once('x')?;
                let mut at = absolute.trim_start_matches('+').split('+');
                let (x, y): (i32, i32) = (at.next()?.parse().ok()?, at.next()?.parse().ok()?);
                Some((
                    x + w.parse::<i32>().ok()? / 2,
                    y + h.parse::<i32>().ok()? / 2,
                ))
            }))
    }

    /// Untitled windows of the app on show and large enough to be a menu (GTK popups are named
    /// after the program, not titled; a menu shown before is kept, unmapped, for next time).
    fn popup_count(&self) -> Result<usize, String> {
        let tree = self.window_tree()?;
        let candidates: Vec<&str> = tree
            .lines()
            .filter(|line| line.contains("\"intune-actions-desktop\": (\"intune-actions-desktop\""))
            .filter(|line| {
                line.split_whitespace()
                    .rev()
                    .nth(1)
                    .and_then(|size| size.split_once('+'))
                    .and_then(|(size, _)| size.split_once('x'))
                    .and_then(|(w, h)| Some((w.parse::<u32>().ok()?, h.parse::<u32>().ok()?)))
                    .is_some_and(|(w, h)| w > 100 && h > 40)
            })
            .filter_map(|line| line.split_whitespace().next())
            .collect();
        let mut shown = 0;
        for id in candidates {
            if self.is_viewable(id)? {
                shown += 1;
            }
        }
        Ok(shown)
    }

    fn window_tree(&self) -> Result<String, String> {
        require("xwininfo", "x11-utils")?;
        let out = self
            .command("xwininfo")
            .args(["-root", "-tree"])
            .env("LC_ALL", "C.UTF-8")
            .output()
            .map_err(|e| format!("cannot run xwininfo: {e}"))?;
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// A system tray on the display (trayer, an XEmbed tray), so the app's icon and its real menu
    /// are there to click, as on a desktop.
    fn start_tray_host(&mut self) -> Result<(), String> {
        require("trayer", "trayer")?;
        let child = self
            .command("trayer")
            .args([
                "--edge",
                "top",
                "--align",
                "right",
                "--widthtype",
                "pixel",
                "--width",
                "200",
                "--height",
                "32",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start trayer: {e}"))?;
        self.children.push(child);
        let up = wait_until(Duration::from_secs(10), || {
            self.window_tree()
                .is_ok_and(|tree| tree.contains("(\"panel\" \"trayer\")"))
        });
        check_status(up, "trayer's panel did not appear")
    }

    /// Chooses `path` in the GTK Open dialog titled `title` as a person would with the keyboard:
    /// Ctrl+L for the location field, the path, Enter.
    pub fn choose_in_file_dialog(&self, title: &str, path: &str) -> Result<(), String> {
        self.type_in_file_dialog(title, "ctrl+l", path)
    }

    /// Saves as `path` in the GTK Save dialog titled `title`: the suggested name selected (Ctrl+A)
    /// and typed over with the full path, Enter.
    pub fn save_in_file_dialog(&self, title: &str, path: &str) -> Result<(), String> {
        self.type_in_file_dialog(title, "ctrl+a", path)
    }

    /// The dialog gets the input focus first (the virtual display has no window manager to give
    /// it), and the field a moment after `first_keys` (keys typed before it shows are lost).
    fn type_in_file_dialog(&self, title: &str, first_keys: &str, path: &str) -> Result<(), String> {
        require("xdotool", "xdotool")?;
        let xdotool = |args: &[&str]| -> Result<(), String> {
            let status = self
                .command("xdotool")
                .args(args)
                .status()
                .map_err(|e| format!("cannot run xdotool: {e}"))?;
            if status.success() {
                Ok(())
            } else {
                Err(format!("xdotool {} failed", args.join(" ")))
            }
        };
        // GTK names the dialog before it maps it, and focusing an unmapped window fails
        // (BadMatch), so wait until it is on show and focus that very window.
        let mut shown = None;
        wait_until(Duration::from_secs(15), || {
            shown = self.shown_window(title).ok().flatten();
            shown.is_some()
        });
        let id = shown.ok_or_else(|| format!("the dialog {title:?} never came on show"))?;
        let mut focused = xdotool(&["windowfocus", "--sync", &id]);
        for _ in 0..5 {
            if focused.is_ok() {
                break;
            }
            std::thread::sleep(Duration::from_millis(200));
            focused = xdotool(&["windowfocus", "--sync", &id]);
        }
        focused?;
        std::thread::sleep(std::time::Duration::from_millis(300));
        xdotool(&["key", first_keys])?;
        std::thread::sleep(std::time::Duration::from_millis(700));
        xdotool(&["type", "--delay", "30", path])?;
        std::thread::sleep(std::time::Duration::from_millis(500));
        xdotool(&["key", "Return"])
    }

    /// Starts gnome-keyring (a real Secret Service) on the suite's bus, unlocked with a throwaway
    /// password, its keyring file in the test home. Without it the app finds no usable keychain;
    /// it stops when the guard is dropped.
    pub fn start_keychain(&self) -> Result<test_keychain::Keyring, String> {
        let keyring = test_keychain::start_keyring(self.env())?;
        test_keychain::wait_for_secret_service(&self.dbus_address)?;
        Ok(keyring)
    }

    /// Every file under the test home whose path contains `part`, with its text.
    pub fn files_in_home(&self, part: &str) -> Vec<(PathBuf, String)> {
        fn walk(dir: &Path, part: &str, found: &mut Vec<(PathBuf, String)>) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, part, found);
                } else if path.display().to_string().contains(part) {
                    found.push((
                        path.clone(),
                        std::fs::read_to_string(&path).unwrap_or_default(),
                    ));
                }
            }
        }
        let mut found = Vec::new();
        walk(self.home.path(), part, &mut found);
        found
    }

    /// The app's processes on this desktop (their home is the test home).
    fn app_processes(&self) -> Vec<i32> {
        let home = format!("HOME={}", self.home.path().display());
        let Ok(entries) = std::fs::read_dir("/proc") else {
            return Vec::new();
        };
        entries
            .flatten()
            .filter_map(|entry| {
                let pid = entry.file_name().to_string_lossy().parse::<i32>().ok()?;
                let exe = std::fs::read_link(entry.path().join("exe")).ok()?;
                if !exe
                    .display()
                    .to_string()
                    .starts_with(crate::app::APP_BINARY)
                {
                    return None;
                }
                let environ = std::fs::read(entry.path().join("environ")).ok()?;
                environ
                    .split(|b| *b == 0)
                    .any(|v| v == home.as_bytes())
                    .then_some(pid)
            })
            .collect()
    }

    /// The WebKit web processes under the app's process `root` (each holds the pages of one or
    /// more web views).
    pub fn web_processes(root: u32) -> Vec<i32> {
        let mut parents: std::collections::HashMap<i32, Vec<i32>> = Default::default();
        let mut names: std::collections::HashMap<i32, String> = Default::default();
        for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
                continue;
            };
            // "pid (name) state ppid …": the name may hold spaces and brackets.
            let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
                continue;
            };
            let Some(parent) = stat[close + 1..]
                .split_whitespace()
                .nth(1)
                .and_then(|p| p.parse::<i32>().ok())
            else {
                continue;
            };
            parents.entry(parent).or_default().push(pid);
            names.insert(pid, stat[open + 1..close].to_owned());
        }
        let mut found = Vec::new();
        let mut todo = vec![root as i32];
        while let Some(pid) = todo.pop() {
            if names
                .get(&pid)
                .is_some_and(|n| n.starts_with("WebKitWebProces"))
            {
                found.push(pid);
            }
            todo.extend(parents.get(&pid).into_iter().flatten());
        }
        found.sort_unstable();
        found
    }

    /// Whether the app still runs here (a Quit may take a moment to end the process, and a new
    /// start before then hands over to it).
    pub fn app_running(&self) -> bool {
        !self.app_processes().is_empty()
    }

    /// Kills the app (SIGKILL: no chance to end anything), as a crash or a power cut would; the
    /// number of processes killed.
    pub fn kill_app(&self) -> Result<usize, String> {
        let mut killed = 0;
        for pid in self.app_processes() {
            let status = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status()
                .map_err(|e| format!("cannot run kill: {e}"))?;
            if status.success() {
                killed += 1;
            }
        }
        Ok(killed)
    }

    /// Whether a window whose title contains `title` is on the virtual display.
    pub fn has_window_titled(&self, title: &str) -> Result<bool, String> {
        Ok(self.window_titles()?.iter().any(|t| t.contains(title)))
    }

    /// The titles of the windows on the virtual display.
    pub fn window_titles(&self) -> Result<Vec<String>, String> {
        require("xwininfo", "x11-utils")?;
        let out = self
            .command("xwininfo")
            .args(["-root", "-tree"])
            // Titles are UTF-8; in the plain C locale xwininfo cannot print them.
            .env("LC_ALL", "C.UTF-8")
            .output()
            .map_err(|e| format!("cannot run xwininfo: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "xwininfo failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        // Lines read `0x200003 "Title": ("class" "Class") …`.
        Ok(String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|line| line.split('"').nth(1).map(str::to_owned))
            .collect())
    }

    /// What the virtual display's clipboard holds now.
    pub fn clipboard_text(&self) -> Result<String, String> {
        require("xclip", "xclip")?;
        let out = self
            .command("xclip")
            .args(["-o", "-selection", "clipboard"])
            .stderr(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run xclip: {e}"))?;
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    fn start_display(&mut self) -> Result<(), String> {
        require("Xvfb", "xvfb")?;
        require("xauth", "xauth")?;
        for number in 90..190 {
            let socket = PathBuf::from(format!("/tmp/.X11-unix/X{number}"));
            if socket.exists() || Path::new(&format!("/tmp/.X{number}-lock")).exists() {
                continue;
            }
            let mut child = Command::new("Xvfb")
                .arg(format!(":{number}"))
                .args(["-screen", "0", "1280x860x24", "-nolisten", "tcp"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .map_err(|e| format!("cannot start Xvfb: {e}"))?;
            if wait_until(Duration::from_secs(10), || socket.exists()) {
                self.children.push(child);
                self.display = format!(":{number}");
                return Ok(());
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        Err("no free X display between :90 and :189".into())
    }

    fn start_session_bus(&mut self) -> Result<(), String> {
        require("dbus-daemon", "dbus")?;
        std::fs::create_dir_all(self.home.path().join("runtime"))
            .map_err(|e| format!("cannot create the runtime dir: {e}"))?;
        let mut child = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start dbus-daemon: {e}"))?;
        let stdout = child.stdout.take().ok_or("dbus-daemon has no stdout")?;
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .map_err(|e| format!("cannot read the bus address: {e}"))?;
        self.children.push(child);
        if line.trim().is_empty() {
            return Err("dbus-daemon printed no address".into());
        }
        self.dbus_address = line.trim().to_string();
        Ok(())
    }

    /// A tauri-driver of the test's own: whatever state a failed test leaves it in (a session that
    /// never ended, an app that hangs) goes away with it.
    pub fn start_driver(&self, test: &str) -> Result<Driver, String> {
        self.start_driver_with(test, &[])
    }

    /// A driver whose app gets these variables on top of the suite's environment.
    pub fn start_driver_with(&self, test: &str, env: &[(&str, &str)]) -> Result<Driver, String> {
        let driver = tauri_driver_path().ok_or(TAURI_DRIVER_MISSING)?;
        let port = free_port()?;
        let native_port = free_port()?;
        let log_path = self.artifacts.join(format!("{test}-tauri-driver.log"));
        let log = std::fs::File::create(&log_path)
            .map_err(|e| format!("cannot create {}: {e}", log_path.display()))?;
        let child = self
            .command(driver)
            .args(["--port", &port.to_string()])
            .args(["--native-port", &native_port.to_string()])
            .envs(env.iter().copied())
            .stdout(log.try_clone().map_err(|e| e.to_string())?)
            .stderr(log)
            .spawn()
            .map_err(|e| format!("cannot start tauri-driver: {e}"))?;
        let driver = Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let address = format!("127.0.0.1:{port}");
        if !wait_until(Duration::from_secs(15), || {
            TcpStream::connect(&address).is_ok()
        }) {
            return Err(format!("tauri-driver did not listen on {address}"));
        }
        Ok(driver)
    }
}

pub struct Driver {
    child: Child,
    pub url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        // tauri-driver ends WebKitWebDriver, which ends the app.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Desktop {
    fn drop(&mut self) {
        // Last started, first stopped: the bus before the display.
        for child in self.children.iter_mut().rev() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A window manager on the display, stopped when dropped.
pub struct WindowManager(Child);

impl Drop for WindowManager {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn check_status(ok: bool, message: &str) -> Result<(), String> {
    if ok { Ok(()) } else { Err(message.to_string()) }
}

pub fn artifacts_dir() -> PathBuf {
    std::env::var_os("E2E_ARTIFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("test-artifacts/e2e"))
}

pub fn wait_until(limit: Duration, mut ready: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if ready() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    ready()
}

pub fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

fn require(program: &str, package: &str) -> Result<(), String> {
    let found = std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
        .unwrap_or(false);
    if found {
        Ok(())
    } else {
        Err(format!(
            "{program} is not installed: install the Debian package `{package}` (scripts/test installs everything the suite needs)"
        ))
    }
}

const TAURI_DRIVER_MISSING: &str =
    "tauri-driver is not installed: run `cargo install tauri-driver --locked` (scripts/test does)";

fn tauri_driver_path() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("tauri-driver"))
            .find(|p| p.is_file())
    });
    on_path.or_else(|| {
        let cargo_home = std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
        let path = cargo_home.join("bin/tauri-driver");
        path.is_file().then_some(path)
    })
}

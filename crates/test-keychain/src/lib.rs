//! A throwaway desktop session for tests that need the real OS keychain on Linux: a private
//! D-Bus session bus, gnome-keyring unlocked with a throwaway password, and a throwaway home.
//! Programs started with [`TestKeychain::env`] store their secrets there and nowhere else.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Stops the bus and the keyring, and removes the home, when dropped.
pub struct TestKeychain {
    env: Vec<(String, String)>,
    _keyring: Killed,
    _bus: Killed,
    home: tempfile::TempDir,
}

impl TestKeychain {
    /// Needs `dbus-daemon` and `gnome-keyring-daemon` (Debian packages dbus, gnome-keyring).
    pub fn start() -> Result<TestKeychain, String> {
        for (program, package) in [
            ("dbus-daemon", "dbus"),
            ("gnome-keyring-daemon", "gnome-keyring"),
        ] {
            if Command::new(program).arg("--version").output().is_err() {
                return Err(format!(
                    "{program} is missing: install the Debian package `{package}` (scripts/test does)"
                ));
            }
        }
        let home = tempfile::tempdir().map_err(|e| e.to_string())?;
        let runtime = home.path().join("runtime");
        std::fs::create_dir_all(&runtime).map_err(|e| e.to_string())?;
        let mut bus = Killed(
            Command::new("dbus-daemon")
                .args(["--session", "--nofork", "--print-address=1"])
                .stdout(Stdio::piped())
                .spawn()
                .map_err(|e| format!("cannot start dbus-daemon: {e}"))?,
        );
        let mut address = String::new();
        BufReader::new(bus.0.stdout.take().ok_or("no bus stdout")?)
            .read_line(&mut address)
            .map_err(|e| e.to_string())?;
        let env: Vec<(String, String)> = [
            ("DBUS_SESSION_BUS_ADDRESS", address.trim().to_string()),
            ("HOME", home.path().display().to_string()),
            (
                "XDG_DATA_HOME",
                home.path().join("data").display().to_string(),
            ),
            ("XDG_RUNTIME_DIR", runtime.display().to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let mut keyring = Command::new("gnome-keyring-daemon")
            .args(["--unlock", "--components=secrets", "--foreground"])
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start gnome-keyring-daemon: {e}"))?;
        let mut stdin = keyring.stdin.take().ok_or("no keyring stdin")?;
        stdin
            .write_all(b"throwaway-password")
            .map_err(|e| e.to_string())?;
        drop(stdin);
        // The daemon claims its bus name asynchronously: callers retry their first keychain call
        // (or wait with `wait_until_ready`).
        Ok(TestKeychain {
            env,
            _keyring: Killed(keyring),
            _bus: bus,
            home,
        })
    }

    /// The environment a program needs to use this keychain (bus address, home, runtime folder).
    pub fn env(&self) -> &[(String, String)] {
        &self.env
    }

    pub fn home(&self) -> &Path {
        self.home.path()
    }

    /// Waits until the keyring answers on the bus (up to 5 s).
    pub fn wait_until_ready(&self) -> Result<(), String> {
        let address = &self.env[0].1;
        for _ in 0..50 {
            let owned = Command::new("dbus-send")
                .args([
                    &format!("--bus={address}"),
                    "--print-reply",
                    "--dest=org.freedesktop.DBus",
                    "/org/freedesktop/DBus",
                    "org.freedesktop.DBus.NameHasOwner",
                    "string:org.freedesktop.secrets",
                ])
                .output()
                .map_err(|e| format!("cannot run dbus-send: {e}"))?;
            if String::from_utf8_lossy(&owned.stdout).contains("boolean true") {
                return Ok(());
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        Err("gnome-keyring did not answer on the test bus within 5 s".into())
    }
}

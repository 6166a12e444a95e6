//! For tests that need the real OS keychain on Linux: gnome-keyring (a real Secret Service)
//! unlocked with a throwaway password, on a private D-Bus session bus with a throwaway home
//! ([`TestKeychain`]), or on a bus the caller already runs ([`start_keyring`]).

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

/// A running gnome-keyring; stopped when dropped.
pub struct Keyring {
    _daemon: Killed,
}

/// Starts gnome-keyring unlocked on the bus, home and runtime folder named in `env`, replacing
/// one already there (the Secret Service is D-Bus activatable: an earlier lookup may have had the
/// bus start one, locked). Its keyring file goes under that home.
pub fn start_keyring<K, V>(env: impl IntoIterator<Item = (K, V)>) -> Result<Keyring, String>
where
    K: AsRef<std::ffi::OsStr>,
    V: AsRef<std::ffi::OsStr>,
{
    require("gnome-keyring-daemon", "gnome-keyring")?;
    let mut child = Command::new("gnome-keyring-daemon")
        .args([
            "--replace",
            "--unlock",
            "--components=secrets",
            "--foreground",
        ])
        .envs(env)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start gnome-keyring-daemon: {e}"))?;
    let stdin = child.stdin.take();
    let keyring = Keyring {
        _daemon: Killed(child),
    };
    stdin
        .ok_or("no keyring stdin")?
        .write_all(b"throwaway-password")
        .map_err(|e| e.to_string())?;
    Ok(keyring)
}

/// Waits (up to 10 s) until the Secret Service answers on the bus at `bus_address`: the daemon
/// claims its name asynchronously.
pub fn wait_for_secret_service(bus_address: &str) -> Result<(), String> {
    for _ in 0..100 {
        let owned = Command::new("dbus-send")
            .args([
                &format!("--bus={bus_address}"),
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
    Err("gnome-keyring did not answer on the test bus within 10 s".into())
}

fn require(program: &str, package: &str) -> Result<(), String> {
    if Command::new(program).arg("--version").output().is_err() {
        return Err(format!(
            "{program} is missing: install the Debian package `{package}` (scripts/test does)"
        ));
    }
    Ok(())
}

/// A private bus with an unlocked keyring and a throwaway home; everything stops and goes when
/// dropped.
pub struct TestKeychain {
    env: Vec<(String, String)>,
    _keyring: Keyring,
    _bus: Killed,
    home: tempfile::TempDir,
}

impl TestKeychain {
    /// Needs `dbus-daemon` and `gnome-keyring-daemon` (Debian packages dbus, gnome-keyring).
    pub fn start() -> Result<TestKeychain, String> {
        require("dbus-daemon", "dbus")?;
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
        let keyring = start_keyring(env.iter().map(|(k, v)| (k, v)))?;
        // Callers retry their first keychain call, or wait with `wait_until_ready`.
        Ok(TestKeychain {
            env,
            _keyring: keyring,
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

    /// Waits until the keyring answers on the bus.
    pub fn wait_until_ready(&self) -> Result<(), String> {
        wait_for_secret_service(&self.env[0].1)
    }
}

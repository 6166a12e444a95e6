//! The app's own updates, served from a local update server: a release signed with the app's
//! update key is downloaded, checked and offered (never installed without a click); one signed
//! with another key is refused with a clear message.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::app::App;
use crate::desktop::{free_port, wait_until};
use crate::{Ctx, Outcome, check};

const VERSION: &str = "9.9.9";
const NOTES: &str = "Quick lock opens faster.";

/// A key pair made by the Tauri CLI, as a release owner makes theirs.
struct Key {
    private: std::path::PathBuf,
    public: String,
}

fn tauri_cli(args: &[&str]) -> Result<(), String> {
    let cli =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/node_modules/@tauri-apps/cli/tauri.js");
    let out = Command::new("node")
        .arg(&cli)
        .args(args)
        .env("TAURI_SIGNING_PRIVATE_KEY_PASSWORD", "")
        .output()
        .map_err(|e| format!("cannot run the Tauri CLI ({}): {e}", cli.display()))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "tauri {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn key(dir: &Path, name: &str) -> Result<Key, String> {
    let private = dir.join(format!("{name}.key"));
    let path = private.display().to_string();
    tauri_cli(&["signer", "generate", "--ci", "-p", "", "-w", &path])?;
    let public = std::fs::read_to_string(format!("{path}.pub"))
        .map_err(|e| format!("no public key for {name}: {e}"))?;
    Ok(Key {
        private,
        public: public.trim().to_string(),
    })
}

/// Signs `file` with `key` and returns the signature as a manifest carries it.
fn sign(file: &Path, key: &Key) -> Result<String, String> {
    let file_path = file.display().to_string();
    let key_path = key.private.display().to_string();
    tauri_cli(&["signer", "sign", "-f", &key_path, "-p", "", &file_path])?;
    std::fs::read_to_string(format!("{file_path}.sig"))
        .map_err(|e| format!("no signature for {file_path}: {e}"))
}

/// Writes the update manifest the app reads, offering `VERSION` with this signature.
fn publish(dir: &Path, port: u16, signature: &str) -> Result<(), String> {
    let url = format!("http://127.0.0.1:{port}/intune-actions-update.bin");
    let platform = serde_json::json!({ "signature": signature, "url": url });
    let manifest = serde_json::json!({
        "version": VERSION,
        "notes": NOTES,
        "pub_date": "2026-12-01T08:00:00Z",
        "platforms": { "linux-x86_64": platform, "linux-x86_64-deb": platform },
    });
    std::fs::write(dir.join("latest.json"), manifest.to_string())
        .map_err(|e| format!("cannot write the manifest: {e}"))
}

/// A static file server on loopback (Python's), stopped when dropped.
struct Server(Child);

impl Server {
    fn start(dir: &Path, port: u16) -> Result<Server, String> {
        let child = Command::new("python3")
            .args([
                "-m",
                "http.server",
                "--bind",
                "127.0.0.1",
                &port.to_string(),
            ])
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start the update server: {e}"))?;
        let address = format!("127.0.0.1:{port}");
        if !wait_until(Duration::from_secs(10), || {
            std::net::TcpStream::connect(&address).is_ok()
        }) {
            return Err("the update server did not listen".into());
        }
        Ok(Server(child))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn an_update_signed_with_the_app_key_is_offered_and_one_signed_with_another_is_refused<'a>(
    ctx: &'a Ctx<'a>,
) -> Outcome<'a> {
    Box::pin(async move {
        // The suite starts every app with updates off; this test starts its own.
        ctx.app.quit().await;
        check!(
            wait_until(Duration::from_secs(15), || !ctx.desktop.app_running()),
            "the first start did not end"
        );
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let app_key = key(dir.path(), "app")?;
        let other_key = key(dir.path(), "other")?;
        let package = dir.path().join("intune-actions-update.bin");
        std::fs::write(&package, b"the next version of Intune Actions")
            .map_err(|e| e.to_string())?;
        let by_app_key = sign(&package, &app_key)?;
        let by_other_key = sign(&package, &other_key)?;
        let port = free_port()?;
        let _server = Server::start(dir.path(), port)?;
        let url = format!("http://127.0.0.1:{port}/latest.json");
        let env = [
            ("INTUNE_ACTIONS_UPDATES", "on"),
            ("INTUNE_ACTIONS_UPDATE_URL", url.as_str()),
            ("INTUNE_ACTIONS_UPDATE_PUBKEY", app_key.public.as_str()),
        ];
        let name =
            "an_update_signed_with_the_app_key_is_offered_and_one_signed_with_another_is_refused";

        // Signed with the app's key: offered in the main window, with what is new.
        publish(dir.path(), port, &by_app_key)?;
        let driver = ctx
            .desktop
            .start_driver_with(&format!("{name}-good"), &env)?;
        let app = App::launch(ctx.desktop, &driver, name, &[]).await?;
        app.wait_for_text("#update-ready", "the update offer", |t| {
            t.contains(&format!("Intune Actions {VERSION} is ready to install"))
                && t.contains(NOTES)
        })
        .await?;
        ctx.shot("update-offered");
        app.click("#settings-open").await?;
        app.wait_for_text("#update-status", "the settings' update status", |t| {
            t.contains("downloaded, its signature checked")
        })
        .await?;
        // Nothing is installed without the admin's click: the app still runs its own version.
        check!(ctx.desktop.app_running(), "the app did not keep running");
        app.quit().await;
        check!(
            wait_until(Duration::from_secs(15), || !ctx.desktop.app_running()),
            "the app with the update offer did not end"
        );

        // Signed with another key: refused, said plainly, nothing offered.
        publish(dir.path(), port, &by_other_key)?;
        let driver = ctx
            .desktop
            .start_driver_with(&format!("{name}-other"), &env)?;
        let app = App::launch(ctx.desktop, &driver, name, &[]).await?;
        app.click("#settings-open").await?;
        app.wait_for_text("#update-refused", "the refusal", |t| {
            t.contains(&format!("Intune Actions {VERSION} was offered"))
                && t.contains("not signed with this app's update key")
        })
        .await?;
        ctx.shot("update-refused");
        check!(
            !app.exists("#update-ready").await?,
            "an update signed with another key was offered"
        );
        app.quit().await;
        Ok(())
    })
}

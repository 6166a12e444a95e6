//! The app's own updates: looked for a little after the start and then daily, downloaded and
//! checked against the app's update key before anything is offered, installed only when the
//! admin agrees. A machine-wide policy or the admin's setting turns all of it off.

use std::sync::Mutex;
use std::time::Duration;

use serde::Serialize;
use tauri::{AppHandle, Manager};
use tauri_plugin_updater::{Update, UpdaterExt};
use tauri_specta::Event;

use crate::state::AppState;

/// Another place to read the update manifest from (a fleet's own mirror; the tests' server).
/// Whatever it serves must still be signed with the app's update key.
pub const URL_ENV: &str = "INTUNE_ACTIONS_UPDATE_URL";
/// Debug builds only: the update key the tests sign with. Release builds trust only the key in
/// tauri.conf.json.
#[cfg(debug_assertions)]
pub const PUBKEY_ENV: &str = "INTUNE_ACTIONS_UPDATE_PUBKEY";

/// Long enough after the start not to compete with it.
const FIRST_LOOK_AFTER: Duration = Duration::from_secs(5);
const EVERY: Duration = Duration::from_secs(24 * 60 * 60);

/// Where the app's updates stand, for the settings and the offer in the main window.
#[derive(Debug, Clone, Default, PartialEq, Serialize, specta::Type)]
#[serde(
    tag = "state",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum UpdateStatus {
    /// Not looked for: `by` says what turned updates off; `policy` when the computer's policy
    /// did (the admin's setting cannot turn them back on).
    Off {
        by: String,
        policy: bool,
    },
    #[default]
    NotChecked,
    Checking,
    UpToDate {
        checked_at: String,
    },
    /// Downloaded and its signature checked: installs when the admin agrees.
    Ready {
        version: String,
        notes: String,
        published: Option<String>,
    },
    /// Offered but not trusted: nothing was installed.
    Refused {
        version: String,
        why: String,
    },
    /// Could not look or download (offline, the server failing); looked for again tomorrow.
    Failed {
        why: String,
    },
    Installing {
        version: String,
    },
}

/// Sent to the main window whenever [`UpdateStatus`] changes.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct UpdatesChanged(pub UpdateStatus);

#[derive(Default)]
pub struct Updates {
    status: Mutex<UpdateStatus>,
    ready: Mutex<Option<(Update, Vec<u8>)>>,
    looking: tokio::sync::Mutex<()>,
}

impl Updates {
    pub fn status(&self) -> UpdateStatus {
        self.status
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

fn set(app: &AppHandle, status: UpdateStatus) -> UpdateStatus {
    *app.state::<Updates>()
        .status
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = status.clone();
    let _ = UpdatesChanged(status.clone()).emit(app);
    status
}

/// The updater plugin, with the tests' key in debug builds when they give one.
pub fn plugin() -> tauri::plugin::TauriPlugin<tauri::Wry, tauri_plugin_updater::Config> {
    let builder = tauri_plugin_updater::Builder::new();
    #[cfg(debug_assertions)]
    let builder = match std::env::var(PUBKEY_ENV) {
        Ok(key) if !key.trim().is_empty() => builder.pubkey(key.trim()),
        _ => builder,
    };
    builder.build()
}

/// What turned updates off, if anything: the machine's policy first, then the admin's setting.
pub fn turned_off(app: &AppHandle) -> Option<UpdateStatus> {
    if let intune_core::policy::Updates::Off { by } = intune_core::policy::updates() {
        return Some(UpdateStatus::Off {
            by: format!("turned off for this computer by {by}"),
            policy: true,
        });
    }
    app.state::<AppState>()
        .settings()
        .updates_off
        .then(|| UpdateStatus::Off {
            by: "turned off in the settings".into(),
            policy: false,
        })
}

/// Looks a little after the start, then every day, while the app runs.
pub fn look_daily(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(FIRST_LOOK_AFTER).await;
        loop {
            look(&app).await;
            tokio::time::sleep(EVERY).await;
        }
    });
}

/// Looks for an update now; one look at a time.
pub async fn look(app: &AppHandle) -> UpdateStatus {
    if let Some(off) = turned_off(app) {
        return set(app, off);
    }
    let updates = app.state::<Updates>();
    let Ok(_one_at_a_time) = updates.looking.try_lock() else {
        return updates.status();
    };
    if let UpdateStatus::Ready { .. } | UpdateStatus::Installing { .. } = updates.status() {
        return updates.status();
    }
    set(app, UpdateStatus::Checking);
    let status = fetch(app).await;
    match &status {
        UpdateStatus::Ready { version, .. } => tracing::info!(%version, "update ready to install"),
        UpdateStatus::Refused { version, why } => {
            tracing::warn!(%version, %why, "update refused")
        }
        UpdateStatus::Failed { why } => tracing::info!(%why, "could not look for updates"),
        _ => tracing::info!("no update"),
    }
    set(app, status)
}

async fn fetch(app: &AppHandle) -> UpdateStatus {
    let failed = |what: &str, e: &dyn std::fmt::Display| UpdateStatus::Failed {
        why: format!("{what}: {e}. The app looks again tomorrow, or use Check now."),
    };
    let mut builder = app.updater_builder();
    if let Ok(url) = std::env::var(URL_ENV) {
        let endpoint = match url.parse() {
            Ok(endpoint) => endpoint,
            Err(e) => return failed(&format!("{URL_ENV} is not an address ({url})"), &e),
        };
        builder = match builder.endpoints(vec![endpoint]) {
            Ok(builder) => builder,
            Err(e) => return failed(&format!("{URL_ENV} cannot be used"), &e),
        };
    }
    let update = match builder.build() {
        Ok(updater) => updater.check().await,
        Err(e) => return failed("the updater could not start", &e),
    };
    let update = match update {
        Ok(Some(update)) => update,
        Ok(None) => {
            return UpdateStatus::UpToDate {
                checked_at: chrono::Utc::now().to_rfc3339(),
            };
        }
        Err(e) => return failed("the update server could not be read", &e),
    };
    let version = update.version.clone();
    match update.download(|_, _| {}, || {}).await {
        Ok(bytes) => {
            let status = UpdateStatus::Ready {
                version,
                notes: update.body.clone().unwrap_or_default(),
                published: update.date.map(|d| d.to_string()),
            };
            *app.state::<Updates>()
                .ready
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = Some((update, bytes));
            status
        }
        Err(e) if untrusted(&e) => UpdateStatus::Refused {
            why: format!(
                "Intune Actions {version} was offered, but it is not signed with this app's update key, so it was not installed ({e}). Nothing changed. If this repeats, tell whoever runs your update server."
            ),
            version,
        },
        Err(e) => failed(
            &format!("Intune Actions {version} could not be downloaded"),
            &e,
        ),
    }
}

/// The update's signature is missing, malformed or made with another key.
fn untrusted(error: &tauri_plugin_updater::Error) -> bool {
    use tauri_plugin_updater::Error;
    matches!(
        error,
        Error::Minisign(_) | Error::SignatureUtf8(_) | Error::Base64(_)
    )
}

/// Installs the update the admin agreed to, then starts the new version.
pub async fn install(app: &AppHandle) -> Result<(), String> {
    // Restarting would stop the run between two devices; it can go on after, but the admin would
    // not expect an update to interrupt it.
    if let Ok(tenant) = app.state::<AppState>().tenant().await
        && tenant.any_run_going()
    {
        return Err(
            "a run of many devices is going on: install the update when it has ended".into(),
        );
    }
    let ready = app
        .state::<Updates>()
        .ready
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .take();
    let Some((update, bytes)) = ready else {
        return Err("there is no update ready to install; use Check now".into());
    };
    let version = update.version.clone();
    set(
        app,
        UpdateStatus::Installing {
            version: version.clone(),
        },
    );
    tracing::info!(%version, "installing update");
    if let Err(e) = update.install(&bytes) {
        let why = format!("Intune Actions {version} could not be installed: {e}");
        tracing::warn!(%why, "update not installed");
        set(app, UpdateStatus::Failed { why: why.clone() });
        return Err(why);
    }
    app.restart()
}

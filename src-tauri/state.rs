//! What the app keeps for its lifetime, and its start-up wiring that needs the Tauri handle.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use intune_core::Secret;
use intune_core::actions::{ActionKind, ActionService, SecretKind};
use intune_core::connection::Connection;
use intune_core::devices::Inventory;
use intune_core::devices::pinned::{PinnedDevices, TrayDevice, remember_recent};
use intune_core::logging::{self, LogOptions};
use intune_core::profile::{Profile, ProfileFile};
use intune_core::{Error, ErrorReport};
use tauri::async_runtime::JoinHandle;

use crate::tray::TrayView;

/// How many recently looked-at devices the tray lists.
const RECENT_IN_TRAY: usize = 5;
use tauri::{AppHandle, Manager};
use tokio::sync::{Mutex, RwLock};

pub struct AppState {
    /// Where the log files go; `None` when the folder could not be created (stderr only then).
    pub log_dir: Option<PathBuf>,
    /// Where device inventories are cached (no secret in them).
    pub cache_dir: Option<PathBuf>,
    /// Where the profiles file is (shared with the command line).
    pub config_dir: Option<PathBuf>,
    /// Where the audit and the index of kept unlock PINs are (shared with the command line).
    pub data_dir: Option<PathBuf>,
    /// The tenant signed in to, if any.
    pub tenant: RwLock<Option<Arc<Tenant>>>,
    /// The device quick lock opens on, set by the tray just before it opens the window.
    pub quick_lock_target: std::sync::Mutex<Option<String>>,
    /// The interactive sign-in under way, if any: how to cancel it, and what the admin must do.
    pub sign_in: Mutex<Option<SignInUnderWay>>,
    /// Why the global shortcut is not registered, if it is not.
    shortcut_problem: std::sync::Mutex<Option<String>>,
    /// Whether the start-up plan (demo, resume, welcome) has run; held while it runs, so a second
    /// caller waits for its outcome instead of starting a second demo.
    pub opened: Mutex<bool>,
    /// The secret last copied to the clipboard: cleared on quit if the clipboard still holds it.
    pub copied: std::sync::Mutex<Option<intune_core::Secret>>,
    /// Counts each time the main window is shown: a release planned while it was hidden is
    /// dropped when it has been shown since.
    pub main_shown: std::sync::atomic::AtomicU64,
}

pub struct SignInUnderWay {
    pub cancel: tokio::sync::oneshot::Sender<()>,
    pub step: Option<intune_core::connection::SignInStep>,
}

/// A signed-in tenant: its device inventory, its actions, and what is being followed.
pub struct Tenant {
    pub connection: Connection,
    pub inventory: Arc<Inventory>,
    pub actions: ActionService,
    pub pinned: PinnedDevices,
    /// Devices looked at in this session, newest first, for the tray.
    recent: std::sync::Mutex<Vec<TrayDevice>>,
    followers: std::sync::Mutex<HashMap<(String, ActionKind), JoinHandle<()>>>,
    /// Secrets shown lately, so Copy works while they are on screen and not after.
    revealed: std::sync::Mutex<HashMap<(SecretKind, String), (Secret, Instant)>>,
    /// Pause and cancel for the run each window has going (by window label).
    runs_going: std::sync::Mutex<HashMap<String, intune_core::actions::RunControl>>,
    /// The last run sent from this app and when it ended, for its CSV.
    pub last_run: std::sync::Mutex<
        Option<(
            intune_core::actions::RunReport,
            chrono::DateTime<chrono::Utc>,
        )>,
    >,
}

impl Tenant {
    pub fn new(
        connection: Connection,
        inventory: Inventory,
        actions: ActionService,
        pinned: PinnedDevices,
    ) -> Self {
        Tenant {
            connection,
            inventory: Arc::new(inventory),
            actions,
            pinned,
            recent: Default::default(),
            followers: Default::default(),
            revealed: Default::default(),
            runs_going: Default::default(),
            last_run: Default::default(),
        }
    }

    /// A new run for `window`: its pause and cancel, until [`Tenant::run_ended`].
    pub fn run_started(&self, window: &str) -> intune_core::actions::RunControl {
        let control = intune_core::actions::RunControl::default();
        self.runs_going
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(window.to_string(), control.clone());
        control
    }

    /// The run `window` has going, if any.
    pub fn run_going(&self, window: &str) -> Option<intune_core::actions::RunControl> {
        self.runs_going
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(window)
            .cloned()
    }

    /// A run of many devices is going on in some window.
    pub fn any_run_going(&self) -> bool {
        !self
            .runs_going
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .is_empty()
    }

    pub fn run_ended(&self, window: &str) {
        self.runs_going
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(window);
    }

    /// Remembers a device the admin looked at, for the tray's recent devices.
    pub fn looked_at(&self, device: TrayDevice) {
        remember_recent(
            &mut self
                .recent
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
            device,
            RECENT_IN_TRAY,
        );
    }

    pub fn recent(&self) -> Vec<TrayDevice> {
        self.recent
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    pub fn followers(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<(String, ActionKind), JoinHandle<()>>> {
        self.followers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn remember_revealed(&self, kind: SecretKind, device_id: &str, secret: Secret) {
        let mut revealed = self
            .revealed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        revealed.insert((kind, device_id.to_string()), (secret, Instant::now()));
    }

    pub fn forget_revealed(&self, kind: SecretKind, device_id: &str) {
        self.revealed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .retain(|(k, d), (_, at)| {
                !(*k == kind && d == device_id) && at.elapsed() < Duration::from_secs(60)
            });
    }

    /// The secret, if it was revealed less than `within` ago.
    pub fn revealed(&self, kind: SecretKind, device_id: &str, within: Duration) -> Option<Secret> {
        self.revealed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&(kind, device_id.to_string()))
            .filter(|(_, at)| at.elapsed() < within)
            .map(|(secret, _)| secret.clone())
    }
}

impl Tenant {
    /// Stops following everything: the tenant is being replaced or signed out of. (Followers
    /// hold the tenant themselves, so dropping it would not stop them.)
    pub fn stop_followers(&self) {
        for (_, task) in self.followers().drain() {
            task.abort();
        }
    }
}

impl AppState {
    pub fn new(
        log_dir: Option<PathBuf>,
        cache_dir: Option<PathBuf>,
        config_dir: Option<PathBuf>,
        data_dir: Option<PathBuf>,
    ) -> Self {
        AppState {
            log_dir,
            cache_dir,
            config_dir,
            data_dir,
            tenant: RwLock::new(None),
            quick_lock_target: Default::default(),
            shortcut_problem: Default::default(),
            sign_in: Mutex::new(None),
            opened: Mutex::new(false),
            copied: std::sync::Mutex::new(None),
            main_shown: Default::default(),
        }
    }

    /// The profiles file (shared with the command line).
    /// The saved preferences; the defaults without a config folder or file.
    pub fn settings(&self) -> intune_core::settings::Settings {
        self.config_dir
            .as_ref()
            .map(|dir| intune_core::settings::SettingsFile::in_dir(dir).load())
            .unwrap_or_default()
    }

    /// Changes the saved preferences (kept for this run only without a config folder).
    pub fn change_settings(
        &self,
        change: impl FnOnce(&mut intune_core::settings::Settings),
    ) -> Result<(), ErrorReport> {
        let Some(dir) = &self.config_dir else {
            return Ok(());
        };
        let file = intune_core::settings::SettingsFile::in_dir(dir);
        let mut settings = file.load();
        change(&mut settings);
        Ok(file.save(&settings)?)
    }

    pub fn profiles_file(&self) -> Result<ProfileFile, ErrorReport> {
        self.config_dir
            .as_deref()
            .map(ProfileFile::in_dir)
            .ok_or_else(|| {
                Error::Internal("this system reports no configuration folder".into()).report()
            })
    }

    /// A saved profile, by name.
    pub fn saved_profile(&self, name: &str) -> Result<Profile, ErrorReport> {
        self.profiles_file()?
            .load()?
            .get(name)
            .cloned()
            .ok_or_else(|| Error::ProfileNotFound(name.to_string()).report())
    }

    /// Makes a saved profile the active one: the one opened at the next start.
    pub fn make_active(&self, name: &str) -> Result<(), ErrorReport> {
        let file = self.profiles_file()?;
        let mut set = file.load()?;
        set.use_profile(name)?;
        Ok(file.save(&set)?)
    }

    pub fn shortcut_problem(&self) -> Option<String> {
        self.shortcut_problem
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    pub fn set_shortcut_problem(&self, problem: Option<String>) {
        *self
            .shortcut_problem
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = problem;
    }

    /// What the tray menu shows now.
    pub async fn tray_view(&self) -> TrayView {
        let saved = self
            .config_dir
            .as_ref()
            .and_then(|dir| intune_core::profile::ProfileFile::in_dir(dir).load().ok())
            .unwrap_or_default();
        let Some(tenant) = self.tenant.read().await.clone() else {
            return TrayView {
                profiles: crate::demo::profile_choices(&saved, None),
                ..TrayView::default()
            };
        };
        let profiles =
            crate::demo::profile_choices(&saved, Some(&tenant.connection.profile().name));
        let summary = tenant.connection.summary();
        let who = summary
            .account
            .map(|a| a.username)
            .unwrap_or_else(|| summary.tenant.clone());
        let pinned = tenant.pinned.list().unwrap_or_default();
        let recent = tenant
            .recent()
            .into_iter()
            .filter(|d| !pinned.iter().any(|p| p.id == d.id))
            .collect();
        TrayView {
            signed_in_as: Some(format!("{} · {who}", summary.profile)),
            pinned,
            recent,
            profiles,
        }
    }

    /// The signed-in tenant, or the "sign in" error the UI turns into its sign-in screen.
    pub async fn tenant(&self) -> Result<Arc<Tenant>, ErrorReport> {
        self.tenant
            .read()
            .await
            .clone()
            .ok_or_else(|| Error::SignInRequired("no tenant is signed in".into()).report())
    }
}

/// Logs to the OS log folder (and stderr in debug builds). A log folder that cannot be created is
/// reported on stderr and the app runs on: logging must never stop an admin from locking a device.
pub fn init_logging(app: &AppHandle) -> Option<PathBuf> {
    let stderr = cfg!(debug_assertions);
    let dir = app.path().app_log_dir().ok();
    match logging::init(LogOptions {
        dir: dir.as_deref(),
        stderr,
    }) {
        Ok(dir) => dir,
        Err(error) => {
            eprintln!("{}", error.report().message);
            let _ = logging::init(LogOptions { dir: None, stderr });
            None
        }
    }
}

/// The profiles folder: `INTUNE_ACTIONS_CONFIG_DIR` when set, else this instance's config folder.
pub fn config_dir(app: &AppHandle) -> Option<PathBuf> {
    env_dir(intune_core::profile::CONFIG_DIR_ENV).or_else(|| app.path().app_config_dir().ok())
}

/// The audit's folder: `INTUNE_ACTIONS_DATA_DIR` when set, else this instance's data folder.
pub fn data_dir(app: &AppHandle) -> Option<PathBuf> {
    env_dir(intune_core::profile::DATA_DIR_ENV).or_else(|| app.path().app_data_dir().ok())
}

fn env_dir(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
}

//! What the app keeps for its lifetime, and its start-up wiring that needs the Tauri handle.

use std::path::PathBuf;

use intune_core::logging::{self, LogOptions};
use tauri::{AppHandle, Manager};

pub struct AppState {
    /// Where the log files go; `None` when the folder could not be created (stderr only then).
    pub log_dir: Option<PathBuf>,
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

//! Thin adapters from IPC to `intune-core`. Each one only gathers its inputs from the app state and
//! calls the core; every decision lives in the core.

pub mod actions;
pub mod desktop;
pub mod devices;
pub mod runs;
pub mod session;
pub mod signin;

use intune_core::about::{self, About};
use tauri::{AppHandle, State};

use crate::state::AppState;

/// Version, build, platform and log folder, for the About panel.
#[tauri::command]
#[specta::specta]
pub fn about(app: AppHandle, state: State<'_, AppState>) -> About {
    about::about(
        &app.package_info().version.to_string(),
        state.log_dir.as_deref(),
    )
}

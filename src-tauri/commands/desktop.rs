//! The desktop around the device work: quick lock, pinning devices to the tray, windows.

use intune_core::devices::pinned::TrayDevice;
use intune_core::settings::Appearance;
use intune_core::{ErrorReport, devices::remote};
use serde::Serialize;
use tauri::{AppHandle, Manager, State, WebviewWindow};
use tauri_specta::Event;

use crate::startup::{self, UiStage};
use crate::state::AppState;
use crate::updates::{self, UpdateStatus};
use crate::{quick_lock, window};

/// The device quick lock was opened on from the tray, if any (taken once).
#[tauri::command]
#[specta::specta]
pub fn quick_lock_target(state: State<'_, AppState>) -> Option<String> {
    quick_lock::take_target(&state)
}

/// Hides the window that asks (quick lock closes itself with Escape).
#[tauri::command]
#[specta::specta]
pub fn hide_window(window: WebviewWindow) -> Result<(), ErrorReport> {
    window.hide().map_err(|e| {
        intune_core::Error::Internal(format!("the window could not be hidden: {e}")).report()
    })?;
    if window.label() == quick_lock::QUICK_LOCK {
        quick_lock::hidden(window.app_handle());
    }
    Ok(())
}

/// A step of the start the web view reached, logged with the time since the app began (the
/// start-up timings in the log, and the footprint benchmark, read it).
#[tauri::command]
#[specta::specta]
pub async fn start_reached(app: AppHandle, window: WebviewWindow, stage: UiStage) {
    tracing::info!(
        window = window.label(),
        since_start_ms = startup::since_start_ms() as u64,
        "{}",
        stage.describe()
    );
    if stage == UiStage::FirstFrame && window.label() == window::MAIN {
        let main_thread = app.clone();
        if let Err(error) = app.run_on_main_thread(move || startup::after_first_paint(&main_thread))
        {
            tracing::warn!(%error, "could not finish the start");
        }
    }
}

/// Brings the main window forward (from quick lock: "Open Intune Actions").
#[tauri::command]
#[specta::specta]
pub fn show_main_window(app: AppHandle) {
    window::show_main(&app);
}

#[tauri::command]
#[specta::specta]
pub async fn pinned_devices(state: State<'_, AppState>) -> Result<Vec<TrayDevice>, ErrorReport> {
    Ok(state.tenant().await?.pinned.list()?)
}

/// Pins a device to the tray (or unpins it); the tray menu follows at once.
#[tauri::command]
#[specta::specta]
pub async fn set_device_pinned(
    app: AppHandle,
    state: State<'_, AppState>,
    device: TrayDevice,
    pinned: bool,
) -> Result<Vec<TrayDevice>, ErrorReport> {
    if !remote::is_guid(&device.id) {
        return Err(intune_core::Error::InvalidInput {
            what: "the device ID",
            why: format!("{:?} is not a GUID", device.id),
        }
        .report());
    }
    let id = device.id.clone();
    let list = state.tenant().await?.pinned.set(device, pinned)?;
    tracing::info!(device_id = %id, pinned, "tray pin changed");
    crate::tray::refresh(&app).await;
    Ok(list)
}

/// The desktop preferences, as the settings dialog shows them.
#[derive(Debug, Clone, serde::Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DesktopSettings {
    /// The app starts in the tray when the admin signs in to this computer.
    pub start_in_tray_at_login: bool,
    /// The global shortcut that opens quick lock; empty when there is none.
    pub quick_lock_shortcut: String,
    /// Why the shortcut is not working, when it is not.
    pub shortcut_problem: Option<String>,
    pub appearance: Appearance,
}

/// Sent to every window when the admin picks another appearance.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct AppearanceChanged(pub Appearance);

/// The colours every window uses (quick lock too).
#[tauri::command]
#[specta::specta]
pub fn appearance(state: State<'_, AppState>) -> Appearance {
    state.settings().appearance
}

/// Picks the app's colours (or the system's again), for every window at once.
#[tauri::command]
#[specta::specta]
pub fn set_appearance(
    app: AppHandle,
    state: State<'_, AppState>,
    appearance: Appearance,
) -> Result<DesktopSettings, ErrorReport> {
    state.change_settings(|s| s.appearance = appearance)?;
    tracing::info!(?appearance, "setting changed: appearance");
    let _ = AppearanceChanged(appearance).emit(&app);
    Ok(current_settings(&app, &state))
}

#[tauri::command]
#[specta::specta]
pub fn desktop_settings(app: AppHandle, state: State<'_, AppState>) -> DesktopSettings {
    current_settings(&app, &state)
}

/// Starts the app in the tray at login, or stops doing so.
#[tauri::command]
#[specta::specta]
pub fn set_start_in_tray_at_login(
    app: AppHandle,
    state: State<'_, AppState>,
    enabled: bool,
) -> Result<DesktopSettings, ErrorReport> {
    use tauri_plugin_autostart::ManagerExt;
    let launcher = app.autolaunch();
    let changed = if enabled {
        launcher.enable()
    } else {
        launcher.disable()
    };
    changed.map_err(|e| {
        intune_core::Error::Internal(format!(
            "the start at login could not be {}: {e}",
            if enabled { "set up" } else { "removed" }
        ))
        .report()
    })?;
    tracing::info!(enabled, "setting changed: start in the tray at login");
    Ok(current_settings(&app, &state))
}

/// Sets the global shortcut that opens quick lock (empty: none), and keeps it for next time.
#[tauri::command]
#[specta::specta]
pub fn set_quick_lock_shortcut(
    app: AppHandle,
    state: State<'_, AppState>,
    shortcut: String,
) -> Result<DesktopSettings, ErrorReport> {
    crate::shortcut::parse(&shortcut).map_err(|why| {
        intune_core::Error::InvalidInput {
            what: "the shortcut",
            why,
        }
        .report()
    })?;
    let problem = crate::shortcut::apply(&app, &shortcut).err();
    tracing::info!(shortcut = %shortcut.trim(), problem = ?problem, "setting changed: quick lock shortcut");
    state.set_shortcut_problem(problem);
    state.change_settings(|s| s.quick_lock_shortcut = Some(shortcut.trim().to_string()))?;
    Ok(current_settings(&app, &state))
}

fn current_settings(app: &AppHandle, state: &AppState) -> DesktopSettings {
    use tauri_plugin_autostart::ManagerExt;
    let saved = state.settings();
    DesktopSettings {
        start_in_tray_at_login: app.autolaunch().is_enabled().unwrap_or(false),
        quick_lock_shortcut: crate::shortcut::effective(saved.quick_lock_shortcut.as_deref())
            .to_string(),
        shortcut_problem: state.shortcut_problem(),
        appearance: saved.appearance,
    }
}

/// Where the app's own updates stand.
#[tauri::command]
#[specta::specta]
pub fn update_status(app: AppHandle) -> UpdateStatus {
    updates::turned_off(&app).unwrap_or_else(|| app.state::<updates::Updates>().status())
}

/// Looks for an update now ("Check now" in the settings).
#[tauri::command]
#[specta::specta]
pub async fn check_for_updates(app: AppHandle) -> UpdateStatus {
    updates::look(&app).await
}

/// Installs the update that is ready, then restarts into it: only ever from the admin's click.
#[tauri::command]
#[specta::specta]
pub async fn install_update(app: AppHandle) -> Result<(), ErrorReport> {
    updates::install(&app)
        .await
        .map_err(|why| intune_core::Error::Internal(why).report())
}

/// Turns looking for updates on or off for this admin (a machine policy overrides it).
#[tauri::command]
#[specta::specta]
pub async fn set_updates_on(
    app: AppHandle,
    state: State<'_, AppState>,
    on: bool,
) -> Result<UpdateStatus, ErrorReport> {
    state.change_settings(|s| s.updates_off = !on)?;
    tracing::info!(on, "setting changed: look for updates");
    Ok(updates::look(&app).await)
}

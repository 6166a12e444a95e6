//! The desktop around the device work: quick lock, pinning devices to the tray, windows.

use intune_core::devices::pinned::TrayDevice;
use intune_core::{ErrorReport, devices::remote};
use tauri::{AppHandle, State, WebviewWindow};

use crate::state::AppState;
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
    })
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
    let list = state.tenant().await?.pinned.set(device, pinned)?;
    crate::tray::refresh(&app).await;
    Ok(list)
}

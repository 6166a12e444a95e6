//! The windows: the main one is brought back by the tray or a second launch; every window is
//! hidden (not closed) on close so the tray keeps working.

use intune_core::settings::SettingsFile;
use tauri::{AppHandle, Manager, WebviewWindowBuilder, Window, WindowEvent};
use tauri_plugin_window_state::{AppHandleExt, StateFlags};

use crate::state::AppState;

pub const MAIN: &str = "main";

/// What of the main window is kept from one run to the next: place and size, not whether it
/// shows (the start mode decides that).
pub const KEPT_STATE: StateFlags = StateFlags::all().difference(StateFlags::VISIBLE);

/// Given by the start at login: the app starts in the tray, its window hidden.
pub const MINIMISED_ARG: &str = "--minimised";

/// How the app shows itself at start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartMode {
    Window,
    /// `--quick-lock` (a desktop shortcut): quick lock first, the main window in the tray.
    QuickLock,
    /// `--minimised` (start at login): only the tray.
    Tray,
}

impl StartMode {
    pub fn from_args(args: &[String]) -> StartMode {
        if args.iter().any(|a| a == crate::quick_lock::ARG) {
            StartMode::QuickLock
        } else if args.iter().any(|a| a == MINIMISED_ARG) {
            StartMode::Tray
        } else {
            StartMode::Window
        }
    }
}

/// Creates the windows at start, as the start mode asks.
pub fn create_at_start(app: &AppHandle, mode: StartMode) -> tauri::Result<()> {
    if mode == StartMode::QuickLock {
        crate::quick_lock::open(app, None);
    }
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == MAIN)
        .cloned()
        .ok_or_else(|| tauri::Error::WindowNotFound)?;
    WebviewWindowBuilder::from_config(app, &config)?
        .visible(mode == StartMode::Window)
        .build()?;
    Ok(())
}

pub fn show_main(app: &AppHandle) {
    let Some(window) = app.get_webview_window(MAIN) else {
        tracing::error!("the main window is missing");
        return;
    };
    // Each step can fail on exotic window managers; the others are still worth trying.
    for (step, result) in [
        ("show", window.show()),
        ("unminimize", window.unminimize()),
        ("focus", window.set_focus()),
    ] {
        if let Err(error) = result {
            tracing::warn!(%error, step, "could not bring the main window forward");
        }
    }
}

/// Closing a window hides it: the app lives on in the tray, and quick lock opens again at once.
/// The first time the main window goes, a notification says where the app went.
pub fn keep_in_tray_on_close(window: &Window, event: &WindowEvent) {
    let WindowEvent::CloseRequested { api, .. } = event else {
        return;
    };
    api.prevent_close();
    tracing::info!(label = window.label(), "window closed: kept in the tray");
    if let Err(error) = window.hide() {
        tracing::warn!(%error, label = window.label(), "could not hide the window");
    }
    if window.label() == MAIN {
        // Kept now, not only at a clean quit: an app in the tray may end with the session.
        if let Err(error) = window.app_handle().save_window_state(KEPT_STATE) {
            tracing::warn!(%error, "could not keep the window's size and place");
        }
        hint_once(window.app_handle());
    }
}

fn hint_once(app: &AppHandle) {
    let Some(dir) = app.state::<AppState>().config_dir.clone() else {
        return;
    };
    let file = SettingsFile::in_dir(&dir);
    let mut settings = file.load();
    if settings.close_hint_shown {
        return;
    }
    crate::notify::show(
        app,
        "Intune Actions is still running",
        "It stays in the tray so you can lock a device fast: use Quick lock… in the tray menu. Quit it from the same menu.",
    );
    settings.close_hint_shown = true;
    if let Err(error) = file.save(&settings) {
        tracing::warn!(kind = ?error.kind(), "could not remember that the tray hint was shown");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_mode_follows_the_arguments() {
        let args = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(StartMode::from_args(&args(&["app"])), StartMode::Window);
        assert_eq!(
            StartMode::from_args(&args(&["app", "--minimised"])),
            StartMode::Tray
        );
        assert_eq!(
            StartMode::from_args(&args(&["app", "--minimised", "--quick-lock"])),
            StartMode::QuickLock
        );
    }
}

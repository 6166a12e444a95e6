//! The windows: the main one is brought back by the tray or a second launch; every window is
//! hidden (not closed) on close so the tray keeps working.

use std::sync::atomic::Ordering;
use std::time::Duration;

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

/// How long the main window stays hidden before its web view is let go: its web process holds
/// most of the app's memory (BENCHMARKS.md), and the tray, quick lock and the work under way do
/// not need it. Shown again, it is built anew. `INTUNE_ACTIONS_RELEASE_AFTER_SECS` changes it.
const RELEASE_AFTER: Duration = Duration::from_secs(300);
pub const RELEASE_AFTER_ENV: &str = "INTUNE_ACTIONS_RELEASE_AFTER_SECS";

fn release_after() -> Duration {
    std::env::var(RELEASE_AFTER_ENV)
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .map_or(RELEASE_AFTER, Duration::from_secs)
}

/// Creates the windows at start, as the start mode asks.
pub fn create_at_start(app: &AppHandle, mode: StartMode) -> tauri::Result<()> {
    if mode == StartMode::QuickLock {
        crate::quick_lock::open(app, None);
    }
    create_main(app, mode == StartMode::Window)?;
    if mode == StartMode::Tray {
        // The hidden main window opens the session for the tray; it is let go in time.
        release_later(app);
    }
    Ok(())
}

fn create_main(app: &AppHandle, visible: bool) -> tauri::Result<()> {
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == MAIN)
        .cloned()
        .ok_or_else(|| tauri::Error::WindowNotFound)?;
    WebviewWindowBuilder::from_config(app, &config)?
        .visible(visible)
        .build()?;
    Ok(())
}

pub fn show_main(app: &AppHandle) {
    if let Some(state) = app.try_state::<AppState>() {
        state.main_shown.fetch_add(1, Ordering::SeqCst);
    }
    let Some(window) = app.get_webview_window(MAIN) else {
        tracing::info!("the main window was let go while hidden: building it again");
        if let Err(error) = create_main(app, true) {
            tracing::error!(%error, "could not build the main window again");
        }
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
        release_later(window.app_handle());
    } else if window.label() == crate::quick_lock::QUICK_LOCK {
        crate::quick_lock::hidden(window.app_handle());
    }
}

/// Lets the hidden main window go after [`RELEASE_AFTER`], unless it was shown since or a run of
/// many devices is going on in it (its progress lives in that page: asked again later).
fn release_later(app: &AppHandle) {
    let app = app.clone();
    let Some(shown) = app
        .try_state::<AppState>()
        .map(|s| s.main_shown.load(Ordering::SeqCst))
    else {
        return;
    };
    tauri::async_runtime::spawn(async move {
        loop {
            tokio::time::sleep(release_after()).await;
            let state = app.state::<AppState>();
            if state.main_shown.load(Ordering::SeqCst) != shown {
                return;
            }
            let Some(window) = app.get_webview_window(MAIN) else {
                return;
            };
            if window.is_visible().unwrap_or(true) {
                return;
            }
            let running = match state.tenant.read().await.as_ref() {
                Some(tenant) => tenant.run_going(MAIN).is_some(),
                None => false,
            };
            if running {
                continue;
            }
            tracing::info!("the main window was hidden a while: its web view is let go");
            if let Err(error) = window.destroy() {
                tracing::warn!(%error, "could not let the hidden main window go");
                return;
            }
            crate::quick_lock::part_from_the_main_web_process(&app);
            return;
        }
    });
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

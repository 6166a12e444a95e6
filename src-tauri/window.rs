//! The main window: brought back by the tray or a second launch, hidden (not closed) on close so the
//! tray keeps working.

use tauri::{AppHandle, Manager, Window, WindowEvent};

pub const MAIN: &str = "main";

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

pub fn keep_in_tray_on_close(window: &Window, event: &WindowEvent) {
    if let WindowEvent::CloseRequested { api, .. } = event
        && window.label() == MAIN
    {
        api.prevent_close();
        if let Err(error) = window.hide() {
            tracing::warn!(%error, "could not hide the main window");
        }
    }
}

//! The quick lock window: small, always on top, opened from the tray menu, by a second launch with
//! `--quick-lock`, or (Windows, macOS) a left click on the tray icon. All of them call [`open`].

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde::Serialize;
use tauri::{AppHandle, Manager, WebviewUrl, WebviewWindowBuilder};
use tauri_specta::Event;

use crate::state::AppState;

pub const QUICK_LOCK: &str = "quick-lock";
/// Given to a second launch (e.g. from a desktop shortcut), it opens quick lock in the running app.
pub const ARG: &str = "--quick-lock";

/// Whether the quick lock window there is now was built into the main window's web process.
static SHARES_MAIN_PROCESS: AtomicBool = AtomicBool::new(false);

/// Tells an open quick lock window to start over, on a device when one was chosen in the tray.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct QuickLockOpened {
    pub device_id: Option<String>,
}

/// Opens quick lock (or brings it forward), optionally on one device.
pub fn open(app: &AppHandle, device_id: Option<String>) {
    tracing::info!(
        device = device_id.as_deref().unwrap_or("-"),
        "quick lock opened"
    );
    if let Some(state) = app.try_state::<AppState>() {
        *state
            .quick_lock_target
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = device_id.clone();
    }
    if let Some(window) = app.get_webview_window(QUICK_LOCK) {
        // Told before it shows: the page starts over before the admin can type, so the first keys
        // land in a cleared search instead of being cleared with it.
        let _ = QuickLockOpened { device_id }.emit_to(app, QUICK_LOCK);
        for (step, result) in [
            ("show", window.show()),
            ("unminimize", window.unminimize()),
            ("focus", window.set_focus()),
        ] {
            if let Err(error) = result {
                tracing::warn!(%error, step, "could not bring quick lock forward");
            }
        }
        return;
    }
    SHARES_MAIN_PROCESS.store(false, Ordering::SeqCst);
    if let Err(error) = builder(app).focused(true).build() {
        tracing::error!(%error, "could not open the quick lock window");
    }
}

/// Builds quick lock hidden, once the main window has painted (or at once when the app starts
/// in the tray): opening it is then only showing it, a few tens of ms instead of about half a
/// second to build a web view and load its page (BENCHMARKS.md). Its page (`quick-lock.html`)
/// loads while hidden: it waits for no animation frame, which a hidden page never gets.
pub fn prepare(app: &AppHandle) {
    // On the main thread: there the main window's web view can be read at once (Linux).
    let handle = app.clone();
    let built = app.run_on_main_thread(move || {
        if handle.get_webview_window(QUICK_LOCK).is_some() {
            return;
        }
        crate::startup::step("quick lock being prepared");
        match sharing_the_main_web_process(&handle, builder(&handle))
            .visible(false)
            .focused(false)
            .build()
        {
            Ok(_) => crate::startup::step("quick lock prepared"),
            Err(error) => tracing::warn!(%error, "could not prepare the quick lock window"),
        }
    });
    if let Err(error) = built {
        tracing::warn!(%error, "could not prepare the quick lock window");
    }
}

/// WebKitGTK gives every web view its own web process unless it is related to another one. Quick
/// lock's page is small and shares the main window's (measured in BENCHMARKS.md: about 30 MiB
/// less in the tray); a page in trouble would take both windows with it, which the main
/// window's own would anyway. Elsewhere the system's web view shares its processes by itself.
#[cfg(target_os = "linux")]
fn sharing_the_main_web_process<'a>(
    app: &'a AppHandle,
    builder: WebviewWindowBuilder<'a, tauri::Wry, AppHandle>,
) -> WebviewWindowBuilder<'a, tauri::Wry, AppHandle> {
    use std::cell::RefCell;
    thread_local! {
        static MAIN_VIEW: RefCell<Option<webkit2gtk::WebView>> = const { RefCell::new(None) };
    }
    let Some(main) = app.get_webview_window(crate::window::MAIN) else {
        return builder;
    };
    // Called on the main thread, `with_webview` runs the closure before it returns.
    let read =
        main.with_webview(|view| MAIN_VIEW.with(|slot| *slot.borrow_mut() = Some(view.inner())));
    match (read, MAIN_VIEW.with(|slot| slot.borrow_mut().take())) {
        (Ok(()), Some(view)) => {
            SHARES_MAIN_PROCESS.store(true, Ordering::SeqCst);
            builder.with_related_view(view)
        }
        _ => {
            tracing::debug!("quick lock gets a web process of its own");
            SHARES_MAIN_PROCESS.store(false, Ordering::SeqCst);
            builder
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn sharing_the_main_web_process<'a>(
    _app: &'a AppHandle,
    builder: WebviewWindowBuilder<'a, tauri::Wry, AppHandle>,
) -> WebviewWindowBuilder<'a, tauri::Wry, AppHandle> {
    builder
}

/// Once the hidden main window is let go: a hidden quick lock that shares its web process keeps
/// that process, and the main page's memory in it, alive (measured in BENCHMARKS.md). It is
/// built again on its own, which ends the shared process. A quick lock on screen is left alone
/// until it is hidden ([`hidden`]).
pub fn part_from_the_main_web_process(app: &AppHandle) {
    if !SHARES_MAIN_PROCESS.load(Ordering::SeqCst) {
        return;
    }
    let Some(window) = app.get_webview_window(QUICK_LOCK) else {
        return;
    };
    if window.is_visible().unwrap_or(true) {
        tracing::info!(
            "quick lock is on screen: it leaves the main window's web process once hidden"
        );
        return;
    }
    tracing::info!("quick lock is built again in a web process of its own");
    if let Err(error) = window.destroy() {
        tracing::warn!(%error, "could not let quick lock go");
        return;
    }
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        // Windows leave the app's list once the event loop has destroyed them; the new one must
        // not be related to a main window on its way out.
        for _ in 0..250 {
            if app.get_webview_window(QUICK_LOCK).is_none()
                && app.get_webview_window(crate::window::MAIN).is_none()
            {
                prepare(&app);
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        tracing::warn!("quick lock was not let go in time: it is built again when next opened");
    });
}

/// Quick lock was hidden (closed, or Escape). If it shares the main window's web process and the
/// main window is gone (it was let go while quick lock was on screen), it parts now. A main window
/// built again meanwhile is in use, and quick lock stays.
pub fn hidden(app: &AppHandle) {
    if !SHARES_MAIN_PROCESS.load(Ordering::SeqCst)
        || app.get_webview_window(crate::window::MAIN).is_some()
    {
        return;
    }
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        // Out of the close event or the page's own call to hide itself: the window that asked is
        // not destroyed while its request is being answered.
        tokio::time::sleep(Duration::from_millis(250)).await;
        if app.get_webview_window(crate::window::MAIN).is_none() {
            part_from_the_main_web_process(&app);
        }
    });
}

fn builder(app: &AppHandle) -> WebviewWindowBuilder<'_, tauri::Wry, AppHandle> {
    WebviewWindowBuilder::new(app, QUICK_LOCK, WebviewUrl::App("quick-lock.html".into()))
        .title("Quick lock – Intune Actions")
        .inner_size(560.0, 640.0)
        .min_inner_size(420.0, 420.0)
        .always_on_top(true)
        .center()
}

/// The device quick lock should open on, taken once.
pub fn take_target(state: &AppState) -> Option<String> {
    state
        .quick_lock_target
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .take()
}

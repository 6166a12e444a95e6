//! Start-up timings: how long after the process began each step of the start was reached, in the
//! log (`INTUNE_ACTIONS_LOG=debug` shows every step), so a slow start can be profiled and the
//! footprint benchmark can see when the device list is up.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde::Deserialize;
use tauri::AppHandle;

static STARTED: OnceLock<Instant> = OnceLock::new();

/// Called first thing in `main`: the instant the timings count from.
pub fn begin() {
    STARTED.get_or_init(Instant::now);
}

pub fn since_start_ms() -> u128 {
    STARTED.get_or_init(Instant::now).elapsed().as_millis()
}

/// Logs a step of the start with its time since the process began.
pub fn step(what: &'static str) {
    tracing::debug!(since_start_ms = since_start_ms() as u64, "start: {what}");
}

/// A step of the start only the web view can see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum UiStage {
    /// The UI's first frame is on screen.
    FirstFrame,
    /// The device list is fetched and listed.
    DevicesListed,
    /// Quick lock's page has loaded and opened the session, whether or not it is on screen: its
    /// window is built hidden, and this says its first opening will not wait for the page.
    QuickLockReady,
    /// Quick lock's content (its search field) is on screen after it was opened: each time, so
    /// the footprint benchmark can time quick lock to its search field, not to a spinner.
    QuickLockShown,
}

impl UiStage {
    pub fn describe(self) -> &'static str {
        match self {
            UiStage::FirstFrame => "start: first frame",
            UiStage::DevicesListed => "start: devices listed",
            UiStage::QuickLockReady => "quick lock ready",
            UiStage::QuickLockShown => "quick lock on screen",
        }
    }
}

/// If the UI never says it painted (a broken page), what waits for it is done anyway after this.
const FIRST_PAINT_AT_LATEST: Duration = Duration::from_secs(5);

static AFTER_PAINT_DONE: AtomicBool = AtomicBool::new(false);

/// What need not delay the first paint, done once after it: registering the global shortcut
/// (about 100 ms of the main thread here, measured with `INTUNE_ACTIONS_LOG=debug`) and building
/// quick lock hidden. Called when the main window's UI reports its first frame, at once when
/// the app starts without a window to paint, and at the latest after a few seconds.
pub fn after_first_paint(app: &AppHandle) {
    if AFTER_PAINT_DONE.swap(true, Ordering::SeqCst) {
        return;
    }
    crate::register_shortcut(app);
    step("shortcut registered");
    crate::quick_lock::prepare(app);
    crate::updates::look_daily(app);
}

/// Makes sure [`after_first_paint`] happens even if the UI never reports its first frame.
pub fn after_first_paint_at_latest(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(FIRST_PAINT_AT_LATEST).await;
        let main_thread = app.clone();
        if let Err(error) = app.run_on_main_thread(move || after_first_paint(&main_thread)) {
            tracing::warn!(%error, "could not finish the start");
        }
    });
}

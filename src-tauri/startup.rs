//! Start-up timings: how long after the process began each step of the start was reached, in the
//! log (`INTUNE_ACTIONS_LOG=debug` shows every step), so a slow start can be profiled and the
//! footprint benchmark can see when the device list is up.

use std::sync::OnceLock;
use std::time::Instant;

use serde::Deserialize;

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
}

impl UiStage {
    pub fn describe(self) -> &'static str {
        match self {
            UiStage::FirstFrame => "first frame",
            UiStage::DevicesListed => "devices listed",
        }
    }
}

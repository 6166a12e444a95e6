//! Runs of many devices: pause and cancel the one under way, and find, resume or set aside a run
//! that stopped before its end. Thin over `intune_core::actions::runs`.

use intune_core::actions::runs::RunRecord;
use intune_core::actions::{RunMode, RunReport, RunStatus, RunSummary};
use intune_core::{Error, ErrorReport};
use tauri::{AppHandle, State};

use crate::commands::actions::{after_run, run_events};
use crate::state::AppState;

/// Pauses, goes on with, or cancels the run this window has going. Cancel sends nothing more;
/// what was sent is kept and followed.
#[tauri::command]
#[specta::specta]
pub async fn control_run(
    window: tauri::Window,
    state: State<'_, AppState>,
    mode: RunMode,
) -> Result<(), ErrorReport> {
    let tenant = state.tenant().await?;
    let control = tenant.run_going(window.label()).ok_or_else(|| {
        Error::Unavailable {
            what: "No run is going on in this window".into(),
            next: "It may have just finished: its outcomes are shown.".into(),
        }
        .report()
    })?;
    tracing::info!(?mode, "run control");
    control.set(mode);
    Ok(())
}

/// Runs of this tenant that stopped before their end (a crash, a Quit, the computer turned off)
/// with something left to do, newest first: offered at start.
#[tauri::command]
#[specta::specta]
pub async fn stopped_runs(state: State<'_, AppState>) -> Result<Vec<RunSummary>, ErrorReport> {
    let tenant = state.tenant().await?;
    Ok(tenant
        .actions
        .runs()
        .list()?
        .iter()
        .map(RunRecord::summary)
        .filter(|r| r.status == RunStatus::Interrupted && r.resumable())
        .collect())
}

/// Goes on with a stopped run: what already left is never sent again (the audit says which), the
/// rest is read, checked and sent, each outcome as `DeviceSent`.
#[tauri::command]
#[specta::specta]
pub async fn resume_run(
    app: AppHandle,
    window: tauri::Window,
    state: State<'_, AppState>,
    run_id: String,
) -> Result<RunReport, ErrorReport> {
    if window.label() != crate::window::MAIN {
        return Err(Error::InvalidInput {
            what: "the request from quick lock",
            why: "runs are resumed from the main window".into(),
        }
        .report());
    }
    let tenant = state.tenant().await?;
    let control = tenant.run_started(window.label());
    let report = tenant
        .actions
        .resume(&run_id, &control, run_events(&app))
        .await;
    after_run(&app, window.label(), &tenant, report)
}

/// The admin chose not to go on with a stopped run: it is no longer offered.
#[tauri::command]
#[specta::specta]
pub async fn set_run_aside(state: State<'_, AppState>, run_id: String) -> Result<(), ErrorReport> {
    Ok(state.tenant().await?.actions.runs().set_aside(&run_id)?)
}

//! Remote actions, reveals and the audit: thin over `intune_core::actions` and `intune_core::audit`.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use intune_core::actions::pins::KeptPin;
use intune_core::actions::{
    ActionKind, DeviceOutcome, DeviceReview, FollowUpdate, ResultMark, ReviewRow, RunEvent,
    RunReport, SecretKind, SendRequest, SendState,
};
use intune_core::audit::{self, AuditEntry, AuditFilter, RepeatedAccess, Verification};
use intune_core::devices::device_list::{self, ListMatch};
use intune_core::devices::pinned::TrayDevice;
use intune_core::{Error, ErrorReport};
use serde::Serialize;
use tauri::{AppHandle, Manager, State};
use tauri_plugin_clipboard_manager::ClipboardExt;
use tauri_specta::Event;

use crate::state::{AppState, Tenant};

/// Opens a rule's source page ("Why?") in the system browser: only the pages the rules cite, so
/// the web view cannot open anything else.
#[tauri::command]
#[specta::specta]
pub async fn open_source_page(url: String) -> Result<(), ErrorReport> {
    let Some(url) = intune_core::actions::sources::published_url(&url) else {
        return Err(Error::InvalidInput {
            what: "the source page",
            why: "it is not one of the pages the app's rules cite".into(),
        }
        .report());
    };
    tauri_plugin_opener::open_url(url, None::<&str>)
        .map_err(|e| Error::Internal(format!("the browser could not be opened: {e}")).report())
}

/// What a window asks of the actions.
#[derive(Debug, Clone, Copy)]
enum Ask {
    Send(ActionKind),
    Reveal(SecretKind),
}

/// Quick lock locks and reveals a lock's PIN, nothing else: its capability lets it call these
/// commands, and this says what it may do with them, whatever its web view sends.
fn window_may(label: &str, ask: Ask) -> Result<(), ErrorReport> {
    if label != crate::quick_lock::QUICK_LOCK {
        return Ok(());
    }
    match ask {
        Ask::Send(ActionKind::RemoteLock) | Ask::Reveal(SecretKind::UnlockPin) => Ok(()),
        other => Err(Error::InvalidInput {
            what: "the request from quick lock",
            why: format!(
                "quick lock only locks and reveals unlock PINs ({other:?} is for the main window)"
            ),
        }
        .report()),
    }
}

/// A shown secret disappears from the screen, and from the clipboard, after this long.
pub const SECRET_SHOWN_SECONDS: u64 = 30;
/// Following stops after this long; the device panel can start it again.
const FOLLOW_FOR: Duration = Duration::from_secs(15 * 60);

/// Each reading of a followed action.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct ActionProgress {
    pub update: FollowUpdate,
}

/// Intune asked to slow down while sending: the next request leaves after this many seconds.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct SendWaiting {
    pub seconds: u32,
}

/// A secret the admin asked to see. It leaves Rust only through this answer.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RevealedSecret {
    pub kind: SecretKind,
    pub device_id: String,
    pub device_name: String,
    pub value: String,
    pub source: String,
    pub produced_at: Option<DateTime<Utc>>,
    pub advice: Vec<String>,
    pub hide_after_seconds: u32,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AuditView {
    pub entries: Vec<AuditEntry>,
    pub repeated: Vec<RepeatedAccess>,
    pub file: String,
}

/// The device read now, with every action's verdict and the passcode guidance.
#[tauri::command]
#[specta::specta]
pub async fn review_device(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
) -> Result<DeviceReview, ErrorReport> {
    let tenant = state.tenant().await?;
    let review = tenant.actions.review(&id).await?;
    tenant.looked_at(TrayDevice::from(&review.details.device));
    crate::tray::refresh(&app).await;
    Ok(review)
}

/// One device's outcome in a run, as soon as it is known (a run of many devices shows them as
/// they come).
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct DeviceSent {
    pub outcome: DeviceOutcome,
}

/// A list of devices as the admin pasted it (serials, names or IDs; rows from Excel or CSV),
/// matched line by line against the device list.
#[tauri::command]
#[specta::specta]
pub async fn match_device_list(
    state: State<'_, AppState>,
    text: String,
) -> Result<ListMatch, ErrorReport> {
    let index = device_list_ready(&state, "the list cannot be matched yet").await?;
    Ok(device_list::match_list(&text, index.devices())?)
}

/// How fast a run can go now: Intune's write limit (less what other tools take, as 429s showed),
/// and about how long `remaining` writes take at that pace.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct WritePace {
    pub writes_per_window: u32,
    pub window_secs: u32,
    pub estimate_secs: u32,
}

#[tauri::command]
#[specta::specta]
pub async fn write_pace(
    state: State<'_, AppState>,
    remaining: u32,
) -> Result<WritePace, ErrorReport> {
    let tenant = state.tenant().await?;
    let (limit, estimate) = tenant.actions.write_pace(remaining as usize);
    Ok(WritePace {
        writes_per_window: limit as u32,
        window_secs: tenant.actions.write_window().as_secs() as u32,
        estimate_secs: estimate.as_secs() as u32,
    })
}

/// The tenant's device list, once it has been read; until then, why `what` must wait.
async fn device_list_ready(
    state: &AppState,
    what: &str,
) -> Result<Arc<intune_core::devices::DeviceIndex>, ErrorReport> {
    state.tenant().await?.inventory.index().ok_or_else(|| {
        Error::Unavailable {
            what: format!("The device list is still being read, so {what}"),
            next: "Try again once the device count shows above the search.".into(),
        }
        .report()
    })
}

/// Every device whose primary user is `upn`, from the device list: a departing employee's Mac,
/// iPhone and iPad at once.
#[tauri::command]
#[specta::specta]
pub async fn devices_of_user(
    state: State<'_, AppState>,
    upn: String,
) -> Result<Vec<intune_core::devices::Device>, ErrorReport> {
    let index = device_list_ready(&state, "the user's devices cannot be listed yet").await?;
    Ok(index.devices_of_user(&upn))
}

/// Every device of a run, read now and judged for the action, before the admin confirms.
#[tauri::command]
#[specta::specta]
pub async fn review_devices(
    state: State<'_, AppState>,
    action: ActionKind,
    ids: Vec<String>,
) -> Result<Vec<ReviewRow>, ErrorReport> {
    if ids.len() > device_list::MAX_LINES {
        return Err(Error::InvalidInput {
            what: "the device list",
            why: format!(
                "it has {} devices; at most {} at once",
                ids.len(),
                device_list::MAX_LINES
            ),
        }
        .report());
    }
    let tenant = state.tenant().await?;
    Ok(tenant.actions.review_many(action, &ids).await)
}

/// Sends an action to the devices, then follows each one Intune queued in the background.
#[tauri::command]
#[specta::specta]
pub async fn send_action(
    app: AppHandle,
    window: tauri::Window,
    state: State<'_, AppState>,
    request: SendRequest,
) -> Result<RunReport, ErrorReport> {
    window_may(window.label(), Ask::Send(request.action))?;
    let tenant = state.tenant().await?;
    let control = tenant.run_started(window.label());
    let report = tenant
        .actions
        .send(&request, &control, run_events(&app))
        .await;
    after_run(&app, window.label(), &tenant, report)
}

/// Each outcome and each wait of a run, as events for the window that watches it.
pub(crate) fn run_events(app: &AppHandle) -> impl Fn(RunEvent) + Send + Sync + 'static {
    let app = app.clone();
    move |event| match event {
        RunEvent::Waiting(wait) => {
            let seconds = wait.as_secs().clamp(1, u64::from(u32::MAX)) as u32;
            let _ = SendWaiting { seconds }.emit(&app);
        }
        RunEvent::Outcome(outcome) => {
            let _ = DeviceSent {
                outcome: outcome.clone(),
            }
            .emit(&app);
        }
    }
}

/// After a run (sent or resumed): kept for its CSV, each queued device followed, and, for a run
/// of many while the main window is out of sight (in the tray), a notification with the counts.
pub(crate) fn after_run(
    app: &AppHandle,
    window: &str,
    tenant: &Arc<Tenant>,
    report: intune_core::Result<RunReport>,
) -> Result<RunReport, ErrorReport> {
    tenant.run_ended(window);
    let report = report?;
    *tenant
        .last_run
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = Some((report.clone(), Utc::now()));
    let many = report.outcomes.len() > 1;
    for outcome in report
        .outcomes
        .iter()
        .filter(|o| o.state == SendState::Queued)
    {
        // One notification per device would bury the admin: a run of many gets one at its end.
        start_following(
            app,
            tenant,
            outcome.device_id.clone(),
            report.action,
            outcome.baseline.clone(),
            !many,
        );
    }
    let out_of_sight = app
        .get_webview_window(crate::window::MAIN)
        .is_none_or(|w| !w.is_visible().unwrap_or(false) || w.is_minimized().unwrap_or(false));
    if many && out_of_sight {
        crate::notify::run_finished(app, &report);
    }
    Ok(report)
}

/// Follows an action already sent (e.g. after the panel was closed), reporting as `ActionProgress`.
#[tauri::command]
#[specta::specta]
pub async fn follow_action(
    app: AppHandle,
    state: State<'_, AppState>,
    device_id: String,
    action: ActionKind,
) -> Result<(), ErrorReport> {
    let tenant = state.tenant().await?;
    start_following(&app, &tenant, device_id, action, None, true);
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn stop_following(
    state: State<'_, AppState>,
    device_id: String,
    action: ActionKind,
) -> Result<(), ErrorReport> {
    let tenant = state.tenant().await?;
    if let Some(task) = tenant.followers().remove(&(device_id, action)) {
        task.abort();
    }
    Ok(())
}

/// Shows a secret on an explicit request with a justification; audited.
#[tauri::command]
#[specta::specta]
pub async fn reveal_secret(
    window: tauri::Window,
    state: State<'_, AppState>,
    kind: SecretKind,
    device_id: String,
    justification: String,
) -> Result<RevealedSecret, ErrorReport> {
    window_may(window.label(), Ask::Reveal(kind))?;
    let tenant = state.tenant().await?;
    let revealed = tenant
        .actions
        .reveal(kind, &device_id, Some(&justification))
        .await?;
    let shown = RevealedSecret {
        kind,
        device_id: revealed.device_id.clone(),
        device_name: revealed.device_name.clone(),
        // The one place a secret crosses to the web view: the admin asked to see it.
        value: revealed.value.expose().to_string(),
        source: revealed.source.into(),
        produced_at: revealed.produced_at,
        advice: revealed.advice.clone(),
        hide_after_seconds: SECRET_SHOWN_SECONDS as u32,
    };
    tenant.remember_revealed(kind, &revealed.device_id, revealed.value);
    // Forgotten when it leaves the screen, so memory holds it no longer than the UI shows it.
    let (forget, device_id) = (Arc::clone(&tenant), shown.device_id.clone());
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(Duration::from_secs(SECRET_SHOWN_SECONDS + 1)).await;
        forget.forget_revealed(kind, &device_id);
    });
    Ok(shown)
}

/// Copies a secret shown in the last 30 seconds; the clipboard is cleared 30 seconds later if it
/// still holds it.
#[tauri::command]
#[specta::specta]
pub async fn copy_secret(
    app: AppHandle,
    state: State<'_, AppState>,
    kind: SecretKind,
    device_id: String,
) -> Result<(), ErrorReport> {
    let tenant = state.tenant().await?;
    let secret = tenant
        .revealed(kind, &device_id, Duration::from_secs(SECRET_SHOWN_SECONDS))
        .ok_or_else(|| {
            Error::Unavailable {
                what: format!("the {} is no longer shown", kind.label()),
                next: "Reveal it again to copy it.".into(),
            }
            .report()
        })?;
    app.clipboard()
        .write_secret(secret.expose())
        .map_err(|e| Error::Internal(format!("the clipboard could not be used: {e}")).report())?;
    *state.copied.lock().unwrap_or_else(|e| e.into_inner()) = Some(secret.clone());
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(Duration::from_secs(SECRET_SHOWN_SECONDS)).await;
        clear_if_still_holding(app.clipboard(), &secret);
    });
    Ok(())
}

/// What the clipboard clearing needs of a clipboard.
pub trait TextClipboard {
    fn text(&self) -> Option<String>;
    fn clear(&self);
}

impl<R: tauri::Runtime> TextClipboard for tauri_plugin_clipboard_manager::Clipboard<R> {
    fn text(&self) -> Option<String> {
        self.read_text().ok()
    }

    fn clear(&self) {
        let _ = tauri_plugin_clipboard_manager::Clipboard::clear(self);
    }
}

/// Clears the clipboard only if it still holds the secret: whatever the admin copied since stays.
pub fn clear_if_still_holding(
    clipboard: &impl TextClipboard,
    secret: &intune_core::Secret,
) -> bool {
    let holding = clipboard.text().is_some_and(|now| now == secret.expose());
    if holding {
        clipboard.clear();
    }
    holding
}

#[tauri::command]
#[specta::specta]
pub async fn mark_pin_used(
    state: State<'_, AppState>,
    device_id: String,
) -> Result<KeptPin, ErrorReport> {
    Ok(state.tenant().await?.actions.mark_pin_used(&device_id)?)
}

#[tauri::command]
#[specta::specta]
pub async fn audit_entries(
    state: State<'_, AppState>,
    filter: AuditFilter,
) -> Result<AuditView, ErrorReport> {
    let tenant = state.tenant().await?;
    let log = tenant.actions.audit();
    let all = log.entries()?;
    Ok(AuditView {
        repeated: audit::repeated_access(&all, Utc::now()),
        entries: log.list(&filter)?,
        file: log.path().display().to_string(),
    })
}

/// Requests written ahead whose answer was never recorded (the app was quit or crashed during a
/// send): shown at start until the admin has checked each, except those of a run offered for
/// resuming.
#[tauri::command]
#[specta::specta]
pub async fn interrupted_requests(
    state: State<'_, AppState>,
) -> Result<Vec<AuditEntry>, ErrorReport> {
    let tenant = state.tenant().await?;
    // Those of a stopped run are the run's banner's: resuming it looks for them.
    let covered = tenant.actions.runs().leaving_in_stopped_runs()?;
    Ok(tenant
        .actions
        .interrupted()?
        .into_iter()
        .filter(|e| {
            e.record
                .client_request_id
                .as_ref()
                .is_none_or(|crid| !covered.contains(crid))
        })
        .collect())
}

/// The admin checked an interrupted request in the device's action results.
#[tauri::command]
#[specta::specta]
pub async fn settle_interrupted(
    state: State<'_, AppState>,
    client_request_id: String,
) -> Result<(), ErrorReport> {
    state.tenant().await?.actions.settle_interrupted(
        &client_request_id,
        "checked by the admin in the app (the device's action results)",
    )?;
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn verify_audit(state: State<'_, AppState>) -> Result<Verification, ErrorReport> {
    Ok(state.tenant().await?.actions.audit().verify()?)
}

/// Writes the whole audit as CSV where the admin chooses (the Save dialog opens in Downloads);
/// returns the file's path, or `None` when the dialog was closed.
#[tauri::command]
#[specta::specta]
pub async fn export_audit(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<Option<String>, ErrorReport> {
    let tenant = state.tenant().await?;
    let csv = audit::to_csv(&tenant.actions.audit().entries()?);
    let name = format!(
        "intune-actions-audit-{}.csv",
        Utc::now().format("%Y%m%d-%H%M%S")
    );
    save_csv(&app, "Export the audit", &name, &csv)
}

/// Asks where to save a CSV (the Save dialog opens in Downloads) and writes it there; the file's
/// path, or `None` when the dialog was closed.
fn save_csv(
    app: &AppHandle,
    title: &str,
    file_name: &str,
    csv: &str,
) -> Result<Option<String>, ErrorReport> {
    use tauri_plugin_dialog::DialogExt;
    let mut dialog = app
        .dialog()
        .file()
        .set_title(title)
        .set_file_name(file_name)
        .add_filter("CSV", &["csv"]);
    if let Ok(downloads) = app.path().download_dir() {
        dialog = dialog.set_directory(downloads);
    }
    let Some(chosen) = dialog.blocking_save_file() else {
        return Ok(None);
    };
    let path = chosen.into_path().map_err(|e| {
        Error::Internal(format!("the chosen place has no local path: {e}")).report()
    })?;
    std::fs::write(&path, csv).map_err(|source| Error::Storage {
        path: path.clone(),
        source,
    })?;
    Ok(Some(path.display().to_string()))
}

/// Writes the last run as CSV where the admin chooses (device, serial, user, action, outcome,
/// time, request IDs; never a secret); the file's path, or `None` when the dialog was closed.
#[tauri::command]
#[specta::specta]
pub async fn export_last_run(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<Option<String>, ErrorReport> {
    let tenant = state.tenant().await?;
    let Some((report, finished)) = tenant
        .last_run
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone()
    else {
        return Err(Error::Unavailable {
            what: "No run has been sent from this window yet".into(),
            next: "Send an action to one or more devices first.".into(),
        }
        .report());
    };
    // Serial and user from the device list: one pass over it for the run's devices.
    let sent: std::collections::HashSet<&str> = report
        .outcomes
        .iter()
        .map(|o| o.device_id.as_str())
        .collect();
    let known: std::collections::HashMap<String, intune_core::devices::Device> = tenant
        .inventory
        .index()
        .map(|index| {
            index
                .devices()
                .iter()
                .filter(|d| sent.contains(d.id.as_str()))
                .map(|d| (d.id.clone(), d.clone()))
                .collect()
        })
        .unwrap_or_default();
    let csv = report.to_csv(finished, |id| known.get(id).cloned());
    let name = format!(
        "intune-actions-run-{}.csv",
        finished.format("%Y%m%d-%H%M%S")
    );
    let saved = save_csv(&app, "Export the run", &name, &csv)?;
    if saved.is_some() {
        tracing::info!(devices = report.outcomes.len(), "run exported as CSV");
    }
    Ok(saved)
}

pub(crate) fn start_following(
    app: &AppHandle,
    tenant: &Arc<Tenant>,
    device_id: String,
    action: ActionKind,
    baseline: Option<ResultMark>,
    notify: bool,
) {
    let key = (device_id.clone(), action);
    let (app, follower) = (app.clone(), Arc::clone(tenant));
    let task = tauri::async_runtime::spawn(async move {
        let emit = |update: &FollowUpdate| {
            let _ = ActionProgress {
                update: update.clone(),
            }
            .emit(&app);
        };
        let result = follower
            .actions
            .follow(&device_id, action, baseline.as_ref(), FOLLOW_FOR, emit)
            .await;
        match result {
            Ok(update) if update.finished && notify => {
                crate::notify::action_finished(&app, &update)
            }
            Ok(_) => {}
            Err(error) => {
                tracing::warn!(kind = ?error.kind(), ?action, "following an action stopped");
            }
        }
        follower.followers().remove(&(device_id, action));
    });
    if let Some(old) = tenant.followers().insert(key, task) {
        old.abort();
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;

    struct FakeClipboard(RefCell<Option<String>>);

    impl TextClipboard for FakeClipboard {
        fn text(&self) -> Option<String> {
            self.0.borrow().clone()
        }

        fn clear(&self) {
            *self.0.borrow_mut() = None;
        }
    }

    #[test]
    fn the_clipboard_is_cleared_only_while_it_still_holds_the_secret() {
        let secret = intune_core::Secret::new("482913");
        let untouched = FakeClipboard(RefCell::new(Some("482913".into())));
        assert!(clear_if_still_holding(&untouched, &secret));
        assert_eq!(untouched.text(), None);

        let copied_since = FakeClipboard(RefCell::new(Some("a ticket number".into())));
        assert!(!clear_if_still_holding(&copied_since, &secret));
        assert_eq!(copied_since.text().as_deref(), Some("a ticket number"));

        let empty = FakeClipboard(RefCell::new(None));
        assert!(!clear_if_still_holding(&empty, &secret));
    }
}

#[cfg(test)]
mod window_tests {
    use super::*;

    #[test]
    fn quick_lock_may_lock_and_reveal_a_pin_and_nothing_else() {
        let ql = crate::quick_lock::QUICK_LOCK;
        assert!(window_may(ql, Ask::Send(ActionKind::RemoteLock)).is_ok());
        assert!(window_may(ql, Ask::Reveal(SecretKind::UnlockPin)).is_ok());
        for action in [
            ActionKind::RotateFileVaultKey,
            ActionKind::RecoverPasscode,
            ActionKind::ResetPasscode,
        ] {
            assert!(window_may(ql, Ask::Send(action)).is_err(), "{action:?}");
        }
        for kind in [SecretKind::Passcode, SecretKind::FileVaultKey] {
            assert!(window_may(ql, Ask::Reveal(kind)).is_err(), "{kind:?}");
        }
        assert!(window_may("main", Ask::Send(ActionKind::ResetPasscode)).is_ok());
        assert!(window_may("main", Ask::Reveal(SecretKind::FileVaultKey)).is_ok());
    }
}

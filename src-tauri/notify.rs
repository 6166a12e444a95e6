//! Native notifications: a watched action finished, or the window went to the tray.

use intune_core::actions::FollowUpdate;
use tauri::AppHandle;
use tauri_plugin_notification::NotificationExt;

/// Tells the admin a followed action finished, whichever window is in front.
pub fn action_finished(app: &AppHandle, update: &FollowUpdate) {
    let Some(result) = &update.result else { return };
    let verb = if result.action_state == "done" {
        "done"
    } else {
        "failed"
    };
    let label = action_label(update.action);
    show(
        app,
        &format!("{label} {verb}: {}", update.device_name),
        &update.message,
    );
}

/// Tells the admin a run of many devices ended while the window was in the tray.
pub fn run_finished(app: &AppHandle, report: &intune_core::actions::RunReport) {
    let label = action_label(report.action);
    let mut parts = vec![format!("{} sent", report.queued)];
    for (count, word) in [
        (report.failed, "refused or not read"),
        (report.unknown, "unknown (check them)"),
        (report.blocked, "blocked"),
        (report.cancelled, "cancelled"),
    ] {
        if count > 0 {
            parts.push(format!("{count} {word}"));
        }
    }
    show(
        app,
        &format!("{label} of {} devices finished", report.outcomes.len()),
        &format!(
            "{}. Open Intune Actions for each device's outcome.",
            parts.join(", ")
        ),
    );
}

fn action_label(action: intune_core::actions::ActionKind) -> &'static str {
    match action {
        intune_core::actions::ActionKind::RemoteLock => "Remote lock",
        intune_core::actions::ActionKind::RotateFileVaultKey => "FileVault key rotation",
        intune_core::actions::ActionKind::RecoverPasscode => "Passcode recovery",
        intune_core::actions::ActionKind::ResetPasscode => "Passcode reset",
    }
}

pub fn show(app: &AppHandle, title: &str, body: &str) {
    if let Err(error) = app.notification().builder().title(title).body(body).show() {
        // No notification service (a bare session): the window still shows the outcome.
        tracing::info!(%error, "the notification could not be shown");
    }
}

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
    let label = match update.action {
        intune_core::actions::ActionKind::RemoteLock => "Remote lock",
        intune_core::actions::ActionKind::RotateFileVaultKey => "FileVault key rotation",
        intune_core::actions::ActionKind::RecoverPasscode => "Passcode recovery",
        intune_core::actions::ActionKind::ResetPasscode => "Passcode reset",
    };
    show(
        app,
        &format!("{label} {verb}: {}", update.device_name),
        &update.message,
    );
}

pub fn show(app: &AppHandle, title: &str, body: &str) {
    if let Err(error) = app.notification().builder().title(title).body(body).show() {
        // No notification service (a bare session): the window still shows the outcome.
        tracing::info!(%error, "the notification could not be shown");
    }
}

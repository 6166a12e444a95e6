//! Following an action to its end: the device is read with growing pauses (a read that fails
//! for a passing reason is tried again) until Intune reports a final state, and a Mac's unlock
//! PIN is kept in the keychain the moment Intune shows it, pending or done. Locks left unsettled
//! when the app was quit are found again at the next start.

use std::time::Duration;

use chrono::Utc;

use super::ActionKind;
use super::eligibility;
use super::pins::KeptPin;
use super::service::{ActionService, DeviceReview, FollowUpdate, ResultMark, latest, newer};
use crate::audit::{AuditEvent, AuditRecord};
use crate::devices::{ActionResult, DeviceDetails, Platform, remote};
use crate::{Error, Result};

impl ActionService {
    /// Reads the device until the action sent after `baseline` was taken finishes, `stop_after`
    /// passes, or the caller drops the future. Each reading goes to `on_update`. A finished
    /// macOS lock's PIN is read back and kept in the keychain at once.
    pub async fn follow(
        &self,
        device_id: &str,
        action: ActionKind,
        baseline: Option<&ResultMark>,
        stop_after: Duration,
        on_update: impl Fn(&FollowUpdate),
    ) -> Result<FollowUpdate> {
        let deadline = tokio::time::Instant::now() + stop_after;
        let mut wait = self.follow.first_wait;
        let mut pin_kept = false;
        let mut last: Option<FollowUpdate> = None;
        loop {
            // A read that fails for a passing reason (network, throttling, a server error) does
            // not end the following: it is tried again with the same growing pauses.
            // Followers share a budget of reads: after a run of many, a thousand devices are
            // followed at once, and their reads must leave room under Intune's request limit.
            if tokio::time::timeout_at(deadline, self.follow_reads.acquire())
                .await
                .is_err()
            {
                return Ok(last.unwrap_or_else(|| FollowUpdate {
                    device_id: device_id.to_string(),
                    device_name: String::new(),
                    action,
                    result: None,
                    finished: false,
                    pin_kept,
                    message: "Not read yet: many devices are being followed at once and share the reads Intune allows. Open the device later to see how it ended.".into(),
                }));
            }
            let details = match remote::details(&self.graph, device_id, &self.admin_center).await {
                Ok(details) => details,
                Err(error) if passing(&error) => {
                    tracing::warn!(kind = ?error.kind(), "reading a followed device failed; trying again");
                    let now = tokio::time::Instant::now();
                    if now >= deadline {
                        return Err(error);
                    }
                    on_update(&FollowUpdate {
                        device_id: device_id.to_string(),
                        device_name: String::new(),
                        action,
                        result: None,
                        finished: false,
                        pin_kept,
                        message: format!(
                            "The device could not be read just now ({}); trying again.",
                            error.report().message
                        ),
                    });
                    tokio::time::sleep(wait.min(deadline - now)).await;
                    wait = (wait * 3 / 2).min(self.follow.max_wait);
                    continue;
                }
                Err(error) => return Err(error),
            };
            let result = newer(&details.action_results, action, baseline).cloned();
            let finished = result.as_ref().is_some_and(|r| is_final(&r.action_state));
            if !pin_kept && action == ActionKind::RemoteLock {
                pin_kept = self.keep_shown_pin(&details, result.as_ref()).await;
            }
            let mut message = progress_message(action, details.device.platform, result.as_ref());
            if pin_kept && !finished {
                message.push_str(&format!(
                    " Its unlock PIN is already kept {}.",
                    self.pins.where_kept()
                ));
            }
            let mut update = FollowUpdate {
                device_id: details.device.id.clone(),
                device_name: details.device.device_name.clone(),
                action,
                message,
                result,
                finished,
                pin_kept,
            };
            if finished {
                self.finish(&details, &mut update).await;
                on_update(&update);
                return Ok(update);
            }
            on_update(&update);
            let now = tokio::time::Instant::now();
            if now >= deadline {
                return Ok(update);
            }
            last = Some(update);
            tokio::time::sleep(wait.min(deadline - now)).await;
            wait = (wait * 3 / 2).min(self.follow.max_wait);
        }
    }

    /// Keeps a Mac's unlock PIN the first time Intune shows it, pending or done: Intune shows it
    /// from the moment the lock is queued (Microsoft's example has `unlockPin` on a pending
    /// result), and the app may be quit before the lock completes. A pending lock may still fail
    /// (an earlier PIN unused), so its PIN never replaces an unused PIN already kept for another
    /// lock; a finished one does. Returns whether the PIN is kept.
    async fn keep_shown_pin(&self, details: &DeviceDetails, result: Option<&ActionResult>) -> bool {
        let device = &details.device;
        let Some(result) = result else { return false };
        if device.platform != Platform::MacOs || !result.has_secret {
            return false;
        }
        let done = result.action_state == "done";
        if !done && is_final(&result.action_state) {
            return false;
        }
        let pin = match super::reveal::read_result_secret(
            &self.graph,
            &device.id,
            ActionKind::RemoteLock,
        )
        .await
        {
            Ok(Some(pin)) if pin.started >= result.started => pin,
            Ok(_) => return false,
            Err(error) => {
                tracing::warn!(kind = ?error.kind(), "an unlock PIN could not be read");
                return false;
            }
        };
        if !done && self.holds_another_unused_pin(&device.id, &pin.value) {
            return false;
        }
        let locked_at = pin.started.unwrap_or_else(Utc::now);
        match self.pins.keep(device, &pin.value, locked_at) {
            Ok(_) => true,
            Err(error) => {
                tracing::warn!(kind = ?error.kind(), "an unlock PIN could not be kept");
                false
            }
        }
    }

    /// Any action sent to a Mac makes Intune stop showing its unlock PIN: a PIN Intune shows and
    /// the app does not keep yet is kept first. `Err` says why nothing may be sent.
    pub(super) async fn keep_pin_before_sending(
        &self,
        review: &DeviceReview,
    ) -> std::result::Result<(), String> {
        let details = &review.details;
        if details.device.platform != Platform::MacOs {
            return Ok(());
        }
        let Some(lock) = latest(&details.action_results, ActionKind::RemoteLock).filter(|r| {
            r.has_secret && matches!(r.action_state.as_str(), "pending" | "active" | "done")
        }) else {
            return Ok(());
        };
        let covers = |kept: &KeptPin| {
            lock.started.is_some_and(|started| {
                kept.locked_at >= started || kept.used_at.is_some_and(|used| used >= started)
            })
        };
        if review.kept_pin.as_ref().is_some_and(covers) {
            return Ok(());
        }
        if self.keep_shown_pin(details, Some(lock)).await {
            return Ok(());
        }
        // A pending lock's PIN is not kept over another unused PIN the app keeps: that one stays.
        let keeps_earlier = review
            .kept_pin
            .as_ref()
            .is_some_and(|k| k.used_at.is_none());
        if keeps_earlier && lock.action_state != "done" {
            return Ok(());
        }
        Err(format!(
            "Intune shows this Mac's unlock PIN (from the lock of {}) and the app could not keep it first; sending anything makes Intune stop showing it. Reveal the PIN and note it, then send again.",
            lock.started
                .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
                .unwrap_or_else(|| "an earlier day".into())
        ))
    }

    /// Whether an unused PIN other than `pin` is kept for the device (compared by value: Graph's
    /// times have whole seconds, so two locks can share a start time). Unreadable counts as yes.
    fn holds_another_unused_pin(&self, device_id: &str, pin: &crate::Secret) -> bool {
        match (self.pins.record(device_id), self.pins.pin(device_id)) {
            (Ok(Some(kept)), Ok(Some(value))) => {
                kept.used_at.is_none() && value.expose() != pin.expose()
            }
            (Ok(_), Ok(_)) => false,
            (Err(error), _) | (_, Err(error)) => {
                tracing::warn!(kind = ?error.kind(), "the kept PINs could not be read");
                true
            }
        }
    }

    /// Records the outcome, and makes sure a finished macOS lock's unlock PIN is kept.
    async fn finish(&self, details: &DeviceDetails, update: &mut FollowUpdate) {
        let device = &details.device;
        let Some(result) = &update.result else { return };
        if update.action == ActionKind::RemoteLock
            && device.platform == Platform::MacOs
            && result.action_state == "done"
            && update.pin_kept
        {
            update.message = format!(
                "Locked. The unlock PIN is kept {}: reveal it when the user calls.",
                self.pins.where_kept()
            );
        } else if update.action == ActionKind::RemoteLock
            && device.platform == Platform::MacOs
            && result.action_state == "done"
        {
            match super::reveal::read_result_secret(&self.graph, &device.id, ActionKind::RemoteLock)
                .await
            {
                Ok(Some(pin)) => {
                    match self
                        .pins
                        .keep(device, &pin.value, pin.started.unwrap_or_else(Utc::now))
                    {
                        Ok(_) => {
                            update.pin_kept = true;
                            update.message = format!(
                                "Locked. The unlock PIN is kept {}: reveal it when the user calls.",
                                self.pins.where_kept()
                            );
                        }
                        Err(error) => {
                            update.message = format!(
                                "Locked, but the unlock PIN could not be kept in the keychain ({}). Reveal it now and write it down: Intune shows it for 30 days at most.",
                                error.report().message
                            );
                        }
                    }
                }
                Ok(None) => {
                    update.message = "Locked, but Intune returned no unlock PIN. Check the device in the Intune admin center.".into();
                }
                Err(error) => {
                    update.message = format!(
                        "Locked, but the unlock PIN could not be read yet ({}). Reveal it soon: Intune shows it for 30 days at most.",
                        error.report().message
                    );
                }
            }
        }
        let _ = self.audit.append(AuditRecord {
            event: AuditEvent::Outcome,
            subject: update.action.segment().into(),
            device_id: device.id.clone(),
            device_name: device.device_name.clone(),
            account: self
                .acting_account()
                .unwrap_or_else(|_| self.actor.account.clone()),
            tenant: self.actor.tenant.clone(),
            justification: None,
            outcome: result.action_state.clone(),
            detail: Some(update.message.clone()),
            request_id: None,
            client_request_id: None,
        });
    }

    /// Remote locks sent in the last 30 days (Intune shows a Mac's PIN that long) whose outcome
    /// was never recorded, the interrupted ones included: the app follows them again at start, so
    /// a Mac's PIN is kept even if the app was quit before its lock completed.
    pub fn unfinished_locks(&self) -> Result<Vec<String>> {
        let since = Utc::now() - chrono::Duration::days(eligibility::PIN_KEPT_BY_INTUNE_DAYS);
        let mut open: Vec<String> = Vec::new();
        for entry in self.audit.entries()? {
            let r = &entry.record;
            if r.subject != ActionKind::RemoteLock.segment() || entry.time < since {
                continue;
            }
            let sent = match r.event {
                AuditEvent::Sending => true,
                AuditEvent::Send => matches!(r.outcome.as_str(), "queued" | "unknown"),
                _ => false,
            };
            let ended = r.event == AuditEvent::Outcome || (r.event == AuditEvent::Send && !sent);
            open.retain(|id| *id != r.device_id);
            if sent && !ended {
                open.push(r.device_id.clone());
            }
        }
        Ok(open)
    }
}

/// An error that may go away by itself: worth reading again.
fn passing(error: &Error) -> bool {
    match error {
        Error::Graph { status, .. } => *status >= 500 || *status == 429,
        _ => matches!(
            error.kind(),
            crate::ErrorKind::Network
                | crate::ErrorKind::Throttled
                | crate::ErrorKind::ServiceError
        ),
    }
}

pub(super) fn is_final(state: &str) -> bool {
    matches!(state, "done" | "failed" | "canceled" | "notSupported")
}

fn progress_message(
    action: ActionKind,
    platform: Platform,
    result: Option<&ActionResult>,
) -> String {
    let label = action.label(platform);
    match result.map(|r| r.action_state.as_str()) {
        None => format!("{label}: sent; Intune does not show it on the device yet."),
        Some("pending") => format!("{label}: pending until the device checks in."),
        Some("active") => format!("{label}: the device is carrying it out."),
        Some("done") => match (action, platform) {
            (ActionKind::RotateFileVaultKey, _) => {
                "The Mac made a new recovery key: reveal it when needed (reading it is audited by Intune).".into()
            }
            (ActionKind::ResetPasscode, Platform::Android) => {
                "The passcode was reset: reveal the new one for the user (shown for 7 days).".into()
            }
            (ActionKind::ResetPasscode, _) => {
                "The passcode was removed: the device opens without one until the user sets a new passcode.".into()
            }
            (ActionKind::RecoverPasscode, _) if result.is_some_and(|r| r.has_secret) => {
                "Intune reports the recovery done and returned a passcode: reveal it for the user.".into()
            }
            (ActionKind::RecoverPasscode, _) => {
                "Intune reports the recovery done but returned no passcode through Graph (Microsoft documents none): open the device in the Intune admin center to see what it shows; most likely the passcode needs removing instead.".into()
            }
            (ActionKind::RemoteLock, _) => "Locked.".into(),
        },
        Some("failed") => {
            let code = result
                .and_then(|r| r.error_code)
                .map(|c| format!(" (error code {c})"))
                .unwrap_or_default();
            let hint = match action {
                ActionKind::RemoteLock if platform == Platform::MacOs => {
                    " A second lock fails while the first PIN is unused."
                }
                ActionKind::RecoverPasscode if platform == Platform::MacOs => {
                    " Intune does not say why, and Microsoft documents no passcode recovery for a Mac: for a forgotten login password, use the FileVault recovery key."
                }
                ActionKind::RecoverPasscode => " Intune does not say why, and Microsoft documents no passcode recovery for this device: remove the passcode instead.",
                ActionKind::ResetPasscode if platform == Platform::Android => {
                    " The device probably has no passcode policy."
                }
                ActionKind::ResetPasscode => " Intune's unlock token is probably out of date: only a wipe helps.",
                ActionKind::RotateFileVaultKey => " The personal recovery key is probably not escrowed to Intune.",
                _ => "",
            };
            format!("{label} failed on the device{code}.{hint}")
        }
        Some(other) => format!("{label}: Intune reports \"{other}\"."),
    }
}

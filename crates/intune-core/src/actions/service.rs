//! Sending actions and reading their outcome: one service per signed-in tenant, shared by the app
//! and the command line.
//!
//! A run takes a LIST of devices (one device is a run of one). Each device is read live first and
//! judged by the eligibility engine; blocked devices are not sent. Sends run a few at a time under
//! a client-side write limit, each with a fresh `client-request-id`. A send whose outcome is
//! unknown (no answer came back) is never blindly repeated: the device's action results are read
//! first, and only a request that provably did not arrive is sent again, once.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::StreamExt;
use serde::{Deserialize, Serialize};

use super::ActionKind;
use super::eligibility::{self, Facts, Readiness, Verdict};
use super::guidance::{self, Guidance};
use super::in_flight::InFlight;
use super::limiter::WriteLimiter;
use super::lost_answer::{Arrival, ArrivalChecks, look_for_arrival, unknown_message};
use super::pins::{KeptPin, PinKeeper};
use crate::audit::{self, AuditEvent, AuditLog, AuditRecord};
use crate::devices::{ActionResult, DeviceDetails, Platform, remote};
use crate::graph::GraphClient;
use crate::{Error, ErrorReport, Result};

/// Who acts, for the audit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub profile: String,
    pub account: String,
    pub tenant: String,
}

/// A device read now, with every verdict and, for iPhones and iPads, the recover-or-remove
/// guidance.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DeviceReview {
    pub details: DeviceDetails,
    pub verdicts: Vec<Verdict>,
    pub guidance: Option<Guidance>,
    pub kept_pin: Option<KeptPin>,
    /// The secrets that can be revealed now (each reveal still asks for a justification).
    pub reveals: Vec<super::SecretKind>,
    /// What the app could not read of its own (a damaged PIN index), and what that means.
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SendRequest {
    pub action: ActionKind,
    /// Managed device IDs.
    pub devices: Vec<String>,
    pub justification: Option<String>,
    /// Send a second macOS lock although a PIN is unused (refused without it).
    #[serde(default)]
    pub override_unused_pin: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum SendState {
    /// Intune accepted it (204): the device acts at its next check-in.
    Queued,
    /// Not sent: the eligibility check stopped it.
    Blocked,
    /// Intune refused it, or the device could not be read.
    Failed,
    /// No answer came back and the device's results could not tell: do not send again yet.
    Unknown,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DeviceOutcome {
    pub device_id: String,
    pub device_name: String,
    pub state: SendState,
    /// What happened, in a sentence.
    pub message: String,
    pub error: Option<ErrorReport>,
    pub verdict: Option<Verdict>,
    pub request_id: Option<String>,
    pub client_request_id: Option<String>,
    /// The answer was lost, and the device's action results showed whether it arrived.
    pub reconciled: bool,
    /// The action's result as it was before this send: the outcome to follow is a newer one.
    pub baseline: Option<ResultMark>,
}

/// Enough of an action result to tell a newer one from it. Intune's times may have whole-second
/// precision, so two requests in one second differ only in their state or last update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ResultMark {
    pub started: Option<DateTime<Utc>>,
    pub state: String,
    pub last_updated: Option<DateTime<Utc>>,
}

impl ResultMark {
    fn of(result: &ActionResult) -> ResultMark {
        ResultMark {
            started: result.started,
            state: result.action_state.clone(),
            last_updated: result.last_updated,
        }
    }

    /// Whether `result` is another request than the one this mark was taken of.
    fn is_older_than(&self, result: &ActionResult) -> bool {
        match (result.started, self.started) {
            (Some(now), Some(before)) if now != before => now > before,
            _ => result.action_state != self.state || result.last_updated > self.last_updated,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct RunReport {
    pub action: ActionKind,
    pub outcomes: Vec<DeviceOutcome>,
    pub queued: u32,
    pub blocked: u32,
    pub failed: u32,
    pub unknown: u32,
}

/// What a run reports as it goes.
#[derive(Debug, Clone)]
pub enum RunEvent<'a> {
    /// One device's outcome is known.
    Outcome(&'a DeviceOutcome),
    /// Intune asked to slow down (or the client keeps under Intune's limit): the next request
    /// leaves after this long.
    Waiting(Duration),
}

/// Where a followed action stands.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct FollowUpdate {
    pub device_id: String,
    pub device_name: String,
    pub action: ActionKind,
    /// Intune's `actionState` of the request sent, once it shows.
    pub result: Option<ActionResult>,
    /// done, failed, canceled or notSupported: nothing more will change.
    pub finished: bool,
    /// The macOS unlock PIN was read back and kept in the keychain.
    pub pin_kept: bool,
    pub message: String,
}

/// How often to read a device while following an action.
#[derive(Debug, Clone)]
pub struct FollowPolicy {
    pub first_wait: Duration,
    pub max_wait: Duration,
    /// Reads of the device, with the same growing pauses, to learn whether a request whose answer
    /// was lost arrived.
    pub arrival_reads: u32,
}

impl Default for FollowPolicy {
    fn default() -> Self {
        FollowPolicy {
            first_wait: Duration::from_secs(2),
            max_wait: Duration::from_secs(30),
            arrival_reads: 5,
        }
    }
}

pub struct ActionService {
    graph: GraphClient,
    admin_center: String,
    actor: Actor,
    audit: AuditLog,
    pins: PinKeeper,
    limiter: WriteLimiter,
    concurrency: usize,
    follow: FollowPolicy,
    /// The Graph permissions the sign-in holds: a 403 then says whether the permission or an
    /// Intune role is missing.
    granted: Vec<String>,
    /// Who is signed in now (a resumed sign-in learns it with its first token).
    account_source: Option<AccountSource>,
}

/// Tells who is signed in now, once a token names the account.
pub type AccountSource = Arc<dyn Fn() -> Option<String> + Send + Sync>;

impl ActionService {
    pub fn new(
        graph: GraphClient,
        admin_center: &str,
        actor: Actor,
        audit: AuditLog,
        pins: PinKeeper,
    ) -> Self {
        ActionService {
            graph,
            admin_center: admin_center.to_string(),
            actor,
            audit,
            pins,
            limiter: WriteLimiter::default(),
            concurrency: 4,
            follow: FollowPolicy::default(),
            granted: Vec::new(),
            account_source: None,
        }
    }

    /// The permissions the sign-in was granted (scopes, with or without the Graph host).
    pub fn with_granted(mut self, granted: Vec<String>) -> Self {
        self.granted = granted;
        self
    }

    /// Tests and benchmarks: a tighter write limit, other concurrency, faster following.
    pub fn tuned(
        mut self,
        limiter: WriteLimiter,
        concurrency: usize,
        follow: FollowPolicy,
    ) -> Self {
        self.limiter = limiter;
        self.concurrency = concurrency.max(1);
        self.follow = follow;
        self
    }

    pub fn audit(&self) -> &AuditLog {
        &self.audit
    }

    pub fn pins(&self) -> &PinKeeper {
        &self.pins
    }

    pub fn graph(&self) -> &GraphClient {
        &self.graph
    }

    pub fn admin_center(&self) -> &str {
        &self.admin_center
    }

    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// The device read now, judged for every action.
    pub async fn review(&self, device_id: &str) -> Result<DeviceReview> {
        let details = remote::details(&self.graph, device_id, &self.admin_center).await?;
        let mut warnings = Vec::new();
        // An unreadable PIN index must not stop the review of a device: the PINs are still in
        // the keychain, and Intune still shows its own.
        let kept_pin = match self.pins.record(&details.device.id) {
            Ok(kept) => kept,
            Err(error) => {
                tracing::warn!(kind = ?error.kind(), "the PIN index could not be read");
                warnings.push(format!(
                    "The app's list of kept unlock PINs could not be read ({}): a PIN kept for this Mac may not show here, and the unused-PIN check relies on what Intune shows. The PINs themselves are still in your keychain.",
                    error.report().message
                ));
                None
            }
        };
        let history = self.audit.history(&details.device.id, Utc::now())?;
        let facts = Facts {
            device: &details.device,
            results: &details.action_results,
            kept_pin: kept_pin.as_ref().map(KeptPin::record),
            history,
            now: Utc::now(),
        };
        let verdicts = eligibility::assess(&facts);
        let guidance = guidance::guidance(&facts);
        let reveals = super::reveal::revealable(&details, kept_pin.as_ref());
        Ok(DeviceReview {
            verdicts,
            guidance,
            kept_pin,
            reveals,
            details,
            warnings,
        })
    }

    /// Sends the action to every device of the request, a few at a time, reporting each outcome
    /// and each wait to `on_event` as they happen.
    pub async fn send(
        &self,
        request: &SendRequest,
        on_event: impl Fn(RunEvent) + Send + Sync + 'static,
    ) -> Result<RunReport> {
        let mut ids: Vec<String> = Vec::new();
        for id in &request.devices {
            // Graph's IDs are GUIDs, which compare without case: one device, one request.
            let id = id.trim().to_ascii_lowercase();
            if !remote::is_guid(&id) {
                return Err(Error::InvalidInput {
                    what: "the device ID",
                    why: format!("{id:?} is not a GUID"),
                });
            }
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        if ids.is_empty() {
            return Err(Error::InvalidInput {
                what: "the device list",
                why: "it is empty".into(),
            });
        }
        let justification = if request.action.needs_justification() || request.override_unused_pin {
            let why = if request.override_unused_pin {
                "Overriding the unused-PIN guard"
            } else {
                "Recovering a passcode"
            };
            Some(audit::justification(request.justification.as_deref(), why)?)
        } else {
            request
                .justification
                .as_deref()
                .and_then(|j| audit::justification(Some(j), "").ok())
        };
        let on_event = Arc::new(on_event);
        let waits = Arc::clone(&on_event);
        let graph = self
            .graph
            .observed(Arc::new(move |wait| waits(RunEvent::Waiting(wait))));
        let (graph, on_event) = (&graph, &on_event);
        let outcomes: Vec<DeviceOutcome> = futures::stream::iter(ids)
            .map(|id| {
                let justification = justification.clone();
                async move {
                    let outcome = self.send_one(graph, request, &id, justification).await;
                    on_event(RunEvent::Outcome(&outcome));
                    outcome
                }
            })
            .buffered(self.concurrency)
            .collect()
            .await;
        let count = |state| outcomes.iter().filter(|o| o.state == state).count() as u32;
        Ok(RunReport {
            action: request.action,
            queued: count(SendState::Queued),
            blocked: count(SendState::Blocked),
            failed: count(SendState::Failed),
            unknown: count(SendState::Unknown),
            outcomes,
        })
    }

    async fn send_one(
        &self,
        graph: &GraphClient,
        request: &SendRequest,
        device_id: &str,
        justification: Option<String>,
    ) -> DeviceOutcome {
        let action = request.action;
        let mut outcome = DeviceOutcome {
            device_id: device_id.to_string(),
            device_name: String::new(),
            state: SendState::Failed,
            message: String::new(),
            error: None,
            verdict: None,
            request_id: None,
            client_request_id: None,
            reconciled: false,
            baseline: None,
        };
        let review = match self.review(device_id).await {
            Ok(review) => review,
            Err(error) => {
                outcome.message = format!(
                    "The device could not be read, so nothing was sent: {}",
                    error.report().message
                );
                outcome.error = Some(error.report());
                return outcome;
            }
        };
        let device = &review.details.device;
        outcome.device_name = device.device_name.clone();
        outcome.baseline = latest(&review.details.action_results, action).map(ResultMark::of);
        let account = match self.acting_account() {
            Ok(account) => account,
            Err(error) => {
                outcome.message = format!("Not sent: {}", error.report().message);
                outcome.error = Some(error.report());
                return outcome;
            }
        };
        let verdict = review
            .verdicts
            .iter()
            .find(|v| v.action == action)
            .cloned()
            .expect("assess covers every action");
        let record = |event, outcome_word: &str, detail: Option<String>| AuditRecord {
            event,
            subject: action.segment().into(),
            device_id: device.id.clone(),
            device_name: device.device_name.clone(),
            account: account.clone(),
            tenant: self.actor.tenant.clone(),
            justification: justification.clone(),
            outcome: outcome_word.into(),
            detail,
            request_id: None,
            client_request_id: None,
        };
        if verdict.readiness == Readiness::Blocked {
            let why = blocker_text(&verdict);
            if !(verdict.overridable && request.override_unused_pin) {
                let _ =
                    self.audit
                        .append(record(AuditEvent::Blocked, "blocked", Some(why.clone())));
                outcome.state = SendState::Blocked;
                outcome.message = format!("Not sent: {why}");
                outcome.verdict = Some(verdict);
                return outcome;
            }
            if let Err(error) =
                self.audit
                    .append(record(AuditEvent::Override, "overridden", Some(why)))
            {
                // An override that cannot be recorded is not made.
                outcome.message =
                    "Not sent: the override could not be recorded in the audit.".into();
                outcome.error = Some(error.report());
                return outcome;
            }
        }
        outcome.verdict = Some(verdict);
        if let Err(why) = self.keep_pin_before_sending(&review).await {
            let _ = self
                .audit
                .append(record(AuditEvent::Blocked, "blocked", Some(why.clone())));
            outcome.state = SendState::Blocked;
            outcome.message = format!("Not sent: {why}");
            return outcome;
        }

        // One request per device and action at a time, from any window or process.
        let in_flight = self
            .audit
            .path()
            .parent()
            .and_then(std::path::Path::parent)
            .map(|data| InFlight::new(data.join("in-flight").join(self.audit.file_stem())));
        let _claim = match in_flight.map(|f| f.claim(&device.id, action)).transpose() {
            Ok(Some(Some(claim))) => Some(claim),
            Ok(None) => None,
            Ok(Some(None)) => {
                let why = "this action is being sent to this device right now, from another window or process".to_string();
                let _ =
                    self.audit
                        .append(record(AuditEvent::Blocked, "blocked", Some(why.clone())));
                outcome.state = SendState::Blocked;
                outcome.message = format!("Not sent: {why}. Follow the device to see how it ends.");
                return outcome;
            }
            Err(error) => {
                outcome.message = format!(
                    "Not sent: no other send of it could be ruled out ({}).",
                    error.report().message
                );
                outcome.error = Some(error.report());
                return outcome;
            }
        };

        // Write-ahead: the request is audited, with the id it will carry, before it leaves; if
        // that cannot be written, nothing is sent.
        let client_request_id = uuid::Uuid::new_v4().to_string();
        let mut sending = record(AuditEvent::Sending, "sending", None);
        sending.client_request_id = Some(client_request_id.clone());
        if let Err(error) = self.audit.append(sending) {
            outcome.message = format!(
                "Not sent: the audit could not be written first ({}).",
                error.report().message
            );
            outcome.error = Some(error.report());
            return outcome;
        }
        outcome.client_request_id = Some(client_request_id.clone());

        let sent = self
            .post(graph, action, &device.id, &client_request_id)
            .await;
        let (state, message, error, ids, reconciled) = match sent {
            Ok(ids) => (
                SendState::Queued,
                queued_message(action, device.platform),
                None,
                Some(ids),
                false,
            ),
            Err(Error::OutcomeUnknown(_)) => {
                self.reconcile(
                    graph,
                    action,
                    &device.id,
                    outcome.baseline.as_ref(),
                    device.platform,
                )
                .await
            }
            Err(error) => {
                let report = refusal(&error, action, &self.granted);
                (
                    SendState::Failed,
                    format!("Intune refused it: {}", report.message),
                    Some(report),
                    None,
                    false,
                )
            }
        };
        outcome.state = state;
        outcome.message = message;
        outcome.reconciled = reconciled;
        outcome.request_id = ids
            .as_ref()
            .and_then(|i: &Ids| i.request_id.clone())
            .or_else(|| error.as_ref().and_then(|e| e.request_id.clone()));
        outcome.error = error;
        let word = match state {
            SendState::Queued => "queued",
            SendState::Failed => "refused",
            SendState::Unknown => "unknown",
            SendState::Blocked => "blocked",
        };
        let mut entry = record(AuditEvent::Send, word, Some(outcome.message.clone()));
        entry.request_id = outcome.request_id.clone();
        entry.client_request_id = outcome.client_request_id.clone();
        if let Err(error) = self.audit.append(entry) {
            tracing::error!(kind = ?error.kind(), "an action was sent but could not be audited");
            outcome.message = format!(
                "{} The audit could not be written: {}",
                outcome.message,
                error.report().message
            );
        }
        outcome
    }

    async fn post(
        &self,
        graph: &GraphClient,
        action: ActionKind,
        device_id: &str,
        client_request_id: &str,
    ) -> Result<Ids> {
        self.limiter.acquire().await;
        let url = action.call().url(graph, device_id);
        let answer = graph.post_as(&url, client_request_id).await?;
        Ok(Ids {
            request_id: answer.request_id,
        })
    }

    /// No answer came back: read the device to learn whether the request arrived. It is never
    /// sent again from here (see `lost_answer`).
    async fn reconcile(
        &self,
        graph: &GraphClient,
        action: ActionKind,
        device_id: &str,
        baseline: Option<&ResultMark>,
        platform: Platform,
    ) -> (SendState, String, Option<ErrorReport>, Option<Ids>, bool) {
        let checks = ArrivalChecks {
            reads: self.follow.arrival_reads,
            first_wait: self.follow.first_wait,
            max_wait: self.follow.max_wait,
        };
        match look_for_arrival(
            graph,
            &self.admin_center,
            device_id,
            action,
            baseline,
            checks,
        )
        .await
        {
            Arrival::Arrived(_) => (
                SendState::Queued,
                format!(
                    "{} (The answer was lost on the way back; the device's action results show the request arrived.)",
                    queued_message(action, platform)
                ),
                None,
                None,
                true,
            ),
            Arrival::NotSeen { reads, waited } => {
                let error = Error::OutcomeUnknown(format!("POST {}", action.segment()));
                (
                    SendState::Unknown,
                    unknown_message(action, platform, reads, waited),
                    Some(error.report()),
                    None,
                    true,
                )
            }
        }
    }

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
        loop {
            // A read that fails for a passing reason (network, throttling, a server error) does
            // not end the following: it is tried again with the same growing pauses.
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
    async fn keep_pin_before_sending(
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

    /// Requests written ahead whose answer was never recorded (the app or the command line stopped
    /// in between): whether they reached Intune is unknown. Oldest first.
    pub fn interrupted(&self) -> Result<Vec<audit::AuditEntry>> {
        self.audit.interrupted()
    }

    /// The admin checked an interrupted request: it is no longer listed; `detail` says what they
    /// found.
    pub fn settle_interrupted(
        &self,
        client_request_id: &str,
        detail: &str,
    ) -> Result<audit::AuditEntry> {
        self.audit.settle_interrupted(client_request_id, detail)
    }

    /// Audits an attempt the eligibility check stopped before anything was sent (a run where
    /// every device is blocked never reaches [`ActionService::send`]).
    pub fn record_blocked(
        &self,
        review: &DeviceReview,
        action: ActionKind,
        justification: Option<&str>,
    ) -> Result<audit::AuditEntry> {
        let device = &review.details.device;
        let verdict = review
            .verdicts
            .iter()
            .find(|v| v.action == action)
            .ok_or_else(|| Error::Internal("no verdict for the action".into()))?;
        self.audit.append(AuditRecord {
            event: AuditEvent::Blocked,
            subject: action.segment().into(),
            device_id: device.id.clone(),
            device_name: device.device_name.clone(),
            account: self.acting_account()?,
            tenant: self.actor.tenant.clone(),
            justification: justification.map(str::to_string),
            outcome: "blocked".into(),
            detail: Some(blocker_text(verdict)),
            request_id: None,
            client_request_id: None,
        })
    }

    /// Reads the signed-in account from `source` whenever an entry is written.
    pub fn with_account_source(mut self, source: AccountSource) -> Self {
        self.account_source = Some(source);
        self
    }

    /// The account every audit entry names. Unknown: the action is refused, since an entry that
    /// does not say who acted defeats the audit.
    pub fn acting_account(&self) -> Result<String> {
        self.account_source
            .as_ref()
            .and_then(|source| source())
            .filter(|a| !a.trim().is_empty())
            .or_else(|| Some(self.actor.account.clone()).filter(|a| !a.trim().is_empty()))
            .ok_or_else(|| {
                Error::SignInRequired(
                    "the signed-in account is not known yet, and nothing is done without an audit entry that names who acted".into(),
                )
            })
    }

    /// The admin confirms the user typed the PIN: it leaves the keychain, and locks are allowed.
    pub fn mark_pin_used(&self, device_id: &str) -> Result<KeptPin> {
        let account = self.acting_account()?;
        let kept = self.pins.mark_used(device_id)?;
        self.audit.append(AuditRecord {
            event: AuditEvent::Pin,
            subject: "unlockPin".into(),
            device_id: kept.device_id.clone(),
            device_name: kept.device_name.clone(),
            account,
            tenant: self.actor.tenant.clone(),
            justification: None,
            outcome: "used".into(),
            detail: Some("Marked used: the PIN was deleted from the keychain.".into()),
            request_id: None,
            client_request_id: None,
        })?;
        Ok(kept)
    }
}

struct Ids {
    request_id: Option<String>,
}

/// The action's newest result.
fn latest(results: &[ActionResult], action: ActionKind) -> Option<&ActionResult> {
    results
        .iter()
        .filter(|r| r.action_name.eq_ignore_ascii_case(action.segment()))
        .max_by_key(|r| r.started)
}

/// The action's newest result if it is not the one `baseline` was taken of: the request arrived.
pub(super) fn newer<'a>(
    results: &'a [ActionResult],
    action: ActionKind,
    baseline: Option<&ResultMark>,
) -> Option<&'a ActionResult> {
    latest(results, action).filter(|r| baseline.is_none_or(|b| b.is_older_than(r)))
}

/// The roles that allow an action, as Intune's role reference names them.
fn roles_for(action: ActionKind) -> &'static str {
    match action {
        ActionKind::RemoteLock => {
            "Help Desk Operator, School Administrator, Endpoint Security Manager, or a custom role with Remote tasks/Remote lock"
        }
        ActionKind::RotateFileVaultKey => {
            "Help Desk Operator, Endpoint Security Manager, or a custom role with Remote tasks/Rotate FileVault key"
        }
        ActionKind::ResetPasscode | ActionKind::RecoverPasscode => {
            "Help Desk Operator, School Administrator, or a custom role with Remote tasks/Reset passcode"
        }
    }
}

const PRIVILEGED: &str = "DeviceManagementManagedDevices.PrivilegedOperations.All";

/// A refusal in plain words. A 403 says which is missing: the app registration's permission (or
/// its admin consent), or, with the permission granted, the account's Intune role.
fn refusal(error: &Error, action: ActionKind, granted: &[String]) -> ErrorReport {
    let mut report = error.report();
    if let Error::Graph { status: 403, .. } = error {
        let has_permission = granted.iter().any(|g| g.ends_with(PRIVILEGED));
        report.message = if has_permission {
            format!(
                "Your account has no Intune role that allows this. The app registration has {PRIVILEGED}; ask an Intune administrator for one of: {}.",
                roles_for(action)
            )
        } else {
            format!(
                "The sign-in lacks {PRIVILEGED}: ask an Entra administrator to add it to the app registration and grant admin consent, then sign in again. Your account also needs one of: {}.",
                roles_for(action)
            )
        };
    }
    report
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

fn is_final(state: &str) -> bool {
    matches!(state, "done" | "failed" | "canceled" | "notSupported")
}

fn blocker_text(verdict: &Verdict) -> String {
    verdict
        .reasons
        .iter()
        .filter(|r| r.severity == super::Severity::Blocker)
        .map(|r| r.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

fn queued_message(action: ActionKind, platform: Platform) -> String {
    format!(
        "{}: Intune accepted it; the device acts when it next checks in.",
        action.label(platform)
    )
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
            (ActionKind::RecoverPasscode, _) => {
                "Intune reports the recovery done: reveal the passcode, or open the device in the Intune admin center if none can be read.".into()
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

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn result(second: u32, state: &str, updated: u32) -> ActionResult {
        let at = |s| Some(Utc.with_ymd_and_hms(2026, 11, 20, 12, 0, s).unwrap());
        ActionResult {
            action_name: "remoteLock".into(),
            action_state: state.into(),
            started: at(second),
            last_updated: at(updated),
            has_secret: false,
            error_code: None,
        }
    }

    #[test]
    fn a_newer_request_is_told_apart_even_within_the_same_second() {
        let before = ResultMark::of(&result(1, "done", 3));
        assert!(before.is_older_than(&result(5, "done", 5)), "a later start");
        assert!(
            before.is_older_than(&result(1, "pending", 1)),
            "same second, other state"
        );
        assert!(
            before.is_older_than(&result(1, "done", 9)),
            "same second, updated later"
        );
        assert!(
            !before.is_older_than(&result(1, "done", 3)),
            "the same result"
        );
        assert!(
            !before.is_older_than(&result(0, "pending", 0)),
            "an earlier start"
        );
    }

    #[test]
    fn with_no_baseline_any_result_is_the_new_one() {
        let results = [result(1, "pending", 1)];
        assert!(newer(&results, ActionKind::RemoteLock, None).is_some());
        assert!(newer(&results, ActionKind::RotateFileVaultKey, None).is_none());
    }
}

//! Sending actions and reading their outcome: one service per signed-in tenant, shared by the app
//! and the command line.
//!
//! A run takes a LIST of devices (one device is a run of one), journaled so it can be resumed
//! (`runs`). Each device is read live first and judged by the eligibility engine; blocked devices
//! are not sent. Devices are read a few at a time, ahead of the client-side write limit, and each
//! request leaves with a fresh `client-request-id` as soon as the limit allows. A send whose outcome is
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
use super::refusal::refusal;
use super::runs::{RunControl, RunEnd, RunHeader, RunJournal, RunStore};
use crate::audit::{self, AuditEvent, AuditLog, AuditRecord};
use crate::devices::{ActionResult, DeviceDetails, Platform, remote};
use crate::graph::{GraphClient, Wait};
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
    /// Not sent: the admin cancelled the run before this device's request left.
    Cancelled,
}

/// One device of a run under review: its verdict for the action, or why it could not be read.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ReviewRow {
    pub device_id: String,
    pub device: Option<crate::devices::Device>,
    pub verdict: Option<Verdict>,
    pub error: Option<ErrorReport>,
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
    /// The run's journal (`runs show`, resume).
    pub run_id: String,
    pub action: ActionKind,
    pub outcomes: Vec<DeviceOutcome>,
    pub queued: u32,
    pub blocked: u32,
    pub failed: u32,
    pub unknown: u32,
    pub cancelled: u32,
}

impl RunReport {
    /// The run as CSV for a spreadsheet or a ticket: one row per device with its serial and user
    /// (from `device`, the device list), the action, the outcome and its words, when the run
    /// ended, and the request IDs support asks for. Never a secret: a run's outcomes hold none.
    pub fn to_csv(
        &self,
        finished: DateTime<Utc>,
        device: impl Fn(&str) -> Option<crate::devices::Device>,
    ) -> String {
        let mut out = String::from(
            "deviceName,serialNumber,user,deviceId,action,outcome,message,time,requestId,clientRequestId\n",
        );
        for o in &self.outcomes {
            let known = device(&o.device_id);
            let outcome = serde_json::to_value(o.state)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            let cells = [
                o.device_name.clone(),
                known
                    .as_ref()
                    .map(|d| d.serial_number.clone())
                    .unwrap_or_default(),
                known
                    .as_ref()
                    .map(|d| d.user_principal_name.clone())
                    .unwrap_or_default(),
                o.device_id.clone(),
                self.action.segment().to_string(),
                outcome,
                o.message.clone(),
                finished.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                o.request_id.clone().unwrap_or_default(),
                o.client_request_id.clone().unwrap_or_default(),
            ];
            let row: Vec<String> = cells.iter().map(|c| audit::csv_cell(c)).collect();
            out.push_str(&row.join(","));
            out.push('\n');
        }
        out
    }
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

/// Devices a run works on at once: enough to keep up with Intune's write limit while some wait on
/// a slow read or a lost answer, few enough to stay far under its read limit.
pub const DEFAULT_CONCURRENCY: usize = 8;

/// Reads per 20 s that following may use, for every device followed at once: a quarter of the
/// 2,000 requests per 20 s Intune allows an app in a tenant (Microsoft Graph's Intune service
/// limits, <https://learn.microsoft.com/graph/throttling-limits#intune-service-limits>), so the
/// reads and writes of a run keep the rest. One device followed never comes near it; a thousand
/// are read about every 40 s each.
pub const FOLLOW_READS: usize = 500;

pub struct ActionService {
    pub(super) graph: GraphClient,
    pub(super) admin_center: String,
    pub(super) actor: Actor,
    pub(super) audit: AuditLog,
    pub(super) pins: PinKeeper,
    pub(super) limiter: Arc<WriteLimiter>,
    /// The reads every follower of this tenant shares (see [`FOLLOW_READS`]).
    pub(super) follow_reads: Arc<WriteLimiter>,
    pub(super) concurrency: usize,
    pub(super) follow: FollowPolicy,
    /// The Graph permissions the sign-in holds: a 403 then says whether the permission or an
    /// Intune role is missing.
    pub(super) granted: Vec<String>,
    /// Who is signed in now (a resumed sign-in learns it with its first token).
    pub(super) account_source: Option<AccountSource>,
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
            limiter: Arc::new(WriteLimiter::default()),
            follow_reads: Arc::new(WriteLimiter::new(
                FOLLOW_READS,
                super::limiter::INTUNE_WINDOW,
            )),
            concurrency: DEFAULT_CONCURRENCY,
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
        self.limiter = Arc::new(limiter);
        self.concurrency = concurrency.max(1);
        self.follow = follow;
        self
    }

    /// Tests: another budget for the reads of every follower.
    pub fn with_follow_reads(mut self, per_window: usize, window: Duration) -> Self {
        self.follow_reads = Arc::new(WriteLimiter::new(per_window, window));
        self
    }

    pub fn audit(&self) -> &AuditLog {
        &self.audit
    }

    /// The writes per window this tenant's runs may send now (Intune's limit, less what a 429
    /// showed other tools take), and about how long `remaining` more take at that pace.
    pub fn write_pace(&self, remaining: usize) -> (usize, Duration) {
        (self.limiter.limit(), self.limiter.estimate(remaining))
    }

    /// The window Intune's write limit counts over.
    pub fn write_window(&self) -> Duration {
        self.limiter.window()
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

    /// Each device read now and judged for one action, a few at a time, in the order given: the
    /// review of a run before it is confirmed. A device that cannot be read says why.
    pub async fn review_many(&self, action: ActionKind, ids: &[String]) -> Vec<ReviewRow> {
        // Owned IDs: a future borrowing from the slice would not be `Send` for every lifetime.
        futures::stream::iter(ids.to_vec())
            .map(|id| async move {
                match self.review(&id).await {
                    Ok(review) => ReviewRow {
                        device_id: id.clone(),
                        verdict: review.verdicts.into_iter().find(|v| v.action == action),
                        device: Some(review.details.device),
                        error: None,
                    },
                    Err(error) => ReviewRow {
                        device_id: id,
                        device: None,
                        verdict: None,
                        error: Some(error.report()),
                    },
                }
            })
            .buffered(self.concurrency)
            .collect()
            .await
    }

    /// Sends the action to every device of the request, a few at a time, reporting each outcome
    /// and each wait to `on_event` as they happen. The run is journaled (see `runs`) so that it
    /// can be resumed if it stops; `control` pauses or cancels it.
    pub async fn send(
        &self,
        request: &SendRequest,
        control: &RunControl,
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
        let justification = run_justification(
            request.action,
            request.justification.as_deref(),
            request.override_unused_pin,
        )?;
        let header = RunHeader {
            id: uuid::Uuid::new_v4().to_string(),
            action: request.action,
            devices: ids,
            justification: justification.clone(),
            override_unused_pin: request.override_unused_pin,
            account: self.acting_account().unwrap_or_default(),
            started: Utc::now(),
        };
        // A run that could not be found again after a crash is not started.
        let journal = self.runs().start(&header)?;
        let to_send = header.devices.iter().cloned().collect();
        Ok(self
            .run(
                &journal,
                &header,
                to_send,
                Default::default(),
                control,
                on_event,
            )
            .await)
    }

    /// This profile's runs (journals), to list, show and resume.
    pub fn runs(&self) -> RunStore {
        let data = self
            .audit
            .data_dir()
            .unwrap_or_else(|| std::path::Path::new("."));
        RunStore::new(data.join("runs").join(self.audit.file_stem()))
    }

    /// Goes on with a run that stopped before its end (a crash, a Quit, a lost network) or was
    /// cancelled. Nothing is sent twice: a device whose request the audit shows leaving since the
    /// run started is never sent again. If its answer was not recorded, the device is read once
    /// to see whether the request arrived; if that does not tell, it stays unknown for the admin.
    /// Devices not reached, cancelled, or not sent because they could not be read or checked are
    /// read, checked and sent now.
    pub async fn resume(
        &self,
        run_id: &str,
        control: &RunControl,
        on_event: impl Fn(RunEvent) + Send + Sync + 'static,
    ) -> Result<RunReport> {
        let (journal, record) = self.runs().reopen(run_id)?;
        let header = record.header.clone();
        // A resumed sign-in learns the account with its first token; each send still refuses
        // without one.
        journal.resumed(&self.acting_account().unwrap_or_default())?;
        let entries = self.audit.entries()?;
        let mut settled = std::collections::HashMap::new();
        let mut to_send = std::collections::HashSet::new();
        let since = header.started;
        for device in &header.devices {
            if let Some(done) = record.outcomes.get(device).filter(|o| !o.not_sent()) {
                settled.insert(device.clone(), done.to_outcome());
                continue;
            }
            // The audit is the authority on what left: the newest request for this device and
            // action since the run started, if any (one whose journal line was lost included).
            let left = entries.iter().rev().find(|e| {
                e.record.event == AuditEvent::Sending
                    && e.time >= since
                    && e.record.device_id.eq_ignore_ascii_case(device)
                    && e.record.subject == header.action.segment()
            });
            let Some(left) = left else {
                to_send.insert(device.clone());
                continue;
            };
            if record
                .outcomes
                .get(device)
                .and_then(|o| o.client_request_id.as_ref())
                .is_some_and(|crid| left.record.client_request_id.as_ref() == Some(crid))
            {
                // The journal's outcome is this very request's (a refusal): keep it.
                let done = &record.outcomes[device];
                settled.insert(device.clone(), done.to_outcome());
                continue;
            }
            // The action's result before the request, if the journal knows it: only then can a
            // read tell whether it arrived.
            let baseline = record
                .sending
                .get(device)
                .filter(|(crid, _)| left.record.client_request_id.as_ref() == Some(crid))
                .map(|(_, baseline)| baseline.clone());
            let outcome = self
                .settle_left_request(&entries, left, baseline, header.action)
                .await;
            journal.outcome(&outcome);
            settled.insert(device.clone(), outcome);
        }
        Ok(self
            .run(&journal, &header, to_send, settled, control, on_event)
            .await)
    }

    /// A request of a stopped run that the audit shows leaving: its answer as the audit recorded
    /// it, or, if none was, whether the device shows it arrived (one read). Never sent again.
    async fn settle_left_request(
        &self,
        entries: &[audit::AuditEntry],
        left: &audit::AuditEntry,
        baseline: Option<Option<ResultMark>>,
        action: ActionKind,
    ) -> DeviceOutcome {
        let crid = left.record.client_request_id.clone();
        let mut outcome = DeviceOutcome {
            device_id: left.record.device_id.to_ascii_lowercase(),
            device_name: left.record.device_name.clone(),
            state: SendState::Unknown,
            message: String::new(),
            error: None,
            verdict: None,
            request_id: None,
            client_request_id: crid.clone(),
            reconciled: true,
            baseline: baseline.clone().flatten(),
        };
        let answer = entries.iter().find(|e| {
            e.record.event == AuditEvent::Send
                && e.record.client_request_id == crid
                && crid.is_some()
        });
        if let Some(answer) = answer {
            outcome.state = match answer.record.outcome.as_str() {
                "queued" => SendState::Queued,
                "refused" => SendState::Failed,
                "blocked" => SendState::Blocked,
                _ => SendState::Unknown,
            };
            outcome.request_id = answer.record.request_id.clone();
            outcome.message =
                answer.record.detail.clone().unwrap_or_else(|| {
                    format!("Recorded in the audit as {}.", answer.record.outcome)
                });
            return outcome;
        }
        let read = match &baseline {
            Some(_) => remote::details(&self.graph, &outcome.device_id, &self.admin_center)
                .await
                .ok(),
            None => None,
        };
        match (read, baseline) {
            (Some(details), Some(baseline))
                if newer(&details.action_results, action, baseline.as_ref()).is_some() =>
            {
                outcome.state = SendState::Queued;
                outcome.message = format!(
                    "{} (The app stopped before Intune's answer was recorded; the device's action results show the request arrived. Not sent again.)",
                    queued_message(action, details.device.platform)
                );
                if let Some(crid) = &crid {
                    let _ = self.audit.settle_interrupted(
                        crid,
                        "the device's action results showed it arrived (read when its run was resumed)",
                    );
                }
            }
            _ => {
                outcome.message = "The app stopped after this request left and before Intune's answer was recorded, and the device's action results do not show it: whether it arrived is unknown, so it is not sent again. Check the device's action results in Intune (or later in this app), then decide.".into();
                outcome.error =
                    Some(Error::OutcomeUnknown(format!("POST {}", action.segment())).report());
            }
        }
        outcome
    }

    /// Sends to `to_send` (in the run's order), reports `settled` outcomes as they are, and
    /// journals each new outcome and the run's end.
    async fn run(
        &self,
        journal: &RunJournal,
        header: &RunHeader,
        to_send: std::collections::HashSet<String>,
        settled: std::collections::HashMap<String, DeviceOutcome>,
        control: &RunControl,
        on_event: impl Fn(RunEvent) + Send + Sync + 'static,
    ) -> RunReport {
        let request = SendRequest {
            action: header.action,
            devices: header.devices.clone(),
            justification: header.justification.clone(),
            override_unused_pin: header.override_unused_pin,
        };
        let on_event = Arc::new(on_event);
        let waits = Arc::clone(&on_event);
        let limiter = Arc::clone(&self.limiter);
        let graph = self.graph.observed(Arc::new(move |wait: Wait| {
            // A 429 says how much of Intune's write limit is this run's; other waits do not.
            if wait.throttled {
                limiter.throttled(wait.duration);
            }
            waits(RunEvent::Waiting(wait.duration))
        }));
        // Devices are read and checked ahead of Intune's write limit: when a window opens, a whole
        // window's worth is ready to go, instead of a few at a time being read then. Reads stay a
        // few at a time; each device's write-ahead entry is still made right before its POST.
        let slots = Slots {
            reads: tokio::sync::Semaphore::new(self.concurrency),
            writes: tokio::sync::Semaphore::new(self.concurrency),
        };
        let ahead = self.concurrency.max(self.limiter.limit());
        let (graph, on_event, request, to_send, settled, slots) =
            (&graph, &on_event, &request, &to_send, &settled, &slots);
        let outcomes: Vec<DeviceOutcome> = futures::stream::iter(header.devices.clone())
            .map(|id| async move {
                if let Some(done) = settled.get(&id) {
                    on_event(RunEvent::Outcome(done));
                    return done.clone();
                }
                if !to_send.contains(&id) {
                    return cancelled(&id);
                }
                let outcome = if control.proceed().await {
                    self.send_one(graph, request, &id, Some(journal), control, slots)
                        .await
                } else {
                    cancelled(&id)
                };
                journal.outcome(&outcome);
                on_event(RunEvent::Outcome(&outcome));
                outcome
            })
            .buffered(ahead)
            .collect()
            .await;
        let count = |state| outcomes.iter().filter(|o| o.state == state).count() as u32;
        let cancelled_count = count(SendState::Cancelled);
        journal.ended(if cancelled_count > 0 {
            RunEnd::Cancelled
        } else {
            RunEnd::Finished
        });
        RunReport {
            run_id: header.id.clone(),
            action: header.action,
            queued: count(SendState::Queued),
            blocked: count(SendState::Blocked),
            failed: count(SendState::Failed),
            unknown: count(SendState::Unknown),
            cancelled: cancelled_count,
            outcomes,
        }
    }

    async fn send_one(
        &self,
        graph: &GraphClient,
        request: &SendRequest,
        device_id: &str,
        journal: Option<&RunJournal>,
        control: &RunControl,
        slots: &Slots,
    ) -> DeviceOutcome {
        let action = request.action;
        let justification = request.justification.clone();
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
        // Reads a few at a time (Intune's read limit), however many devices wait for a write.
        let reading = slots.reads.acquire().await.ok();
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
            .data_dir()
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

        drop(reading);

        // The slot in Intune's write limit first: a request written ahead is one that leaves at
        // once, so a run stopped while waiting here leaves nothing unknown. Cancel ends the wait;
        // a pause holds the device here. A few writes at a time: when a window opens, a 429 from
        // a tenant whose quota others share refuses a few writes, not a whole window's worth.
        let writing = slots.writes.acquire().await.ok();
        if !control.proceed().await {
            let mut cancelled = cancelled(&device.id);
            cancelled.device_name = device.device_name.clone();
            return cancelled;
        }
        let slot = tokio::select! {
            slot = self.limiter.acquire() => Some(slot),
            () = control.cancelled() => None,
        };
        let Some(slot) = slot.filter(|_| !control.is_cancelled()) else {
            let mut cancelled = cancelled(&device.id);
            cancelled.device_name = device.device_name.clone();
            return cancelled;
        };

        // Write-ahead: the request is journaled and audited, with the id it will carry, before
        // it leaves; if either cannot be written, nothing is sent.
        let client_request_id = uuid::Uuid::new_v4().to_string();
        if let Some(Err(error)) =
            journal.map(|j| j.sending(&device.id, &client_request_id, outcome.baseline.as_ref()))
        {
            outcome.message = format!(
                "Not sent: the run's journal could not be written first ({}).",
                error.report().message
            );
            outcome.error = Some(error.report());
            return outcome;
        }
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
        self.limiter.finished(slot);
        drop(writing);
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
            SendState::Cancelled => "cancelled",
        };
        // For support: what was sent where and how it ended, never a secret.
        tracing::info!(
            device_id = %device.id,
            action = action.segment(),
            outcome = word,
            request_id = ?outcome.request_id,
            client_request_id = ?outcome.client_request_id,
            reconciled = outcome.reconciled,
            "action sent"
        );
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

/// How many devices of a run read, and how many write, at once.
struct Slots {
    reads: tokio::sync::Semaphore,
    writes: tokio::sync::Semaphore,
}

/// A device the run did not send to because it was cancelled first.
fn cancelled(device_id: &str) -> DeviceOutcome {
    DeviceOutcome {
        device_id: device_id.to_string(),
        device_name: String::new(),
        state: SendState::Cancelled,
        message: "Not sent: the run was cancelled before this device.".into(),
        error: None,
        verdict: None,
        request_id: None,
        client_request_id: None,
        reconciled: false,
        baseline: None,
    }
}

/// The justification a run records: required to recover a passcode or override the unused-PIN
/// guard, optional (but checked) otherwise.
fn run_justification(
    action: ActionKind,
    given: Option<&str>,
    overriding: bool,
) -> Result<Option<String>> {
    if action.needs_justification() || overriding {
        let why = if overriding {
            "Overriding the unused-PIN guard"
        } else {
            "Recovering a passcode"
        };
        Ok(Some(audit::justification(given, why)?))
    } else {
        Ok(given.and_then(|j| audit::justification(Some(j), "").ok()))
    }
}

struct Ids {
    request_id: Option<String>,
}

/// The action's newest result.
pub(super) fn latest(results: &[ActionResult], action: ActionKind) -> Option<&ActionResult> {
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

fn blocker_text(verdict: &Verdict) -> String {
    verdict
        .reasons
        .iter()
        .filter(|r| r.severity == super::Severity::Blocker)
        .map(|r| r.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

pub(super) fn queued_message(action: ActionKind, platform: Platform) -> String {
    format!(
        "{}: Intune accepted it; the device acts when it next checks in.",
        action.label(platform)
    )
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

//! A run's journal: which devices a run holds and how far it got, so a run stopped by a crash, a
//! Quit or a lost network is found at the next start and resumed without sending anything twice.
//!
//! One file per run, `runs/<profile>/<run id>.jsonl`, appended line by line: the run itself first
//! (action, devices in order, justification, who started it), then for each device the request
//! about to leave (before its write-ahead audit entry) and its outcome, and at last how the run
//! ended. The running process holds the file's lock (the OS releases it when the process ends,
//! even by a crash), so a file with no end whose lock is free is an interrupted run.
//!
//! The journal says which devices were reached; the audit says which requests left. Resuming
//! trusts the audit over the journal: any request the audit shows leaving for a device since the
//! run started is never sent again (see `ActionService::resume`).

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use super::ActionKind;
use super::service::{DeviceOutcome, ResultMark, SendState};
use crate::{Error, ErrorReport, Result};

/// Finished runs older than this are removed when a new run starts.
const KEEP_FINISHED_DAYS: i64 = 30;

/// A run as it was started.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct RunHeader {
    pub id: String,
    pub action: ActionKind,
    /// Managed device IDs, in the order they are sent.
    pub devices: Vec<String>,
    pub justification: Option<String>,
    pub override_unused_pin: bool,
    pub account: String,
    pub started: DateTime<Utc>,
}

/// One device's outcome as the journal keeps it (no verdict: the review is read again).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JournalOutcome {
    pub device_id: String,
    pub device_name: String,
    pub state: SendState,
    pub message: String,
    pub error: Option<ErrorReport>,
    pub request_id: Option<String>,
    pub client_request_id: Option<String>,
    pub reconciled: bool,
    pub baseline: Option<ResultMark>,
}

impl JournalOutcome {
    pub fn of(outcome: &DeviceOutcome) -> JournalOutcome {
        JournalOutcome {
            device_id: outcome.device_id.clone(),
            device_name: outcome.device_name.clone(),
            state: outcome.state,
            message: outcome.message.clone(),
            error: outcome.error.clone(),
            request_id: outcome.request_id.clone(),
            client_request_id: outcome.client_request_id.clone(),
            reconciled: outcome.reconciled,
            baseline: outcome.baseline.clone(),
        }
    }

    pub fn to_outcome(&self) -> DeviceOutcome {
        DeviceOutcome {
            device_id: self.device_id.clone(),
            device_name: self.device_name.clone(),
            state: self.state,
            message: self.message.clone(),
            error: self.error.clone(),
            verdict: None,
            request_id: self.request_id.clone(),
            client_request_id: self.client_request_id.clone(),
            reconciled: self.reconciled,
            baseline: self.baseline.clone(),
        }
    }

    /// Nothing left for Intune: a resumed run may send it (the device was cancelled, or could not
    /// be read or checked before anything left).
    pub fn not_sent(&self) -> bool {
        match self.state {
            SendState::Cancelled => true,
            SendState::Failed => self.client_request_id.is_none(),
            _ => false,
        }
    }
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum RunEnd {
    /// Every device has its outcome.
    Finished,
    /// The admin cancelled it: the devices not reached were not sent.
    Cancelled,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
enum Line {
    Run(RunHeader),
    /// A request is about to leave for the device (written before its write-ahead audit entry):
    /// the action's result before it, to tell whether it arrived.
    Sending {
        device_id: String,
        client_request_id: String,
        baseline: Option<ResultMark>,
    },
    Outcome(JournalOutcome),
    Resumed {
        at: DateTime<Utc>,
        account: String,
    },
    Ended {
        at: DateTime<Utc>,
        how: RunEnd,
    },
}

/// Where a run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum RunStatus {
    /// Going on now, in this process or another.
    Going,
    /// The process running it stopped before the end (a crash, a Quit, the computer turned off).
    Interrupted,
    Finished,
    Cancelled,
}

/// A run in a list: what it did and what is left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct RunSummary {
    pub id: String,
    pub action: ActionKind,
    pub account: String,
    pub started: DateTime<Utc>,
    pub ended: Option<DateTime<Utc>>,
    pub status: RunStatus,
    pub devices: u32,
    pub queued: u32,
    pub blocked: u32,
    pub failed: u32,
    pub unknown: u32,
    pub cancelled: u32,
    /// Devices a resume would send to: not reached, or not sent (cancelled, not readable).
    pub left: u32,
    /// Requests that were leaving when the run stopped: a resume looks for them, never re-sends.
    pub in_flight: u32,
}

impl RunSummary {
    /// Whether resuming would do anything.
    pub fn resumable(&self) -> bool {
        self.status != RunStatus::Going && (self.left > 0 || self.in_flight > 0)
    }
}

/// A run read back from its journal.
#[derive(Debug, Clone)]
pub struct RunRecord {
    pub header: RunHeader,
    /// The newest outcome of each device that has one.
    pub outcomes: std::collections::HashMap<String, JournalOutcome>,
    /// Requests journaled as leaving, by device: client-request-id and baseline (the newest).
    pub sending: std::collections::HashMap<String, (String, Option<ResultMark>)>,
    pub ended: Option<(DateTime<Utc>, RunEnd)>,
    pub going: bool,
}

impl RunRecord {
    pub fn summary(&self) -> RunSummary {
        let count = |state: SendState| {
            self.outcomes
                .values()
                .filter(|o| o.state == state && !(state == SendState::Failed && o.not_sent()))
                .count() as u32
        };
        let in_flight = self
            .header
            .devices
            .iter()
            .filter(|d| !self.outcomes.contains_key(*d) && self.sending.contains_key(*d))
            .count() as u32;
        let left = self
            .header
            .devices
            .iter()
            .filter(|d| match self.outcomes.get(*d) {
                Some(o) => o.not_sent(),
                None => !self.sending.contains_key(*d),
            })
            .count() as u32;
        RunSummary {
            id: self.header.id.clone(),
            action: self.header.action,
            account: self.header.account.clone(),
            started: self.header.started,
            ended: self.ended.map(|(at, _)| at),
            status: match (self.going, self.ended) {
                (true, _) => RunStatus::Going,
                (false, Some((_, RunEnd::Finished))) => RunStatus::Finished,
                (false, Some((_, RunEnd::Cancelled))) => RunStatus::Cancelled,
                (false, None) => RunStatus::Interrupted,
            },
            devices: self.header.devices.len() as u32,
            queued: count(SendState::Queued),
            blocked: count(SendState::Blocked),
            failed: count(SendState::Failed),
            unknown: count(SendState::Unknown),
            cancelled: count(SendState::Cancelled),
            left,
            in_flight,
        }
    }
}

/// A profile's runs.
#[derive(Debug, Clone)]
pub struct RunStore {
    dir: PathBuf,
}

impl RunStore {
    pub fn new(dir: PathBuf) -> RunStore {
        RunStore { dir }
    }

    fn path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.jsonl"))
    }

    /// Starts the journal of a new run and holds it for this process.
    pub fn start(&self, header: &RunHeader) -> Result<RunJournal> {
        crate::json_file::private_dir(&self.dir).map_err(|e| storage(&self.dir, e))?;
        self.prune();
        let path = self.path(&header.id);
        let file = OpenOptions::new()
            .create_new(true)
            .append(true)
            .open(&path)
            .map_err(|e| storage(&path, e))?;
        file.try_lock().map_err(|e| match e {
            TryLockError::WouldBlock => Error::Internal("a new run's journal is locked".into()),
            TryLockError::Error(e) => storage(&path, e),
        })?;
        let journal = RunJournal {
            id: header.id.clone(),
            path,
            file: Arc::new(Mutex::new(file)),
        };
        if let Err(error) = journal.write(&Line::Run(header.clone())) {
            // Half a journal would be listed as unreadable forever.
            let _ = std::fs::remove_file(&journal.path);
            return Err(error);
        }
        Ok(journal)
    }

    /// Holds an existing run's journal to resume it; refused while another window or process runs
    /// it.
    pub fn reopen(&self, id: &str) -> Result<(RunJournal, RunRecord)> {
        let path = self.checked_path(id)?;
        let file = OpenOptions::new()
            .append(true)
            .open(&path)
            .map_err(|e| storage(&path, e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(Error::InvalidInput {
                    what: "the run to resume",
                    why: format!(
                        "run {id} is going on in another window or process; wait for it to finish, or stop it there, then resume it here"
                    ),
                });
            }
            Err(TryLockError::Error(e)) => return Err(storage(&path, e)),
        }
        let record = read(&path, false)?;
        Ok((
            RunJournal {
                id: id.to_string(),
                path,
                file: Arc::new(Mutex::new(file)),
            },
            record,
        ))
    }

    /// The admin chose not to go on with a stopped run: it ends as cancelled and is no longer
    /// offered at start (`runs resume` can still take it up).
    pub fn set_aside(&self, id: &str) -> Result<()> {
        let (journal, _) = self.reopen(id)?;
        journal.write(&Line::Ended {
            at: Utc::now(),
            how: RunEnd::Cancelled,
        })
    }

    /// One run read back.
    pub fn get(&self, id: &str) -> Result<RunRecord> {
        let path = self.checked_path(id)?;
        read(&path, is_locked(&path))
    }

    /// Every run, newest first. A journal that cannot be read is skipped (and logged).
    pub fn list(&self) -> Result<Vec<RunRecord>> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(storage(&self.dir, e)),
        };
        let mut runs = Vec::new();
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "jsonl") {
                match read(&path, is_locked(&path)) {
                    Ok(run) => runs.push(run),
                    Err(error) => {
                        tracing::warn!(path = %path.display(), kind = ?error.kind(), "a run's journal could not be read")
                    }
                }
            }
        }
        runs.sort_by_key(|r| std::cmp::Reverse(r.header.started));
        Ok(runs)
    }

    /// The client-request-ids of requests that were leaving when a run stopped, in runs still
    /// offered for resuming: the resume looks for them, so they need no other reminder.
    pub fn leaving_in_stopped_runs(&self) -> Result<std::collections::HashSet<String>> {
        Ok(self
            .list()?
            .iter()
            .filter(|run| run.summary().status == RunStatus::Interrupted)
            .flat_map(|run| {
                run.sending
                    .iter()
                    .filter(|(device, _)| !run.outcomes.contains_key(*device))
                    .map(|(_, (crid, _))| crid.clone())
                    .collect::<Vec<_>>()
            })
            .collect())
    }

    fn checked_path(&self, id: &str) -> Result<PathBuf> {
        // Run IDs are GUIDs; anything else could name a path outside the folder.
        let id = id.trim();
        if !crate::devices::remote::is_guid(id) {
            return Err(Error::InvalidInput {
                what: "the run ID",
                why: format!("{id:?} is not a run ID; `runs list` shows them"),
            });
        }
        let path = self.path(&id.to_ascii_lowercase());
        if !path.exists() {
            return Err(Error::Unavailable {
                what: format!("There is no run {id} for this profile"),
                next: "List this profile's runs (`runs list`) and use one of their IDs.".into(),
            });
        }
        Ok(path)
    }

    /// Removes finished runs older than a month: their audit entries stay, only the journal goes.
    /// Every run starts here, so only journals untouched for that long are read (a journal's last
    /// line is written when its run ends).
    fn prune(&self) {
        let keep = std::time::Duration::from_secs(KEEP_FINISHED_DAYS as u64 * 24 * 60 * 60);
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let cutoff = Utc::now() - chrono::Duration::days(KEEP_FINISHED_DAYS);
        for entry in entries.flatten() {
            let path = entry.path();
            let untouched = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|at| at.elapsed().ok())
                .is_some_and(|age| age > keep);
            if untouched
                && path.extension().is_some_and(|e| e == "jsonl")
                && read(&path, false).is_ok_and(|run| run.ended.is_some_and(|(at, _)| at < cutoff))
            {
                let _ = std::fs::remove_file(&path);
            }
        }
    }
}

fn is_locked(path: &Path) -> bool {
    let Ok(file) = File::open(path) else {
        return false;
    };
    match file.try_lock_shared() {
        Ok(()) => {
            let _ = file.unlock();
            false
        }
        Err(TryLockError::WouldBlock) => true,
        Err(TryLockError::Error(_)) => false,
    }
}

fn read(path: &Path, going: bool) -> Result<RunRecord> {
    let file = File::open(path).map_err(|e| storage(path, e))?;
    let mut header = None;
    let mut outcomes = std::collections::HashMap::new();
    let mut sending = std::collections::HashMap::new();
    let mut ended = None;
    for line in BufReader::new(file).lines() {
        let line = line.map_err(|e| storage(path, e))?;
        // A torn last line (a crash mid-write) holds nothing that was acted on: the audit entry
        // comes after the journal line.
        let Ok(line) = serde_json::from_str::<Line>(&line) else {
            continue;
        };
        match line {
            Line::Run(h) => header = Some(h),
            Line::Sending {
                device_id,
                client_request_id,
                baseline,
            } => {
                sending.insert(device_id, (client_request_id, baseline));
            }
            Line::Outcome(o) => {
                outcomes.insert(o.device_id.clone(), o);
            }
            Line::Resumed { .. } => ended = None,
            Line::Ended { at, how } => ended = Some((at, how)),
        }
    }
    let header = header.ok_or_else(|| {
        Error::Internal(format!("the run journal {} has no header", path.display()))
    })?;
    Ok(RunRecord {
        header,
        outcomes,
        sending,
        ended,
        going,
    })
}

/// A run's journal, held by the process running it.
#[derive(Debug, Clone)]
pub struct RunJournal {
    id: String,
    path: PathBuf,
    file: Arc<Mutex<File>>,
}

impl RunJournal {
    pub fn id(&self) -> &str {
        &self.id
    }

    fn write(&self, line: &Line) -> Result<()> {
        let mut text = serde_json::to_string(line)
            .map_err(|e| Error::Internal(format!("a journal line did not serialise: {e}")))?;
        text.push('\n');
        let file = self
            .file
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        (&*file)
            .write_all(text.as_bytes())
            .and_then(|()| file.sync_data())
            .map_err(|e| storage(&self.path, e))
    }

    /// Written before the request's write-ahead audit entry: if it cannot be, nothing is sent.
    pub fn sending(
        &self,
        device_id: &str,
        client_request_id: &str,
        baseline: Option<&ResultMark>,
    ) -> Result<()> {
        self.write(&Line::Sending {
            device_id: device_id.to_string(),
            client_request_id: client_request_id.to_string(),
            baseline: baseline.cloned(),
        })
    }

    /// A device's outcome. The audit already holds it, so a journal that cannot be written is
    /// logged, not fatal: a resume reads the audit.
    pub fn outcome(&self, outcome: &DeviceOutcome) {
        if let Err(error) = self.write(&Line::Outcome(JournalOutcome::of(outcome))) {
            tracing::warn!(kind = ?error.kind(), "a run's journal could not be written");
        }
    }

    pub fn resumed(&self, account: &str) -> Result<()> {
        self.write(&Line::Resumed {
            at: Utc::now(),
            account: account.to_string(),
        })
    }

    pub fn ended(&self, how: RunEnd) {
        if let Err(error) = self.write(&Line::Ended {
            at: Utc::now(),
            how,
        }) {
            tracing::warn!(kind = ?error.kind(), "a run's end could not be journaled");
        }
    }
}

fn storage(path: &Path, source: std::io::Error) -> Error {
    Error::Storage {
        path: path.to_path_buf(),
        source,
    }
}

/// What the admin wants of a run now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum RunMode {
    Going,
    /// No new device starts; those under way finish.
    Paused,
    /// Nothing more is sent; what was sent is kept and followed.
    Cancelled,
}

/// Pause and cancel for a run, shared with whoever can press the buttons.
#[derive(Debug, Clone)]
pub struct RunControl {
    mode: Arc<watch::Sender<RunMode>>,
}

impl Default for RunControl {
    fn default() -> Self {
        RunControl {
            mode: Arc::new(watch::Sender::new(RunMode::Going)),
        }
    }
}

impl RunControl {
    pub fn mode(&self) -> RunMode {
        *self.mode.borrow()
    }

    /// Pause, go on, or cancel. A cancelled run stays cancelled.
    pub fn set(&self, mode: RunMode) {
        self.mode.send_if_modified(|now| {
            let change = *now != RunMode::Cancelled && *now != mode;
            if change {
                *now = mode;
            }
            change
        });
    }

    pub fn is_cancelled(&self) -> bool {
        self.mode() == RunMode::Cancelled
    }

    /// Resolves once the run is cancelled.
    pub async fn cancelled(&self) {
        let mut watching = self.mode.subscribe();
        let _ = watching.wait_for(|m| *m == RunMode::Cancelled).await;
    }

    /// Waits while the run is paused; `false` when it is cancelled.
    pub async fn proceed(&self) -> bool {
        let mut watching = self.mode.subscribe();
        match watching.wait_for(|m| *m != RunMode::Paused).await {
            Ok(mode) => *mode == RunMode::Going,
            Err(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(devices: &[&str]) -> RunHeader {
        RunHeader {
            id: uuid::Uuid::new_v4().to_string(),
            action: ActionKind::RemoteLock,
            devices: devices.iter().map(|d| d.to_string()).collect(),
            justification: None,
            override_unused_pin: false,
            account: "admin@contoso.com".into(),
            started: Utc::now(),
        }
    }

    fn outcome(device: &str, state: SendState, crid: Option<&str>) -> DeviceOutcome {
        DeviceOutcome {
            device_id: device.into(),
            device_name: format!("{device} name"),
            state,
            message: "m".into(),
            error: None,
            verdict: None,
            request_id: None,
            client_request_id: crid.map(str::to_string),
            reconciled: false,
            baseline: None,
        }
    }

    #[test]
    fn a_run_stopped_midway_is_interrupted_once_its_process_lets_go_and_says_what_is_left() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = RunStore::new(dir.path().join("runs"));
        let h = header(&["a", "b", "c", "d", "e"]);
        let journal = store.start(&h).expect("started");
        journal.sending("a", "crid-a", None).expect("journaled");
        journal.outcome(&outcome("a", SendState::Queued, Some("crid-a")));
        journal.sending("b", "crid-b", None).expect("journaled");
        journal.outcome(&outcome("c", SendState::Failed, None));
        journal.outcome(&outcome("d", SendState::Blocked, None));

        let going = store.get(&h.id).expect("read").summary();
        assert_eq!(going.status, RunStatus::Going, "held by this process");
        assert!(!going.resumable());
        assert!(store.reopen(&h.id).is_err(), "not while it is held");

        drop(journal);
        let run = store.get(&h.id).expect("read").summary();
        assert_eq!(run.status, RunStatus::Interrupted);
        assert_eq!((run.queued, run.blocked, run.failed), (1, 1, 0));
        assert_eq!(run.in_flight, 1, "b was leaving");
        assert_eq!(run.left, 2, "c was not sent, e not reached");
        assert!(run.resumable());

        assert_eq!(
            store.leaving_in_stopped_runs().expect("read"),
            ["crid-b".to_string()].into_iter().collect()
        );
        let (again, record) = store.reopen(&h.id).expect("reopened");
        assert_eq!(record.header, h);
        again.resumed("admin@contoso.com").expect("journaled");
        again.outcome(&outcome("b", SendState::Unknown, Some("crid-b")));
        again.outcome(&outcome("c", SendState::Queued, Some("crid-c")));
        again.outcome(&outcome("e", SendState::Queued, Some("crid-e")));
        again.ended(RunEnd::Finished);
        drop(again);
        let done = store.list().expect("listed");
        assert_eq!(done.len(), 1);
        let summary = done[0].summary();
        assert_eq!(summary.status, RunStatus::Finished);
        assert_eq!((summary.queued, summary.unknown, summary.left), (3, 1, 0));
        assert!(!summary.resumable());
    }

    #[test]
    fn a_torn_last_line_is_skipped_and_a_bad_run_id_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = RunStore::new(dir.path().join("runs"));
        let h = header(&["a"]);
        drop(store.start(&h).expect("started"));
        let path = store.path(&h.id);
        let mut file = OpenOptions::new().append(true).open(&path).expect("open");
        file.write_all(b"{\"outcome\":{\"devi").expect("torn");
        let run = store.get(&h.id).expect("read");
        assert!(run.outcomes.is_empty());
        assert_eq!(run.summary().left, 1);
        for bad in ["../../etc/passwd", "", "not-a-run"] {
            let error = store.get(bad).expect_err("refused");
            assert_eq!(error.kind(), crate::ErrorKind::InvalidInput, "{bad}");
        }
        let unknown = store
            .get("3f1c6a52-9d7e-4b1a-8c2d-5e6f7a8b9c0d")
            .expect_err("none");
        assert_eq!(unknown.kind(), crate::ErrorKind::NotFound);
    }

    #[test]
    fn runs_finished_over_a_month_ago_are_removed_when_a_run_starts() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = RunStore::new(dir.path().join("runs"));
        let month_and_more = std::time::Duration::from_secs(40 * 24 * 60 * 60);
        let mut old = header(&["a"]);
        old.started = Utc::now() - chrono::Duration::days(40);
        let journal = store.start(&old).expect("started");
        journal
            .write(&Line::Ended {
                at: old.started,
                how: RunEnd::Finished,
            })
            .expect("ended");
        drop(journal);
        let stopped = header(&["b"]);
        drop(store.start(&stopped).expect("started"));
        for id in [&old.id, &stopped.id] {
            OpenOptions::new()
                .append(true)
                .open(store.path(id))
                .and_then(|f| f.set_modified(std::time::SystemTime::now() - month_and_more))
                .expect("aged");
        }
        let recent = header(&["c"]);
        drop(store.start(&recent).expect("started"));
        let left: Vec<String> = store
            .list()
            .expect("listed")
            .into_iter()
            .map(|r| r.header.id)
            .collect();
        assert!(!left.contains(&old.id), "the finished one is gone");
        assert!(
            left.contains(&stopped.id),
            "an interrupted one is kept, however old"
        );
        assert!(left.contains(&recent.id));
    }

    #[tokio::test]
    async fn pause_holds_new_devices_back_until_go_and_cancel_is_for_good() {
        let control = RunControl::default();
        assert!(control.proceed().await);
        control.set(RunMode::Paused);
        let waiting = tokio::spawn({
            let control = control.clone();
            async move { control.proceed().await }
        });
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        assert!(!waiting.is_finished(), "paused");
        control.set(RunMode::Going);
        assert!(waiting.await.expect("joined"));
        control.set(RunMode::Cancelled);
        control.set(RunMode::Going);
        assert!(control.is_cancelled(), "a cancelled run stays cancelled");
        assert!(!control.proceed().await);
    }
}

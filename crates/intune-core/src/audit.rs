//! The local audit: every action sent, its outcome, every reveal and every override, per profile.
//!
//! One JSON object per line, appended and never rewritten. Each entry carries the hash of the one
//! before it and its own hash over its canonical JSON (keys sorted), so editing, removing or
//! reordering an entry breaks the chain and `verify` says where. No secret is ever written here:
//! an entry names what was revealed, never the value.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, SubsecRound, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::actions::History;
use crate::{Error, Result};

/// The hash an empty log's first entry points back to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// The longest justification kept; longer text is refused, not cut.
pub const MAX_JUSTIFICATION: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum AuditEvent {
    /// An action request is about to leave for Intune: written before the request, with the
    /// client-request-id it will carry, and completed by the `Send` entry with the same id. One
    /// left open means the app stopped before the answer was recorded.
    Sending,
    /// An action request left for Intune (or was refused by it).
    Send,
    /// The device reported back: done, failed.
    Outcome,
    /// A secret was shown to the admin (or an attempt found none).
    Reveal,
    /// The admin overrode a safety block (a second macOS lock while a PIN is unused).
    Override,
    /// The eligibility check stopped an action before it was sent.
    Blocked,
    /// A kept macOS unlock PIN was marked used or removed.
    Pin,
    /// A damaged end of the file (a crash or a full disk during a write) was cut off and kept
    /// beside it; the chain goes on from the last whole entry.
    Repair,
}

/// What an entry records. Field names are the CSV's columns and part of the file format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct AuditRecord {
    pub event: AuditEvent,
    /// The action (`remoteLock`, …) or the secret (`unlockPin`, `passcode`, `fileVaultKey`).
    pub subject: String,
    pub device_id: String,
    pub device_name: String,
    pub account: String,
    pub tenant: String,
    pub justification: Option<String>,
    /// `queued`, `done`, `failed`, `refused`, `unknown`, `shown`, `none`, `blocked`, `used`, …
    pub outcome: String,
    /// A plain sentence: why it failed or was blocked, what was reconciled.
    pub detail: Option<String>,
    pub request_id: Option<String>,
    pub client_request_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    pub seq: u32,
    pub time: DateTime<Utc>,
    #[serde(flatten)]
    pub record: AuditRecord,
    pub prev: String,
    pub hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Verification {
    pub intact: bool,
    pub entries: u32,
    /// The newest entry's hash: note it down to detect a later removal of the newest entries.
    pub head: String,
    /// The first line that does not fit the chain, and why.
    pub broken_at: Option<u32>,
    pub problem: Option<String>,
}

/// Which entries to list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", default)]
pub struct AuditFilter {
    /// Matches device name, device ID, account, subject or justification (case-insensitive).
    pub text: String,
    pub event: Option<AuditEvent>,
    pub since: Option<DateTime<Utc>>,
}

/// The same device's secrets read again and again: worth a second look.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct RepeatedAccess {
    pub device_id: String,
    pub device_name: String,
    /// Passcode recoveries and reveals of passcodes, PINs and keys in the last 7 days.
    pub count: u32,
    pub last: DateTime<Utc>,
}

/// "Sending" entries that no later entry completes (same client-request-id).
pub fn open_requests(entries: &[AuditEntry]) -> Vec<AuditEntry> {
    let completed: std::collections::HashSet<&str> = entries
        .iter()
        .filter(|e| e.record.event != AuditEvent::Sending)
        .filter_map(|e| e.record.client_request_id.as_deref())
        .collect();
    entries
        .iter()
        .filter(|e| e.record.event == AuditEvent::Sending)
        .filter(|e| {
            e.record
                .client_request_id
                .as_deref()
                .is_none_or(|id| !completed.contains(id))
        })
        .cloned()
        .collect()
}

/// Devices whose secrets were recovered or revealed at least twice in the 7 days before `now`.
pub fn repeated_access(entries: &[AuditEntry], now: DateTime<Utc>) -> Vec<RepeatedAccess> {
    let since = now - Duration::days(7);
    let mut found: Vec<RepeatedAccess> = Vec::new();
    for e in entries.iter().filter(|e| e.time >= since) {
        let r = &e.record;
        let access = (r.event == AuditEvent::Reveal && r.outcome == "shown")
            || (r.event == AuditEvent::Send
                && r.subject == "recoverPasscode"
                && r.outcome == "queued");
        if !access {
            continue;
        }
        match found.iter_mut().find(|f| f.device_id == r.device_id) {
            Some(f) => {
                f.count += 1;
                f.last = f.last.max(e.time);
            }
            None => found.push(RepeatedAccess {
                device_id: r.device_id.clone(),
                device_name: r.device_name.clone(),
                count: 1,
                last: e.time,
            }),
        }
    }
    found.retain(|f| f.count >= 2);
    found.sort_by_key(|f| std::cmp::Reverse(f.count));
    found
}

pub struct AuditLog {
    path: PathBuf,
}

impl AuditLog {
    /// The audit of one profile, in `data_dir/audit/`.
    pub fn for_profile(data_dir: &Path, profile: &str) -> AuditLog {
        // Profile names may hold any character; hex keeps the file name portable.
        let name: String = profile.bytes().map(|b| format!("{b:02x}")).collect();
        AuditLog {
            path: data_dir.join("audit").join(format!("{name}.jsonl")),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The data folder the audit folder is in, where a profile's other records go too (runs,
    /// in-flight locks), each in a folder named by [`AuditLog::file_stem`].
    pub fn data_dir(&self) -> Option<&Path> {
        self.path.parent().and_then(Path::parent)
    }

    /// The file's name without `.jsonl`: the profile, hex-encoded.
    pub fn file_stem(&self) -> String {
        self.path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// Appends one entry. An exclusive lock on the file keeps the chain whole when the app and the
    /// command line write at once.
    pub fn append(&self, record: AuditRecord) -> Result<AuditEntry> {
        self.append_at(record, Utc::now())
    }

    pub fn append_at(&self, record: AuditRecord, time: DateTime<Utc>) -> Result<AuditEntry> {
        if let Some(dir) = self.path.parent() {
            crate::json_file::private_dir(dir).map_err(|e| self.storage(e))?;
        }
        let mut options = OpenOptions::new();
        options.create(true).read(true).append(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&self.path).map_err(|e| self.storage(e))?;
        file.lock().map_err(|e| self.storage(e))?;
        let result = (|| {
            let (seq, prev) = match self.tail(&mut file)? {
                Tail::Empty => (1, GENESIS.to_string()),
                Tail::Whole(last) => (last.seq + 1, last.hash),
                Tail::Damaged { last, cut_at } => {
                    let repaired = self.repair(&mut file, last, cut_at, time)?;
                    (repaired.seq + 1, repaired.hash)
                }
            };
            let entry = chained(seq, prev, record, time)?;
            write_line(&mut file, &entry).map_err(|e| self.storage(e))?;
            Ok(entry)
        })();
        let _ = file.unlock();
        result
    }

    /// What the file ends with: nothing, a whole entry, or a damaged end after the last whole one.
    /// Only the end of the file is read (a torn write is always there); `verify` reads it all.
    fn tail(&self, file: &mut File) -> Result<Tail> {
        const WINDOW: u64 = 256 * 1024;
        let len = file.seek(SeekFrom::End(0)).map_err(|e| self.storage(e))?;
        let start = len.saturating_sub(WINDOW);
        let mut bytes = Vec::new();
        file.seek(SeekFrom::Start(start))
            .and_then(|_| file.read_to_end(&mut bytes))
            .map_err(|e| self.storage(e))?;
        // A window that starts mid-file starts mid-line: begin after the first newline.
        let mut offset = if start > 0 {
            bytes
                .iter()
                .position(|b| *b == b'\n')
                .map_or(bytes.len(), |i| i + 1)
        } else {
            0
        };
        if bytes[offset..].iter().all(u8::is_ascii_whitespace) && start == 0 {
            return Ok(Tail::Empty);
        }
        let mut last: Option<AuditEntry> = None;
        let mut whole_end = offset;
        let mut damaged_before_end = false;
        while offset < bytes.len() {
            let Some(newline) = bytes[offset..].iter().position(|b| *b == b'\n') else {
                break; // no newline: a torn last line
            };
            let line = &bytes[offset..offset + newline];
            offset += newline + 1;
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            match serde_json::from_slice::<AuditEntry>(line) {
                Ok(entry) if !damaged_before_end => {
                    last = Some(entry);
                    whole_end = offset;
                }
                Ok(_) => {
                    // A whole entry after a damaged one: damage in the middle, not a torn end.
                    return Err(self.storage(invalid_data(
                        "an entry before its end is damaged; run `intune-actions audit --verify`",
                    )));
                }
                Err(_) => damaged_before_end = true,
            }
        }
        if last.is_none() && start > 0 {
            return Err(self.storage(invalid_data(
                "the end of the audit is damaged beyond repair; run `intune-actions audit --verify`",
            )));
        }
        if whole_end == bytes.len() {
            return Ok(match last {
                Some(entry) => Tail::Whole(entry),
                None => Tail::Empty,
            });
        }
        Ok(Tail::Damaged {
            last,
            cut_at: start + whole_end as u64,
        })
    }

    /// Cuts a torn end off (keeping the bytes beside the file) and records the repair, chained to
    /// the last whole entry.
    fn repair(
        &self,
        file: &mut File,
        last: Option<AuditEntry>,
        cut_at: u64,
        time: DateTime<Utc>,
    ) -> Result<AuditEntry> {
        let mut damaged = Vec::new();
        file.seek(SeekFrom::Start(cut_at))
            .and_then(|_| file.read_to_end(&mut damaged))
            .map_err(|e| self.storage(e))?;
        let kept = self
            .path
            .with_extension(format!("damaged-{}.txt", time.format("%Y%m%dT%H%M%S%.3fZ")));
        let mut options = OpenOptions::new();
        options.create(true).write(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        options
            .open(&kept)
            .and_then(|mut f| f.write_all(&damaged).and_then(|_| f.sync_all()))
            .map_err(|e| self.storage(e))?;
        file.set_len(cut_at)
            .and_then(|_| file.sync_data())
            .map_err(|e| self.storage(e))?;
        let (seq, prev) = match last {
            Some(last) => (last.seq + 1, last.hash),
            None => (1, GENESIS.to_string()),
        };
        let entry = chained(
            seq,
            prev,
            AuditRecord {
                event: AuditEvent::Repair,
                subject: "audit".into(),
                device_id: String::new(),
                device_name: String::new(),
                account: String::new(),
                tenant: String::new(),
                justification: None,
                outcome: "recovered".into(),
                detail: Some(format!(
                    "The end of the audit was damaged ({} bytes after entry {}, as a crash or a full disk during a write leaves it). It was cut off and kept in {}.",
                    damaged.len(),
                    seq - 1,
                    kept.display()
                )),
                request_id: None,
                client_request_id: None,
            },
            time,
        )?;
        write_line(file, &entry).map_err(|e| self.storage(e))?;
        tracing::warn!(
            bytes = damaged.len(),
            "a damaged end of the audit was repaired"
        );
        Ok(entry)
    }

    /// Every entry, oldest first. Lines that cannot be read are skipped here; `verify` reports them.
    pub fn entries(&self) -> Result<Vec<AuditEntry>> {
        Ok(self
            .lines()?
            .iter()
            .filter_map(|line| serde_json::from_str(line).ok())
            .collect())
    }

    /// Requests written ahead ("sending") whose answer was never recorded: the app or the command
    /// line stopped (a crash, a Quit) between writing them and recording Intune's answer. Whether
    /// they reached Intune is unknown; they stay listed until [`AuditLog::settle_interrupted`].
    pub fn interrupted(&self) -> Result<Vec<AuditEntry>> {
        let entries = self.entries()?;
        Ok(open_requests(&entries))
    }

    /// Records that the admin checked an interrupted request (found it arrived, or not): it is
    /// no longer listed. `detail` says what they found.
    pub fn settle_interrupted(&self, client_request_id: &str, detail: &str) -> Result<AuditEntry> {
        let open = self
            .interrupted()?
            .into_iter()
            .find(|e| e.record.client_request_id.as_deref() == Some(client_request_id))
            .ok_or_else(|| Error::InvalidInput {
                what: "the interrupted request",
                why: format!("no open request has the id {client_request_id}"),
            })?;
        self.append(AuditRecord {
            event: AuditEvent::Send,
            outcome: "interrupted".into(),
            detail: Some(detail.to_string()),
            ..open.record
        })
    }

    /// Newest first, filtered.
    pub fn list(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
        let text = filter.text.trim().to_lowercase();
        let mut entries: Vec<AuditEntry> = self
            .entries()?
            .into_iter()
            .filter(|e| filter.event.is_none_or(|ev| e.record.event == ev))
            .filter(|e| filter.since.is_none_or(|since| e.time >= since))
            .filter(|e| {
                text.is_empty()
                    || [
                        e.record.device_name.as_str(),
                        e.record.device_id.as_str(),
                        e.record.account.as_str(),
                        e.record.subject.as_str(),
                        e.record.justification.as_deref().unwrap_or(""),
                    ]
                    .iter()
                    .any(|field| field.to_lowercase().contains(&text))
            })
            .collect();
        entries.reverse();
        Ok(entries)
    }

    /// Walks the whole chain.
    pub fn verify(&self) -> Result<Verification> {
        let mut prev = GENESIS.to_string();
        let mut count = 0;
        for (index, line) in self.lines()?.iter().enumerate() {
            let number = index as u32 + 1;
            let broken = |problem: &str| Verification {
                intact: false,
                entries: count,
                head: prev.clone(),
                broken_at: Some(number),
                problem: Some(problem.to_string()),
            };
            let Ok(entry) = serde_json::from_str::<AuditEntry>(line) else {
                return Ok(broken("the line is not an audit entry"));
            };
            if entry.seq != number {
                return Ok(broken("entries are missing or out of order"));
            }
            if entry.prev != prev {
                return Ok(broken("it does not follow the entry before it"));
            }
            if hash_of(&entry)? != entry.hash {
                return Ok(broken("its content was changed after it was written"));
            }
            prev = entry.hash;
            count = number;
        }
        Ok(Verification {
            intact: true,
            entries: count,
            head: prev,
            broken_at: None,
            problem: None,
        })
    }

    /// What the eligibility check needs to know about a device's past.
    pub fn history(&self, device_id: &str, now: DateTime<Utc>) -> Result<History> {
        let week_ago = now - Duration::days(7);
        let mut history = History::default();
        for entry in self
            .entries()?
            .iter()
            .filter(|e| e.record.device_id == device_id)
        {
            let r = &entry.record;
            let passcode_access = (r.event == AuditEvent::Send
                && r.subject == "recoverPasscode"
                && r.outcome == "queued")
                || (r.event == AuditEvent::Reveal
                    && r.subject == "passcode"
                    && r.outcome == "shown");
            if passcode_access && entry.time >= week_ago {
                history.recent_passcode_access += 1;
            }
            if r.event == AuditEvent::Reveal && r.subject == "fileVaultKey" && r.outcome == "shown"
            {
                history.last_key_reveal = Some(entry.time);
            }
        }
        Ok(history)
    }

    fn lines(&self) -> Result<Vec<String>> {
        match std::fs::read_to_string(&self.path) {
            Ok(text) => Ok(text
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_owned)
                .collect()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(self.storage(e)),
        }
    }

    fn storage(&self, source: std::io::Error) -> Error {
        Error::Storage {
            path: self.path.clone(),
            source,
        }
    }
}

/// A justification as the admin typed it: required, one line, at most [`MAX_JUSTIFICATION`].
pub fn justification(text: Option<&str>, why_needed: &str) -> Result<String> {
    let text = text
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if text.is_empty() {
        return Err(Error::InvalidInput {
            what: "the justification",
            why: format!("{why_needed} needs a business justification (e.g. the ticket number)"),
        });
    }
    if text.chars().count() > MAX_JUSTIFICATION {
        return Err(Error::InvalidInput {
            what: "the justification",
            why: format!("it is longer than {MAX_JUSTIFICATION} characters"),
        });
    }
    Ok(text)
}

/// The entries as CSV, for a spreadsheet. Cells that a spreadsheet would run as a formula are
/// prefixed with `'`.
pub fn to_csv(entries: &[AuditEntry]) -> String {
    let mut out = String::from(
        "seq,time,event,subject,deviceName,deviceId,account,tenant,justification,outcome,detail,requestId,clientRequestId,hash\n",
    );
    for e in entries {
        let r = &e.record;
        let event = serde_json::to_value(r.event)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let cells = [
            e.seq.to_string(),
            e.time.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            event,
            r.subject.clone(),
            r.device_name.clone(),
            r.device_id.clone(),
            r.account.clone(),
            r.tenant.clone(),
            r.justification.clone().unwrap_or_default(),
            r.outcome.clone(),
            r.detail.clone().unwrap_or_default(),
            r.request_id.clone().unwrap_or_default(),
            r.client_request_id.clone().unwrap_or_default(),
            e.hash.clone(),
        ];
        let row: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

/// One CSV cell: quoted when needed, and a leading `=`, `+`, `-` or `@` defused so a spreadsheet
/// never runs it as a formula.
pub(crate) fn csv_cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// SHA-256 over the entry's canonical JSON without its own hash (serde_json sorts object keys).
/// SHA-256 over the entry's canonical JSON (without its own hash): compact, keys sorted at every
/// level. Written out here rather than left to serde_json's map type, whose order a crate feature
/// elsewhere in the build (`preserve_order`) would change.
fn hash_of(entry: &AuditEntry) -> Result<String> {
    let mut value =
        serde_json::to_value(entry).map_err(|e| Error::Internal(format!("audit entry: {e}")))?;
    if let Value::Object(map) = &mut value {
        map.remove("hash");
    }
    let mut canonical = String::new();
    write_canonical(&value, &mut canonical)?;
    Ok(hex::encode(Sha256::digest(canonical.as_bytes())))
}

fn write_canonical(value: &Value, out: &mut String) -> Result<()> {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(
                    &serde_json::to_string(key).map_err(|e| Error::Internal(e.to_string()))?,
                );
                out.push(':');
                write_canonical(&map[key], out)?;
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out)?;
            }
            out.push(']');
        }
        leaf => {
            out.push_str(&serde_json::to_string(leaf).map_err(|e| Error::Internal(e.to_string()))?)
        }
    }
    Ok(())
}

enum Tail {
    Empty,
    Whole(AuditEntry),
    Damaged {
        last: Option<AuditEntry>,
        cut_at: u64,
    },
}

fn chained(seq: u32, prev: String, record: AuditRecord, time: DateTime<Utc>) -> Result<AuditEntry> {
    let mut entry = AuditEntry {
        seq,
        time: time.trunc_subsecs(3),
        record,
        prev,
        hash: String::new(),
    };
    entry.hash = hash_of(&entry)?;
    Ok(entry)
}

fn write_line(file: &mut File, entry: &AuditEntry) -> std::io::Result<()> {
    let mut line = serde_json::to_string(entry).map_err(std::io::Error::other)?;
    line.push('\n');
    file.seek(SeekFrom::End(0))?;
    file.write_all(line.as_bytes())?;
    file.sync_data()
}

fn invalid_data(why: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, why.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(event: AuditEvent, subject: &str, outcome: &str) -> AuditRecord {
        AuditRecord {
            event,
            subject: subject.into(),
            device_id: "dev-1".into(),
            device_name: "MAC-ADA-001".into(),
            account: "admin@contoso.com".into(),
            tenant: "contoso".into(),
            justification: Some("INC-42, user locked out".into()),
            outcome: outcome.into(),
            detail: None,
            request_id: Some("req-1".into()),
            client_request_id: Some("cli-1".into()),
        }
    }

    fn log_with(n: usize) -> (tempfile::TempDir, AuditLog) {
        let dir = tempfile::tempdir().expect("tempdir");
        let log = AuditLog::for_profile(dir.path(), "Contoso");
        for _ in 0..n {
            log.append(record(AuditEvent::Send, "remoteLock", "queued"))
                .expect("append");
        }
        (dir, log)
    }

    fn rewrite(log: &AuditLog, change: impl FnOnce(&mut Vec<String>)) {
        let mut lines: Vec<String> = std::fs::read_to_string(log.path())
            .expect("read")
            .lines()
            .map(str::to_owned)
            .collect();
        change(&mut lines);
        std::fs::write(log.path(), lines.join("\n") + "\n").expect("write");
    }

    #[test]
    fn entries_chain_and_verify() {
        let (_dir, log) = log_with(3);
        let entries = log.entries().expect("entries");
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[0].prev, GENESIS);
        assert_eq!(entries[1].prev, entries[0].hash);
        assert_eq!(entries[2].seq, 3);
        let v = log.verify().expect("verify");
        assert!(v.intact);
        assert_eq!(v.entries, 3);
        assert_eq!(v.head, entries[2].hash);
    }

    #[test]
    fn an_edited_entry_is_detected() {
        let (_dir, log) = log_with(3);
        rewrite(&log, |lines| {
            lines[1] = lines[1].replace("INC-42", "INC-43");
        });
        let v = log.verify().expect("verify");
        assert!(!v.intact);
        assert_eq!(v.broken_at, Some(2));
        assert!(v.problem.expect("a problem").contains("changed"));
    }

    #[test]
    fn a_removed_or_reordered_entry_is_detected() {
        let (_dir, log) = log_with(3);
        rewrite(&log, |lines| {
            lines.remove(1);
        });
        assert_eq!(log.verify().expect("verify").broken_at, Some(2));

        let (_dir, log) = log_with(3);
        rewrite(&log, |lines| lines.swap(0, 1));
        assert_eq!(log.verify().expect("verify").broken_at, Some(1));
    }

    #[test]
    fn a_recomputed_hash_without_the_chain_is_still_detected() {
        let (_dir, log) = log_with(2);
        // A forger edits entry 1 and fixes its own hash, but entry 2 still points at the old one.
        rewrite(&log, |lines| {
            let mut e: AuditEntry = serde_json::from_str(&lines[0]).expect("entry");
            e.record.justification = Some("nothing to see".into());
            e.hash = hash_of(&e).expect("hash");
            lines[0] = serde_json::to_string(&e).expect("json");
        });
        let v = log.verify().expect("verify");
        assert_eq!(v.broken_at, Some(2));
    }

    #[test]
    fn a_missing_file_is_an_empty_intact_log() {
        let dir = tempfile::tempdir().expect("tempdir");
        let log = AuditLog::for_profile(dir.path(), "Nobody");
        assert!(log.entries().expect("entries").is_empty());
        assert!(log.verify().expect("verify").intact);
    }

    #[test]
    fn list_filters_and_puts_the_newest_first() {
        let (_dir, log) = log_with(1);
        log.append(record(AuditEvent::Reveal, "unlockPin", "shown"))
            .expect("append");
        let all = log.list(&AuditFilter::default()).expect("list");
        assert_eq!(all[0].record.event, AuditEvent::Reveal);
        let reveals = log
            .list(&AuditFilter {
                event: Some(AuditEvent::Reveal),
                ..AuditFilter::default()
            })
            .expect("list");
        assert_eq!(reveals.len(), 1);
        let by_text = log
            .list(&AuditFilter {
                text: "inc-42".into(),
                ..AuditFilter::default()
            })
            .expect("list");
        assert_eq!(by_text.len(), 2);
        assert!(
            log.list(&AuditFilter {
                text: "nomatch".into(),
                ..AuditFilter::default()
            })
            .expect("list")
            .is_empty()
        );
    }

    #[test]
    fn history_counts_recent_passcode_access_and_the_last_key_reveal() {
        let dir = tempfile::tempdir().expect("tempdir");
        let log = AuditLog::for_profile(dir.path(), "Contoso");
        let now = Utc::now();
        log.append_at(
            record(AuditEvent::Send, "recoverPasscode", "queued"),
            now - Duration::days(10),
        )
        .expect("append");
        log.append_at(
            record(AuditEvent::Send, "recoverPasscode", "queued"),
            now - Duration::days(1),
        )
        .expect("append");
        log.append_at(record(AuditEvent::Reveal, "passcode", "shown"), now)
            .expect("append");
        log.append_at(record(AuditEvent::Reveal, "fileVaultKey", "shown"), now)
            .expect("append");
        let history = log.history("dev-1", now).expect("history");
        assert_eq!(history.recent_passcode_access, 2);
        assert!(history.last_key_reveal.is_some());
        assert_eq!(
            log.history("other", now).expect("history"),
            History::default()
        );
    }

    #[test]
    fn repeated_reveals_of_one_device_are_flagged() {
        let (_dir, log) = log_with(1);
        log.append(record(AuditEvent::Reveal, "unlockPin", "shown"))
            .expect("append");
        assert!(repeated_access(&log.entries().expect("entries"), Utc::now()).is_empty());
        log.append(record(AuditEvent::Reveal, "fileVaultKey", "shown"))
            .expect("append");
        log.append(record(AuditEvent::Reveal, "passcode", "none"))
            .expect("append");
        let flagged = repeated_access(&log.entries().expect("entries"), Utc::now());
        assert_eq!(flagged.len(), 1);
        assert_eq!(
            flagged[0].count, 2,
            "a reveal that found nothing does not count"
        );
        assert!(
            repeated_access(
                &log.entries().expect("entries"),
                Utc::now() + Duration::days(8)
            )
            .is_empty()
        );
    }

    #[test]
    fn justifications_are_required_trimmed_and_bounded() {
        assert!(justification(None, "Recovering a passcode").is_err());
        assert!(justification(Some("   "), "x").is_err());
        assert_eq!(
            justification(Some("  INC-1 \n user   locked out "), "x").expect("ok"),
            "INC-1 user locked out"
        );
        let long = "x".repeat(MAX_JUSTIFICATION + 1);
        assert!(justification(Some(&long), "x").is_err());
    }

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let (_dir, log) = log_with(0);
        let mut r = record(AuditEvent::Send, "remoteLock", "queued");
        r.justification = Some("=HYPERLINK(\"x\"), ok".into());
        log.append(r).expect("append");
        let csv = to_csv(&log.entries().expect("entries"));
        let mut lines = csv.lines();
        assert!(lines.next().expect("header").starts_with("seq,time,event"));
        let row = lines.next().expect("row");
        assert!(row.contains("\"'=HYPERLINK(\"\"x\"\"), ok\""), "{row}");
        assert!(row.contains(",send,remoteLock,"));
    }

    #[test]
    fn two_writers_keep_one_chain() {
        let (_dir, log) = log_with(0);
        let path = log.path().to_path_buf();
        let dir = path
            .parent()
            .and_then(Path::parent)
            .expect("data dir")
            .to_path_buf();
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let dir = dir.clone();
                std::thread::spawn(move || {
                    let log = AuditLog::for_profile(&dir, "Contoso");
                    for _ in 0..10 {
                        log.append(record(AuditEvent::Send, "remoteLock", "queued"))
                            .expect("append");
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().expect("writer");
        }
        let v = log.verify().expect("verify");
        assert!(v.intact, "{v:?}");
        assert_eq!(v.entries, 40);
    }

    #[test]
    fn the_hash_of_an_entry_is_golden() {
        // If this changes, every audit already written stops verifying: the canonical form
        // (compact JSON, keys sorted at every level) must not move with a serde feature.
        let entry = AuditEntry {
            seq: 7,
            time: DateTime::parse_from_rfc3339("2026-11-30T10:11:12.345Z")
                .expect("time")
                .with_timezone(&Utc),
            record: record(AuditEvent::Send, "remoteLock", "queued"),
            prev: "0".repeat(64),
            hash: String::new(),
        };
        assert_eq!(
            hash_of(&entry).expect("hash"),
            "a3cd662323e27502190cd0a374970565529f3a463f9ce34e1d2d573944a4094e"
        );
    }

    #[test]
    fn a_torn_last_line_is_cut_off_kept_and_recorded_and_the_chain_goes_on() {
        let (dir, log) = log_with(3);
        let mut file = OpenOptions::new()
            .append(true)
            .open(log.path())
            .expect("open");
        file.write_all(br#"{"seq":4,"time":"2026-11-30T10:00:00Z","event":"se"#)
            .expect("torn write");
        drop(file);
        let next = log
            .append(record(AuditEvent::Reveal, "unlockPin", "shown"))
            .expect("the next append repairs");
        assert_eq!(next.seq, 5);
        let entries = log.entries().expect("read");
        assert_eq!(entries.len(), 5);
        assert_eq!(entries[3].record.event, AuditEvent::Repair);
        assert!(
            entries[3]
                .record
                .detail
                .as_deref()
                .is_some_and(|d| d.contains("cut off"))
        );
        assert!(
            log.verify().expect("verify").intact,
            "the chain is whole again"
        );
        let kept: Vec<_> = std::fs::read_dir(dir.path().join("audit"))
            .expect("dir")
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().contains("damaged"))
            .collect();
        assert_eq!(kept.len(), 1, "the cut bytes are kept beside the audit");
        let text = std::fs::read_to_string(kept[0].path()).expect("read");
        assert!(text.starts_with(r#"{"seq":4"#));
    }

    #[test]
    fn damage_before_the_end_is_not_cut_away() {
        let (_dir, log) = log_with(3);
        let text = std::fs::read_to_string(log.path()).expect("read");
        let mut lines: Vec<&str> = text.lines().collect();
        lines[1] = "not an entry";
        std::fs::write(log.path(), lines.join("\n") + "\n").expect("write");
        let error = log
            .append(record(AuditEvent::Send, "remoteLock", "queued"))
            .expect_err("refused");
        assert_eq!(error.kind(), crate::ErrorKind::Storage);
        assert!(!log.verify().expect("verify").intact);
    }
}

//! The local inventory of one profile: the whole fleet fetched in the background, kept in a cache
//! file (no secret in it), searched locally on every keystroke.
//!
//! Graph has no change feed for managed devices, so a refresh fetches the devices that checked in
//! since the last fetch (`lastSyncDateTime gt`) and merges them. Devices removed from Intune go
//! only with a full fetch, which happens when the cache is a day old or the admin asks for one.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use super::device::Device;
use super::remote::{self, Progress};
use super::search::{DeviceIndex, DeviceQuery, SearchPage};
use crate::graph::GraphClient;
use crate::{Error, ErrorReport, Result};

const FORMAT: u32 = 1;
/// Older than this, a refresh fetches everything again.
const FULL_AFTER: Duration = Duration::hours(24);
/// Check-in times are the device's clock as Intune recorded it: look back a little further.
const OVERLAP: Duration = Duration::hours(1);

/// Overrides the cache folder (tests, portable set-ups).
pub const CACHE_DIR_ENV: &str = "INTUNE_ACTIONS_CACHE_DIR";

pub fn default_cache_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os(CACHE_DIR_ENV).filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    dirs::cache_dir()
        .map(|dir| dir.join(crate::APP_IDENTIFIER))
        .ok_or_else(|| {
            Error::Internal(
                "this system reports no cache folder; set INTUNE_ACTIONS_CACHE_DIR".into(),
            )
        })
}

#[derive(Serialize, Deserialize)]
struct Snapshot {
    format: u32,
    /// The Graph host and tenant the devices came from: a cache never crosses tenants.
    source: String,
    fetched_at: DateTime<Utc>,
    devices: Vec<Device>,
}

/// Where one profile's inventory is cached.
pub struct InventoryFile {
    path: PathBuf,
}

impl InventoryFile {
    pub fn for_profile(cache_dir: &Path, profile_name: &str) -> InventoryFile {
        // Profile names may hold any character; hex keeps the file name portable.
        let name: String = profile_name.bytes().map(|b| format!("{b:02x}")).collect();
        InventoryFile {
            path: cache_dir.join("inventory").join(format!("{name}.json")),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn load(&self, source: &str) -> Result<Option<Snapshot>> {
        let Some(text) = crate::json_file::read_text(&self.path)? else {
            return Ok(None);
        };
        match serde_json::from_str::<Snapshot>(&text) {
            Ok(snapshot) if snapshot.format == FORMAT && snapshot.source == source => {
                Ok(Some(snapshot))
            }
            Ok(_) => Ok(None),
            Err(e) => {
                // A cache is only a copy: a damaged one is fetched again, not fatal.
                tracing::warn!(path = %self.path.display(), error = %e, "unreadable inventory cache ignored");
                Ok(None)
            }
        }
    }

    fn save(&self, snapshot: &Snapshot) -> Result<()> {
        crate::json_file::write(&self.path, snapshot, crate::json_file::Layout::Compact)
    }

    pub fn delete(&self) -> Result<()> {
        match std::fs::remove_file(&self.path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(self.storage(e)),
            _ => Ok(()),
        }
    }

    fn storage(&self, source: std::io::Error) -> Error {
        Error::Storage {
            path: self.path.clone(),
            source,
        }
    }
}

/// What the UI shows about the inventory.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct InventoryStatus {
    /// Devices ready to search locally.
    pub count: u32,
    /// When the searchable copy was fetched; `None` before the first fetch.
    pub fetched_at: Option<DateTime<Utc>>,
    pub syncing: bool,
    pub fetched_so_far: u32,
    pub total_expected: Option<u32>,
    /// Why the last refresh failed, when it did.
    pub error: Option<ErrorReport>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum RefreshMode {
    /// Devices changed since the last fetch, or everything when the copy is old.
    Changes,
    Full,
}

#[derive(Default)]
struct State {
    index: Option<Arc<DeviceIndex>>,
    fetched_at: Option<DateTime<Utc>>,
    progress: Option<Progress>,
    error: Option<ErrorReport>,
}

pub struct Inventory {
    file: InventoryFile,
    source: String,
    state: RwLock<State>,
    syncing: AtomicBool,
}

impl Inventory {
    /// Opens the profile's cached copy if there is one; `source` names the tenant it belongs to.
    pub fn open(file: InventoryFile, source: String) -> Result<Inventory> {
        let mut state = State::default();
        if let Some(snapshot) = file.load(&source)? {
            state.fetched_at = Some(snapshot.fetched_at);
            state.index = Some(Arc::new(DeviceIndex::new(snapshot.devices)));
        }
        Ok(Inventory {
            file,
            source,
            state: RwLock::new(state),
            syncing: AtomicBool::new(false),
        })
    }

    pub fn status(&self) -> InventoryStatus {
        let state = self.read();
        InventoryStatus {
            count: state.index.as_ref().map_or(0, |i| i.len() as u32),
            fetched_at: state.fetched_at,
            syncing: state.progress.is_some(),
            fetched_so_far: state.progress.map_or(0, |p| p.fetched as u32),
            total_expected: state.progress.and_then(|p| p.total.map(|t| t as u32)),
            error: state.error.clone(),
        }
    }

    /// The searchable copy, when one exists.
    pub fn index(&self) -> Option<Arc<DeviceIndex>> {
        self.read().index.clone()
    }

    /// Searches the local copy; `None` when there is none yet (search Graph instead).
    pub fn search(
        &self,
        query: &DeviceQuery,
        offset: usize,
        limit: usize,
    ) -> Option<Result<SearchPage>> {
        let index = self.index()?;
        Some(index.page(query, offset, limit, Utc::now()))
    }

    /// Fetches from Graph and replaces the searchable copy. A refresh already under way is not
    /// started twice: the call returns `Ok(false)` at once.
    pub async fn refresh(
        &self,
        client: &GraphClient,
        mode: RefreshMode,
        mut on_progress: impl FnMut(Progress),
    ) -> Result<bool> {
        if self.syncing.swap(true, Ordering::SeqCst) {
            return Ok(false);
        }
        let _done = ResetOnDrop(&self.syncing);
        self.write().progress = Some(Progress {
            fetched: 0,
            total: None,
        });
        let started = Utc::now();
        let (current, fetched_at) = {
            let state = self.read();
            (state.index.clone(), state.fetched_at)
        };
        let since = match (mode, &current, fetched_at) {
            (RefreshMode::Changes, Some(_), Some(at)) if started - at < FULL_AFTER => Some(at),
            _ => None,
        };
        let filter = since.map(|at| {
            format!(
                "lastSyncDateTime gt {}",
                (at - OVERLAP).to_rfc3339_opts(SecondsFormat::Secs, true)
            )
        });
        let result = remote::list(client, filter.as_deref(), |p| {
            self.write().progress = Some(p);
            on_progress(p);
        })
        .await
        .map(|fetched| match since {
            Some(_) => merge(current.as_deref(), fetched),
            None => fetched,
        });
        let devices = match result {
            Ok(devices) => devices,
            Err(error) => {
                let mut state = self.write();
                state.progress = None;
                state.error = Some(error.report());
                return Err(error);
            }
        };
        let snapshot = Snapshot {
            format: FORMAT,
            source: self.source.clone(),
            fetched_at: started,
            devices,
        };
        let saved = self.file.save(&snapshot);
        let index = Arc::new(DeviceIndex::new(snapshot.devices));
        let mut state = self.write();
        state.index = Some(index);
        state.fetched_at = Some(started);
        state.progress = None;
        state.error = saved.as_ref().err().map(Error::report);
        drop(state);
        saved.map(|()| true)
    }

    /// Forgets the copy, in memory and on disk (sign-out, profile removed).
    pub fn clear(&self) -> Result<()> {
        *self.write() = State::default();
        self.file.delete()
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(|e| e.into_inner())
    }
}

struct ResetOnDrop<'a>(&'a AtomicBool);

impl Drop for ResetOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

/// The previous copy with the changed devices replaced or added.
fn merge(current: Option<&DeviceIndex>, changed: Vec<Device>) -> Vec<Device> {
    let mut by_id: std::collections::HashMap<String, Device> = current
        .map(|index| {
            index
                .devices()
                .iter()
                .map(|d| (d.id.clone(), d.clone()))
                .collect()
        })
        .unwrap_or_default();
    for device in changed {
        by_id.insert(device.id.clone(), device);
    }
    by_id.into_values().collect()
}

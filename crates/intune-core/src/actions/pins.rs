//! macOS unlock PINs, kept so they are never lost: Intune shows a PIN for 30 days or until another
//! action is sent, and a Mac whose PIN is lost stays locked. The PIN itself lives in the OS
//! keychain, one entry per device; a small index file (no secret in it) remembers which devices
//! have one, when their lock was sent and when the admin marked the PIN used.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::PinRecord;
use crate::devices::Device;
use crate::secret_store::{SecretKey, SecretStore};
use crate::{Error, Result, Secret};

/// What the app knows of a kept PIN, without the PIN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct KeptPin {
    pub device_id: String,
    pub device_name: String,
    pub serial_number: String,
    pub locked_at: DateTime<Utc>,
    pub kept_at: DateTime<Utc>,
    /// When the admin marked it used; the PIN itself is deleted then.
    pub used_at: Option<DateTime<Utc>>,
}

impl KeptPin {
    pub fn record(&self) -> PinRecord {
        PinRecord {
            locked_at: self.locked_at,
            used_at: self.used_at,
        }
    }
}

enum Index {
    File(PathBuf),
    /// The demo's: gone with the process, like its simulated tenant.
    Memory(Mutex<Vec<KeptPin>>),
}

pub struct PinKeeper {
    store: SecretStore,
    profile: String,
    index: Index,
}

impl PinKeeper {
    /// PINs of one profile: secrets in `store`, the index in `data_dir/unlock-pins/`.
    pub fn new(store: SecretStore, profile: &str, data_dir: &Path) -> PinKeeper {
        let name: String = profile.bytes().map(|b| format!("{b:02x}")).collect();
        PinKeeper {
            store,
            profile: profile.to_string(),
            index: Index::File(data_dir.join("unlock-pins").join(format!("{name}.json"))),
        }
    }

    /// Nothing outlives the process (the demo tenant).
    pub fn in_memory(store: SecretStore, profile: &str) -> PinKeeper {
        PinKeeper {
            store,
            profile: profile.to_string(),
            index: Index::Memory(Mutex::new(Vec::new())),
        }
    }

    /// Where kept PINs live, for messages: the demo's do not outlive the process.
    pub fn where_kept(&self) -> &'static str {
        match self.index {
            Index::File(_) => "in your keychain",
            Index::Memory(_) => "for this demo session only",
        }
    }

    /// Where a revealed PIN came from, as the reveal reports it: "keychain", or "memory" (demo).
    pub fn source(&self) -> &'static str {
        match self.index {
            Index::File(_) => "keychain",
            Index::Memory(_) => "memory",
        }
    }

    /// Keeps the PIN of the lock sent at `locked_at`, replacing an older one of the device.
    pub fn keep(&self, device: &Device, pin: &Secret, locked_at: DateTime<Utc>) -> Result<KeptPin> {
        self.store.set(&self.key(&device.id), pin)?;
        let kept = KeptPin {
            device_id: device.id.clone(),
            device_name: device.device_name.clone(),
            serial_number: device.serial_number.clone(),
            locked_at,
            kept_at: Utc::now(),
            used_at: None,
        };
        self.update(|pins| {
            pins.retain(|p| p.device_id != device.id);
            pins.push(kept.clone());
        })?;
        Ok(kept)
    }

    pub fn record(&self, device_id: &str) -> Result<Option<KeptPin>> {
        Ok(self.list()?.into_iter().find(|p| p.device_id == device_id))
    }

    /// The PIN itself, for an explicit reveal.
    pub fn pin(&self, device_id: &str) -> Result<Option<Secret>> {
        self.store.get(&self.key(device_id))
    }

    /// The user typed the PIN: it is deleted from the keychain, and a new lock is allowed again.
    pub fn mark_used(&self, device_id: &str) -> Result<KeptPin> {
        let mut found = None;
        self.update(|pins| {
            if let Some(p) = pins.iter_mut().find(|p| p.device_id == device_id) {
                p.used_at = Some(Utc::now());
                found = Some(p.clone());
            }
        })?;
        let found = found.ok_or_else(|| {
            Error::DeviceNotFound(format!("{device_id} (no kept unlock PIN for it)"))
        })?;
        self.store.delete(&self.key(device_id))?;
        Ok(found)
    }

    /// Forgets the PIN and its record.
    pub fn forget(&self, device_id: &str) -> Result<()> {
        self.store.delete(&self.key(device_id))?;
        self.update(|pins| pins.retain(|p| p.device_id != device_id))
    }

    /// Every kept PIN's record, newest lock first.
    pub fn list(&self) -> Result<Vec<KeptPin>> {
        let mut pins = match &self.index {
            Index::Memory(pins) => pins.lock().map(|p| p.clone()).unwrap_or_default(),
            Index::File(path) => read_index(path)?,
        };
        pins.sort_by_key(|p| std::cmp::Reverse(p.locked_at));
        Ok(pins)
    }

    fn update(&self, change: impl FnOnce(&mut Vec<KeptPin>)) -> Result<()> {
        match &self.index {
            Index::Memory(pins) => {
                let mut pins = pins
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                change(&mut pins);
                Ok(())
            }
            Index::File(path) => {
                // One step under the file's lock: the app and the command line may both be
                // keeping PINs.
                crate::json_file::update(
                    path,
                    crate::json_file::Layout::Pretty,
                    |text| parse_index(path, text),
                    change,
                )?;
                Ok(())
            }
        }
    }

    fn key(&self, device_id: &str) -> SecretKey {
        SecretKey::new(&self.profile, &format!("unlock-pin/{device_id}"))
    }
}

fn read_index(path: &Path) -> Result<Vec<KeptPin>> {
    parse_index(path, crate::json_file::read_text(path)?.as_deref())
}

fn parse_index(path: &Path, text: Option<&str>) -> Result<Vec<KeptPin>> {
    match text {
        None => Ok(Vec::new()),
        Some(text) => serde_json::from_str(text).map_err(|e| Error::Storage {
            path: path.to_path_buf(),
            source: std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("it is not a valid PIN index ({e}); the PINs are still in the keychain"),
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::devices::{Ownership, Platform};
    use crate::secret_store::SessionMemory;

    fn mac() -> Device {
        Device {
            id: "00000000-0000-4000-8000-00000000000a".into(),
            device_name: "MAC-ADA-001".into(),
            platform: Platform::MacOs,
            operating_system: "macOS".into(),
            os_version: "15.1".into(),
            model: "MacBook Air".into(),
            manufacturer: "Apple".into(),
            serial_number: "C02ABC".into(),
            user_principal_name: String::new(),
            user_display_name: String::new(),
            email_address: String::new(),
            ownership: Ownership::Company,
            enrollment_type: "appleBulkWithUser".into(),
            is_supervised: true,
            is_encrypted: true,
            compliance_state: "compliant".into(),
            management_state: "managed".into(),
            last_sync: None,
            enrolled: None,
            azure_ad_device_id: String::new(),
        }
    }

    #[test]
    fn a_pin_is_kept_in_the_store_and_only_its_record_in_the_index_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let keeper = PinKeeper::new(SessionMemory::store(), "Contoso", dir.path());
        let device = mac();
        keeper
            .keep(&device, &Secret::new("482913"), Utc::now())
            .expect("keep");
        assert_eq!(
            keeper
                .pin(&device.id)
                .expect("read")
                .map(|s| s.expose().to_string()),
            Some("482913".into())
        );
        let index = std::fs::read_dir(dir.path().join("unlock-pins"))
            .expect("index folder")
            .map(|e| std::fs::read_to_string(e.expect("entry").path()).expect("read"))
            .collect::<String>();
        assert!(index.contains("MAC-ADA-001"));
        assert!(!index.contains("482913"), "the PIN reached the index file");
    }

    #[test]
    fn marking_used_deletes_the_pin_and_keeps_when() {
        let dir = tempfile::tempdir().expect("tempdir");
        let keeper = PinKeeper::new(SessionMemory::store(), "Contoso", dir.path());
        let device = mac();
        keeper
            .keep(&device, &Secret::new("111111"), Utc::now())
            .expect("keep");
        let used = keeper.mark_used(&device.id).expect("mark");
        assert!(used.used_at.is_some());
        assert!(keeper.pin(&device.id).expect("read").is_none());
        assert!(
            keeper
                .record(&device.id)
                .expect("record")
                .and_then(|r| r.used_at)
                .is_some()
        );
        keeper.forget(&device.id).expect("forget");
        assert!(keeper.record(&device.id).expect("record").is_none());
        assert!(keeper.mark_used(&device.id).is_err());
    }

    #[test]
    fn a_new_lock_replaces_the_old_pin() {
        let keeper = PinKeeper::in_memory(SessionMemory::store(), "Demo tenant");
        let device = mac();
        keeper
            .keep(&device, &Secret::new("111111"), Utc::now())
            .expect("keep");
        keeper
            .keep(&device, &Secret::new("222222"), Utc::now())
            .expect("keep");
        assert_eq!(keeper.list().expect("list").len(), 1);
        assert_eq!(
            keeper
                .pin(&device.id)
                .expect("read")
                .map(|s| s.expose().to_string()),
            Some("222222".into())
        );
    }
}

//! Devices an admin pinned to the tray, per profile: one click from "Lock…" when the call comes.
//! Names and IDs only; nothing secret.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::Device;
use crate::{Error, Result};

/// At most this many pinned devices: the tray menu must stay short.
pub const MAX_PINNED: usize = 10;

/// A device as the tray shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct TrayDevice {
    pub id: String,
    pub device_name: String,
    pub serial_number: String,
}

impl From<&Device> for TrayDevice {
    fn from(device: &Device) -> Self {
        TrayDevice {
            id: device.id.clone(),
            device_name: device.device_name.clone(),
            serial_number: device.serial_number.clone(),
        }
    }
}

pub struct PinnedDevices {
    path: PathBuf,
}

impl PinnedDevices {
    pub fn for_profile(data_dir: &Path, profile: &str) -> PinnedDevices {
        let name: String = profile.bytes().map(|b| format!("{b:02x}")).collect();
        PinnedDevices {
            path: data_dir.join("pinned").join(format!("{name}.json")),
        }
    }

    pub fn list(&self) -> Result<Vec<TrayDevice>> {
        self.parse(crate::json_file::read_text(&self.path)?.as_deref())
    }

    fn parse(&self, text: Option<&str>) -> Result<Vec<TrayDevice>> {
        match text {
            None => Ok(Vec::new()),
            Some(text) => serde_json::from_str(text).map_err(|e| {
                self.storage(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("it is not a list of pinned devices ({e}); move it away"),
                ))
            }),
        }
    }

    /// Pins or unpins; returns the new list. Pinning more than [`MAX_PINNED`] is refused.
    pub fn set(&self, device: TrayDevice, pinned: bool) -> Result<Vec<TrayDevice>> {
        let mut full = false;
        let list = crate::json_file::update(
            &self.path,
            crate::json_file::Layout::Pretty,
            |text| self.parse(text),
            |list: &mut Vec<TrayDevice>| {
                list.retain(|d| d.id != device.id);
                if pinned {
                    if list.len() >= MAX_PINNED {
                        full = true;
                    } else {
                        list.push(device);
                    }
                }
            },
        )?;
        if full {
            return Err(Error::InvalidInput {
                what: "the pinned devices",
                why: format!("at most {MAX_PINNED} fit in the tray; unpin one first"),
            });
        }
        Ok(list)
    }

    fn storage(&self, source: std::io::Error) -> Error {
        Error::Storage {
            path: self.path.clone(),
            source,
        }
    }
}

/// The devices looked at lately, newest first, without duplicates, at most `keep`.
pub fn remember_recent(recent: &mut Vec<TrayDevice>, device: TrayDevice, keep: usize) {
    recent.retain(|d| d.id != device.id);
    recent.insert(0, device);
    recent.truncate(keep);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device(n: u32) -> TrayDevice {
        TrayDevice {
            id: format!("id-{n}"),
            device_name: format!("MAC-{n}"),
            serial_number: format!("C02{n}"),
        }
    }

    #[test]
    fn pins_persist_per_profile_and_unpin() {
        let dir = tempfile::tempdir().expect("tempdir");
        let contoso = PinnedDevices::for_profile(dir.path(), "Contoso");
        assert!(contoso.list().expect("empty").is_empty());
        contoso.set(device(1), true).expect("pin");
        contoso.set(device(2), true).expect("pin");
        contoso.set(device(1), true).expect("pin again");
        assert_eq!(
            PinnedDevices::for_profile(dir.path(), "Contoso")
                .list()
                .expect("list"),
            vec![device(2), device(1)]
        );
        assert!(
            PinnedDevices::for_profile(dir.path(), "Fabrikam")
                .list()
                .expect("list")
                .is_empty()
        );
        assert_eq!(
            contoso.set(device(2), false).expect("unpin"),
            vec![device(1)]
        );
    }

    #[test]
    fn the_tray_stays_short() {
        let dir = tempfile::tempdir().expect("tempdir");
        let pins = PinnedDevices::for_profile(dir.path(), "Contoso");
        for n in 0..MAX_PINNED as u32 {
            pins.set(device(n), true).expect("pin");
        }
        let error = pins.set(device(99), true).expect_err("full");
        assert!(error.to_string().contains("unpin one first"));
    }

    #[test]
    fn recent_devices_keep_the_newest_first_once() {
        let mut recent = Vec::new();
        for n in [1, 2, 3, 2, 4] {
            remember_recent(&mut recent, device(n), 3);
        }
        assert_eq!(recent, vec![device(4), device(2), device(3)]);
    }
}

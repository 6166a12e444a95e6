//! One request per device and action at a time, whoever sends it: the main window, quick lock and
//! the command line, in one process or several. A lock file per pair is held from the write-ahead
//! audit entry until Intune's answer is recorded; the OS releases it when the holder ends, even by
//! a crash. (std's file locks are `flock` on Unix and `LockFileEx` on Windows.)

use std::fs::{File, OpenOptions, TryLockError};
use std::path::PathBuf;

use super::ActionKind;
use crate::{Error, Result};

/// The folder of a profile's lock files.
#[derive(Debug, Clone)]
pub struct InFlight {
    dir: PathBuf,
}

/// Held while a request is on its way; dropping it lets the next one go.
#[derive(Debug)]
pub struct Claim {
    _file: File,
}

impl InFlight {
    pub fn new(dir: PathBuf) -> InFlight {
        InFlight { dir }
    }

    /// The pair is now this caller's, or `None` when another window or process is sending it.
    pub fn claim(&self, device_id: &str, action: ActionKind) -> Result<Option<Claim>> {
        crate::json_file::private_dir(&self.dir).map_err(|e| storage(&self.dir, e))?;
        // Graph's IDs are GUIDs: case does not make another device.
        let path = self.dir.join(format!(
            "{}-{}.lock",
            device_id.trim().to_ascii_lowercase(),
            action.segment()
        ));
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| storage(&path, e))?;
        match file.try_lock() {
            Ok(()) => Ok(Some(Claim { _file: file })),
            Err(TryLockError::WouldBlock) => Ok(None),
            Err(TryLockError::Error(e)) => Err(storage(&path, e)),
        }
    }
}

fn storage(path: &std::path::Path, source: std::io::Error) -> Error {
    Error::Storage {
        path: path.to_path_buf(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pair_is_claimed_once_until_released_and_case_does_not_matter() {
        let dir = tempfile::tempdir().expect("tempdir");
        let locks = InFlight::new(dir.path().join("in-flight"));
        let id = "3f1c6a52-9d7e-4b1a-8c2d-5e6f7a8b9c0d";
        let first = locks
            .claim(id, ActionKind::RemoteLock)
            .expect("claimable")
            .expect("free");
        assert!(
            locks
                .claim(&id.to_uppercase(), ActionKind::RemoteLock)
                .expect("claimable")
                .is_none(),
            "held"
        );
        assert!(
            locks
                .claim(id, ActionKind::RotateFileVaultKey)
                .expect("claimable")
                .is_some(),
            "another action is another pair"
        );
        drop(first);
        assert!(
            locks
                .claim(id, ActionKind::RemoteLock)
                .expect("ok")
                .is_some()
        );
    }
}

//! Files written whole as JSON and shared by the app and the command line, which may run at the
//! same time: profiles, settings, the PIN index, pinned devices, inventories.
//!
//! - Written atomically: to a unique temporary file beside the target (tempfile), synced, renamed
//!   over it, and the folder synced, so a crash leaves the old file or the new one, never half.
//! - Locked between processes: a `<name>.lock` file beside it, shared for readers and exclusive
//!   for writers and for a read-modify-write as a whole (std's file locks: `flock` on Unix,
//!   `LockFileEx` on Windows, where a reader's open file would otherwise make the rename fail).
//! - Private: the user's alone on Unix (files 0600, folders 0700): they hold fleet data.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Indented: small files a person may open.
    Pretty,
    /// One line: large caches.
    Compact,
}

fn storage(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Storage {
        path: path.to_path_buf(),
        source,
    }
}

/// Creates `dir` and its missing parents, the user's alone on Unix.
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

fn lock_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    path.with_file_name(name)
}

/// Holds the file's lock for as long as it lives.
struct Held(File);

impl Drop for Held {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

fn hold(path: &Path, exclusive: bool) -> Result<Held> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    private_dir(dir).map_err(storage(dir))?;
    let lock = lock_path(path);
    let mut options = OpenOptions::new();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(&lock).map_err(storage(&lock))?;
    if exclusive {
        file.lock()
    } else {
        file.lock_shared()
    }
    .map_err(storage(&lock))?;
    Ok(Held(file))
}

/// The file's text, read under a shared lock; `None` when there is no file yet.
pub fn read_text(path: &Path) -> Result<Option<String>> {
    let _held = hold(path, false)?;
    read_unlocked(path)
}

fn read_unlocked(path: &Path) -> Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(storage(path)(e)),
    }
}

/// Replaces the file whole, under the exclusive lock.
pub fn write(path: &Path, value: &impl Serialize, layout: Layout) -> Result<()> {
    let _held = hold(path, true)?;
    write_unlocked(path, value, layout)
}

/// Reads, changes and writes back the file as one step no other process can interleave with.
/// `parse` turns the text (or `None`: no file yet) into the value to change.
pub fn update<T: Serialize>(
    path: &Path,
    layout: Layout,
    parse: impl FnOnce(Option<&str>) -> Result<T>,
    change: impl FnOnce(&mut T),
) -> Result<T> {
    let _held = hold(path, true)?;
    let text = read_unlocked(path)?;
    let mut value = parse(text.as_deref())?;
    change(&mut value);
    write_unlocked(path, &value, layout)?;
    Ok(value)
}

/// Parses JSON text, or `default` when there is no file yet.
pub fn parse_or<T: DeserializeOwned>(
    path: &Path,
    text: Option<&str>,
    default: impl FnOnce() -> T,
) -> Result<T> {
    match text {
        None => Ok(default()),
        Some(text) => serde_json::from_str(text).map_err(|e| Error::Storage {
            path: path.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()),
        }),
    }
}

fn write_unlocked(path: &Path, value: &impl Serialize, layout: Layout) -> Result<()> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    private_dir(dir).map_err(storage(dir))?;
    // tempfile makes a unique name (two writers never share a temporary file) and, on Unix,
    // creates it 0600.
    let temp = tempfile::NamedTempFile::new_in(dir).map_err(storage(dir))?;
    {
        let mut writer = BufWriter::new(temp.as_file());
        match layout {
            Layout::Pretty => serde_json::to_writer_pretty(&mut writer, value),
            Layout::Compact => serde_json::to_writer(&mut writer, value),
        }
        .map_err(|e| storage(path)(std::io::Error::other(e)))?;
        writer.flush().map_err(storage(path))?;
    }
    temp.as_file().sync_all().map_err(storage(path))?;
    temp.persist(path).map_err(|e| storage(path)(e.error))?;
    sync_dir(dir);
    Ok(())
}

/// Makes the rename itself durable. Windows has no folder handle to sync; its rename is durable
/// once the file is.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(folder) = File::open(dir) {
        let _ = folder.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_replaced_whole_and_no_temporary_file_is_left() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("nested").join("settings.json");
        write(&path, &serde_json::json!({"a": 1}), Layout::Pretty).expect("first");
        write(&path, &serde_json::json!({"a": 2}), Layout::Compact).expect("second");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), r#"{"a":2}"#);
        let mut names: Vec<_> = std::fs::read_dir(path.parent().expect("dir"))
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        names.sort();
        assert_eq!(
            names,
            vec![
                std::ffi::OsString::from("settings.json"),
                std::ffi::OsString::from("settings.json.lock")
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn files_and_folders_are_the_users_alone() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let folder = dir.path().join("data").join("pins");
        let path = folder.join("index.json");
        write(&path, &serde_json::json!([]), Layout::Pretty).expect("written");
        let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&folder), 0o700);
        assert_eq!(mode(&dir.path().join("data")), 0o700);
    }

    #[test]
    fn concurrent_updates_from_many_threads_lose_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("counter.json");
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(|| {
                    for _ in 0..25 {
                        update(
                            &path,
                            Layout::Compact,
                            |text| parse_or(&path, text, Vec::<u32>::new),
                            |list| list.push(1),
                        )
                        .expect("updated");
                    }
                });
            }
        });
        let list: Vec<u32> =
            serde_json::from_str(&read_text(&path).expect("read").expect("there")).expect("json");
        assert_eq!(list.len(), 200, "every thread's every update is there");
    }
}

//! Files written whole as JSON: to a temporary file beside the target, then renamed over it, so a
//! crash never leaves half a file. Profiles, settings, the PIN index, pinned devices, inventories.

use std::io::{BufWriter, Write};
use std::path::Path;

use serde::Serialize;

use crate::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Indented: small files a person may open.
    Pretty,
    /// One line: large caches.
    Compact,
}

pub fn write(path: &Path, value: &impl Serialize, layout: Layout) -> Result<()> {
    let storage = |source| Error::Storage {
        path: path.to_path_buf(),
        source,
    };
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    std::fs::create_dir_all(dir).map_err(storage)?;
    let temp = path.with_extension("json.tmp");
    let mut writer = BufWriter::new(std::fs::File::create(&temp).map_err(storage)?);
    match layout {
        Layout::Pretty => serde_json::to_writer_pretty(&mut writer, value),
        Layout::Compact => serde_json::to_writer(&mut writer, value),
    }
    .map_err(|e| storage(std::io::Error::other(e)))?;
    writer.flush().map_err(storage)?;
    drop(writer);
    std::fs::rename(&temp, path).map_err(storage)
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
        let names: Vec<_> = std::fs::read_dir(path.parent().expect("dir"))
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("settings.json")]);
    }
}

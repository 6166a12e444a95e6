//! Diagnostics logging: a daily-rolling file in the OS log folder, and stderr while developing.
//!
//! Log lines are for support. Secrets never reach them because every secret travels as
//! [`crate::Secret`], whose formatting is redacted.

use std::path::{Path, PathBuf};

use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::filter::Targets;
use tracing_subscriber::{Layer, layer::SubscriberExt, util::SubscriberInitExt};

use crate::{Error, Result};

/// The environment variable that overrides the log filter: a level (`INTUNE_ACTIONS_LOG=debug`),
/// or levels per module (`intune_core::graph=trace,info`). Targets, not tracing's EnvFilter:
/// the same syntax without span and field filters, which would link a regular-expression engine.
pub const FILTER_ENV: &str = "INTUNE_ACTIONS_LOG";
const DEFAULT_FILTER: &str = "info";
const FILE_PREFIX: &str = "intune-actions";
const KEEP_FILES: usize = 14;

pub struct LogOptions<'a> {
    /// Folder for the rolling log file; `None` logs to stderr only.
    pub dir: Option<&'a Path>,
    /// Also print to stderr (development builds and the CLI's `--verbose`).
    pub stderr: bool,
}

/// Installs the process-wide subscriber. Returns the folder the log files go to.
pub fn init(options: LogOptions<'_>) -> Result<Option<PathBuf>> {
    let filter = || filter(std::env::var(FILTER_ENV).ok().as_deref());

    let file_layer = match options.dir {
        Some(dir) => {
            let appender = open_appender(dir)?;
            Some(
                tracing_subscriber::fmt::layer()
                    .with_ansi(false)
                    .with_writer(appender)
                    .with_filter(filter()),
            )
        }
        None => None,
    };
    let stderr_layer = options.stderr.then(|| {
        tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .with_filter(filter())
    });

    tracing_subscriber::registry()
        .with(file_layer)
        .with(stderr_layer)
        .try_init()
        .map_err(|e| Error::Internal(format!("logging was already set up: {e}")))?;
    Ok(options.dir.map(Path::to_path_buf))
}

/// The filter the variable asks for; the default when it is unset or not understood.
fn filter(asked: Option<&str>) -> Targets {
    asked
        .and_then(|text| text.parse().ok())
        .unwrap_or_else(|| DEFAULT_FILTER.parse().unwrap_or_default())
}

fn open_appender(dir: &Path) -> Result<RollingFileAppender> {
    let storage = |source| Error::Storage {
        path: dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(storage)?;
    RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix(FILE_PREFIX)
        .filename_suffix("log")
        .max_log_files(KEEP_FILES)
        .build(dir)
        .map_err(|e| storage(std::io::Error::other(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    // One test only: the subscriber is process-wide and can be installed once.
    #[test]
    fn writes_to_a_rolling_file_in_the_given_folder_and_refuses_a_second_init() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("nested").join("logs");
        let used = init(LogOptions {
            dir: Some(&dir),
            stderr: false,
        })
        .expect("first init");
        assert_eq!(used.as_deref(), Some(dir.as_path()));

        tracing::info!(device = "MAC-0042", "lock queued");

        let files: Vec<_> = std::fs::read_dir(&dir)
            .expect("log dir exists")
            .map(|e| e.expect("entry").path())
            .collect();
        assert_eq!(files.len(), 1, "one log file: {files:?}");
        let name = files[0].file_name().and_then(|n| n.to_str()).expect("name");
        assert!(
            name.starts_with("intune-actions.") && name.ends_with(".log"),
            "{name}"
        );
        let text = std::fs::read_to_string(&files[0]).expect("readable");
        assert!(
            text.contains("lock queued") && text.contains("MAC-0042"),
            "{text}"
        );

        let second = init(LogOptions {
            dir: None,
            stderr: true,
        });
        assert!(matches!(second, Err(Error::Internal(_))));
    }

    #[test]
    fn the_variable_sets_levels_and_a_filter_it_cannot_read_falls_back_to_info() {
        use tracing::Level;
        use tracing::level_filters::LevelFilter;

        let debug = filter(Some("debug"));
        assert!(debug.would_enable("intune_core::graph", &Level::DEBUG));
        assert!(!debug.would_enable("intune_core::graph", &Level::TRACE));

        let per_module = filter(Some("intune_core::graph=trace,warn"));
        assert!(per_module.would_enable("intune_core::graph::calls", &Level::TRACE));
        assert!(!per_module.would_enable("intune_core::session", &Level::INFO));

        for unset_or_unreadable in [None, Some("verbose=loud"), Some("intune_core=verbose")] {
            let fallback = filter(unset_or_unreadable);
            assert!(fallback.would_enable("intune_core", &Level::INFO));
            assert!(!fallback.would_enable("intune_core", &Level::DEBUG));
        }
        assert_eq!(filter(None).default_level(), Some(LevelFilter::INFO));
    }

    #[test]
    fn an_unwritable_folder_is_a_storage_error() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let file = tmp.path().join("not-a-folder");
        std::fs::write(&file, b"x").expect("write");
        let err = open_appender(&file.join("logs")).expect_err("cannot create under a file");
        assert_eq!(err.kind(), crate::ErrorKind::Storage);
    }
}

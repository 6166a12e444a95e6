//! The app's own preferences, beside the profiles: small, never secret.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::Result;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    /// The admin was told once that closing the window keeps the app in the tray.
    pub close_hint_shown: bool,
    /// The global shortcut that opens quick lock; `None` is the default, empty is off.
    pub quick_lock_shortcut: Option<String>,
    /// The admin turned off looking for updates (a machine-wide policy can too; see `policy`).
    pub updates_off: bool,
    pub appearance: Appearance,
}

/// The app's colours: the operating system's choice, or one the admin picked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Appearance {
    /// Light, dark or high contrast as the system is set, following its changes.
    #[default]
    System,
    Light,
    Dark,
    HighContrast,
}

pub struct SettingsFile {
    path: PathBuf,
}

impl SettingsFile {
    pub fn in_dir(config_dir: &Path) -> SettingsFile {
        SettingsFile {
            path: config_dir.join("settings.json"),
        }
    }

    /// Missing or unreadable settings are the defaults: a preference never stops the app.
    pub fn load(&self) -> Settings {
        crate::json_file::read_text(&self.path)
            .ok()
            .flatten()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default()
    }

    pub fn save(&self, settings: &Settings) -> Result<()> {
        crate::json_file::write(&self.path, settings, crate::json_file::Layout::Pretty)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_and_damage_means_defaults() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = SettingsFile::in_dir(dir.path());
        assert_eq!(file.load(), Settings::default());
        file.save(&Settings {
            close_hint_shown: true,
            quick_lock_shortcut: Some(String::new()),
            updates_off: true,
            appearance: Appearance::HighContrast,
        })
        .expect("save");
        assert!(file.load().close_hint_shown);
        assert!(file.load().updates_off);
        assert_eq!(file.load().appearance, Appearance::HighContrast);
        assert_eq!(file.load().quick_lock_shortcut.as_deref(), Some(""));
        std::fs::write(dir.path().join("settings.json"), "{not json").expect("write");
        assert_eq!(file.load(), Settings::default());
    }
}

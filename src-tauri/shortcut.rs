//! The global shortcut that opens quick lock, wherever the focus is (Windows, macOS, and Linux on
//! X11; Wayland has no global shortcuts, and the tray menu does the same job there).

use std::str::FromStr;

use tauri::plugin::TauriPlugin;
use tauri::{AppHandle, Wry};
use tauri_plugin_global_shortcut::{GlobalShortcutExt, Shortcut, ShortcutState};

use crate::tray::{self, Activation};

pub const DEFAULT: &str = "CommandOrControl+Shift+L";

pub fn plugin() -> TauriPlugin<Wry> {
    tauri_plugin_global_shortcut::Builder::new()
        .with_handler(|app, _shortcut, event| {
            if event.state == ShortcutState::Pressed {
                tray::activate(app, Activation::QuickLock(None));
            }
        })
        .build()
}

/// The shortcut as saved: `None` means the default, an empty text means none.
pub fn effective(saved: Option<&str>) -> &str {
    saved.unwrap_or(DEFAULT)
}

/// Checks a shortcut as the admin typed it; an empty text turns the shortcut off.
pub fn parse(text: &str) -> Result<Option<Shortcut>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let shortcut = Shortcut::from_str(text).map_err(|e| {
        format!("{text:?} is not a shortcut ({e}); write it like {DEFAULT} or Alt+Shift+K")
    })?;
    if shortcut.mods.is_empty() {
        return Err(format!(
            "{text:?} has no modifier key, so it would take that key from every app; add Control, Alt or Shift"
        ));
    }
    Ok(Some(shortcut))
}

/// Replaces the registered shortcut; on failure, none is registered and the reason is returned.
pub fn apply(app: &AppHandle, text: &str) -> Result<(), String> {
    let shortcuts = app.global_shortcut();
    let _ = shortcuts.unregister_all();
    match parse(text)? {
        None => Ok(()),
        Some(shortcut) => shortcuts.register(shortcut).map_err(|e| {
            format!("the shortcut could not be registered ({e}); another app may use it, or this desktop has no global shortcuts")
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcuts_are_checked_before_they_are_used() {
        assert!(parse(DEFAULT).expect("the default parses").is_some());
        assert!(parse("Alt+Shift+K").expect("parses").is_some());
        assert_eq!(parse("  ").expect("off"), None);
        assert!(parse("Ctrl+Banana").is_err());
        let bare = parse("L").expect_err("no modifier");
        assert!(bare.contains("no modifier"), "{bare}");
        assert_eq!(effective(None), DEFAULT);
        assert_eq!(effective(Some("")), "");
    }
}

//! The typed IPC surface. `ui/src/bindings.ts` is generated from it and committed; a test fails when
//! the committed file no longer matches, and `UPDATE_BINDINGS=1 cargo test --lib bindings` rewrites it.
//!
//! The running app needs only the commands' handler and the events' registry: describing every
//! command's types (what the export reads) is left to [`builder`], which only the export calls, so
//! the app neither does that work at each start nor carries the code for it.

use tauri::generate_handler;
use tauri_specta::{collect_commands, collect_events};

use crate::commands;

/// The committed TypeScript bindings, relative to the repository root.
pub const BINDINGS_PATH: &str = "ui/src/bindings.ts";

/// Hands every command to a macro: Tauri's `generate_handler` for the app ([`handler`]), which
/// then carries no type descriptions, and tauri-specta's `collect_commands` (the same handler with
/// the types) for the export ([`builder`]). One list, so the two cannot differ.
macro_rules! every_command {
    ($collect:ident) => {
        $collect![
            commands::about,
            commands::session::open_session,
            commands::session::start_demo,
            commands::session::sign_out,
            commands::session::profile_choices,
            commands::session::switch_profile,
            commands::signin::saved_profiles,
            commands::signin::add_profile,
            commands::signin::check_profile,
            commands::signin::remove_profile,
            commands::signin::sign_in,
            commands::signin::sign_in_app,
            commands::signin::pick_certificate_file,
            commands::signin::cancel_sign_in,
            commands::signin::open_sign_in_page,
            commands::signin::copy_sign_in_code,
            commands::devices::inventory_status,
            commands::devices::refresh_inventory,
            commands::devices::search_devices,
            commands::devices::open_in_admin_center,
            commands::actions::review_device,
            commands::actions::match_device_list,
            commands::actions::review_devices,
            commands::actions::write_pace,
            commands::actions::devices_of_user,
            commands::actions::export_last_run,
            commands::actions::send_action,
            commands::runs::control_run,
            commands::runs::stopped_runs,
            commands::runs::resume_run,
            commands::runs::set_run_aside,
            commands::actions::follow_action,
            commands::actions::stop_following,
            commands::actions::reveal_secret,
            commands::actions::copy_secret,
            commands::actions::mark_pin_used,
            commands::actions::audit_entries,
            commands::actions::verify_audit,
            commands::actions::export_audit,
            commands::actions::open_source_page,
            commands::actions::interrupted_requests,
            commands::actions::settle_interrupted,
            commands::desktop::quick_lock_target,
            commands::desktop::hide_window,
            commands::desktop::show_main_window,
            commands::desktop::start_reached,
            commands::desktop::pinned_devices,
            commands::desktop::set_device_pinned,
            commands::desktop::desktop_settings,
            commands::desktop::set_start_in_tray_at_login,
            commands::desktop::set_quick_lock_shortcut,
            commands::desktop::update_status,
            commands::desktop::check_for_updates,
            commands::desktop::install_update,
            commands::desktop::set_updates_on,
            commands::desktop::appearance,
            commands::desktop::set_appearance,
        ]
    };
}

fn events() -> tauri_specta::Events {
    collect_events![
        commands::devices::InventoryChanged,
        commands::actions::ActionProgress,
        commands::actions::SendWaiting,
        commands::actions::DeviceSent,
        crate::quick_lock::QuickLockOpened,
        commands::session::SessionChanged,
        commands::signin::SignInProgress,
        crate::updates::UpdatesChanged,
        commands::desktop::AppearanceChanged
    ]
}

/// What handles the UI's calls: every command.
pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    every_command!(generate_handler)
}

/// Mounted at start so the events can be emitted (tauri-specta looks each one up there).
pub fn events_only() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new().events(events())
}

/// The whole surface with its types, for the export.
pub fn builder() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new()
        .commands(every_command!(collect_commands))
        .events(events())
        // Returned as the `error` of every failing command; exported even before one fails.
        .typ::<intune_core::ErrorReport>()
}

pub fn render(path: &std::path::Path) -> Result<(), String> {
    builder()
        .export(
            specta_typescript::Typescript::default()
                .header("// Generated from the Rust commands by tauri-specta. Do not edit.\n"),
            path,
        )
        .map_err(|e| format!("could not export bindings to {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn committed_bindings_match_the_rust_commands() {
        let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join(BINDINGS_PATH);
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            render(&committed).expect("export");
            return;
        }
        let tmp = tempfile::tempdir().expect("tempdir");
        let fresh = tmp.path().join("bindings.ts");
        render(&fresh).expect("export");
        let fresh = std::fs::read_to_string(&fresh).expect("read fresh bindings");
        let current = std::fs::read_to_string(&committed).unwrap_or_default();
        assert!(
            current == fresh,
            "{BINDINGS_PATH} is stale: the Rust commands changed. Regenerate it with \
             `UPDATE_BINDINGS=1 cargo test --lib bindings` and commit the result."
        );
    }
}

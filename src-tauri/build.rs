fn main() {
    // Listing the app's own commands makes them subject to the capability files: a window can call
    // only what its capability grants.
    let manifest = tauri_build::AppManifest::new().commands(&[
        "about",
        "open_session",
        "start_demo",
        "sign_out",
        "profile_choices",
        "switch_profile",
        "saved_profiles",
        "add_profile",
        "check_profile",
        "remove_profile",
        "sign_in",
        "sign_in_app",
        "pick_certificate_file",
        "cancel_sign_in",
        "open_sign_in_page",
        "copy_sign_in_code",
        "inventory_status",
        "refresh_inventory",
        "search_devices",
        "open_in_admin_center",
        "review_device",
        "match_device_list",
        "review_devices",
        "write_pace",
        "devices_of_user",
        "export_last_run",
        "send_action",
        "follow_action",
        "stop_following",
        "reveal_secret",
        "copy_secret",
        "mark_pin_used",
        "audit_entries",
        "verify_audit",
        "export_audit",
        "open_source_page",
        "interrupted_requests",
        "settle_interrupted",
        "quick_lock_target",
        "hide_window",
        "show_main_window",
        "pinned_devices",
        "set_device_pinned",
        "desktop_settings",
        "set_start_in_tray_at_login",
        "set_quick_lock_shortcut",
    ]);
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("./src-tauri/capabilities/**/*")
            .app_manifest(manifest),
    )
    .expect("tauri-build failed: check tauri.conf.json and src-tauri/capabilities");
}

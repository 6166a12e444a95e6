//! What a person does in the window, and what they must see.

use std::time::Duration;

use crate::accessibility::audit_in_every_theme;
use crate::app::APP_BINARY;
use crate::desktop::{Desktop, wait_until};
use crate::{Ctx, Outcome, Scenario, check};

pub const ALL: &[(&str, Scenario)] = &[
    (
        "every_screen_passes_an_accessibility_check_in_light_dark_and_high_contrast",
        crate::accessibility::every_screen_passes_an_accessibility_check_in_light_dark_and_high_contrast,
    ),
    (
        "find_a_mac_lock_it_and_reveal_its_pin_from_the_keyboard_alone",
        crate::keyboard::find_a_mac_lock_it_and_reveal_its_pin_from_the_keyboard_alone,
    ),
    (
        "an_update_signed_with_the_app_key_is_offered_and_one_signed_with_another_is_refused",
        crate::updates::an_update_signed_with_the_app_key_is_offered_and_one_signed_with_another_is_refused,
    ),
    (
        "main_window_names_the_product",
        main_window_names_the_product,
    ),
    ("about_details_come_from_rust", about_details_come_from_rust),
    (
        "second_launch_hands_over_to_the_first",
        second_launch_hands_over_to_the_first,
    ),
    (
        "demo_search_by_serial_shows_the_device",
        demo_search_by_serial_shows_the_device,
    ),
    (
        "lock_a_mac_watch_it_complete_reveal_the_pin_and_find_the_audit_entry",
        lock_a_mac_watch_it_complete_reveal_the_pin_and_find_the_audit_entry,
    ),
    (
        "a_second_launch_with_quick_lock_opens_it_in_the_running_app",
        a_second_launch_with_quick_lock_opens_it_in_the_running_app,
    ),
    (
        "settings_start_in_the_tray_at_login_and_the_shortcut_opens_quick_lock",
        settings_start_in_the_tray_at_login_and_the_shortcut_opens_quick_lock,
    ),
    (
        "add_a_tenant_and_sign_in_with_a_code_for_this_session_only",
        add_a_tenant_and_sign_in_with_a_code_for_this_session_only,
    ),
    (
        "a_kiosk_signs_in_as_the_app_with_its_client_secret",
        a_kiosk_signs_in_as_the_app_with_its_client_secret,
    ),
    (
        "a_certificate_chosen_in_the_file_dialog_signs_in",
        a_certificate_chosen_in_the_file_dialog_signs_in,
    ),
    (
        "signed_in_with_the_keychain_the_app_resumes_after_a_restart",
        signed_in_with_the_keychain_the_app_resumes_after_a_restart,
    ),
    (
        "the_tray_menu_opens_quick_lock_on_a_pinned_device_switches_profile_and_quits",
        the_tray_menu_opens_quick_lock_on_a_pinned_device_switches_profile_and_quits,
    ),
    (
        "closing_keeps_the_app_in_the_tray_says_so_once_and_the_size_is_remembered",
        closing_keeps_the_app_in_the_tray_says_so_once_and_the_size_is_remembered,
    ),
    (
        "a_pasted_list_of_serials_is_matched_reviewed_confirmed_and_sent",
        a_pasted_list_of_serials_is_matched_reviewed_confirmed_and_sent,
    ),
    (
        "a_run_killed_midway_is_resumed_at_the_next_start_and_no_device_is_locked_twice",
        a_run_killed_midway_is_resumed_at_the_next_start_and_no_device_is_locked_twice,
    ),
];

/// Many devices at once: 30 serials pasted (one twice, one unknown), what matched shown first, the
/// review with its counts, the number typed to confirm, every device's outcome.
fn a_pasted_list_of_serials_is_matched_reviewed_confirmed_and_sent<'a>(
    ctx: &'a Ctx<'a>,
) -> Outcome<'a> {
    Box::pin(async move {
        let demo =
            intune_demo::Demo::start(intune_demo::DEMO_DEVICES).map_err(|e| e.to_string())?;
        let phones: Vec<tenant_sim::Device> = demo
            .sim()
            .devices()
            .into_iter()
            .filter(|d| d.platform == tenant_sim::fleet::Platform::Ios)
            .take(30)
            .collect();
        check!(phones.len() == 30, "the demo has {} iPhones", phones.len());
        let mut list: Vec<String> = phones.iter().map(|d| d.serial_number.clone()).collect();
        list.push(phones[0].serial_number.clone());
        list.push("NOT-IN-THE-TENANT".into());
        ctx.app
            .wait_for_text("#inventory-status", "the demo's devices", |t| {
                t.starts_with("500 devices")
            })
            .await?;
        ctx.app.click("#many-open").await?;
        // Typed as a paste arrives: one line after another (WebDriver's Enter is a new line).
        ctx.app
            .type_into("#many-list", &list.join("\u{E007}"))
            .await?;
        ctx.app.click("#many-match").await?;
        ctx.app
            .wait_for_text("#many-matched", "what matched", |t| {
                t.contains("30 devices matched")
                    && t.contains("Line 31")
                    && t.contains("the same device as line 1")
                    && t.contains("\"NOT-IN-THE-TENANT\": matches no device")
            })
            .await?;
        ctx.shot("many-matched");
        ctx.app.click("#many-review").await?;
        let counts = ctx
            .app
            .wait_for_text("#many-counts", "the review's counts", |t| {
                t.contains("ready")
            })
            .await?;
        let chosen = confirm_the_count(ctx).await?;
        check!(chosen > 10, "only {chosen} can be sent ({counts})");
        ctx.shot("many-review");
        ctx.app.click("#many-send").await?;
        let done = ctx
            .app
            .wait_for_text("#many-progress", "the run finished", |t| {
                t.starts_with("Done:")
            })
            .await?;
        check!(
            done.contains(&format!("{chosen} sent")),
            "the run ended with {done:?}"
        );
        ctx.shot("many-done");
        // The run as CSV.
        let csv = export_through_the_save_dialog(
            ctx,
            "#many-export",
            "Export the run",
            "run-export.csv",
            "#many-exported",
        )
        .await?;
        let rows: Vec<&str> = csv.lines().collect();
        check!(
            rows.len() == chosen + 1
                && rows[0].starts_with("deviceName,serialNumber,user,")
                && phones
                    .iter()
                    .filter(|p| rows.iter().any(|r| r.contains(&p.id)))
                    .all(|p| rows.iter().any(|r| r.contains(&p.serial_number))),
            "the export holds {csv:?}"
        );
        ctx.app.click("#many-close").await?;
        Ok(())
    })
}

/// A large run against a slow tenant: while it goes on, the admin keeps
/// working (the device list still searches); then the app is killed (SIGKILL) midway. At the next
/// start the stopped run is offered; resumed, it goes on with the window closed (in the tray) and a
/// notification says when it ends; the tenant received at most one lock per device: exactly as
/// many as the run reports sent.
fn a_run_killed_midway_is_resumed_at_the_next_start_and_no_device_is_locked_twice<'a>(
    ctx: &'a Ctx<'a>,
) -> Outcome<'a> {
    Box::pin(async move {
        let _keychain = ctx.desktop.start_keychain()?;
        let sim = tenant_sim::start(tenant_sim::SimConfig {
            devices: 160,
            device_code: tenant_sim::DeviceCodeConfig {
                interval_secs: 1,
                expires_in_secs: 120,
                auto_approve_after_polls: Some(1),
            },
            ..tenant_sim::SimConfig::default()
        })
        .map_err(|e| format!("cannot start a simulated tenant: {e}"))?;
        let phones: Vec<tenant_sim::Device> = sim
            .devices()
            .into_iter()
            .filter(|d| {
                matches!(
                    d.platform,
                    tenant_sim::fleet::Platform::Ios | tenant_sim::fleet::Platform::Android
                )
            })
            .take(60)
            .collect();
        check!(phones.len() == 60, "the tenant has {} phones", phones.len());
        let applied = |id: &str| sim.times_applied(id, "remoteLock");
        let locked = || phones.iter().map(|p| applied(&p.id)).sum::<usize>();

        sign_out_and_fill_in_a_tenant(ctx, &sim, "Contoso", &sim.tenant.client_id, "deviceCode")
            .await?;
        ctx.app.click("#profile-add").await?;
        ctx.app
            .wait_for_text("#inventory-status", "the tenant's devices", |t| {
                t.starts_with("160 devices")
            })
            .await?;
        // A slow tenant (every answer takes most of a second), so the run takes long enough to
        // work beside it and to be killed midway.
        sim.set_faults(tenant_sim::Faults {
            latency_ms: 800,
            ..Default::default()
        });
        ctx.app.click("#many-open").await?;
        let list: Vec<&str> = phones.iter().map(|p| p.serial_number.as_str()).collect();
        ctx.app
            .type_into("#many-list", &list.join("\u{E007}"))
            .await?;
        ctx.app.click("#many-match").await?;
        ctx.app
            .wait_for_text("#many-matched", "what matched", |t| {
                t.contains("60 devices matched")
            })
            .await?;
        ctx.app.click("#many-review").await?;
        let chosen = confirm_the_count(ctx).await?;
        check!(chosen > 20, "only {chosen} can be sent");
        ctx.app.click("#many-send").await?;
        ctx.app
            .wait_for_text("#many-progress", "the run under way", |t| {
                t.contains(&format!("of {chosen} sent or settled"))
            })
            .await?;

        // The admin keeps working while it goes on: the device list still searches.
        ctx.app.click("#many-hide").await?;
        ctx.app
            .wait_for_text("#run-chip", "the run in its chip", |t| {
                t.starts_with("Remote lock:")
            })
            .await?;
        let other = sim
            .devices()
            .into_iter()
            .find(|d| d.platform == tenant_sim::fleet::Platform::MacOs)
            .ok_or("the tenant has no Mac")?;
        ctx.app
            .type_into("#device-search", &other.serial_number)
            .await?;
        ctx.app
            .wait_for_text("#result-count", "the search's answer", |t| {
                t.starts_with("1 ")
            })
            .await?;
        ctx.shot("run-keep-working");
        check!(
            wait_until(Duration::from_secs(30), || locked() >= 12),
            "the run did not get going: {} locks",
            locked()
        );
        let killed = ctx.desktop.kill_app()?;
        check!(killed >= 1, "no app process was found to kill");
        let before = locked();
        check!(before < chosen, "the run finished before it was killed");

        sim.set_faults(tenant_sim::Faults::default());
        let notifications =
            crate::notifications::NotificationServer::start(&ctx.desktop.dbus_address).await?;
        // GTK acts on a window's close request only under a window manager.
        let _window_manager = ctx.desktop.start_window_manager()?;
        let name = "a_run_killed_midway_is_resumed_at_the_next_start_and_no_device_is_locked_twice";
        let driver = ctx.desktop.start_driver(&format!("{name}-2"))?;
        let again = crate::app::App::launch(ctx.desktop, &driver, name, &[]).await?;
        let resumed: Result<String, String> = async {
            again
                .wait_for_text("[data-stopped-run]", "the stopped run", |t| {
                    t.contains(&format!(
                        "Remote lock of {chosen} devices stopped before its end"
                    ))
                })
                .await?;
            again.screenshot("stopped-run").await?;
            again.click("[data-resume-run]").await?;
            let effect = again
                .wait_for_text("#many-effect", "what is left", |t| t.contains("left"))
                .await?;
            let left: usize = effect
                .split_whitespace()
                .next()
                .and_then(|n| n.parse().ok())
                .ok_or_else(|| format!("no count in {effect:?}"))?;
            if left > 10 {
                again
                    .type_into("#many-typed-count", &left.to_string())
                    .await?;
            }
            again.screenshot("resume").await?;
            // Slow again, so the window can be closed while the run goes on.
            sim.set_faults(tenant_sim::Faults {
                latency_ms: 400,
                ..Default::default()
            });
            again.click("#many-resume").await?;
            again
                .wait_for_text("#many-progress", "the resumed run under way", |t| {
                    t.contains("sent or settled")
                })
                .await?;
            // Closed: the run goes on in the tray and says when it ends.
            check!(
                close_the_main_window(ctx)?,
                "closing did not put the window away"
            );
            let finished = format!("Remote lock of {chosen} devices finished");
            check!(
                wait_until(Duration::from_secs(60), || notifications
                    .shown()
                    .iter()
                    .any(|n| n.summary == finished)),
                "no notification said the run finished: {:?}",
                notifications.shown()
            );
            again
                .wait_for_text("#many-progress", "the resumed run finished", |t| {
                    t.starts_with("Done:")
                })
                .await
        }
        .await;
        again.quit().await;
        let done = resumed?;
        for phone in &phones {
            let times = applied(&phone.id);
            check!(
                times <= 1,
                "{} was locked {times} times",
                phone.serial_number
            );
        }
        let total = locked();
        check!(
            done.contains(&format!("{total} sent")),
            "the run says {done:?}; the tenant locked {total} (before the kill: {before})"
        );
        Ok(())
    })
}

/// The review's count of devices to send ("Remote lock: 30 devices. The screen locks; …"), typed
/// to confirm.
async fn confirm_the_count(ctx: &Ctx<'_>) -> Result<usize, String> {
    let label = ctx
        .app
        .wait_for_text("#many-effect", "what will be sent", |t| {
            t.contains("devices")
        })
        .await?;
    let chosen: usize = label
        .split(": ")
        .nth(1)
        .and_then(|t| t.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| format!("no count in {label:?}"))?;
    ctx.app
        .type_into("#many-typed-count", &chosen.to_string())
        .await?;
    Ok(chosen)
}

/// Closes the main window as a person would: the close button, again if the first click went
/// nowhere (a window just brought forward may not be listening yet). Whether it went away.
fn close_the_main_window(ctx: &Ctx<'_>) -> Result<bool, String> {
    for _ in 0..5 {
        ctx.desktop.close_window("Intune Actions")?;
        if wait_until(Duration::from_secs(2), || {
            !ctx.desktop
                .shows_window_titled("Intune Actions")
                .unwrap_or(true)
        }) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Closing the main window hides it in the tray: the first time, a notification says where the
/// app went; never again (not even after a restart). The size the admin gave the window comes back
/// at the next start. Hidden a while, the main window is let go, and quick lock leaves their shared
/// web process (at once when hidden; when it is next hidden when it was on screen).
fn closing_keeps_the_app_in_the_tray_says_so_once_and_the_size_is_remembered<'a>(
    ctx: &'a Ctx<'a>,
) -> Outcome<'a> {
    Box::pin(async move {
        let notifications =
            crate::notifications::NotificationServer::start(&ctx.desktop.dbus_address).await?;
        let window_manager = ctx.desktop.start_window_manager()?;
        let hints = || {
            notifications
                .shown()
                .iter()
                .filter(|n| n.summary.contains("still running"))
                .count()
        };
        ctx.app
            .wait_for_text("#inventory-status", "the demo's devices", |t| {
                t.starts_with("500 devices")
            })
            .await?;
        ctx.desktop.resize_window("Intune Actions", 1000, 700)?;
        let close = || close_the_main_window(ctx);
        check!(close()?, "closing did not put the window away");
        check!(
            wait_until(Duration::from_secs(10), || hints() == 1),
            "no notification said the app is still running: {:?}",
            notifications.shown()
        );
        check!(
            ctx.desktop.has_window_titled("Intune Actions")?,
            "the window was destroyed, not hidden"
        );

        // Back from the tray, closed again: no second hint.
        ctx.desktop.open_tray_menu()?;
        ctx.desktop.choose_in_tray_menu(&["Up", "Up"])?;
        check!(
            wait_until(Duration::from_secs(10), || ctx
                .desktop
                .shows_window_titled("Intune Actions")
                .unwrap_or(false)),
            "Open Intune Actions did not bring the window back"
        );
        check!(close()?, "closing again did not put the window away");
        tokio::time::sleep(Duration::from_secs(2)).await;
        check!(
            hints() == 1,
            "the hint came again: {:?}",
            notifications.shown()
        );

        // Quit from the tray, start again: the window has the size it was given.
        drop(window_manager);
        ctx.desktop.open_tray_menu()?;
        ctx.desktop.choose_in_tray_menu(&["Up"])?;
        check!(
            wait_until(Duration::from_secs(15), || !ctx
                .desktop
                .has_window_titled("Intune Actions")
                .unwrap_or(true)),
            "Quit left the app running"
        );
        check!(
            wait_until(Duration::from_secs(15), || !ctx.desktop.app_running()),
            "Quit closed the window but the app's process goes on"
        );
        let name = "closing_keeps_the_app_in_the_tray_says_so_once_and_the_size_is_remembered";
        // WebDriver ends the app with its session; letting the hidden window go is tested on an
        // app started directly, below.
        let driver = ctx.desktop.start_driver(&format!("{name}-2"))?;
        let again = crate::app::App::launch(ctx.desktop, &driver, name, &[]).await?;
        again
            .wait_for_text("h1", "the main window", |t| t == "Intune Actions")
            .await?;
        let size = ctx.desktop.window_size("Intune Actions")?;
        check!(size == (1000, 700), "the window came back at {size:?}");
        let _window_manager = ctx.desktop.start_window_manager()?;
        check!(
            close()?,
            "closing after the restart did not put the window away"
        );
        tokio::time::sleep(Duration::from_secs(2)).await;
        check!(
            hints() == 1,
            "the hint came again after a restart: {:?}",
            notifications.shown()
        );
        again.quit().await;
        check!(
            wait_until(Duration::from_secs(15), || !ctx.desktop.app_running()),
            "the app did not end with its session"
        );

        // Hidden a while, the main window's web view is let go; the app stays in the tray and
        // builds the window again when asked. Letting go after 2 s instead of 5 minutes.
        let (mut direct, shared) = start_directly(ctx, "2").await?;
        let titled = |title: &str| {
            ctx.desktop
                .window_titles()
                .map(|titles| titles.iter().any(|t| t == title))
        };
        let app_pid = direct.id();
        let web = || crate::desktop::Desktop::web_processes(app_pid);
        check!(close()?, "closing did not put the window away");
        check!(
            wait_until(Duration::from_secs(20), || !titled("Intune Actions")
                .unwrap_or(true)),
            "the hidden main window was not let go: {:?}",
            ctx.desktop.window_titles()
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
        check!(
            direct.try_wait().ok().flatten().is_none(),
            "the app ended with its last window"
        );
        // The shared process, holding the main page, ends: quick lock has one of its own.
        check!(
            parted(app_pid, &shared),
            "the main page's web process outlived the main window: {shared:?} then {:?}",
            web()
        );
        ctx.desktop.open_tray_menu()?;
        ctx.desktop.choose_in_tray_menu(&["Down"])?;
        check!(
            quick_lock_shows(ctx),
            "quick lock, built again, did not open from the tray: {:?}",
            ctx.desktop.window_titles()
        );
        tokio::time::sleep(Duration::from_secs(2)).await;
        ctx.desktop.screenshot_screen("quick-lock-built-again");
        check!(
            hide_quick_lock_with_escape(ctx)?,
            "Escape did not hide the quick lock built again"
        );
        ctx.desktop.open_tray_menu()?;
        ctx.desktop.choose_in_tray_menu(&["Up", "Up"])?;
        check!(
            wait_until(Duration::from_secs(20), || ctx
                .desktop
                .shows_window_titled("Intune Actions")
                .unwrap_or(false)),
            "Open Intune Actions did not build the window again: {:?}",
            ctx.desktop.window_titles()
        );
        let size = ctx.desktop.window_size("Intune Actions")?;
        check!(size == (1000, 700), "the window came back at {size:?}");
        tokio::time::sleep(Duration::from_secs(2)).await;
        ctx.desktop.screenshot_screen("main-window-built-again");
        check!(
            quit_from_the_tray(ctx, &mut direct)?,
            "Quit did not end the app"
        );

        // Quick lock on screen when the main window is let go keeps their shared web process
        // while it is in use, and parts from it once hidden. The main window is closed first
        // (closing it with quick lock on show would close both: the title matches), quick lock
        // opened before the main window is let go, 6 s after.
        let (mut direct, shared) = start_directly(ctx, "6").await?;
        let app_pid = direct.id();
        let web = || crate::desktop::Desktop::web_processes(app_pid);
        check!(close()?, "closing did not put the window away");
        ctx.desktop.open_tray_menu()?;
        ctx.desktop.choose_in_tray_menu(&["Down"])?;
        check!(
            quick_lock_shows(ctx),
            "quick lock did not open from the tray: {:?}",
            ctx.desktop.window_titles()
        );
        check!(
            wait_until(Duration::from_secs(20), || !titled("Intune Actions")
                .unwrap_or(true)),
            "the hidden main window was not let go while quick lock was on screen: {:?}",
            ctx.desktop.window_titles()
        );
        tokio::time::sleep(Duration::from_secs(2)).await;
        check!(
            ctx.desktop.shows_window_titled("Quick lock")?,
            "quick lock went with the main window: {:?}",
            ctx.desktop.window_titles()
        );
        check!(
            web() == shared,
            "quick lock on screen lost its web process: {shared:?} then {:?}",
            web()
        );
        check!(
            hide_quick_lock_with_escape(ctx)?,
            "Escape did not hide quick lock"
        );
        check!(
            parted(app_pid, &shared),
            "hidden, quick lock kept the main page's web process: {shared:?} then {:?}",
            web()
        );
        ctx.desktop.open_tray_menu()?;
        ctx.desktop.choose_in_tray_menu(&["Down"])?;
        check!(
            quick_lock_shows(ctx),
            "quick lock, built again after it parted, did not open from the tray: {:?}",
            ctx.desktop.window_titles()
        );
        check!(
            hide_quick_lock_with_escape(ctx)?,
            "Escape did not hide the quick lock built again after it parted"
        );
        check!(
            quit_from_the_tray(ctx, &mut direct)?,
            "Quit did not end the app started again"
        );
        Ok(())
    })
}

/// Starts the app directly (WebDriver ends an app whose window goes), its hidden main window let
/// go after `release_after_secs`. Returns once the window shows, with the one web process that
/// the main window and quick lock, prepared hidden, share (Linux).
async fn start_directly(
    ctx: &Ctx<'_>,
    release_after_secs: &str,
) -> Result<(EndedOnDrop, Vec<i32>), String> {
    let direct = ctx
        .desktop
        .command(APP_BINARY)
        .env("INTUNE_ACTIONS_RELEASE_AFTER_SECS", release_after_secs)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(EndedOnDrop)
        .map_err(|e| format!("cannot start the app: {e}"))?;
    check!(
        wait_until(Duration::from_secs(30), || ctx
            .desktop
            .shows_window_titled("Intune Actions")
            .unwrap_or(false)),
        "the app started directly showed no window"
    );
    tokio::time::sleep(Duration::from_secs(3)).await;
    let shared = crate::desktop::Desktop::web_processes(direct.id());
    check!(
        shared.len() == 1,
        "the main window and quick lock do not share one web process: {shared:?}"
    );
    Ok((direct, shared))
}

/// Whether the app's web processes came down to one other than `shared`: quick lock's own.
fn parted(app_pid: u32, shared: &[i32]) -> bool {
    wait_until(Duration::from_secs(20), || {
        let now = crate::desktop::Desktop::web_processes(app_pid);
        now.len() == 1 && now != shared
    })
}

/// Quit from the tray menu; false (and the app killed) if it goes on.
fn quit_from_the_tray(ctx: &Ctx<'_>, direct: &mut EndedOnDrop) -> Result<bool, String> {
    ctx.desktop.open_tray_menu()?;
    ctx.desktop.choose_in_tray_menu(&["Up"])?;
    let ended = wait_until(Duration::from_secs(15), || {
        direct.try_wait().ok().flatten().is_some()
    });
    if !ended {
        let _ = direct.kill();
    }
    Ok(ended)
}

/// An app started directly, killed when the test ends however it ends: left running, it would
/// take over the next tests' starts (a second launch hands over to it).
struct EndedOnDrop(std::process::Child);

impl std::ops::Deref for EndedOnDrop {
    type Target = std::process::Child;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for EndedOnDrop {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl Drop for EndedOnDrop {
    fn drop(&mut self) {
        if self.0.try_wait().ok().flatten().is_none() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// Export as a person does it: the button, the Save dialog titled `dialog`, a file name typed over
/// the suggested one, Enter; the app then says where the file went (`said_in`). The file's text.
async fn export_through_the_save_dialog(
    ctx: &Ctx<'_>,
    button: &str,
    dialog: &str,
    file_name: &str,
    said_in: &str,
) -> Result<String, String> {
    ctx.app.click(button).await?;
    check!(
        wait_until(Duration::from_secs(15), || ctx
            .desktop
            .has_window_titled(dialog)
            .unwrap_or(false)),
        "no Save dialog opened; windows: {:?}",
        ctx.desktop.window_titles()
    );
    let target = ctx.desktop.home.path().join(file_name);
    ctx.desktop
        .save_in_file_dialog(dialog, &target.display().to_string())?;
    ctx.app
        .wait_for_text(said_in, "where the file went", |t| t.contains(file_name))
        .await?;
    std::fs::read_to_string(&target).map_err(|e| format!("no export: {e}"))
}

/// Whether quick lock comes on show within 10 s.
fn quick_lock_shows(ctx: &Ctx<'_>) -> bool {
    wait_until(Duration::from_secs(10), || {
        ctx.desktop
            .shows_window_titled("Quick lock")
            .unwrap_or(false)
    })
}

/// Presses Escape in quick lock until it is out of sight (a window shown for the first time is on
/// screen before its page has loaded, and a key pressed then goes nowhere). False if it stays.
fn hide_quick_lock_with_escape(ctx: &Ctx<'_>) -> Result<bool, String> {
    for _ in 0..10 {
        if !ctx.desktop.shows_window_titled("Quick lock")? {
            return Ok(true);
        }
        ctx.desktop.press_keys_in("Quick lock", "Escape")?;
        wait_until(Duration::from_secs(1), || {
            !ctx.desktop
                .shows_window_titled("Quick lock")
                .unwrap_or(true)
        });
    }
    Ok(!ctx.desktop.shows_window_titled("Quick lock")?)
}

/// The tray's real menu, right-clicked in a system tray on the display: Quick lock… opens quick
/// lock; a pinned device's Lock… opens it on that device; Switch profile moves the main window to
/// the other tenant; Quit ends the app.
fn the_tray_menu_opens_quick_lock_on_a_pinned_device_switches_profile_and_quits<'a>(
    ctx: &'a Ctx<'a>,
) -> Outcome<'a> {
    Box::pin(async move {
        let sim = tenant_sim::start(tenant_sim::SimConfig {
            devices: 25,
            ..tenant_sim::SimConfig::default()
        })
        .map_err(|e| format!("cannot start a simulated tenant: {e}"))?;
        // A second tenant beside the demo: the kiosk, signed in with its client secret.
        sign_out_and_fill_in_a_tenant(
            ctx,
            &sim,
            "Kiosk",
            &sim.tenant.app_client_id,
            "clientSecret",
        )
        .await?;
        ctx.app.click("#profile-add").await?;
        ctx.app
            .type_into("#app-secret-input", &sim.tenant.client_secret)
            .await?;
        ctx.app.click("#app-sign-in").await?;
        accept_session_only_and_see_devices(ctx, 25).await?;
        let device = sim
            .devices()
            .into_iter()
            .find(|d| !d.serial_number.is_empty())
            .ok_or("the tenant has no device with a serial number")?;
        open_by_serial_in(ctx, &device.serial_number, "25 devices").await?;
        ctx.app.click("#pin-to-tray").await?;
        ctx.app
            .wait_for_text("#pin-to-tray", "the pin", |t| t.contains("Unpin"))
            .await?;

        // Quick lock…, the first item that can be chosen.
        check!(
            !ctx.desktop.shows_window_titled("Quick lock")?,
            "quick lock was on show before the tray asked for it"
        );
        ctx.desktop.open_tray_menu()?;
        ctx.shot("tray-menu");
        ctx.desktop.choose_in_tray_menu(&["Down"])?;
        check!(
            quick_lock_shows(ctx),
            "Quick lock… did not open quick lock; windows: {:?}",
            ctx.desktop.window_titles()
        );
        // Escape puts it out of sight again.
        check!(
            hide_quick_lock_with_escape(ctx)?,
            "Escape did not hide quick lock"
        );

        // The pinned device's Lock…, after Quick lock… (the headings cannot be chosen).
        ctx.desktop.open_tray_menu()?;
        ctx.desktop.choose_in_tray_menu(&["Down", "Down"])?;
        check!(
            quick_lock_shows(ctx),
            "the pinned device's Lock… did not open quick lock"
        );
        let opened_on = |id: &str| {
            ctx.desktop.files_in_home("").iter().any(|(path, text)| {
                path.to_string_lossy().contains("intune-actions.")
                    && text
                        .lines()
                        .any(|l| l.contains("quick lock opened") && l.contains(id))
            })
        };
        check!(
            wait_until(Duration::from_secs(10), || opened_on(&device.id)),
            "quick lock did not open on the pinned device {}",
            device.id
        );
        ctx.shot("tray-quick-lock-on-pinned");
        // From the device back to the search, then out of sight.
        check!(
            hide_quick_lock_with_escape(ctx)?,
            "Escape did not hide quick lock"
        );

        // Switch profile ▸ Demo tenant (the current profile cannot be chosen), by the main window.
        ctx.desktop.open_tray_menu()?;
        ctx.desktop
            .choose_in_tray_menu(&["Down", "Down", "Down", "Right"])?;
        ctx.app
            .wait_for_text(
                "#tenant-notice",
                "the demo, switched to from the tray",
                |t| t.contains("Demo tenant"),
            )
            .await?;
        ctx.app
            .wait_for_text("#inventory-status", "the demo's devices", |t| {
                t.starts_with("500 devices")
            })
            .await?;

        // Quit, the last item.
        ctx.desktop.open_tray_menu()?;
        ctx.desktop.choose_in_tray_menu(&["Up"])?;
        check!(
            wait_until(Duration::from_secs(15), || !ctx
                .desktop
                .has_window_titled("Intune Actions")
                .unwrap_or(true)),
            "Quit left the app running; windows: {:?}",
            ctx.desktop.window_titles()
        );
        Ok(())
    })
}

/// A help-desk kiosk signs in as the app registration with its client secret: typed into a password
/// field, used for a first token before anything is kept (a wrong one is refused), and (no keychain
/// on the test desktop) kept for this session only. Afterwards neither the secret nor a token is in any file.
fn a_kiosk_signs_in_as_the_app_with_its_client_secret<'a>(ctx: &'a Ctx<'a>) -> Outcome<'a> {
    Box::pin(async move {
        let sim = tenant_sim::start(tenant_sim::SimConfig {
            devices: 25,
            ..tenant_sim::SimConfig::default()
        })
        .map_err(|e| format!("cannot start a simulated tenant: {e}"))?;
        sign_out_and_fill_in_a_tenant(
            ctx,
            &sim,
            "Kiosk",
            &sim.tenant.app_client_id,
            "clientSecret",
        )
        .await?;
        ctx.app.click("#profile-add").await?;
        ctx.app
            .type_into("#app-secret-input", "a-wrong-secret")
            .await?;
        ctx.app.click("#app-sign-in").await?;
        // Refused in Entra's words; the form stays, with what was typed.
        ctx.app
            .wait_for_text("#sign-in-error", "the refusal", |t| {
                t.contains("AADSTS7000215") && !t.contains("..")
            })
            .await?;
        ctx.app.clear("#app-secret-input").await?;
        ctx.app
            .type_into("#app-secret-input", &sim.tenant.client_secret)
            .await?;
        ctx.shot("app-secret");
        ctx.app.click("#app-sign-in").await?;
        accept_session_only_and_see_devices(ctx, 25).await?;
        ctx.app
            .wait_for_text("#account-menu", "the app as the account", |t| {
                t.contains("Intune Actions kiosk")
            })
            .await?;
        ctx.app.click("#account-menu").await?;
        ctx.app
            .wait_for_text("[role='menu']", "the app-only sign-in and its roles", |t| {
                t.contains("app-only") && t.contains("PrivilegedOperations.All")
            })
            .await?;
        ctx.shot("signed-in-as-app");
        ctx.app.click("#sign-out").await?;
        ctx.app
            .wait_for_text("#add-profile", "the first screen again", |t| {
                t.contains("Add a tenant")
            })
            .await?;
        let mut secrets = sim.issued_tokens();
        check!(!secrets.is_empty(), "the tenant issued no token");
        secrets.push(sim.tenant.client_secret.clone());
        no_secret_in_any_file(ctx, &secrets)
    })
}

/// The promise of the keychain: with a Secret Service running, a sign-in is kept there (no offer of
/// a session-only sign-in), the app quits and starts again signed in without asking, and after
/// signing out the next start asks again. No token is in any file of the test home, the keyring's
/// own (encrypted) file included.
fn signed_in_with_the_keychain_the_app_resumes_after_a_restart<'a>(
    ctx: &'a Ctx<'a>,
) -> Outcome<'a> {
    Box::pin(async move {
        let _keychain = ctx.desktop.start_keychain()?;
        let sim = tenant_sim::start(tenant_sim::SimConfig {
            devices: 18,
            device_code: tenant_sim::DeviceCodeConfig {
                interval_secs: 1,
                expires_in_secs: 120,
                auto_approve_after_polls: Some(1),
            },
            ..tenant_sim::SimConfig::default()
        })
        .map_err(|e| format!("cannot start a simulated tenant: {e}"))?;
        sign_out_and_fill_in_a_tenant(ctx, &sim, "Contoso", &sim.tenant.client_id, "deviceCode")
            .await?;
        ctx.app.click("#profile-add").await?;
        ctx.app
            .wait_for_text("#inventory-status", "the tenant's devices", |t| {
                t.starts_with("18 devices")
            })
            .await?;
        ctx.app.quit().await;

        let name = "signed_in_with_the_keychain_the_app_resumes_after_a_restart";
        let driver = ctx.desktop.start_driver(&format!("{name}-2"))?;
        let again = crate::app::App::launch(ctx.desktop, &driver, name, &[]).await?;
        again
            .wait_for_text(
                "#inventory-status",
                "the devices, without signing in",
                |t| t.starts_with("18 devices"),
            )
            .await?;
        again
            .wait_for_text("#account-menu", "the signed-in admin", |t| {
                t.contains(&sim.tenant.admin_name)
            })
            .await?;
        again.click("#account-menu").await?;
        again.click("#sign-out").await?;
        again
            .wait_for_text("#saved-profiles", "the saved tenant", |t| {
                t.contains("Contoso")
            })
            .await?;
        again.quit().await;

        let third = crate::app::App::launch(ctx.desktop, &driver, name, &[]).await?;
        let shown = third
            .wait_for_text("#saved-profiles", "the tenant to sign in to again", |t| {
                t.contains("Contoso")
            })
            .await;
        third.quit().await;
        shown?;
        no_secret_in_any_file(ctx, &sim.issued_tokens())
    })
}

/// A certificate profile: Browse… opens the system's file dialog (GTK here), the admin types the
/// file's location (Ctrl+L, path, Enter), the path lands in the form, and the certificate (with its password)
/// signs in for this session.
fn a_certificate_chosen_in_the_file_dialog_signs_in<'a>(ctx: &'a Ctx<'a>) -> Outcome<'a> {
    Box::pin(async move {
        let issued = tenant_sim::certificate::issue("Kiosk", "pfx-pass")?;
        let sim = tenant_sim::start(tenant_sim::SimConfig {
            devices: 12,
            app_certificates: vec![issued.certificate_der.clone()],
            ..tenant_sim::SimConfig::default()
        })
        .map_err(|e| format!("cannot start a simulated tenant: {e}"))?;
        let folder = tempfile::tempdir().map_err(|e| e.to_string())?;
        let pfx = folder.path().join("kiosk.pfx");
        std::fs::write(&pfx, &issued.pkcs12).map_err(|e| e.to_string())?;
        let pfx = pfx.display().to_string();

        sign_out_and_fill_in_a_tenant(ctx, &sim, "Kiosk", &sim.tenant.app_client_id, "certificate")
            .await?;
        ctx.shot("certificate-form");
        ctx.app.click("#certificate-browse").await?;
        const DIALOG: &str = "Choose the app's certificate";
        check!(
            wait_until(Duration::from_secs(15), || ctx
                .desktop
                .has_window_titled(DIALOG)
                .unwrap_or(false)),
            "no file dialog opened; windows: {:?}",
            ctx.desktop.window_titles()
        );
        ctx.shot("file-dialog");
        ctx.desktop.choose_in_file_dialog(DIALOG, &pfx)?;
        let chosen = ctx
            .app
            .wait_for_value("#profile-certificate", "the chosen file", |v| v == pfx)
            .await?;
        check!(chosen == pfx, "the form holds {chosen:?}");
        ctx.app.click("#profile-add").await?;
        ctx.app.type_into("#app-secret-input", "pfx-pass").await?;
        ctx.app.click("#app-sign-in").await?;
        accept_session_only_and_see_devices(ctx, 12).await?;
        Ok(())
    })
}

/// An admin's own tenant (here a simulated one on this machine): sign out of the demo, add the
/// tenant on the first screen, sign in with a device code. The test desktop has no keychain, so
/// the app says so and offers a session-only sign-in, which works and stores nothing.
fn add_a_tenant_and_sign_in_with_a_code_for_this_session_only<'a>(ctx: &'a Ctx<'a>) -> Outcome<'a> {
    Box::pin(async move {
        let sim = tenant_sim::start(tenant_sim::SimConfig {
            devices: 40,
            device_code: tenant_sim::DeviceCodeConfig {
                interval_secs: 1,
                expires_in_secs: 120,
                // Approved below, once the waiting screen has been checked.
                auto_approve_after_polls: None,
            },
            ..tenant_sim::SimConfig::default()
        })
        .map_err(|e| format!("cannot start a simulated tenant: {e}"))?;
        sign_out_and_fill_in_a_tenant(
            ctx,
            &sim,
            "Contoso lab",
            &sim.tenant.client_id,
            "deviceCode",
        )
        .await?;
        ctx.shot("add-profile");
        ctx.app.click("#profile-add").await?;
        // Signing in's own screens pass the accessibility check too, in every theme.
        let mut problems = Vec::new();
        let code = ctx
            .app
            .wait_for_text("#device-code", "a device code", |t| !t.is_empty())
            .await?;
        ctx.shot("device-code");
        check!(code.len() >= 6, "the device code reads {code:?}");
        audit_in_every_theme(ctx, "sign-in-device-code", &mut problems).await?;
        check!(
            sim.approve_device_code(&code),
            "the tenant has no pending sign-in with the code {code:?}"
        );
        // The tokens cannot be kept: the app says so and offers this session only, which signs
        // in again.
        ctx.app
            .wait_for_text("#sign-in-error", "the keychain offer", |t| {
                t.contains("keychain")
            })
            .await?;
        // As on the welcome: axe counts a label scrolled out of view as missing, so the form
        // the offer belongs to is brought into view (the offer stays in view below it).
        ctx.app.scroll_into_view("#profile-tenant").await?;
        audit_in_every_theme(ctx, "sign-in-keychain-offer", &mut problems).await?;
        check!(
            problems.is_empty(),
            "axe found {} serious or critical problems while signing in:\n  {}",
            problems.len(),
            problems.join("\n  ")
        );
        ctx.app.click("#session-only").await?;
        let again = ctx
            .app
            .wait_for_text("#device-code", "a second device code", |t| {
                !t.is_empty() && t != code
            })
            .await?;
        check!(
            sim.approve_device_code(&again),
            "the tenant has no pending sign-in with the code {again:?}"
        );
        ctx.app
            .wait_for_text("#inventory-status", "the tenant's devices", |t| {
                t.starts_with("40 devices")
            })
            .await?;
        // Use the tenant (search, open a device), check who is signed in where, sign out.
        let device = sim
            .devices()
            .into_iter()
            .next()
            .ok_or("the simulated tenant has no device")?;
        open_by_serial_in(ctx, &device.serial_number, "40 devices").await?;
        ctx.app
            .wait_for_text("#device-title", "the device", |t| t == device.device_name)
            .await?;
        ctx.app.click("#account-menu").await?;
        ctx.app
            .wait_for_text("[role='menu']", "the profile in use", |t| {
                t.contains("Profile: Contoso lab")
            })
            .await?;
        ctx.shot("signed-in");
        ctx.app.click("#sign-out").await?;
        ctx.app
            .wait_for_text("#add-profile", "the first screen again", |t| {
                t.contains("Add a tenant")
            })
            .await?;
        // No token the tenant issued may be left in any file the app wrote (profiles, settings,
        // caches, audit, logs).
        let tokens = sim.issued_tokens();
        check!(!tokens.is_empty(), "the tenant issued no token");
        check!(
            ctx.desktop
                .files_in_home("")
                .iter()
                .any(|(path, _)| path.display().to_string().contains("logs")),
            "the app wrote no log to check"
        );
        no_secret_in_any_file(ctx, &tokens)
    })
}

/// The settings do what they say: turning on the start at login writes the desktop's autostart
/// entry (starting in the tray), and a quick lock shortcut recorded from the keys pressed, pressed
/// again on the display's keyboard, opens quick lock.
fn settings_start_in_the_tray_at_login_and_the_shortcut_opens_quick_lock<'a>(
    ctx: &'a Ctx<'a>,
) -> Outcome<'a> {
    Box::pin(async move {
        ctx.app
            .wait_for_text("h1", "the main window", |t| t == "Intune Actions")
            .await?;
        ctx.app.click("#settings-open").await?;
        ctx.app
            .wait_for_text("[role='dialog']", "the settings", |t| {
                t.contains("Quick lock shortcut")
            })
            .await?;
        check!(
            ctx.desktop.files_in_home("autostart").is_empty(),
            "an autostart entry existed before it was asked for"
        );
        ctx.app.click("#start-in-tray").await?;
        let mut entries = Vec::new();
        for _ in 0..50 {
            entries = ctx.desktop.files_in_home("autostart");
            if !entries.is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        check!(
            entries.iter().any(|(_, text)| text.contains("--minimised")),
            "no autostart entry starting in the tray: {entries:?}"
        );
        // The shortcut is recorded from the keys pressed on the display's keyboard.
        ctx.app.click("#quick-lock-shortcut").await?;
        ctx.desktop.press_keys("alt+shift+k")?;
        ctx.app
            .wait_for_value("#quick-lock-shortcut", "the recorded shortcut", |v| {
                v == "Alt+Shift+K"
            })
            .await?;
        ctx.shot("settings");

        check!(
            !ctx.desktop.has_window_titled("Quick lock")?,
            "quick lock was up before the shortcut"
        );
        ctx.desktop.press_keys("alt+shift+k")?;
        let mut opened = false;
        for _ in 0..50 {
            if ctx.desktop.has_window_titled("Quick lock")? {
                opened = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        check!(
            opened,
            "the shortcut did not open quick lock; windows: {:?}",
            ctx.desktop.window_titles()
        );
        Ok(())
    })
}

/// Tests of the app started with arguments: WebKit's WebDriver drives only the app's first
/// window, so a window under test must be the first one.
/// Each with what the test desktop holds before the app starts.
pub const STARTED_WITH: &[(&str, &[&str], Prepare, Scenario)] = &[
    (
        "quick_lock_passes_an_accessibility_check_in_light_dark_and_high_contrast",
        &["--quick-lock"],
        crate::accessibility::quick_lock_starts_light,
        crate::accessibility::quick_lock_passes_an_accessibility_check_in_light_dark_and_high_contrast,
    ),
    (
        "quick_lock_finds_a_phone_locks_it_and_notifies",
        &["--quick-lock"],
        nothing_saved,
        quick_lock_finds_a_phone_locks_it_and_notifies,
    ),
    (
        "quick_lock_opened_before_a_sign_in_follows_the_session",
        &["--quick-lock"],
        a_tenant_saved_but_not_signed_in,
        quick_lock_opened_before_a_sign_in_follows_the_session,
    ),
];

pub type Prepare = fn(&Desktop) -> Result<(), String>;

fn nothing_saved(_: &Desktop) -> Result<(), String> {
    Ok(())
}

/// A tenant the admin added but never signed in to: the app starts with nobody signed in.
fn a_tenant_saved_but_not_signed_in(desktop: &Desktop) -> Result<(), String> {
    use intune_core::profile::{Cloud, Profile, ProfileFile, ProfileSet, SignInMethod};
    let set = ProfileSet {
        active: Some("Contoso".into()),
        profiles: vec![Profile {
            name: "Contoso".into(),
            cloud: Cloud::Global,
            tenant: "contoso.onmicrosoft.com".into(),
            client_id: intune_core::profile::GRAPH_CLI_CLIENT_ID.into(),
            method: SignInMethod::Browser,
        }],
    };
    ProfileFile::in_dir(&desktop.app_config_dir())
        .save(&set)
        .map_err(|e| format!("cannot save the profile: {e}"))
}

/// Quick lock opened before anyone signed in says so; once the session changes elsewhere (the
/// tray's Switch profile ▸ Demo tenant), it finds devices without a restart; signed out in the
/// main window (from the keyboard), it says so again.
fn quick_lock_opened_before_a_sign_in_follows_the_session<'a>(ctx: &'a Ctx<'a>) -> Outcome<'a> {
    Box::pin(async move {
        let phone = demo_device("an iPhone", |d| {
            d.platform == tenant_sim::fleet::Platform::Ios
        })?;
        ctx.app
            .wait_for_text("body", "quick lock with nobody signed in", |t| {
                t.contains("Nobody is signed in")
            })
            .await?;
        // Not signed in: Quick lock… cannot be chosen; Switch profile is the first item that can.
        ctx.desktop.open_tray_menu()?;
        ctx.shot("tray-signed-out");
        ctx.desktop
            .choose_in_tray_menu(&["Down", "Right", "Down"])?;
        ctx.app
            .wait_for_text("#quick-lock", "quick lock on the demo tenant", |t| {
                t.contains("Demo tenant")
            })
            .await?;
        ctx.app
            .type_into("#quick-search", &phone.serial_number)
            .await?;
        ctx.app
            .wait_for_text("#quick-results", "the phone found", |t| {
                t.contains(&phone.device_name)
            })
            .await?;
        ctx.shot("found-after-the-switch");

        // Signed out in the main window, from the keyboard: Ctrl+F to the search, Shift+Tab to
        // the account menu, Enter, End (Sign out), Enter. Quick lock says nobody is signed in.
        ctx.desktop.open_tray_menu()?;
        ctx.desktop.choose_in_tray_menu(&["Up", "Up"])?;
        check!(
            wait_until(Duration::from_secs(10), || ctx
                .desktop
                .shows_window_titled("Intune Actions")
                .unwrap_or(false)),
            "Open Intune Actions did not show the main window"
        );
        for keys in ["ctrl+f", "shift+Tab", "Return", "End", "Return"] {
            // A moment between keys, as a person leaves: the menu opens before End lands in it.
            tokio::time::sleep(Duration::from_millis(400)).await;
            ctx.desktop.press_keys_in("Intune Actions", keys)?;
        }
        ctx.app
            .wait_for_text("body", "quick lock after the sign-out", |t| {
                t.contains("Nobody is signed in")
            })
            .await?;
        ctx.shot("signed-out-in-the-main-window");
        Ok(())
    })
}

/// The hand-over: with the app running, a second launch with `--quick-lock` (a desktop shortcut)
/// exits at once and the running app opens quick lock through the tray's own path.
fn a_second_launch_with_quick_lock_opens_it_in_the_running_app<'a>(
    ctx: &'a Ctx<'a>,
) -> Outcome<'a> {
    Box::pin(async move {
        ctx.app
            .wait_for_text("h1", "the main window", |t| t == "Intune Actions")
            .await?;
        // Quick lock is built hidden after the first paint, and its page loads while hidden, so
        // its first opening does not wait for the page (a hidden page gets no animation frames).
        let ready = wait_until(Duration::from_secs(30), || {
            ctx.desktop.app_log().contains("quick lock ready")
        });
        check!(ready, "quick lock's hidden page never said it was ready");
        check!(
            !ctx.desktop.shows_window_titled("Quick lock")?,
            "quick lock was up before it was asked for"
        );
        let mut second = ctx
            .desktop
            .command(APP_BINARY)
            .arg("--quick-lock")
            .spawn()
            .map_err(|e| format!("cannot start a second copy: {e}"))?;
        let handed_over = wait_until(Duration::from_secs(30), || {
            matches!(second.try_wait(), Ok(Some(_)))
        });
        if !handed_over {
            let _ = second.kill();
            return Err("the second copy did not hand over to the first".into());
        }
        let shown = wait_until(Duration::from_secs(15), || {
            ctx.desktop.has_window_titled("Quick lock").unwrap_or(false)
        });
        check!(
            shown,
            "no quick lock window appeared on the display: {:?}",
            ctx.desktop.window_titles()
        );
        ctx.shot("quick-lock-opened");
        Ok(())
    })
}

/// "My phone was stolen" with the main window closed: quick lock (opened through the function the
/// tray's menu item calls) finds the phone by serial, locks it after the confirmation, and the
/// completion arrives as a real desktop notification.
fn quick_lock_finds_a_phone_locks_it_and_notifies<'a>(ctx: &'a Ctx<'a>) -> Outcome<'a> {
    Box::pin(async move {
        let notifications =
            crate::notifications::NotificationServer::start(&ctx.desktop.dbus_address).await?;
        let phone = demo_device("an iPhone that checks in", |d| {
            d.platform == tenant_sim::fleet::Platform::Ios
                && d.hidden.check_in == tenant_sim::fleet::CheckIn::Prompt
        })?;
        ctx.app
            .wait_for_text("#quick-lock h1", "quick lock", |t| t == "Quick lock")
            .await?;
        // Started for quick lock, the main window waits in the tray.
        let titles = ctx.desktop.window_titles()?;
        check!(
            titles.iter().any(|t| t.starts_with("Quick lock")),
            "no quick lock window among {titles:?}"
        );
        ctx.app
            .type_into("#quick-search", &phone.serial_number)
            .await?;
        ctx.app
            .wait_for_text("#quick-results", "the phone", |t| {
                t.contains(&phone.device_name)
            })
            .await?;
        ctx.app.type_into("#quick-search", "\u{E007}").await?;
        ctx.app
            .wait_for_text(
                "[data-action='remoteLock'] [data-readiness]",
                "lock ready",
                |t| t.starts_with("Ready"),
            )
            .await?;
        ctx.shot("quick-lock");
        ctx.app.click("[data-send='remoteLock']").await?;
        ctx.app.click("#confirm-send").await?;
        ctx.app
            .wait_for_text("#quick-progress", "the lock completing", |t| t == "Locked.")
            .await?;
        ctx.shot("quick-locked");
        let title = format!("Remote lock done: {}", phone.device_name);
        // Polled without blocking: the stand-in server runs on this same runtime.
        let mut notified = false;
        for _ in 0..75 {
            if notifications.shown().iter().any(|n| n.summary == title) {
                notified = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        check!(
            notified,
            "no notification {title:?}; the server saw {:?}",
            notifications.shown()
        );
        Ok(())
    })
}

/// The heart of the product, in the real window: find a corporate Mac, lock it with a reason,
/// watch the (simulated) Mac check in and lock, reveal the unlock PIN, and find both in the audit.
fn lock_a_mac_watch_it_complete_reveal_the_pin_and_find_the_audit_entry<'a>(
    ctx: &'a Ctx<'a>,
) -> Outcome<'a> {
    Box::pin(async move {
        let mac = demo_device("a corporate Mac that checks in", |d| {
            d.platform == tenant_sim::fleet::Platform::MacOs
                && d.owner_type == "company"
                && d.is_encrypted
                && d.hidden.check_in == tenant_sim::fleet::CheckIn::Prompt
        })?;
        open_by_serial(ctx, &mac.serial_number).await?;
        ctx.app
            .wait_for_text(
                "[data-action='remoteLock'] [data-readiness]",
                "lock ready",
                |t| t == "Ready",
            )
            .await?;
        ctx.shot("verdicts");
        ctx.app.click("[data-send='remoteLock']").await?;
        let effect = ctx
            .app
            .wait_for_text("#confirm-effect", "the effect on the user", |t| {
                t.contains("six-digit PIN")
            })
            .await?;
        check!(effect.contains("PIN screen"), "the effect reads {effect:?}");
        ctx.app
            .type_into("#confirm-justification", "INC-4242 laptop stolen")
            .await?;
        ctx.shot("confirm");
        ctx.app.click("#confirm-send").await?;
        ctx.app
            .wait_for_text("#send-outcome", "Intune accepting it", |t| {
                t.contains("Intune accepted it")
            })
            .await?;
        // The demo's Macs check in five seconds after an action is queued.
        ctx.app
            .wait_for_text("#action-progress", "the lock completing", |t| {
                t.starts_with("Locked.")
            })
            .await?;
        ctx.shot("locked");

        ctx.app.click("[data-reveal='unlockPin']").await?;
        ctx.app
            .type_into("#reveal-justification", "INC-4242 user verified by phone")
            .await?;
        ctx.app.click("#reveal-confirm").await?;
        let pin = ctx
            .app
            .wait_for_text("#revealed-value", "a six-digit PIN", |t| {
                t.len() == 6 && t.chars().all(|c| c.is_ascii_digit())
            })
            .await?;
        check!(pin.len() == 6, "the PIN is {pin:?}");
        // The demo keeps its PINs in memory, and the dialog says so (not "your keychain").
        ctx.app
            .wait_for_text("[role='dialog']", "where the PIN was kept", |t| {
                t.contains("From this demo session's memory")
            })
            .await?;
        ctx.shot("pin");
        // Copy goes through Rust to the system clipboard (cleared after 30 s: unit-tested).
        ctx.app.click("#revealed-copy").await?;
        ctx.app
            .wait_for_text("#revealed-copy", "the copy confirmed", |t| {
                t.starts_with("Copied")
            })
            .await?;
        let clipboard = ctx.desktop.clipboard_text()?;
        check!(
            clipboard == pin,
            "the clipboard holds {clipboard:?}, not the PIN"
        );
        // The PIN hides itself after 30 seconds; the test does not wait for that (unit-tested).

        ctx.app.click("#reveal-close").await?;
        ctx.app.wait_until_gone("[role='dialog']").await?;
        ctx.app.click("#tab-audit").await?;
        let audit = ctx
            .app
            .wait_for_text("#audit-entries", "the reveal and the lock", |t| {
                t.contains("Revealed · Unlock PIN") && t.contains("Sent · Remote lock")
            })
            .await?;
        check!(
            audit.contains("INC-4242 user verified by phone") && audit.contains(&mac.device_name),
            "the audit shows {audit:?}"
        );
        check!(!audit.contains(&pin), "the PIN reached the audit view");
        ctx.app.click("#audit-verify").await?;
        ctx.app
            .wait_for_text("#audit-verification", "an intact chain", |t| {
                t.starts_with("Intact:")
            })
            .await?;
        ctx.shot("audit");
        let csv = export_through_the_save_dialog(
            ctx,
            "#audit-export",
            "Export the audit",
            "audit-export.csv",
            "#audit-exported",
        )
        .await?;
        check!(
            csv.contains("INC-4242 user verified by phone") && !csv.contains(&pin),
            "the export holds {csv:?}"
        );
        Ok(())
    })
}

/// The lookup a person does on the phone with a user: start the app (which opens the demo when no
/// profile exists), type a serial, press Enter,
/// and read the device's details, live from the (simulated) Graph; "Why?" on a verdict shows its
/// sources.
fn demo_search_by_serial_shows_the_device<'a>(ctx: &'a Ctx<'a>) -> Outcome<'a> {
    Box::pin(async move {
        let mac = demo_device("a Mac", |d| {
            d.platform == tenant_sim::fleet::Platform::MacOs
        })?;
        // No profile is configured in the test's home, so the app opens the demo by itself.
        ctx.app
            .wait_for_text("#tenant-notice", "the demo notice", |t| {
                t.contains("no real device is affected")
            })
            .await?;
        open_by_serial(ctx, &mac.serial_number).await?;
        let title = ctx
            .app
            .wait_for_text("#device-title", "the device's name", |t| {
                t == mac.device_name
            })
            .await?;
        check!(title == mac.device_name, "details show {title:?}");
        let serial = ctx
            .app
            .wait_for_text("[data-field='Serial number']", "the serial", |t| {
                t == mac.serial_number
            })
            .await?;
        check!(serial == mac.serial_number, "serial shows {serial:?}");
        ctx.app
            .wait_for_text("#device-details", "the action results heading", |t| {
                t.contains("Actions on this device")
            })
            .await?;
        // Every verdict says where it comes from: "Why?" on the Mac PIN note shows its sources.
        let reason = "[data-action='remoteLock'] li[data-rule='lock-mac-pin']";
        ctx.app
            .wait_for_text(reason, "the Mac PIN note", |t| t.contains("takes no PIN"))
            .await?;
        ctx.app.click(&format!("{reason} button[data-why]")).await?;
        let sources = ctx
            .app
            .wait_for_text(&format!("{reason} [data-sources]"), "its sources", |t| {
                t.contains("Device action: remote lock")
            })
            .await?;
        check!(
            sources.contains("Microsoft") && sources.contains("remoteLock action"),
            "the sources read {sources:?}"
        );
        ctx.shot("device-details");

        // At the smallest size the window allows, the same screens hold: nothing overlaps or
        // scrolls sideways (read in the screenshots), and the device stays found.
        ctx.desktop.resize_window("Intune Actions", 760, 520)?;
        ctx.app
            .wait_for_text("#device-title", "the device at the minimum size", |t| {
                t == mac.device_name
            })
            .await?;
        // The list drops columns once it has measured itself: a frame or two after the resize.
        tokio::time::sleep(Duration::from_millis(500)).await;
        ctx.shot("minimum-size-device");
        ctx.app.click(&format!("{reason} button[data-why]")).await?;
        ctx.app.click("[data-send='remoteLock']").await?;
        ctx.app
            .wait_for_text("[role='alertdialog']", "the confirmation", |t| {
                t.contains(&mac.device_name)
            })
            .await?;
        ctx.shot("minimum-size-confirm");
        // Escape (WebDriver's key) in the reason field closes the dialog and only it.
        ctx.app
            .type_into("#confirm-justification", "\u{E00C}")
            .await?;
        ctx.app.wait_until_gone("[role='alertdialog']").await?;
        ctx.app.click("#tab-audit").await?;
        ctx.app
            .wait_for_text("#audit", "the audit", |_| true)
            .await?;
        ctx.shot("minimum-size-audit");
        ctx.app.click("#settings-open").await?;
        ctx.app
            .wait_for_text("[role='dialog']", "the settings", |t| {
                t.contains("Quick lock shortcut")
            })
            .await?;
        tokio::time::sleep(Duration::from_millis(500)).await;
        ctx.shot("minimum-size-settings");
        Ok(())
    })
}

/// The demo fleet is the same in every run: a device the test needs, picked from it here.
pub(crate) fn demo_device(
    what: &str,
    wanted: impl Fn(&tenant_sim::Device) -> bool,
) -> Result<tenant_sim::Device, String> {
    let demo = intune_demo::Demo::start(intune_demo::DEMO_DEVICES).map_err(|e| e.to_string())?;
    demo.sim()
        .devices()
        .into_iter()
        .find(|d| wanted(d))
        .ok_or_else(|| format!("the demo fleet has no {what}"))
}

/// Waits for the demo's device list, types the serial, and opens the one match with Enter.
/// From the demo, as an admin does: sign out, then fill in the first screen's "Add a tenant" form
/// for a simulated tenant (its own hosts) with the given client and sign-in method.
async fn sign_out_and_fill_in_a_tenant(
    ctx: &Ctx<'_>,
    sim: &tenant_sim::SimHandle,
    name: &str,
    client_id: &str,
    method: &str,
) -> Result<(), String> {
    ctx.app
        .wait_for_text("#tenant-notice", "the demo", |t| t.contains("Demo tenant"))
        .await?;
    ctx.app.click("#account-menu").await?;
    ctx.app.click("#sign-out").await?;
    ctx.app.type_into("#profile-name", name).await?;
    ctx.app
        .type_into("#profile-tenant", &sim.tenant.tenant_id)
        .await?;
    ctx.app.type_into("#profile-client-id", client_id).await?;
    ctx.app.click("#profile-cloud").await?;
    ctx.app.click_role_text("option", "Other hosts").await?;
    ctx.app
        .type_into("#profile-login-url", &sim.base_url)
        .await?;
    ctx.app
        .type_into("#profile-graph-url", &sim.base_url)
        .await?;
    ctx.app.click(&format!("#method-{method}")).await
}

/// The test desktop's keychain is unusable: the app says so, the admin takes the session-only
/// sign-in, and the tenant's `count` devices arrive.
async fn accept_session_only_and_see_devices(ctx: &Ctx<'_>, count: usize) -> Result<(), String> {
    ctx.app
        .wait_for_text("#sign-in-error", "the keychain offer", |t| {
            t.contains("keychain")
        })
        .await?;
    ctx.app.click("#session-only").await?;
    let expected = format!("{count} devices");
    ctx.app
        .wait_for_text("#inventory-status", "the tenant's devices", |t| {
            t.starts_with(&expected)
        })
        .await?;
    Ok(())
}

/// None of `secrets` (tokens, a client secret) is in plain text in any file under the test home:
/// the app's profiles, settings, caches, audit and logs, and the keyring's own file.
fn no_secret_in_any_file(ctx: &Ctx<'_>, secrets: &[String]) -> Result<(), String> {
    check!(!secrets.is_empty(), "nothing to look for");
    for (path, text) in &ctx.desktop.files_in_home("") {
        check!(
            !secrets.iter().any(|t| text.contains(t.as_str())),
            "a token or secret is in plain text in {}",
            path.display()
        );
    }
    Ok(())
}

pub(crate) async fn open_by_serial(ctx: &Ctx<'_>, serial: &str) -> Result<(), String> {
    open_by_serial_in(ctx, serial, "500 devices").await
}

/// The same, in a tenant whose device list reads `count` once fetched.
async fn open_by_serial_in(ctx: &Ctx<'_>, serial: &str, count: &str) -> Result<(), String> {
    ctx.app
        .wait_for_text("#inventory-status", "the fetched device list", |t| {
            t.starts_with(count)
        })
        .await?;
    ctx.app.type_into("#device-search", serial).await?;
    ctx.app
        .wait_for_text("#result-count", "exactly one match", |t| t == "1 device")
        .await?;
    ctx.app.type_into("#device-search", "\u{E007}").await
}

fn main_window_names_the_product<'a>(ctx: &'a Ctx<'a>) -> Outcome<'a> {
    Box::pin(async move {
        let heading = ctx
            .app
            .wait_for_text("h1", "the product name", |t| t == "Intune Actions")
            .await?;
        check!(heading == "Intune Actions", "heading is {heading:?}");
        let title = ctx.app.title().await?;
        check!(title == "Intune Actions", "window title is {title:?}");
        // The page runs without JavaScriptCore's JIT (BENCHMARKS.md: less memory, no compiler
        // threads at the start): the option reaches the web process the window's page runs in.
        let web_processes = ctx.desktop.app_web_process_environments();
        check!(
            !web_processes.is_empty(),
            "no web process of the app was found"
        );
        for environment in &web_processes {
            check!(
                environment.iter().any(|pair| pair == "JSC_useJIT=0"),
                "a web process runs with the JIT on"
            );
        }
        Ok(())
    })
}

/// The round trip: a click in the web view runs the Rust `about` command, and its answer (which
/// only Rust can know: the version it was built as, the per-instance log folder) shows up.
fn about_details_come_from_rust<'a>(ctx: &'a Ctx<'a>) -> Outcome<'a> {
    Box::pin(async move {
        ctx.app.click("#about-open").await?;
        ctx.app.click("#about-load").await?;
        let expected_version = format!("{} (debug)", env!("CARGO_PKG_VERSION"));
        ctx.app
            .wait_for_text("#about-version", &expected_version, |t| {
                t == expected_version
            })
            .await?;
        let log_dir = ctx
            .app
            .wait_for_text("#about-log-dir", "the instance's log folder", |t| {
                t.contains(&ctx.desktop.instance)
            })
            .await?;
        let home = ctx.desktop.home.path().display().to_string();
        check!(
            log_dir.starts_with(&home),
            "log folder {log_dir} is outside the test home {home}"
        );
        let logged = wait_until(Duration::from_secs(10), || log_mentions_start(&log_dir));
        check!(logged, "no log file in {log_dir} says the app started");
        Ok(())
    })
}

/// Single instance: a second launch with the same identifier gives way to the running app and
/// exits, and the running app carries on.
fn second_launch_hands_over_to_the_first<'a>(ctx: &'a Ctx<'a>) -> Outcome<'a> {
    Box::pin(async move {
        ctx.app
            .wait_for_text("h1", "the first window", |t| t == "Intune Actions")
            .await?;
        let mut second = ctx
            .desktop
            .command(APP_BINARY)
            .spawn()
            .map_err(|e| format!("cannot start a second copy: {e}"))?;
        let exited = wait_until(Duration::from_secs(30), || {
            matches!(second.try_wait(), Ok(Some(_)))
        });
        if !exited {
            let _ = second.kill();
            let _ = second.wait();
            return Err("the second copy kept running instead of handing over".into());
        }
        let status = second.wait().map_err(|e| e.to_string())?;
        check!(status.success(), "the second copy exited with {status}");
        ctx.app.click("#about-open").await?;
        ctx.app.click("#about-load").await?;
        ctx.app
            .wait_for_text("#about-version", "the first copy still answering", |t| {
                t.starts_with(env!("CARGO_PKG_VERSION"))
            })
            .await?;
        Ok(())
    })
}

fn log_mentions_start(dir: &str) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().any(|entry| {
        std::fs::read_to_string(entry.path())
            .is_ok_and(|text| text.contains("Intune Actions started"))
    })
}

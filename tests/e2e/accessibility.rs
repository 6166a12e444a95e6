//! axe-core on every screen of the main window, in light, dark and high contrast: nothing serious
//! or critical. With `E2E_SCREENSHOTS=1` each screen is also saved in each theme, to look at.

use crate::app::App;
use crate::scenarios::{demo_device, open_by_serial};
use crate::{Ctx, Outcome, check};

const ESCAPE: &str = "\u{E00C}";
pub const THEMES: [&str; 3] = ["light", "dark", "highContrast"];

/// Checks the screen as it is and keeps what axe found, named by theme and screen.
pub async fn audit(
    ctx: &Ctx<'_>,
    app: &App,
    theme: &str,
    screen: &str,
    problems: &mut Vec<String>,
) -> Result<(), String> {
    // axe waits until nothing animates: the screenshot after it shows a dialog fully in.
    for problem in app.accessibility_problems().await? {
        problems.push(format!("{theme} · {screen}: {problem}"));
    }
    ctx.shot(&format!("{theme}-{screen}"));
    Ok(())
}

/// Checks the screen as it is in each theme, switching through the app's appearance setting
/// (for screens that cover the settings, like a sign-in in progress), then back to the system's.
pub async fn audit_in_every_theme(
    ctx: &Ctx<'_>,
    screen: &str,
    problems: &mut Vec<String>,
) -> Result<(), String> {
    for theme in THEMES {
        ctx.app
            .invoke("set_appearance", serde_json::json!({ "appearance": theme }))
            .await?;
        ctx.app
            .wait_for_text(&format!("[data-theme='{theme}']"), "the new theme", |_| {
                true
            })
            .await?;
        audit(ctx, ctx.app, theme, screen, problems).await?;
    }
    ctx.app
        .invoke(
            "set_appearance",
            serde_json::json!({ "appearance": "system" }),
        )
        .await
}

async fn dialog_closed_with_escape(app: &App) -> Result<(), String> {
    app.press(ESCAPE).await?;
    app.wait_until_gone("[role='dialog']").await
}

pub fn every_screen_passes_an_accessibility_check_in_light_dark_and_high_contrast<'a>(
    ctx: &'a Ctx<'a>,
) -> Outcome<'a> {
    Box::pin(async move {
        let mac = demo_device("a corporate Mac", |d| {
            d.platform == tenant_sim::fleet::Platform::MacOs
                && d.owner_type == "company"
                && d.is_encrypted
        })?;
        let app = ctx.app;
        let mut problems = Vec::new();
        // Each theme at the window's default size, then light again at the smallest size the
        // window allows (760x520), where names truncate and panels squeeze.
        let passes = THEMES
            .iter()
            .map(|theme| (*theme, None))
            .chain([("light", Some((760, 520)))]);
        for (theme, size) in passes {
            let pass = match size {
                Some((width, height)) => {
                    ctx.desktop.resize_window("Intune Actions", width, height)?;
                    format!("{theme}-{width}x{height}")
                }
                None => theme.to_string(),
            };
            let pass = pass.as_str();
            app.click("#settings-open").await?;
            app.click(&format!("#appearance-{theme}")).await?;
            app.wait_for_text(
                &format!("[data-theme='{theme}'] h1"),
                "the window in the new theme",
                |t| t == "Intune Actions",
            )
            .await?;
            audit(ctx, app, pass, "settings", &mut problems).await?;
            app.click("#settings-close").await?;
            app.wait_until_gone("[role='dialog']").await?;

            open_by_serial(ctx, &mac.serial_number).await?;
            app.wait_for_text(
                "[data-action='remoteLock'] [data-readiness]",
                "the verdicts",
                |t| !t.is_empty(),
            )
            .await?;
            audit(ctx, app, pass, "device-list-and-panel", &mut problems).await?;

            app.click("[data-send='remoteLock']").await?;
            app.wait_for_text("#confirm-effect", "the confirmation", |t| !t.is_empty())
                .await?;
            audit(ctx, app, pass, "confirm-lock", &mut problems).await?;
            app.click("#confirm-cancel").await?;
            app.wait_until_gone("[role='alertdialog']").await?;

            app.click("[data-reveal='fileVaultKey']").await?;
            app.wait_for_text("[role='dialog']", "the reveal dialog", |t| !t.is_empty())
                .await?;
            audit(ctx, app, pass, "reveal", &mut problems).await?;
            app.click("#reveal-close").await?;
            app.wait_until_gone("[role='dialog']").await?;

            app.click("#many-open").await?;
            app.wait_for_text("[role='alertdialog']", "many devices", |t| !t.is_empty())
                .await?;
            audit(ctx, app, pass, "many-devices", &mut problems).await?;
            app.click("#many-cancel").await?;
            app.wait_until_gone("[role='alertdialog']").await?;

            app.click("#about-open").await?;
            app.wait_for_text("[role='dialog']", "about", |t| !t.is_empty())
                .await?;
            audit(ctx, app, pass, "about", &mut problems).await?;
            dialog_closed_with_escape(app).await?;

            app.click("#tab-audit").await?;
            app.wait_for_text("#audit-verify", "the audit", |_| true)
                .await?;
            audit(ctx, app, pass, "audit", &mut problems).await?;
            app.click("#tab-devices").await?;

            app.click("#account-menu").await?;
            app.click("#add-tenant").await?;
            app.wait_for_text("[role='dialog']", "adding a tenant", |t| !t.is_empty())
                .await?;
            audit(ctx, app, pass, "add-a-tenant", &mut problems).await?;
            dialog_closed_with_escape(app).await?;

            // Signed out: the first run's welcome, then back to the demo.
            app.click("#account-menu").await?;
            app.click("#sign-out").await?;
            app.wait_for_text("#start-demo", "the welcome", |_| true)
                .await?;
            ctx.shot(&format!("{pass}-welcome"));
            // axe counts a label scrolled out of view as missing (and the welcome is taller than
            // the window): it checks the page with the sign-in form in view.
            app.scroll_into_view("#profile-tenant").await?;
            audit(ctx, app, pass, "welcome-add-a-tenant", &mut problems).await?;
            app.click("#start-demo").await?;
        }
        check!(
            problems.is_empty(),
            "axe found {} serious or critical problems:\n  {}",
            problems.len(),
            problems.join("\n  ")
        );
        Ok(())
    })
}

/// Saves the appearance the app starts with (quick lock cannot open the settings).
fn start_in(desktop: &crate::desktop::Desktop, theme: &str) -> Result<(), String> {
    let appearance = match theme {
        "light" => intune_core::settings::Appearance::Light,
        "dark" => intune_core::settings::Appearance::Dark,
        _ => intune_core::settings::Appearance::HighContrast,
    };
    let file = intune_core::settings::SettingsFile::in_dir(&desktop.app_config_dir());
    let mut settings = file.load();
    settings.appearance = appearance;
    file.save(&settings)
        .map_err(|e| format!("cannot save the settings: {e}"))
}

pub fn quick_lock_starts_light(desktop: &crate::desktop::Desktop) -> Result<(), String> {
    start_in(desktop, "light")
}

/// Quick lock, searched and with a device open, in each theme (one start per theme).
pub fn quick_lock_passes_an_accessibility_check_in_light_dark_and_high_contrast<'a>(
    ctx: &'a Ctx<'a>,
) -> Outcome<'a> {
    Box::pin(async move {
        let phone = demo_device("an iPhone", |d| {
            d.platform == tenant_sim::fleet::Platform::Ios
        })?;
        let name = "quick_lock_passes_an_accessibility_check_in_light_dark_and_high_contrast";
        let mut problems = Vec::new();
        let mut started = None;
        for theme in THEMES {
            let app = match &started {
                None => ctx.app,
                Some((_, app)) => app,
            };
            app.wait_for_text(
                &format!("[data-theme='{theme}'] #quick-lock h1"),
                "quick lock in the theme",
                |t| t == "Quick lock",
            )
            .await?;
            audit(ctx, app, theme, "quick-lock", &mut problems).await?;
            app.type_into("#quick-search", &phone.serial_number).await?;
            app.wait_for_text("#quick-results", "the phone", |t| {
                t.contains(&phone.device_name)
            })
            .await?;
            audit(ctx, app, theme, "quick-lock-results", &mut problems).await?;
            app.type_into("#quick-search", "\u{E007}").await?;
            app.wait_for_text(
                "[data-action='remoteLock'] [data-readiness]",
                "the phone's verdicts",
                |t| !t.is_empty(),
            )
            .await?;
            audit(ctx, app, theme, "quick-lock-device", &mut problems).await?;
            app.quit().await;
            check!(
                crate::desktop::wait_until(std::time::Duration::from_secs(15), || !ctx
                    .desktop
                    .app_running()),
                "quick lock's app did not end"
            );
            if let Some(next) = THEMES.iter().skip_while(|t| **t != theme).nth(1) {
                start_in(ctx.desktop, next)?;
                let driver = ctx.desktop.start_driver(&format!("{name}-{next}"))?;
                let app = App::launch(ctx.desktop, &driver, name, &["--quick-lock"]).await?;
                started = Some((driver, app));
            }
        }
        check!(
            problems.is_empty(),
            "axe found {} serious or critical problems:\n  {}",
            problems.len(),
            problems.join("\n  ")
        );
        Ok(())
    })
}

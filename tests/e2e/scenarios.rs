//! What a person does in the window, and what they must see.

use std::time::Duration;

use crate::app::APP_BINARY;
use crate::desktop::wait_until;
use crate::{Ctx, Outcome, Scenario, check};

pub const ALL: &[(&str, Scenario)] = &[
    (
        "main_window_names_the_product",
        main_window_names_the_product,
    ),
    ("about_details_come_from_rust", about_details_come_from_rust),
    (
        "second_launch_hands_over_to_the_first",
        second_launch_hands_over_to_the_first,
    ),
];

fn main_window_names_the_product<'a>(ctx: &'a Ctx<'a>) -> Outcome<'a> {
    Box::pin(async move {
        let heading = ctx
            .app
            .wait_for_text("h1", "the product name", |t| t == "Intune Actions")
            .await?;
        check!(heading == "Intune Actions", "heading is {heading:?}");
        let title = ctx.app.title().await?;
        check!(title == "Intune Actions", "window title is {title:?}");
        Ok(())
    })
}

/// The round trip: a click in the web view runs the Rust `about` command, and its answer (which
/// only Rust can know: the version it was built as, the per-instance log folder) shows up.
fn about_details_come_from_rust<'a>(ctx: &'a Ctx<'a>) -> Outcome<'a> {
    Box::pin(async move {
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

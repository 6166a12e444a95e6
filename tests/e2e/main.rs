//! End-to-end tests: the real app binary on a virtual display, driven like a person would.
//!
//! `cargo test --test e2e` starts Xvfb and a session bus, runs each test against a fresh copy of
//! the app under its own tauri-driver, and stops them all. Screenshots go to `test-artifacts/e2e/`
//! (`E2E_ARTIFACTS` overrides): always on failure, and for every test with `E2E_SCREENSHOTS=1`.

mod accessibility;
mod app;
mod desktop;
mod keyboard;
mod notifications;
mod scenarios;
mod updates;

use std::future::Future;
use std::pin::Pin;
use std::process::ExitCode;
use std::sync::Arc;

use libtest_mimic::{Arguments, Failed, Trial};

use app::App;
use desktop::Desktop;

pub struct Ctx<'a> {
    pub desktop: &'a Desktop,
    pub app: &'a App,
}

impl Ctx<'_> {
    /// A picture of the screen at a step, for a person to look at (`E2E_SCREENSHOTS=1`). Taken with
    /// `import`, not WebDriver: WebKit's screenshot waits for a paint and can stall the driver.
    pub fn shot(&self, label: &str) {
        if std::env::var_os("E2E_SCREENSHOTS").is_some_and(|v| v == "1") {
            self.desktop
                .screenshot_screen(&format!("{}-{label}", self.app.name()));
        }
    }
}

pub type Outcome<'a> = Pin<Box<dyn Future<Output = Result<(), String>> + 'a>>;
pub type Scenario = for<'a> fn(&'a Ctx<'a>) -> Outcome<'a>;

/// Fails the test with a message, like `assert!` but with a screenshot taken afterwards.
#[macro_export]
macro_rules! check {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err(format!($($msg)+));
        }
    };
}

fn main() -> ExitCode {
    let mut args = Arguments::from_args();
    // One window at a time: every test has the display and the driver to itself.
    args.test_threads = Some(1);

    if !cfg!(target_os = "linux") {
        eprintln!(
            "e2e: tauri-driver drives the app on Linux and Windows; this suite runs on Linux."
        );
        return ExitCode::SUCCESS;
    }

    let desktop = match Desktop::start() {
        Ok(desktop) => Arc::new(desktop),
        Err(error) => {
            eprintln!("e2e: cannot set up the test desktop: {error}");
            return ExitCode::FAILURE;
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => Arc::new(runtime),
        Err(error) => {
            eprintln!("e2e: cannot start an async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };

    let trials = scenarios::ALL
        .iter()
        .map(|&(name, scenario)| {
            let desktop = Arc::clone(&desktop);
            let runtime = Arc::clone(&runtime);
            Trial::test(name, move || {
                runtime
                    .block_on(run_scenario(&desktop, name, scenario))
                    .map_err(Failed::from)
            })
        })
        .chain(
            scenarios::STARTED_WITH
                .iter()
                .map(|&(name, args, prepare, scenario)| {
                    let desktop = Arc::clone(&desktop);
                    let runtime = Arc::clone(&runtime);
                    Trial::test(name, move || {
                        runtime
                            .block_on(run_started_with(&desktop, name, args, prepare, scenario))
                            .map_err(Failed::from)
                    })
                }),
        )
        .collect();
    let conclusion = libtest_mimic::run(&args, trials);
    drop(desktop);
    conclusion.exit_code()
}

async fn run_scenario(desktop: &Desktop, name: &str, scenario: Scenario) -> Result<(), String> {
    run_started_with(desktop, name, &[], |_| Ok(()), scenario).await
}

/// The app started with these command-line arguments (WebDriver drives its first window).
async fn run_started_with(
    desktop: &Desktop,
    name: &str,
    args: &[&str],
    prepare: scenarios::Prepare,
    scenario: Scenario,
) -> Result<(), String> {
    desktop.reset_app_state();
    prepare(desktop)?;
    let driver = desktop.start_driver(name)?;
    let app = App::launch(desktop, &driver, name, args).await?;
    let outcome = scenario(&Ctx { desktop, app: &app }).await;
    let always = std::env::var_os("E2E_SCREENSHOTS").is_some_and(|v| v == "1");
    let result = match outcome {
        Err(error) => {
            // The whole screen first: it needs nothing from the app, which may be the broken part.
            let screen = desktop.screenshot_screen(&format!("{name}-failure"));
            let window = app.screenshot("failure").await;
            Err(format!(
                "{error}\n  window screenshot: {}\n  screen screenshot: {}",
                window.map_or_else(|e| e, |p| p.display().to_string()),
                screen.map_or_else(|| "unavailable".into(), |p| p.display().to_string()),
            ))
        }
        Ok(()) if always => {
            // A test may end with the app gone (Quit): then there is no window to picture.
            if let Err(error) = app.screenshot("final").await {
                eprintln!("{name}: no final screenshot: {error}");
            }
            Ok(())
        }
        Ok(()) => Ok(()),
    };
    app.close().await;
    drop(driver);
    result
}

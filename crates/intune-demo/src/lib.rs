//! The demo tenant: a simulated Intune tenant started in-process, so anyone can try every feature
//! without a tenant of their own. Nothing it does reaches a real device. Its own crate, so the
//! core carries no web server; the app and the command line take it in behind their `demo`
//! feature (on by default).
//!
//! Signing in to it runs the real browser sign-in code (authorization code + PKCE through the
//! loopback listener); only the browser is played by this module. Nothing is stored in the
//! keychain: the demo's session lasts as long as the process.

use std::sync::Arc;
use std::time::Duration;

use intune_core::connection::{Connection, InProcessTenant};
use intune_core::profile::{Cloud, Profile, SignInMethod};
use intune_core::session::{Persistence, Session};
use intune_core::signin_browser::BrowserSignIn;
use intune_core::{Error, Result};
use tenant_sim::{SimConfig, SimHandle};

pub use intune_core::demo::{DEMO_NOTICE, DEMO_PROFILE, DEMO_SEED};

pub const DEMO_DEVICES: usize = 500;

/// Sets the demo fleet's size (trying the app at scale, benchmarks).
pub const DEMO_DEVICES_ENV: &str = "INTUNE_ACTIONS_DEMO_DEVICES";

/// The demo's fleet size: [`DEMO_DEVICES`], or the environment's choice up to 200,000.
pub fn demo_device_count() -> usize {
    std::env::var(DEMO_DEVICES_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|n| (1..=200_000).contains(n))
        .unwrap_or(DEMO_DEVICES)
}

pub struct Demo {
    sim: SimHandle,
    profile: Profile,
    devices: usize,
}

impl Demo {
    /// Starts the simulated tenant on a free loopback port.
    pub fn start(devices: usize) -> Result<Demo> {
        Self::with_config(SimConfig {
            seed: DEMO_SEED,
            devices,
            checkin_delay: Duration::from_secs(5),
            ..SimConfig::default()
        })
    }

    /// A simulated tenant set up as the caller needs (tests and benchmarks: throttling, faults,
    /// fleet size).
    pub fn with_config(config: SimConfig) -> Result<Demo> {
        let devices = config.devices;
        let sim = tenant_sim::start(config)
            .map_err(|e| Error::Internal(format!("cannot start the demo tenant: {e}")))?;
        let profile = Profile {
            name: DEMO_PROFILE.into(),
            cloud: Cloud::Custom {
                login_url: sim.base_url.clone(),
                graph_url: sim.base_url.clone(),
            },
            tenant: sim.tenant.tenant_id.clone(),
            client_id: sim.tenant.client_id.clone(),
            method: SignInMethod::Browser,
        };
        Ok(Demo {
            sim,
            profile,
            devices,
        })
    }

    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// How many devices the simulated fleet has.
    pub fn device_count(&self) -> usize {
        self.devices
    }

    pub fn sim(&self) -> &SimHandle {
        &self.sim
    }

    /// Signs in through the browser flow, with this module in the browser's place.
    pub async fn sign_in(&self, http: &intune_core::http::SignInClient) -> Result<Arc<Session>> {
        let flow = BrowserSignIn::start(&self.profile).await?;
        let url = flow.authorize_url().to_string();
        let browser = play_browser(http.clone(), url);
        let (tokens, browsed) = tokio::join!(
            flow.finish(http, Duration::from_secs(30), std::future::pending()),
            browser
        );
        browsed?;
        Ok(Arc::new(Session::signed_in(
            self.profile.clone(),
            Persistence::SessionOnly,
            tokens?,
        )?))
    }
}

/// Starts the demo tenant and signs in to it: a connection like any other, whose tenant lives as
/// long as it does.
pub async fn connect(devices: usize) -> Result<Connection> {
    let demo = Demo::start(devices)?;
    let http = intune_core::signin::http_client()?;
    let session = demo.sign_in(&http).await?;
    let devices = demo.device_count();
    Connection::in_process(
        session,
        http,
        InProcessTenant {
            devices,
            keep_alive: Box::new(demo),
        },
    )
}

/// Loads the sign-in page and follows its redirect back to the loopback listener, as a browser.
async fn play_browser(http: intune_core::http::SignInClient, url: String) -> Result<()> {
    let failed = |what: &str| Error::Internal(format!("the demo sign-in failed: {what}"));
    let page = http
        .reqwest()
        .get(&url)
        .send()
        .await
        .map_err(|_| failed("no sign-in page"))?;
    let back = page
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| failed("the sign-in page did not redirect"))?
        .to_string();
    http.reqwest()
        .get(&back)
        .send()
        .await
        .map_err(|_| failed("the app's listener did not answer"))?;
    Ok(())
}

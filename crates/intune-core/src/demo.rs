//! The demo tenant: a simulated Intune tenant started in-process, so anyone can try every feature
//! without a tenant of their own. Nothing it does reaches a real device.
//!
//! Signing in to it runs the real browser sign-in code (authorization code + PKCE through the
//! loopback listener); only the browser is played by this module. Nothing is stored in the
//! keychain: the demo's session lasts as long as the process.

use std::sync::Arc;
use std::time::Duration;

use tenant_sim::{SimConfig, SimHandle};

use crate::profile::{Cloud, Profile, SignInMethod};
use crate::session::{Persistence, Session};
use crate::signin_browser::BrowserSignIn;
use crate::{Error, Result};

/// The demo's profile name: reserved, so no saved profile can take it.
pub const DEMO_PROFILE: &str = "Demo tenant";
/// The same seed every time: the same devices in every run, so guides and screenshots agree.
pub const DEMO_SEED: u64 = 2026;
pub const DEMO_DEVICES: usize = 500;
/// What the app and the CLI say wherever the demo is in use.
pub const DEMO_NOTICE: &str = "Demo tenant: simulated devices, no real device is affected.";

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
    pub async fn sign_in(&self, http: &oauth2::reqwest::Client) -> Result<Arc<Session>> {
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

/// Loads the sign-in page and follows its redirect back to the loopback listener, as a browser.
async fn play_browser(http: oauth2::reqwest::Client, url: String) -> Result<()> {
    let failed = |what: &str| Error::Internal(format!("the demo sign-in failed: {what}"));
    let page = http
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
    http.get(&back)
        .send()
        .await
        .map_err(|_| failed("the app's listener did not answer"))?;
    Ok(())
}

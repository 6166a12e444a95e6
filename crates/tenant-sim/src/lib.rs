//! A simulated Intune tenant on loopback: Microsoft Graph's managed-device endpoints and Entra ID's
//! sign-in endpoints, for the demo mode, every integration test and the benchmarks.
//!
//! ```no_run
//! let sim = tenant_sim::start(tenant_sim::SimConfig::default()).expect("started");
//! println!("{}", sim.base_url);
//! // stops when `sim` is dropped
//! ```

mod aadsts;
pub mod actions;
mod auth;
pub mod certificate;
pub mod config;
mod control;
pub mod fleet;
mod graph;
mod graph_error;
pub mod odata;
pub mod roles;
mod server;
mod sim;
mod throttle;
pub mod version;

use std::net::{Ipv4Addr, SocketAddr};
use std::thread::JoinHandle;

use serde::Serialize;
use tokio::sync::oneshot;

pub use config::{DeviceCodeConfig, Faults, RateLimit, SimConfig};
pub use fleet::Device;
pub use roles::{Account, IntuneRole, RemoteTask};
pub use sim::{Receipt, ReceiptOutcome, Tenant};
pub use version::ApiVersion;

/// What a client needs to reach the tenant: printed by the binary as one JSON line.
#[derive(Debug, Clone, Serialize)]
pub struct Connection {
    pub base_url: String,
    pub tenant_id: String,
    /// The public client for delegated sign-in (browser, device code).
    pub client_id: String,
    /// The confidential client for app-only sign-in, with its secret.
    pub app_client_id: String,
    pub client_secret: String,
}

/// A running tenant. Dropping it stops the server.
pub struct SimHandle {
    pub base_url: String,
    pub tenant: Tenant,
    shared: sim::Shared,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl SimHandle {
    pub fn connection(&self) -> Connection {
        Connection {
            base_url: self.base_url.clone(),
            tenant_id: self.tenant.tenant_id.clone(),
            client_id: self.tenant.client_id.clone(),
            app_client_id: self.tenant.app_client_id.clone(),
            client_secret: self.tenant.client_secret.clone(),
        }
    }

    /// A snapshot of the fleet, hidden facts included.
    pub fn devices(&self) -> Vec<Device> {
        sim::lock(&self.shared).devices.clone()
    }

    /// Every action request received so far.
    pub fn received(&self) -> Vec<Receipt> {
        sim::lock(&self.shared).received.clone()
    }

    /// How many times the tenant acted on `action` (`remoteLock`, …) for the device: more than
    /// once is a duplicate.
    pub fn times_applied(&self, device_id: &str, action: &str) -> usize {
        sim::lock(&self.shared)
            .received
            .iter()
            .filter(|r| r.device_id == device_id && r.action == action && r.outcome.applied())
            .count()
    }

    /// Every access and refresh token issued so far: a test looks for them where they must not be.
    pub fn issued_tokens(&self) -> Vec<String> {
        sim::lock(&self.shared).auth.issued.clone()
    }

    /// The admin approves a pending device-code sign-in in the browser (as
    /// `POST /_sim/devicecode/approve`); `false` when no such code is pending.
    pub fn approve_device_code(&self, user_code: &str) -> bool {
        sim::lock(&self.shared)
            .auth
            .decide_device_code(user_code, true, None)
    }

    /// Expires every access token now, so the next Graph call makes the client refresh.
    pub fn expire_access_tokens(&self) {
        sim::lock(&self.shared).auth.expire_access_tokens();
    }

    pub fn set_faults(&self, faults: Faults) {
        sim::lock(&self.shared).config.faults = faults;
    }

    /// The device checks in now, even one that never would by itself (as `POST /_sim/checkin`).
    pub fn force_check_in(&self, device_id: &str) -> usize {
        sim::lock(&self.shared).check_in(device_id, true)
    }

    /// The user typed the Mac's unlock PIN (as `POST /_sim/devices/{id}/unlock`).
    pub fn user_typed_pin(&self, device_id: &str) -> bool {
        match sim::lock(&self.shared).device_mut(device_id) {
            Some(device) => {
                device.hidden.unused_lock_pin = None;
                true
            }
            None => false,
        }
    }

    /// Queues an action as another admin tool (the Intune admin center) would, without a Graph
    /// request: a device can then hold a result the app never sent. `false` for an unknown device
    /// or action, or one Intune would refuse for it.
    pub fn act_from_elsewhere(&self, device_id: &str, segment: &str) -> bool {
        let Some(action) = actions::Action::from_segment(segment) else {
            return false;
        };
        let mut sim = sim::lock(&self.shared);
        let delay = chrono::Duration::from_std(sim.config.checkin_delay).unwrap_or_default();
        let mac_recover = sim.config.macos_recover_accepted;
        let Some(device) = sim.device_mut(device_id) else {
            return false;
        };
        if actions::refusal(device, action, mac_recover).is_some() {
            return false;
        }
        actions::queue(device, action, chrono::Utc::now(), delay, &mut rand::rng());
        true
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Starts the tenant on `127.0.0.1:{config.port}` in a thread of its own, so it runs the same
/// whether the caller is async, sync, or inside another runtime.
pub fn start(config: SimConfig) -> std::io::Result<SimHandle> {
    let listener =
        std::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, config.port)))?;
    listener.set_nonblocking(true)?;
    let base_url = format!("http://{}", listener.local_addr()?);
    let sim = sim::Sim::new(config, base_url.clone());
    let tenant = sim.tenant.clone();
    let shared = std::sync::Arc::new(std::sync::Mutex::new(sim));
    let (shutdown, stopped) = oneshot::channel();
    let app = server::router(std::sync::Arc::clone(&shared));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .thread_name("tenant-sim")
        .build()?;
    let thread = std::thread::Builder::new()
        .name("tenant-sim".into())
        .spawn(move || {
            runtime.block_on(async move {
                match tokio::net::TcpListener::from_std(listener) {
                    Ok(listener) => server::serve(listener, app, stopped).await,
                    Err(error) => eprintln!("tenant-sim: cannot listen: {error}"),
                }
            });
            runtime.shutdown_background();
        })?;
    Ok(SimHandle {
        base_url,
        tenant,
        shared,
        shutdown: Some(shutdown),
        thread: Some(thread),
    })
}

//! The tenant's state: fleet, sign-in grants, throttling windows, what was received, counters.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::auth::AuthState;
use crate::config::SimConfig;
use crate::fleet::{self, Device, FleetSpec};
use crate::throttle::Throttle;

pub type Shared = Arc<Mutex<Sim>>;

pub fn lock(shared: &Shared) -> MutexGuard<'_, Sim> {
    // A panicking handler must not take the whole tenant down with it.
    shared
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

pub struct Sim {
    pub config: SimConfig,
    pub tenant: Tenant,
    pub base_url: String,
    pub devices: Vec<Device>,
    pub index: HashMap<String, usize>,
    pub auth: AuthState,
    pub throttle: Throttle,
    pub received: Vec<Receipt>,
    pub stats: Stats,
    pub rng: ChaCha8Rng,
    /// The devices a filtered list matched, kept for its next pages (its `$skiptoken` names the
    /// listing): a page after the first is then a slice, as with Graph, not a new pass over the
    /// whole fleet. The newest few are kept.
    pub listings: std::collections::BTreeMap<u64, std::sync::Arc<Vec<usize>>>,
}

/// How many filtered listings keep their matches for their next pages.
pub const LISTINGS_KEPT: usize = 64;

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Tenant {
    pub tenant_id: String,
    pub domain: String,
    /// The public client (desktop app) registration.
    pub client_id: String,
    /// A confidential client for app-only sign-in.
    pub app_client_id: String,
    pub client_secret: String,
    pub admin_upn: String,
    pub admin_name: String,
}

/// One action request as the sim received it, whatever became of it.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Receipt {
    pub device_id: String,
    pub action: String,
    pub version: String,
    pub received: DateTime<Utc>,
    pub outcome: ReceiptOutcome,
    pub client_request_id: Option<String>,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum ReceiptOutcome {
    /// Queued (or, for getFileVaultKey, answered).
    Applied,
    /// Queued, then the connection was dropped before the answer.
    AppliedThenDropped,
    /// Queued, then answered with a server error (a gateway that gave up).
    AppliedThenFailed,
    /// Dropped before anything happened.
    Dropped,
    /// Refused: platform, permission, unknown device, injected server error.
    Rejected,
    Throttled,
}

impl ReceiptOutcome {
    /// The tenant acted on the request, whatever became of its answer.
    pub fn applied(self) -> bool {
        matches!(
            self,
            ReceiptOutcome::Applied
                | ReceiptOutcome::AppliedThenDropped
                | ReceiptOutcome::AppliedThenFailed
        )
    }
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    pub requests: u64,
    pub throttled: u64,
    pub faults: u64,
    pub by_status: BTreeMap<u16, u64>,
}

impl Sim {
    pub fn new(config: SimConfig, base_url: String) -> Sim {
        let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
        let tenant = Tenant {
            tenant_id: uuid(&mut rng),
            domain: "contoso.onmicrosoft.com".into(),
            client_id: uuid(&mut rng),
            app_client_id: uuid(&mut rng),
            client_secret: format!("sim~{}", token_chars(&mut rng, 34)),
            admin_upn: config
                .accounts
                .first()
                .map(|a| a.upn.clone())
                .unwrap_or_default(),
            admin_name: config
                .accounts
                .first()
                .map(|a| a.name.clone())
                .unwrap_or_default(),
        };
        let devices = fleet::generate(&FleetSpec {
            seed: config.seed,
            devices: config.devices,
            domain: "contoso.com".into(),
            now: Utc::now(),
        });
        let index = devices
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.clone(), i))
            .collect();
        Sim {
            config,
            tenant,
            base_url,
            devices,
            index,
            auth: AuthState::default(),
            throttle: Throttle::default(),
            received: Vec::new(),
            stats: Stats::default(),
            rng,
            listings: Default::default(),
        }
    }

    pub fn device_mut(&mut self, id: &str) -> Option<&mut Device> {
        let index = *self.index.get(id)?;
        self.devices.get_mut(index)
    }

    /// Lets one device apply whatever has fallen due (or everything, when forced).
    pub fn check_in(&mut self, id: &str, forced: bool) -> usize {
        let readable = self.config.recovered_passcode_readable;
        let Some(index) = self.index.get(id).copied() else {
            return 0;
        };
        let now = Utc::now();
        let Sim { devices, rng, .. } = self;
        crate::actions::check_in(&mut devices[index], now, forced, readable, rng)
    }

    pub fn count_status(&mut self, status: u16) {
        self.stats.requests += 1;
        *self.stats.by_status.entry(status).or_default() += 1;
    }
}

pub fn uuid(rng: &mut impl Rng) -> String {
    uuid::Builder::from_random_bytes(rng.random())
        .into_uuid()
        .to_string()
}

pub fn token_chars(rng: &mut impl Rng, len: usize) -> String {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    (0..len)
        .map(|_| CHARS[rng.random_range(0..CHARS.len())] as char)
        .collect()
}

//! Many devices at once, at Intune's own speed: remote locks for N iPhones, iPads and Macs through
//! the real send path (review, write-ahead audit, one POST each, the adaptive write limiter, the
//! app's own concurrency)
//! against the simulated tenant, whose write limit works as Intune's does (a sliding window of
//! 200 writes per 20 s per app).
//!
//! The floor: a sliding window lets the first L writes out at once and L more each window W, so
//! P writes cannot finish before (ceil(P / L) - 1) x W. P counts the writes the tenant took (one
//! per device sent to); L is the share the tenant leaves this run. For 1,000 devices at 200 per
//! 20 s that is 80 s.
//!
//! Run: `cargo bench -p intune-core --bench bulk` (release build; about five minutes: three runs of
//! 1,000). `BULK_DEVICES` and `BULK_WINDOW_MS` make it smaller and faster; the test script runs
//! it at a smoke size to check it still counts right; `BULK_ONLY=alone` runs one scenario.
//! Results: BENCHMARKS.md.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use intune_core::actions::limiter::WriteLimiter;
use intune_core::actions::pins::PinKeeper;
use intune_core::actions::service::{DEFAULT_CONCURRENCY, FollowPolicy, SendRequest, SendState};
use intune_core::actions::{ActionKind, ActionService, Actor, RunControl};
use intune_core::audit::AuditLog;
use intune_core::graph::{GraphClient, RetryPolicy};
use intune_core::secret_store::SessionMemory;
use tenant_sim::fleet::Platform;
use tenant_sim::{Faults, RateLimit, ReceiptOutcome, SimConfig};

/// Intune's limit, and what the client starts at.
const LIMIT: usize = 200;

struct Scenario {
    name: &'static str,
    /// Writes per window the tenant leaves this run (another tool uses the rest).
    tenant_limit: usize,
    faults: Faults,
}

fn main() {
    let devices: usize = env("BULK_DEVICES", 1000);
    let window = Duration::from_millis(env("BULK_WINDOW_MS", 20_000) as u64);
    let scenarios = [
        Scenario {
            name: "alone",
            tenant_limit: LIMIT,
            faults: Faults::default(),
        },
        Scenario {
            name: "drops, 5xx",
            tenant_limit: LIMIT,
            faults: Faults {
                // 2% of reads fail (and are read again); 1% of POSTs are applied and their answer
                // lost, 1% lost before Intune saw them, 1% applied and answered 502.
                error_rate: 0.02,
                drop_after_rate: 0.01,
                drop_before_rate: 0.01,
                bad_gateway_after_apply_rate: 0.01,
                ..Faults::default()
            },
        },
        Scenario {
            name: "shared quota (429s)",
            tenant_limit: LIMIT * 3 / 4,
            faults: Faults::default(),
        },
    ];
    println!(
        "{devices} remote locks, Intune's write window {} s, client starting at {LIMIT} per window",
        window.as_secs_f64()
    );
    println!(
        "| scenario | sent (P) | share (L) | floor | wall | ratio | 429s | duplicate POSTs | unaccounted | queued / unknown / failed / blocked |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    // `BULK_ONLY=alone` (a part of a scenario's name) runs just that one.
    let only = std::env::var("BULK_ONLY").unwrap_or_default();
    let mut ok = true;
    for scenario in scenarios.iter().filter(|s| s.name.contains(only.as_str())) {
        ok &= run(devices, window, scenario);
    }
    assert!(ok, "a device was sent to twice or left unaccounted for");
}

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One run; true when every device is accounted for and none got two POSTs.
fn run(devices: usize, window: Duration, scenario: &Scenario) -> bool {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let unlimited = RateLimit {
        count: 1_000_000,
        window,
    };
    let demo = intune_demo::Demo::with_config(SimConfig {
        // Enough of every platform to find N Apple devices.
        devices: devices * 3,
        write_limit: RateLimit {
            count: scenario.tenant_limit as u32,
            window,
        },
        request_limit: unlimited,
        tenant_write_limit: unlimited,
        tenant_request_limit: unlimited,
        checkin_delay: Duration::from_secs(3600),
        ..SimConfig::default()
    })
    .expect("sim");
    let http = intune_core::signin::http_client().expect("http");
    let session = runtime.block_on(demo.sign_in(&http)).expect("signed in");
    let graph = GraphClient::with_policy(
        demo.profile().cloud.graph_url(),
        Arc::new(intune_core::credential::Delegated::new(session, http)),
        RetryPolicy {
            attempts: 8,
            ..RetryPolicy::default()
        },
        None,
    )
    .expect("client");
    let targets: Vec<String> = demo
        .sim()
        .devices()
        .into_iter()
        .filter(|d| {
            matches!(
                d.platform,
                Platform::Ios | Platform::IpadOs | Platform::MacOs
            )
        })
        .take(devices)
        .map(|d| d.id)
        .collect();
    assert_eq!(
        targets.len(),
        devices,
        "the fleet has too few Apple devices"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let service = ActionService::new(
        graph,
        "https://intune.microsoft.com",
        Actor {
            profile: "Bench".into(),
            account: "admin@contoso.com".into(),
            tenant: demo.profile().tenant.clone(),
        },
        AuditLog::for_profile(dir.path(), "Bench"),
        PinKeeper::new(SessionMemory::store(), "Bench", dir.path()),
    )
    .tuned(
        WriteLimiter::new(LIMIT, window),
        DEFAULT_CONCURRENCY,
        FollowPolicy {
            first_wait: Duration::from_millis(50),
            max_wait: Duration::from_millis(500),
            arrival_reads: 3,
        },
    );
    demo.sim().set_faults(scenario.faults.clone());

    let started = Instant::now();
    let report = runtime
        .block_on(service.send(
            &SendRequest {
                action: ActionKind::RemoteLock,
                devices: targets.clone(),
                justification: Some("Bench: a lost shipment".into()),
                override_unused_pin: false,
            },
            &RunControl::default(),
            |_| {},
        ))
        .expect("the run");
    let wall = started.elapsed();

    let receipts = demo.sim().received();
    let mut applied: HashMap<&str, usize> = HashMap::new();
    let mut throttled = 0;
    for receipt in &receipts {
        if receipt.outcome.applied() {
            *applied.entry(receipt.device_id.as_str()).or_default() += 1;
        } else if receipt.outcome == ReceiptOutcome::Throttled {
            throttled += 1;
        }
    }
    let duplicates: usize = applied.values().map(|n| n.saturating_sub(1)).sum();
    // Writes the tenant took: one per device that got a POST through (lost ones included).
    let taken = receipts
        .iter()
        .filter(|r| r.outcome != ReceiptOutcome::Throttled)
        .map(|r| r.device_id.as_str())
        .collect::<std::collections::HashSet<_>>()
        .len();
    let accounted = report.outcomes.len() == devices
        && report
            .outcomes
            .iter()
            .all(|o| targets.contains(&o.device_id));
    let unaccounted = devices.saturating_sub(if accounted { report.outcomes.len() } else { 0 });
    let floor = window * (taken.div_ceil(scenario.tenant_limit).saturating_sub(1)) as u32;
    let ratio = if floor.is_zero() {
        "-".to_string()
    } else {
        format!("{:.3}x", wall.as_secs_f64() / floor.as_secs_f64())
    };
    let count = |state| report.outcomes.iter().filter(|o| o.state == state).count();
    println!(
        "| {} | {taken} | {} | {:.1} s | {:.1} s | {ratio} | {throttled} | {duplicates} | {unaccounted} | {} / {} / {} / {} |",
        scenario.name,
        scenario.tenant_limit,
        floor.as_secs_f64(),
        wall.as_secs_f64(),
        count(SendState::Queued),
        count(SendState::Unknown),
        count(SendState::Failed),
        count(SendState::Blocked),
    );
    duplicates == 0 && unaccounted == 0
}

//! Device lookup at scale, against the simulated tenant: a full inventory sync of 100,000 devices
//! with 50 ms per page, the memory the searchable copy takes, and per-keystroke local search.
//! Run: `cargo bench -p intune-core --bench lookup` (release build). Results: BENCHMARKS.md.

use std::alloc::System;
use std::time::{Duration, Instant};

use chrono::Utc;
use intune_core::devices::{DeviceIndex, DeviceQuery, remote};
use intune_core::graph::{GraphClient, RetryPolicy};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use tenant_sim::{Faults, RateLimit, SimConfig};

/// Counts heap bytes, so the inventory's memory is measured rather than guessed.
#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const LATENCY_MS: u64 = 50;

fn main() {
    // LOOKUP_DEVICES makes it smaller (scripts/bench --smoke), so the bench cannot rot unnoticed.
    let devices_wanted = std::env::var("LOOKUP_DEVICES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    run(devices_wanted);
}

fn run(count: usize) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let demo = intune_demo::Demo::with_config(SimConfig {
        devices: count,
        request_limit: RateLimit {
            count: 100_000,
            window: Duration::from_secs(20),
        },
        tenant_request_limit: RateLimit {
            count: 100_000,
            window: Duration::from_secs(20),
        },
        ..SimConfig::default()
    })
    .expect("sim");
    let http = intune_core::signin::http_client().expect("http");
    let session = runtime.block_on(demo.sign_in(&http)).expect("signed in");
    let client = GraphClient::with_policy(
        demo.profile().cloud.graph_url(),
        std::sync::Arc::new(intune_core::credential::Delegated::new(session, http)),
        RetryPolicy::default(),
        None,
    )
    .expect("client");
    demo.sim().set_faults(Faults {
        latency_ms: LATENCY_MS,
        ..Faults::default()
    });

    // 1. Full sync.
    // The floor is one page after another: every page's latency, end to end. Reading partitions
    // side by side (one per operating system) can beat it.
    let started = Instant::now();
    let devices = runtime
        .block_on(remote::list(&client, None, |_| {}))
        .expect("listed");
    let sync = started.elapsed();
    let pages = count.div_ceil(1000);
    let floor = Duration::from_millis(LATENCY_MS * pages as u64);
    assert_eq!(devices.len(), count);

    // 2. Memory of the searchable copy, built from fresh allocations.
    let json = serde_json::to_vec(&devices).expect("serialise");
    drop(devices);
    let region = Region::new(GLOBAL);
    let devices: Vec<intune_core::devices::Device> =
        serde_json::from_slice(&json).expect("deserialise");
    let index = DeviceIndex::new(devices);
    let change = region.change();
    let memory = change
        .bytes_allocated
        .saturating_sub(change.bytes_deallocated);

    // 3. Every keystroke of typing serials, names and UPNs.
    let now = Utc::now();
    let mut timings = Vec::new();
    // By how many characters were typed: the first keystroke sweeps every device, the next ones
    // only what the shorter text matched.
    let mut by_length: [Vec<Duration>; 3] = Default::default();
    for device in index.devices().iter().step_by((count / 40).max(1)).take(40) {
        for text in [
            &device.serial_number,
            &device.device_name,
            &device.user_principal_name,
        ] {
            let chars: Vec<char> = text.chars().collect();
            for end in 1..=chars.len() {
                let typed: String = chars[..end].iter().collect();
                let t = Instant::now();
                let page = index
                    .page(&DeviceQuery::text(&typed), 0, 100, now)
                    .expect("search");
                let took = t.elapsed();
                timings.push(took);
                by_length[(end - 1).min(2)].push(took);
                std::hint::black_box(page);
            }
        }
    }
    timings.sort();
    let p = |q: f64| timings[((timings.len() as f64 * q) as usize).min(timings.len() - 1)];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;

    println!("| measure | result | target |");
    println!("| --- | --- | --- |");
    println!(
        "| full sync, {count} devices, {pages} pages x {LATENCY_MS} ms | {:.2} s ({:.2}x the {:.1} s sequential floor) | within 1.3x of the floor |",
        sync.as_secs_f64(),
        sync.as_secs_f64() / floor.as_secs_f64(),
        floor.as_secs_f64()
    );
    println!(
        "| inventory memory ({count} devices, index included) | {:.1} MB | at most 150 MB |",
        memory as f64 / 1_000_000.0
    );
    println!(
        "| local search per keystroke ({} keystrokes) | p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms | p99 at most 5 ms |",
        timings.len(),
        p(0.5).as_secs_f64() * 1000.0,
        p(0.99).as_secs_f64() * 1000.0,
        timings[timings.len() - 1].as_secs_f64() * 1000.0
    );
    for (typed, mut t) in ["1 character", "2 characters", "3 or more"]
        .into_iter()
        .zip(by_length)
    {
        t.sort();
        let q = |q: f64| t[((t.len() as f64 * q) as usize).min(t.len() - 1)];
        println!(
            "| of which {typed} typed ({} keystrokes) | p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms | |",
            t.len(),
            ms(q(0.5)),
            ms(q(0.99)),
            ms(t[t.len() - 1])
        );
    }
}

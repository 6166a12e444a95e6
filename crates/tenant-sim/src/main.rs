//! `tenant-sim`: runs a simulated Intune tenant until killed. Prints one JSON line with what a
//! client needs to connect: base URL, tenant ID, client IDs and the app-only client secret.

use std::time::Duration;

use clap::Parser;
use tenant_sim::{Faults, RateLimit, SimConfig};

#[derive(Parser)]
#[command(
    name = "tenant-sim",
    version,
    about = "A simulated Intune tenant (Microsoft Graph + Entra ID) on loopback"
)]
struct Args {
    /// Port on 127.0.0.1; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// How many devices the fleet has.
    #[arg(long, default_value_t = 500)]
    devices: usize,
    /// Seed for the fleet and everything random: the same seed gives the same tenant.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Seconds a promptly checking-in device takes to apply a queued action.
    #[arg(long, default_value_t = 5.0)]
    checkin_delay: f64,
    /// Writes per app per window, e.g. 200/20s.
    #[arg(long, default_value = "200/20s", value_parser = RateLimit::parse)]
    write_limit: RateLimit,
    /// Requests of any kind per app per window, e.g. 2000/20s.
    #[arg(long, default_value = "2000/20s", value_parser = RateLimit::parse)]
    request_limit: RateLimit,
    /// Expose a recovered iOS passcode in the action result (undocumented in Graph).
    #[arg(long)]
    recovered_passcode_readable: bool,
    /// Accept recoverPasscode for Macs (undocumented by Microsoft; refused by default).
    #[arg(long)]
    macos_recover_accepted: bool,
    /// Approve device-code sign-ins by themselves after this many polls.
    #[arg(long)]
    auto_approve_device_code: Option<u32>,
    /// Answer the authorize endpoint with access_denied.
    #[arg(long)]
    deny_consent: bool,
    /// Added latency per response, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Extra random latency up to this many milliseconds.
    #[arg(long, default_value_t = 0)]
    jitter_ms: u64,
    /// Share of Graph requests answered 500/503/504 (0.0 to 1.0).
    #[arg(long, default_value_t = 0.0)]
    error_rate: f64,
    /// Share of action POSTs whose connection drops before the action is applied.
    #[arg(long, default_value_t = 0.0)]
    drop_before_rate: f64,
    /// Share of action POSTs whose connection drops after the action is applied.
    #[arg(long, default_value_t = 0.0)]
    drop_after_rate: f64,
    /// Share of Graph reads answered with truncated JSON.
    #[arg(long, default_value_t = 0.0)]
    malformed_rate: f64,
    /// Graph read bodies trickle out over this many milliseconds.
    #[arg(long, default_value_t = 0)]
    slow_body_ms: u64,
    /// Leave Retry-After out of 429 answers.
    #[arg(long)]
    omit_retry_after: bool,
}

fn main() {
    let args = Args::parse();
    if !(args.checkin_delay.is_finite() && args.checkin_delay >= 0.0) {
        eprintln!("tenant-sim: --checkin-delay must be zero or more seconds");
        std::process::exit(2);
    }
    let mut config = SimConfig {
        port: args.port,
        seed: args.seed,
        devices: args.devices,
        checkin_delay: Duration::from_secs_f64(args.checkin_delay),
        write_limit: args.write_limit,
        request_limit: args.request_limit,
        recovered_passcode_readable: args.recovered_passcode_readable,
        macos_recover_accepted: args.macos_recover_accepted,
        app_certificates: Vec::new(),
        deny_consent: args.deny_consent,
        faults: Faults {
            latency_ms: args.latency_ms,
            jitter_ms: args.jitter_ms,
            error_rate: args.error_rate,
            drop_before_rate: args.drop_before_rate,
            drop_after_rate: args.drop_after_rate,
            malformed_rate: args.malformed_rate,
            slow_body_ms: args.slow_body_ms,
            omit_retry_after: args.omit_retry_after,
            ..Faults::default()
        },
        ..SimConfig::default()
    };
    config.device_code.auto_approve_after_polls = args.auto_approve_device_code;
    for rate in [
        args.error_rate,
        args.drop_before_rate,
        args.drop_after_rate,
        args.malformed_rate,
    ] {
        if !(0.0..=1.0).contains(&rate) {
            eprintln!("tenant-sim: rates are between 0.0 and 1.0");
            std::process::exit(2);
        }
    }
    let sim = match tenant_sim::start(config) {
        Ok(sim) => sim,
        Err(error) => {
            eprintln!("tenant-sim: cannot start: {error}");
            std::process::exit(1);
        }
    };
    println!(
        "{}",
        serde_json::to_string(&sim.connection()).expect("the connection serialises")
    );
    loop {
        std::thread::park();
    }
}

//! The demo tenant's names. The tenant itself (a simulated Intune tenant started in-process) is
//! the `intune-demo` crate, so the core carries no web server: the app and the command line take it
//! in behind their `demo` feature.

/// The demo's profile name: reserved, so no saved profile can take it.
pub const DEMO_PROFILE: &str = "Demo tenant";
/// The same seed every time: the same devices in every run, so guides and screenshots agree.
pub const DEMO_SEED: u64 = 2026;
/// What the app and the CLI say wherever the demo is in use.
pub const DEMO_NOTICE: &str = "Demo tenant: simulated devices, no real device is affected.";

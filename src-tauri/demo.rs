//! The demo tenant, when this build has it (the `demo` feature, on by default).

use intune_core::ErrorReport;
use intune_core::connection::Connection;

/// Whether this build can start the demo tenant.
pub const AVAILABLE: bool = cfg!(feature = "demo");

/// Starts the demo tenant and signs in to it.
#[cfg(feature = "demo")]
pub async fn connect() -> Result<Connection, ErrorReport> {
    Ok(intune_demo::connect(intune_demo::demo_device_count()).await?)
}

#[cfg(not(feature = "demo"))]
pub async fn connect() -> Result<Connection, ErrorReport> {
    Err(intune_core::Error::Unavailable {
        what: "This build of Intune Actions has no demo tenant".into(),
        next: "Sign in to your own tenant.".into(),
    }
    .report())
}

//! The demo tenant, when this build has it (the `demo` feature, on by default).

use intune_core::ErrorReport;
use intune_core::connection::{self, Connection, ProfileChoice};
use intune_core::profile::ProfileSet;

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

/// The saved profiles, then the demo tenant when this build has it; `current` names the one in
/// use (the account menu and the tray).
pub fn profile_choices(saved: &ProfileSet, current: Option<&str>) -> Vec<ProfileChoice> {
    connection::profile_choices(saved, current)
        .into_iter()
        .filter(|choice| AVAILABLE || !choice.is_demo)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_is_offered_only_by_a_build_that_has_it() {
        let choices = profile_choices(&ProfileSet::default(), None);
        assert_eq!(choices.iter().any(|c| c.is_demo), AVAILABLE);
    }
}

//! What every tenant command needs: which profile, and a connection to its tenant.

use std::future::Future;

use intune_core::connection::Connection;
use intune_core::demo::{DEMO_NOTICE, DEMO_PROFILE};
use intune_core::devices::inventory::default_cache_dir;
use intune_core::devices::{Inventory, InventoryFile};
use intune_core::profile::{Profile, ProfileFile, default_config_dir};
use intune_core::{Error, ErrorKind, ErrorReport, secret_store};

use crate::CliResult;

pub struct Options {
    pub json: bool,
    pub profile: Option<String>,
}

impl Options {
    pub fn wants_demo(&self) -> bool {
        self.profile.as_deref().is_some_and(|name| {
            let name = name.trim();
            name.eq_ignore_ascii_case("demo") || name.eq_ignore_ascii_case(DEMO_PROFILE)
        })
    }
}

pub fn block_on(future: impl Future<Output = CliResult>) -> CliResult {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Internal(format!("cannot start the async runtime: {e}")).report())?
        .block_on(future)
}

/// The profile named with `--profile`, else the active one.
pub fn profile(options: &Options) -> Result<Profile, ErrorReport> {
    let set = ProfileFile::in_dir(&default_config_dir()?).load()?;
    let found = match &options.profile {
        Some(name) => set.get(name),
        None => set.active(),
    };
    match (found, &options.profile) {
        (Some(profile), _) => Ok(profile.clone()),
        (None, Some(name)) => Err(Error::ProfileNotFound(name.clone()).report()),
        (None, None) => Err(Error::InvalidInput {
            what: "the profile",
            why: "no profile is active; add one with `intune-actions profiles add`, or try the demo with `--profile demo`".into(),
        }
        .report()),
    }
}

/// The demo tenant, started for this command.
#[cfg(feature = "demo")]
async fn demo() -> Result<Connection, ErrorReport> {
    eprintln!("{DEMO_NOTICE}");
    Ok(intune_demo::connect(intune_demo::DEMO_DEVICES).await?)
}

#[cfg(not(feature = "demo"))]
async fn demo() -> Result<Connection, ErrorReport> {
    let _ = DEMO_NOTICE;
    Err(Error::Unavailable {
        what: "This build of intune-actions has no demo tenant".into(),
        next: "Sign in to your own tenant (`intune-actions profiles add`, then `login`), or use a build with the demo.".into(),
    }
    .report())
}

/// Signed in to the chosen tenant: the demo, or a profile whose refresh token is in the keychain.
pub async fn connect(options: &Options) -> Result<Connection, ErrorReport> {
    if options.wants_demo() {
        return demo().await;
    }
    let profile = profile(options)?;
    let store = secret_store::native()?;
    Connection::resume(&profile, store).map_err(|e| match e {
        // Nothing kept: say how to sign in. (Other refusals, such as hosts that changed since
        // the sign-in, keep their own words.)
        Error::NotSignedIn(name) => ErrorReport {
            kind: ErrorKind::SignInRequired,
            message: format!(
                "Profile {name:?} is not signed in. Run `intune-actions login --profile {name:?}`."
            ),
            request_id: None,
        },
        other => other.report(),
    })
}

pub fn inventory(connection: &Connection) -> Result<Inventory, ErrorReport> {
    let file = InventoryFile::for_profile(&default_cache_dir()?, &connection.profile().name);
    Ok(Inventory::open(file, connection.inventory_source())?)
}

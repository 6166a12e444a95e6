//! `intune-actions login | whoami | logout`

use std::time::Duration;

use clap::Args;
use intune_core::demo::DEMO_PROFILE;
use intune_core::devices::InventoryFile;
use intune_core::devices::inventory::default_cache_dir;
use intune_core::profile::{Profile, SignInMethod};
use intune_core::session::{Persistence, Session};
use intune_core::signin::{DeviceCodeSignIn, http_client};
use intune_core::signin_browser::BrowserSignIn;
use intune_core::{Error, ErrorReport, secret_store};
use serde_json::json;

use crate::CliResult;
use crate::context::{self, Options};

/// How long the browser sign-in waits for the admin.
const BROWSER_TIMEOUT: Duration = Duration::from_secs(300);

#[derive(Args)]
#[group(multiple = false)]
pub struct LoginArgs {
    /// Sign in in the system browser (the default for most profiles).
    #[arg(long)]
    browser: bool,
    /// Sign in with a code entered on another device or browser.
    #[arg(long)]
    device_code: bool,
}

pub async fn login(options: &Options, args: LoginArgs) -> CliResult {
    if options.wants_demo() {
        return Err(Error::InvalidInput {
            what: "the profile",
            why: format!("{DEMO_PROFILE:?} needs no sign-in; use --profile demo with any command"),
        }
        .report());
    }
    let profile = context::profile(options)?;
    let use_device_code =
        args.device_code || (!args.browser && matches!(profile.method, SignInMethod::DeviceCode));
    if !use_device_code && !args.browser && !matches!(profile.method, SignInMethod::Browser) {
        return Err(Error::InvalidInput {
            what: "the sign-in method",
            why: "this profile's method is not available from the command line yet; use --browser or --device-code".into(),
        }
        .report());
    }
    // Checked first: a sign-in whose token cannot be kept would be wasted.
    let store = secret_store::native()?;
    let http = http_client()?;
    let tokens = if use_device_code {
        let flow = DeviceCodeSignIn::start(&http, &profile).await?;
        let prompt = flow.prompt();
        eprintln!(
            "To sign in, open {} and enter the code {} (it expires in {} minutes).",
            prompt.verification_uri,
            prompt.user_code,
            prompt.expires_in.as_secs() / 60
        );
        flow.finish(&http).await?
    } else {
        let flow = BrowserSignIn::start(&profile).await?;
        eprintln!(
            "Opening the browser to sign in. If it does not open, visit:\n{}",
            flow.authorize_url()
        );
        if let Err(e) = open::that_detached(flow.authorize_url()) {
            eprintln!("(The browser could not be opened: {e}.)");
        }
        flow.finish(&http, BROWSER_TIMEOUT, std::future::pending())
            .await?
    };
    let session = Session::signed_in(profile.clone(), Persistence::Keychain(store), tokens)?;
    print_account(options, &profile, &session);
    Ok(())
}

pub async fn whoami(options: &Options) -> CliResult {
    let connection = context::connect(options).await?;
    // Redeeming the stored refresh token proves the sign-in still works and names the account.
    connection
        .session()
        .access_token(&http_client()?)
        .await
        .map_err(ErrorReport::from)?;
    print_account(options, connection.profile(), connection.session());
    Ok(())
}

pub fn logout(options: &Options) -> CliResult {
    if options.wants_demo() {
        return Ok(());
    }
    let profile = context::profile(options)?;
    forget(&profile)?;
    if options.json {
        println!("{}", json!({ "profile": profile.name, "signedIn": false }));
    } else {
        println!(
            "Signed out of {}: its tokens and device cache are removed.",
            profile.name
        );
    }
    Ok(())
}

/// Removes what the profile left behind: its keychain entries and its device cache.
pub fn forget(profile: &Profile) -> Result<(), ErrorReport> {
    InventoryFile::for_profile(&default_cache_dir()?, &profile.name).delete()?;
    let store = secret_store::native()?;
    store.delete(&intune_core::session::key(profile))?;
    Ok(())
}

fn print_account(options: &Options, profile: &Profile, session: &Session) {
    let account = session.account();
    if options.json {
        println!(
            "{}",
            json!({
                "profile": profile.name,
                "tenant": account.as_ref().map(|a| a.tenant_id.clone()).unwrap_or_else(|| profile.tenant.clone()),
                "username": account.as_ref().map(|a| a.username.clone()),
                "displayName": account.as_ref().map(|a| a.display_name.clone()),
                "granted": session.granted(),
                "keychain": session.is_persistent(),
            })
        );
        return;
    }
    match account {
        Some(a) => println!(
            "Signed in to {} as {} ({}), tenant {}.",
            profile.name, a.display_name, a.username, a.tenant_id
        ),
        None => println!("Signed in to {} (tenant {}).", profile.name, profile.tenant),
    }
    let granted = session.granted();
    if !granted.is_empty() {
        println!("Granted: {}", granted.join(", "));
    }
}

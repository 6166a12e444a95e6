//! `intune-actions login | whoami | logout`

use std::io::{IsTerminal, Read};
use std::path::PathBuf;

use clap::Args;
use intune_core::app_only::{AppCredential, AppSignIn};
use intune_core::connection::{Connection, SignInStep};
use intune_core::demo::DEMO_PROFILE;
use intune_core::devices::InventoryFile;
use intune_core::devices::inventory::default_cache_dir;
use intune_core::profile::{Profile, ProfileFile, SignInMethod, default_config_dir};
use intune_core::session::Persistence;
use intune_core::{Error, ErrorReport, Secret, secret_store};
use serde_json::json;

use crate::CliResult;
use crate::context::{self, Options};

#[derive(Args)]
#[group(multiple = false)]
pub struct LoginArgs {
    /// Sign in in the system browser (the default for most profiles).
    #[arg(long)]
    browser: bool,
    /// Sign in with a code entered on another device or browser.
    #[arg(long)]
    device_code: bool,
    /// Sign in as the app with a client secret, read from the INTUNE_ACTIONS_CLIENT_SECRET
    /// environment variable or standard input (never from an argument). Kept in the keychain.
    #[arg(long)]
    client_secret: bool,
    /// Sign in as the app with this certificate (.pfx or .p12 with its private key). A password, if
    /// it has one, is read from INTUNE_ACTIONS_CERTIFICATE_PASSWORD or standard input.
    #[arg(long, value_name = "PATH")]
    certificate: Option<PathBuf>,
    /// Use the Azure CLI's sign-in (`az login` first).
    #[arg(long)]
    azure_cli: bool,
}

const SECRET_VARIABLE: &str = "INTUNE_ACTIONS_CLIENT_SECRET";
const PASSWORD_VARIABLE: &str = "INTUNE_ACTIONS_CERTIFICATE_PASSWORD";

impl LoginArgs {
    /// The method asked for, else the profile's own.
    fn method(&self, profile: &Profile) -> Result<SignInMethod, ErrorReport> {
        Ok(if self.browser {
            SignInMethod::Browser
        } else if self.device_code {
            SignInMethod::DeviceCode
        } else if self.client_secret {
            SignInMethod::ClientSecret
        } else if let Some(path) = &self.certificate {
            // Kept absolute, so the profile works from any folder.
            let path = std::path::absolute(path).map_err(|source| {
                Error::Storage {
                    path: path.clone(),
                    source,
                }
                .report()
            })?;
            SignInMethod::Certificate {
                path: path.display().to_string(),
            }
        } else if self.azure_cli {
            SignInMethod::AzureCli
        } else {
            profile.method.clone()
        })
    }
}

pub async fn login(options: &Options, args: LoginArgs) -> CliResult {
    if options.wants_demo() {
        return Err(Error::InvalidInput {
            what: "the profile",
            why: format!("{DEMO_PROFILE:?} needs no sign-in; use --profile demo with any command"),
        }
        .report());
    }
    let saved = context::profile(options)?;
    let method = args.method(&saved)?;
    let profile = Profile {
        method: method.clone(),
        ..saved.clone()
    };
    // Reached first: with no keychain service at all, say so before a sign-in that cannot be kept
    // (a locked keychain shows only when the first secret is written).
    let store = secret_store::native()?;
    let connection = match &method {
        SignInMethod::Browser | SignInMethod::DeviceCode => {
            Connection::sign_in(
                &profile,
                Persistence::Keychain(store),
                show_step,
                std::future::pending(),
            )
            .await?
        }
        SignInMethod::ClientSecret => {
            let secret = read_secret(SECRET_VARIABLE, "Client secret: ")?.ok_or_else(|| {
                Error::InvalidInput {
                    what: "the client secret",
                    why: format!("it is empty; pipe it on standard input or set {SECRET_VARIABLE}"),
                }
                .report()
            })?;
            let sign_in = AppSignIn::ClientSecret(secret);
            Connection::sign_in_app(&profile, sign_in, Persistence::Keychain(store)).await?
        }
        SignInMethod::Certificate { path } => {
            let path = PathBuf::from(path);
            let without = AppSignIn::Certificate {
                path: path.clone(),
                password: None,
            };
            // Asked for only when the file turns out to need one.
            let sign_in = match AppCredential::new(&profile, &without) {
                Err(Error::InvalidInput { why, .. }) if why.contains("password") => {
                    AppSignIn::Certificate {
                        path,
                        password: read_secret(PASSWORD_VARIABLE, "Certificate password: ")?,
                    }
                }
                _ => without,
            };
            Connection::sign_in_app(&profile, sign_in, Persistence::Keychain(store)).await?
        }
        SignInMethod::AzureCli => {
            Connection::sign_in_app(&profile, AppSignIn::AzureCli, Persistence::Keychain(store))
                .await?
        }
    };
    if saved.method != method {
        let file = ProfileFile::in_dir(&default_config_dir()?);
        let mut set = file.load()?;
        set.set_method(&profile.name, method)?;
        file.save(&set)?;
    }
    print_account(options, &connection);
    Ok(())
}

fn show_step(step: SignInStep) {
    match step {
        SignInStep::DeviceCode {
            user_code,
            verification_uri,
            expires_in_secs,
        } => eprintln!(
            "To sign in, open {verification_uri} and enter the code {user_code} (it expires in {} minutes).",
            expires_in_secs / 60
        ),
        SignInStep::Browser { url } => {
            eprintln!("Opening the browser to sign in. If it does not open, visit:\n{url}");
            if let Err(e) = open::that_detached(&url) {
                eprintln!("(The browser could not be opened: {e}.)");
            }
        }
    }
}

/// A secret from its environment variable, else standard input: typed without echo on a terminal,
/// piped otherwise. Never an argument, which other users can see in the process list.
fn read_secret(variable: &str, prompt: &str) -> Result<Option<Secret>, ErrorReport> {
    if let Ok(value) = std::env::var(variable)
        && !value.is_empty()
    {
        return Ok(Some(Secret::new(value)));
    }
    let stdin = std::io::stdin();
    let text = if stdin.is_terminal() {
        rpassword::prompt_password(prompt)
    } else {
        let mut text = String::new();
        stdin.lock().read_to_string(&mut text).map(|_| text)
    }
    .map_err(|e| Error::Internal(format!("cannot read standard input: {e}")).report())?;
    let text = text.trim_end_matches(['\r', '\n']).to_string();
    Ok((!text.is_empty()).then(|| Secret::new(text)))
}

pub async fn whoami(options: &Options) -> CliResult {
    let connection = context::connect(options).await?;
    // Getting a token now proves the sign-in still works and names the account.
    connection.verify().await?;
    print_account(options, &connection);
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
    intune_core::connection::forget(&store, profile)?;
    Ok(())
}

fn print_account(options: &Options, connection: &Connection) {
    let summary = connection.summary();
    let profile = connection.profile();
    if options.json {
        println!(
            "{}",
            json!({
                "profile": profile.name,
                "tenant": summary.tenant,
                "method": serde_json::to_value(&profile.method).ok().and_then(|m| m["kind"].as_str().map(str::to_owned)),
                "username": summary.account.as_ref().map(|a| a.username.clone()),
                "displayName": summary.account.as_ref().map(|a| a.display_name.clone()),
                "granted": summary.granted,
                "keychain": summary.remembered,
            })
        );
        return;
    }
    match &summary.account {
        Some(a) => println!(
            "Signed in to {} as {} ({}), tenant {}, with {}.",
            profile.name,
            a.display_name,
            a.username,
            summary.tenant,
            method_name(&profile.method)
        ),
        None => println!(
            "Signed in to {} (tenant {}), with {}.",
            profile.name,
            summary.tenant,
            method_name(&profile.method)
        ),
    }
    if !summary.granted.is_empty() {
        println!("Granted: {}", summary.granted.join(", "));
    }
}

fn method_name(method: &SignInMethod) -> &'static str {
    match method {
        SignInMethod::Browser => "the browser",
        SignInMethod::DeviceCode => "a device code",
        SignInMethod::ClientSecret => "a client secret",
        SignInMethod::Certificate { .. } => "a certificate",
        SignInMethod::AzureCli => "the Azure CLI",
    }
}

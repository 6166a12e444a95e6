//! App-only sign-in (a client secret or certificate, for unattended help-desk kiosks) and the Azure
//! CLI's sign-in, through azure_identity's credentials. Both hand Graph tokens to the same
//! [`TokenSource`] interface a delegated session does.
//!
//! The client secret, and a certificate's password, live only in the OS keychain (or in memory for
//! a session-only sign-in); the certificate file stays where the admin keeps it.

mod transport;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use azure_core::cloud::{CloudConfiguration, CustomConfiguration};
use azure_core::credentials::{SecretBytes, TokenCredential};
use azure_core::http::{ClientOptions, ExponentialRetryOptions, RetryOptions, Transport};
use azure_identity::{
    AzureCliCredential, AzureCliCredentialOptions, ClientCertificateCredential,
    ClientCertificateCredentialOptions, ClientSecretCredential, ClientSecretCredentialOptions,
    Executor,
};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;

use crate::credential::{TokenFuture, TokenSource};
use crate::profile::{Cloud, Profile};
use crate::secret_store::{SecretKey, SecretStore};
use crate::signin::Account;
use crate::{Error, Result, Secret};

/// Renew this long before expiry, as a delegated session does.
const REFRESH_MARGIN: Duration = Duration::from_secs(300);
const CLIENT_SECRET: &str = "client-secret";
const CERTIFICATE: &str = "certificate";

/// What an app-only or Azure CLI sign-in needs besides the profile.
pub enum AppSignIn {
    ClientSecret(Secret),
    /// A PKCS #12 (.pfx/.p12) file with the RSA key, and its password if it has one.
    Certificate {
        path: PathBuf,
        password: Option<Secret>,
    },
    AzureCli,
}

impl AppSignIn {
    /// What signing in to `profile` needs, given the secret the admin typed: the client secret,
    /// or the certificate's password (`None`: it has none).
    pub fn for_profile(profile: &Profile, secret: Option<Secret>) -> Result<AppSignIn> {
        use crate::profile::SignInMethod;
        Ok(match &profile.method {
            SignInMethod::ClientSecret => {
                AppSignIn::ClientSecret(secret.ok_or_else(|| Error::InvalidInput {
                    what: "the client secret",
                    why: "it is empty; paste the secret's Value from the app registration".into(),
                })?)
            }
            SignInMethod::Certificate { path } => AppSignIn::Certificate {
                path: path.into(),
                password: secret,
            },
            SignInMethod::AzureCli => AppSignIn::AzureCli,
            SignInMethod::Browser | SignInMethod::DeviceCode => {
                return Err(Error::InvalidInput {
                    what: "the sign-in method",
                    why: "this profile signs in interactively, in the browser or with a code"
                        .into(),
                });
            }
        })
    }
}

/// A certificate's keychain entry: its presence means "signed in"; it holds the password, if any.
#[derive(Serialize, Deserialize)]
struct StoredCertificate {
    password: Option<String>,
}

type Build = Box<dyn Fn() -> Result<Arc<dyn TokenCredential>> + Send + Sync>;

struct Current {
    credential: Arc<dyn TokenCredential>,
    token: Option<(Secret, SystemTime)>,
}

/// An app's (or the Azure CLI's) Graph tokens for one profile.
pub struct AppCredential {
    scope: String,
    method: &'static str,
    /// Builds a fresh credential: azure_identity caches tokens inside one, and a token Graph refused
    /// must not come back from that cache.
    build: Build,
    current: Mutex<Current>,
    identity: std::sync::Mutex<Option<(Account, Vec<String>)>>,
}

impl AppCredential {
    pub fn new(profile: &Profile, sign_in: &AppSignIn) -> Result<AppCredential> {
        Self::with_executor(profile, sign_in, None)
    }

    /// As [`AppCredential::new`], with the Azure CLI run through `executor` (tests).
    pub fn with_executor(
        profile: &Profile,
        sign_in: &AppSignIn,
        executor: Option<Arc<dyn Executor>>,
    ) -> Result<AppCredential> {
        profile.validate()?;
        let (method, build): (&'static str, Build) = match sign_in {
            AppSignIn::ClientSecret(secret) => {
                if secret.expose().trim().is_empty() {
                    return Err(Error::InvalidInput {
                        what: "the client secret",
                        why: "it is empty; copy the secret's Value (not its ID) from the app registration".into(),
                    });
                }
                let (profile, secret) = (profile.clone(), secret.clone());
                (
                    "client secret",
                    Box::new(move || client_secret(&profile, &secret)),
                )
            }
            AppSignIn::Certificate { path, password } => {
                let bytes = read_certificate(path)?;
                let (profile, password) = (profile.clone(), password.clone());
                (
                    "certificate",
                    Box::new(move || certificate(&profile, &bytes, password.as_ref())),
                )
            }
            AppSignIn::AzureCli => {
                let profile = profile.clone();
                (
                    "Azure CLI",
                    Box::new(move || azure_cli(&profile, executor.clone())),
                )
            }
        };
        let credential = build()?;
        Ok(AppCredential {
            scope: format!("{}/.default", profile.cloud.graph_url()),
            method,
            build,
            current: Mutex::new(Current {
                credential,
                token: None,
            }),
            identity: std::sync::Mutex::new(None),
        })
    }

    /// Who the tokens are for (the app, or the Azure CLI's account) and what they grant, from the
    /// last token's claims; known after the first token.
    pub fn identity(&self) -> Option<(Account, Vec<String>)> {
        self.identity
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    async fn token(&self, rejected: Option<&Secret>) -> Result<Secret> {
        let mut current = self.current.lock().await;
        if let Some((token, expires)) = &current.token
            && SystemTime::now() + REFRESH_MARGIN < *expires
            && Some(token) != rejected
        {
            return Ok(token.clone());
        }
        if rejected.is_some() {
            current.credential = (self.build)()?;
        }
        let answer = current
            .credential
            .get_token(&[self.scope.as_str()], None)
            .await
            .map_err(|e| describe(&e, self.method))?;
        let token = Secret::new(answer.token.secret());
        let expires = SystemTime::UNIX_EPOCH
            + Duration::from_secs(answer.expires_on.unix_timestamp().max(0) as u64);
        if let Some(identity) = identity_from(&token) {
            *self.identity.lock().unwrap_or_else(|e| e.into_inner()) = Some(identity);
        }
        current.token = Some((token.clone(), expires));
        Ok(token)
    }
}

impl TokenSource for AppCredential {
    fn access_token(&self) -> TokenFuture<'_> {
        Box::pin(self.token(None))
    }

    fn renew<'a>(&'a self, rejected: &'a Secret) -> TokenFuture<'a> {
        Box::pin(self.token(Some(rejected)))
    }
}

/// Keeps what the sign-in needs to resume: the client secret, or the certificate's password.
pub fn remember(store: &SecretStore, profile: &Profile, sign_in: &AppSignIn) -> Result<()> {
    // One method's entry at a time: a profile that changed method keeps nothing from the old one.
    store.delete(&crate::session::key(profile))?;
    match sign_in {
        AppSignIn::ClientSecret(secret) => {
            store.delete(&certificate_key(profile))?;
            store.set(&secret_key(profile), secret)?;
            crate::issued_for::record(store, profile)
        }
        AppSignIn::Certificate { password, .. } => {
            store.delete(&secret_key(profile))?;
            let entry = StoredCertificate {
                password: password.as_ref().map(|p| p.expose().to_string()),
            };
            let json = serde_json::to_string(&entry)
                .map_err(|e| Error::Internal(format!("cannot encode the entry: {e}")))?;
            store.set(&certificate_key(profile), &Secret::new(json))?;
            crate::issued_for::record(store, profile)
        }
        AppSignIn::AzureCli => forget(store, profile),
    }
}

/// What the keychain holds for the profile's app-only method; `None`: not signed in.
pub fn recall(store: &SecretStore, profile: &Profile) -> Result<Option<AppSignIn>> {
    use crate::profile::SignInMethod;
    Ok(match &profile.method {
        SignInMethod::ClientSecret => store
            .get(&secret_key(profile))?
            .map(AppSignIn::ClientSecret),
        SignInMethod::Certificate { path } => match store.get(&certificate_key(profile))? {
            Some(entry) => {
                let stored: StoredCertificate =
                    serde_json::from_str(entry.expose()).map_err(|_| {
                        Error::Keychain("the certificate entry is damaged; sign in again".into())
                    })?;
                Some(AppSignIn::Certificate {
                    path: PathBuf::from(path),
                    password: stored.password.map(Secret::new),
                })
            }
            None => None,
        },
        SignInMethod::AzureCli => Some(AppSignIn::AzureCli),
        SignInMethod::Browser | SignInMethod::DeviceCode => None,
    })
}

/// Removes the profile's app-only entries (signing out, removing the profile).
pub fn forget(store: &SecretStore, profile: &Profile) -> Result<()> {
    store.delete(&secret_key(profile))?;
    store.delete(&certificate_key(profile))?;
    crate::issued_for::forget(store, profile)
}

fn secret_key(profile: &Profile) -> SecretKey {
    SecretKey::new(&profile.name, CLIENT_SECRET)
}

fn certificate_key(profile: &Profile) -> SecretKey {
    SecretKey::new(&profile.name, CERTIFICATE)
}

fn client_options(profile: &Profile) -> Result<ClientOptions> {
    let (cloud, plain_http) = cloud_of(&profile.cloud)?;
    Ok(ClientOptions {
        cloud: Some(Arc::new(cloud)),
        transport: Some(Transport::new(Arc::new(transport::Transport::new(
            plain_http,
        )?))),
        // A sign-in the admin waits for: a few quick tries, not azure_core's minute of them.
        retry: RetryOptions::exponential(ExponentialRetryOptions {
            max_retries: 2,
            max_total_elapsed: azure_core::time::Duration::seconds(20),
            ..Default::default()
        }),
        ..Default::default()
    })
}

/// The cloud as azure_identity knows it, and the loopback host to reach over plain HTTP, if any.
fn cloud_of(cloud: &Cloud) -> Result<(CloudConfiguration, Option<String>)> {
    Ok(match cloud {
        Cloud::Global => (CloudConfiguration::AzurePublic, None),
        Cloud::UsGovHigh | Cloud::UsGovDod => (CloudConfiguration::AzureGovernment, None),
        Cloud::China => (CloudConfiguration::AzureChina, None),
        Cloud::Custom { login_url, .. } => {
            let url = url::Url::parse(login_url).map_err(crate::signin::invalid_url)?;
            let host = url.host_str().unwrap_or_default().to_string();
            let authority = format!("{host}:{}", url.port_or_known_default().unwrap_or(443));
            let mut custom = CustomConfiguration::default();
            let plain_http = match url.scheme() {
                "https" => None,
                // Profile validation allows plain HTTP on loopback only.
                _ => Some(authority.clone()),
            };
            custom.authority_host = format!("https://{authority}");
            (custom.into(), plain_http)
        }
    })
}

fn client_secret(profile: &Profile, secret: &Secret) -> Result<Arc<dyn TokenCredential>> {
    let credential = ClientSecretCredential::new(
        &profile.tenant,
        profile.client_id.clone(),
        azure_core::credentials::Secret::new(secret.expose().to_string()),
        Some(ClientSecretCredentialOptions {
            client_options: client_options(profile)?,
        }),
    )
    .map_err(|e| describe(&e, "client secret"))?;
    Ok(credential)
}

fn certificate(
    profile: &Profile,
    pkcs12: &[u8],
    password: Option<&Secret>,
) -> Result<Arc<dyn TokenCredential>> {
    let credential = ClientCertificateCredential::new(
        profile.tenant.clone(),
        profile.client_id.clone(),
        SecretBytes::new(pkcs12.to_vec()),
        Some(ClientCertificateCredentialOptions {
            client_options: client_options(profile)?,
            password: password.map(|p| azure_core::credentials::Secret::new(p.expose().to_string())),
        }),
    )
    .map_err(|e| {
        let text = e.to_string();
        let why = if text.contains("PKCS12 parsing failed") {
            "the password is wrong, or the file is damaged".to_string()
        } else if text.contains("deserializing PKCS12") {
            "it is not a PKCS #12 (.pfx or .p12) file; export the certificate with its private key as .pfx".to_string()
        } else if text.contains("RSA") {
            "its key is not RSA; Entra ID app certificates need an RSA key".to_string()
        } else if text.contains("no private key") {
            "it holds no private key; export the certificate with its private key".to_string()
        } else {
            text
        };
        Error::InvalidInput {
            what: "the certificate",
            why,
        }
    })?;
    Ok(credential)
}

fn azure_cli(
    profile: &Profile,
    executor: Option<Arc<dyn Executor>>,
) -> Result<Arc<dyn TokenCredential>> {
    // "organizations" means "whichever tenant az is signed in to".
    let tenant = (!matches!(profile.tenant.as_str(), "organizations" | "common"))
        .then(|| profile.tenant.clone());
    let credential = AzureCliCredential::new(Some(AzureCliCredentialOptions {
        tenant_id: tenant,
        executor,
        ..Default::default()
    }))
    .map_err(|e| describe(&e, "Azure CLI"))?;
    Ok(credential)
}

fn read_certificate(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|source| Error::Storage {
        path: path.to_path_buf(),
        source,
    })
}

/// azure_identity's error in the product's words. Entra's `AADSTSnnnn: …` line is kept for support.
fn describe(error: &azure_core::Error, method: &str) -> Error {
    let mut unreachable = false;
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(cause) = source {
        if let Some(azure) = cause.downcast_ref::<azure_core::Error>()
            && matches!(
                azure.kind(),
                azure_core::error::ErrorKind::Io | azure_core::error::ErrorKind::Connection
            )
        {
            unreachable = true;
        }
        source = cause.source();
    }
    let text = error.to_string();
    if let Some(start) = text.find("AADSTS") {
        let detail = text[start..].lines().next().unwrap_or_default().to_string();
        return crate::signin::refusal("", detail);
    }
    if unreachable {
        return Error::Network(format!("the sign-in service ({method})"));
    }
    if method == "Azure CLI" {
        if text.contains("not found on PATH") || text.contains("wasn't found on PATH") {
            return Error::Unavailable {
                what: "The Azure CLI (az) is not installed, or not on the PATH".into(),
                next: "Install the Azure CLI and run az login, or choose another sign-in method."
                    .into(),
            };
        }
        if text.contains("az login") {
            return Error::SignInRequired(
                "the Azure CLI is not signed in: run az login in a terminal, then try again".into(),
            );
        }
    }
    let first = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("no reason given")
        .trim()
        .to_string();
    Error::SignInRefused(format!("{method} sign-in failed: {first}"))
}

#[derive(Deserialize)]
struct Claims {
    #[serde(default)]
    tid: String,
    #[serde(default)]
    upn: Option<String>,
    #[serde(default)]
    unique_name: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    app_displayname: Option<String>,
    #[serde(default)]
    appid: String,
    #[serde(default)]
    roles: Vec<String>,
    #[serde(default)]
    scp: Option<String>,
}

/// The account and the granted permissions, from a Graph token's claims. Graph tokens are JWTs
/// today; if one is not, the summary simply shows less.
fn identity_from(token: &Secret) -> Option<(Account, Vec<String>)> {
    let payload = token.expose().split('.').nth(1)?;
    let claims: Claims = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    let granted = match &claims.scp {
        Some(scopes) => scopes.split_whitespace().map(str::to_owned).collect(),
        None => claims.roles.clone(),
    };
    let account = match claims.upn.or(claims.unique_name) {
        Some(user) => Account {
            display_name: claims.name.unwrap_or_else(|| user.clone()),
            username: user,
            tenant_id: claims.tid,
        },
        None => Account {
            display_name: claims
                .app_displayname
                .unwrap_or_else(|| "App-only sign-in".into()),
            username: format!("app-only · {}", claims.appid),
            tenant_id: claims.tid,
        },
    };
    Some((account, granted))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(claims: serde_json::Value) -> Secret {
        Secret::new(format!(
            "e30.{}.sig",
            URL_SAFE_NO_PAD.encode(claims.to_string())
        ))
    }

    #[test]
    fn an_app_token_names_the_app_and_its_roles() {
        let (account, granted) = identity_from(&token(serde_json::json!({
            "tid": "t", "appid": "a-1", "app_displayname": "Kiosk", "roles": ["R.All"]
        })))
        .expect("claims");
        assert_eq!(account.display_name, "Kiosk");
        assert_eq!(account.username, "app-only · a-1");
        assert_eq!(granted, vec!["R.All"]);
    }

    #[test]
    fn a_user_token_names_the_user_and_its_scopes() {
        let (account, granted) = identity_from(&token(serde_json::json!({
            "tid": "t", "upn": "ada@contoso.com", "name": "Ada", "scp": "A.Read B.Write"
        })))
        .expect("claims");
        assert_eq!(account.username, "ada@contoso.com");
        assert_eq!(granted, vec!["A.Read", "B.Write"]);
        assert!(identity_from(&Secret::new("opaque")).is_none());
    }

    #[test]
    fn what_a_sign_in_needs_follows_the_profiles_method() {
        use crate::profile::SignInMethod;
        let profile = |method| Profile {
            name: "Kiosk".into(),
            cloud: Cloud::Global,
            tenant: "contoso.onmicrosoft.com".into(),
            client_id: "0b3e4a55-1c2d-4e5f-8a9b-0c1d2e3f4a5b".into(),
            method,
        };
        let secret = || Some(Secret::new("s"));
        assert!(matches!(
            AppSignIn::for_profile(&profile(SignInMethod::ClientSecret), secret()),
            Ok(AppSignIn::ClientSecret(_))
        ));
        let missing = AppSignIn::for_profile(&profile(SignInMethod::ClientSecret), None);
        assert!(missing.is_err_and(|e| e.to_string().contains("secret's Value")));
        let certificate = SignInMethod::Certificate {
            path: "/k.pfx".into(),
        };
        assert!(matches!(
            AppSignIn::for_profile(&profile(certificate), None),
            Ok(AppSignIn::Certificate { password: None, .. })
        ));
        assert!(matches!(
            AppSignIn::for_profile(&profile(SignInMethod::AzureCli), secret()),
            Ok(AppSignIn::AzureCli)
        ));
        assert!(AppSignIn::for_profile(&profile(SignInMethod::Browser), None).is_err());
    }

    #[test]
    fn a_loopback_http_host_is_reached_through_its_https_form() {
        let (cloud, plain) = cloud_of(&Cloud::Custom {
            login_url: "http://127.0.0.1:4321".into(),
            graph_url: "http://127.0.0.1:4321".into(),
        })
        .expect("cloud");
        assert_eq!(plain.as_deref(), Some("127.0.0.1:4321"));
        let CloudConfiguration::Custom(custom) = cloud else {
            panic!("custom")
        };
        assert_eq!(custom.authority_host, "https://127.0.0.1:4321");
        let (_, plain) = cloud_of(&Cloud::Custom {
            login_url: "https://login.example".into(),
            graph_url: "https://graph.example".into(),
        })
        .expect("cloud");
        assert_eq!(plain, None);
    }
}

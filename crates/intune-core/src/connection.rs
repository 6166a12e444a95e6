//! A connection to one tenant: the profile, how the admin is signed in, and the Graph client
//! built on it. The desktop app and the CLI both start from here.

use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

use crate::actions::pins::PinKeeper;
use crate::actions::{ActionService, Actor};
use crate::app_only::{self, AppCredential, AppSignIn};
use crate::audit::AuditLog;
use crate::credential::Delegated;
use crate::graph::GraphClient;
use crate::profile::{Profile, ProfileSet, SignInMethod};
use crate::secret_store::{self, SecretStore, SessionMemory};
use crate::session::{Persistence, Session};
use crate::signin::Account;
use crate::signin::DeviceCodeSignIn;
use crate::signin_browser::BrowserSignIn;
use crate::{Error, Result};

/// Who is signed in where: the account menu and the tray show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ConnectionSummary {
    pub profile: String,
    pub tenant: String,
    pub account: Option<Account>,
    pub granted: Vec<String>,
    /// The refresh token is in the keychain (false: this session only, or the demo).
    pub remembered: bool,
    pub is_demo: bool,
    /// Shown wherever the connection is in use, e.g. the demo's "no real device is affected".
    pub notice: Option<String>,
}

/// How long the browser sign-in waits for the admin.
pub const BROWSER_SIGN_IN_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(300);

/// What the admin must do to finish an interactive sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum SignInStep {
    /// Sign in on the page the system browser shows (opened for them; the link is the fallback).
    Browser { url: String },
    /// Enter this code on the verification page, on any device.
    DeviceCode {
        #[serde(rename = "userCode")]
        user_code: String,
        #[serde(rename = "verificationUri")]
        verification_uri: String,
        #[serde(rename = "expiresInSecs")]
        expires_in_secs: u32,
    },
}

/// What the app opens with, decided from the saved profiles.
#[derive(Debug, Clone, PartialEq)]
pub enum StartPlan {
    /// No profile is configured: a newcomer gets the demo tenant, signed in, at once.
    Demo,
    /// Resume the active profile with the refresh token in the keychain.
    Resume(Profile),
    /// Profiles exist but none is active: let the admin choose.
    Welcome,
}

/// A profile the admin can switch to, as the tray and the account menu list them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ProfileChoice {
    pub name: String,
    /// The profile in use now.
    pub current: bool,
    pub is_demo: bool,
}

/// The saved profiles in their order, then the demo tenant; `current` names the one in use.
pub fn profile_choices(profiles: &ProfileSet, current: Option<&str>) -> Vec<ProfileChoice> {
    let is_current = |name: &str| current.is_some_and(|c| c.eq_ignore_ascii_case(name));
    profiles
        .profiles
        .iter()
        .map(|p| ProfileChoice {
            name: p.name.clone(),
            current: is_current(&p.name),
            is_demo: false,
        })
        .chain(std::iter::once(ProfileChoice {
            name: crate::demo::DEMO_PROFILE.into(),
            current: is_current(crate::demo::DEMO_PROFILE),
            is_demo: true,
        }))
        .collect()
}

/// Removes everything the keychain keeps for a profile, whichever way it signed in: used when the
/// profile is removed or signed out without a live connection.
pub fn forget(store: &SecretStore, profile: &Profile) -> Result<()> {
    store.delete(&crate::session::key(profile))?;
    app_only::forget(store, profile)
}

pub fn start_plan(profiles: &ProfileSet) -> StartPlan {
    match profiles.active() {
        Some(profile) => StartPlan::Resume(profile.clone()),
        None if profiles.profiles.is_empty() => StartPlan::Demo,
        None => StartPlan::Welcome,
    }
}

/// How the connection is signed in.
enum Auth {
    Delegated(Arc<Session>),
    App {
        credential: Arc<AppCredential>,
        persistence: Persistence,
    },
}

pub struct Connection {
    profile: Profile,
    auth: Auth,
    graph: GraphClient,
    /// The demo: the simulated tenant, kept running for as long as the connection to it lives.
    demo: Option<InProcessTenant>,
}

/// A tenant running in this process (the demo tenant of the `intune-demo` crate).
pub struct InProcessTenant {
    pub devices: usize,
    /// Whatever keeps it running; dropped with the connection.
    pub keep_alive: Box<dyn std::any::Any + Send + Sync>,
}

impl Connection {
    /// Signed in to a tenant running in this process: the demo.
    pub fn in_process(
        session: Arc<Session>,
        http: crate::http::SignInClient,
        tenant: InProcessTenant,
    ) -> Result<Connection> {
        let mut connection = Connection::signed_in(session, http)?;
        connection.demo = Some(tenant);
        Ok(connection)
    }

    /// Signs in interactively with the profile's method, telling `on_step` what the admin must do
    /// (open the browser, or enter a code), until it completes, fails, or `cancel` completes.
    /// `persistence` says where the refresh token goes (the OS keychain, or nowhere).
    pub async fn sign_in(
        profile: &Profile,
        persistence: Persistence,
        on_step: impl Fn(SignInStep),
        cancel: impl std::future::Future<Output = ()>,
    ) -> Result<Connection> {
        profile.validate()?;
        let http = crate::signin::http_client()?;
        let tokens = match &profile.method {
            SignInMethod::Browser => {
                let flow = BrowserSignIn::start(profile).await?;
                on_step(SignInStep::Browser {
                    url: flow.authorize_url().to_string(),
                });
                flow.finish(&http, BROWSER_SIGN_IN_TIMEOUT, cancel).await?
            }
            SignInMethod::DeviceCode => {
                let flow = DeviceCodeSignIn::start(&http, profile).await?;
                let prompt = flow.prompt();
                on_step(SignInStep::DeviceCode {
                    user_code: prompt.user_code,
                    verification_uri: prompt.verification_uri,
                    expires_in_secs: prompt.expires_in.as_secs() as u32,
                });
                tokio::select! {
                    tokens = flow.finish(&http) => tokens?,
                    _ = cancel => return Err(Error::SignInDeclined),
                }
            }
            other => {
                return Err(Error::InvalidInput {
                    what: "the sign-in method",
                    why: format!(
                        "{other:?} is not an interactive sign-in; it signs in with the app's secret, certificate or the Azure CLI"
                    ),
                });
            }
        };
        if let Persistence::Keychain(store) = &persistence {
            app_only::forget(store, profile)?;
        }
        let session = Session::signed_in(profile.clone(), persistence, tokens)?;
        Connection::signed_in(Arc::new(session), http)
    }

    /// Signs in as the app (client secret or certificate) or with the Azure CLI. A first token is
    /// fetched before anything is kept, so a wrong secret is reported now and never stored.
    pub async fn sign_in_app(
        profile: &Profile,
        sign_in: AppSignIn,
        persistence: Persistence,
    ) -> Result<Connection> {
        let credential = Arc::new(AppCredential::new(profile, &sign_in)?);
        crate::credential::TokenSource::access_token(credential.as_ref()).await?;
        if let Persistence::Keychain(store) = &persistence {
            app_only::remember(store, profile, &sign_in)?;
        }
        Connection::with_app(profile, credential, persistence)
    }

    fn with_app(
        profile: &Profile,
        credential: Arc<AppCredential>,
        persistence: Persistence,
    ) -> Result<Connection> {
        let graph = GraphClient::new(profile.cloud.graph_url(), credential.clone())?;
        Ok(Connection {
            profile: profile.clone(),
            auth: Auth::App {
                credential,
                persistence,
            },
            graph,
            demo: None,
        })
    }

    /// Signs in with what the keychain keeps for the profile (a refresh token, a client secret, a
    /// certificate's password); nothing there means the admin must sign in.
    pub fn resume(profile: &Profile, store: SecretStore) -> Result<Connection> {
        let not_signed_in = || Error::NotSignedIn(profile.name.clone());
        // A stored sign-in goes only to the hosts it was issued for.
        if !matches!(profile.method, SignInMethod::AzureCli) {
            crate::issued_for::check(&store, profile)?;
        }
        match &profile.method {
            SignInMethod::Browser | SignInMethod::DeviceCode => {
                let session = Session::resume(profile.clone(), store)?.ok_or_else(not_signed_in)?;
                Connection::signed_in(Arc::new(session), crate::signin::http_client()?)
            }
            _ => {
                let sign_in = app_only::recall(&store, profile)?.ok_or_else(not_signed_in)?;
                let credential = Arc::new(AppCredential::new(profile, &sign_in)?);
                Connection::with_app(profile, credential, Persistence::Keychain(store))
            }
        }
    }

    /// Resumes, then redeems the saved sign-in at once: the account is known from the start, and a
    /// sign-in that no longer works (revoked, expired, secret removed) is found now, not on the
    /// first search. Without a network the connection is kept; it retries on its first request.
    pub async fn resume_verified(profile: &Profile, store: SecretStore) -> Result<Connection> {
        let connection = Connection::resume(profile, store)?;
        match connection.verify().await {
            Ok(()) | Err(Error::Network(_)) => Ok(connection),
            Err(other) => Err(other),
        }
    }

    /// After an interactive sign-in.
    pub fn signed_in(session: Arc<Session>, http: crate::http::SignInClient) -> Result<Connection> {
        let profile = session.profile().clone();
        let credential = Arc::new(Delegated::new(Arc::clone(&session), http));
        let graph = GraphClient::new(profile.cloud.graph_url(), credential)?;
        Ok(Connection {
            profile,
            auth: Auth::Delegated(session),
            graph,
            demo: None,
        })
    }

    pub fn summary(&self) -> ConnectionSummary {
        let (account, granted, remembered) = match &self.auth {
            Auth::Delegated(session) => (
                session.account(),
                session.granted(),
                session.is_persistent(),
            ),
            Auth::App {
                credential,
                persistence,
            } => {
                let (account, granted) = credential.identity().unzip();
                (
                    account,
                    granted.unwrap_or_default(),
                    matches!(persistence, Persistence::Keychain(_)),
                )
            }
        };
        ConnectionSummary {
            profile: self.profile.name.clone(),
            tenant: account
                .as_ref()
                .map(|a| a.tenant_id.clone())
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| self.profile.tenant.clone()),
            account,
            granted,
            remembered,
            is_demo: self.is_demo(),
            notice: self.is_demo().then(|| crate::demo::DEMO_NOTICE.to_string()),
        }
    }

    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// Proves the sign-in still works by getting a token now (refreshing, or asking the app's
    /// credential), which also names the account.
    pub async fn verify(&self) -> Result<()> {
        use crate::credential::TokenSource;
        match &self.auth {
            Auth::Delegated(session) => {
                session.access_token(&crate::signin::http_client()?).await?;
            }
            Auth::App { credential, .. } => {
                credential.access_token().await?;
            }
        }
        Ok(())
    }

    /// Signs out: tokens in memory go, and so does what the keychain kept for the profile. The
    /// Azure CLI's own sign-in is az's to end (`az logout`).
    pub async fn sign_out(&self) -> Result<()> {
        match &self.auth {
            Auth::Delegated(session) => session.sign_out().await,
            Auth::App { persistence, .. } => match persistence {
                Persistence::Keychain(store) => app_only::forget(store, &self.profile),
                Persistence::SessionOnly => Ok(()),
            },
        }
    }

    pub fn graph(&self) -> &GraphClient {
        &self.graph
    }

    pub fn is_demo(&self) -> bool {
        self.demo.is_some()
    }

    pub fn admin_center(&self) -> &str {
        self.profile.cloud.admin_center_url()
    }

    /// The actions of this tenant: audited in `data_dir`, with unlock PINs in the OS keychain (the
    /// demo's stay in memory, like its simulated devices).
    pub fn actions(&self, data_dir: &Path) -> Result<ActionService> {
        let summary = self.summary();
        let actor = Actor {
            profile: self.profile.name.clone(),
            account: summary
                .account
                .as_ref()
                .map(|a| a.username.clone())
                .unwrap_or_default(),
            tenant: summary.tenant.clone(),
        };
        let pins = if self.is_demo() {
            PinKeeper::in_memory(SessionMemory::store(), &self.profile.name)
        } else {
            PinKeeper::new(secret_store::native()?, &self.profile.name, data_dir)
        };
        Ok(ActionService::new(
            self.graph.clone(),
            self.admin_center(),
            actor,
            AuditLog::for_profile(data_dir, &self.profile.name),
            pins,
        )
        .with_granted(summary.granted)
        .with_account_source(self.account_source()))
    }

    /// Who is signed in, read again each time: a resumed sign-in learns it with its first token.
    fn account_source(&self) -> crate::actions::service::AccountSource {
        match &self.auth {
            Auth::Delegated(session) => {
                let session = Arc::clone(session);
                Arc::new(move || session.account().map(|a| a.username))
            }
            Auth::App { credential, .. } => {
                let credential = Arc::clone(credential);
                Arc::new(move || credential.identity().map(|(a, _)| a.username))
            }
        }
    }

    /// Names the tenant an inventory copy belongs to, so a copy never crosses tenants.
    pub fn inventory_source(&self) -> String {
        match &self.demo {
            // The demo's port changes every run; its fleet does not.
            Some(demo) => format!("demo|{}|{}", crate::demo::DEMO_SEED, demo.devices),
            None => format!("{}|{}", self.graph.root(), self.profile.tenant),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::{Cloud, SignInMethod};

    fn profile(name: &str) -> Profile {
        Profile {
            name: name.into(),
            cloud: Cloud::Global,
            tenant: "contoso.onmicrosoft.com".into(),
            client_id: "14d82eec-204b-4c2f-b7e8-296a70dab67e".into(),
            method: SignInMethod::Browser,
        }
    }

    #[test]
    fn choices_list_the_profiles_then_the_demo_and_mark_the_one_in_use() {
        let mut set = ProfileSet::default();
        set.add(profile("Contoso")).expect("valid");
        set.add(profile("Fabrikam")).expect("valid");
        let choices = profile_choices(&set, Some("fabrikam"));
        let names: Vec<(&str, bool, bool)> = choices
            .iter()
            .map(|c| (c.name.as_str(), c.current, c.is_demo))
            .collect();
        assert_eq!(
            names,
            vec![
                ("Contoso", false, false),
                ("Fabrikam", true, false),
                ("Demo tenant", false, true)
            ]
        );
        assert!(profile_choices(&set, None).iter().all(|c| !c.current));
    }

    #[test]
    fn no_profile_opens_the_demo() {
        assert_eq!(start_plan(&ProfileSet::default()), StartPlan::Demo);
    }

    #[test]
    fn the_active_profile_is_resumed() {
        let mut set = ProfileSet::default();
        set.add(profile("Contoso")).expect("valid");
        set.add(profile("Fabrikam")).expect("valid");
        set.use_profile("Fabrikam").expect("exists");
        assert_eq!(start_plan(&set), StartPlan::Resume(profile("Fabrikam")));
    }

    #[test]
    fn profiles_without_an_active_one_wait_for_the_admin() {
        let set = ProfileSet {
            active: None,
            profiles: vec![profile("Contoso")],
        };
        assert_eq!(start_plan(&set), StartPlan::Welcome);
    }
}

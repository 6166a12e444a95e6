//! A signed-in profile: the access token in memory, the refresh token in the OS keychain, and a
//! silent refresh shortly before the access token expires.

use std::time::{Duration, SystemTime};

use tokio::sync::Mutex;

use crate::profile::Profile;
use crate::secret_store::{SecretKey, SecretStore};
use crate::signin::{self, Account, TokenSet};
use crate::{Error, Result, Secret};

/// Refresh this long before expiry, so a request never leaves with a token about to lapse.
const REFRESH_MARGIN: Duration = Duration::from_secs(300);
const REFRESH_TOKEN: &str = "refresh-token";

/// Where the refresh token lives: the keychain, or nowhere (a session-only sign-in, offered when
/// the keychain is unavailable).
#[derive(Clone)]
pub enum Persistence {
    Keychain(SecretStore),
    SessionOnly,
}

struct Current {
    access_token: Secret,
    expires_at: SystemTime,
    refresh_token: Option<Secret>,
}

pub struct Session {
    profile: Profile,
    persistence: Persistence,
    /// From the id_token of the sign-in, or of a later refresh after a resume.
    account: std::sync::Mutex<Option<Account>>,
    granted: std::sync::Mutex<Vec<String>>,
    current: Mutex<Option<Current>>,
}

impl Session {
    /// After an interactive sign-in: keeps the tokens, storing the refresh token in the keychain.
    pub fn signed_in(
        profile: Profile,
        persistence: Persistence,
        tokens: TokenSet,
    ) -> Result<Session> {
        if let (Persistence::Keychain(store), Some(refresh)) = (&persistence, &tokens.refresh_token)
        {
            store.set(&key(&profile), refresh)?;
            crate::issued_for::record(store, &profile)?;
        }
        Ok(Session {
            account: std::sync::Mutex::new(tokens.account.clone()),
            granted: std::sync::Mutex::new(tokens.granted.clone()),
            current: Mutex::new(Some(Current {
                access_token: tokens.access_token,
                expires_at: tokens.expires_at,
                refresh_token: tokens.refresh_token,
            })),
            profile,
            persistence,
        })
    }

    /// At start-up: a profile whose refresh token is in the keychain is signed in without asking;
    /// the first request redeems it.
    pub fn resume(profile: Profile, store: SecretStore) -> Result<Option<Session>> {
        let Some(refresh_token) = store.get(&key(&profile))? else {
            return Ok(None);
        };
        Ok(Some(Session {
            profile,
            persistence: Persistence::Keychain(store),
            account: std::sync::Mutex::new(None),
            granted: std::sync::Mutex::new(Vec::new()),
            current: Mutex::new(Some(Current {
                access_token: Secret::new(""),
                expires_at: SystemTime::UNIX_EPOCH,
                refresh_token: Some(refresh_token),
            })),
        }))
    }

    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// Who is signed in; after a resume, known once the first refresh is done.
    pub fn account(&self) -> Option<Account> {
        self.account
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The permissions Entra granted with the last token.
    pub fn granted(&self) -> Vec<String> {
        self.granted
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Whether the refresh token lives in the keychain (it does unless signed in for this session only).
    pub fn is_persistent(&self) -> bool {
        matches!(self.persistence, Persistence::Keychain(_))
    }

    /// A valid access token, refreshing first when it is about to expire. A refresh token that is
    /// no longer accepted ends the session: its keychain entry is removed, and the error says to
    /// sign in again.
    pub async fn access_token(&self, http: &crate::http::SignInClient) -> Result<Secret> {
        let mut current = self.current.lock().await;
        if let Some(state) = current.as_ref()
            && SystemTime::now() + REFRESH_MARGIN < state.expires_at
        {
            return Ok(state.access_token.clone());
        }
        self.refresh(&mut current, http).await
    }

    /// Graph refused `rejected` before its time (revoked, or expired early): a new one is fetched
    /// with the refresh token, unless another request already replaced it.
    pub async fn renew(
        &self,
        http: &crate::http::SignInClient,
        rejected: &Secret,
    ) -> Result<Secret> {
        let mut current = self.current.lock().await;
        if let Some(state) = current.as_ref()
            && state.access_token != *rejected
            && SystemTime::now() + REFRESH_MARGIN < state.expires_at
        {
            return Ok(state.access_token.clone());
        }
        self.refresh(&mut current, http).await
    }

    async fn refresh(
        &self,
        current: &mut Option<Current>,
        http: &crate::http::SignInClient,
    ) -> Result<Secret> {
        let Some(state) = current.as_mut() else {
            return Err(Error::SignInRequired("signed out".into()));
        };
        let Some(mut refresh_token) = state.refresh_token.clone() else {
            return Err(Error::SignInRequired(
                "the access token expired and there is no refresh token".into(),
            ));
        };
        // Entra accepts each refresh token once. The app and the command line (or two commands)
        // share one: refreshes of a profile take turns across processes, and a process that comes
        // second uses the token the first one stored instead of the one it started with.
        let _turn = match &self.persistence {
            Persistence::Keychain(store) => {
                let turn = refresh_turn(&self.profile).await;
                if let Some(stored) = store.get(&key(&self.profile))?
                    && stored != refresh_token
                {
                    tracing::info!("another process refreshed this sign-in first; using its token");
                    refresh_token = stored;
                }
                turn
            }
            Persistence::SessionOnly => None,
        };
        match signin::refresh(http, &self.profile, &refresh_token).await {
            Ok(tokens) => {
                // A rotated refresh token replaces the stored one before it is used anywhere.
                let next_refresh = tokens.refresh_token.unwrap_or(refresh_token);
                if let Persistence::Keychain(store) = &self.persistence {
                    store.set(&key(&self.profile), &next_refresh)?;
                }
                if let Some(account) = tokens.account {
                    *self.account.lock().unwrap_or_else(|e| e.into_inner()) = Some(account);
                }
                if !tokens.granted.is_empty() {
                    *self.granted.lock().unwrap_or_else(|e| e.into_inner()) = tokens.granted;
                }
                state.access_token = tokens.access_token;
                state.expires_at = tokens.expires_at;
                state.refresh_token = Some(next_refresh);
                Ok(state.access_token.clone())
            }
            Err(error @ Error::SignInRequired(_)) => {
                *current = None;
                self.forget()?;
                Err(error)
            }
            Err(other) => Err(other),
        }
    }

    /// Signs out: the cached tokens go, and so does the keychain entry.
    pub async fn sign_out(&self) -> Result<()> {
        *self.current.lock().await = None;
        self.forget()
    }

    fn forget(&self) -> Result<()> {
        match &self.persistence {
            Persistence::Keychain(store) => {
                store.delete(&key(&self.profile))?;
                crate::issued_for::forget(store, &self.profile)
            }
            Persistence::SessionOnly => Ok(()),
        }
    }
}

/// Waits for this profile's turn to refresh, across processes: an exclusive lock on a file in the
/// data folder, released when the returned file is dropped. `None` when no lock can be had (no
/// data folder): the refresh goes ahead, as before.
async fn refresh_turn(profile: &Profile) -> Option<std::fs::File> {
    let name: String = profile.name.bytes().map(|b| format!("{b:02x}")).collect();
    let dir = crate::profile::default_data_dir().ok()?.join("sign-in");
    tokio::task::spawn_blocking(move || {
        crate::json_file::private_dir(&dir).ok()?;
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(format!("{name}.refresh.lock")))
            .ok()?;
        file.lock().ok()?;
        Some(file)
    })
    .await
    .ok()
    .flatten()
}

/// The keychain entry holding a profile's refresh token.
pub fn key(profile: &Profile) -> SecretKey {
    SecretKey::new(&profile.name, REFRESH_TOKEN)
}

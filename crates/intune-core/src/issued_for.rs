//! The hosts a stored sign-in was issued for, kept in the keychain beside it. A profile whose
//! sign-in or Graph host no longer matches (profiles.json was edited, by mistake or to send the
//! app's tokens elsewhere) gets no token or secret sent anywhere: the admin signs in again.
//!
//! Sign-ins stored before this record existed have none; they are used as they are, and bound at
//! their next sign-in.

use serde::{Deserialize, Serialize};

use crate::profile::Profile;
use crate::secret_store::{SecretKey, SecretStore};
use crate::{Error, Result, Secret};

const ISSUED_FOR: &str = "issued-for";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Hosts {
    login: String,
    graph: String,
}

fn hosts(profile: &Profile) -> Hosts {
    Hosts {
        login: host_of(profile.cloud.login_url()),
        graph: host_of(profile.cloud.graph_url()),
    }
}

/// Scheme, host and port: what decides where a token goes.
fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_else(|_| url.trim_end_matches('/').to_ascii_lowercase())
}

fn key(profile: &Profile) -> SecretKey {
    SecretKey::new(&profile.name, ISSUED_FOR)
}

/// After a sign-in is stored: binds it to the profile's hosts.
pub fn record(store: &SecretStore, profile: &Profile) -> Result<()> {
    let json = serde_json::to_string(&hosts(profile))
        .map_err(|e| Error::Internal(format!("hosts record: {e}")))?;
    store.set(&key(profile), &Secret::new(json))
}

/// Before a stored sign-in is used: refuses when the profile's hosts are not those it was issued
/// for.
pub fn check(store: &SecretStore, profile: &Profile) -> Result<()> {
    let Some(stored) = store.get(&key(profile))? else {
        return Ok(());
    };
    let issued: Hosts = serde_json::from_str(stored.expose()).map_err(|_| {
        Error::SignInRequired(format!(
            "the record of the hosts profile {:?} signed in to is damaged; sign in again",
            profile.name
        ))
    })?;
    let now = hosts(profile);
    if issued != now {
        tracing::warn!(profile = %profile.name, "the profile's hosts changed since its sign-in; its stored sign-in is not used");
        return Err(Error::SignInRequired(format!(
            "profile {:?} now points to {} and {}, but its saved sign-in was made for {} and {}; nothing was sent. If the change is intended, sign in again",
            profile.name, now.login, now.graph, issued.login, issued.graph
        )));
    }
    Ok(())
}

pub fn forget(store: &SecretStore, profile: &Profile) -> Result<()> {
    store.delete(&key(profile))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::{Cloud, SignInMethod};
    use crate::secret_store::SessionMemory;

    fn profile(login: &str, graph: &str) -> Profile {
        Profile {
            name: "Contoso".into(),
            cloud: Cloud::Custom {
                login_url: login.into(),
                graph_url: graph.into(),
            },
            tenant: "contoso.onmicrosoft.com".into(),
            client_id: "00000000-0000-0000-0000-000000000001".into(),
            method: SignInMethod::Browser,
        }
    }

    #[test]
    fn a_stored_sign_in_is_used_only_with_the_hosts_it_was_issued_for() {
        let store = SessionMemory::store();
        let signed_in = profile("https://login.contoso.test", "https://graph.contoso.test");
        check(&store, &signed_in).expect("nothing recorded yet: used as it is");
        record(&store, &signed_in).expect("recorded");
        check(&store, &signed_in).expect("same hosts");
        check(
            &store,
            &profile(
                "https://login.contoso.test/",
                "https://graph.contoso.test/v1.0",
            ),
        )
        .expect("a path is not another host");
        let moved = profile("https://login.contoso.test", "https://evil.example");
        let error = check(&store, &moved).expect_err("another Graph host");
        assert_eq!(error.kind(), crate::ErrorKind::SignInRequired);
        assert!(error.report().message.contains("evil.example"));
        forget(&store, &signed_in).expect("forgotten");
        check(&store, &moved).expect("nothing recorded any more");
    }
}

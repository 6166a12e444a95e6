//! A session against the simulated tenant: silent refresh with rotation into the keychain,
//! revocation leading to "sign in again", resume at start-up, session-only, sign-out.

use std::sync::Arc;
use std::time::Duration;

use intune_core::ErrorKind;
mod support;

use intune_core::profile::{Profile, SignInMethod};
use intune_core::secret_store::{KeyringRaw, SecretKey, SecretStore};
use intune_core::session::{Persistence, Session};
use intune_core::signin::{DeviceCodeSignIn, http_client};
use support::sim_profile;
use tenant_sim::{DeviceCodeConfig, SimConfig, SimHandle};

fn sim() -> SimHandle {
    tenant_sim::start(SimConfig {
        devices: 5,
        // Shorter than the refresh margin: every access_token() call refreshes.
        access_token_lifetime: Duration::from_secs(60),
        device_code: DeviceCodeConfig {
            interval_secs: 0,
            expires_in_secs: 900,
            auto_approve_after_polls: Some(0),
        },
        ..SimConfig::default()
    })
    .expect("sim")
}

fn profile(sim: &SimHandle) -> Profile {
    sim_profile(sim, "organizations", SignInMethod::DeviceCode)
}

fn keychain() -> SecretStore {
    let mock: Arc<keyring_core::CredentialStore> = keyring_core::mock::Store::new().expect("mock");
    SecretStore::new(Arc::new(KeyringRaw::new(mock, None)))
}

async fn signed_in(sim: &SimHandle, persistence: Persistence) -> Session {
    let http = http_client().expect("client");
    let flow = DeviceCodeSignIn::start(&http, &profile(sim))
        .await
        .expect("start");
    let tokens = flow.finish(&http).await.expect("tokens");
    Session::signed_in(profile(sim), persistence, tokens).expect("session")
}

fn stored(store: &SecretStore) -> Option<String> {
    store
        .get(&SecretKey::new("Sim", "refresh-token"))
        .expect("readable")
        .map(|s| s.expose().to_string())
}

async fn graph_status(sim: &SimHandle, token: &str) -> u16 {
    intune_core::signin::http_client()
        .expect("client")
        .reqwest()
        .get(format!(
            "{}/v1.0/deviceManagement/managedDevices",
            sim.base_url
        ))
        .bearer_auth(token)
        .send()
        .await
        .expect("graph")
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_refresh_rotates_the_stored_token_and_the_new_access_token_works() {
    let sim = sim();
    let store = keychain();
    let session = signed_in(&sim, Persistence::Keychain(store.clone())).await;
    let first = stored(&store).expect("stored after sign-in");
    assert_eq!(
        session.account().map(|a| a.username),
        Some(sim.tenant.admin_upn.clone())
    );

    let http = http_client().expect("client");
    let token = session.access_token(&http).await.expect("refreshed");
    let second = stored(&store).expect("still stored");
    assert_ne!(
        first, second,
        "the rotated refresh token replaced the old one"
    );
    assert_eq!(graph_status(&sim, token.expose()).await, 200);

    // At start-up, the keychain entry alone signs the profile in.
    let resumed = Session::resume(profile(&sim), store.clone())
        .expect("read")
        .expect("a session");
    let resumed_token = resumed.access_token(&http).await.expect("refreshed");
    assert_eq!(graph_status(&sim, resumed_token.expose()).await, 200);
}

#[tokio::test]
async fn a_revoked_refresh_token_asks_to_sign_in_again_and_clears_the_keychain() {
    let sim = sim();
    let store = keychain();
    let session = signed_in(&sim, Persistence::Keychain(store.clone())).await;
    let status = intune_core::signin::http_client()
        .expect("client")
        .reqwest()
        .post(format!("{}/_sim/tokens/revoke", sim.base_url))
        .send()
        .await
        .expect("revoke")
        .status();
    assert_eq!(status, 200);
    let error = session
        .access_token(&http_client().expect("client"))
        .await
        .expect_err("revoked");
    assert_eq!(error.kind(), ErrorKind::SignInRequired);
    assert_eq!(
        error.report().message.split(". ").last(),
        Some("Sign in again.")
    );
    assert!(stored(&store).is_none());
    assert!(
        Session::resume(profile(&sim), store)
            .expect("read")
            .is_none()
    );
}

#[tokio::test]
async fn session_only_stores_nothing_and_sign_out_forgets_everything() {
    let sim = sim();
    let store = keychain();
    let session_only = signed_in(&sim, Persistence::SessionOnly).await;
    assert!(stored(&store).is_none());
    assert!(
        session_only
            .access_token(&http_client().expect("client"))
            .await
            .is_ok()
    );

    let kept = signed_in(&sim, Persistence::Keychain(store.clone())).await;
    assert!(stored(&store).is_some());
    kept.sign_out().await.expect("signed out");
    assert!(stored(&store).is_none());
    let after = kept
        .access_token(&http_client().expect("client"))
        .await
        .expect_err("signed out");
    assert_eq!(after.kind(), ErrorKind::SignInRequired);
}

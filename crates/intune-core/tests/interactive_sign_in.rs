//! The app's interactive sign-in (`Connection::sign_in`) against the simulated tenant: each method
//! tells what the admin must do, ends in a working Graph connection, keeps the refresh token where
//! it was asked to, and stops on cancel.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use intune_core::app_only::AppSignIn;
use intune_core::connection::{Connection, SignInStep};
use intune_core::devices::remote;
use intune_core::profile::{Profile, SignInMethod};
use intune_core::secret_store::{KeyringRaw, SecretStore, SessionMemory};
use intune_core::session::{self, Persistence};
use intune_core::{ErrorKind, Secret};
use support::sim_profile;
use tenant_sim::{DeviceCodeConfig, SimConfig};

fn sim() -> tenant_sim::SimHandle {
    tenant_sim::start(SimConfig {
        devices: 12,
        device_code: DeviceCodeConfig {
            interval_secs: 1,
            expires_in_secs: 60,
            auto_approve_after_polls: Some(1),
        },
        ..SimConfig::default()
    })
    .expect("sim")
}

#[tokio::test]
async fn device_code_shows_the_code_then_signs_in_and_keeps_the_token_where_asked() {
    let sim = sim();
    let profile = sim_profile(&sim, &sim.tenant.tenant_id, SignInMethod::DeviceCode);
    let store = SessionMemory::store();
    let steps = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&steps);
    let connection = Connection::sign_in(
        &profile,
        Persistence::Keychain(store.clone()),
        move |step| seen.lock().expect("lock").push(step),
        std::future::pending(),
    )
    .await
    .expect("signed in");
    let steps = steps.lock().expect("lock").clone();
    assert!(
        matches!(steps.as_slice(), [SignInStep::DeviceCode { user_code, .. }] if !user_code.is_empty()),
        "{steps:?}"
    );
    assert!(connection.summary().remembered);
    assert!(store.get(&session::key(&profile)).expect("read").is_some());
    let devices = remote::list(connection.graph(), None, |_| {})
        .await
        .expect("Graph answers with the new sign-in");
    assert_eq!(devices.len(), 12);
}

#[tokio::test]
async fn a_session_only_sign_in_stores_nothing() {
    let sim = sim();
    let profile = sim_profile(&sim, &sim.tenant.tenant_id, SignInMethod::DeviceCode);
    let connection = Connection::sign_in(
        &profile,
        Persistence::SessionOnly,
        |_| {},
        std::future::pending(),
    )
    .await
    .expect("signed in");
    assert!(!connection.summary().remembered);
}

#[tokio::test]
async fn the_browser_method_gives_the_page_to_open_and_finishes_when_the_browser_comes_back() {
    let sim = sim();
    let profile = sim_profile(&sim, &sim.tenant.tenant_id, SignInMethod::Browser);
    let (url_tx, url_rx) = tokio::sync::oneshot::channel();
    let url_tx = Mutex::new(Some(url_tx));
    // The browser's part: load the page, follow the redirect back to the app's listener.
    let browser = tokio::spawn(async move {
        let url: String = url_rx.await.expect("a page to open");
        let client = intune_core::signin::http_client().expect("client");
        let http = client.reqwest();
        let page = http.get(&url).send().await.expect("sign-in page");
        let back = page.headers()["location"]
            .to_str()
            .expect("ascii")
            .to_string();
        http.get(&back).send().await.expect("the app's listener");
    });
    let connection = Connection::sign_in(
        &profile,
        Persistence::SessionOnly,
        move |step| {
            if let SignInStep::Browser { url } = step
                && let Some(tx) = url_tx.lock().expect("lock").take()
            {
                let _ = tx.send(url);
            }
        },
        std::future::pending(),
    )
    .await
    .expect("signed in");
    browser.await.expect("the browser finished");
    assert_eq!(connection.profile().name, profile.name);
}

#[tokio::test]
async fn cancelling_stops_the_sign_in_in_plain_words() {
    let sim = tenant_sim::start(SimConfig {
        devices: 3,
        device_code: DeviceCodeConfig {
            interval_secs: 1,
            expires_in_secs: 60,
            auto_approve_after_polls: None,
        },
        ..SimConfig::default()
    })
    .expect("sim");
    let profile = sim_profile(&sim, &sim.tenant.tenant_id, SignInMethod::DeviceCode);
    let error = Connection::sign_in(
        &profile,
        Persistence::SessionOnly,
        |_| {},
        tokio::time::sleep(Duration::from_millis(300)),
    )
    .await
    .map(|_| ())
    .expect_err("cancelled");
    assert_eq!(error.kind(), ErrorKind::SignInCancelled);
}

#[tokio::test]
async fn app_only_methods_are_not_interactive_and_sign_in_with_their_secret_instead() {
    let sim = sim();
    let profile = Profile {
        client_id: sim.tenant.app_client_id.clone(),
        ..sim_profile(&sim, &sim.tenant.tenant_id, SignInMethod::ClientSecret)
    };
    let error = Connection::sign_in(
        &profile,
        Persistence::SessionOnly,
        |_| {},
        std::future::pending(),
    )
    .await
    .map(|_| ())
    .expect_err("refused");
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
    assert!(
        error.to_string().contains("not an interactive sign-in"),
        "{error}"
    );

    let store = keychain();
    let secret = AppSignIn::ClientSecret(Secret::new(sim.tenant.client_secret.clone()));
    let connection =
        Connection::sign_in_app(&profile, secret, Persistence::Keychain(store.clone()))
            .await
            .expect("signed in as the app");
    let summary = connection.summary();
    assert!(summary.remembered);
    assert_eq!(
        summary.account.map(|a| a.display_name),
        Some("Intune Actions kiosk".to_string())
    );

    // At the next start the keychain alone signs it in, and names the account at once; signing
    // out forgets the secret.
    let resumed = Connection::resume_verified(&profile, store.clone())
        .await
        .expect("resumed");
    assert_eq!(
        resumed.summary().account.map(|a| a.display_name),
        Some("Intune Actions kiosk".to_string())
    );
    resumed.sign_out().await.expect("signed out");
    let error = Connection::resume(&profile, store)
        .err()
        .expect("signed out");
    assert_eq!(error.kind(), ErrorKind::SignInRequired);
}

fn keychain() -> SecretStore {
    let mock: Arc<keyring_core::CredentialStore> = keyring_core::mock::Store::new().expect("mock");
    SecretStore::new(Arc::new(KeyringRaw::new(mock, None)))
}

#[tokio::test]
async fn a_resume_at_start_names_the_account_finds_a_revoked_sign_in_and_survives_no_network() {
    let sim = sim();
    let profile = sim_profile(&sim, &sim.tenant.tenant_id, SignInMethod::DeviceCode);
    let store = keychain();
    Connection::sign_in(
        &profile,
        Persistence::Keychain(store.clone()),
        |_| {},
        std::future::pending(),
    )
    .await
    .expect("signed in");

    let resumed = Connection::resume_verified(&profile, store.clone())
        .await
        .expect("resumed");
    assert_eq!(
        resumed.summary().account.map(|a| a.username),
        Some(sim.tenant.admin_upn.clone())
    );

    // The profile pointed elsewhere: the kept sign-in is not sent there.
    let elsewhere = Profile {
        cloud: intune_core::profile::Cloud::Custom {
            login_url: "http://127.0.0.1:9".into(),
            graph_url: "http://127.0.0.1:9".into(),
        },
        ..profile.clone()
    };
    let refused = Connection::resume_verified(&elsewhere, store.clone()).await;
    assert_eq!(
        refused.err().map(|e| e.kind()),
        Some(ErrorKind::SignInRequired),
        "hosts it was not issued for"
    );

    let revoked = intune_core::signin::http_client()
        .expect("client")
        .reqwest()
        .post(format!("{}/_sim/tokens/revoke", sim.base_url))
        .send()
        .await
        .expect("revoke");
    assert!(revoked.status().is_success());
    let error = Connection::resume_verified(&profile, store.clone())
        .await
        .err()
        .expect("revoked");
    assert_eq!(error.kind(), ErrorKind::SignInRequired);

    // Offline (the tenant's hosts do not answer): kept, to retry on its first request.
    Connection::sign_in(
        &profile,
        Persistence::Keychain(store.clone()),
        |_| {},
        std::future::pending(),
    )
    .await
    .expect("signed in again");
    drop(sim);
    let kept = Connection::resume_verified(&profile, store).await;
    assert!(kept.is_ok(), "{:?}", kept.err());
}

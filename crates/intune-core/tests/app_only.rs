//! App-only sign-in (client secret, client certificate) and the Azure CLI's sign-in against the
//! simulated tenant, through azure_identity's credentials and our transport.

mod support;

use std::ffi::OsStr;
use std::os::unix::process::ExitStatusExt;
use std::process::Output;
use std::sync::Arc;

use intune_core::app_only::{self, AppCredential, AppSignIn};
use intune_core::credential::TokenSource;
use intune_core::graph::{GraphClient, Version};
use intune_core::profile::{Profile, SignInMethod};
use intune_core::secret_store::{KeyringRaw, SecretStore};
use intune_core::{ErrorKind, Secret};
use support::{quick_policy, sim_profile};
use tenant_sim::{SimConfig, SimHandle};

fn sim_with(config: SimConfig) -> SimHandle {
    tenant_sim::start(SimConfig {
        devices: 4,
        ..config
    })
    .expect("sim")
}

fn app_profile(sim: &SimHandle, method: SignInMethod) -> Profile {
    Profile {
        client_id: sim.tenant.app_client_id.clone(),
        ..sim_profile(sim, &sim.tenant.tenant_id, method)
    }
}

async fn device_count(
    sim: &SimHandle,
    credential: Arc<AppCredential>,
) -> intune_core::Result<usize> {
    let graph = GraphClient::with_policy(&sim.base_url, credential, quick_policy(), None)?;
    let url = graph.url(Version::V1, "deviceManagement/managedDevices");
    let page: serde_json::Value = graph.get_json(&url, "devices").await?;
    Ok(page["value"].as_array().map_or(0, Vec::len))
}

fn keychain() -> SecretStore {
    let mock: Arc<keyring_core::CredentialStore> = keyring_core::mock::Store::new().expect("mock");
    SecretStore::new(Arc::new(KeyringRaw::new(mock, None)))
}

#[tokio::test]
async fn a_client_secret_reads_devices_as_the_app_and_survives_a_refused_token() {
    let sim = sim_with(SimConfig::default());
    let profile = app_profile(&sim, SignInMethod::ClientSecret);
    let secret = AppSignIn::ClientSecret(Secret::new(sim.tenant.client_secret.clone()));
    let credential = Arc::new(AppCredential::new(&profile, &secret).expect("credential"));
    assert_eq!(
        device_count(&sim, Arc::clone(&credential))
            .await
            .expect("read"),
        4
    );

    let (account, granted) = credential.identity().expect("known after a token");
    assert_eq!(account.display_name, "Intune Actions kiosk");
    assert_eq!(account.tenant_id, sim.tenant.tenant_id);
    assert!(
        granted
            .iter()
            .any(|g| g == "DeviceManagementManagedDevices.PrivilegedOperations.All")
    );

    // The service drops the token early: a new one comes from a fresh credential, not the cache.
    let issued = sim.issued_tokens().len();
    sim.expire_access_tokens();
    assert_eq!(
        device_count(&sim, Arc::clone(&credential))
            .await
            .expect("renewed"),
        4
    );
    assert_eq!(sim.issued_tokens().len(), issued + 1);
}

#[tokio::test]
async fn a_wrong_client_secret_is_refused_in_entras_words() {
    let sim = sim_with(SimConfig::default());
    let profile = app_profile(&sim, SignInMethod::ClientSecret);
    let credential = AppCredential::new(&profile, &AppSignIn::ClientSecret(Secret::new("nope")))
        .expect("credential");
    let error = credential.access_token().await.expect_err("refused");
    assert_eq!(error.kind(), ErrorKind::SignInFailed);
    let message = error.report().message;
    assert!(
        message.contains("AADSTS7000215: Invalid client secret provided"),
        "{message}"
    );
    assert!(
        !message.contains("nope"),
        "the secret is never repeated: {message}"
    );

    let empty = AppCredential::new(&profile, &AppSignIn::ClientSecret(Secret::new("  ")));
    assert_eq!(empty.err().map(|e| e.kind()), Some(ErrorKind::InvalidInput));
}

#[tokio::test]
async fn a_registered_certificate_signs_in_and_others_are_refused() {
    let issued = tenant_sim::certificate::issue("Kiosk", "pfx-password").expect("cert");
    let stranger = tenant_sim::certificate::issue("Stranger", "").expect("cert");
    let sim = sim_with(SimConfig {
        app_certificates: vec![issued.certificate_der.clone()],
        ..SimConfig::default()
    });
    let dir = tempfile::tempdir().expect("dir");
    let (kiosk, other, junk) = (
        dir.path().join("kiosk.pfx"),
        dir.path().join("stranger.pfx"),
        dir.path().join("notes.txt"),
    );
    std::fs::write(&kiosk, &issued.pkcs12).expect("write");
    std::fs::write(&other, &stranger.pkcs12).expect("write");
    std::fs::write(&junk, "not a certificate").expect("write");
    let profile = app_profile(
        &sim,
        SignInMethod::Certificate {
            path: kiosk.display().to_string(),
        },
    );
    let with = |path: &std::path::Path, password: Option<&str>| AppSignIn::Certificate {
        path: path.to_path_buf(),
        password: password.map(Secret::new),
    };

    let credential = AppCredential::new(&profile, &with(&kiosk, Some("pfx-password"))).expect("ok");
    assert_eq!(
        device_count(&sim, Arc::new(credential))
            .await
            .expect("read"),
        4
    );

    let wrong = AppCredential::new(&profile, &with(&kiosk, Some("guess")))
        .err()
        .expect("refused");
    assert_eq!(wrong.kind(), ErrorKind::InvalidInput);
    assert!(wrong.to_string().contains("password is wrong"), "{wrong}");

    let not_pfx = AppCredential::new(&profile, &with(&junk, None))
        .err()
        .expect("refused");
    assert!(not_pfx.to_string().contains("not a PKCS #12"), "{not_pfx}");

    let missing = AppCredential::new(&profile, &with(&dir.path().join("gone.pfx"), None));
    assert_eq!(missing.err().map(|e| e.kind()), Some(ErrorKind::Storage));

    let unregistered = AppCredential::new(&profile, &with(&other, None)).expect("parses");
    let error = unregistered
        .access_token()
        .await
        .expect_err("not registered");
    assert_eq!(error.kind(), ErrorKind::SignInFailed);
    assert!(error.to_string().contains("AADSTS700027"), "{error}");
}

#[tokio::test]
async fn an_unreachable_sign_in_host_is_a_network_error() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let profile = Profile {
        name: "Offline".into(),
        cloud: intune_core::profile::Cloud::Custom {
            login_url: format!("http://127.0.0.1:{port}"),
            graph_url: format!("http://127.0.0.1:{port}"),
        },
        tenant: "contoso.onmicrosoft.com".into(),
        client_id: "0b3e4a55-1c2d-4e5f-8a9b-0c1d2e3f4a5b".into(),
        method: SignInMethod::ClientSecret,
    };
    let credential = AppCredential::new(&profile, &AppSignIn::ClientSecret(Secret::new("s")))
        .expect("credential");
    let error = credential.access_token().await.expect_err("nobody listens");
    assert_eq!(error.kind(), ErrorKind::Network, "{error}");
}

/// Stands in for `az`: answers `az account get-access-token` with a fixed exit code and output.
#[derive(Debug)]
struct FakeAz {
    code: i32,
    stdout: String,
    stderr: String,
}

#[async_trait::async_trait]
impl azure_identity::Executor for FakeAz {
    async fn run(&self, _program: &OsStr, args: &[&OsStr]) -> std::io::Result<Output> {
        let command = args
            .last()
            .map(|a| a.to_string_lossy().to_string())
            .unwrap_or_default();
        assert!(command.contains("az account get-access-token"), "{command}");
        Ok(Output {
            status: std::process::ExitStatus::from_raw(self.code << 8),
            stdout: self.stdout.clone().into_bytes(),
            stderr: self.stderr.clone().into_bytes(),
        })
    }
}

fn az(code: i32, stdout: &str, stderr: &str) -> Option<Arc<dyn azure_identity::Executor>> {
    Some(Arc::new(FakeAz {
        code,
        stdout: stdout.into(),
        stderr: stderr.into(),
    }))
}

#[tokio::test]
async fn the_azure_cli_token_reads_devices_and_its_failures_say_what_to_do() {
    let sim = sim_with(SimConfig::default());
    let profile = app_profile(&sim, SignInMethod::AzureCli);
    // What `az` would print: a token for the tenant (here one the simulated tenant issued).
    let app = AppCredential::new(
        &profile,
        &AppSignIn::ClientSecret(Secret::new(sim.tenant.client_secret.clone())),
    )
    .expect("credential");
    let token = app.access_token().await.expect("token");
    let expires_on = chrono::Utc::now().timestamp() + 3000;
    let answer = serde_json::json!({
        "accessToken": token.expose(), "expiresOn": "2026-11-23 12:00:00.000000",
        "expires_on": expires_on, "tenant": sim.tenant.tenant_id, "tokenType": "Bearer"
    })
    .to_string();
    let cli = AppCredential::with_executor(&profile, &AppSignIn::AzureCli, az(0, &answer, ""))
        .expect("credential");
    assert_eq!(device_count(&sim, Arc::new(cli)).await.expect("read"), 4);

    let signed_out = AppCredential::with_executor(
        &profile,
        &AppSignIn::AzureCli,
        az(1, "", "ERROR: Please run 'az login' to setup account.\n"),
    )
    .expect("credential");
    let error = signed_out.access_token().await.expect_err("not signed in");
    assert_eq!(error.kind(), ErrorKind::SignInRequired);
    assert!(error.to_string().contains("run az login"), "{error}");

    let missing = AppCredential::with_executor(
        &profile,
        &AppSignIn::AzureCli,
        az(127, "", "/bin/sh: 1: az: not found\n"),
    )
    .expect("credential");
    let error = missing.access_token().await.expect_err("no az");
    assert!(
        error.report().message.contains("Install the Azure CLI"),
        "{error}"
    );
}

#[test]
fn the_keychain_keeps_the_secret_or_the_certificate_password_and_forgets_both() {
    let store = keychain();
    let sim = sim_with(SimConfig::default());
    let secret_profile = app_profile(&sim, SignInMethod::ClientSecret);
    assert!(
        app_only::recall(&store, &secret_profile)
            .expect("read")
            .is_none()
    );
    app_only::remember(
        &store,
        &secret_profile,
        &AppSignIn::ClientSecret(Secret::new("s3cret")),
    )
    .expect("stored");
    match app_only::recall(&store, &secret_profile).expect("read") {
        Some(AppSignIn::ClientSecret(secret)) => assert_eq!(secret.expose(), "s3cret"),
        _ => panic!("the secret is recalled"),
    }
    app_only::forget(&store, &secret_profile).expect("forgotten");
    assert!(
        app_only::recall(&store, &secret_profile)
            .expect("read")
            .is_none()
    );

    let cert_profile = Profile {
        name: "Kiosk".into(),
        ..app_profile(
            &sim,
            SignInMethod::Certificate {
                path: "/certs/kiosk.pfx".into(),
            },
        )
    };
    let sign_in = AppSignIn::Certificate {
        path: "/certs/kiosk.pfx".into(),
        password: None,
    };
    app_only::remember(&store, &cert_profile, &sign_in).expect("stored");
    match app_only::recall(&store, &cert_profile).expect("read") {
        Some(AppSignIn::Certificate { path, password }) => {
            assert_eq!(path, std::path::PathBuf::from("/certs/kiosk.pfx"));
            assert!(password.is_none());
        }
        _ => panic!("the certificate is recalled"),
    }
    app_only::forget(&store, &cert_profile).expect("forgotten");
    assert!(
        app_only::recall(&store, &cert_profile)
            .expect("read")
            .is_none()
    );
}

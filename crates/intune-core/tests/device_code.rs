//! Device-code sign-in against the simulated tenant: approved, declined, expired, wrong tenant.

use intune_core::ErrorKind;
mod support;

use intune_core::profile::{Cloud, Profile, SignInMethod};
use intune_core::signin::{DeviceCodeSignIn, http_client};
use support::sim_profile;
use tenant_sim::{DeviceCodeConfig, SimConfig, SimHandle};

fn sim(config: DeviceCodeConfig) -> SimHandle {
    tenant_sim::start(SimConfig {
        devices: 5,
        device_code: config,
        ..SimConfig::default()
    })
    .expect("sim")
}

fn profile(sim: &SimHandle, tenant: &str) -> Profile {
    sim_profile(sim, tenant, SignInMethod::DeviceCode)
}

async fn approve(sim: &SimHandle, user_code: &str, approve: bool) {
    let status = intune_core::signin::http_client()
        .expect("client")
        .reqwest()
        .post(format!("{}/_sim/devicecode/approve", sim.base_url))
        .header("content-type", "application/json")
        .body(serde_json::json!({"userCode": user_code, "approve": approve}).to_string())
        .send()
        .await
        .expect("the sim answers")
        .status();
    assert_eq!(status, 204);
}

#[tokio::test]
async fn an_approved_device_code_gives_tokens_and_the_account() {
    let sim = sim(DeviceCodeConfig {
        interval_secs: 0,
        expires_in_secs: 900,
        auto_approve_after_polls: None,
    });
    let http = http_client().expect("client");
    let flow = DeviceCodeSignIn::start(&http, &profile(&sim, "organizations"))
        .await
        .expect("started");
    let prompt = flow.prompt();
    assert!(prompt.verification_uri.ends_with("/devicelogin"));
    assert!(prompt.message.contains(&prompt.user_code));
    approve(&sim, &prompt.user_code, true).await;
    let tokens = flow.finish(&http).await.expect("signed in");
    assert!(!tokens.access_token.is_empty());
    assert!(tokens.refresh_token.is_some());
    assert!(
        tokens
            .granted
            .iter()
            .any(|s| s.ends_with("PrivilegedOperations.All"))
    );
    let account = tokens.account.as_ref().expect("account from id_token");
    assert_eq!(account.username, sim.tenant.admin_upn);
    assert_eq!(account.tenant_id, sim.tenant.tenant_id);
    let printed = format!("{tokens:?}");
    assert!(
        !printed.contains(tokens.access_token.expose()),
        "Debug must not show the token"
    );
}

#[tokio::test]
async fn polling_waits_through_pending_answers() {
    let sim = sim(DeviceCodeConfig {
        interval_secs: 0,
        expires_in_secs: 900,
        auto_approve_after_polls: Some(3),
    });
    let http = http_client().expect("client");
    let flow = DeviceCodeSignIn::start(&http, &profile(&sim, &sim.tenant.tenant_id))
        .await
        .expect("started");
    assert!(flow.finish(&http).await.is_ok());
}

#[tokio::test]
async fn declined_and_expired_codes_say_so() {
    let sim_declined = sim(DeviceCodeConfig {
        interval_secs: 0,
        expires_in_secs: 900,
        auto_approve_after_polls: None,
    });
    let http = http_client().expect("client");
    let flow = DeviceCodeSignIn::start(&http, &profile(&sim_declined, "organizations"))
        .await
        .expect("started");
    approve(&sim_declined, &flow.prompt().user_code, false).await;
    let declined = flow.finish(&http).await.expect_err("declined");
    assert_eq!(declined.kind(), ErrorKind::SignInCancelled);

    let sim_expiring = sim(DeviceCodeConfig {
        interval_secs: 1,
        expires_in_secs: 0,
        auto_approve_after_polls: None,
    });
    let flow = DeviceCodeSignIn::start(&http, &profile(&sim_expiring, "organizations"))
        .await
        .expect("started");
    let expired = flow.finish(&http).await.expect_err("expired");
    assert_eq!(expired.kind(), ErrorKind::SignInRequired, "{expired}");
    assert!(expired.report().message.contains("Start the sign-in again"));
}

#[tokio::test]
async fn an_unknown_tenant_or_an_unreachable_host_is_explained() {
    let sim = sim(DeviceCodeConfig {
        interval_secs: 0,
        expires_in_secs: 900,
        auto_approve_after_polls: None,
    });
    let http = http_client().expect("client");
    let wrong = DeviceCodeSignIn::start(&http, &profile(&sim, "fabrikam.example"))
        .await
        .err()
        .expect("refused");
    assert_eq!(wrong.kind(), ErrorKind::SignInFailed);
    assert!(wrong.to_string().contains("AADSTS90002"), "{wrong}");

    let mut gone = profile(&sim, "organizations");
    gone.cloud = Cloud::Custom {
        login_url: "http://127.0.0.1:9".into(),
        graph_url: "http://127.0.0.1:9".into(),
    };
    let offline = DeviceCodeSignIn::start(&http, &gone)
        .await
        .err()
        .expect("no network");
    assert_eq!(offline.kind(), ErrorKind::Network);
    assert!(offline.report().message.contains("Check the network"));
}

//! Entra ID behaviour over HTTP: the flows a desktop public client and an app-only client use.

mod support;

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use support::*;
use tenant_sim::{DeviceCodeConfig, SimConfig};

#[test]
fn browser_flow_with_pkce_returns_tokens_and_an_id_token_naming_the_admin() {
    let sim = start(small(10));
    let location = authorize(
        &sim,
        &format!("openid profile offline_access {READ}"),
        "xyz",
    );
    assert_eq!(location.host_str(), Some("localhost"));
    assert_eq!(query_param(&location, "state").as_deref(), Some("xyz"));
    let code = query_param(&location, "code").expect("code");

    let wrong = token_request(
        &sim,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", &sim.tenant.client_id),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", "not-the-verifier"),
        ],
    );
    assert_eq!(wrong.status(), 400);
    assert_eq!(
        wrong.json::<Value>().expect("json")["error"],
        "invalid_grant"
    );

    // The failed redemption used the code up, as Entra does: sign in again.
    let tokens = sign_in(&sim, &format!("openid profile offline_access {READ}"));
    assert_eq!(tokens["token_type"], "Bearer");
    assert!(tokens["refresh_token"].as_str().is_some());
    assert!(
        tokens["scope"]
            .as_str()
            .expect("scope")
            .contains("Read.All")
    );
    let id_token = tokens["id_token"].as_str().expect("id token");
    let claims: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(id_token.split('.').nth(1).expect("payload"))
            .expect("base64url"),
    )
    .expect("json claims");
    assert_eq!(claims["tid"], sim.tenant.tenant_id.as_str());
    assert_eq!(claims["preferred_username"], sim.tenant.admin_upn.as_str());
}

#[test]
fn a_code_works_once_and_only_with_its_redirect_uri() {
    let sim = start(small(1));
    let location = authorize(&sim, READ, "s");
    let code = query_param(&location, "code").expect("code");
    let redeem = |redirect: &str| {
        token_request(
            &sim,
            &[
                ("grant_type", "authorization_code"),
                ("client_id", &sim.tenant.client_id),
                ("code", &code),
                ("redirect_uri", redirect),
                ("code_verifier", VERIFIER),
            ],
        )
    };
    assert_eq!(redeem("http://localhost:1/other").status(), 400);
    let location = authorize(&sim, READ, "s");
    let code2 = query_param(&location, "code").expect("code");
    let ok = token_request(
        &sim,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", &sim.tenant.client_id),
            ("code", &code2),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ],
    );
    assert_eq!(ok.status(), 200);
    let again = token_request(
        &sim,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", &sim.tenant.client_id),
            ("code", &code2),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ],
    );
    assert_eq!(
        again.json::<Value>().expect("json")["error"],
        "invalid_grant"
    );
}

#[test]
fn authorize_refuses_foreign_redirects_missing_pkce_and_unknown_tenants() {
    let sim = start(small(1));
    let url = |tenant: &str| format!("{}/{tenant}/oauth2/v2.0/authorize", sim.base_url);
    let base = [
        ("client_id", sim.tenant.client_id.as_str()),
        ("response_type", "code"),
        ("scope", READ),
    ];
    let evil = client()
        .get(url(&sim.tenant.tenant_id))
        .query(&base)
        .query(&[
            ("redirect_uri", "https://evil.example/cb"),
            ("code_challenge", "x"),
            ("code_challenge_method", "S256"),
        ])
        .send()
        .expect("answers");
    assert_eq!(evil.status(), 400);
    assert!(evil.text().expect("text").contains("AADSTS50011"));
    let no_pkce = client()
        .get(url(&sim.tenant.tenant_id))
        .query(&base)
        .query(&[("redirect_uri", REDIRECT)])
        .send()
        .expect("answers");
    assert_eq!(no_pkce.status(), 400);
    let unknown = client()
        .get(url("00000000-0000-0000-0000-000000000000"))
        .query(&base)
        .send()
        .expect("answers");
    assert!(unknown.text().expect("text").contains("AADSTS90002"));
}

#[test]
fn denied_consent_redirects_with_access_denied_and_the_state() {
    let sim = start(SimConfig {
        deny_consent: true,
        ..small(1)
    });
    let location = authorize(&sim, READ, "keep-me");
    assert_eq!(
        query_param(&location, "error").as_deref(),
        Some("access_denied")
    );
    assert_eq!(query_param(&location, "state").as_deref(), Some("keep-me"));
    assert!(query_param(&location, "code").is_none());
}

#[test]
fn refresh_tokens_rotate_and_a_used_or_revoked_one_is_invalid_grant() {
    let sim = start(small(1));
    let tokens = sign_in(&sim, &format!("offline_access {READ}"));
    let first = tokens["refresh_token"]
        .as_str()
        .expect("refresh")
        .to_string();
    let refresh = |token: &str| {
        token_request(
            &sim,
            &[
                ("grant_type", "refresh_token"),
                ("client_id", &sim.tenant.client_id),
                ("refresh_token", token),
            ],
        )
    };
    let rotated: Value = refresh(&first).json().expect("json");
    let second = rotated["refresh_token"]
        .as_str()
        .expect("a new refresh token");
    assert_ne!(second, first);
    assert_eq!(
        refresh(&first).json::<Value>().expect("json")["error"],
        "invalid_grant"
    );

    assert_eq!(control(&sim, "tokens/revoke", json!({})).status(), 200);
    let revoked: Value = refresh(second).json().expect("json");
    assert_eq!(revoked["error"], "invalid_grant");
    assert!(
        revoked["error_description"]
            .as_str()
            .expect("text")
            .starts_with("AADSTS")
    );
}

fn device_code_sim(config: DeviceCodeConfig) -> tenant_sim::SimHandle {
    start(SimConfig {
        device_code: config,
        ..small(1)
    })
}

fn request_device_code(sim: &tenant_sim::SimHandle) -> Value {
    client()
        .post(format!(
            "{}/organizations/oauth2/v2.0/devicecode",
            sim.base_url
        ))
        .form(&[
            ("client_id", sim.tenant.client_id.as_str()),
            ("scope", &format!("offline_access {READ}")),
        ])
        .send()
        .expect("answers")
        .json()
        .expect("json")
}

fn poll(sim: &tenant_sim::SimHandle, device_code: &str) -> Value {
    token_request(
        sim,
        &[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("client_id", &sim.tenant.client_id),
            ("device_code", device_code),
        ],
    )
    .json()
    .expect("json")
}

#[test]
fn device_code_is_pending_until_approved_then_issues_tokens_once() {
    let sim = device_code_sim(DeviceCodeConfig {
        interval_secs: 0,
        expires_in_secs: 900,
        auto_approve_after_polls: None,
    });
    let grant = request_device_code(&sim);
    assert_eq!(grant["expires_in"], 900);
    assert!(
        grant["message"]
            .as_str()
            .expect("message")
            .contains(grant["user_code"].as_str().expect("code"))
    );
    let device_code = grant["device_code"].as_str().expect("device code");
    assert_eq!(poll(&sim, device_code)["error"], "authorization_pending");
    let approve = control(
        &sim,
        "devicecode/approve",
        json!({"userCode": grant["user_code"]}),
    );
    assert_eq!(approve.status(), 204);
    assert!(poll(&sim, device_code)["access_token"].is_string());
    assert_eq!(poll(&sim, device_code)["error"], "bad_verification_code");
}

#[test]
fn device_code_polled_too_fast_says_slow_down() {
    let sim = device_code_sim(DeviceCodeConfig {
        interval_secs: 30,
        expires_in_secs: 900,
        auto_approve_after_polls: None,
    });
    let grant = request_device_code(&sim);
    let device_code = grant["device_code"].as_str().expect("device code");
    assert_eq!(poll(&sim, device_code)["error"], "authorization_pending");
    assert_eq!(poll(&sim, device_code)["error"], "slow_down");
}

#[test]
fn device_code_declined_expired_and_auto_approved() {
    let sim = device_code_sim(DeviceCodeConfig {
        interval_secs: 0,
        expires_in_secs: 900,
        auto_approve_after_polls: Some(2),
    });
    let auto = request_device_code(&sim);
    let code = auto["device_code"].as_str().expect("code");
    assert_eq!(poll(&sim, code)["error"], "authorization_pending");
    assert_eq!(poll(&sim, code)["error"], "authorization_pending");
    assert!(poll(&sim, code)["access_token"].is_string());

    let declined = request_device_code(&sim);
    control(
        &sim,
        "devicecode/approve",
        json!({"userCode": declined["user_code"], "approve": false}),
    );
    assert_eq!(
        poll(&sim, declined["device_code"].as_str().expect("code"))["error"],
        "authorization_declined"
    );

    let expiring = device_code_sim(DeviceCodeConfig {
        interval_secs: 0,
        expires_in_secs: 0,
        auto_approve_after_polls: None,
    });
    let grant = request_device_code(&expiring);
    std::thread::sleep(Duration::from_millis(20));
    assert_eq!(
        poll(&expiring, grant["device_code"].as_str().expect("code"))["error"],
        "expired_token"
    );
}

#[test]
fn client_credentials_need_the_secret_and_a_default_scope() {
    let sim = start(small(3));
    let conn = sim.connection();
    let request = |secret: &str, scope: &str| {
        token_request(
            &sim,
            &[
                ("grant_type", "client_credentials"),
                ("client_id", &conn.app_client_id),
                ("client_secret", secret),
                ("scope", scope),
            ],
        )
    };
    let wrong = request("nope", "https://graph.microsoft.com/.default");
    assert_eq!(wrong.status(), 401);
    assert_eq!(
        wrong.json::<Value>().expect("json")["error"],
        "invalid_client"
    );
    assert_eq!(
        request(&conn.client_secret, READ)
            .json::<Value>()
            .expect("json")["error"],
        "invalid_scope"
    );
    let ok: Value = request(&conn.client_secret, "https://graph.microsoft.com/.default")
        .json()
        .expect("json");
    let token = ok["access_token"].as_str().expect("token");
    assert!(ok.get("refresh_token").is_none());
    let list = get(&sim, token, "/v1.0/deviceManagement/managedDevices");
    assert_eq!(list.status(), 200);
}

//! Helpers for talking to a running tenant the way a client would.

#![allow(dead_code)]

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::blocking::{Client, Response};
use serde_json::Value;
use sha2::{Digest, Sha256};
use tenant_sim::{SimConfig, SimHandle};

pub const READ: &str = "https://graph.microsoft.com/DeviceManagementManagedDevices.Read.All";
pub const PRIVILEGED: &str =
    "https://graph.microsoft.com/DeviceManagementManagedDevices.PrivilegedOperations.All";

pub fn start(config: SimConfig) -> SimHandle {
    tenant_sim::start(config).expect("the sim starts")
}

pub fn small(devices: usize) -> SimConfig {
    SimConfig {
        devices,
        checkin_delay: std::time::Duration::ZERO,
        ..SimConfig::default()
    }
}

/// A client that, like the app's, does not follow redirects.
pub fn client() -> Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

pub fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

pub const VERIFIER: &str = "a-long-random-code-verifier-with-enough-entropy-0123456789abcdef";
pub const REDIRECT: &str = "http://localhost:53111/";

/// Follows the authorize redirect like a browser would, returning the Location it sends back to.
pub fn authorize(sim: &SimHandle, scope: &str, state: &str) -> url::Url {
    authorize_as(sim, scope, state, None)
}

/// The same, signed in as the account `login_hint` names (the tenant's first without one).
pub fn authorize_as(
    sim: &SimHandle,
    scope: &str,
    state: &str,
    login_hint: Option<&str>,
) -> url::Url {
    let response = client()
        .get(format!(
            "{}/{}/oauth2/v2.0/authorize",
            sim.base_url, sim.tenant.tenant_id
        ))
        .query(&[
            ("client_id", sim.tenant.client_id.as_str()),
            ("response_type", "code"),
            ("redirect_uri", REDIRECT),
            ("scope", scope),
            ("state", state),
            ("code_challenge", &challenge(VERIFIER)),
            ("code_challenge_method", "S256"),
            ("login_hint", login_hint.unwrap_or("")),
        ])
        .send()
        .expect("authorize answers");
    assert_eq!(
        response.status(),
        302,
        "authorize redirects: {:?}",
        response.text()
    );
    let location = response.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_string();
    url::Url::parse(&location).expect("a URL")
}

pub fn query_param(url: &url::Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

pub fn token_request(sim: &SimHandle, form: &[(&str, &str)]) -> Response {
    client()
        .post(format!(
            "{}/{}/oauth2/v2.0/token",
            sim.base_url, sim.tenant.tenant_id
        ))
        .form(form)
        .send()
        .expect("token endpoint answers")
}

/// Signs in through the browser flow and returns the token response.
pub fn sign_in(sim: &SimHandle, scopes: &str) -> Value {
    sign_in_as(sim, scopes, None)
}

pub fn sign_in_as(sim: &SimHandle, scopes: &str, upn: Option<&str>) -> Value {
    let location = authorize_as(sim, scopes, "st", upn);
    let code = query_param(&location, "code").expect("a code");
    let response = token_request(
        sim,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", &sim.tenant.client_id),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ],
    );
    assert_eq!(response.status(), 200);
    response.json().expect("json")
}

pub fn admin_token(sim: &SimHandle) -> String {
    token_as(sim, None)
}

/// An access token with read and privileged permissions for the account `upn` names.
pub fn token_as(sim: &SimHandle, upn: Option<&str>) -> String {
    let scopes = format!("openid profile offline_access {READ} {PRIVILEGED}");
    sign_in_as(sim, &scopes, upn)["access_token"]
        .as_str()
        .expect("access token")
        .to_string()
}

pub fn get(sim: &SimHandle, token: &str, path: &str) -> Response {
    client()
        .get(format!("{}{path}", sim.base_url))
        .bearer_auth(token)
        .header("client-request-id", "test-crid-1")
        .send()
        .expect("graph answers")
}

pub fn post(sim: &SimHandle, token: &str, path: &str) -> reqwest::Result<Response> {
    client()
        .post(format!("{}{path}", sim.base_url))
        .bearer_auth(token)
        .header("client-request-id", "test-crid-2")
        .send()
}

pub fn control(sim: &SimHandle, path: &str, body: Value) -> Response {
    client()
        .post(format!("{}/_sim/{path}", sim.base_url))
        .json(&body)
        .send()
        .expect("control answers")
}

pub fn device_path(version: &str, id: &str) -> String {
    format!("/{version}/deviceManagement/managedDevices/{id}")
}

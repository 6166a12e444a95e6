//! Graph refusing an access token the app still thought valid (401): the token is renewed once and
//! the request repeated; a second refusal says "sign in again", or names the clock when this
//! computer's time is far from Microsoft's.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use intune_core::credential::{TokenFuture, TokenSource};
use intune_core::graph::{GraphClient, RetryPolicy, Version};
use intune_core::{Error, ErrorKind, Secret};
use support::{graph_for, quick_policy};
use tenant_sim::SimConfig;

const DEVICES: &str = "/v1.0/deviceManagement/managedDevices";

/// A signed-in client for a small tenant, after one successful read.
async fn read_once() -> (intune_demo::Demo, GraphClient, String) {
    let (demo, client) = graph_for(
        SimConfig {
            devices: 3,
            ..SimConfig::default()
        },
        quick_policy(),
    )
    .await;
    let url = client.url(Version::V1, "deviceManagement/managedDevices");
    let _: serde_json::Value = client.get_json(&url, "devices").await.expect("first read");
    (demo, client, url)
}

#[tokio::test]
async fn an_access_token_expired_by_the_service_is_renewed_once_and_the_read_succeeds() {
    let (demo, client, url) = read_once().await;
    let issued_before = demo.sim().issued_tokens().len();

    demo.sim().expire_access_tokens();
    let page: serde_json::Value = client.get_json(&url, "devices").await.expect("renewed");
    assert_eq!(page["value"].as_array().map(Vec::len), Some(3));
    // One refresh: a new access token and its rotated refresh token.
    assert_eq!(demo.sim().issued_tokens().len(), issued_before + 2);
}

#[tokio::test]
async fn a_refused_token_whose_refresh_token_was_revoked_asks_to_sign_in_again() {
    let (demo, client, url) = read_once().await;
    demo.sim().expire_access_tokens();
    let revoked = intune_core::signin::http_client()
        .expect("client")
        .reqwest()
        .post(format!("{}/_sim/tokens/revoke", demo.sim().base_url))
        .send()
        .await
        .expect("revoke");
    assert!(revoked.status().is_success());

    let error = client
        .get_json::<serde_json::Value>(&url, "devices")
        .await
        .expect_err("signed out");
    assert_eq!(error.kind(), ErrorKind::SignInRequired);
    assert!(error.report().message.ends_with("Sign in again."));
}

/// Hands out `token-1`, `token-2`, … : each renewal gives a new one.
#[derive(Default)]
struct Counting {
    renewals: AtomicUsize,
}

impl TokenSource for Counting {
    fn access_token(&self) -> TokenFuture<'_> {
        let n = self.renewals.load(Ordering::SeqCst);
        Box::pin(async move { Ok(Secret::new(format!("token-{n}"))) })
    }

    fn renew<'a>(&'a self, rejected: &'a Secret) -> TokenFuture<'a> {
        let n = self.renewals.fetch_add(1, Ordering::SeqCst) + 1;
        assert_eq!(rejected.expose(), format!("token-{}", n - 1));
        Box::pin(async move { Ok(Secret::new(format!("token-{n}"))) })
    }
}

fn client(server: &mockito::Server, source: Arc<Counting>) -> GraphClient {
    let policy = RetryPolicy {
        attempts: 2,
        first_backoff: Duration::from_millis(10),
        ..RetryPolicy::default()
    };
    GraphClient::with_policy(&server.url(), source, policy, None).expect("client")
}

fn http_date(at: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(at)
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

fn refused(server: &mut mockito::Server, method: &str, token: &str, date: &str) -> mockito::Mock {
    server
        .mock(method, DEVICES)
        .match_header("authorization", format!("Bearer {token}").as_str())
        .with_status(401)
        .with_header("date", date)
        .with_header("content-type", "application/json")
        .with_body(r#"{"error":{"code":"InvalidAuthenticationToken","message":"Access token has expired or is not yet valid."}}"#)
        .create()
}

#[tokio::test]
async fn an_action_refused_with_401_is_sent_again_with_the_renewed_token() {
    let mut server = mockito::Server::new_async().await;
    let now = http_date(SystemTime::now());
    let first = refused(&mut server, "POST", "token-0", &now).expect(1);
    let second = server
        .mock("POST", DEVICES)
        .match_header("authorization", "Bearer token-1")
        .with_status(204)
        .expect(1)
        .create();
    let source = Arc::new(Counting::default());
    let graph = client(&server, Arc::clone(&source));
    let answer = graph
        .post(&format!("{}{DEVICES}", server.url()))
        .await
        .expect("sent with the new token");
    assert_eq!(answer.status, 204);
    assert_eq!(source.renewals.load(Ordering::SeqCst), 1);
    first.assert();
    second.assert();
}

#[tokio::test]
async fn a_renewed_token_refused_again_asks_to_sign_in_again_without_looping() {
    let mut server = mockito::Server::new_async().await;
    let now = http_date(SystemTime::now());
    let _first = refused(&mut server, "GET", "token-0", &now);
    let _second = refused(&mut server, "GET", "token-1", &now);
    let source = Arc::new(Counting::default());
    let error = client(&server, Arc::clone(&source))
        .get_json::<serde_json::Value>(&format!("{}{DEVICES}", server.url()), "devices")
        .await
        .expect_err("refused twice");
    assert_eq!(error.kind(), ErrorKind::SignInRequired);
    assert_eq!(source.renewals.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_refusal_from_a_server_two_hours_ahead_names_the_clock() {
    let mut server = mockito::Server::new_async().await;
    let later = http_date(SystemTime::now() + Duration::from_secs(2 * 3600 + 90));
    let _first = refused(&mut server, "GET", "token-0", &later);
    let _second = refused(&mut server, "GET", "token-1", &later);
    let error = client(&server, Arc::new(Counting::default()))
        .get_json::<serde_json::Value>(&format!("{}{DEVICES}", server.url()), "devices")
        .await
        .expect_err("refused twice");
    assert!(
        matches!(error, Error::ClockSkew { offset_secs: Some(s) } if s < -7000),
        "{error:?}"
    );
    assert_eq!(error.kind(), ErrorKind::ClockSkew);
    let message = error.report().message;
    assert!(
        message.starts_with(
            "The sign-in was refused because this computer's clock is 2 hours behind Microsoft's."
        ),
        "{message}"
    );
    assert!(message.contains("turn on automatic time"), "{message}");
}

#[tokio::test]
async fn a_gateway_error_to_an_action_is_an_unknown_outcome_sent_exactly_once() {
    for status in [500, 502, 503, 504] {
        let mut server = mockito::Server::new_async().await;
        let post = server
            .mock("POST", DEVICES)
            .with_status(status)
            .with_header("content-type", "application/json")
            .with_body(r#"{"error":{"code":"ServiceUnavailable","message":"The service is temporarily unavailable."}}"#)
            .expect(1)
            .create();
        let graph = client(&server, Arc::new(Counting::default()));
        let error = graph
            .post_as(&format!("{}{DEVICES}", server.url()), "crid-made-first")
            .await
            .expect_err("no answer to trust");
        assert_eq!(error.kind(), ErrorKind::OutcomeUnknown, "{status}");
        post.assert();
    }
}

#[tokio::test]
async fn a_throttled_action_is_tried_again_with_the_client_request_id_made_before_it() {
    let mut server = mockito::Server::new_async().await;
    let throttled = server
        .mock("POST", DEVICES)
        .match_header("client-request-id", "crid-made-first")
        .with_status(429)
        .with_header("retry-after", "0")
        .expect(1)
        .create();
    let graph = client(&server, Arc::new(Counting::default()));
    let url = format!("{}{DEVICES}", server.url());
    let accepted = server
        .mock("POST", DEVICES)
        .match_header("client-request-id", "crid-made-first")
        .with_status(204)
        .expect(1)
        .create();
    let answer = graph
        .post_as(&url, "crid-made-first")
        .await
        .expect("sent after the wait");
    assert_eq!(answer.client_request_id, "crid-made-first");
    throttled.assert();
    accepted.assert();
}

//! Browser sign-in against the simulated tenant, with the test playing the browser.

use std::time::Duration;

use intune_core::ErrorKind;
mod support;

use intune_core::profile::{Profile, SignInMethod};
use intune_core::signin::http_client;
use intune_core::signin_browser::BrowserSignIn;
use support::sim_profile;
use tenant_sim::{SimConfig, SimHandle};

fn sim(deny: bool) -> SimHandle {
    tenant_sim::start(SimConfig {
        devices: 5,
        deny_consent: deny,
        ..SimConfig::default()
    })
    .expect("sim")
}

fn profile(sim: &SimHandle) -> Profile {
    sim_profile(sim, &sim.tenant.tenant_id, SignInMethod::Browser)
}

/// A client that, as a browser shows a redirect, does not follow it on its own.
fn browser() -> reqwest::Client {
    intune_core::signin::http_client()
        .expect("client")
        .reqwest()
        .clone()
}

/// What a browser does: load the sign-in page, follow its redirect back to the app. Returns the
/// page the app's listener showed.
async fn follow(authorize_url: String) -> (u16, String) {
    let client = browser();
    let answer = client
        .get(&authorize_url)
        .send()
        .await
        .expect("sign-in page");
    assert_eq!(answer.status(), 302);
    let back = answer.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_string();
    assert!(back.starts_with("http://localhost:"), "{back}");
    let page = client.get(&back).send().await.expect("the app's listener");
    (page.status().as_u16(), page.text().await.expect("text"))
}

#[tokio::test]
async fn the_full_flow_signs_in_and_tells_the_browser_tab_it_can_close() {
    let sim = sim(false);
    let flow = BrowserSignIn::start(&profile(&sim)).await.expect("started");
    let url = flow.authorize_url().to_string();
    assert!(
        url.contains("code_challenge_method=S256") && url.contains("state="),
        "{url}"
    );
    let browser = tokio::spawn(follow(url));
    let tokens = flow
        .finish(
            &http_client().expect("client"),
            Duration::from_secs(30),
            std::future::pending(),
        )
        .await
        .expect("signed in");
    let (status, page) = browser.await.expect("browser");
    assert_eq!(status, 200);
    assert!(page.contains("You can close this tab"));
    assert!(tokens.refresh_token.is_some());
    assert_eq!(
        tokens.account.expect("account").username,
        sim.tenant.admin_upn
    );
}

#[tokio::test]
async fn an_answer_with_the_wrong_state_is_rejected() {
    let sim = sim(false);
    let flow = BrowserSignIn::start(&profile(&sim)).await.expect("started");
    let forged = format!("{}?code=stolen&state=not-ours", flow.redirect_uri());
    let attacker = tokio::spawn(async move {
        let page = browser().get(&forged).send().await.expect("listener");
        page.status().as_u16()
    });
    let error = flow
        .finish(
            &http_client().expect("client"),
            Duration::from_secs(30),
            std::future::pending(),
        )
        .await
        .expect_err("rejected");
    assert_eq!(attacker.await.expect("task"), 400);
    assert_eq!(error.kind(), ErrorKind::SignInFailed);
    assert!(error.to_string().contains("state mismatch"));
}

#[tokio::test]
async fn stray_requests_are_ignored_and_declined_consent_is_reported() {
    let sim = sim(true);
    let flow = BrowserSignIn::start(&profile(&sim)).await.expect("started");
    let favicon = format!("{}favicon.ico", flow.redirect_uri());
    let url = flow.authorize_url().to_string();
    let browser_task = tokio::spawn(async move {
        assert_eq!(
            browser()
                .get(&favicon)
                .send()
                .await
                .expect("listener")
                .status(),
            404
        );
        follow(url).await
    });
    let error = flow
        .finish(
            &http_client().expect("client"),
            Duration::from_secs(30),
            std::future::pending(),
        )
        .await
        .expect_err("declined");
    let (_, page) = browser_task.await.expect("browser");
    assert!(page.contains("Sign-in not completed"));
    assert_eq!(error.kind(), ErrorKind::SignInCancelled);
}

#[tokio::test]
async fn the_listener_gives_up_after_the_timeout_and_on_cancel() {
    let sim = sim(false);
    let http = http_client().expect("client");
    let flow = BrowserSignIn::start(&profile(&sim)).await.expect("started");
    let redirect = flow.redirect_uri().to_string();
    let timed_out = flow
        .finish(&http, Duration::from_millis(200), std::future::pending())
        .await
        .expect_err("timed out");
    assert_eq!(timed_out.kind(), ErrorKind::SignInRequired);
    assert!(
        timed_out
            .report()
            .message
            .contains("finish it in the browser")
    );
    assert!(
        browser().get(&redirect).send().await.is_err(),
        "the listener is closed after the sign-in ends"
    );

    let flow = BrowserSignIn::start(&profile(&sim)).await.expect("started");
    let cancelled = flow
        .finish(&http, Duration::from_secs(30), async {})
        .await
        .expect_err("cancelled");
    assert_eq!(cancelled.kind(), ErrorKind::SignInCancelled);
}

//! Browser sign-in: authorization code with PKCE (S256) and `state`, answered to a one-shot
//! listener on the loopback interface.
//!
//! [`BrowserSignIn::start`] binds the listener on a random port and returns the URL to open in the
//! system browser; [`BrowserSignIn::finish`] waits for the browser to come back (or a timeout, or
//! the admin pressing Cancel), shows the tab a page saying it can be closed, checks `state` in
//! constant time, and redeems the code.

use std::future::Future;
use std::time::Duration;

use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, CsrfToken, PkceCodeChallenge, PkceCodeVerifier,
    RedirectUrl, Scope, TokenUrl,
};
use subtle::ConstantTimeEq;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::profile::Profile;
use crate::signin::{
    EntraClient, TokenSet, delegated_scopes, describe, endpoint, invalid_url, token_set,
};
use crate::{Error, Result};

const MAX_REQUEST_BYTES: usize = 16 * 1024;

pub struct BrowserSignIn {
    listener: TcpListener,
    verifier: PkceCodeVerifier,
    state: CsrfToken,
    redirect: String,
    authorize_url: String,
    profile: Profile,
}

/// What came back to the listener.
enum Answer {
    Code(String),
    Denied(String),
    WrongState,
    /// Not for us (a favicon request, a stray connection): keep listening.
    Other,
}

impl BrowserSignIn {
    pub async fn start(profile: &Profile) -> Result<BrowserSignIn> {
        // IPv4 loopback: Entra does not accept an IPv6 loopback redirect.
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.map_err(|e| {
            Error::Internal(format!("cannot listen on the loopback interface: {e}"))
        })?;
        let port = listener
            .local_addr()
            .map_err(|e| Error::Internal(e.to_string()))?
            .port();
        let redirect = format!("http://localhost:{port}/");
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let client = EntraClient::new(ClientId::new(profile.client_id.clone()))
            .set_auth_uri(AuthUrl::new(endpoint(profile, "authorize")).map_err(invalid_url)?)
            .set_redirect_uri(RedirectUrl::new(redirect.clone()).map_err(invalid_url)?);
        let (url, state) = client
            .authorize_url(CsrfToken::new_random)
            .add_scopes(delegated_scopes(&profile.cloud).into_iter().map(Scope::new))
            .set_pkce_challenge(challenge)
            .add_extra_param("prompt", "select_account")
            .url();
        Ok(BrowserSignIn {
            listener,
            verifier,
            state,
            redirect,
            authorize_url: url.to_string(),
            profile: profile.clone(),
        })
    }

    /// Open this in the system browser.
    pub fn authorize_url(&self) -> &str {
        &self.authorize_url
    }

    pub fn redirect_uri(&self) -> &str {
        &self.redirect
    }

    /// Waits for the browser, at most `timeout`; `cancel` completing means the admin gave up.
    pub async fn finish(
        self,
        http: &crate::http::SignInClient,
        timeout: Duration,
        cancel: impl Future<Output = ()>,
    ) -> Result<TokenSet> {
        let code = tokio::select! {
            answer = self.wait_for_code() => answer?,
            _ = tokio::time::sleep(timeout) => return Err(Error::SignInTimedOut(timeout.as_secs())),
            _ = cancel => return Err(Error::SignInDeclined),
        };
        let client = EntraClient::new(ClientId::new(self.profile.client_id.clone()))
            .set_auth_type(AuthType::RequestBody)
            .set_token_uri(TokenUrl::new(endpoint(&self.profile, "token")).map_err(invalid_url)?)
            .set_redirect_uri(RedirectUrl::new(self.redirect.clone()).map_err(invalid_url)?);
        let response = client
            .exchange_code(AuthorizationCode::new(code))
            .set_pkce_verifier(self.verifier)
            .request_async(http)
            .await
            .map_err(|e| describe(e, &self.profile))?;
        Ok(token_set(&response))
    }

    async fn wait_for_code(&self) -> Result<String> {
        loop {
            let (mut stream, _) = self
                .listener
                .accept()
                .await
                .map_err(|e| Error::Internal(format!("the loopback listener failed: {e}")))?;
            let answer = match read_target(&mut stream).await {
                Some(target) => self.judge(&target),
                None => Answer::Other,
            };
            let (status, page) = match &answer {
                Answer::Code(_) => ("200 OK", DONE_PAGE),
                Answer::Denied(_) => ("200 OK", DENIED_PAGE),
                Answer::WrongState => ("400 Bad Request", WRONG_STATE_PAGE),
                Answer::Other => ("404 Not Found", ""),
            };
            respond(&mut stream, status, page).await;
            match answer {
                Answer::Code(code) => return Ok(code),
                Answer::Denied(detail) if detail.contains("access_denied") => {
                    return Err(Error::SignInDeclined);
                }
                Answer::Denied(detail) => return Err(Error::SignInRefused(detail)),
                Answer::WrongState => {
                    return Err(Error::SignInRefused(
                        "the browser's answer did not belong to this sign-in (state mismatch)"
                            .into(),
                    ));
                }
                Answer::Other => continue,
            }
        }
    }

    fn judge(&self, target: &str) -> Answer {
        let Ok(url) = url::Url::parse(&format!("http://localhost{target}")) else {
            return Answer::Other;
        };
        if url.path() != "/" {
            return Answer::Other;
        }
        let param = |name: &str| {
            url.query_pairs()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
        };
        let state_ok = param("state").is_some_and(|state| {
            bool::from(state.as_bytes().ct_eq(self.state.secret().as_bytes()))
        });
        if let Some(error) = param("error") {
            let description = param("error_description").unwrap_or_default();
            return if state_ok {
                Answer::Denied(format!("{error}: {description}"))
            } else {
                Answer::WrongState
            };
        }
        match param("code") {
            Some(code) if state_ok => Answer::Code(code),
            Some(_) => Answer::WrongState,
            None => Answer::Other,
        }
    }
}

/// The request target of one HTTP request (`/?code=…`), or `None` for anything unreadable.
async fn read_target(stream: &mut TcpStream) -> Option<String> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 2048];
    while !buffer.windows(4).any(|w| w == b"\r\n\r\n") {
        let read = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut chunk))
            .await
            .ok()?
            .ok()?;
        if read == 0 || buffer.len() + read > MAX_REQUEST_BYTES {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
    let head = std::str::from_utf8(&buffer).ok()?;
    let mut parts = head.lines().next()?.split_whitespace();
    (parts.next()? == "GET").then_some(())?;
    parts.next().map(str::to_string)
}

async fn respond(stream: &mut TcpStream, status: &str, page: &str) {
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n{page}",
        page.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

const DONE_PAGE: &str = "<!doctype html><meta charset=utf-8><title>Intune Actions</title>\
<body style=\"font-family:system-ui;margin:3em\"><h1>You are signed in</h1>\
<p>Intune Actions has what it needs. You can close this tab and return to the app.</p>";
const DENIED_PAGE: &str = "<!doctype html><meta charset=utf-8><title>Intune Actions</title>\
<body style=\"font-family:system-ui;margin:3em\"><h1>Sign-in not completed</h1>\
<p>The sign-in was declined or failed. Close this tab; Intune Actions says what to do next.</p>";
const WRONG_STATE_PAGE: &str = "<!doctype html><meta charset=utf-8><title>Intune Actions</title>\
<body style=\"font-family:system-ui;margin:3em\"><h1>This answer was not expected</h1>\
<p>It does not belong to the sign-in Intune Actions started. Close this tab and sign in again from the app.</p>";

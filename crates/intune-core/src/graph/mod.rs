//! The Microsoft Graph client every feature goes through: a bearer token from a [`TokenSource`],
//! a fresh `client-request-id` on every request, Graph's `request-id` kept for support, and
//! throttling handled the way Graph asks (`Retry-After`, else exponential backoff).
//!
//! A GET is safe to repeat. A POST is an action on a device: it is repeated only when it is certain
//! the service did not take it (429, 401, or a connection that never opened). Anything else
//! (timeout, dropped connection, any 5xx: a gateway can answer 502, 503 or 504 after Intune took
//! the request) becomes [`Error::OutcomeUnknown`]: the caller reads the device's action results to
//! learn whether it arrived, and never sends it again by itself.

pub mod calls;
mod error_body;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;

use crate::credential::TokenSource;
use crate::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    V1,
    /// Device reads and the FileVault actions: see [`calls`] for why.
    Beta,
}

impl Version {
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V1 => "v1.0",
            Version::Beta => "beta",
        }
    }
}

/// How hard to try before giving up on a throttled or failing request.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Tries in all, the first included.
    pub attempts: u32,
    /// A `Retry-After` longer than this is not waited out: the caller hears how long it would be.
    pub max_wait: Duration,
    /// The first backoff when Graph gives no `Retry-After`; it doubles each time.
    pub first_backoff: Duration,
    /// Each request's own limit, from connecting to the last byte of the body.
    pub timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 5,
            max_wait: Duration::from_secs(60),
            first_backoff: Duration::from_secs(1),
            timeout: Duration::from_secs(30),
        }
    }
}

/// Told each time the client waits before trying again, so a UI can show "throttled, N s left".
pub type WaitObserver = Arc<dyn Fn(Wait) + Send + Sync>;

/// A wait before trying a request again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait {
    pub duration: Duration,
    /// Intune answered 429 (too many requests), rather than failing or not answering.
    pub throttled: bool,
}

/// A successful answer. Its body may hold a secret (a FileVault key), so Debug leaves it out.
pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
    pub request_id: Option<String>,
    pub client_request_id: String,
}

impl Answer {
    pub fn json<T: DeserializeOwned>(&self, what: &str) -> Result<T> {
        // serde's message can quote the body; only where it failed is kept.
        serde_json::from_slice(&self.body).map_err(|e| Error::MalformedResponse {
            what: format!(
                "{what}: {:?} at line {} column {}",
                e.classify(),
                e.line(),
                e.column()
            ),
            request_id: self.request_id.clone(),
        })
    }
}

impl std::fmt::Debug for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Answer")
            .field("status", &self.status)
            .field("body_bytes", &self.body.len())
            .field("request_id", &self.request_id)
            .field("client_request_id", &self.client_request_id)
            .finish()
    }
}

#[derive(Clone)]
pub struct GraphClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    root: String,
    credential: Arc<dyn TokenSource>,
    policy: RetryPolicy,
    on_wait: Option<WaitObserver>,
}

impl GraphClient {
    /// `root` is the Graph host of the profile's cloud, e.g. `https://graph.microsoft.com`.
    pub fn new(root: &str, credential: Arc<dyn TokenSource>) -> Result<Self> {
        Self::with_policy(root, credential, RetryPolicy::default(), None)
    }

    pub fn with_policy(
        root: &str,
        credential: Arc<dyn TokenSource>,
        policy: RetryPolicy,
        on_wait: Option<WaitObserver>,
    ) -> Result<Self> {
        let http = crate::http::builder()?
            // Graph never redirects a device call; a redirect would carry the bearer token away.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(policy.timeout)
            .connect_timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| Error::Internal(format!("cannot build the HTTP client: {e}")))?;
        Ok(GraphClient {
            inner: Arc::new(Inner {
                http,
                root: root.trim_end_matches('/').to_string(),
                credential,
                policy,
                on_wait,
            }),
        })
    }

    /// The same client (connections, token, policy) telling `on_wait` about each wait instead:
    /// one run of actions reports its own throttling.
    pub fn observed(&self, on_wait: WaitObserver) -> GraphClient {
        GraphClient {
            inner: Arc::new(Inner {
                http: self.inner.http.clone(),
                root: self.inner.root.clone(),
                credential: Arc::clone(&self.inner.credential),
                policy: self.inner.policy.clone(),
                on_wait: Some(on_wait),
            }),
        }
    }

    /// `path` below the version, e.g. `deviceManagement/managedDevices`.
    pub fn url(&self, version: Version, path: &str) -> String {
        format!(
            "{}/{}/{}",
            self.inner.root,
            version.as_str(),
            path.trim_start_matches('/')
        )
    }

    pub fn root(&self) -> &str {
        &self.inner.root
    }

    /// A GET of `url` (from [`GraphClient::url`] or an `@odata.nextLink`), read as JSON. A body that
    /// does not parse is fetched again, as a truncated answer usually is transient.
    pub async fn get_json<T: DeserializeOwned>(&self, url: &str, what: &str) -> Result<T> {
        let mut last = None;
        for _ in 0..3 {
            let answer = self.send(Method::GET, url, None).await?;
            match answer.json(what) {
                Ok(value) => return Ok(value),
                Err(error) => {
                    tracing::warn!(what, request_id = ?answer.request_id, "unreadable Graph answer");
                    last = Some(error);
                }
            }
        }
        Err(last.unwrap_or_else(|| Error::Internal("no attempt made".into())))
    }

    /// A POST without a body (every device action), with a fresh `client-request-id`.
    pub async fn post(&self, url: &str) -> Result<Answer> {
        self.send(Method::POST, url, None).await
    }

    /// The same, with the `client-request-id` the caller made (and audited) before the call; every
    /// attempt (after a 429 or a 401) carries the same one.
    pub async fn post_as(&self, url: &str, client_request_id: &str) -> Result<Answer> {
        self.send(Method::POST, url, Some(client_request_id)).await
    }

    async fn send(&self, method: Method, url: &str, fixed_id: Option<&str>) -> Result<Answer> {
        self.check_origin(url)?;
        let policy = &self.inner.policy;
        let is_read = method == Method::GET;
        let mut backoff = policy.first_backoff;
        let mut attempt = 1;
        // A token refused with 401 is replaced once, then the request is repeated: a 401 means the
        // request was not taken, so even an action is safe to send again.
        let mut refused: Option<crate::Secret> = None;
        let mut renewed = false;
        loop {
            let token = match refused.take() {
                Some(rejected) => self.inner.credential.renew(&rejected).await?,
                None => self.inner.credential.access_token().await?,
            };
            let client_request_id = fixed_id
                .map(str::to_string)
                .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
            let mut request = self
                .inner
                .http
                .request(method.clone(), url)
                .bearer_auth(token.expose())
                .header("client-request-id", &client_request_id)
                .header("return-client-request-id", "true")
                .header("accept", "application/json");
            if !is_read {
                request = request.header("content-length", "0");
            }
            let outcome = request.send().await;
            let mut throttled = false;
            let retry_in = match outcome {
                Err(error) => {
                    let sent = !error.is_connect();
                    if sent && !is_read {
                        tracing::warn!(%client_request_id, "action request lost in transit");
                        return Err(Error::OutcomeUnknown(describe_request(&method, url)));
                    }
                    tracing::warn!(attempt, %client_request_id, timeout = error.is_timeout(), "Graph request failed");
                    if attempt >= policy.attempts {
                        return Err(crate::error::unreachable(
                            format!("Microsoft Graph ({})", host_of(&self.inner.root)),
                            &error,
                        ));
                    }
                    None
                }
                Ok(response) if response.status() == StatusCode::UNAUTHORIZED => {
                    let request_id = header(&response, "request-id");
                    let date = header(&response, "date");
                    let body = response.bytes().await.unwrap_or_default();
                    if !renewed {
                        tracing::info!(?request_id, "Graph refused the access token; renewing it");
                        renewed = true;
                        refused = Some(token);
                        continue;
                    }
                    if let Some(offset) = crate::clock::skew(date.as_deref(), SystemTime::now()) {
                        tracing::warn!(offset, "Graph refused a fresh token and the clocks differ");
                        return Err(Error::ClockSkew {
                            offset_secs: Some(offset),
                        });
                    }
                    let error = graph_error(StatusCode::UNAUTHORIZED, &body, request_id);
                    tracing::warn!(request_id = ?error.request_id(), "Graph refused a fresh token");
                    return Err(error);
                }
                Ok(response) => {
                    let status = response.status();
                    let request_id = header(&response, "request-id");
                    let retry_after = header(&response, "retry-after")
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .map(Duration::from_secs);
                    let body = match response.bytes().await {
                        Ok(body) => Some(body.to_vec()),
                        Err(_) if !is_read && status.is_success() => Some(Vec::new()),
                        Err(_) if !is_read => {
                            return Err(Error::OutcomeUnknown(describe_request(&method, url)));
                        }
                        Err(_) => None,
                    };
                    match (status, body) {
                        (s, Some(body)) if s.is_success() => {
                            return Ok(Answer {
                                status: s.as_u16(),
                                body,
                                request_id,
                                client_request_id,
                            });
                        }
                        (s, _) if !is_read && s.is_server_error() => {
                            // The service failed, or a gateway gave up (502, 503, 504) while Intune
                            // was handling it: it may still have queued the action.
                            tracing::warn!(status = s.as_u16(), %client_request_id, ?request_id, "action answered with a server error: outcome unknown");
                            return Err(Error::OutcomeUnknown(describe_request(&method, url)));
                        }
                        (s, body) if retryable(s, is_read) || body.is_none() => {
                            if attempt >= policy.attempts {
                                return Err(give_up(
                                    s,
                                    body.as_deref(),
                                    request_id,
                                    retry_after.unwrap_or(backoff),
                                ));
                            }
                            if let Some(wait) = retry_after
                                && wait > policy.max_wait
                            {
                                return Err(Error::Throttled {
                                    retry_after_secs: wait.as_secs(),
                                    request_id,
                                });
                            }
                            tracing::info!(
                                status = s.as_u16(),
                                attempt,
                                ?retry_after,
                                ?request_id,
                                "Graph asked to wait"
                            );
                            throttled = s == StatusCode::TOO_MANY_REQUESTS;
                            retry_after
                        }
                        (s, body) => {
                            let error =
                                graph_error(s, body.as_deref().unwrap_or_default(), request_id);
                            tracing::warn!(status = s.as_u16(), kind = ?error.kind(), request_id = ?error.request_id(), "Graph refused");
                            return Err(error);
                        }
                    }
                }
            };
            let wait = retry_in.unwrap_or(backoff);
            backoff = (backoff * 2).min(policy.max_wait);
            if let Some(observer) = &self.inner.on_wait {
                observer(Wait {
                    duration: wait,
                    throttled,
                });
            }
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    /// The bearer token goes only to the profile's own Graph host: a `nextLink` elsewhere is refused.
    fn check_origin(&self, url: &str) -> Result<()> {
        let root = &self.inner.root;
        let under_root = url
            .strip_prefix(root.as_str())
            .is_some_and(|rest| rest.starts_with('/'));
        if under_root {
            Ok(())
        } else {
            Err(Error::MalformedResponse {
                what: format!("a link outside {} was not followed", host_of(root)),
                request_id: None,
            })
        }
    }
}

/// 429 and 503 say the request was not taken, so anything may be repeated; other server errors
/// only for reads.
/// A read may be repeated after any server error; a write only after a 429, which says it was
/// not taken.
fn retryable(status: StatusCode, is_read: bool) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS || (is_read && status.is_server_error())
}

fn give_up(
    status: StatusCode,
    body: Option<&[u8]>,
    request_id: Option<String>,
    wait: Duration,
) -> Error {
    if status == StatusCode::TOO_MANY_REQUESTS {
        return Error::Throttled {
            retry_after_secs: wait.as_secs().max(1),
            request_id,
        };
    }
    match body {
        Some(body) => graph_error(status, body, request_id),
        None => Error::MalformedResponse {
            what: "the answer was cut off".into(),
            request_id,
        },
    }
}

fn graph_error(status: StatusCode, body: &[u8], request_id: Option<String>) -> Error {
    let parsed = error_body::parse(status.as_u16(), body, request_id);
    Error::Graph {
        status: status.as_u16(),
        code: parsed.code,
        message: parsed.message,
        request_id: parsed.request_id,
    }
}

fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// The request without its query, which may hold a search term.
fn describe_request(method: &Method, url: &str) -> String {
    let path = url.split('?').next().unwrap_or(url);
    let action = path.rsplit('/').next().unwrap_or(path);
    format!("{method} {action}")
}

fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| url.to_string())
}

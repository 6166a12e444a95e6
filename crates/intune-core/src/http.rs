//! The HTTP clients every request to Entra and Graph goes through.
//!
//! One TLS stack for the whole app: reqwest 0.13 on rustls with the `ring` provider, the same
//! client the app's updater (tauri-plugin-updater) links, so the binary carries one HTTP client
//! and one TLS library instead of two of each. Server certificates are checked by the operating
//! system's verifier (rustls-platform-verifier: the Windows and macOS trust stores, the system's
//! CA bundle on Linux), so a root certificate an organisation deploys, such as a proxy that
//! inspects traffic, is trusted as it is in the browser.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use oauth2::{AsyncHttpClient, HttpClientError, HttpRequest, HttpResponse};
use rustls::ClientConfig;

use crate::{Error, Result};

/// A client builder with the app's TLS set up. Every client is built from here.
pub fn builder() -> Result<reqwest::ClientBuilder> {
    Ok(reqwest::Client::builder().tls_backend_preconfigured(tls_config()?))
}

/// Made once per process: on Linux the OS verifier reads the whole system CA bundle, which need
/// not happen for every client.
fn tls_config() -> Result<ClientConfig> {
    static CONFIG: OnceLock<std::result::Result<ClientConfig, String>> = OnceLock::new();
    CONFIG
        .get_or_init(make_tls_config)
        .clone()
        .map_err(|e| Error::Internal(format!("cannot set up TLS: {e}")))
}

fn make_tls_config() -> std::result::Result<ClientConfig, String> {
    let started = std::time::Instant::now();
    // ring, as the updater uses: reqwest is built without a provider of its own, so aws-lc is
    // not linked beside it.
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?;
    let config = match rustls_platform_verifier::Verifier::new(provider) {
        Ok(verifier) => config
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier)),
        // Only Linux can have no trust store (no ca-certificates). HTTPS is then refused as
        // untrusted, with this in the log; plain HTTP on the loopback (the demo) still works.
        Err(error) => {
            tracing::warn!(%error, "no trusted root certificates on this computer: every HTTPS \
                server will be refused (install the system's CA certificates)");
            config.with_root_certificates(rustls::RootCertStore::empty())
        }
    };
    tracing::debug!(elapsed_ms = started.elapsed().as_millis(), "TLS set up");
    Ok(config.with_no_client_auth())
}

/// The client sign-in uses: redirects are not followed (a redirect is never a token answer).
#[derive(Debug, Clone)]
pub struct SignInClient(reqwest::Client);

impl SignInClient {
    pub fn new() -> Result<SignInClient> {
        builder()?
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .map(SignInClient)
            .map_err(|e| Error::Internal(format!("cannot build the HTTP client: {e}")))
    }

    /// The underlying client, for requests that are not OAuth exchanges.
    pub fn reqwest(&self) -> &reqwest::Client {
        &self.0
    }
}

type Answer<'c> = Pin<
    Box<dyn Future<Output = std::result::Result<HttpResponse, SignInError>> + Send + Sync + 'c>,
>;
type SignInError = HttpClientError<reqwest::Error>;

/// What oauth2's own reqwest client does, for the reqwest version the app links.
impl<'c> AsyncHttpClient<'c> for SignInClient {
    type Error = SignInError;
    type Future = Answer<'c>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            let request = reqwest::Request::try_from(request).map_err(Box::new)?;
            let response = self.0.execute(request).await.map_err(Box::new)?;
            let mut answer = http::Response::builder()
                .status(response.status())
                .version(response.version());
            for (name, value) in response.headers() {
                answer = answer.header(name, value);
            }
            let body = response.bytes().await.map_err(Box::new)?;
            answer.body(body.to_vec()).map_err(HttpClientError::Http)
        })
    }
}

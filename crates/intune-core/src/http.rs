//! The HTTP clients every request to Entra and Graph goes through.
//!
//! One TLS stack for the whole app, and it is the operating system's: reqwest on native-tls (the
//! same reqwest and TLS the app's updater, tauri-plugin-updater, is built with), which is SChannel
//! on Windows, Security.framework on macOS and the system's OpenSSL on Linux (the OpenSSL that
//! certificate sign-in already links there). Server certificates are checked against the system's
//! trust store (the Windows and macOS stores, the system's CA bundle on Linux), so a root
//! certificate an organisation deploys, such as a proxy that inspects traffic, is trusted as it is
//! in the browser, and the binary carries no TLS library of its own (BENCHMARKS.md, "binary").

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use oauth2::{AsyncHttpClient, HttpClientError, HttpRequest, HttpResponse};

use crate::{Error, Result};

/// A client builder with the app's TLS set up. Every client is built from here.
pub fn builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder().tls_backend_native()
}

/// The client sign-in uses: redirects are not followed (a redirect is never a token answer).
#[derive(Debug, Clone)]
pub struct SignInClient(reqwest::Client);

impl SignInClient {
    pub fn new() -> Result<SignInClient> {
        builder()
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

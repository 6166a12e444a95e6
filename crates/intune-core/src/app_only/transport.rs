//! The HTTP transport the Azure credentials use: our own reqwest client (no redirects, a timeout),
//! so azure_core's HTTP stack stays out of the build.
//!
//! azure_identity accepts only HTTPS sign-in hosts. A custom cloud on plain HTTP is allowed only on
//! the loopback interface (the simulated tenant, a local proxy): the credential is given the
//! `https` form of that host, and this transport sends to it over `http`.

use async_trait::async_trait;
use azure_core::error::{Error as AzureError, ErrorKind as AzureErrorKind};
use azure_core::http::headers::{HeaderName, HeaderValue, Headers};
use azure_core::http::{AsyncRawResponse, Body, HttpClient, Request};

#[derive(Debug)]
pub struct Transport {
    http: reqwest::Client,
    /// `host:port` of a loopback sign-in host reached over plain HTTP.
    plain_http: Option<String>,
}

impl Transport {
    pub fn new(plain_http: Option<String>) -> crate::Result<Transport> {
        let http = crate::http::builder()?
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(30))
            .connect_timeout(std::time::Duration::from_secs(10))
            .build()
            .map_err(|e| crate::Error::Internal(format!("cannot build the HTTP client: {e}")))?;
        Ok(Transport { http, plain_http })
    }
}

#[async_trait]
impl HttpClient for Transport {
    async fn execute_request(&self, request: &Request) -> azure_core::Result<AsyncRawResponse> {
        let mut url = request.url().clone();
        let authority = format!(
            "{}:{}",
            url.host_str().unwrap_or_default(),
            url.port_or_known_default().unwrap_or_default()
        );
        if self.plain_http.as_deref() == Some(authority.as_str()) {
            url.set_scheme("http")
                .map_err(|()| AzureError::with_message(AzureErrorKind::Other, "bad sign-in URL"))?;
        }
        let method = reqwest::Method::from_bytes(request.method().as_str().as_bytes())
            .map_err(|e| AzureError::with_error(AzureErrorKind::Other, e, "bad method"))?;
        let mut outgoing = self.http.request(method, url);
        for (name, value) in request.headers().iter() {
            outgoing = outgoing.header(name.as_str(), value.as_str());
        }
        outgoing = match request.body() {
            Body::Bytes(bytes) => outgoing.body(bytes.to_vec()),
            Body::SeekableStream(_) => {
                return Err(AzureError::with_message(
                    AzureErrorKind::Other,
                    "a streamed body is not used by sign-in",
                ));
            }
        };
        let response = outgoing.send().await.map_err(|e| {
            let kind = if e.is_connect() {
                AzureErrorKind::Connection
            } else {
                AzureErrorKind::Io
            };
            AzureError::with_error(kind, e, "the sign-in service could not be reached")
        })?;
        let status = response.status().as_u16();
        let headers: Headers = response
            .headers()
            .iter()
            .filter_map(|(name, value)| {
                let value = value.to_str().ok()?;
                Some((
                    HeaderName::from(name.as_str().to_owned()),
                    HeaderValue::from(value.to_owned()),
                ))
            })
            .collect::<std::collections::HashMap<_, _>>()
            .into();
        let body = response
            .bytes()
            .await
            .map_err(|e| AzureError::with_error(AzureErrorKind::Io, e, "the answer was cut off"))?;
        Ok(AsyncRawResponse::from_bytes(status.into(), headers, body))
    }
}

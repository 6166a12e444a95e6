//! Signing in to Entra ID as a public desktop client, with the `oauth2` crate.
//!
//! Every flow ends in a [`TokenSet`]: the access token (memory only), the refresh token (for the
//! keychain) and the signed-in account. Tokens travel as [`Secret`]: nothing here can print one.

use std::time::{Duration, SystemTime};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AuthType, AuthUrl, ClientId, DeviceAuthorizationUrl, ExtraTokenFields, RefreshToken,
    RequestTokenError, Scope, StandardDeviceAuthorizationResponse, StandardRevocableToken,
    StandardTokenResponse, TokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};

use crate::profile::{Cloud, Profile};
use crate::{Error, Result, Secret};

/// Entra's token answer carries an `id_token` beside the OAuth fields.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct IdTokenField {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id_token: Option<String>,
}

impl ExtraTokenFields for IdTokenField {}

pub(crate) type EntraTokenResponse = StandardTokenResponse<IdTokenField, BasicTokenType>;
pub(crate) type EntraClient = oauth2::Client<
    BasicErrorResponse,
    EntraTokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
>;

pub const READ_PERMISSION: &str = "DeviceManagementManagedDevices.Read.All";
pub const ACTION_PERMISSION: &str = "DeviceManagementManagedDevices.PrivilegedOperations.All";

/// What a delegated sign-in asks for: who the admin is, a refresh token, and the two Graph
/// permissions the product needs.
pub fn delegated_scopes(cloud: &Cloud) -> Vec<String> {
    let mut scopes = vec![
        "openid".to_string(),
        "profile".into(),
        "offline_access".into(),
    ];
    scopes.push(cloud.scope(READ_PERMISSION));
    scopes.push(cloud.scope(ACTION_PERMISSION));
    scopes
}

/// An HTTP client for sign-in: no redirects followed (a redirect is never a token answer).
pub fn http_client() -> Result<crate::http::SignInClient> {
    crate::http::SignInClient::new()
}

pub(crate) fn endpoint(profile: &Profile, path: &str) -> String {
    format!(
        "{}/{}/oauth2/v2.0/{path}",
        profile.cloud.login_url(),
        profile.tenant
    )
}

pub(crate) fn invalid_url(error: url::ParseError) -> Error {
    Error::InvalidInput {
        what: "the sign-in URL",
        why: error.to_string(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Account {
    pub username: String,
    pub display_name: String,
    pub tenant_id: String,
}

/// The outcome of a sign-in or refresh.
#[derive(Debug)]
pub struct TokenSet {
    pub access_token: Secret,
    pub refresh_token: Option<Secret>,
    pub expires_at: SystemTime,
    pub granted: Vec<String>,
    pub account: Option<Account>,
}

/// What the admin is shown to complete a device-code sign-in on another device or browser.
#[derive(Debug, Clone)]
pub struct DeviceCodePrompt {
    pub user_code: String,
    pub verification_uri: String,
    pub expires_in: Duration,
    pub message: String,
}

/// A device-code sign-in under way: shown with [`DeviceCodeSignIn::prompt`], completed by
/// [`DeviceCodeSignIn::finish`].
pub struct DeviceCodeSignIn {
    details: StandardDeviceAuthorizationResponse,
    profile: Profile,
}

impl DeviceCodeSignIn {
    pub async fn start(http: &crate::http::SignInClient, profile: &Profile) -> Result<Self> {
        let client = EntraClient::new(ClientId::new(profile.client_id.clone()))
            .set_auth_type(AuthType::RequestBody)
            .set_device_authorization_url(
                DeviceAuthorizationUrl::new(endpoint(profile, "devicecode"))
                    .map_err(invalid_url)?,
            );
        let details: StandardDeviceAuthorizationResponse = client
            .exchange_device_code()
            .add_scopes(delegated_scopes(&profile.cloud).into_iter().map(Scope::new))
            .request_async(http)
            .await
            .map_err(|e| describe(e, profile))?;
        Ok(DeviceCodeSignIn {
            details,
            profile: profile.clone(),
        })
    }

    pub fn prompt(&self) -> DeviceCodePrompt {
        let user_code = self.details.user_code().secret().clone();
        let verification_uri = self.details.verification_uri().to_string();
        DeviceCodePrompt {
            message: format!("Open {verification_uri} and enter the code {user_code}."),
            user_code,
            verification_uri,
            expires_in: self.details.expires_in(),
        }
    }

    /// Polls until the admin approves, declines, or the code expires. The crate honours the
    /// service's `interval` and adds five seconds on each `slow_down`.
    pub async fn finish(self, http: &crate::http::SignInClient) -> Result<TokenSet> {
        let profile = &self.profile;
        let client = EntraClient::new(ClientId::new(profile.client_id.clone()))
            .set_auth_type(AuthType::RequestBody)
            .set_auth_uri(AuthUrl::new(endpoint(profile, "authorize")).map_err(invalid_url)?)
            .set_token_uri(TokenUrl::new(endpoint(profile, "token")).map_err(invalid_url)?);
        let expires_in = self.details.expires_in();
        let response = client
            .exchange_device_access_token(&self.details)
            .request_async(http, tokio::time::sleep, Some(expires_in))
            .await
            .map_err(|e| describe(e, profile))?;
        Ok(token_set(&response))
    }
}

/// Redeems a refresh token. Entra may answer with a new refresh token, which replaces the old
/// (the caller stores it); `invalid_grant` or `interaction_required` means "sign in again".
pub async fn refresh(
    http: &crate::http::SignInClient,
    profile: &Profile,
    refresh_token: &Secret,
) -> Result<TokenSet> {
    let client = EntraClient::new(ClientId::new(profile.client_id.clone()))
        .set_auth_type(AuthType::RequestBody)
        .set_token_uri(TokenUrl::new(endpoint(profile, "token")).map_err(invalid_url)?);
    let response = client
        .exchange_refresh_token(&RefreshToken::new(refresh_token.expose().to_string()))
        .add_scopes(delegated_scopes(&profile.cloud).into_iter().map(Scope::new))
        .request_async(http)
        .await
        .map_err(|e| describe(e, profile))?;
    Ok(token_set(&response))
}

pub(crate) fn token_set(response: &EntraTokenResponse) -> TokenSet {
    TokenSet {
        access_token: Secret::new(response.access_token().secret().clone()),
        refresh_token: response
            .refresh_token()
            .map(|t| Secret::new(t.secret().clone())),
        expires_at: SystemTime::now() + response.expires_in().unwrap_or(Duration::from_secs(3600)),
        granted: response
            .scopes()
            .map(|s| s.iter().map(|s| s.to_string()).collect())
            .unwrap_or_default(),
        account: response
            .extra_fields()
            .id_token
            .as_deref()
            .and_then(account_from),
    }
}

#[derive(Deserialize)]
struct IdClaims {
    #[serde(default)]
    preferred_username: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    tid: String,
}

/// Who signed in, from an id_token's claims. It came straight from the token endpoint over the
/// connection we opened, so its signature is not what vouches for it.
pub fn account_from(id_token: &str) -> Option<Account> {
    let payload = id_token.split('.').nth(1)?;
    let claims: IdClaims = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    Some(Account {
        username: claims.preferred_username,
        display_name: claims.name,
        tenant_id: claims.tid,
    })
}

/// The crate's errors in the product's words. The raw response body a parse error carries may
/// hold a token, so it is never included.
pub(crate) fn describe<RE, T>(error: RequestTokenError<RE, T>, profile: &Profile) -> Error
where
    RE: std::error::Error + 'static,
    T: oauth2::ErrorResponse + 'static,
{
    match error {
        RequestTokenError::ServerResponse(response) => {
            let value = serde_json::to_value(&response).unwrap_or_default();
            let code = value["error"].as_str().unwrap_or_default().to_string();
            let description = value["error_description"].as_str().unwrap_or_default();
            // Entra's descriptions start "AADSTSnnnn: text"; keep the first sentence for support.
            let detail = description
                .split(['\r', '\n'])
                .next()
                .unwrap_or_default()
                .to_string();
            refusal(&code, detail)
        }
        RequestTokenError::Request(error) => {
            let host = profile.cloud.login_url();
            let host = url::Url::parse(host)
                .ok()
                .and_then(|u| u.host_str().map(str::to_owned))
                .unwrap_or_else(|| host.to_string());
            crate::error::unreachable(format!("the sign-in service ({host})"), &error)
        }
        RequestTokenError::Parse(_, _) => {
            Error::SignInRefused("the sign-in service sent an answer that is not valid JSON".into())
        }
        RequestTokenError::Other(text)
            if text.contains("timed out") || text.contains("expired") =>
        {
            Error::SignInExpired
        }
        RequestTokenError::Other(text) => Error::SignInRefused(text),
    }
}

/// Entra's refusal (`error`, and the first line of `error_description`) as the product's error.
pub(crate) fn refusal(code: &str, detail: String) -> Error {
    // AADSTS700024 / 500133: an assertion "is not within its valid time range", which is the
    // local clock's doing (a certificate sign-in signs its assertion with this computer's time).
    if detail.starts_with("AADSTS700024") || detail.starts_with("AADSTS500133") {
        return Error::ClockSkew { offset_secs: None };
    }
    // AADSTS65001: nobody consented to the app. Signing in again cannot fix that, an admin must.
    if detail.starts_with("AADSTS65001") || code == "consent_required" {
        return Error::SignInRefused(if detail.is_empty() {
            "AADSTS65001: the app has no consent in this tenant".into()
        } else {
            detail
        });
    }
    match code {
        "authorization_declined" | "access_denied" => Error::SignInDeclined,
        "expired_token" => Error::SignInExpired,
        "invalid_grant" | "interaction_required" => Error::SignInRequired(detail),
        _ => Error::SignInRefused(if detail.is_empty() {
            code.to_string()
        } else {
            detail
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_become_the_products_errors() {
        let kind = |code: &str, detail: &str| refusal(code, detail.into()).kind();
        use crate::ErrorKind as K;
        assert_eq!(kind("authorization_declined", ""), K::SignInCancelled);
        assert_eq!(
            kind("invalid_grant", "AADSTS700082: expired"),
            K::SignInRequired
        );
        assert_eq!(
            kind(
                "invalid_client",
                "AADSTS700024: Client assertion is not within its valid time range."
            ),
            K::ClockSkew
        );
        assert_eq!(
            kind(
                "invalid_client",
                "AADSTS7000215: Invalid client secret provided."
            ),
            K::SignInFailed
        );
        assert_eq!(
            refusal("invalid_request", String::new()).to_string(),
            "the sign-in service refused: invalid_request"
        );
    }

    #[test]
    fn scopes_follow_the_profiles_cloud() {
        let scopes = delegated_scopes(&Cloud::UsGovHigh);
        assert!(scopes.contains(&"offline_access".to_string()));
        assert!(scopes.contains(&format!("https://graph.microsoft.us/{ACTION_PERMISSION}")));
    }

    #[test]
    fn the_account_comes_from_the_id_token_claims() {
        let payload = URL_SAFE_NO_PAD
            .encode(r#"{"preferred_username":"it@contoso.com","name":"IT","tid":"t-1"}"#);
        let account = account_from(&format!("e30.{payload}.")).expect("claims");
        assert_eq!(account.username, "it@contoso.com");
        assert_eq!(account.tenant_id, "t-1");
        assert!(account_from("not-a-jwt").is_none());
    }
}

//! Entra ID sign-in on loopback: authorization code with PKCE, device code, refresh tokens that
//! rotate, client credentials; and the bearer check every Graph call goes through.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::{Form, Json};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::aadsts::{self, Aadsts};
use crate::actions::Action;
use crate::certificate;
use crate::config::{PRIVILEGED, READ_ALL, READ_WRITE_ALL};
use crate::graph_error::GraphError;
use crate::roles::Account;
use crate::sim::{Shared, Sim, lock, token_chars};

const CODE_LIFETIME: Duration = Duration::from_secs(600);
const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

#[derive(Debug, Default)]
pub struct AuthState {
    codes: HashMap<String, PendingCode>,
    access: HashMap<String, AccessToken>,
    refresh: HashMap<String, Grant>,
    /// Refresh tokens revoked by `/_sim/tokens/revoke`, answered as revoked rather than unknown.
    revoked: std::collections::HashSet<String>,
    device_codes: HashMap<String, DeviceCode>,
    /// Every access and refresh token ever issued, kept for leak checks (never served).
    pub issued: Vec<String>,
}

#[derive(Debug, Clone)]
struct PendingCode {
    client_id: String,
    account: String,
    redirect_uri: String,
    challenge: String,
    scopes: Vec<String>,
    issued: Instant,
}

#[derive(Debug, Clone)]
pub struct AccessToken {
    pub app: String,
    /// The signed-in account's UPN; `None` for an app-only token.
    pub account: Option<String>,
    pub permissions: Vec<String>,
    pub expires: Instant,
}

#[derive(Debug, Clone)]
struct Grant {
    client_id: String,
    account: String,
    scopes: Vec<String>,
}

#[derive(Debug, Clone)]
struct DeviceCode {
    user_code: String,
    client_id: String,
    /// Who approved it; the first account unless the approval named another.
    account: Option<String>,
    scopes: Vec<String>,
    issued: Instant,
    last_poll: Option<Instant>,
    polls: u32,
    approved: bool,
    declined: bool,
}

impl AuthState {
    /// Every refresh token stops working: the next refresh answers `invalid_grant`.
    pub fn revoke_refresh_tokens(&mut self) -> usize {
        let count = self.refresh.len();
        self.revoked
            .extend(self.refresh.drain().map(|(token, _)| token));
        count
    }

    /// Approves (or declines) a pending device-code sign-in, as the admin would in the browser,
    /// signed in as `account` (a UPN) or the tenant's first account.
    pub fn decide_device_code(
        &mut self,
        user_code: &str,
        approve: bool,
        account: Option<String>,
    ) -> bool {
        match self
            .device_codes
            .values_mut()
            .find(|c| c.user_code.eq_ignore_ascii_case(user_code))
        {
            Some(code) => {
                code.approved = approve;
                code.declined = !approve;
                code.account = account;
                true
            }
            None => false,
        }
    }

    /// Makes every access token expired, as if an hour had passed.
    pub fn expire_access_tokens(&mut self) {
        let past = Instant::now()
            .checked_sub(Duration::from_secs(1))
            .unwrap_or_else(Instant::now);
        for token in self.access.values_mut() {
            token.expires = past;
        }
    }
}

/// The short permission names a space-separated scope list asks for, whatever host prefixes them.
fn permissions_in(scopes: &[String]) -> Vec<String> {
    scopes
        .iter()
        .map(|s| s.rsplit('/').next().unwrap_or(s).to_string())
        .filter(|s| s.starts_with("DeviceManagement"))
        .collect()
}

fn split_scopes(scope: Option<&str>) -> Vec<String> {
    scope
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

fn tenant_matches(sim: &Sim, tenant: &str) -> bool {
    tenant == sim.tenant.tenant_id
        || tenant.eq_ignore_ascii_case(&sim.tenant.domain)
        || tenant == "organizations"
        || tenant == "common"
}

fn unknown_tenant(tenant: &str) -> Response {
    oauth_error(
        StatusCode::BAD_REQUEST,
        "invalid_request",
        aadsts::INVALID_TENANT_NAME,
        &format!("Tenant '{tenant}' not found."),
    )
}

fn oauth_error(status: StatusCode, error: &str, code: Aadsts, description: &str) -> Response {
    let code = code.number();
    (
        status,
        Json(json!({
            "error": error,
            "error_description": format!("AADSTS{code}: {description}"),
            "error_codes": [code],
            "timestamp": chrono::Utc::now().to_rfc3339(),
            "trace_id": uuid::Uuid::new_v4().to_string(),
            "correlation_id": uuid::Uuid::new_v4().to_string(),
        })),
    )
        .into_response()
}

#[derive(Deserialize)]
pub struct AuthorizeQuery {
    client_id: Option<String>,
    response_type: Option<String>,
    redirect_uri: Option<String>,
    scope: Option<String>,
    state: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
    /// Which account signs in (a UPN); the tenant's first account without one.
    login_hint: Option<String>,
}

/// The account signs in and consents at once: the browser is sent straight back to the app.
pub async fn authorize(
    State(shared): State<Shared>,
    Path(tenant): Path<String>,
    Query(q): Query<AuthorizeQuery>,
) -> Response {
    let mut sim = lock(&shared);
    if !tenant_matches(&sim, &tenant) {
        return error_page(
            aadsts::INVALID_TENANT_NAME,
            &format!("Tenant '{tenant}' not found."),
        );
    }
    if q.client_id.as_deref() != Some(sim.tenant.client_id.as_str()) {
        return error_page(
            aadsts::UNAUTHORIZED_CLIENT,
            "Application with the given identifier was not found in the directory.",
        );
    }
    let Some(account) = account_for(&sim, q.login_hint.as_deref()) else {
        return error_page(
            aadsts::USER_ACCOUNT_NOT_FOUND,
            "To sign into this application, the account must be added to the directory.",
        );
    };
    let account = account.upn.clone();
    let Some(redirect) = q
        .redirect_uri
        .as_deref()
        .and_then(|r| url::Url::parse(r).ok())
    else {
        return error_page(
            aadsts::MISSING_PARAMETER,
            "The request body must contain the following parameter: 'redirect_uri'.",
        );
    };
    let loopback = redirect.scheme() == "http"
        && matches!(redirect.host_str(), Some("localhost") | Some("127.0.0.1"));
    if !loopback {
        return error_page(
            aadsts::INVALID_REPLY_TO,
            "The redirect URI does not match the redirect URIs configured for the application.",
        );
    }
    if q.response_type.as_deref() != Some("code") {
        return error_page(
            aadsts::MISSING_PARAMETER,
            "The request body must contain the following parameter: 'response_type' (code).",
        );
    }
    let (Some(challenge), Some("S256")) =
        (q.code_challenge.clone(), q.code_challenge_method.as_deref())
    else {
        return error_page(
            aadsts::MISSING_CODE_CHALLENGE,
            "A code_challenge with code_challenge_method S256 is required.",
        );
    };
    let mut target = redirect.clone();
    if sim.config.deny_consent {
        target
            .query_pairs_mut()
            .append_pair("error", "access_denied")
            .append_pair(
                "error_description",
                &format!(
                    "AADSTS{}: User declined to consent to access the app.",
                    aadsts::USER_DECLINED_CONSENT.number()
                ),
            );
    } else {
        let code = format!("1.{}", token_chars(&mut sim.rng, 64));
        let client_id = sim.tenant.client_id.clone();
        sim.auth.codes.insert(
            code.clone(),
            PendingCode {
                client_id,
                account,
                redirect_uri: redirect.to_string(),
                challenge,
                scopes: split_scopes(q.scope.as_deref()),
                issued: Instant::now(),
            },
        );
        target.query_pairs_mut().append_pair("code", &code);
    }
    if let Some(state) = &q.state {
        target.query_pairs_mut().append_pair("state", state);
    }
    // Entra answers 302 Found.
    (
        StatusCode::FOUND,
        [(axum::http::header::LOCATION, target.to_string())],
    )
        .into_response()
}

fn error_page(code: Aadsts, message: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Html(format!(
            "<!doctype html><title>Sign in</title><p>AADSTS{}: {message}</p>",
            code.number()
        )),
    )
        .into_response()
}

/// The account a sign-in names, or the tenant's first; `None` for a name nobody has.
fn account_for<'a>(sim: &'a Sim, upn: Option<&str>) -> Option<&'a Account> {
    match upn.map(str::trim).filter(|u| !u.is_empty()) {
        Some(upn) => sim
            .config
            .accounts
            .iter()
            .find(|a| a.upn.eq_ignore_ascii_case(upn)),
        None => sim.config.accounts.first(),
    }
}

#[derive(Deserialize)]
pub struct TokenForm {
    grant_type: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    client_assertion_type: Option<String>,
    client_assertion: Option<String>,
    code: Option<String>,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
    refresh_token: Option<String>,
    device_code: Option<String>,
    scope: Option<String>,
}

pub async fn token(
    State(shared): State<Shared>,
    Path(tenant): Path<String>,
    Form(form): Form<TokenForm>,
) -> Response {
    let mut sim = lock(&shared);
    if !tenant_matches(&sim, &tenant) {
        return unknown_tenant(&tenant);
    }
    match form.grant_type.as_deref() {
        Some("authorization_code") => redeem_code(&mut sim, &form),
        Some("refresh_token") => redeem_refresh(&mut sim, &form),
        Some(DEVICE_CODE_GRANT) => poll_device_code(&mut sim, &form),
        Some("client_credentials") => client_credentials(&mut sim, &form),
        _ => oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            aadsts::UNSUPPORTED_GRANT_TYPE,
            "The app requested an unsupported grant type.",
        ),
    }
}

fn redeem_code(sim: &mut Sim, form: &TokenForm) -> Response {
    let Some(pending) = form.code.as_deref().and_then(|c| sim.auth.codes.remove(c)) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            aadsts::EXPIRED_OR_REVOKED_GRANT,
            "The provided authorization code or refresh token has expired or was already used.",
        );
    };
    if pending.issued.elapsed() > CODE_LIFETIME {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            aadsts::EXPIRED_OR_REVOKED_GRANT,
            "The provided authorization code has expired.",
        );
    }
    if form.client_id.as_deref() != Some(pending.client_id.as_str()) {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            aadsts::INVALID_GRANT,
            "The client does not match the one the code was issued to.",
        );
    }
    if form
        .redirect_uri
        .as_deref()
        .and_then(|r| url::Url::parse(r).ok())
        .map(|u| u.to_string())
        != Some(pending.redirect_uri.clone())
    {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            aadsts::INVALID_REPLY_TO,
            "The redirect URI does not match the one used to request the code.",
        );
    }
    let verifier = form.code_verifier.as_deref().unwrap_or_default();
    let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    if computed != pending.challenge {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            aadsts::CODE_VERIFIER_MISMATCH,
            "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
        );
    }
    issue_user_tokens(sim, &pending.client_id, &pending.account, &pending.scopes)
}

fn redeem_refresh(sim: &mut Sim, form: &TokenForm) -> Response {
    // A refresh token works once: the answer carries its replacement.
    let Some(grant) = form
        .refresh_token
        .as_deref()
        .and_then(|t| sim.auth.refresh.remove(t))
    else {
        if form
            .refresh_token
            .as_deref()
            .is_some_and(|t| sim.auth.revoked.contains(t))
        {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_grant",
                aadsts::FRESH_TOKEN_NEEDED,
                "The provided grant has expired due to it being revoked, and a fresh auth token is needed. The user must sign in again.",
            );
        }
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            aadsts::EXPIRED_REFRESH_TOKEN,
            "The refresh token has expired or been revoked. The user must sign in again.",
        );
    };
    if form.client_id.as_deref() != Some(grant.client_id.as_str()) {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            aadsts::INVALID_GRANT,
            "The refresh token was issued to another client.",
        );
    }
    issue_user_tokens(sim, &grant.client_id, &grant.account, &grant.scopes)
}

/// The confidential app's name in the tenant, as its tokens carry it.
pub const APP_DISPLAY_NAME: &str = "Intune Actions kiosk";

const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

fn client_credentials(sim: &mut Sim, form: &TokenForm) -> Response {
    let app = sim.tenant.app_client_id.as_str();
    if form.client_id.as_deref() != Some(app) {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
            aadsts::UNAUTHORIZED_CLIENT,
            "Application with the given identifier was not found in the directory.",
        );
    }
    if let Some(assertion) = form.client_assertion.as_deref() {
        if form.client_assertion_type.as_deref() != Some(JWT_BEARER) {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                aadsts::INVALID_JWT_TOKEN,
                "Invalid client_assertion_type.",
            );
        }
        let now = chrono::Utc::now().timestamp();
        if let Err(refusal) = certificate::verify(assertion, app, &sim.config.app_certificates, now)
        {
            return oauth_error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                refusal.code(),
                &refusal.description(),
            );
        }
    } else if form.client_secret.as_deref() != Some(sim.tenant.client_secret.as_str()) {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            aadsts::INVALID_CLIENT_SECRET,
            "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.",
        );
    }
    if !form
        .scope
        .as_deref()
        .is_some_and(|s| s.ends_with("/.default"))
    {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            aadsts::INVALID_SCOPE,
            "The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.",
        );
    }
    let permissions = sim.config.consented_permissions.clone();
    let app = sim.tenant.app_client_id.clone();
    let (access, expires_in) = issue_access(sim, &app, None, permissions);
    Json(json!({
        "token_type": "Bearer",
        "expires_in": expires_in,
        "ext_expires_in": expires_in,
        "access_token": access,
    }))
    .into_response()
}

fn issue_user_tokens(sim: &mut Sim, client_id: &str, account: &str, scopes: &[String]) -> Response {
    let consented = &sim.config.consented_permissions;
    let permissions: Vec<String> = permissions_in(scopes)
        .into_iter()
        .filter(|p| consented.contains(p))
        .collect();
    let (access, expires_in) = issue_access(sim, client_id, Some(account), permissions.clone());
    let mut body = json!({
        "token_type": "Bearer",
        "scope": permissions.iter().map(|p| format!("https://graph.microsoft.com/{p}")).collect::<Vec<_>>().join(" "),
        "expires_in": expires_in,
        "ext_expires_in": expires_in,
        "access_token": access,
        "id_token": id_token(sim, client_id, account),
    });
    if scopes.iter().any(|s| s == "offline_access") {
        let refresh = format!("1.{}", token_chars(&mut sim.rng, 120));
        sim.auth.issued.push(refresh.clone());
        sim.auth.refresh.insert(
            refresh.clone(),
            Grant {
                client_id: client_id.to_string(),
                account: account.to_string(),
                scopes: scopes.to_vec(),
            },
        );
        body["refresh_token"] = json!(refresh);
    }
    Json(body).into_response()
}

fn issue_access(
    sim: &mut Sim,
    app: &str,
    account: Option<&str>,
    permissions: Vec<String>,
) -> (String, u64) {
    let person = account
        .and_then(|upn| account_for(sim, Some(upn)))
        .map(|a| (a.upn.clone(), a.name.clone()));
    let lifetime = sim.config.access_token_lifetime;
    // Shaped like a JWT so it looks like one in a leak check; the sim only looks it up.
    let header = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"none"}"#);
    // Graph's claims: an app-only token carries the app's roles, a user's its scopes and name.
    let mut claims = json!({"aud": "https://graph.microsoft.com", "tid": sim.tenant.tenant_id, "appid": app, "jti": token_chars(&mut sim.rng, 22)});
    if app == sim.tenant.app_client_id {
        claims["roles"] = json!(permissions);
        claims["app_displayname"] = json!(APP_DISPLAY_NAME);
    } else {
        claims["scp"] = json!(permissions.join(" "));
        if let Some((upn, name)) = &person {
            claims["upn"] = json!(upn);
            claims["name"] = json!(name);
        }
    }
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let token = format!("{header}.{payload}.{}", token_chars(&mut sim.rng, 43));
    sim.auth.issued.push(token.clone());
    sim.auth.access.insert(
        token.clone(),
        AccessToken {
            app: app.to_string(),
            account: account.map(str::to_string),
            permissions,
            expires: Instant::now() + lifetime,
        },
    );
    (token, lifetime.as_secs())
}

fn id_token(sim: &Sim, client_id: &str, account: &str) -> String {
    let (upn, name) = account_for(sim, Some(account))
        .map(|a| (a.upn.clone(), a.name.clone()))
        .unwrap_or_default();
    let header = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"none"}"#);
    let now = chrono::Utc::now().timestamp();
    let claims = json!({
        "aud": client_id,
        "iss": format!("{}/{}/v2.0", sim.base_url, sim.tenant.tenant_id),
        "iat": now, "nbf": now, "exp": now + 3600,
        "name": name,
        "preferred_username": upn,
        "oid": "5f0c7a8e-2a3b-4c1d-9e8f-0a1b2c3d4e5f",
        "tid": sim.tenant.tenant_id,
        "ver": "2.0",
    });
    format!("{header}.{}.", URL_SAFE_NO_PAD.encode(claims.to_string()))
}

#[derive(Deserialize)]
pub struct DeviceCodeForm {
    client_id: Option<String>,
    scope: Option<String>,
}

pub async fn device_code(
    State(shared): State<Shared>,
    Path(tenant): Path<String>,
    Form(form): Form<DeviceCodeForm>,
) -> Response {
    let mut sim = lock(&shared);
    if !tenant_matches(&sim, &tenant) {
        return unknown_tenant(&tenant);
    }
    if form.client_id.as_deref() != Some(sim.tenant.client_id.as_str()) {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
            aadsts::UNAUTHORIZED_CLIENT,
            "Application with the given identifier was not found in the directory.",
        );
    }
    let device_code = token_chars(&mut sim.rng, 80);
    let user_code: String = token_chars(&mut sim.rng, 9)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                'X'
            }
        })
        .collect();
    let client_id = sim.tenant.client_id.clone();
    sim.auth.device_codes.insert(
        device_code.clone(),
        DeviceCode {
            user_code: user_code.clone(),
            client_id,
            account: None,
            scopes: split_scopes(form.scope.as_deref()),
            issued: Instant::now(),
            last_poll: None,
            polls: 0,
            approved: false,
            declined: false,
        },
    );
    let verification_uri = format!("{}/devicelogin", sim.base_url);
    let config = &sim.config.device_code;
    Json(json!({
        "user_code": user_code,
        "device_code": device_code,
        "verification_uri": verification_uri,
        "expires_in": config.expires_in_secs,
        "interval": config.interval_secs,
        "message": format!("To sign in, use a web browser to open the page {verification_uri} and enter the code {user_code} to authenticate."),
    }))
    .into_response()
}

fn poll_device_code(sim: &mut Sim, form: &TokenForm) -> Response {
    let config = sim.config.device_code.clone();
    let Some(code) = form
        .device_code
        .as_deref()
        .and_then(|c| sim.auth.device_codes.get_mut(c))
    else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "bad_verification_code",
            aadsts::BAD_VERIFICATION_CODE,
            "Verification code is not valid.",
        );
    };
    let now = Instant::now();
    if now.duration_since(code.issued) > Duration::from_secs(config.expires_in_secs) {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "expired_token",
            aadsts::CODE_EXPIRED,
            "The provided value for the input parameter 'device_code' is not valid. Device codes are valid for 15 minutes.",
        );
    }
    if code.declined {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "authorization_declined",
            aadsts::USER_DECLINED_CONSENT,
            "The user declined the sign-in.",
        );
    }
    let too_soon = code
        .last_poll
        .is_some_and(|last| now.duration_since(last) < Duration::from_secs(config.interval_secs));
    code.last_poll = Some(now);
    if too_soon {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "slow_down",
            aadsts::AUTHORIZATION_PENDING,
            "Polling faster than the interval allows.",
        );
    }
    code.polls += 1;
    if config
        .auto_approve_after_polls
        .is_some_and(|n| code.polls > n)
    {
        code.approved = true;
    }
    if !code.approved {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "authorization_pending",
            aadsts::AUTHORIZATION_PENDING,
            "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
        );
    }
    let (client_id, scopes) = (code.client_id.clone(), code.scopes.clone());
    let named = code.account.clone();
    if let Some(device_code) = form.device_code.as_deref() {
        sim.auth.device_codes.remove(device_code);
    }
    let Some(account) = account_for(sim, named.as_deref()).map(|a| a.upn.clone()) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            aadsts::USER_ACCOUNT_NOT_FOUND,
            "To sign into this application, the account must be added to the directory.",
        );
    };
    issue_user_tokens(sim, &client_id, &account, &scopes)
}

pub async fn device_login_page(State(shared): State<Shared>) -> Html<String> {
    let base = lock(&shared).base_url.clone();
    Html(format!(
        "<!doctype html><title>Simulated tenant sign-in</title><h1>Simulated tenant</h1>\
         <p>This is a simulated Intune tenant. Device-code sign-ins are approved with \
         <code>POST {base}/_sim/devicecode/approve</code> and <code>{{\"userCode\":\"…\"}}</code>.</p>"
    ))
}

/// What a Graph request needs: read access, or a remote action (the privileged permission and,
/// for a signed-in account, an Intune role that allows it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Read,
    Action(Action),
}

/// The bearer check: 401 without a valid, unexpired token; 403 when it lacks the permission.
/// Returns the app the token belongs to (throttling is per app).
pub fn authorize_graph(sim: &Sim, headers: &HeaderMap, need: Need) -> Result<String, GraphError> {
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let Some(bearer) = bearer.filter(|b| !b.is_empty()) else {
        return Err(GraphError::new(
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            "Access token is empty.",
        ));
    };
    let Some(token) = sim.auth.access.get(bearer) else {
        return Err(GraphError::new(
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            "IDX14100: JWT is not well formed.",
        ));
    };
    if token.expires <= Instant::now() {
        return Err(GraphError::new(
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            "Lifetime validation failed, the token is expired.",
        ));
    }
    let has = |p: &str| token.permissions.iter().any(|t| t == p);
    // Graph's permission reference: reading managed devices takes Read.All or ReadWrite.All;
    // PrivilegedOperations.All alone does not read.
    let allowed = match need {
        Need::Read => has(READ_ALL) || has(READ_WRITE_ALL),
        Need::Action(_) => has(PRIVILEGED),
    };
    if !allowed {
        let missing = match need {
            Need::Read => format!("{READ_ALL}, {READ_WRITE_ALL}"),
            Need::Action(_) => PRIVILEGED.to_string(),
        };
        return Err(GraphError::new(
            StatusCode::FORBIDDEN,
            "Forbidden",
            format!(
                "Application is not authorized to perform this operation. Application must have one of the following scopes: {missing}"
            ),
        ));
    }
    if let Some(upn) = &token.account {
        let role = account_for(sim, Some(upn)).map(|a| &a.role);
        let permitted = role.is_some_and(|role| match need {
            Need::Read => role.can_read(),
            Need::Action(action) => role.can_read() && role.allows(action),
        });
        if !permitted {
            return Err(GraphError::intune_forbidden(
                "The signed-in user does not have an Intune role that permits this operation.",
            ));
        }
    }
    Ok(token.app.clone())
}

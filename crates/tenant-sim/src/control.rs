//! `/_sim/…`: what tests, benchmarks and demos use to watch and steer the tenant. No sign-in.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use crate::config::Faults;
use crate::fleet::CheckIn;
use crate::sim::{Shared, lock};

/// Every action request received, in order.
pub async fn received(State(shared): State<Shared>) -> Response {
    Json(json!({ "value": lock(&shared).received })).into_response()
}

pub async fn stats(State(shared): State<Shared>) -> Response {
    Json(lock(&shared).stats.clone()).into_response()
}

pub async fn get_faults(State(shared): State<Shared>) -> Response {
    Json(lock(&shared).config.faults.clone()).into_response()
}

pub async fn set_faults(State(shared): State<Shared>, Json(faults): Json<Faults>) -> Response {
    let rates = [
        faults.error_rate,
        faults.drop_before_rate,
        faults.drop_after_rate,
        faults.malformed_rate,
        faults.bad_gateway_after_apply_rate,
    ];
    if rates.iter().any(|r| !(0.0..=1.0).contains(r)) {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "rates are between 0.0 and 1.0"})),
        )
            .into_response();
    }
    lock(&shared).config.faults = faults.clone();
    Json(faults).into_response()
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct CheckInRequest {
    /// These devices (even ones that never check in by themselves); all devices when empty.
    device_ids: Vec<String>,
}

/// Makes devices check in now and apply everything they have pending.
pub async fn check_in(
    State(shared): State<Shared>,
    body: Option<Json<CheckInRequest>>,
) -> Response {
    let request = body.map(|Json(b)| b).unwrap_or_default();
    let mut sim = lock(&shared);
    let ids: Vec<String> = if request.device_ids.is_empty() {
        sim.devices
            .iter()
            .filter(|d| d.hidden.check_in != CheckIn::Never && !d.action_results.is_empty())
            .map(|d| d.id.clone())
            .collect()
    } else {
        request.device_ids
    };
    let applied: usize = ids.iter().map(|id| sim.check_in(id, true)).sum();
    Json(json!({ "devices": ids.len(), "applied": applied })).into_response()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceCodeDecision {
    user_code: String,
    #[serde(default = "yes")]
    approve: bool,
    /// The account that approves (a UPN); the tenant's first account without one.
    #[serde(default)]
    upn: Option<String>,
}

fn yes() -> bool {
    true
}

pub async fn decide_device_code(
    State(shared): State<Shared>,
    Json(body): Json<DeviceCodeDecision>,
) -> Response {
    if lock(&shared)
        .auth
        .decide_device_code(&body.user_code, body.approve, body.upn)
    {
        StatusCode::NO_CONTENT.into_response()
    } else {
        (
            StatusCode::NOT_FOUND,
            Json(json!({"error": "no pending sign-in has that user code"})),
        )
            .into_response()
    }
}

pub async fn revoke_refresh_tokens(State(shared): State<Shared>) -> Response {
    let revoked = lock(&shared).auth.revoke_refresh_tokens();
    Json(json!({ "revoked": revoked })).into_response()
}

pub async fn expire_access_tokens(State(shared): State<Shared>) -> Response {
    lock(&shared).auth.expire_access_tokens();
    StatusCode::NO_CONTENT.into_response()
}

/// The user typed the Mac's unlock PIN: a new lock can succeed again.
pub async fn unlock(State(shared): State<Shared>, Path(id): Path<String>) -> Response {
    match lock(&shared).device_mut(&id) {
        Some(device) => {
            device.hidden.unused_lock_pin = None;
            StatusCode::NO_CONTENT.into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The fleet with the facts Graph does not show, so tests can pick a device for each branch.
pub async fn devices(State(shared): State<Shared>) -> Response {
    let sim = lock(&shared);
    let value: Vec<_> = sim
        .devices
        .iter()
        .map(|d| {
            json!({
                "id": d.id,
                "deviceName": d.device_name,
                "serialNumber": d.serial_number,
                "operatingSystem": d.platform.graph_name(),
                "ownerType": d.owner_type,
                "isSupervised": d.is_supervised,
                "androidMode": d.hidden.android_mode.map(|m| format!("{m:?}")),
                "checkIn": format!("{:?}", d.hidden.check_in),
                "fileVaultKeyEscrowed": d.hidden.filevault_key.is_some(),
                "passcodeEscrowed": d.hidden.passcode_escrowed,
                "passcodePolicy": d.hidden.passcode_policy,
                "unlockTokenStale": d.hidden.unlock_token_stale,
                "lockPinUnused": d.hidden.unused_lock_pin.is_some(),
            })
        })
        .collect();
    Json(json!({ "value": value })).into_response()
}

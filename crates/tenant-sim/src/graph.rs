//! Microsoft Graph's managed-device endpoints under `/v1.0` and `/beta`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Extension;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bytes::Bytes;
use chrono::Utc;
use rand::Rng;
use serde_json::{Value, json};
use tokio::sync::Notify;

use crate::actions::{self, Action};
use crate::auth::{Need, authorize_graph};
use crate::config::Faults;
use crate::graph_error::{GraphError, add_ids};
use crate::odata;
use crate::sim::{Receipt, ReceiptOutcome, Shared, Sim, lock};
use crate::throttle::Limits;
use crate::version::{ApiVersion, segment_not_found};

const MAX_PAGE: usize = 1000;

/// Closes the request's connection without an answer, as a network failure would.
#[derive(Clone)]
pub struct ConnectionKill(pub Arc<Notify>);

impl ConnectionKill {
    async fn drop_connection(&self) -> Response {
        self.0.notify_one();
        std::future::pending::<()>().await;
        StatusCode::INTERNAL_SERVER_ERROR.into_response()
    }
}

fn client_request_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get("client-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// What every Graph request goes through before its handler: latency, the bearer check,
/// throttling, injected server errors. Returns the faults in force for the handler to use.
async fn gate(
    shared: &Shared,
    headers: &HeaderMap,
    need: Need,
    is_write: bool,
) -> Result<Faults, GraphError> {
    let faults = lock(shared).config.faults.clone();
    if faults.latency_ms + faults.jitter_ms > 0 {
        let jitter = if faults.jitter_ms > 0 {
            rand::rng().random_range(0..=faults.jitter_ms)
        } else {
            0
        };
        tokio::time::sleep(Duration::from_millis(faults.latency_ms + jitter)).await;
    }
    let mut sim = lock(shared);
    let app = authorize_graph(&sim, headers, need)?;
    let limits = Limits {
        app_writes: sim.config.write_limit,
        app_requests: sim.config.request_limit,
        tenant_writes: sim.config.tenant_write_limit,
        tenant_requests: sim.config.tenant_request_limit,
    };
    if let Err(wait) = sim.throttle.admit(&app, is_write, Instant::now(), limits) {
        sim.stats.throttled += 1;
        let mut error = GraphError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "TooManyRequests",
            "Too many requests from the application. Retry after the time in the Retry-After header.",
        );
        if !faults.omit_retry_after {
            error.retry_after = Some(wait.as_secs_f64().ceil().max(1.0) as u64);
        }
        return Err(error);
    }
    if faults.error_rate > 0.0 && sim.rng.random_bool(faults.error_rate.min(1.0)) {
        sim.stats.faults += 1;
        let (status, code) = [
            (StatusCode::INTERNAL_SERVER_ERROR, "InternalServerError"),
            (StatusCode::SERVICE_UNAVAILABLE, "ServiceUnavailable"),
            (StatusCode::GATEWAY_TIMEOUT, "GatewayTimeout"),
        ][sim.rng.random_range(0..3)];
        return Err(GraphError::new(
            status,
            code,
            "The service is temporarily unavailable.",
        ));
    }
    Ok(faults)
}

fn finish(shared: &Shared, headers: &HeaderMap, result: Result<Response, GraphError>) -> Response {
    let response = match result {
        Ok(response) => response,
        Err(error) => error.into_response_for(headers),
    };
    lock(shared).count_status(response.status().as_u16());
    response
}

/// A JSON answer, truncated or trickled out when those faults are on.
fn json_body(sim: &mut Sim, faults: &Faults, headers: &HeaderMap, value: Value) -> Response {
    let mut text = value.to_string();
    if faults.malformed_rate > 0.0 && sim.rng.random_bool(faults.malformed_rate.min(1.0)) {
        sim.stats.faults += 1;
        text.truncate(text.len() / 2);
    }
    let body = if faults.slow_body_ms > 0 {
        let chunks: Vec<Bytes> = text
            .into_bytes()
            .chunks(256)
            .map(Bytes::copy_from_slice)
            .collect();
        let pause = Duration::from_millis(faults.slow_body_ms / chunks.len().max(1) as u64);
        let stream = futures_util::stream::unfold(chunks.into_iter(), move |mut rest| async move {
            let chunk = rest.next()?;
            tokio::time::sleep(pause).await;
            Some((Ok::<_, std::io::Error>(chunk), rest))
        });
        Body::from_stream(stream)
    } else {
        Body::from(text)
    };
    let mut response = (
        StatusCode::OK,
        [("content-type", "application/json; odata.metadata=minimal")],
        body,
    )
        .into_response();
    add_ids(
        response.headers_mut(),
        &uuid::Uuid::new_v4().to_string(),
        &client_request_id(headers).unwrap_or_default(),
    );
    response
}

fn bad_query(error: odata::ODataError) -> GraphError {
    GraphError::new(StatusCode::BAD_REQUEST, "BadRequest", error.0)
}

fn select_param(
    query: &HashMap<String, String>,
    version: ApiVersion,
) -> Result<Option<Vec<String>>, GraphError> {
    query
        .get("$select")
        .map(|s| odata::parse_select(s, version))
        .transpose()
        .map_err(bad_query)
}

pub async fn list_devices(
    State(shared): State<Shared>,
    Path(version): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let result = async {
        let api = ApiVersion::parse(&version)?;
        let faults = gate(&shared, &headers, Need::Read, false).await?;
        let filter = query
            .get("$filter")
            .map(|f| odata::parse_filter(f))
            .transpose()
            .map_err(bad_query)?;
        let select = select_param(&query, api)?;
        let page = match query.get("$top") {
            Some(top) => top
                .parse::<usize>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| {
                    GraphError::new(
                        StatusCode::BAD_REQUEST,
                        "BadRequest",
                        format!(
                            "Invalid value '{top}' for $top: a positive whole number is expected."
                        ),
                    )
                })?,
            None => MAX_PAGE,
        }
        .min(MAX_PAGE);
        let (offset, listing) = match query.get("$skiptoken") {
            Some(token) => decode_skiptoken(token).ok_or_else(|| {
                GraphError::new(
                    StatusCode::BAD_REQUEST,
                    "BadRequest",
                    "The $skiptoken is not valid.",
                )
            })?,
            None => (0, None),
        };
        let mut sim = lock(&shared);
        let kept = listing.and_then(|id| sim.listings.get(&id).cloned());
        let matching: std::sync::Arc<Vec<usize>> = match kept {
            Some(kept) => kept,
            None => std::sync::Arc::new(
                sim.devices
                    .iter()
                    .enumerate()
                    .filter(|(_, d)| {
                        filter.as_ref().is_none_or(|f| {
                            // Only what the filter names: building whole devices for every
                            // device of every page was the sim's own cost, not Graph's.
                            let named: serde_json::Map<String, Value> = f
                                .properties()
                                .into_iter()
                                .filter_map(|p| {
                                    d.graph_property(api, p, false).map(|v| (p.to_string(), v))
                                })
                                .collect();
                            f.matches(&named)
                        })
                    })
                    .map(|(i, _)| i)
                    .collect(),
            ),
        };
        // A filtered list with more pages keeps what it matched for them.
        let listing = match (listing, &filter) {
            (Some(id), _) => Some(id),
            (None, Some(_)) if offset + page < matching.len() => {
                let id = sim.listings.keys().next_back().map_or(1, |last| last + 1);
                sim.listings.insert(id, std::sync::Arc::clone(&matching));
                while sim.listings.len() > crate::sim::LISTINGS_KEPT {
                    sim.listings.pop_first();
                }
                Some(id)
            }
            _ => None,
        };
        let value: Vec<Value> = matching
            .iter()
            .skip(offset)
            .take(page)
            .map(|&i| {
                Value::Object(odata::select(
                    sim.devices[i].to_graph(api, false),
                    select.as_deref(),
                ))
            })
            .collect();
        let context = match &select {
            Some(props) => format!(
                "{}/{version}/$metadata#deviceManagement/managedDevices({})",
                sim.base_url,
                props.join(",")
            ),
            None => format!(
                "{}/{version}/$metadata#deviceManagement/managedDevices",
                sim.base_url
            ),
        };
        let mut body = json!({ "@odata.context": context });
        if version == "beta" || query.get("$count").is_some_and(|c| c == "true") {
            body["@odata.count"] = json!(matching.len());
        }
        if offset + page < matching.len() {
            body["@odata.nextLink"] = json!(next_link(
                &sim.base_url,
                &version,
                &query,
                offset + page,
                listing
            ));
        }
        body["value"] = Value::Array(value);
        Ok(json_body(&mut sim, &faults, &headers, body))
    }
    .await;
    finish(&shared, &headers, result)
}

fn next_link(
    base: &str,
    version: &str,
    query: &HashMap<String, String>,
    offset: usize,
    listing: Option<u64>,
) -> String {
    let mut url = url::Url::parse(&format!("{base}/{version}/deviceManagement/managedDevices"))
        .expect("the base URL parses");
    {
        let mut pairs = url.query_pairs_mut();
        for key in ["$filter", "$select", "$top", "$count"] {
            if let Some(value) = query.get(key) {
                pairs.append_pair(key, value);
            }
        }
        let token = match listing {
            Some(id) => format!("offset:{offset};listing:{id}"),
            None => format!("offset:{offset}"),
        };
        pairs.append_pair("$skiptoken", &URL_SAFE_NO_PAD.encode(token));
    }
    url.to_string()
}

/// The offset a `$skiptoken` names, and the filtered listing it continues, if any.
fn decode_skiptoken(token: &str) -> Option<(usize, Option<u64>)> {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(token).ok()?).ok()?;
    let rest = text.strip_prefix("offset:")?;
    match rest.split_once(";listing:") {
        Some((offset, listing)) => Some((offset.parse().ok()?, Some(listing.parse().ok()?))),
        None => Some((rest.parse().ok()?, None)),
    }
}

pub async fn get_device(
    State(shared): State<Shared>,
    Path((version, id)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let result = async {
        let api = ApiVersion::parse(&version)?;
        let faults = gate(&shared, &headers, Need::Read, false).await?;
        let select = select_param(&query, api)?;
        let mut sim = lock(&shared);
        sim.check_in(&id, false);
        let Some(device) = sim.device_mut(&id) else {
            return Err(not_found(&id));
        };
        let body = Value::Object(odata::select(device.to_graph(api, true), select.as_deref()));
        Ok(json_body(&mut sim, &faults, &headers, body))
    }
    .await;
    finish(&shared, &headers, result)
}

fn not_found(id: &str) -> GraphError {
    GraphError::new(
        StatusCode::NOT_FOUND,
        "ResourceNotFound",
        format!("The managed device '{id}' was not found."),
    )
}

/// POST `…/{id}/{action}` for the remote actions, GET `…/{id}/getFileVaultKey`.
pub async fn device_action(
    State(shared): State<Shared>,
    Path((version, id, segment)): Path<(String, String, String)>,
    Extension(kill): Extension<ConnectionKill>,
    method: Method,
    headers: HeaderMap,
) -> Response {
    let Some(action) = Action::from_segment(&segment) else {
        return finish(&shared, &headers, Err(segment_not_found(&segment)));
    };
    let expected = if action == Action::GetFileVaultKey {
        Method::GET
    } else {
        Method::POST
    };
    if method != expected {
        let error = GraphError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "BadRequest",
            format!("{segment} does not support {method}."),
        );
        return finish(&shared, &headers, Err(error));
    }
    let receipt = |outcome| Receipt {
        device_id: id.clone(),
        action: segment.clone(),
        version: version.clone(),
        received: Utc::now(),
        outcome,
        client_request_id: client_request_id(&headers),
    };
    let result = async {
        if ApiVersion::parse(&version)? == ApiVersion::V1 && action.beta_only() {
            return Err(segment_not_found(&segment));
        }
        let faults = gate(
            &shared,
            &headers,
            Need::Action(action),
            action != Action::GetFileVaultKey,
        )
        .await?;
        let mut sim = lock(&shared);
        let delay = chrono::Duration::from_std(sim.config.checkin_delay).unwrap_or_default();
        let drop_before =
            faults.drop_before_rate > 0.0 && sim.rng.random_bool(faults.drop_before_rate.min(1.0));
        let drop_after = !drop_before
            && faults.drop_after_rate > 0.0
            && sim.rng.random_bool(faults.drop_after_rate.min(1.0));
        let bad_gateway = !drop_before
            && !drop_after
            && faults.bad_gateway_after_apply_rate > 0.0
            && sim
                .rng
                .random_bool(faults.bad_gateway_after_apply_rate.min(1.0));
        let mac_recover = sim.config.macos_recover_accepted;
        let Some(device) = sim.device_mut(&id) else {
            return Err(not_found(&id));
        };
        if let Some(reason) = actions::refusal(device, action, mac_recover) {
            return Err(GraphError::intune_bad_request(reason));
        }
        if drop_before {
            return Ok(Err(ReceiptOutcome::Dropped));
        }
        if action == Action::GetFileVaultKey {
            let Some(key) = device.hidden.filevault_key.clone() else {
                return Err(GraphError::new(
                    StatusCode::NOT_FOUND,
                    "ResourceNotFound",
                    "No FileVault recovery key is escrowed for this device.",
                ));
            };
            let response = json_body(
                &mut sim,
                &Faults::default(),
                &headers,
                json!({ "value": key }),
            );
            return Ok(Ok(response));
        }
        let shown_after = chrono::Duration::milliseconds(faults.result_delay_ms as i64);
        actions::queue_shown_after(
            device,
            action,
            Utc::now(),
            delay,
            shown_after,
            &mut rand::rng(),
        );
        if drop_after {
            return Ok(Err(ReceiptOutcome::AppliedThenDropped));
        }
        if bad_gateway {
            return Ok(Err(ReceiptOutcome::AppliedThenFailed));
        }
        let mut response = StatusCode::NO_CONTENT.into_response();
        add_ids(
            response.headers_mut(),
            &uuid::Uuid::new_v4().to_string(),
            &client_request_id(&headers).unwrap_or_default(),
        );
        Ok(Ok(response))
    }
    .await;

    let outcome = match &result {
        Ok(Ok(_)) => ReceiptOutcome::Applied,
        Ok(Err(dropped)) => *dropped,
        Err(e) if e.status == StatusCode::TOO_MANY_REQUESTS => ReceiptOutcome::Throttled,
        Err(_) => ReceiptOutcome::Rejected,
    };
    let answer_delay = {
        let mut sim = lock(&shared);
        sim.received.push(receipt(outcome));
        if matches!(
            outcome,
            ReceiptOutcome::Dropped
                | ReceiptOutcome::AppliedThenDropped
                | ReceiptOutcome::AppliedThenFailed
        ) {
            sim.stats.faults += 1;
        }
        let delay = sim.config.faults.answer_delay_ms;
        (outcome != ReceiptOutcome::Rejected && delay > 0).then(|| Duration::from_millis(delay))
    };
    if let Some(delay) = answer_delay {
        tokio::time::sleep(delay).await;
    }
    match result {
        Ok(Err(ReceiptOutcome::AppliedThenFailed)) => {
            let error = GraphError::new(
                StatusCode::BAD_GATEWAY,
                "BadGateway",
                "The gateway did not receive a timely response from the service.",
            );
            finish(&shared, &headers, Err(error))
        }
        Ok(Err(_)) => kill.drop_connection().await,
        Ok(Ok(response)) => finish(&shared, &headers, Ok(response)),
        Err(error) => finish(&shared, &headers, Err(error)),
    }
}

pub async fn unknown(headers: HeaderMap, State(shared): State<Shared>) -> Response {
    let error = GraphError::new(
        StatusCode::NOT_FOUND,
        "ResourceNotFound",
        "Resource not found.",
    );
    finish(&shared, &headers, Err(error))
}

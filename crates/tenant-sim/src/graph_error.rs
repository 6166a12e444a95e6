//! Graph's error body, `request-id` and echoed `client-request-id`, as every Graph error carries.

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::json;

#[derive(Debug, Clone)]
pub struct GraphError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub retry_after: Option<u64>,
}

impl GraphError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        GraphError {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    /// Intune's 400 for an action a platform does not support: the `message` is itself JSON.
    pub fn intune_bad_request(reason: &str) -> Self {
        Self::intune(StatusCode::BAD_REQUEST, "BadRequest", reason)
    }

    /// Intune's 403 when the signed-in account's Intune role does not allow the call; the
    /// `message` is Intune's JSON, as in its 400s.
    pub fn intune_forbidden(reason: &str) -> Self {
        Self::intune(StatusCode::FORBIDDEN, "Forbidden", reason)
    }

    fn intune(status: StatusCode, code: &'static str, reason: &str) -> Self {
        let activity = uuid::Uuid::new_v4();
        let inner = json!({
            "_version": 3,
            "Message": format!(
                "An error has occurred - Operation ID (for customer support): 00000000-0000-0000-0000-000000000000 - Activity ID: {activity} - Url: https://fef.msua01.manage.microsoft.com/DeviceFE/StatelessDeviceFEService/deviceManagement/managedDevices - CustomApiErrorPhrase: {reason}"
            ),
            "CustomApiErrorPhrase": reason,
            "RetryAfter": null,
            "ErrorSourceService": "",
            "HttpHeaders": "{}",
        });
        GraphError::new(status, code, inner.to_string())
    }

    pub fn into_response_for(self, request: &HeaderMap) -> Response {
        let request_id = uuid::Uuid::new_v4().to_string();
        let client_request_id = request
            .get("client-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let body = json!({
            "error": {
                "code": self.code,
                "message": self.message,
                "innerError": {
                    "date": Utc::now().format("%Y-%m-%dT%H:%M:%S").to_string(),
                    "request-id": request_id,
                    "client-request-id": client_request_id,
                }
            }
        });
        let mut response = (self.status, axum::Json(body)).into_response();
        let headers = response.headers_mut();
        add_ids(headers, &request_id, &client_request_id);
        if let Some(seconds) = self.retry_after {
            headers.insert("retry-after", HeaderValue::from(seconds));
        }
        response
    }
}

pub fn add_ids(headers: &mut HeaderMap, request_id: &str, client_request_id: &str) {
    if let Ok(v) = HeaderValue::from_str(request_id) {
        headers.insert("request-id", v);
    }
    if let Ok(v) = HeaderValue::from_str(client_request_id)
        && !client_request_id.is_empty()
    {
        headers.insert("client-request-id", v);
    }
}

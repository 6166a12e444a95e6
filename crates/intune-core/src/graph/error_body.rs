//! Reading Graph's error body into plain words. Branch on status and `code`, never on `message`;
//! the message is only shown.

use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
struct Envelope {
    error: Option<Body>,
}

#[derive(Debug, Default, Deserialize)]
struct Body {
    #[serde(default)]
    code: String,
    #[serde(default)]
    message: String,
    #[serde(default, rename = "innerError")]
    inner_error: Option<Inner>,
}

#[derive(Debug, Default, Deserialize)]
struct Inner {
    #[serde(rename = "request-id")]
    request_id: Option<String>,
}

/// Intune's own error, which Graph wraps as a JSON string inside `message`.
#[derive(Debug, Deserialize)]
struct IntuneMessage {
    #[serde(rename = "CustomApiErrorPhrase", default)]
    phrase: Option<String>,
}

pub struct ParsedError {
    pub code: String,
    pub message: String,
    pub request_id: Option<String>,
}

/// What Graph said, with Intune's nested JSON message reduced to its readable phrase. A body that
/// is not Graph's shape still yields something to show: the HTTP reason.
pub fn parse(status: u16, body: &[u8], header_request_id: Option<String>) -> ParsedError {
    let envelope: Envelope = serde_json::from_slice(body).unwrap_or_default();
    let body = envelope.error.unwrap_or_default();
    let request_id = header_request_id.or(body.inner_error.and_then(|i| i.request_id));
    let message = readable_message(&body.message).unwrap_or_else(|| {
        reqwest::StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("no details given")
            .to_string()
    });
    ParsedError {
        code: if body.code.is_empty() {
            "unknown".into()
        } else {
            body.code
        },
        message,
        request_id,
    }
}

fn readable_message(message: &str) -> Option<String> {
    let trimmed = message.trim();
    if trimmed.is_empty() {
        return None;
    }
    if trimmed.starts_with('{')
        && let Ok(intune) = serde_json::from_str::<IntuneMessage>(trimmed)
    {
        return intune
            .phrase
            .filter(|p| !p.trim().is_empty())
            .or_else(|| Some("Intune refused the request for this device".into()));
    }
    Some(trimmed.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_error_gives_code_message_and_request_id() {
        let body = br#"{"error":{"code":"Forbidden","message":"Missing role","innerError":{"request-id":"r-1"}}}"#;
        let parsed = parse(403, body, None);
        assert_eq!(parsed.code, "Forbidden");
        assert_eq!(parsed.message, "Missing role");
        assert_eq!(parsed.request_id.as_deref(), Some("r-1"));
        // The header's id wins: it is what Microsoft support looks up.
        assert_eq!(
            parse(403, body, Some("h-1".into())).request_id.as_deref(),
            Some("h-1")
        );
    }

    #[test]
    fn intune_json_inside_the_message_is_reduced_to_its_phrase() {
        let inner = serde_json::json!({"_version":3,"Message":"An error has occurred - Operation ID ...","CustomApiErrorPhrase":"Remote lock is not supported on Windows"}).to_string();
        let body = serde_json::json!({"error":{"code":"BadRequest","message":inner}}).to_string();
        let parsed = parse(400, body.as_bytes(), None);
        assert_eq!(parsed.message, "Remote lock is not supported on Windows");
        let no_phrase =
            serde_json::json!({"error":{"code":"BadRequest","message":"{\"_version\":3}"}})
                .to_string();
        assert_eq!(
            parse(400, no_phrase.as_bytes(), None).message,
            "Intune refused the request for this device"
        );
    }

    #[test]
    fn a_body_that_is_not_graphs_shape_still_reads() {
        let parsed = parse(502, b"<html>Bad gateway</html>", None);
        assert_eq!(parsed.code, "unknown");
        assert_eq!(parsed.message, "Bad Gateway");
    }
}

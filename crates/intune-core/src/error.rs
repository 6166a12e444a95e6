//! The crate's one error type, and the serialisable report that crosses into the UI and the CLI.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A stable identifier the UI and the CLI branch on. Variants are never renamed or reused:
/// front ends and scripts depend on these exact strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum ErrorKind {
    /// The input cannot be used as given (empty, malformed, out of range).
    InvalidInput,
    /// A file or folder the app needs could not be read or written.
    Storage,
    /// No profile has that name.
    ProfileNotFound,
    /// The OS keychain is locked, missing or refused access.
    KeychainUnavailable,
    /// The admin must sign in (again): never signed in, refresh token expired or revoked.
    SignInRequired,
    /// The admin declined or cancelled the sign-in.
    SignInCancelled,
    /// The sign-in service refused the request (wrong tenant, app registration, consent).
    SignInFailed,
    /// The service could not be reached.
    Network,
    /// This computer's clock is too far from Microsoft's for a sign-in to be accepted.
    ClockSkew,
    /// Graph refused for lack of a permission (scope) or an Intune role.
    PermissionDenied,
    /// No device (or other object) matches.
    NotFound,
    /// More than one device matches; the message lists them.
    Ambiguous,
    /// Intune does not support this for the device (its platform, ownership or enrollment).
    NotSupported,
    /// Graph asked to slow down and the wait would be too long; try again later.
    Throttled,
    /// A request left but no answer came back: it may or may not have been applied.
    OutcomeUnknown,
    /// Graph answered with an error not covered above, or with a body that cannot be read.
    ServiceError,
    /// Something that should not happen; the message and the log say what.
    Internal,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{what} is not valid: {why}")]
    InvalidInput { what: &'static str, why: String },

    #[error("could not use {}: {source}", path.display())]
    Storage {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("there is no profile named {0:?}")]
    ProfileNotFound(String),

    #[error("the OS keychain could not be used: {0}")]
    Keychain(String),

    #[error("the sign-in was declined")]
    SignInDeclined,

    #[error("the sign-in code expired before it was used")]
    SignInExpired,

    #[error("no answer came back from the browser within {0} seconds")]
    SignInTimedOut(u64),

    #[error("the sign-in is no longer valid ({0})")]
    SignInRequired(String),

    /// Nothing is kept for the profile: it never signed in here, or it signed out.
    #[error("profile {0:?} is not signed in")]
    NotSignedIn(String),

    #[error("the sign-in service refused: {0}")]
    SignInRefused(String),

    #[error("could not reach {0}")]
    Network(String),

    /// Seconds this computer is ahead of Microsoft's clock (negative: behind), when known.
    #[error("{}", clock_skew_text(*.offset_secs))]
    ClockSkew { offset_secs: Option<i64> },

    /// An error answer from Microsoft Graph. `message` is Graph's own, made readable.
    #[error("Microsoft Graph answered {status} {code}: {message}")]
    Graph {
        status: u16,
        code: String,
        message: String,
        request_id: Option<String>,
    },

    #[error("Microsoft Graph is throttling requests and asked to wait {retry_after_secs} seconds")]
    Throttled {
        retry_after_secs: u64,
        request_id: Option<String>,
    },

    #[error("no answer came back for {0}, so it may or may not have been applied")]
    OutcomeUnknown(String),

    #[error("Microsoft Graph sent an answer that cannot be read ({what})")]
    MalformedResponse {
        what: String,
        request_id: Option<String>,
    },

    #[error("no device matches {0:?}")]
    DeviceNotFound(String),

    #[error("{count} devices match {query:?}: {candidates}")]
    Ambiguous {
        query: String,
        count: usize,
        candidates: String,
    },

    /// Nothing to show or do, with what the admin can do instead.
    #[error("{what}")]
    Unavailable { what: String, next: String },

    #[error("{0}")]
    Internal(String),
}

impl Error {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::InvalidInput { .. } => ErrorKind::InvalidInput,
            Error::Storage { .. } => ErrorKind::Storage,
            Error::ProfileNotFound(_) => ErrorKind::ProfileNotFound,
            Error::Keychain(_) => ErrorKind::KeychainUnavailable,
            Error::SignInDeclined => ErrorKind::SignInCancelled,
            Error::SignInExpired
            | Error::SignInTimedOut(_)
            | Error::SignInRequired(_)
            | Error::NotSignedIn(_) => ErrorKind::SignInRequired,
            Error::SignInRefused(_) => ErrorKind::SignInFailed,
            Error::Network(_) => ErrorKind::Network,
            Error::ClockSkew { .. } => ErrorKind::ClockSkew,
            Error::Graph { status, .. } => match status {
                401 => ErrorKind::SignInRequired,
                403 => ErrorKind::PermissionDenied,
                404 => ErrorKind::NotFound,
                400 => ErrorKind::NotSupported,
                429 => ErrorKind::Throttled,
                _ => ErrorKind::ServiceError,
            },
            Error::Throttled { .. } => ErrorKind::Throttled,
            Error::OutcomeUnknown(_) => ErrorKind::OutcomeUnknown,
            Error::MalformedResponse { .. } => ErrorKind::ServiceError,
            Error::DeviceNotFound(_) => ErrorKind::NotFound,
            Error::Ambiguous { .. } => ErrorKind::Ambiguous,
            Error::Unavailable { .. } => ErrorKind::NotFound,
            Error::Internal(_) => ErrorKind::Internal,
        }
    }

    /// What the person in front of the screen can do about it.
    pub fn next_step(&self) -> &str {
        match self {
            Error::Unavailable { next, .. } => next,
            Error::InvalidInput { .. } => "Correct the value and try again.",
            Error::Storage { .. } => {
                "Check that the folder exists, is writable by your account and that the disk is not full."
            }
            Error::ProfileNotFound(_) => "List the profiles and use one of their names.",
            Error::Keychain(_) => {
                "Unlock your keychain (or start its service) and try again. The desktop app can also sign in for this session only, storing nothing."
            }
            Error::SignInDeclined => "Sign in again when you are ready, and accept the request.",
            Error::SignInExpired => {
                "Start the sign-in again and enter the new code within 15 minutes."
            }
            Error::SignInTimedOut(_) => {
                "Start the sign-in again and finish it in the browser window that opens."
            }
            Error::SignInRequired(_) => "Sign in again.",
            Error::NotSignedIn(_) => "Sign in.",
            Error::SignInRefused(detail) => refusal_next_step(detail),
            Error::Network(_) => "Check the network connection (and proxy), then try again.",
            Error::ClockSkew { .. } => {
                "Set this computer's date, time and time zone correctly (turn on automatic time), then sign in again."
            }
            Error::Graph { status, .. } => match status {
                401 => "Sign in again.",
                403 => {
                    "Ask an Intune administrator for a role that allows it (Help Desk Operator, or a custom role with the matching Remote task), and check that the app registration has DeviceManagementManagedDevices.Read.All and DeviceManagementManagedDevices.PrivilegedOperations.All with admin consent."
                }
                404 => {
                    "The device may have been retired or deleted: refresh the device list and search again."
                }
                400 => {
                    "Intune does not accept this for the device. Check the eligibility panel, or do it from the Intune admin center."
                }
                _ => {
                    "Try again in a few minutes. If it keeps happening, quote the request ID to Microsoft support."
                }
            },
            Error::Throttled { .. } => {
                "Wait for the time given, then try again; other tools using the same app registration share the limit."
            }
            Error::OutcomeUnknown(_) => {
                "Do not send it again yet: open the device and check its action results, which show whether it was applied."
            }
            Error::MalformedResponse { .. } => {
                "Try again. If it keeps happening, quote the request ID to Microsoft support."
            }
            Error::DeviceNotFound(_) => {
                "Check the spelling, or search by serial number, user or device ID; refresh the device list if the device enrolled recently."
            }
            Error::Ambiguous { .. } => "Use the device ID or serial number of the one you mean.",
            Error::Internal(_) => {
                "Try again. If it keeps happening, send the log file (About > Log folder) to your support contact."
            }
        }
    }

    /// Graph's `request-id` for errors that came from a Graph response, quoted to Microsoft support.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Graph { request_id, .. }
            | Error::Throttled { request_id, .. }
            | Error::MalformedResponse { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The error as the admin reads it. Every report is logged: what the admin saw is what
    /// support finds in the log (no secret ever reaches an error's text).
    pub fn report(&self) -> ErrorReport {
        let report = ErrorReport {
            kind: self.kind(),
            // Entra's and Graph's own sentences often end with a full stop already.
            message: format!(
                "{}. {}",
                capitalise(self.to_string().trim_end_matches('.')),
                self.next_step()
            ),
            request_id: self.request_id().map(str::to_owned),
        };
        tracing::warn!(
            kind = ?report.kind,
            request_id = report.request_id.as_deref().unwrap_or("-"),
            shown = %report.message,
            "error reported"
        );
        report
    }
}

/// The one error shape that leaves Rust: stable `kind`, a sentence that says what happened and what
/// to do next, and Graph's request id when there is one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
#[error("{message}")]
pub struct ErrorReport {
    pub kind: ErrorKind,
    pub message: String,
    pub request_id: Option<String>,
}

impl From<Error> for ErrorReport {
    fn from(error: Error) -> Self {
        error.report()
    }
}

/// What to do about Entra's refusal, by its AADSTS code; the general advice otherwise.
fn refusal_next_step(detail: &str) -> &'static str {
    let code = detail
        .strip_prefix("AADSTS")
        .map(|rest| {
            rest.split(|c: char| !c.is_ascii_digit())
                .next()
                .unwrap_or("")
        })
        .unwrap_or("");
    match code {
        "65001" | "65004" | "90094" | "90099" => {
            "An administrator must grant consent: Entra admin center > App registrations > the app > API permissions > Grant admin consent. Then sign in again."
        }
        "90002" | "900023" | "90072" => {
            "Check the profile's tenant: use the Tenant ID (a GUID) or a verified domain from the Entra admin center's Overview page, and sign in with an account of that tenant."
        }
        "700016" | "50048" => {
            "Check the profile's client ID: copy the Application (client) ID of an app registration in this tenant."
        }
        "7000215" | "7000222" => {
            "Check the client secret: paste its Value (not its Secret ID), and create a new one if it has expired."
        }
        // 50012 is the listed code for "client assertion contains an invalid signature".
        "700027" | "7000274" | "50012" => {
            "Upload the certificate's public part (.cer) to the app registration (Certificates & secrets), or choose the certificate that is registered."
        }
        "7000218" => {
            "Allow public client flows in the app registration (Authentication > Advanced settings), or sign in with the browser."
        }
        "50011" => {
            "Add the redirect URI http://localhost to the app registration (Authentication > Mobile and desktop applications)."
        }
        _ => {
            "Check the profile's tenant and client ID, and that an administrator granted consent to the app registration."
        }
    }
}

/// A connection that failed before any answer, as one sentence: what could not be reached and the
/// likeliest reason, read from the error's causes. The whole chain of library messages goes to the
/// log for support, not to the admin.
pub fn unreachable(what: impl Into<String>, error: &(dyn std::error::Error + 'static)) -> Error {
    let what = what.into();
    let mut chain = Vec::new();
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(cause) = source {
        chain.push(cause.to_string());
        source = cause.source();
    }
    let chain = chain.join(": ");
    tracing::warn!(%what, causes = %chain, "could not connect");
    Error::Network(match network_reason(&chain.to_ascii_lowercase()) {
        Some(reason) => format!("{what}: {reason}"),
        None => what,
    })
}

fn network_reason(chain: &str) -> Option<&'static str> {
    let has = |words: &[&str]| words.iter().any(|w| chain.contains(w));
    if has(&[
        "dns error",
        "failed to lookup",
        "name or service not known",
        "no such host",
    ]) {
        Some("its name could not be found (no network, or a DNS problem)")
    } else if has(&["connection refused", "actively refused"]) {
        Some("the connection was refused")
    } else if has(&["timed out", "timeout"]) {
        Some("it did not answer in time")
    } else if has(&["certificate", "tls", "ssl"]) {
        Some("its certificate was not trusted (a proxy that inspects traffic can cause this)")
    } else if has(&["proxy"]) {
        Some("the proxy refused the connection")
    } else if has(&["connection reset", "broken pipe", "unexpected eof"]) {
        Some("the connection was cut")
    } else if has(&["network is unreachable", "no route to host"]) {
        Some("this computer has no route to it")
    } else {
        None
    }
}

fn clock_skew_text(offset_secs: Option<i64>) -> String {
    match offset_secs {
        Some(secs) => format!(
            "the sign-in was refused because this computer's clock is {} Microsoft's",
            crate::clock::describe(secs)
        ),
        None => "the sign-in was refused because this computer's clock does not match Microsoft's"
            .into(),
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_serialises_with_stable_camel_case_fields() {
        let report = Error::InvalidInput {
            what: "the search text",
            why: "it is empty".into(),
        }
        .report();
        let json = serde_json::to_value(&report).expect("serialises");
        assert_eq!(json["kind"], "invalidInput");
        assert_eq!(
            json["message"],
            "The search text is not valid: it is empty. Correct the value and try again."
        );
        assert!(json["requestId"].is_null());
    }

    #[test]
    fn entras_refusals_say_what_to_fix() {
        let next = |detail: &str| Error::SignInRefused(detail.into()).report().message;
        assert!(
            next("AADSTS65001: The user or administrator has not consented.")
                .contains("Grant admin consent")
        );
        assert!(next("AADSTS90002: Tenant 'x' not found.").contains("Tenant ID (a GUID)"));
        assert!(
            next("AADSTS7000215: Invalid client secret provided.").contains("not its Secret ID")
        );
        assert!(next("AADSTS700027: Client assertion failed.").contains("public part (.cer)"));
        assert!(
            next("AADSTS7000218: The request body must contain client_assertion.")
                .contains("public client flows")
        );
        assert!(next("something else").contains("Check the profile's tenant and client ID"));
    }

    #[test]
    fn an_unreachable_service_is_one_sentence_with_its_likeliest_reason() {
        #[derive(Debug)]
        struct Chain(&'static str, Option<Box<Chain>>);
        impl std::fmt::Display for Chain {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.0)
            }
        }
        impl std::error::Error for Chain {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                self.1.as_deref().map(|c| c as _)
            }
        }
        let dns = Chain(
            "error sending request for url (https://login.microsoftonline.com/x/oauth2/v2.0/token)",
            Some(Box::new(Chain(
                "client error (Connect)",
                Some(Box::new(Chain(
                    "dns error: failed to lookup address information: Name or service not known",
                    None,
                ))),
            ))),
        );
        let message = unreachable("the sign-in service (login.microsoftonline.com)", &dns)
            .report()
            .message;
        assert_eq!(
            message,
            "Could not reach the sign-in service (login.microsoftonline.com): its name could not be found (no network, or a DNS problem). Check the network connection (and proxy), then try again."
        );
        assert!(!message.contains("client error"), "no library chain");
        let refused = Chain("tcp connect error: Connection refused (os error 111)", None);
        assert!(
            unreachable("Microsoft Graph (graph.microsoft.com)", &refused)
                .to_string()
                .ends_with("graph.microsoft.com): the connection was refused")
        );
        let odd = Chain("something new", None);
        assert_eq!(
            unreachable("Microsoft Graph (graph.microsoft.com)", &odd).to_string(),
            "could not reach Microsoft Graph (graph.microsoft.com)"
        );
    }

    #[test]
    fn every_report_is_logged_as_the_admin_reads_it() {
        use std::sync::{Arc, Mutex};
        #[derive(Clone, Default)]
        struct Captured(Arc<Mutex<Vec<u8>>>);
        impl std::io::Write for Captured {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                self.0.lock().expect("lock").extend_from_slice(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        let report = tracing::subscriber::with_default(subscriber, || {
            Error::Graph {
                status: 403,
                code: "Forbidden".into(),
                message: "Application is not authorized to perform this operation".into(),
                request_id: Some("req-77".into()),
            }
            .report()
        });
        let log = String::from_utf8(captured.0.lock().expect("lock").clone()).expect("utf-8");
        assert!(log.contains("WARN"), "{log}");
        assert!(log.contains("PermissionDenied"), "{log}");
        assert!(log.contains("req-77"), "{log}");
        assert!(log.contains(&report.message), "{log}");
    }

    #[test]
    fn storage_error_names_the_path_and_what_to_do() {
        let err = Error::Storage {
            path: PathBuf::from("/var/log/x"),
            source: std::io::Error::new(std::io::ErrorKind::PermissionDenied, "denied"),
        };
        let report = err.report();
        assert_eq!(report.kind, ErrorKind::Storage);
        assert!(
            report
                .message
                .starts_with("Could not use /var/log/x: denied.")
        );
        assert!(report.message.contains("writable"));
    }
}

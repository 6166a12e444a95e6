//! A wrapper for tokens, client secrets, PINs, passcodes and recovery keys.
//!
//! Every way a value can leak by accident (Debug in a log line, Display in an error message,
//! Serialize into a file or an IPC answer) prints `<redacted>` instead. The only way to the value
//! is [`Secret::expose`], which a reviewer can search for.

use std::fmt;

use serde::{Serialize, Serializer};
use zeroize::Zeroize;

const REDACTED: &str = "<redacted>";

#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value itself. Call it only where the secret is sent to the service that needs it, stored
    /// in the OS keychain, or shown after the admin explicitly asked to reveal it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({REDACTED})")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(REDACTED)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALUE: &str = "0.AXkA-refresh-token-value";

    #[derive(Debug, Serialize)]
    struct Holder {
        account: &'static str,
        token: Secret,
    }

    #[test]
    fn debug_display_and_serialize_never_show_the_value() {
        let holder = Holder {
            account: "admin@contoso.com",
            token: Secret::new(VALUE),
        };
        let debug = format!("{holder:?}");
        let display = format!("{}", holder.token);
        let json = serde_json::to_string(&holder).expect("serialises");
        for out in [&debug, &display, &json] {
            assert!(!out.contains(VALUE), "leaked in {out}");
            assert!(out.contains(REDACTED), "no redaction marker in {out}");
        }
        assert!(debug.contains("admin@contoso.com"));
    }

    #[test]
    fn expose_returns_the_value() {
        let secret = Secret::from(VALUE.to_string());
        assert_eq!(secret.expose(), VALUE);
        assert!(!secret.is_empty());
        assert!(Secret::new("").is_empty());
    }

    #[test]
    fn a_panic_message_with_a_secret_is_redacted() {
        let secret = Secret::new(VALUE);
        let caught = std::panic::catch_unwind(|| panic!("could not use {secret:?} / {secret}"));
        let payload = caught.expect_err("panicked");
        let message = payload
            .downcast_ref::<String>()
            .expect("formatted panic message");
        assert!(!message.contains(VALUE));
    }
}

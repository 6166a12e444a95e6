//! Separate instances of the app on one machine, for tests and side-by-side troubleshooting.
//!
//! `INTUNE_ACTIONS_INSTANCE=e2e42` appends `.e2e42` to the bundle identifier, which gives that copy
//! its own single-instance lock (a D-Bus name on Linux), its own config, data and log folders, so it
//! never collides with a copy the admin is running.

pub const INSTANCE_ENV: &str = "INTUNE_ACTIONS_INSTANCE";

pub fn identifier(base: &str) -> Result<String, String> {
    identifier_for(base, std::env::var(INSTANCE_ENV).ok().as_deref())
}

fn identifier_for(base: &str, instance: Option<&str>) -> Result<String, String> {
    match instance {
        None | Some("") => Ok(base.to_string()),
        Some(name) if is_valid(name) => Ok(format!("{base}.{name}")),
        Some(name) => Err(format!(
            "{INSTANCE_ENV}={name:?} is not usable: use 1 to 32 ASCII letters or digits, starting with a letter."
        )),
    }
}

// D-Bus name elements and bundle identifiers both accept this subset.
fn is_valid(name: &str) -> bool {
    name.len() <= 32
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_core_and_tauri_conf_name_the_same_app() {
        let conf: serde_json::Value =
            serde_json::from_str(include_str!("../tauri.conf.json")).expect("valid JSON");
        assert_eq!(conf["identifier"], intune_core::APP_IDENTIFIER);
    }

    #[test]
    fn no_instance_keeps_the_bundle_identifier() {
        assert_eq!(identifier_for("app.x", None).as_deref(), Ok("app.x"));
        assert_eq!(identifier_for("app.x", Some("")).as_deref(), Ok("app.x"));
    }

    #[test]
    fn an_instance_name_is_appended() {
        assert_eq!(
            identifier_for("app.x", Some("e2e42")).as_deref(),
            Ok("app.x.e2e42")
        );
    }

    #[test]
    fn names_that_would_break_a_dbus_name_are_refused_with_a_reason() {
        for bad in ["4abc", "a-b", "a.b", "a b", "é", &"a".repeat(33)] {
            let err = identifier_for("app.x", Some(bad)).expect_err(bad);
            assert!(err.contains("ASCII letters or digits"), "{err}");
        }
    }
}

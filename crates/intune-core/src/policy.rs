//! The machine-wide policy a device manager (Intune itself, for instance) deploys beside the
//! app: a fleet that installs and updates the app through its own deployment turns the app's own
//! updates off, for every user of the computer, where no admin setting can turn them back on.
//!
//! Two ways, either is enough: the environment variable `INTUNE_ACTIONS_UPDATES=off`, or a file
//! `{"updates": "off"}` at [`policy_file`] (`%ProgramData%\Intune Actions\policy.json` on
//! Windows, `/Library/Application Support/Intune Actions/policy.json` on macOS,
//! `/etc/intune-actions/policy.json` on Linux).

use std::path::{Path, PathBuf};

use serde::Deserialize;

pub const UPDATES_ENV: &str = "INTUNE_ACTIONS_UPDATES";
/// Points at another policy file (tests; a fleet that keeps its files elsewhere).
pub const POLICY_FILE_ENV: &str = "INTUNE_ACTIONS_POLICY_FILE";

/// Whether the app may look for and offer its own updates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Updates {
    Allowed,
    /// Turned off for this computer; says by what, for the settings to show.
    Off {
        by: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    updates: Option<Switch>,
}

#[derive(Deserialize, PartialEq)]
#[serde(rename_all = "lowercase")]
enum Switch {
    On,
    Off,
}

/// Where this computer's policy file is.
pub fn policy_file() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(POLICY_FILE_ENV) {
        return Some(PathBuf::from(path));
    }
    if cfg!(windows) {
        std::env::var_os("ProgramData").map(|data| {
            PathBuf::from(data)
                .join("Intune Actions")
                .join("policy.json")
        })
    } else if cfg!(target_os = "macos") {
        Some(PathBuf::from(
            "/Library/Application Support/Intune Actions/policy.json",
        ))
    } else {
        Some(PathBuf::from("/etc/intune-actions/policy.json"))
    }
}

/// The policy of this computer, from its environment and its policy file.
pub fn updates() -> Updates {
    let file = policy_file();
    let text = file
        .as_deref()
        .map(|path| (path, std::fs::read_to_string(path)));
    let text = match &text {
        None => None,
        Some((_, Err(e))) if e.kind() == std::io::ErrorKind::NotFound => None,
        Some((path, read)) => Some((*path, read.as_deref().map_err(ToString::to_string))),
    };
    updates_from(std::env::var(UPDATES_ENV).ok().as_deref(), text)
}

/// The policy from the environment variable's value and the policy file's text (or why it could
/// not be read). A policy file that cannot be read or understood turns updates off: whoever
/// deployed it meant to set a policy, and an update the fleet did not plan is the worse mistake.
pub fn updates_from(env: Option<&str>, file: Option<(&Path, Result<&str, String>)>) -> Updates {
    if let Some(value) = env.map(str::trim)
        && ["off", "0", "false", "no"]
            .iter()
            .any(|off| value.eq_ignore_ascii_case(off))
    {
        return Updates::Off {
            by: format!("{UPDATES_ENV}={value} on this computer"),
        };
    }
    let Some((path, text)) = file else {
        return Updates::Allowed;
    };
    let shown = path.display();
    match text.and_then(|t| serde_json::from_str::<PolicyFile>(t).map_err(|e| e.to_string())) {
        Ok(PolicyFile {
            updates: Some(Switch::Off),
        }) => Updates::Off {
            by: format!("the policy file {shown}"),
        },
        Ok(_) => Updates::Allowed,
        Err(why) => Updates::Off {
            by: format!(
                "the policy file {shown}, which could not be read ({why}); fix or remove it"
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> Option<(&'static Path, Result<&str, String>)> {
        Some((Path::new("/etc/intune-actions/policy.json"), Ok(text)))
    }

    #[test]
    fn no_policy_allows_updates_and_either_way_of_turning_them_off_works() {
        assert_eq!(updates_from(None, None), Updates::Allowed);
        assert_eq!(updates_from(Some("on"), None), Updates::Allowed);
        assert_eq!(
            updates_from(Some(" OFF "), None),
            Updates::Off {
                by: "INTUNE_ACTIONS_UPDATES=OFF on this computer".into()
            }
        );
        assert_eq!(
            updates_from(None, file(r#"{"updates": "off"}"#)),
            Updates::Off {
                by: "the policy file /etc/intune-actions/policy.json".into()
            }
        );
        assert_eq!(
            updates_from(None, file(r#"{"updates": "on"}"#)),
            Updates::Allowed
        );
        assert_eq!(updates_from(None, file("{}")), Updates::Allowed);
        // The environment cannot turn back on what the file turned off.
        assert!(matches!(
            updates_from(Some("on"), file(r#"{"updates": "off"}"#)),
            Updates::Off { .. }
        ));
    }

    #[test]
    fn a_policy_file_that_cannot_be_understood_turns_updates_off_and_says_why() {
        for text in [
            r#"{"updates": "of"}"#,
            "updates=off",
            r#"{"update": "off"}"#,
        ] {
            let Updates::Off { by } = updates_from(None, file(text)) else {
                panic!("{text} should turn updates off");
            };
            assert!(by.contains("could not be read"), "{by}");
        }
        let Updates::Off { by } = updates_from(
            None,
            Some((Path::new("/etc/x.json"), Err("permission denied".into()))),
        ) else {
            panic!("an unreadable file should turn updates off");
        };
        assert!(by.contains("permission denied"), "{by}");
    }
}

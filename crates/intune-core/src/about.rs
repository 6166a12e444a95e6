//! What the app says about itself on the About panel and in `intune-actions --version --json`:
//! the facts a support contact asks for first.

use std::path::Path;

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct About {
    pub product: String,
    pub version: String,
    /// "debug" or "release": debug builds log to stderr too.
    pub build: String,
    /// "Windows", "macOS", "Linux", …
    pub os: String,
    pub arch: String,
    /// Where the rolling log files are, when the app logs to files.
    pub log_dir: Option<String>,
}

pub const PRODUCT: &str = "Intune Actions";

pub fn about(version: &str, log_dir: Option<&Path>) -> About {
    About {
        product: PRODUCT.to_string(),
        version: version.to_string(),
        build: if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
        .to_string(),
        os: os_name(std::env::consts::OS).to_string(),
        arch: std::env::consts::ARCH.to_string(),
        log_dir: log_dir.map(|d| d.display().to_string()),
    }
}

fn os_name(os: &str) -> &str {
    match os {
        "windows" => "Windows",
        "macos" => "macOS",
        "linux" => "Linux",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_platform_the_way_admins_write_it() {
        assert_eq!(os_name("macos"), "macOS");
        assert_eq!(os_name("windows"), "Windows");
        assert_eq!(os_name("freebsd"), "freebsd");
    }

    #[test]
    fn carries_version_and_log_folder() {
        let info = about("1.2.3", Some(Path::new("/tmp/logs")));
        assert_eq!(info.product, "Intune Actions");
        assert_eq!(info.version, "1.2.3");
        assert_eq!(info.log_dir.as_deref(), Some("/tmp/logs"));
        assert!(about("1.2.3", None).log_dir.is_none());
    }
}

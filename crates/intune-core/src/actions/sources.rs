//! Where each rule, effect and guidance sentence comes from: a Microsoft or Apple page (title and
//! public address), one of the documents the product was specified from, or the app's own
//! inference with its reasoning. The UI shows them behind "Why?"; `check --json` and
//! `status --json` carry them.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum SourceKind {
    Microsoft,
    Apple,
    /// A document the product was specified from.
    Seed,
    /// The app's own reasoning, where no document says it.
    Inference,
}

/// A source as rules hold it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Source {
    pub kind: SourceKind,
    /// The page's title, the seed's name, or (for an inference) the reasoning.
    pub title: &'static str,
    pub url: Option<&'static str>,
}

/// A source as the UI and scripts read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Cited {
    pub kind: SourceKind,
    pub title: String,
    pub url: Option<String>,
}

impl Source {
    pub fn cite(&self) -> Cited {
        Cited {
            kind: self.kind,
            title: self.title.into(),
            url: self.url.map(str::to_string),
        }
    }
}

pub fn cite(sources: &[Source]) -> Vec<Cited> {
    sources.iter().map(Source::cite).collect()
}

const fn microsoft(title: &'static str, url: &'static str) -> Source {
    Source {
        kind: SourceKind::Microsoft,
        title,
        url: Some(url),
    }
}

const fn apple(title: &'static str, url: &'static str) -> Source {
    Source {
        kind: SourceKind::Apple,
        title,
        url: Some(url),
    }
}

const fn seed(title: &'static str) -> Source {
    Source {
        kind: SourceKind::Seed,
        title,
        url: None,
    }
}

/// The app's own reasoning: `reasoning` says why.
pub const fn inference(reasoning: &'static str) -> Source {
    Source {
        kind: SourceKind::Inference,
        title: reasoning,
        url: None,
    }
}

pub const REMOTE_LOCK: Source = microsoft(
    "Device action: remote lock",
    "https://learn.microsoft.com/intune/device-management/actions/remote-lock",
);
pub const RESET_PASSCODE: Source = microsoft(
    "Device action: reset passcode",
    "https://learn.microsoft.com/intune/device-management/actions/reset-passcode",
);
pub const REMOVE_PASSCODE: Source = microsoft(
    "Remote device action: remove passcode",
    "https://learn.microsoft.com/intune/device-management/actions/remove-passcode",
);
pub const ROTATE_FILEVAULT: Source = microsoft(
    "Device action: rotate FileVault recovery key",
    "https://learn.microsoft.com/intune/device-management/actions/rotate-filevault-recovery-key",
);
pub const GRAPH_RECOVER_PASSCODE: Source = microsoft(
    "recoverPasscode action (Microsoft Graph beta)",
    "https://learn.microsoft.com/graph/api/intune-devices-manageddevice-recoverpasscode?view=graph-rest-beta",
);
pub const GRAPH_REMOTE_ACTION: Source = microsoft(
    "remoteAction enum (Microsoft Graph beta): recoverPasscode resets a Windows Phone's Passport for Work PIN",
    "https://learn.microsoft.com/graph/api/resources/intune-devices-remoteaction?view=graph-rest-beta",
);
pub const GRAPH_REMOTE_LOCK: Source = microsoft(
    "remoteLock action (Microsoft Graph): no request body",
    "https://learn.microsoft.com/graph/api/intune-devices-manageddevice-remotelock?view=graph-rest-1.0",
);
pub const GRAPH_REMOTE_LOCK_RESULT: Source = microsoft(
    "remoteLockActionResult resource type (Microsoft Graph): unlockPin",
    "https://learn.microsoft.com/graph/api/resources/intune-devices-remotelockactionresult?view=graph-rest-1.0",
);
pub const GRAPH_MANAGEMENT_STATE: Source = microsoft(
    "managementState enum (Microsoft Graph)",
    "https://learn.microsoft.com/graph/api/resources/intune-devices-managementstate?view=graph-rest-1.0",
);
pub const GRAPH_ENROLLMENT_TYPE: Source = microsoft(
    "deviceEnrollmentType enum (Microsoft Graph beta)",
    "https://learn.microsoft.com/graph/api/resources/intune-devices-deviceenrollmenttype?view=graph-rest-beta",
);
pub const GRAPH_MANAGED_DEVICE: Source = microsoft(
    "managedDevice resource type (Microsoft Graph beta): lastSyncDateTime, isSupervised, complianceState",
    "https://learn.microsoft.com/graph/api/resources/intune-devices-manageddevice?view=graph-rest-beta",
);
pub const GRAPH_GET_FILEVAULT_KEY: Source = microsoft(
    "getFileVaultKey function (Microsoft Graph beta)",
    "https://learn.microsoft.com/graph/api/intune-devices-manageddevice-getfilevaultkey?view=graph-rest-beta",
);
pub const APPLE_DEVICE_LOCK: Source = apple(
    "Device Lock (Apple Device Management)",
    "https://developer.apple.com/documentation/devicemanagement/device-lock-command",
);
pub const APPLE_CLEAR_PASSCODE: Source = apple(
    "Clear Passcode (Apple Device Management): not allowed in user enrollment",
    "https://developer.apple.com/documentation/devicemanagement/clear-passcode-command",
);
/// Every published page a rule may cite: the only addresses the app opens for "Why?".
pub const PUBLISHED: &[Source] = &[
    REMOTE_LOCK,
    RESET_PASSCODE,
    REMOVE_PASSCODE,
    ROTATE_FILEVAULT,
    GRAPH_RECOVER_PASSCODE,
    GRAPH_REMOTE_ACTION,
    GRAPH_REMOTE_LOCK,
    GRAPH_REMOTE_LOCK_RESULT,
    GRAPH_MANAGEMENT_STATE,
    GRAPH_ENROLLMENT_TYPE,
    GRAPH_MANAGED_DEVICE,
    GRAPH_GET_FILEVAULT_KEY,
    APPLE_DEVICE_LOCK,
    APPLE_CLEAR_PASSCODE,
];

/// The address, if it is one of [`PUBLISHED`]'s: anything else is refused.
pub fn published_url(url: &str) -> Option<&'static str> {
    PUBLISHED.iter().filter_map(|s| s.url).find(|u| *u == url)
}

pub const SEED_FILEVAULT: Source =
    seed("Seed 000: Intune remote action \"Rotate FileVault recovery key\"");
pub const SEED_RECOVER: Source = seed(
    "Seed 001: a Terraform provider's \"recover passcode\" action (escrowed iOS/iPadOS passcodes)",
);
pub const SEED_LOCK: Source = seed("Seed 002: Intune \"Remote lock\"");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_published_addresses_open() {
        assert_eq!(
            published_url(REMOTE_LOCK.url.expect("url")),
            REMOTE_LOCK.url
        );
        assert_eq!(published_url("https://evil.example/"), None);
    }

    #[test]
    fn published_sources_have_a_public_address_and_others_none() {
        for &source in PUBLISHED {
            let url = source.url.expect("a public address");
            let expected = match source.kind {
                SourceKind::Microsoft => "https://learn.microsoft.com/",
                SourceKind::Apple => "https://developer.apple.com/",
                _ => panic!("{source:?}"),
            };
            assert!(url.starts_with(expected), "{url}");
        }
        for source in [SEED_FILEVAULT, SEED_RECOVER, SEED_LOCK, inference("x")] {
            assert!(source.url.is_none());
        }
    }
}

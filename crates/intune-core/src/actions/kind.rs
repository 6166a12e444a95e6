//! The four remote actions the product sends, with the Graph call behind each.

use serde::{Deserialize, Serialize};

use crate::devices::Platform;
use crate::graph::calls::{self, Call};

/// Names are stable: the CLI's `--json`, the audit and the UI branch on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum ActionKind {
    RemoteLock,
    RotateFileVaultKey,
    RecoverPasscode,
    /// Graph's `resetPasscode`: "Remove passcode" on iPhone and iPad, "Reset passcode" on Android.
    ResetPasscode,
}

impl ActionKind {
    pub const ALL: [ActionKind; 4] = [
        ActionKind::RemoteLock,
        ActionKind::RotateFileVaultKey,
        ActionKind::RecoverPasscode,
        ActionKind::ResetPasscode,
    ];

    /// The Graph path segment, which is also the `actionName` of its result.
    pub fn segment(self) -> &'static str {
        match self {
            ActionKind::RemoteLock => "remoteLock",
            ActionKind::RotateFileVaultKey => "rotateFileVaultKey",
            ActionKind::RecoverPasscode => "recoverPasscode",
            ActionKind::ResetPasscode => "resetPasscode",
        }
    }

    /// The Graph call that sends it (FileVault rotation exists only in beta).
    pub fn call(self) -> Call {
        match self {
            ActionKind::RemoteLock => calls::REMOTE_LOCK,
            ActionKind::RotateFileVaultKey => calls::ROTATE_FILEVAULT_KEY,
            ActionKind::RecoverPasscode => calls::RECOVER_PASSCODE,
            ActionKind::ResetPasscode => calls::RESET_PASSCODE,
        }
    }

    /// What the admin center calls it on this platform.
    pub fn label(self, platform: Platform) -> &'static str {
        match (self, platform) {
            (ActionKind::RemoteLock, _) => "Remote lock",
            (ActionKind::RotateFileVaultKey, _) => "Rotate FileVault recovery key",
            (ActionKind::RecoverPasscode, _) => "Recover passcode",
            (ActionKind::ResetPasscode, Platform::Ios | Platform::IpadOs) => "Remove passcode",
            (ActionKind::ResetPasscode, _) => "Reset passcode",
        }
    }

    /// The command-line name (`intune-actions check lock …`).
    pub fn cli_name(self) -> &'static str {
        match self {
            ActionKind::RemoteLock => "lock",
            ActionKind::RotateFileVaultKey => "rotate-filevault-key",
            ActionKind::RecoverPasscode => "recover-passcode",
            ActionKind::ResetPasscode => "reset-passcode",
        }
    }

    pub fn parse(text: &str) -> Option<ActionKind> {
        let text = text.trim().to_ascii_lowercase();
        ActionKind::ALL.into_iter().find(|kind| {
            kind.cli_name() == text
                || kind.segment().eq_ignore_ascii_case(&text)
                || (text == "remove-passcode" && *kind == ActionKind::ResetPasscode)
                || (text == "remote-lock" && *kind == ActionKind::RemoteLock)
        })
    }

    /// Reading a secret or recovering one needs a business justification; so does every reveal.
    pub fn needs_justification(self) -> bool {
        matches!(self, ActionKind::RecoverPasscode)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_aliases_parse() {
        for kind in ActionKind::ALL {
            assert_eq!(ActionKind::parse(kind.cli_name()), Some(kind));
            assert_eq!(ActionKind::parse(kind.segment()), Some(kind));
        }
        assert_eq!(
            ActionKind::parse("remove-passcode"),
            Some(ActionKind::ResetPasscode)
        );
        assert_eq!(ActionKind::parse("wipe"), None);
    }

    #[test]
    fn only_rotation_needs_beta_and_reset_is_called_remove_on_apple_devices() {
        use crate::graph::Version;
        assert_eq!(ActionKind::RotateFileVaultKey.call().version, Version::Beta);
        assert_eq!(ActionKind::RemoteLock.call().version, Version::V1);
        for kind in ActionKind::ALL {
            assert_eq!(kind.call().operation(), Some(kind.segment()));
        }
        assert_eq!(
            ActionKind::ResetPasscode.label(Platform::Ios),
            "Remove passcode"
        );
        assert_eq!(
            ActionKind::ResetPasscode.label(Platform::Android),
            "Reset passcode"
        );
    }
}

//! A refusal in the admin's words: a 403 says which is missing, the app registration's
//! permission (or its consent) or the account's Intune role, named per action.

use super::ActionKind;
use crate::{Error, ErrorReport};

/// The roles that allow an action, as Intune's role reference names them.
fn roles_for(action: ActionKind) -> &'static str {
    match action {
        ActionKind::RemoteLock => {
            "Help Desk Operator, School Administrator, Endpoint Security Manager, or a custom role with Remote tasks/Remote lock"
        }
        ActionKind::RotateFileVaultKey => {
            "Help Desk Operator, Endpoint Security Manager, or a custom role with Remote tasks/Rotate FileVault key"
        }
        ActionKind::ResetPasscode | ActionKind::RecoverPasscode => {
            "Help Desk Operator, School Administrator, or a custom role with Remote tasks/Reset passcode"
        }
    }
}

const PRIVILEGED: &str = "DeviceManagementManagedDevices.PrivilegedOperations.All";

/// A refusal in plain words. A 403 says which is missing: the app registration's permission (or
/// its admin consent), or, with the permission granted, the account's Intune role.
pub(super) fn refusal(error: &Error, action: ActionKind, granted: &[String]) -> ErrorReport {
    let mut report = error.report();
    if let Error::Graph { status: 403, .. } = error {
        let has_permission = granted.iter().any(|g| g.ends_with(PRIVILEGED));
        report.message = if has_permission {
            format!(
                "Your account has no Intune role that allows this. The app registration has {PRIVILEGED}; ask an Intune administrator for one of: {}.",
                roles_for(action)
            )
        } else {
            format!(
                "The sign-in lacks {PRIVILEGED}: ask an Entra administrator to add it to the app registration and grant admin consent, then sign in again. Your account also needs one of: {}.",
                roles_for(action)
            )
        };
    }
    report
}

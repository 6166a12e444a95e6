//! Intune's role-based access for signed-in accounts: a delegated call needs both the token's
//! permission and an Intune role of the account that allows the remote task. App-only tokens are
//! not subject to Intune roles: their application permissions decide alone.
//!
//! Which built-in role allows which remote task follows Microsoft's Intune role reference as
//! gathered in the product's reference notes: remote lock for Help Desk Operator, School
//! Administrator and Endpoint Security Manager; reset passcode for Help Desk Operator and School
//! Administrator; FileVault key rotation for Help Desk Operator and Endpoint Security Manager.
//! Two are the sim's inference, since Microsoft names no task for them: `recoverPasscode` counts
//! as "Reset passcode", and reading a FileVault key as "Rotate FileVault key".

use serde::{Deserialize, Serialize};

use crate::actions::Action;

/// A remote task a custom role can grant, as the admin center names them under "Remote tasks".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RemoteTask {
    RemoteLock,
    ResetPasscode,
    RotateFileVaultKey,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum IntuneRole {
    /// The Entra role Intune Administrator: every Intune permission.
    IntuneAdministrator,
    HelpDeskOperator,
    SchoolAdministrator,
    EndpointSecurityManager,
    /// A custom role that reads managed devices and has these remote tasks.
    Custom(Vec<RemoteTask>),
    /// No Intune role: Graph refuses even to list devices.
    None,
}

impl IntuneRole {
    pub fn can_read(&self) -> bool {
        *self != IntuneRole::None
    }

    pub fn allows(&self, action: Action) -> bool {
        let task = match action {
            Action::RemoteLock => RemoteTask::RemoteLock,
            Action::ResetPasscode | Action::RecoverPasscode => RemoteTask::ResetPasscode,
            Action::RotateFileVaultKey | Action::GetFileVaultKey => RemoteTask::RotateFileVaultKey,
            Action::SyncDevice => return self.can_read(),
        };
        match self {
            IntuneRole::IntuneAdministrator => true,
            IntuneRole::HelpDeskOperator => true,
            IntuneRole::SchoolAdministrator => {
                matches!(task, RemoteTask::RemoteLock | RemoteTask::ResetPasscode)
            }
            IntuneRole::EndpointSecurityManager => {
                matches!(
                    task,
                    RemoteTask::RemoteLock | RemoteTask::RotateFileVaultKey
                )
            }
            IntuneRole::Custom(tasks) => tasks.contains(&task),
            IntuneRole::None => false,
        }
    }
}

/// A person who can sign in to the tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    pub upn: String,
    pub name: String,
    pub role: IntuneRole,
}

impl Account {
    fn new(upn: &str, name: &str, role: IntuneRole) -> Account {
        Account {
            upn: upn.into(),
            name: name.into(),
            role,
        }
    }

    /// The tenant's people: the first signs in unless a sign-in names another (`login_hint`, or
    /// `upn` when approving a device code).
    pub fn defaults() -> Vec<Account> {
        let domain = "contoso.onmicrosoft.com";
        vec![
            Account::new(
                &format!("it.admin@{domain}"),
                "IT Admin",
                IntuneRole::IntuneAdministrator,
            ),
            Account::new(
                &format!("helpdesk@{domain}"),
                "Help Desk",
                IntuneRole::HelpDeskOperator,
            ),
            Account::new(
                &format!("school.admin@{domain}"),
                "School Admin",
                IntuneRole::SchoolAdministrator,
            ),
            Account::new(
                &format!("security@{domain}"),
                "Security Manager",
                IntuneRole::EndpointSecurityManager,
            ),
            Account::new(
                &format!("locker@{domain}"),
                "Lock Only",
                IntuneRole::Custom(vec![RemoteTask::RemoteLock]),
            ),
            Account::new(&format!("no.role@{domain}"), "No Role", IntuneRole::None),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_built_in_role_allows_its_remote_tasks_and_no_others() {
        use Action::*;
        let allowed = |role: &IntuneRole| {
            [
                RemoteLock,
                ResetPasscode,
                RecoverPasscode,
                RotateFileVaultKey,
            ]
            .into_iter()
            .filter(|a| role.allows(*a))
            .collect::<Vec<_>>()
        };
        assert_eq!(
            allowed(&IntuneRole::HelpDeskOperator),
            [
                RemoteLock,
                ResetPasscode,
                RecoverPasscode,
                RotateFileVaultKey
            ]
        );
        assert_eq!(
            allowed(&IntuneRole::SchoolAdministrator),
            [RemoteLock, ResetPasscode, RecoverPasscode]
        );
        assert_eq!(
            allowed(&IntuneRole::EndpointSecurityManager),
            [RemoteLock, RotateFileVaultKey]
        );
        assert_eq!(
            allowed(&IntuneRole::Custom(vec![RemoteTask::RemoteLock])),
            [RemoteLock]
        );
        assert!(allowed(&IntuneRole::None).is_empty());
        assert!(!IntuneRole::None.can_read());
        assert!(IntuneRole::Custom(vec![]).can_read());
    }
}

//! Reading a secret back, only on an explicit reveal with a justification, and always audited:
//! a macOS unlock PIN (kept in the keychain, else read from Intune), a passcode Intune reported
//! (Android's reset, or a recovered one if Intune returns it), a FileVault recovery key.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::ActionKind;
use super::pins::KeptPin;
use super::service::ActionService;
use crate::audit::{self, AuditEvent, AuditRecord};
use crate::devices::{DeviceDetails, Ownership, Platform, remote};
use crate::graph::{GraphClient, calls};
use crate::{Error, Result, Secret};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum SecretKind {
    UnlockPin,
    Passcode,
    FileVaultKey,
}

impl SecretKind {
    pub fn subject(self) -> &'static str {
        match self {
            SecretKind::UnlockPin => "unlockPin",
            SecretKind::Passcode => "passcode",
            SecretKind::FileVaultKey => "fileVaultKey",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SecretKind::UnlockPin => "unlock PIN",
            SecretKind::Passcode => "passcode",
            SecretKind::FileVaultKey => "FileVault recovery key",
        }
    }

    pub fn parse(text: &str) -> Option<SecretKind> {
        match text.trim().to_ascii_lowercase().as_str() {
            "pin" | "unlock-pin" => Some(SecretKind::UnlockPin),
            "passcode" => Some(SecretKind::Passcode),
            "filevault-key" | "filevault" | "key" => Some(SecretKind::FileVaultKey),
            _ => None,
        }
    }
}

/// The secrets worth offering to reveal for a device: an unlock PIN that is kept or that Intune
/// shows, a passcode Intune reported, a corporate encrypted Mac's FileVault key.
pub fn revealable(details: &DeviceDetails, kept_pin: Option<&KeptPin>) -> Vec<SecretKind> {
    let device = &details.device;
    let result = |action: ActionKind| {
        details
            .action_results
            .iter()
            .filter(|r| r.action_name.eq_ignore_ascii_case(action.segment()))
            .max_by_key(|r| r.started)
    };
    let mut kinds = Vec::new();
    if device.platform == Platform::MacOs
        && (kept_pin.is_some_and(|p| p.used_at.is_none())
            || result(ActionKind::RemoteLock).is_some_and(|r| r.has_secret))
    {
        kinds.push(SecretKind::UnlockPin);
    }
    let passcode = match device.platform {
        Platform::Android => result(ActionKind::ResetPasscode).is_some_and(|r| r.has_secret),
        // Only when Intune returned something: otherwise the admin would be asked for a reason
        // (and an audit entry written) for nothing.
        Platform::Ios | Platform::IpadOs | Platform::MacOs => result(ActionKind::RecoverPasscode)
            .is_some_and(|r| r.action_state == "done" && r.has_secret),
        _ => false,
    };
    if passcode {
        kinds.push(SecretKind::Passcode);
    }
    if device.platform == Platform::MacOs
        && device.ownership == Ownership::Company
        && device.is_encrypted
    {
        kinds.push(SecretKind::FileVaultKey);
    }
    kinds
}

/// A revealed secret. `value` stays a [`Secret`] until the front end shows it.
#[derive(Debug)]
pub struct Revealed {
    pub kind: SecretKind,
    pub device_id: String,
    pub device_name: String,
    pub value: Secret,
    /// Where it came from: "keychain", "memory" (the demo's kept PINs) or "intune".
    pub source: &'static str,
    /// When the action that produced it started, when known.
    pub produced_at: Option<DateTime<Utc>>,
    /// What to do now that it was shown.
    pub advice: Vec<String>,
}

/// A secret value of an action result, with when that action started.
pub struct ResultSecret {
    pub value: Secret,
    pub started: Option<DateTime<Utc>>,
}

/// The value (unlock PIN or passcode) of the newest result of `action`, read now.
pub async fn read_result_secret(
    graph: &GraphClient,
    device_id: &str,
    action: ActionKind,
) -> Result<Option<ResultSecret>> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Raw {
        action_name: Option<String>,
        start_date_time: Option<String>,
        unlock_pin: Option<String>,
        passcode: Option<String>,
    }
    #[derive(Deserialize)]
    struct Results {
        #[serde(default, rename = "deviceActionResults")]
        results: Option<Vec<Raw>>,
    }
    if !remote::is_guid(device_id) {
        return Err(Error::InvalidInput {
            what: "the device ID",
            why: format!("{device_id:?} is not a GUID"),
        });
    }
    let url = format!(
        "{}?$select=deviceActionResults",
        calls::READ_DEVICE.url(graph, device_id)
    );
    let answer: Results = match graph.get_json(&url, "the device's action results").await {
        Err(Error::Graph { status: 404, .. }) => {
            return Err(Error::DeviceNotFound(device_id.into()));
        }
        other => other?,
    };
    let newest = answer
        .results
        .unwrap_or_default()
        .into_iter()
        .filter(|r| {
            r.action_name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(action.segment()))
        })
        .map(|r| {
            let started = r
                .start_date_time
                .as_deref()
                .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                .map(|t| t.with_timezone(&Utc));
            (started, r.unlock_pin.or(r.passcode))
        })
        .max_by_key(|(started, _)| *started);
    Ok(newest.and_then(|(started, value)| {
        value.filter(|v| !v.is_empty()).map(|v| ResultSecret {
            value: Secret::new(v),
            started,
        })
    }))
}

impl ActionService {
    /// Reveals a secret of a device. A justification is required; the reveal (or the attempt that
    /// found nothing) is audited, never the value.
    pub async fn reveal(
        &self,
        kind: SecretKind,
        device_id: &str,
        justification: Option<&str>,
    ) -> Result<Revealed> {
        let justification =
            audit::justification(justification, &format!("Revealing the {}", kind.label()))?;
        let details = remote::details(self.graph(), device_id, self.admin_center()).await?;
        let found = match kind {
            SecretKind::UnlockPin => self.unlock_pin(&details).await,
            SecretKind::Passcode => self.passcode(&details).await,
            SecretKind::FileVaultKey => self.filevault_key(&details).await,
        };
        let device = &details.device;
        let (outcome, detail) = match &found {
            Ok(revealed) => ("shown", format!("Read from {}.", revealed.source)),
            Err(error) => ("none", error.report().message),
        };
        self.audit().append(AuditRecord {
            event: AuditEvent::Reveal,
            subject: kind.subject().into(),
            device_id: device.id.clone(),
            device_name: device.device_name.clone(),
            account: self.acting_account()?,
            tenant: self.actor().tenant.clone(),
            justification: Some(justification),
            outcome: outcome.into(),
            detail: Some(detail),
            request_id: None,
            client_request_id: None,
        })?;
        found
    }

    async fn unlock_pin(&self, details: &DeviceDetails) -> Result<Revealed> {
        let device = &details.device;
        if device.platform != Platform::MacOs {
            return Err(unavailable(
                "only a Mac's remote lock has an unlock PIN",
                "Other devices unlock with their own passcode.",
            ));
        }
        let advice = vec![
            "Give it to the user by phone after checking who they are; never by email or chat."
                .into(),
            "Once the Mac is unlocked, mark the PIN used so a new lock is allowed again.".into(),
            "The PIN lifts the remote lock only: a forgotten login password is recovered with the Mac's FileVault recovery key.".into(),
        ];
        // The newest lock Intune shows decides which PIN the Mac asks for: the app's kept one,
        // or a newer one sent since (from the admin center, another tool).
        let newest_lock = details
            .action_results
            .iter()
            .filter(|r| {
                r.action_name
                    .eq_ignore_ascii_case(ActionKind::RemoteLock.segment())
            })
            .max_by_key(|r| r.started);
        let day = |t: Option<DateTime<Utc>>| {
            t.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
                .unwrap_or_else(|| "an unknown time".into())
        };
        if let Some(pin) = self.pins().pin(&device.id)? {
            let kept = self.pins().record(&device.id)?;
            let kept_at = kept.as_ref().map(|k| k.locked_at);
            let newer = newest_lock.filter(|r| {
                r.started
                    .is_some_and(|started| kept_at.is_none_or(|kept_at| started > kept_at))
            });
            let mut advice = advice;
            match newer {
                Some(lock) if lock.action_state == "done" && lock.has_secret => {
                    // A newer lock finished: its PIN is the one the Mac asks for now.
                    if let Some(found) =
                        read_result_secret(self.graph(), &device.id, ActionKind::RemoteLock).await?
                    {
                        let locked_at = found.started.unwrap_or_else(Utc::now);
                        if let Err(error) = self.pins().keep(device, &found.value, locked_at) {
                            tracing::warn!(kind = ?error.kind(), "a newer unlock PIN could not be kept");
                        }
                        advice.insert(
                            0,
                            format!(
                                "This is the PIN of the newest lock, sent {} (Intune shows it); the PIN the app kept, from the lock of {}, no longer unlocks the Mac.",
                                day(found.started),
                                day(kept_at)
                            ),
                        );
                        return Ok(Revealed {
                            kind: SecretKind::UnlockPin,
                            device_id: device.id.clone(),
                            device_name: device.device_name.clone(),
                            value: found.value,
                            source: "intune",
                            produced_at: found.started,
                            advice,
                        });
                    }
                }
                Some(lock) => advice.insert(
                    0,
                    format!(
                        "A newer lock, sent {}, is {} in Intune: until the Mac applies it, it asks for this PIN, from the lock of {}.",
                        day(lock.started),
                        lock.action_state,
                        day(kept_at)
                    ),
                ),
                None => advice.insert(
                    0,
                    format!(
                        "This is the PIN of the newest lock Intune shows, sent {}.",
                        day(kept_at)
                    ),
                ),
            }
            return Ok(Revealed {
                kind: SecretKind::UnlockPin,
                device_id: device.id.clone(),
                device_name: device.device_name.clone(),
                value: pin,
                source: self.pins().source(),
                produced_at: kept_at,
                advice,
            });
        }
        match read_result_secret(self.graph(), &device.id, ActionKind::RemoteLock).await? {
            Some(found) => {
                // Keep it now: Intune drops it after 30 days or the next action.
                let locked_at = found.started.unwrap_or_else(Utc::now);
                if let Err(error) = self.pins().keep(device, &found.value, locked_at) {
                    tracing::warn!(kind = ?error.kind(), "a revealed unlock PIN could not be kept");
                }
                Ok(Revealed {
                    kind: SecretKind::UnlockPin,
                    device_id: device.id.clone(),
                    device_name: device.device_name.clone(),
                    value: found.value,
                    source: "intune",
                    produced_at: found.started,
                    advice,
                })
            }
            None => Err(unavailable(
                "neither your keychain nor Intune holds an unlock PIN for this Mac",
                "Intune shows a PIN for 30 days after a lock, until another action is sent. If the Mac is locked and the PIN is lost, contact Microsoft support with the device ID.",
            )),
        }
    }

    async fn passcode(&self, details: &DeviceDetails) -> Result<Revealed> {
        let device = &details.device;
        let action = match device.platform {
            Platform::Android => ActionKind::ResetPasscode,
            Platform::Ios | Platform::IpadOs | Platform::MacOs => ActionKind::RecoverPasscode,
            _ => {
                return Err(unavailable(
                    "Intune reports passcodes only for Android resets and Apple devices' recoveries",
                    "Nothing to reveal for this device.",
                ));
            }
        };
        match read_result_secret(self.graph(), &device.id, action).await? {
            Some(found) => Ok(Revealed {
                kind: SecretKind::Passcode,
                device_id: device.id.clone(),
                device_name: device.device_name.clone(),
                value: found.value,
                source: "intune",
                produced_at: found.started,
                advice: vec![
                    "Give it to the user by phone after checking who they are; never by email or chat.".into(),
                    if action == ActionKind::ResetPasscode {
                        "Ask the user to change it at once.".into()
                    } else {
                        "Intune returned this for the recovery; Microsoft does not document what it is. If it is the user's own passcode (as seed 001 describes), they keep using it.".into()
                    },
                ],
            }),
            None if action == ActionKind::RecoverPasscode => Err(unavailable(
                "Intune reported no readable passcode for this device through Graph (Microsoft does not document returning one)",
                &format!(
                    "Open the device in the Intune admin center to see what Intune shows ({}); most likely the user needs the passcode removed instead{}.",
                    details.admin_center_url,
                    if device.platform == Platform::MacOs {
                        ", or, for a forgotten login password, the FileVault recovery key"
                    } else {
                        ""
                    }
                ),
            )),
            None => Err(unavailable(
                "Intune holds no new passcode for this device",
                "A reset passcode is shown for 7 days after the reset completes: reset it again if the user still needs one.",
            )),
        }
    }

    async fn filevault_key(&self, details: &DeviceDetails) -> Result<Revealed> {
        #[derive(Deserialize)]
        struct KeyAnswer {
            value: Option<String>,
        }
        let device = &details.device;
        if device.platform != Platform::MacOs {
            return Err(unavailable("FileVault is macOS only", "Nothing to reveal."));
        }
        let url = calls::GET_FILEVAULT_KEY.url(self.graph(), &device.id);
        let answer: KeyAnswer = match self.graph().get_json(&url, "the FileVault key").await {
            Err(Error::Graph { status: 404, .. }) => {
                return Err(unavailable(
                    "Intune holds no FileVault recovery key for this Mac",
                    "Check that a disk encryption policy escrows the personal recovery key.",
                ));
            }
            other => other?,
        };
        let value = answer
            .value
            .filter(|v| !v.is_empty())
            .map(Secret::new)
            .ok_or_else(|| {
                unavailable("Intune returned an empty FileVault key", "Try again later.")
            })?;
        Ok(Revealed {
            kind: SecretKind::FileVaultKey,
            device_id: device.id.clone(),
            device_name: device.device_name.clone(),
            value,
            source: "intune",
            produced_at: None,
            advice: vec![
                "This is how a user who forgot their Mac's login password gets back in: at the login window they enter the recovery key to unlock the disk and set a new password (a remote lock does not help with that).".into(),
                "Intune records that you read this key.".into(),
                "Once the user has unlocked the Mac, rotate the key: a key that was shown should not stay valid.".into(),
            ],
        })
    }
}

fn unavailable(what: &str, next: &str) -> Error {
    Error::Unavailable {
        what: what.to_string(),
        next: next.to_string(),
    }
}

//! Recover or remove? For an iPhone or iPad locked out of its passcode: which action fits, the
//! facts that decided it, what the user will experience, and what to do when it fails.

use serde::Serialize;

use super::{ActionKind, Facts};
use crate::devices::Platform;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Guidance {
    /// `recoverPasscode` or `resetPasscode` (shown as "Remove passcode").
    pub recommended: ActionKind,
    pub headline: String,
    /// The device's facts that decided it.
    pub decided_by: Vec<String>,
    /// What the device's user experiences with each choice.
    pub experience: Vec<Choice>,
    pub if_it_fails: Vec<Failure>,
    /// What Microsoft documents, and what it does not.
    pub documented: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Choice {
    pub action: ActionKind,
    pub label: String,
    pub user_sees: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Failure {
    pub cause: String,
    pub what_to_do: String,
}

/// Guidance for iPhones and iPads; `None` for other platforms (Android has reset only, Macs use
/// remote lock).
pub fn guidance(facts: &Facts) -> Option<Guidance> {
    let device = facts.device;
    if !matches!(device.platform, Platform::Ios | Platform::IpadOs) {
        return None;
    }
    let automated = matches!(
        device.enrollment_type.as_str(),
        "appleBulkWithUser" | "appleBulkWithoutUser" | "appleConfigurator"
    );
    let failed_recovery = facts
        .results
        .iter()
        .filter(|r| r.action_name.eq_ignore_ascii_case("recoverPasscode"))
        .max_by_key(|r| r.started)
        .filter(|r| r.action_state == "failed");

    let mut decided_by = vec![
        if device.is_supervised {
            "Supervised: yes.".to_string()
        } else {
            "Supervised: no.".to_string()
        },
        format!(
            "Enrollment: {} ({}).",
            device.enrollment_type,
            if automated {
                "Apple Business Manager or Apple Configurator, where passcode escrow is set"
            } else {
                "not one that escrows passcodes"
            }
        ),
    ];
    if let Some(failed) = failed_recovery {
        decided_by.push(format!(
            "A recovery sent {} failed.",
            failed
                .started
                .map(|t| t.format("%Y-%m-%d").to_string())
                .unwrap_or_else(|| "earlier".into())
        ));
    }

    let (recommended, headline) = if !device.is_supervised {
        (
            ActionKind::ResetPasscode,
            "Remove the passcode: an unsupervised device escrows none, so there is nothing to recover.",
        )
    } else if !automated {
        (
            ActionKind::ResetPasscode,
            "Remove the passcode: this enrollment does not escrow passcodes.",
        )
    } else if failed_recovery.is_some() {
        (
            ActionKind::ResetPasscode,
            "Remove the passcode: recovery already failed, so the passcode is not escrowed (or changed since).",
        )
    } else {
        (
            ActionKind::RecoverPasscode,
            "Try recovering first: the passcode may be escrowed, and the user keeps their own passcode. Remove it if recovery fails.",
        )
    };

    Some(Guidance {
        recommended,
        headline: headline.into(),
        decided_by,
        experience: vec![
            Choice {
                action: ActionKind::RecoverPasscode,
                label: "Recover passcode".into(),
                user_sees: "Nothing changes on the device. You pass the user their own passcode, after checking who they are.".into(),
            },
            Choice {
                action: ActionKind::ResetPasscode,
                label: "Remove passcode".into(),
                user_sees: "At its next check-in the device opens without a passcode; the user sets a new one (a passcode policy asks at once).".into(),
            },
        ],
        if_it_fails: vec![
            Failure {
                cause: "The passcode was never escrowed.".into(),
                what_to_do: "Remove the passcode instead.".into(),
            },
            Failure {
                cause: "The device is not supervised.".into(),
                what_to_do: "Remove the passcode now; re-enroll through Apple Business Manager to escrow in future.".into(),
            },
            Failure {
                cause: "The enrollment profile has passcode escrow off.".into(),
                what_to_do: "Check the enrollment profile's settings; remove the passcode for now.".into(),
            },
            Failure {
                cause: "The escrow is out of date (the user changed the passcode since).".into(),
                what_to_do: "Remove the passcode instead.".into(),
            },
            Failure {
                cause: "Removal fails: Intune's unlock token for the device is out of date.".into(),
                what_to_do: "Only a wipe helps; then re-enroll the device.".into(),
            },
        ],
        documented: vec![
            "Remove passcode (Graph's resetPasscode) clears the passcode with the unlock token Intune holds, and generates no new one.".into(),
            "On Android, Reset passcode makes a new passcode, visible for 7 days.".into(),
            "Microsoft does not document whether a recovered passcode can be read back through Graph: the app shows exactly what Intune reported, and links to the device in the Intune admin center when nothing readable came back.".into(),
        ],
    })
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::actions::History;
    use crate::devices::{ActionResult, Device, Ownership};

    fn iphone(supervised: bool, enrollment: &str) -> Device {
        Device {
            id: "00000000-0000-4000-8000-000000000009".into(),
            device_name: "Ada's iPhone".into(),
            platform: Platform::Ios,
            operating_system: "iOS".into(),
            os_version: "18.1".into(),
            model: "iPhone 15".into(),
            manufacturer: "Apple".into(),
            serial_number: "F2LX0000".into(),
            user_principal_name: "ada@contoso.com".into(),
            user_display_name: "Ada".into(),
            email_address: "ada@contoso.com".into(),
            ownership: Ownership::Company,
            enrollment_type: enrollment.into(),
            is_supervised: supervised,
            is_encrypted: true,
            compliance_state: "compliant".into(),
            management_state: "managed".into(),
            last_sync: Some(Utc::now()),
            enrolled: None,
            azure_ad_device_id: String::new(),
        }
    }

    fn guide(device: &Device, results: &[ActionResult]) -> Option<Guidance> {
        guidance(&Facts {
            device,
            results,
            kept_pin: None,
            history: History::default(),
            now: Utc::now(),
        })
    }

    #[test]
    fn a_supervised_abm_iphone_tries_recovery_first() {
        let g = guide(&iphone(true, "appleBulkWithUser"), &[]).expect("iOS gets guidance");
        assert_eq!(g.recommended, ActionKind::RecoverPasscode);
        assert!(g.decided_by.iter().any(|f| f == "Supervised: yes."));
        assert_eq!(g.experience.len(), 2);
        assert_eq!(g.if_it_fails.len(), 5);
        assert!(g.documented[0].contains("generates no new one"));
        assert!(g.documented[2].contains("does not document"));
    }

    #[test]
    fn unsupervised_or_non_abm_devices_remove_instead() {
        let g = guide(&iphone(false, "userEnrollment"), &[]).expect("guidance");
        assert_eq!(g.recommended, ActionKind::ResetPasscode);
        assert!(g.headline.contains("unsupervised"));
        let g = guide(&iphone(true, "deviceEnrollmentManager"), &[]).expect("guidance");
        assert_eq!(g.recommended, ActionKind::ResetPasscode);
        assert!(g.headline.contains("does not escrow"));
    }

    #[test]
    fn a_failed_recovery_turns_the_advice_to_removal() {
        let failed = ActionResult {
            action_name: "recoverPasscode".into(),
            action_state: "failed".into(),
            started: Some(Utc::now()),
            last_updated: Some(Utc::now()),
            has_secret: false,
            error_code: Some(1004),
        };
        let g = guide(&iphone(true, "appleBulkWithUser"), &[failed]).expect("guidance");
        assert_eq!(g.recommended, ActionKind::ResetPasscode);
        assert!(g.decided_by.iter().any(|f| f.contains("failed")));
    }

    #[test]
    fn other_platforms_get_no_recover_or_remove_guidance() {
        let mut mac = iphone(true, "appleBulkWithUser");
        mac.platform = Platform::MacOs;
        assert!(guide(&mac, &[]).is_none());
    }
}

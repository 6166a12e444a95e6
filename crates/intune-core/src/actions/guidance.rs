//! Recover or remove? For an iPhone or iPad whose user is locked out of the passcode: what each
//! source says, which action the admin most likely needs, the facts that decided it, what the user
//! will experience, and what to do when it fails. Every sentence names its sources.

use serde::Serialize;

use super::sources::{self, Cited, Source};
use super::{ActionKind, Facts};
use crate::devices::Platform;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Guidance {
    /// `resetPasscode` (shown as "Remove passcode"), or none when neither can help (Apple User
    /// Enrollment).
    pub recommended: Option<ActionKind>,
    pub headline: String,
    pub headline_sources: Vec<Cited>,
    /// The device's facts that decided it.
    pub decided_by: Vec<String>,
    /// What the device's user experiences with each choice.
    pub experience: Vec<Choice>,
    pub if_it_fails: Vec<Failure>,
    /// What each source says, and what the app does.
    pub documented: Vec<Statement>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Choice {
    pub action: ActionKind,
    pub label: String,
    pub user_sees: String,
    pub sources: Vec<Cited>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Failure {
    pub cause: String,
    pub what_to_do: String,
    pub sources: Vec<Cited>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Statement {
    pub text: String,
    pub sources: Vec<Cited>,
}

fn statement(text: &str, from: &[Source]) -> Statement {
    Statement {
        text: text.into(),
        sources: sources::cite(from),
    }
}

fn failure(cause: &str, what_to_do: &str, from: &[Source]) -> Failure {
    Failure {
        cause: cause.into(),
        what_to_do: what_to_do.into(),
        sources: sources::cite(from),
    }
}

const APP_READS_BACK: Source = sources::inference(
    "The app sends the request once, then reads the device's action results and shows exactly what Intune reports.",
);

/// Guidance for iPhones and iPads; `None` for other platforms (Android has reset only, Macs use
/// the FileVault recovery key for a forgotten password).
pub fn guidance(facts: &Facts) -> Option<Guidance> {
    let device = facts.device;
    if !matches!(device.platform, Platform::Ios | Platform::IpadOs) {
        return None;
    }
    let enrollment = device.enrollment_type.as_str();
    let automated = matches!(enrollment, "appleBulkWithUser" | "appleBulkWithoutUser");
    let user_enrollment = matches!(
        enrollment,
        "appleUserEnrollment"
            | "appleUserEnrollmentWithServiceAccount"
            | "appleAccountDrivenUserEnrollment"
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
            "Enrollment: {enrollment} ({}).",
            if automated {
                "Apple Business Manager or Apple Configurator"
            } else if user_enrollment {
                "Apple User Enrollment"
            } else {
                "not through Apple Business Manager or Apple Configurator"
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

    let remove = Some(ActionKind::ResetPasscode);
    let (recommended, headline, headline_from): (_, &str, &[Source]) = if user_enrollment {
        (
            None,
            "Neither: Apple does not allow removing the passcode of a user-enrolled device, and nothing documents a recovery. The user resets their own passcode; retire the device if work data is at risk.",
            &[sources::APPLE_CLEAR_PASSCODE, sources::SEED_RECOVER],
        )
    } else if !device.is_supervised {
        (
            remove,
            "Remove the passcode: seed 001 describes escrowed passcodes only on supervised devices, and Microsoft documents no passcode recovery for iPhone or iPad.",
            &[sources::SEED_RECOVER, sources::GRAPH_RECOVER_PASSCODE],
        )
    } else if !automated {
        (
            remove,
            "Remove the passcode: seed 001 describes escrow only for devices enrolled through Apple Business Manager or Apple Configurator, and Microsoft documents no passcode recovery for iPhone or iPad.",
            &[sources::SEED_RECOVER, sources::GRAPH_RECOVER_PASSCODE],
        )
    } else if failed_recovery.is_some() {
        (
            remove,
            "Remove the passcode: a recovery already failed on this device.",
            &[sources::SEED_RECOVER, sources::REMOVE_PASSCODE],
        )
    } else {
        (
            remove,
            "Most likely you need to remove the passcode. Seed 001 suggests trying Recover first on a supervised device like this one, but Microsoft documents no passcode recovery for iPhone or iPad: if you try it, the app sends the request and shows whatever Intune returns.",
            &[
                sources::SEED_RECOVER,
                sources::GRAPH_RECOVER_PASSCODE,
                sources::REMOVE_PASSCODE,
            ],
        )
    };

    Some(Guidance {
        recommended,
        headline: headline.into(),
        headline_sources: sources::cite(headline_from),
        decided_by,
        experience: vec![
            Choice {
                action: ActionKind::RecoverPasscode,
                label: "Recover passcode".into(),
                user_sees: "Not documented by Microsoft. Seed 001 says nothing changes on the device and you pass the user their own passcode, after checking who they are.".into(),
                sources: sources::cite(&[sources::SEED_RECOVER, sources::GRAPH_RECOVER_PASSCODE]),
            },
            Choice {
                action: ActionKind::ResetPasscode,
                label: "Remove passcode".into(),
                user_sees: if user_enrollment {
                    "Not possible on a user-enrolled device.".into()
                } else {
                    "At its next check-in the device opens without a passcode; with a passcode policy, it asks the user to set a new one.".into()
                },
                sources: sources::cite(if user_enrollment {
                    &[sources::APPLE_CLEAR_PASSCODE]
                } else {
                    &[sources::REMOVE_PASSCODE]
                }),
            },
        ],
        if_it_fails: vec![
            failure(
                "Recover comes back with nothing readable, or fails.",
                "Remove the passcode instead.",
                &[sources::GRAPH_RECOVER_PASSCODE, sources::SEED_RECOVER],
            ),
            failure(
                "The passcode was never escrowed, or the user changed it since (seed 001).",
                "Remove the passcode instead.",
                &[sources::SEED_RECOVER],
            ),
            failure(
                "The device is not supervised (seed 001).",
                "Remove the passcode.",
                &[sources::SEED_RECOVER],
            ),
            failure(
                "Removal fails: Intune's unlock token for the device is out of date.",
                "Only a wipe regains access; then re-enroll the device.",
                &[sources::REMOVE_PASSCODE],
            ),
        ],
        documented: vec![
            statement(
                "Microsoft: Remove passcode (Graph's resetPasscode) clears the passcode with the unlock token Intune holds and makes no new one; if it fails, only a wipe regains access.",
                &[sources::REMOVE_PASSCODE],
            ),
            statement(
                "Microsoft: Graph's recoverPasscode is documented only as \"Recover passcode\", with no result that carries a passcode; the remoteAction enum describes it as resetting a Windows Phone's Passport for Work PIN, and the Intune admin center has no recover action for iOS.",
                &[sources::GRAPH_RECOVER_PASSCODE, sources::GRAPH_REMOTE_ACTION],
            ),
            statement(
                "Seed 001: recover retrieves the passcode escrowed by a supervised iPhone or iPad enrolled through Apple Business Manager or Apple Configurator; try it first when escrow is confirmed, and remove the passcode when it fails.",
                &[sources::SEED_RECOVER],
            ),
            statement(
                "What the app does: it sends recoverPasscode once, then shows whatever Intune reports back; when nothing readable comes back, it links to the device in the Intune admin center.",
                &[APP_READS_BACK],
            ),
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
    fn a_supervised_abm_iphone_is_told_what_each_source_says_and_most_likely_removes() {
        let g = guide(&iphone(true, "appleBulkWithUser"), &[]).expect("iOS gets guidance");
        assert_eq!(g.recommended, Some(ActionKind::ResetPasscode));
        assert!(
            g.headline
                .contains("Seed 001 suggests trying Recover first")
        );
        assert!(
            g.headline
                .contains("Microsoft documents no passcode recovery")
        );
        assert!(g.headline.contains("shows whatever Intune returns"));
        assert!(g.decided_by.iter().any(|f| f == "Supervised: yes."));
        assert_eq!(g.experience.len(), 2);
        assert!(g.documented[0].text.contains("makes no new one"));
        assert!(g.documented[1].text.contains("Windows Phone"));
        assert!(g.documented[2].text.starts_with("Seed 001"));
        assert!(g.documented[3].text.starts_with("What the app does"));
    }

    #[test]
    fn every_guidance_sentence_names_its_sources_and_none_sends_admins_to_a_missing_setting() {
        for (supervised, enrollment) in [
            (true, "appleBulkWithUser"),
            (false, "deviceEnrollmentManager"),
            (true, "appleAccountDrivenUserEnrollment"),
        ] {
            let g = guide(&iphone(supervised, enrollment), &[]).expect("guidance");
            assert!(!g.headline_sources.is_empty());
            assert!(g.experience.iter().all(|c| !c.sources.is_empty()));
            assert!(g.if_it_fails.iter().all(|f| !f.sources.is_empty()));
            assert!(g.documented.iter().all(|s| !s.sources.is_empty()));
            let all = serde_json::to_string(&g).expect("json");
            assert!(!all.contains("enrollment profile"), "{all}");
        }
    }

    #[test]
    fn unsupervised_or_non_abm_devices_remove_and_user_enrollment_can_do_neither() {
        let g = guide(&iphone(false, "deviceEnrollmentManager"), &[]).expect("guidance");
        assert_eq!(g.recommended, Some(ActionKind::ResetPasscode));
        assert!(g.headline.contains("only on supervised devices"));
        let g = guide(&iphone(true, "deviceEnrollmentManager"), &[]).expect("guidance");
        assert_eq!(g.recommended, Some(ActionKind::ResetPasscode));
        assert!(g.headline.contains("Apple Business Manager"));
        let g = guide(&iphone(false, "appleUserEnrollment"), &[]).expect("guidance");
        assert_eq!(g.recommended, None);
        assert!(g.headline.starts_with("Neither"));
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
        assert_eq!(g.recommended, Some(ActionKind::ResetPasscode));
        assert!(g.decided_by.iter().any(|f| f.contains("failed")));
    }

    #[test]
    fn other_platforms_get_no_recover_or_remove_guidance() {
        let mut mac = iphone(true, "appleBulkWithUser");
        mac.platform = Platform::MacOs;
        assert!(guide(&mac, &[]).is_none());
    }
}

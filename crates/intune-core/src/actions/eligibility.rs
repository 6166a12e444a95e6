//! Which actions apply to a device, decided before anything is sent.
//!
//! A pure, table-driven engine: the device's facts go in, and each action gets a verdict (ready,
//! ready with warnings, blocked) with the reasons and what would fix them. Every row of [`RULES`]
//! comes from the reference material on the remote actions; the UI and the CLI only render it.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::ActionKind;
use crate::devices::{ActionResult, Device, Ownership, Platform};

/// What decides a verdict: the device as Graph reports it now, its live action results, and what
/// this app itself knows (a kept unlock PIN, the local audit).
#[derive(Debug, Clone)]
pub struct Facts<'a> {
    pub device: &'a Device,
    /// `deviceActionResults` from a single-device read.
    pub results: &'a [ActionResult],
    /// The macOS unlock PIN this app keeps for the device, if any.
    pub kept_pin: Option<PinRecord>,
    pub history: History,
    pub now: DateTime<Utc>,
}

/// A kept macOS unlock PIN: when its lock was sent, and when the admin marked it used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PinRecord {
    pub locked_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

/// From the local audit: what was recovered or revealed on this device lately.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct History {
    /// Passcode recoveries and passcode reveals in the last 7 days.
    pub recent_passcode_access: usize,
    /// When the FileVault recovery key was last shown.
    pub last_key_reveal: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Readiness {
    Ready,
    /// It can be sent, and the admin should read the warnings first.
    Warning,
    Blocked,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Severity {
    Blocker,
    Warning,
    Note,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Reason {
    /// The rule's stable id, for scripts and tests.
    pub rule: String,
    pub severity: Severity,
    pub text: String,
    /// What would change the verdict, when something can.
    pub fix: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    pub action: ActionKind,
    pub label: String,
    pub readiness: Readiness,
    /// Blockers first, then warnings, then notes.
    pub reasons: Vec<Reason>,
    /// What the device's user will experience.
    pub effect: String,
    pub needs_justification: bool,
    /// Blocked only by rules an admin may override with a stronger confirmation (a second macOS
    /// lock while a PIN is unused): sending then needs `override` and a justification.
    pub overridable: bool,
}

/// A device that has not checked in for this long may not act on anything soon.
pub const STALE_AFTER_DAYS: i64 = 7;
/// Intune shows a macOS unlock PIN for this long after the lock.
pub const PIN_KEPT_BY_INTUNE_DAYS: i64 = 30;

struct Rule {
    id: &'static str,
    actions: &'static [ActionKind],
    severity: Severity,
    overridable: bool,
    applies: fn(&Facts, ActionKind) -> bool,
    text: fn(&Facts, ActionKind) -> String,
    fix: fn(&Facts) -> Option<&'static str>,
}

use ActionKind::{RecoverPasscode, RemoteLock, ResetPasscode, RotateFileVaultKey};
use Severity::{Blocker, Note, Warning};

const EVERY: &[ActionKind] = &ActionKind::ALL;

fn no_fix(_: &Facts) -> Option<&'static str> {
    None
}

/// Every rule, in the order its reasons are shown within a severity.
const RULES: &[Rule] = &[
    // Every action.
    Rule {
        id: "leaving-management",
        actions: EVERY,
        severity: Blocker,
        overridable: false,
        applies: |f, _| leaving_management(&f.device.management_state),
        text: |f, _| {
            format!(
                "The device is leaving management (Intune reports \"{}\"): it takes no further remote actions.",
                f.device.management_state
            )
        },
        fix: |_| {
            Some(
                "Check the device in the Intune admin center; cancel the retire or wipe if it was a mistake.",
            )
        },
    },
    Rule {
        id: "never-checked-in",
        actions: EVERY,
        severity: Warning,
        overridable: false,
        applies: |f, _| f.device.last_sync.is_none(),
        text: |_, _| {
            "Intune has no check-in from this device: the action waits until it checks in.".into()
        },
        fix: no_fix,
    },
    Rule {
        id: "stale-check-in",
        actions: EVERY,
        severity: Warning,
        overridable: false,
        applies: |f, _| days_since_check_in(f).is_some_and(|d| d >= STALE_AFTER_DAYS),
        text: |f, _| {
            format!(
                "The device last checked in {} days ago (it may be off or offline): the action waits until it checks in again.",
                days_since_check_in(f).unwrap_or_default()
            )
        },
        fix: no_fix,
    },
    Rule {
        id: "already-pending",
        actions: EVERY,
        severity: Warning,
        overridable: false,
        applies: |f, action| last_result(f, action).is_some_and(|r| is_waiting(&r.action_state)),
        text: |f, action| {
            let pending = last_result(f, action);
            format!(
                "A {} sent {} is still {}: the device has not reported back yet.",
                action.label(f.device.platform).to_lowercase(),
                pending
                    .and_then(|r| r.started)
                    .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
                    .unwrap_or_else(|| "earlier".into()),
                pending
                    .map(|r| r.action_state.as_str())
                    .unwrap_or("pending")
            )
        },
        fix: |_| Some("Wait for it to finish (Follow), rather than sending it again."),
    },
    // Remote lock.
    Rule {
        id: "lock-windows",
        actions: &[RemoteLock],
        severity: Blocker,
        overridable: false,
        applies: |f, _| f.device.platform == Platform::Windows,
        text: |_, _| {
            "Windows: Intune does not support remote lock (it answers 400 BadRequest).".into()
        },
        fix: |_| {
            Some(
                "For a lost Windows PC, use Wipe or Retire in the Intune admin center, or rotate its BitLocker key.",
            )
        },
    },
    Rule {
        id: "lock-unknown-platform",
        actions: &[RemoteLock],
        severity: Blocker,
        overridable: false,
        applies: |f, _| f.device.platform == Platform::Other,
        text: |f, _| {
            format!(
                "Remote lock covers macOS, iOS/iPadOS and Android; this device runs {:?}.",
                f.device.operating_system
            )
        },
        fix: no_fix,
    },
    Rule {
        id: "lock-android-personal",
        actions: &[RemoteLock],
        severity: Blocker,
        overridable: false,
        applies: |f, _| f.device.platform == Platform::Android && android_personal(f.device),
        text: |_, _| {
            "Personally owned Android work profile: Intune's remote lock covers corporate-owned Android (dedicated, fully managed, corporate work profile) and AOSP only.".into()
        },
        fix: |_| {
            Some(
                "Ask the user to lock the device; if they are locked out of work apps, reset the work profile passcode.",
            )
        },
    },
    Rule {
        id: "lock-android-mode-unknown",
        actions: &[RemoteLock],
        severity: Warning,
        overridable: false,
        applies: |f, _| {
            f.device.platform == Platform::Android
                && !android_personal(f.device)
                && android_mode(&f.device.enrollment_type).is_none()
        },
        text: |f, _| {
            format!(
                "Intune accepts remote lock on dedicated, fully managed and corporate work profile Android devices, and AOSP; enrollment type \"{}\" is not one the app recognises.",
                f.device.enrollment_type
            )
        },
        fix: no_fix,
    },
    Rule {
        id: "lock-mac-unused-pin",
        actions: &[RemoteLock],
        severity: Blocker,
        overridable: true,
        applies: |f, _| f.device.platform == Platform::MacOs && unused_pin_since(f).is_some(),
        text: |f, _| {
            format!(
                "A macOS lock PIN from {} is still unused: a second lock shows \"Failed\" in Intune, and the first PIN disappears from Intune.",
                unused_pin_since(f)
                    .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
                    .unwrap_or_default()
            )
        },
        fix: |_| {
            Some(
                "Give the user the PIN (Reveal PIN), and mark it used once the Mac is unlocked. Send a new lock only if the Mac is truly not locked.",
            )
        },
    },
    Rule {
        id: "lock-not-compliant",
        actions: &[RemoteLock],
        severity: Warning,
        overridable: false,
        applies: |f, _| {
            f.device.platform != Platform::MacOs
                && f.device
                    .compliance_state
                    .eq_ignore_ascii_case("noncompliant")
        },
        text: |_, _| {
            "The device is not compliant, which often means it has no passcode: then lock only turns its screen off.".into()
        },
        fix: |_| Some("Enforce a passcode policy on the device."),
    },
    Rule {
        id: "lock-needs-passcode",
        actions: &[RemoteLock],
        severity: Note,
        overridable: false,
        applies: |f, _| {
            matches!(
                f.device.platform,
                Platform::Ios | Platform::IpadOs | Platform::Android
            )
        },
        text: |_, _| {
            "Lock protects only a device with a passcode; without one it merely turns the screen off.".into()
        },
        fix: no_fix,
    },
    Rule {
        id: "lock-mac-pin",
        actions: &[RemoteLock],
        severity: Note,
        overridable: false,
        applies: |f, _| f.device.platform == Platform::MacOs,
        text: |_, _| {
            format!(
                "The Mac locks behind a six-digit PIN. The app reads it back and keeps it in your keychain; Intune shows it only for {PIN_KEPT_BY_INTUNE_DAYS} days or until another action is sent."
            )
        },
        fix: no_fix,
    },
    // Rotate the FileVault recovery key.
    Rule {
        id: "filevault-not-mac",
        actions: &[RotateFileVaultKey],
        severity: Blocker,
        overridable: false,
        applies: |f, _| f.device.platform != Platform::MacOs,
        text: |_, _| "FileVault is macOS only.".into(),
        fix: no_fix,
    },
    Rule {
        id: "filevault-personal",
        actions: &[RotateFileVaultKey],
        severity: Blocker,
        overridable: false,
        applies: |f, _| {
            f.device.platform == Platform::MacOs && f.device.ownership == Ownership::Personal
        },
        text: |_, _| {
            "Personal Mac: FileVault keys of personal devices rotate only through policy, and admins cannot view them.".into()
        },
        fix: no_fix,
    },
    Rule {
        id: "filevault-ownership-unknown",
        actions: &[RotateFileVaultKey],
        severity: Blocker,
        overridable: false,
        applies: |f, _| {
            f.device.platform == Platform::MacOs && f.device.ownership == Ownership::Unknown
        },
        text: |_, _| {
            "Intune does not know who owns this Mac; key rotation is for corporate-owned Macs only."
                .into()
        },
        fix: |_| {
            Some(
                "If the Mac is corporate, set its ownership to Corporate in the Intune admin center (Properties), then check again.",
            )
        },
    },
    Rule {
        id: "filevault-not-encrypted",
        actions: &[RotateFileVaultKey],
        severity: Blocker,
        overridable: false,
        applies: |f, _| f.device.platform == Platform::MacOs && !f.device.is_encrypted,
        text: |_, _| {
            "The Mac is not encrypted with FileVault: there is no recovery key to rotate.".into()
        },
        fix: |_| {
            Some(
                "Assign an Intune disk encryption (FileVault) policy that escrows the personal recovery key.",
            )
        },
    },
    Rule {
        id: "filevault-escrow-unknown",
        actions: &[RotateFileVaultKey],
        severity: Note,
        overridable: false,
        applies: |f, _| f.device.platform == Platform::MacOs,
        text: |_, _| {
            "Intune does not report whether the personal recovery key is escrowed; without an escrowed key the rotation fails.".into()
        },
        fix: no_fix,
    },
    Rule {
        id: "filevault-key-shown",
        actions: &[RotateFileVaultKey],
        severity: Note,
        overridable: false,
        applies: |f, _| f.device.platform == Platform::MacOs && f.history.last_key_reveal.is_some(),
        text: |f, _| {
            format!(
                "The recovery key was shown on {}: rotate it so the shown key stops working.",
                f.history
                    .last_key_reveal
                    .map(|t| t.format("%Y-%m-%d").to_string())
                    .unwrap_or_default()
            )
        },
        fix: no_fix,
    },
    // Recover the escrowed passcode.
    Rule {
        id: "recover-not-ios",
        actions: &[RecoverPasscode],
        severity: Blocker,
        overridable: false,
        applies: |f, _| !is_ios(f.device),
        text: |_, _| "Only supervised iPhones and iPads escrow their passcode with Intune.".into(),
        fix: |f| {
            Some(match f.device.platform {
                Platform::Android => {
                    "Use Reset passcode: Android keeps no escrowed passcode, and a reset makes a new one."
                }
                Platform::MacOs => {
                    "A Mac has no escrowed passcode: use Remote lock (its PIN), or the FileVault recovery key."
                }
                _ => "Use the platform's own recovery from the Intune admin center.",
            })
        },
    },
    Rule {
        id: "recover-unsupervised",
        actions: &[RecoverPasscode],
        severity: Blocker,
        overridable: false,
        applies: |f, _| is_ios(f.device) && !f.device.is_supervised,
        text: |_, _| {
            "The device is not supervised: passcodes are escrowed only on supervised devices."
                .into()
        },
        fix: |_| {
            Some(
                "Remove the passcode instead. To recover passcodes in future, re-enroll the device through Apple Business Manager.",
            )
        },
    },
    Rule {
        id: "recover-enrollment",
        actions: &[RecoverPasscode],
        severity: Warning,
        overridable: false,
        applies: |f, _| {
            is_ios(f.device)
                && f.device.is_supervised
                && !apple_automated(&f.device.enrollment_type)
        },
        text: |f, _| {
            format!(
                "Enrolled as \"{}\": passcode escrow is set in an Apple Business Manager or Apple Configurator enrollment profile.",
                f.device.enrollment_type
            )
        },
        fix: |_| Some("Check the device's enrollment profile has passcode escrow on."),
    },
    Rule {
        id: "recover-escrow-unknown",
        actions: &[RecoverPasscode],
        severity: Warning,
        overridable: false,
        applies: |f, _| is_ios(f.device) && f.device.is_supervised,
        text: |_, _| {
            "Intune does not report whether escrow is on in the enrollment profile, nor whether the passcode changed since; if it is not escrowed, the recovery fails.".into()
        },
        fix: |_| Some("If the recovery fails, remove the passcode instead."),
    },
    Rule {
        id: "recover-failed-before",
        actions: &[RecoverPasscode],
        severity: Warning,
        overridable: false,
        applies: |f, _| last_result(f, RecoverPasscode).is_some_and(|r| r.action_state == "failed"),
        text: |f, _| {
            format!(
                "A recovery on {} failed: the passcode is probably not escrowed.",
                last_result(f, RecoverPasscode)
                    .and_then(|r| r.started)
                    .map(|t| t.format("%Y-%m-%d").to_string())
                    .unwrap_or_else(|| "an earlier day".into())
            )
        },
        fix: |_| Some("Remove the passcode instead."),
    },
    Rule {
        id: "recover-repeated",
        actions: &[RecoverPasscode],
        severity: Warning,
        overridable: false,
        applies: |f, _| f.history.recent_passcode_access > 0,
        text: |f, _| {
            format!(
                "This device's passcode was recovered or revealed {} time(s) in the last 7 days.",
                f.history.recent_passcode_access
            )
        },
        fix: |_| Some("Confirm the request with the user's manager before recovering it again."),
    },
    Rule {
        id: "recover-readback",
        actions: &[RecoverPasscode],
        severity: Note,
        overridable: false,
        applies: |f, _| is_ios(f.device),
        text: |_, _| {
            "Microsoft does not document returning a recovered passcode through Graph: the app shows exactly what Intune reports, and links to the device in the Intune admin center when nothing readable comes back.".into()
        },
        fix: no_fix,
    },
    // Reset (Android) or remove (iPhone, iPad) the passcode.
    Rule {
        id: "reset-platform",
        actions: &[ResetPasscode],
        severity: Blocker,
        overridable: false,
        applies: |f, _| !is_ios(f.device) && f.device.platform != Platform::Android,
        text: |_, _| {
            "Intune resets passcodes on Android and removes them on iPhone and iPad only.".into()
        },
        fix: |f| match f.device.platform {
            Platform::MacOs => Some("Use Remote lock: its six-digit PIN unlocks the Mac."),
            _ => None,
        },
    },
    Rule {
        id: "reset-ios-removes",
        actions: &[ResetPasscode],
        severity: Note,
        overridable: false,
        applies: |f, _| is_ios(f.device),
        text: |_, _| {
            "Removes the passcode and generates none: the device opens without a passcode until the user sets one (a passcode policy asks for one at once).".into()
        },
        fix: no_fix,
    },
    Rule {
        id: "reset-ios-escrow-possible",
        actions: &[ResetPasscode],
        severity: Note,
        overridable: false,
        applies: |f, _| {
            is_ios(f.device) && f.device.is_supervised && apple_automated(&f.device.enrollment_type)
        },
        text: |_, _| {
            "The passcode may be escrowed: recovering it keeps the user's own passcode (see the guidance).".into()
        },
        fix: no_fix,
    },
    Rule {
        id: "reset-ios-unlock-token",
        actions: &[ResetPasscode],
        severity: Note,
        overridable: false,
        applies: |f, _| is_ios(f.device),
        text: |_, _| {
            "If Intune's unlock token for the device is out of date, the removal fails; only a wipe helps then.".into()
        },
        fix: no_fix,
    },
    Rule {
        id: "reset-android-policy",
        actions: &[ResetPasscode],
        severity: Warning,
        overridable: false,
        applies: |f, _| f.device.platform == Platform::Android,
        text: |f, _| {
            format!(
                "Needs a passcode policy at {} level; Intune does not report here whether one is assigned, and without one the reset fails.",
                if matches!(
                    android_mode(&f.device.enrollment_type),
                    Some(AndroidMode::Dedicated | AndroidMode::Aosp)
                ) {
                    "device"
                } else {
                    "work profile"
                }
            )
        },
        fix: |_| {
            Some("Assign a device restrictions or compliance policy that requires a passcode.")
        },
    },
    Rule {
        id: "reset-android-corporate-work-profile",
        actions: &[ResetPasscode],
        severity: Warning,
        overridable: false,
        applies: |f, _| {
            f.device.platform == Platform::Android
                && android_mode(&f.device.enrollment_type)
                    == Some(AndroidMode::CorporateWorkProfile)
        },
        text: |_, _| {
            "Passcode reset is not always available on corporate-owned work profile devices.".into()
        },
        fix: no_fix,
    },
    Rule {
        id: "reset-android-work-profile-only",
        actions: &[ResetPasscode],
        severity: Note,
        overridable: false,
        applies: |f, _| f.device.platform == Platform::Android && android_personal(f.device),
        text: |_, _| {
            "Personally owned work profile: this resets the work profile's passcode, not the device's.".into()
        },
        fix: no_fix,
    },
    Rule {
        id: "reset-android-visible",
        actions: &[ResetPasscode],
        severity: Note,
        overridable: false,
        applies: |f, _| f.device.platform == Platform::Android,
        text: |_, _| "The new passcode can be revealed here for 7 days.".into(),
        fix: no_fix,
    },
];

/// Verdicts for all four actions.
pub fn assess(facts: &Facts) -> Vec<Verdict> {
    ActionKind::ALL
        .into_iter()
        .map(|kind| assess_one(facts, kind))
        .collect()
}

pub fn assess_one(facts: &Facts, action: ActionKind) -> Verdict {
    let mut reasons: Vec<(Reason, bool)> = RULES
        .iter()
        .filter(|rule| rule.actions.contains(&action) && (rule.applies)(facts, action))
        .map(|rule| {
            (
                Reason {
                    rule: rule.id.to_string(),
                    severity: rule.severity,
                    text: (rule.text)(facts, action),
                    fix: (rule.fix)(facts).map(str::to_owned),
                },
                rule.overridable,
            )
        })
        .collect();
    reasons.sort_by_key(|(reason, _)| reason.severity as u8);
    let blockers: Vec<bool> = reasons
        .iter()
        .filter(|(r, _)| r.severity == Blocker)
        .map(|(_, overridable)| *overridable)
        .collect();
    let readiness = if !blockers.is_empty() {
        Readiness::Blocked
    } else if reasons.iter().any(|(r, _)| r.severity == Warning) {
        Readiness::Warning
    } else {
        Readiness::Ready
    };
    let overridable = !blockers.is_empty() && blockers.iter().all(|o| *o);
    Verdict {
        action,
        label: action.label(facts.device.platform).into(),
        readiness,
        overridable,
        needs_justification: action.needs_justification() || overridable,
        effect: effect(action, facts.device).into(),
        reasons: reasons.into_iter().map(|(r, _)| r).collect(),
    }
}

/// What the device's user experiences.
fn effect(action: ActionKind, device: &Device) -> &'static str {
    match (action, device.platform) {
        (RemoteLock, Platform::MacOs) => {
            "The Mac locks at once and restarts to a PIN screen: the user needs the six-digit PIN from you to get back in."
        }
        (RemoteLock, Platform::Ios | Platform::IpadOs) => {
            "The screen locks; the user unlocks it with their passcode."
        }
        (RemoteLock, _) => "The screen locks; the user unlocks it with their PIN or password.",
        (RotateFileVaultKey, _) => {
            "Nothing visible: the Mac makes a new recovery key at its next check-in, and the old key stops working."
        }
        (RecoverPasscode, _) => {
            "Nothing changes on the device: Intune retrieves the escrowed passcode for you to pass on."
        }
        (ResetPasscode, Platform::Ios | Platform::IpadOs) => {
            "The passcode is removed: the device opens without one until the user sets a new passcode."
        }
        (ResetPasscode, _) => {
            "The passcode is replaced by a new one, which you reveal here and give to the user."
        }
    }
}

fn is_ios(device: &Device) -> bool {
    matches!(device.platform, Platform::Ios | Platform::IpadOs)
}

fn is_waiting(state: &str) -> bool {
    matches!(state, "pending" | "active")
}

fn leaving_management(state: &str) -> bool {
    let state = state.to_ascii_lowercase();
    ["retire", "wipe", "delete"]
        .iter()
        .any(|prefix| state.starts_with(prefix))
        && !state.ends_with("canceled")
}

fn days_since_check_in(facts: &Facts) -> Option<i64> {
    facts
        .device
        .last_sync
        .map(|t| (facts.now - t).num_days().max(0))
}

/// The newest result Intune reports for the action.
fn last_result<'a>(facts: &'a Facts, action: ActionKind) -> Option<&'a ActionResult> {
    facts
        .results
        .iter()
        .filter(|r| r.action_name.eq_ignore_ascii_case(action.segment()))
        .max_by_key(|r| r.started)
}

/// When the lock whose PIN is still unused was sent: the PIN this app keeps (until marked used),
/// or a finished lock whose PIN Intune still shows and the admin has not marked used.
pub fn unused_pin_since(facts: &Facts) -> Option<DateTime<Utc>> {
    let used_at = facts.kept_pin.and_then(|p| p.used_at);
    let kept = facts
        .kept_pin
        .filter(|p| p.used_at.is_none())
        .map(|p| p.locked_at);
    let from_intune = last_result(facts, RemoteLock)
        .filter(|r| r.action_state == "done" && r.has_secret)
        .and_then(|r| r.started)
        .filter(|started| facts.now - *started < Duration::days(PIN_KEPT_BY_INTUNE_DAYS))
        .filter(|started| used_at.is_none_or(|used| used < *started));
    kept.into_iter().chain(from_intune).max()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AndroidMode {
    Dedicated,
    FullyManaged,
    CorporateWorkProfile,
    PersonalWorkProfile,
    Aosp,
}

/// The Android management mode from Graph's `deviceEnrollmentType` (beta names included).
fn android_mode(enrollment_type: &str) -> Option<AndroidMode> {
    let t = enrollment_type.to_ascii_lowercase();
    if t.contains("aosp") {
        Some(AndroidMode::Aosp)
    } else if t.contains("dedicated") {
        Some(AndroidMode::Dedicated)
    } else if t.contains("fullymanaged") {
        Some(AndroidMode::FullyManaged)
    } else if t.contains("corporateworkprofile") {
        Some(AndroidMode::CorporateWorkProfile)
    } else if t == "userenrollment" || t.contains("androidenterpriseworkprofile") {
        Some(AndroidMode::PersonalWorkProfile)
    } else {
        None
    }
}

fn android_personal(device: &Device) -> bool {
    device.ownership == Ownership::Personal
        || android_mode(&device.enrollment_type) == Some(AndroidMode::PersonalWorkProfile)
}

/// Automated Device Enrollment (Apple Business or School Manager) and Apple Configurator.
fn apple_automated(enrollment_type: &str) -> bool {
    matches!(
        enrollment_type,
        "appleBulkWithUser" | "appleBulkWithoutUser" | "appleConfigurator"
    )
}

#[cfg(test)]
mod tests;

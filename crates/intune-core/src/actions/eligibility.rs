//! Which actions apply to a device, decided before anything is sent.
//!
//! A pure, table-driven engine: the device's facts go in, and each action gets a verdict (ready,
//! ready with warnings, blocked) with the reasons and what would fix them. Every row of [`RULES`]
//! names its sources (a Microsoft or Apple page, a seed document, or the app's own inference),
//! and says where they disagree; the UI and the CLI only render it.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::ActionKind;
use super::sources::{self, Cited, Source};
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
    /// Where the rule comes from (shown behind "Why?").
    pub sources: Vec<Cited>,
    /// Where the sources disagree, what each says.
    pub disagreement: Option<String>,
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
    /// Where the effect text comes from.
    pub effect_sources: Vec<Cited>,
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
    /// Where the rule comes from; a test fails for a rule without one.
    sources: &'static [Source],
    /// Where the sources disagree, what each says.
    disagreement: Option<&'static str>,
}

use ActionKind::{RecoverPasscode, RemoteLock, ResetPasscode, RotateFileVaultKey};
use Severity::{Blocker, Note, Warning};

const EVERY: &[ActionKind] = &ActionKind::ALL;

fn no_fix(_: &Facts) -> Option<&'static str> {
    None
}

const CHECK_IN: Source = sources::inference(
    "Intune queues a remote action (Graph answers 204) and the device acts on it when it next checks in; lastSyncDateTime says when it last did.",
);
const RECOVER_DISAGREES: &str = "Seed 001 says recoverPasscode retrieves the escrowed passcode of a supervised iPhone or iPad enrolled through Apple Business Manager or Apple Configurator. Microsoft's Graph reference documents no result that carries a passcode, describes recoverPasscode in its remoteAction enum as resetting a Windows Phone's Passport for Work PIN, and the Intune admin center has no such action for iOS.";

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
                "A retire or wipe is under way (Intune reports \"{}\"): the device is leaving management and takes no further remote actions.",
                f.device.management_state
            )
        },
        fix: |_| {
            Some(
                "Check the device in the Intune admin center; cancel the retire or wipe if it was a mistake.",
            )
        },
        sources: &[
            sources::GRAPH_MANAGEMENT_STATE,
            sources::inference(
                "Only a pending or issued retire or wipe (or a pending delete) takes the device out of management; a failed or canceled one leaves it managed, so it still takes actions.",
            ),
        ],
        disagreement: None,
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
        sources: &[sources::GRAPH_MANAGED_DEVICE, CHECK_IN],
        disagreement: None,
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
        sources: &[sources::GRAPH_MANAGED_DEVICE, CHECK_IN],
        disagreement: None,
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
        sources: &[
            sources::GRAPH_MANAGED_DEVICE,
            sources::inference(
                "deviceActionResults shows the action pending; a second request only queues the same action again.",
            ),
        ],
        disagreement: None,
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
                "For a lost Windows PC, act in the Intune admin center (this app does not offer these): Wipe or Retire it, or rotate its BitLocker key.",
            )
        },
        sources: &[sources::REMOTE_LOCK],
        disagreement: None,
    },
    Rule {
        id: "lock-unknown-platform",
        actions: &[RemoteLock],
        severity: Blocker,
        overridable: false,
        applies: |f, _| f.device.platform == Platform::Other && !is_vision_os(f.device),
        text: |f, _| {
            format!(
                "Remote lock covers macOS, iOS/iPadOS, visionOS 2.0 or later, and Android; this device runs {:?}.",
                f.device.operating_system
            )
        },
        fix: no_fix,
        sources: &[sources::REMOTE_LOCK],
        disagreement: None,
    },
    Rule {
        id: "lock-visionos-version",
        actions: &[RemoteLock],
        severity: Blocker,
        overridable: false,
        applies: |f, _| is_vision_os(f.device) && os_below(f.device, (2, 0)) == Some(true),
        text: |f, _| {
            format!(
                "Remote lock needs visionOS 2.0 or later; this device runs visionOS {}.",
                f.device.os_version
            )
        },
        fix: |_| Some("Update the device to visionOS 2.0 or later."),
        sources: &[sources::REMOTE_LOCK],
        disagreement: None,
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
        sources: &[sources::REMOTE_LOCK],
        disagreement: None,
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
                "Intune accepts remote lock on dedicated, fully managed and corporate work profile Android devices, and AOSP; enrollment type \"{}\" is not one of those.",
                f.device.enrollment_type
            )
        },
        fix: no_fix,
        sources: &[sources::REMOTE_LOCK, sources::GRAPH_ENROLLMENT_TYPE],
        disagreement: None,
    },
    Rule {
        id: "lock-mac-unused-pin",
        actions: &[RemoteLock],
        severity: Blocker,
        overridable: true,
        applies: |f, _| f.device.platform == Platform::MacOs && unused_pin_since(f).is_some(),
        text: |f, _| {
            format!(
                "A macOS lock PIN from {} is still unused (or its lock is still pending): a second lock shows \"Failed\" in Intune, and the first PIN disappears from Intune.",
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
        sources: &[
            sources::REMOTE_LOCK,
            sources::inference(
                "A pending lock already has its PIN (Intune shows it from the moment the lock is queued) and nobody has typed it yet, so it counts as unused.",
            ),
        ],
        disagreement: None,
    },
    Rule {
        id: "lock-mac-failed-after-unused-pin",
        actions: &[RemoteLock],
        severity: Warning,
        overridable: false,
        applies: |f, _| f.device.platform == Platform::MacOs && failed_lock_over_unused_pin(f),
        text: |f, _| {
            format!(
                "The lock sent {} failed, most likely because an earlier PIN was still unused: Intune may no longer show that earlier PIN.",
                last_result(f, RemoteLock)
                    .and_then(|r| r.started)
                    .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
                    .unwrap_or_else(|| "last".into())
            )
        },
        fix: |f| {
            Some(if f.kept_pin.is_some_and(|p| p.used_at.is_none()) {
                "The app still keeps the earlier PIN: reveal it here and give it to the user."
            } else {
                "Check the device in the Intune admin center for the earlier PIN before sending anything else."
            })
        },
        sources: &[sources::REMOTE_LOCK],
        disagreement: None,
    },
    Rule {
        id: "lock-mac-old-apple-silicon",
        actions: &[RemoteLock],
        severity: Warning,
        overridable: false,
        applies: |f, _| {
            f.device.platform == Platform::MacOs && os_below(f.device, (11, 5)) == Some(true)
        },
        text: |f, _| {
            format!(
                "macOS {}: Apple warns that locking a Mac with Apple silicon running macOS before 11.5 deactivates it; reactivating needs a network connection and a local administrator with a Secure Token.",
                f.device.os_version
            )
        },
        fix: |_| {
            Some(
                "If the Mac has Apple silicon, update it to macOS 11.5 or later first, or plan for the reactivation.",
            )
        },
        sources: &[sources::APPLE_DEVICE_LOCK],
        disagreement: None,
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
            ) || is_vision_os(f.device)
        },
        text: |_, _| {
            "Lock protects only a device with a passcode; without one it merely turns the screen off.".into()
        },
        fix: no_fix,
        sources: &[sources::REMOTE_LOCK],
        disagreement: None,
    },
    Rule {
        id: "lock-mac-pin",
        actions: &[RemoteLock],
        severity: Note,
        overridable: false,
        applies: |f, _| f.device.platform == Platform::MacOs,
        text: |_, _| {
            format!(
                "The Mac locks behind a six-digit PIN that Intune chooses: Graph's remoteLock takes no PIN (only the admin center lets you set one). The app reads it back as soon as Intune shows it and keeps it in your keychain; Intune shows it only for {PIN_KEPT_BY_INTUNE_DAYS} days or until another action is sent."
            )
        },
        fix: no_fix,
        sources: &[
            sources::REMOTE_LOCK,
            sources::GRAPH_REMOTE_LOCK,
            sources::GRAPH_REMOTE_LOCK_RESULT,
        ],
        disagreement: None,
    },
    Rule {
        id: "lock-mac-find-my",
        actions: &[RemoteLock],
        severity: Note,
        overridable: false,
        applies: |f, _| f.device.platform == Platform::MacOs,
        text: |_, _| {
            "A Mac locks through Find My and the lock fails if the Mac has no recovery partition. The PIN lifts the lock only: a forgotten login password is recovered with the FileVault recovery key, not with a lock.".into()
        },
        fix: no_fix,
        sources: &[sources::APPLE_DEVICE_LOCK, sources::ROTATE_FILEVAULT],
        disagreement: None,
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
        sources: &[sources::ROTATE_FILEVAULT],
        disagreement: None,
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
        sources: &[sources::ROTATE_FILEVAULT, sources::SEED_FILEVAULT],
        disagreement: None,
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
        sources: &[sources::ROTATE_FILEVAULT],
        disagreement: None,
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
        sources: &[sources::ROTATE_FILEVAULT, sources::SEED_FILEVAULT],
        disagreement: None,
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
        sources: &[
            sources::ROTATE_FILEVAULT,
            sources::inference(
                "managedDevice has no property that says whether a key is escrowed.",
            ),
        ],
        disagreement: None,
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
        sources: &[sources::ROTATE_FILEVAULT, sources::SEED_FILEVAULT],
        disagreement: None,
    },
    // Recover passcode.
    Rule {
        id: "recover-not-apple",
        actions: &[RecoverPasscode],
        severity: Blocker,
        overridable: false,
        applies: |f, _| !is_ios(f.device) && f.device.platform != Platform::MacOs,
        text: |_, _| {
            "Seed 001 describes passcode recovery for iPhone and iPad only (\"not typically supported\" on Windows and Android), and Microsoft documents it for none of them.".into()
        },
        fix: |f| {
            Some(match f.device.platform {
                Platform::Android => {
                    "Use Reset passcode: Intune makes a new passcode and shows it here for 7 days."
                }
                _ => "Use the platform's own recovery from the Intune admin center.",
            })
        },
        sources: &[sources::SEED_RECOVER, sources::GRAPH_RECOVER_PASSCODE],
        disagreement: None,
    },
    Rule {
        id: "recover-mac-undocumented",
        actions: &[RecoverPasscode],
        severity: Warning,
        overridable: false,
        applies: |f, _| f.device.platform == Platform::MacOs,
        text: |_, _| {
            "On a Mac, seed 001 calls recovery \"limited (may work with specific configurations)\"; Microsoft documents nothing. The app can send it and will show whatever Intune returns, but do not count on it.".into()
        },
        fix: |_| {
            Some(
                "A forgotten login password is recovered with the FileVault recovery key (Reveal FileVault key), not with a lock or a passcode action.",
            )
        },
        sources: &[sources::SEED_RECOVER, sources::GRAPH_RECOVER_PASSCODE],
        disagreement: Some(RECOVER_DISAGREES),
    },
    Rule {
        id: "recover-unsupervised",
        actions: &[RecoverPasscode],
        severity: Blocker,
        overridable: false,
        applies: |f, _| is_ios(f.device) && !f.device.is_supervised,
        text: |_, _| {
            "The device is not supervised: seed 001 describes escrowed passcodes only on supervised devices.".into()
        },
        fix: |_| Some("Remove the passcode instead."),
        sources: &[sources::SEED_RECOVER],
        disagreement: None,
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
                "Enrolled as \"{}\": seed 001 describes escrow only for devices enrolled through Apple Business Manager or Apple Configurator (appleBulkWithUser, appleBulkWithoutUser).",
                f.device.enrollment_type
            )
        },
        fix: |_| Some("Remove the passcode instead."),
        sources: &[sources::SEED_RECOVER, sources::GRAPH_ENROLLMENT_TYPE],
        disagreement: None,
    },
    Rule {
        id: "recover-undocumented",
        actions: &[RecoverPasscode],
        severity: Warning,
        overridable: false,
        applies: |f, _| is_ios(f.device) && f.device.is_supervised,
        text: |_, _| {
            "Microsoft documents no passcode recovery for iPhone or iPad: the app sends Graph's recoverPasscode and shows whatever Intune returns. Most likely you will need to remove the passcode instead.".into()
        },
        fix: |_| Some("Remove the passcode if nothing readable comes back."),
        sources: &[
            sources::GRAPH_RECOVER_PASSCODE,
            sources::GRAPH_REMOTE_ACTION,
            sources::SEED_RECOVER,
        ],
        disagreement: Some(RECOVER_DISAGREES),
    },
    Rule {
        id: "recover-failed-before",
        actions: &[RecoverPasscode],
        severity: Warning,
        overridable: false,
        applies: |f, _| last_result(f, RecoverPasscode).is_some_and(|r| r.action_state == "failed"),
        text: |f, _| {
            format!(
                "A recovery sent {} failed: sending it again is unlikely to go differently.",
                last_result(f, RecoverPasscode)
                    .and_then(|r| r.started)
                    .map(|t| t.format("%Y-%m-%d").to_string())
                    .unwrap_or_else(|| "earlier".into())
            )
        },
        fix: |_| Some("Remove the passcode instead."),
        sources: &[
            sources::SEED_RECOVER,
            sources::inference("Nothing Intune reports about the device has changed since."),
        ],
        disagreement: None,
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
        sources: &[sources::SEED_RECOVER],
        disagreement: None,
    },
    Rule {
        id: "recover-readback",
        actions: &[RecoverPasscode],
        severity: Note,
        overridable: false,
        applies: |f, _| is_ios(f.device) || f.device.platform == Platform::MacOs,
        text: |_, _| {
            "Graph documents no result type for recoverPasscode: the app shows exactly what Intune reports, and links to the device in the Intune admin center when nothing readable comes back.".into()
        },
        fix: no_fix,
        sources: &[sources::GRAPH_RECOVER_PASSCODE],
        disagreement: None,
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
            Platform::MacOs => Some(
                "A forgotten Mac login password is recovered with the FileVault recovery key (Reveal FileVault key); remote lock adds a PIN, it does not recover a password.",
            ),
            _ => None,
        },
        sources: &[
            sources::RESET_PASSCODE,
            sources::REMOVE_PASSCODE,
            sources::ROTATE_FILEVAULT,
        ],
        disagreement: None,
    },
    Rule {
        id: "reset-ios-user-enrollment",
        actions: &[ResetPasscode],
        severity: Blocker,
        overridable: false,
        applies: |f, _| is_ios(f.device) && apple_user_enrollment(&f.device.enrollment_type),
        text: |f, _| {
            format!(
                "Apple User Enrollment (\"{}\"): Apple does not allow removing the passcode of a user-enrolled device.",
                f.device.enrollment_type
            )
        },
        fix: |_| {
            Some(
                "The user resets their own passcode; if work data is at risk, retire the device in the Intune admin center.",
            )
        },
        sources: &[
            sources::APPLE_CLEAR_PASSCODE,
            sources::GRAPH_ENROLLMENT_TYPE,
        ],
        disagreement: None,
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
        sources: &[sources::REMOVE_PASSCODE],
        disagreement: None,
    },
    Rule {
        id: "reset-ios-recover-first",
        actions: &[ResetPasscode],
        severity: Note,
        overridable: false,
        applies: |f, _| {
            is_ios(f.device) && f.device.is_supervised && apple_automated(&f.device.enrollment_type)
        },
        text: |_, _| {
            "Seed 001 suggests trying Recover passcode first on a supervised device like this one; Microsoft documents no such recovery (see the guidance).".into()
        },
        fix: no_fix,
        sources: &[sources::SEED_RECOVER, sources::GRAPH_RECOVER_PASSCODE],
        disagreement: Some(RECOVER_DISAGREES),
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
        sources: &[sources::REMOVE_PASSCODE],
        disagreement: None,
    },
    Rule {
        id: "reset-android-policy",
        actions: &[ResetPasscode],
        severity: Warning,
        overridable: false,
        applies: |f, _| f.device.platform == Platform::Android,
        text: |f, _| {
            format!(
                "Needs a passcode policy{}; Intune does not report here whether one is assigned, and without one the reset fails.",
                match android_reset_level(f.device) {
                    Some(level) => format!(" at {level} level"),
                    None => String::new(),
                }
            )
        },
        fix: |_| {
            Some("Assign a device restrictions or compliance policy that requires a passcode.")
        },
        sources: &[sources::RESET_PASSCODE],
        disagreement: None,
    },
    Rule {
        id: "reset-android-level",
        actions: &[ResetPasscode],
        severity: Note,
        overridable: false,
        applies: |f, _| f.device.platform == Platform::Android,
        text: |f, _| match (
            android_mode(&f.device.enrollment_type),
            android_reset_level(f.device),
        ) {
            (Some(mode), Some(level)) => {
                format!("{}: Intune resets the {level} passcode.", mode.name())
            }
            _ => format!(
                "Enrollment type \"{}\" does not say how the device is managed: Intune resets the device passcode on dedicated and AOSP devices, and the work profile's on fully managed and work profile devices.",
                f.device.enrollment_type
            ),
        },
        fix: no_fix,
        sources: &[sources::RESET_PASSCODE, sources::GRAPH_ENROLLMENT_TYPE],
        disagreement: None,
    },
    Rule {
        id: "reset-android-visible",
        actions: &[ResetPasscode],
        severity: Note,
        overridable: false,
        applies: |f, _| f.device.platform == Platform::Android,
        text: |_, _| "The new passcode can be revealed here for 7 days.".into(),
        fix: no_fix,
        sources: &[sources::RESET_PASSCODE],
        disagreement: None,
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
                    sources: sources::cite(rule.sources),
                    disagreement: rule.disagreement.map(str::to_owned),
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
    let (effect, effect_sources) = effect(action, facts.device);
    Verdict {
        action,
        label: action.label(facts.device.platform).into(),
        readiness,
        overridable,
        needs_justification: action.needs_justification() || overridable,
        effect,
        effect_sources: sources::cite(effect_sources),
        reasons: reasons.into_iter().map(|(r, _)| r).collect(),
    }
}

/// What the device's user experiences, and where that comes from.
fn effect(action: ActionKind, device: &Device) -> (String, &'static [Source]) {
    match (action, device.platform) {
        (RemoteLock, Platform::MacOs) => (
            "The Mac locks at once and restarts to a PIN screen: the user needs the six-digit PIN from you to get back in.".into(),
            &[sources::REMOTE_LOCK, sources::APPLE_DEVICE_LOCK],
        ),
        (RemoteLock, Platform::Ios | Platform::IpadOs) => (
            "The screen locks; the user unlocks it with their passcode.".into(),
            &[sources::REMOTE_LOCK],
        ),
        (RemoteLock, _) => (
            "The screen locks; the user unlocks it with their PIN or password.".into(),
            &[sources::REMOTE_LOCK],
        ),
        (RotateFileVaultKey, _) => (
            "Nothing visible: the Mac makes a new personal recovery key at its next check-in, and the old key stops working.".into(),
            &[sources::ROTATE_FILEVAULT, sources::SEED_FILEVAULT],
        ),
        (RecoverPasscode, _) => (
            "Not documented by Microsoft. Seed 001 says nothing changes on the device and Intune retrieves the escrowed passcode; the app sends the request and shows whatever Intune returns.".into(),
            &[sources::SEED_RECOVER, sources::GRAPH_RECOVER_PASSCODE],
        ),
        (ResetPasscode, Platform::Ios | Platform::IpadOs) => (
            "The passcode is removed: the device opens without one until the user sets a new passcode.".into(),
            &[sources::REMOVE_PASSCODE],
        ),
        (ResetPasscode, _) => match android_reset_level(device) {
            Some("device") => (
                "The device's passcode is replaced by a new one, which you reveal here and give to the user to enter on the device.".into(),
                &[sources::RESET_PASSCODE],
            ),
            Some(_) => (
                "The work profile's passcode is replaced by a new one, which you reveal here and give to the user; the device's own screen lock stays as it is, and the user is notified to activate the new passcode.".into(),
                &[sources::RESET_PASSCODE],
            ),
            None => (
                "The device's or the work profile's passcode (depending on how the device is enrolled) is replaced by a new one, which you reveal here and give to the user.".into(),
                &[sources::RESET_PASSCODE],
            ),
        },
    }
}

fn is_ios(device: &Device) -> bool {
    matches!(device.platform, Platform::Ios | Platform::IpadOs)
}

fn is_vision_os(device: &Device) -> bool {
    device.operating_system.eq_ignore_ascii_case("visionOS")
}

/// Whether the OS version is below `(major, minor)`; `None` when it does not parse.
fn os_below(device: &Device, (major, minor): (u32, u32)) -> Option<bool> {
    let mut parts = device.os_version.trim().split('.');
    let have_major: u32 = parts.next()?.trim().parse().ok()?;
    let have_minor: u32 = parts.next().map_or(Some(0), |p| p.trim().parse().ok())?;
    Some((have_major, have_minor) < (major, minor))
}

fn is_waiting(state: &str) -> bool {
    matches!(state, "pending" | "active")
}

/// A retire, wipe or delete that is pending or issued. A failed or canceled one leaves the device
/// managed (`managementState` per Graph's enum).
fn leaving_management(state: &str) -> bool {
    matches!(
        state,
        "retirePending" | "retireIssued" | "wipePending" | "wipeIssued" | "deletePending"
    )
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
/// or a lock Intune shows as pending or done (a pending lock's PIN is not typed yet) that the
/// admin has not marked used.
pub fn unused_pin_since(facts: &Facts) -> Option<DateTime<Utc>> {
    let used_at = facts.kept_pin.and_then(|p| p.used_at);
    let kept = facts
        .kept_pin
        .filter(|p| p.used_at.is_none())
        .map(|p| p.locked_at);
    let from_intune = last_result(facts, RemoteLock)
        .filter(|r| is_waiting(&r.action_state) || (r.action_state == "done" && r.has_secret))
        .and_then(|r| r.started)
        .filter(|started| facts.now - *started < Duration::days(PIN_KEPT_BY_INTUNE_DAYS))
        .filter(|started| used_at.is_none_or(|used| used < *started));
    kept.into_iter().chain(from_intune).max()
}

/// The newest lock failed while an earlier PIN was still unused: the PIN this app keeps from
/// before it, or (when the app keeps none) any failed lock of a Mac, since Intune does not say why.
fn failed_lock_over_unused_pin(facts: &Facts) -> bool {
    let Some(failed) = last_result(facts, RemoteLock).filter(|r| r.action_state == "failed") else {
        return false;
    };
    match facts.kept_pin {
        Some(kept) => {
            kept.used_at.is_none()
                && failed
                    .started
                    .is_none_or(|started| kept.locked_at < started)
        }
        None => true,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AndroidMode {
    Dedicated,
    FullyManaged,
    CorporateWorkProfile,
    PersonalWorkProfile,
    Aosp,
}

impl AndroidMode {
    fn name(self) -> &'static str {
        match self {
            AndroidMode::Dedicated => "Corporate-owned dedicated device",
            AndroidMode::FullyManaged => "Corporate-owned fully managed device",
            AndroidMode::CorporateWorkProfile => "Corporate-owned work profile",
            AndroidMode::PersonalWorkProfile => "Personally owned work profile",
            AndroidMode::Aosp => "AOSP device",
        }
    }
}

/// The Android management mode from Graph's `deviceEnrollmentType` (beta's members; v1.0 has
/// none of them and answers `unknownFutureValue`).
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

/// Which passcode Intune's reset replaces, per the table in Microsoft's reset-passcode page:
/// the device's on dedicated and AOSP devices, the work profile's on fully managed, corporate
/// work profile and personal work profile devices.
fn android_reset_level(device: &Device) -> Option<&'static str> {
    if device.platform != Platform::Android {
        return None;
    }
    match android_mode(&device.enrollment_type) {
        Some(AndroidMode::Dedicated | AndroidMode::Aosp) => Some("device"),
        Some(_) => Some("work profile"),
        None if device.ownership == Ownership::Personal => Some("work profile"),
        None => None,
    }
}

fn android_personal(device: &Device) -> bool {
    device.ownership == Ownership::Personal
        || android_mode(&device.enrollment_type) == Some(AndroidMode::PersonalWorkProfile)
}

/// Automated Device Enrollment (Apple Business or School Manager) and Apple Configurator: Graph
/// has no member of its own for Apple Configurator, whose enrollments read as these two.
fn apple_automated(enrollment_type: &str) -> bool {
    matches!(
        enrollment_type,
        "appleBulkWithUser" | "appleBulkWithoutUser"
    )
}

/// Apple User Enrollment, profile-based or account-driven.
fn apple_user_enrollment(enrollment_type: &str) -> bool {
    matches!(
        enrollment_type,
        "appleUserEnrollment"
            | "appleUserEnrollmentWithServiceAccount"
            | "appleAccountDrivenUserEnrollment"
    )
}

#[cfg(test)]
mod tests;

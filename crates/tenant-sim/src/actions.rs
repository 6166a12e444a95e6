//! Remote actions: which ones Intune accepts for a device, and how they end when it checks in.
//!
//! A 204 only queues an action. The device applies it at its next check-in: the sim decides the
//! outcome lazily, when anything reads or checks in the device after the action fell due.

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use serde_json::{Value, json};

use crate::fleet::{AndroidMode, CheckIn, Device, Platform, filevault_key, graph_time};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Action {
    RemoteLock,
    ResetPasscode,
    RecoverPasscode,
    RotateFileVaultKey,
    SyncDevice,
    GetFileVaultKey,
}

impl Action {
    /// The Graph path segment, which is also the `actionName` of its result.
    pub fn segment(self) -> &'static str {
        match self {
            Action::RemoteLock => "remoteLock",
            Action::ResetPasscode => "resetPasscode",
            Action::RecoverPasscode => "recoverPasscode",
            Action::RotateFileVaultKey => "rotateFileVaultKey",
            Action::SyncDevice => "syncDevice",
            Action::GetFileVaultKey => "getFileVaultKey",
        }
    }

    pub fn from_segment(segment: &str) -> Option<Action> {
        [
            Action::RemoteLock,
            Action::ResetPasscode,
            Action::RecoverPasscode,
            Action::RotateFileVaultKey,
            Action::SyncDevice,
            Action::GetFileVaultKey,
        ]
        .into_iter()
        .find(|a| a.segment() == segment)
    }

    /// FileVault actions exist only in Graph's beta.
    pub fn beta_only(self) -> bool {
        matches!(self, Action::RotateFileVaultKey | Action::GetFileVaultKey)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ActionState {
    Pending,
    Done,
    Failed,
}

#[derive(Debug, Clone)]
pub struct ActionResult {
    pub action: Action,
    pub state: ActionState,
    pub start: DateTime<Utc>,
    pub last_updated: DateTime<Utc>,
    /// When the device applies it; `None` for a device that never checks in by itself.
    pub due: Option<DateTime<Utc>>,
    /// Graph shows the result only from this time (the `result_delay_ms` fault).
    pub visible_from: DateTime<Utc>,
    pub unlock_pin: Option<String>,
    pub passcode: Option<String>,
    pub error_code: Option<i32>,
}

impl ActionResult {
    /// As Graph serialises it: each property only on the type that declares it. Graph has no
    /// result type for `recoverPasscode`; when the sim is told a recovered passcode is readable
    /// (undocumented either way), it arrives on the one type that carries a `passcode`,
    /// `resetPasscodeActionResult`, and otherwise as a plain `deviceActionResult`.
    pub fn to_graph(&self) -> Value {
        let odata_type = match self.action {
            Action::RemoteLock => "#microsoft.graph.remoteLockActionResult",
            Action::ResetPasscode => "#microsoft.graph.resetPasscodeActionResult",
            Action::RecoverPasscode if self.passcode.is_some() => {
                "#microsoft.graph.resetPasscodeActionResult"
            }
            _ => "#microsoft.graph.deviceActionResult",
        };
        let mut value = json!({
            "@odata.type": odata_type,
            "actionName": self.action.segment(),
            "actionState": self.state,
            "startDateTime": graph_time(self.start),
            "lastUpdatedDateTime": graph_time(self.last_updated),
        });
        let map = value.as_object_mut().expect("built as an object");
        match self.action {
            Action::RemoteLock => {
                map.insert("unlockPin".into(), json!(self.unlock_pin));
            }
            Action::ResetPasscode => {
                map.insert("passcode".into(), json!(self.passcode));
                map.insert("errorCode".into(), json!(self.error_code.unwrap_or(0)));
            }
            Action::RecoverPasscode if self.passcode.is_some() => {
                map.insert("passcode".into(), json!(self.passcode));
                map.insert("errorCode".into(), json!(0));
            }
            _ => {}
        }
        value
    }
}

/// Why Intune refuses an action up front (HTTP 400), before anything is queued.
pub fn refusal(
    device: &Device,
    action: Action,
    macos_recover_accepted: bool,
) -> Option<&'static str> {
    let android = device.hidden.android_mode;
    match action {
        Action::RemoteLock => match device.platform {
            Platform::Windows => Some("Remote lock is not supported on Windows devices."),
            Platform::Android if android == Some(AndroidMode::PersonalWorkProfile) => {
                Some("Remote lock is not supported on personally owned work profile devices.")
            }
            _ => None,
        },
        Action::ResetPasscode => match device.platform {
            Platform::MacOs | Platform::Windows => {
                Some("Reset passcode is not supported on this platform.")
            }
            _ => None,
        },
        Action::RecoverPasscode => {
            let mac = device.platform == Platform::MacOs && macos_recover_accepted;
            (!device.platform.is_ios_family() && !mac)
                .then_some("Recover passcode is supported on iOS and iPadOS only.")
        }
        Action::RotateFileVaultKey | Action::GetFileVaultKey => {
            if device.platform != Platform::MacOs {
                Some("FileVault actions are supported on macOS only.")
            } else if device.owner_type != "company" {
                Some("FileVault recovery keys of personal devices are managed by policy only.")
            } else {
                None
            }
        }
        Action::SyncDevice => None,
    }
}

/// Queues an accepted action, replacing the result of an earlier action of the same name (for a
/// Mac lock, that is the moment the earlier PIN disappears from Graph). A Mac's lock gets its
/// unlock PIN now: Microsoft's example shows `unlockPin` on a pending `remoteLockActionResult`.
pub fn queue(
    device: &mut Device,
    action: Action,
    now: DateTime<Utc>,
    checkin_delay: Duration,
    rng: &mut impl Rng,
) {
    queue_shown_after(device, action, now, checkin_delay, Duration::zero(), rng);
}

/// [`queue`], with the result hidden from Graph for `shown_after`.
pub fn queue_shown_after(
    device: &mut Device,
    action: Action,
    now: DateTime<Utc>,
    checkin_delay: Duration,
    shown_after: Duration,
    rng: &mut impl Rng,
) {
    let due = match device.hidden.check_in {
        CheckIn::Prompt => Some(now + checkin_delay),
        CheckIn::Slow => Some(now + checkin_delay * 10),
        CheckIn::Never => None,
    };
    let unlock_pin = (action == Action::RemoteLock && device.platform == Platform::MacOs)
        .then(|| digits(rng, 6));
    // Microsoft's remote lock page: the PIN is shown "until another device action is sent".
    for result in device.action_results.iter_mut() {
        if result.action == Action::RemoteLock && action != Action::RemoteLock {
            result.unlock_pin = None;
        }
    }
    device.action_results.retain(|r| r.action != action);
    device.action_results.push(ActionResult {
        action,
        state: ActionState::Pending,
        start: now,
        last_updated: now,
        due: due.map(|d| d.max(now + shown_after)),
        visible_from: now + shown_after,
        unlock_pin,
        passcode: None,
        error_code: None,
    });
}

/// What the device does at a check-in: applies every pending action that is due (all of them
/// when `forced`).
pub fn check_in(
    device: &mut Device,
    now: DateTime<Utc>,
    forced: bool,
    recovered_passcode_readable: bool,
    rng: &mut impl Rng,
) -> usize {
    let mut applied = 0;
    for index in 0..device.action_results.len() {
        let result = &device.action_results[index];
        let due = forced || result.due.is_some_and(|due| due <= now);
        if result.state != ActionState::Pending || !due {
            continue;
        }
        let action = result.action;
        let queued_pin = result.unlock_pin.clone();
        let outcome = apply(device, action, queued_pin, recovered_passcode_readable, rng);
        let result = &mut device.action_results[index];
        result.state = outcome.state;
        result.unlock_pin = outcome.unlock_pin;
        result.passcode = outcome.passcode;
        result.error_code = outcome.error_code;
        result.last_updated = now;
        applied += 1;
    }
    if applied > 0 {
        device.last_sync = now;
    }
    applied
}

struct Outcome {
    state: ActionState,
    unlock_pin: Option<String>,
    passcode: Option<String>,
    error_code: Option<i32>,
}

impl Outcome {
    fn done() -> Self {
        Outcome {
            state: ActionState::Done,
            unlock_pin: None,
            passcode: None,
            error_code: None,
        }
    }

    fn failed(error_code: i32) -> Self {
        Outcome {
            state: ActionState::Failed,
            error_code: Some(error_code),
            ..Outcome::done()
        }
    }
}

// Error codes are the sim's own: Intune does not document them.
const ERR_PIN_UNUSED: i32 = 1001;
const ERR_UNLOCK_TOKEN: i32 = 1002;
const ERR_NO_POLICY: i32 = 1003;
const ERR_NOT_ESCROWED: i32 = 1004;
const ERR_NO_KEY: i32 = 1005;

fn apply(
    device: &mut Device,
    action: Action,
    queued_pin: Option<String>,
    readable: bool,
    rng: &mut impl Rng,
) -> Outcome {
    let hidden = &mut device.hidden;
    match action {
        Action::RemoteLock if device.platform == Platform::MacOs => {
            // The Mac refuses while an earlier PIN is unused; the new PIN never reached it.
            if hidden.unused_lock_pin.is_some() {
                return Outcome::failed(ERR_PIN_UNUSED);
            }
            hidden.unused_lock_pin = queued_pin.clone();
            Outcome {
                unlock_pin: queued_pin,
                ..Outcome::done()
            }
        }
        Action::RemoteLock | Action::SyncDevice => Outcome::done(),
        Action::ResetPasscode if device.platform.is_ios_family() => {
            if hidden.unlock_token_stale {
                Outcome::failed(ERR_UNLOCK_TOKEN)
            } else {
                // Removing the passcode generates none.
                Outcome::done()
            }
        }
        Action::ResetPasscode => {
            if hidden.passcode_policy {
                Outcome {
                    passcode: Some(format!("{}-{}", digits(rng, 4), digits(rng, 4))),
                    ..Outcome::done()
                }
            } else {
                Outcome::failed(ERR_NO_POLICY)
            }
        }
        Action::RecoverPasscode => {
            if device.is_supervised && hidden.passcode_escrowed {
                Outcome {
                    passcode: readable.then(|| digits(rng, 6)),
                    ..Outcome::done()
                }
            } else {
                Outcome::failed(ERR_NOT_ESCROWED)
            }
        }
        Action::RotateFileVaultKey => {
            if hidden.filevault_key.is_some() {
                hidden.filevault_key = Some(filevault_key(rng));
                Outcome::done()
            } else {
                Outcome::failed(ERR_NO_KEY)
            }
        }
        Action::GetFileVaultKey => Outcome::done(),
    }
}

fn digits(rng: &mut impl Rng, count: usize) -> String {
    (0..count)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect()
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    use super::*;
    use crate::fleet::{FleetSpec, generate};

    fn fleet() -> Vec<Device> {
        generate(&FleetSpec {
            seed: 11,
            devices: 2000,
            domain: "contoso.com".into(),
            now: Utc::now(),
        })
    }

    fn find(fleet: &[Device], f: impl Fn(&Device) -> bool) -> Device {
        fleet
            .iter()
            .find(|d| f(d))
            .cloned()
            .expect("the fleet has one")
    }

    fn run(device: &mut Device, action: Action, readable: bool) -> ActionResult {
        let now = Utc::now();
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        queue(device, action, now, Duration::zero(), &mut rng);
        check_in(device, now, true, readable, &mut rng);
        device
            .action_results
            .iter()
            .find(|r| r.action == action)
            .cloned()
            .expect("result")
    }

    #[test]
    fn a_second_mac_lock_fails_while_the_first_pin_is_unused_and_loses_it() {
        let fleet = fleet();
        let mut mac = find(&fleet, |d| d.platform == Platform::MacOs);
        let first = run(&mut mac, Action::RemoteLock, false);
        assert_eq!(first.state, ActionState::Done);
        let pin = first.unlock_pin.expect("a PIN");
        assert_eq!(pin.len(), 6);
        assert!(pin.chars().all(|c| c.is_ascii_digit()));

        let second = run(&mut mac, Action::RemoteLock, false);
        assert_eq!(second.state, ActionState::Failed);
        assert!(
            second.unlock_pin.is_none(),
            "the first PIN is gone from Graph"
        );

        mac.hidden.unused_lock_pin = None; // the user typed the PIN
        assert_eq!(
            run(&mut mac, Action::RemoteLock, false).state,
            ActionState::Done
        );
    }

    #[test]
    fn a_mac_lock_shows_its_pin_while_pending_and_keeps_it_when_done() {
        let fleet = fleet();
        let mut mac = find(&fleet, |d| d.platform == Platform::MacOs);
        let now = Utc::now();
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        queue(
            &mut mac,
            Action::RemoteLock,
            now,
            Duration::zero(),
            &mut rng,
        );
        let pending = mac.action_results[0].clone();
        assert_eq!(pending.state, ActionState::Pending);
        let pin = pending.unlock_pin.clone().expect("a PIN while pending");
        assert_eq!(pending.to_graph()["unlockPin"], pin.as_str());
        check_in(&mut mac, now, true, false, &mut rng);
        assert_eq!(mac.action_results[0].state, ActionState::Done);
        assert_eq!(
            mac.action_results[0].unlock_pin.as_deref(),
            Some(pin.as_str())
        );
        assert_eq!(mac.hidden.unused_lock_pin.as_deref(), Some(pin.as_str()));

        let mut iphone = find(&fleet, |d| d.platform == Platform::Ios);
        queue(
            &mut iphone,
            Action::RemoteLock,
            now,
            Duration::zero(),
            &mut rng,
        );
        assert!(iphone.action_results[0].unlock_pin.is_none(), "Macs only");
    }

    #[test]
    fn another_action_makes_intune_stop_showing_the_pin() {
        let fleet = fleet();
        let mut mac = find(&fleet, |d| {
            d.platform == Platform::MacOs && d.hidden.filevault_key.is_some()
        });
        let lock = run(&mut mac, Action::RemoteLock, false);
        assert!(lock.unlock_pin.is_some());
        run(&mut mac, Action::RotateFileVaultKey, false);
        let lock = mac
            .action_results
            .iter()
            .find(|r| r.action == Action::RemoteLock)
            .expect("the lock's result stays");
        assert!(lock.unlock_pin.is_none(), "Graph no longer shows the PIN");
        assert!(
            mac.hidden.unused_lock_pin.is_some(),
            "the Mac still wants it"
        );
    }

    #[test]
    fn windows_lock_and_personal_mac_rotation_are_refused_up_front() {
        let fleet = fleet();
        let pc = find(&fleet, |d| d.platform == Platform::Windows);
        assert!(refusal(&pc, Action::RemoteLock, false).is_some());
        let personal_mac = find(&fleet, |d| {
            d.platform == Platform::MacOs && d.owner_type == "personal"
        });
        assert!(refusal(&personal_mac, Action::RotateFileVaultKey, false).is_some());
        assert!(refusal(&personal_mac, Action::RecoverPasscode, false).is_some());
        assert!(refusal(&personal_mac, Action::RecoverPasscode, true).is_none());
        let iphone = find(&fleet, |d| d.platform == Platform::Ios);
        assert!(refusal(&iphone, Action::RemoteLock, false).is_none());
        assert!(refusal(&pc, Action::RecoverPasscode, true).is_some());
    }

    #[test]
    fn ios_reset_clears_without_a_new_passcode_and_fails_on_a_stale_unlock_token() {
        let fleet = fleet();
        let mut ok = find(&fleet, |d| {
            d.platform.is_ios_family() && !d.hidden.unlock_token_stale
        });
        let result = run(&mut ok, Action::ResetPasscode, false);
        assert_eq!(result.state, ActionState::Done);
        assert!(result.passcode.is_none());
        let mut stale = find(&fleet, |d| {
            d.platform.is_ios_family() && d.hidden.unlock_token_stale
        });
        assert_eq!(
            run(&mut stale, Action::ResetPasscode, false).state,
            ActionState::Failed
        );
    }

    #[test]
    fn android_reset_returns_a_passcode_only_with_a_passcode_policy() {
        let fleet = fleet();
        let mut with = find(&fleet, |d| {
            d.platform == Platform::Android && d.hidden.passcode_policy
        });
        let result = run(&mut with, Action::ResetPasscode, false);
        assert_eq!(result.state, ActionState::Done);
        assert!(result.passcode.is_some());
        let mut without = find(&fleet, |d| {
            d.platform == Platform::Android && !d.hidden.passcode_policy
        });
        assert_eq!(
            run(&mut without, Action::ResetPasscode, false).state,
            ActionState::Failed
        );
    }

    #[test]
    fn recover_needs_supervision_and_escrow_and_is_readable_only_when_configured() {
        let fleet = fleet();
        let escrowed = find(&fleet, |d| {
            d.platform.is_ios_family() && d.is_supervised && d.hidden.passcode_escrowed
        });
        let hidden = run(&mut escrowed.clone(), Action::RecoverPasscode, false);
        assert_eq!(hidden.state, ActionState::Done);
        assert!(hidden.passcode.is_none());
        assert_eq!(
            hidden.to_graph()["@odata.type"],
            "#microsoft.graph.deviceActionResult"
        );
        assert!(hidden.to_graph().get("passcode").is_none());
        let readable = run(&mut escrowed.clone(), Action::RecoverPasscode, true);
        assert!(readable.passcode.is_some());
        let graph = readable.to_graph();
        assert!(graph.get("passcode").is_some());
        assert_eq!(
            graph["@odata.type"], "#microsoft.graph.resetPasscodeActionResult",
            "only that type declares a passcode"
        );
        let mut unsupervised = find(&fleet, |d| d.platform.is_ios_family() && !d.is_supervised);
        assert_eq!(
            run(&mut unsupervised, Action::RecoverPasscode, true).state,
            ActionState::Failed
        );
    }

    #[test]
    fn rotation_replaces_an_escrowed_key_and_fails_without_one() {
        let fleet = fleet();
        let mut escrowed = find(&fleet, |d| {
            d.platform == Platform::MacOs
                && d.owner_type == "company"
                && d.hidden.filevault_key.is_some()
        });
        let before = escrowed.hidden.filevault_key.clone();
        assert_eq!(
            run(&mut escrowed, Action::RotateFileVaultKey, false).state,
            ActionState::Done
        );
        assert_ne!(escrowed.hidden.filevault_key, before);
        let mut missing = find(&fleet, |d| {
            d.platform == Platform::MacOs
                && d.owner_type == "company"
                && d.hidden.filevault_key.is_none()
        });
        assert_eq!(
            run(&mut missing, Action::RotateFileVaultKey, false).state,
            ActionState::Failed
        );
    }

    #[test]
    fn an_offline_device_stays_pending_until_forced_and_a_prompt_one_applies_when_due() {
        let fleet = fleet();
        let mut offline = find(&fleet, |d| {
            d.hidden.check_in == CheckIn::Never && d.platform == Platform::Ios
        });
        let now = Utc::now();
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        queue(
            &mut offline,
            Action::SyncDevice,
            now,
            Duration::seconds(1),
            &mut rng,
        );
        assert_eq!(
            check_in(
                &mut offline,
                now + Duration::days(30),
                false,
                false,
                &mut rng
            ),
            0
        );
        assert_eq!(check_in(&mut offline, now, true, false, &mut rng), 1);

        let mut prompt = find(&fleet, |d| d.hidden.check_in == CheckIn::Prompt);
        queue(
            &mut prompt,
            Action::SyncDevice,
            now,
            Duration::seconds(5),
            &mut rng,
        );
        assert_eq!(
            check_in(
                &mut prompt,
                now + Duration::seconds(4),
                false,
                false,
                &mut rng
            ),
            0
        );
        assert_eq!(
            check_in(
                &mut prompt,
                now + Duration::seconds(5),
                false,
                false,
                &mut rng
            ),
            1
        );
        assert_eq!(prompt.action_results[0].state, ActionState::Done);
    }
}

//! One row per rule: a device that triggers it and a close one that does not, so every row of
//! the reference tables is proven both ways.

use chrono::TimeZone;

use super::*;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 12, 0, 0).unwrap()
}

fn base(platform: Platform, os: &str) -> Device {
    Device {
        id: "00000000-0000-4000-8000-000000000001".into(),
        device_name: "TEST-01".into(),
        platform,
        operating_system: os.into(),
        os_version: "15.1".into(),
        model: "Model".into(),
        manufacturer: "Maker".into(),
        serial_number: "SERIAL1".into(),
        user_principal_name: "ada@contoso.com".into(),
        user_display_name: "Ada".into(),
        email_address: "ada@contoso.com".into(),
        ownership: Ownership::Company,
        enrollment_type: "appleBulkWithUser".into(),
        is_supervised: true,
        is_encrypted: true,
        compliance_state: "compliant".into(),
        management_state: "managed".into(),
        last_sync: Some(now() - Duration::hours(2)),
        enrolled: None,
        azure_ad_device_id: String::new(),
    }
}

fn mac() -> Device {
    base(Platform::MacOs, "macOS")
}
fn iphone() -> Device {
    base(Platform::Ios, "iOS")
}
fn android(enrollment: &str) -> Device {
    Device {
        enrollment_type: enrollment.into(),
        is_supervised: false,
        ..base(Platform::Android, "Android")
    }
}
fn vision(version: &str) -> Device {
    Device {
        os_version: version.into(),
        enrollment_type: "appleBulkWithUser".into(),
        ..base(Platform::Other, "visionOS")
    }
}
fn windows() -> Device {
    Device {
        enrollment_type: "windowsAzureADJoin".into(),
        is_supervised: false,
        ..base(Platform::Windows, "Windows")
    }
}

fn result(action: &str, state: &str, hours_ago: i64, secret: bool) -> ActionResult {
    ActionResult {
        action_name: action.into(),
        action_state: state.into(),
        started: Some(now() - Duration::hours(hours_ago)),
        last_updated: Some(now() - Duration::hours(hours_ago)),
        has_secret: secret,
        error_code: None,
    }
}

/// A device, and everything else the verdict may depend on.
#[derive(Clone)]
struct Case {
    device: Device,
    results: Vec<ActionResult>,
    kept_pin: Option<PinRecord>,
    history: History,
}

impl From<Device> for Case {
    fn from(device: Device) -> Self {
        Case {
            device,
            results: Vec::new(),
            kept_pin: None,
            history: History::default(),
        }
    }
}

impl Case {
    fn with_result(mut self, r: ActionResult) -> Self {
        self.results.push(r);
        self
    }
    fn verdict(&self, action: ActionKind) -> Verdict {
        assess_one(
            &Facts {
                device: &self.device,
                results: &self.results,
                kept_pin: self.kept_pin,
                history: self.history,
                now: now(),
            },
            action,
        )
    }
    fn rules(&self, action: ActionKind) -> Vec<String> {
        self.verdict(action)
            .reasons
            .into_iter()
            .map(|r| r.rule)
            .collect()
    }
}

fn with(device: Device, change: impl FnOnce(&mut Device)) -> Case {
    let mut device = device;
    change(&mut device);
    device.into()
}

/// (rule, action, a case that triggers it, a case that does not).
fn rows() -> Vec<(&'static str, ActionKind, Case, Case)> {
    let kept_unused = Case {
        kept_pin: Some(PinRecord {
            locked_at: now() - Duration::days(2),
            used_at: None,
        }),
        ..mac().into()
    };
    let kept_used = Case {
        kept_pin: Some(PinRecord {
            locked_at: now() - Duration::days(2),
            used_at: Some(now() - Duration::days(1)),
        }),
        ..mac().into()
    };
    let revealed = Case {
        history: History {
            recent_passcode_access: 2,
            last_key_reveal: Some(now() - Duration::days(1)),
        },
        ..iphone().into()
    };
    let mac_key_shown = Case {
        history: History {
            recent_passcode_access: 0,
            last_key_reveal: Some(now() - Duration::days(1)),
        },
        ..mac().into()
    };
    vec![
        (
            "leaving-management",
            RemoteLock,
            with(mac(), |d| d.management_state = "retirePending".into()),
            with(mac(), |d| d.management_state = "retireFailed".into()),
        ),
        (
            "never-checked-in",
            RemoteLock,
            with(iphone(), |d| d.last_sync = None),
            iphone().into(),
        ),
        (
            "stale-check-in",
            ResetPasscode,
            with(iphone(), |d| d.last_sync = Some(now() - Duration::days(12))),
            with(iphone(), |d| d.last_sync = Some(now() - Duration::days(6))),
        ),
        (
            "already-pending",
            RotateFileVaultKey,
            Case::from(mac()).with_result(result("rotateFileVaultKey", "pending", 1, false)),
            Case::from(mac()).with_result(result("rotateFileVaultKey", "done", 1, false)),
        ),
        ("lock-windows", RemoteLock, windows().into(), mac().into()),
        (
            "lock-unknown-platform",
            RemoteLock,
            base(Platform::Other, "Linux").into(),
            vision("2.1").into(),
        ),
        (
            "lock-visionos-version",
            RemoteLock,
            vision("1.3").into(),
            vision("2.0").into(),
        ),
        (
            "lock-android-personal",
            RemoteLock,
            with(android("userEnrollment"), |d| {
                d.ownership = Ownership::Personal
            }),
            android("androidEnterpriseFullyManaged").into(),
        ),
        (
            "lock-android-mode-unknown",
            RemoteLock,
            android("androidDeviceAdmin").into(),
            android("androidEnterpriseDedicatedDevice").into(),
        ),
        (
            "lock-mac-unused-pin",
            RemoteLock,
            kept_unused.clone(),
            kept_used,
        ),
        (
            "lock-mac-failed-after-unused-pin",
            RemoteLock,
            kept_unused
                .clone()
                .with_result(result("remoteLock", "failed", 2, false)),
            Case::from(mac()).with_result(result("remoteLock", "done", 2, true)),
        ),
        (
            "lock-mac-old-apple-silicon",
            RemoteLock,
            with(mac(), |d| d.os_version = "11.4".into()),
            with(mac(), |d| d.os_version = "11.5".into()),
        ),
        (
            "lock-mac-find-my",
            RemoteLock,
            mac().into(),
            iphone().into(),
        ),
        (
            "lock-needs-passcode",
            RemoteLock,
            iphone().into(),
            mac().into(),
        ),
        ("lock-mac-pin", RemoteLock, mac().into(), iphone().into()),
        (
            "filevault-not-mac",
            RotateFileVaultKey,
            iphone().into(),
            mac().into(),
        ),
        (
            "filevault-personal",
            RotateFileVaultKey,
            with(mac(), |d| d.ownership = Ownership::Personal),
            mac().into(),
        ),
        (
            "filevault-ownership-unknown",
            RotateFileVaultKey,
            with(mac(), |d| d.ownership = Ownership::Unknown),
            mac().into(),
        ),
        (
            "filevault-not-encrypted",
            RotateFileVaultKey,
            with(mac(), |d| d.is_encrypted = false),
            mac().into(),
        ),
        (
            "filevault-escrow-unknown",
            RotateFileVaultKey,
            mac().into(),
            windows().into(),
        ),
        (
            "filevault-key-shown",
            RotateFileVaultKey,
            mac_key_shown,
            mac().into(),
        ),
        (
            "recover-not-apple",
            RecoverPasscode,
            android("androidEnterpriseFullyManaged").into(),
            mac().into(),
        ),
        (
            "recover-mac-undocumented",
            RecoverPasscode,
            mac().into(),
            iphone().into(),
        ),
        (
            "recover-unsupervised",
            RecoverPasscode,
            with(iphone(), |d| d.is_supervised = false),
            iphone().into(),
        ),
        (
            "recover-enrollment",
            RecoverPasscode,
            with(iphone(), |d| {
                d.enrollment_type = "deviceEnrollmentManager".into()
            }),
            iphone().into(),
        ),
        (
            "recover-undocumented",
            RecoverPasscode,
            iphone().into(),
            with(iphone(), |d| d.is_supervised = false),
        ),
        (
            "recover-failed-before",
            RecoverPasscode,
            Case::from(iphone()).with_result(result("recoverPasscode", "failed", 5, false)),
            Case::from(iphone()).with_result(result("recoverPasscode", "done", 5, false)),
        ),
        (
            "recover-repeated",
            RecoverPasscode,
            revealed,
            iphone().into(),
        ),
        (
            "recover-readback",
            RecoverPasscode,
            iphone().into(),
            windows().into(),
        ),
        (
            "reset-platform",
            ResetPasscode,
            mac().into(),
            iphone().into(),
        ),
        (
            "reset-ios-removes",
            ResetPasscode,
            base(Platform::IpadOs, "iPadOS").into(),
            android("androidEnterpriseFullyManaged").into(),
        ),
        (
            "reset-ios-user-enrollment",
            ResetPasscode,
            with(iphone(), |d| {
                d.enrollment_type = "appleAccountDrivenUserEnrollment".into()
            }),
            iphone().into(),
        ),
        (
            "reset-ios-recover-first",
            ResetPasscode,
            iphone().into(),
            with(iphone(), |d| d.enrollment_type = "userEnrollment".into()),
        ),
        (
            "reset-ios-unlock-token",
            ResetPasscode,
            iphone().into(),
            android("androidEnterpriseFullyManaged").into(),
        ),
        (
            "reset-android-policy",
            ResetPasscode,
            android("androidEnterpriseDedicatedDevice").into(),
            iphone().into(),
        ),
        (
            "reset-android-level",
            ResetPasscode,
            android("androidEnterpriseCorporateWorkProfile").into(),
            iphone().into(),
        ),
        (
            "reset-android-visible",
            ResetPasscode,
            android("androidAOSPUserOwnedDeviceEnrollment").into(),
            iphone().into(),
        ),
    ]
}

#[test]
fn every_rule_fires_where_it_should_and_not_where_it_should_not() {
    for (rule, action, hit, miss) in rows() {
        assert!(
            hit.rules(action).iter().any(|r| r == rule),
            "{rule} did not fire on {:?}: {:?}",
            hit.device,
            hit.rules(action)
        );
        assert!(
            !miss.rules(action).iter().any(|r| r == rule),
            "{rule} fired on {:?}",
            miss.device
        );
    }
}

#[test]
fn every_rule_of_the_table_has_a_row() {
    let covered: Vec<&str> = rows().iter().map(|row| row.0).collect();
    for rule in RULES {
        assert!(covered.contains(&rule.id), "no test row for {}", rule.id);
    }
}

#[test]
fn a_corporate_encrypted_mac_is_ready_for_everything_a_mac_takes() {
    let case = Case::from(mac());
    assert_eq!(case.verdict(RemoteLock).readiness, Readiness::Ready);
    assert_eq!(case.verdict(RotateFileVaultKey).readiness, Readiness::Ready);
    let reset = case.verdict(ResetPasscode);
    assert_eq!(reset.readiness, Readiness::Blocked);
    let fix = reset.reasons[0].fix.as_deref().expect("a fix");
    assert!(fix.contains("FileVault recovery key"), "{fix}");
    assert!(
        !fix.contains("Use Remote lock"),
        "a lock does not recover a password"
    );
}

#[test]
fn windows_gets_no_lock_and_says_what_to_do_instead() {
    let verdict = Case::from(windows()).verdict(RemoteLock);
    assert_eq!(verdict.readiness, Readiness::Blocked);
    assert!(!verdict.overridable);
    assert!(verdict.reasons[0].text.starts_with("Windows:"));
    assert!(verdict.reasons[0].fix.is_some());
}

#[test]
fn a_personal_mac_rotates_only_through_policy() {
    let verdict = with(mac(), |d| d.ownership = Ownership::Personal).verdict(RotateFileVaultKey);
    assert_eq!(verdict.readiness, Readiness::Blocked);
    assert!(
        verdict.reasons[0]
            .text
            .contains("rotate only through policy")
    );
}

#[test]
fn an_unused_pin_blocks_a_second_lock_but_may_be_overridden_with_a_reason() {
    let case = Case {
        kept_pin: Some(PinRecord {
            locked_at: now() - Duration::days(3),
            used_at: None,
        }),
        ..mac().into()
    };
    let verdict = case.verdict(RemoteLock);
    assert_eq!(verdict.readiness, Readiness::Blocked);
    assert!(verdict.overridable);
    assert!(verdict.needs_justification);
    assert!(
        verdict.reasons[0].text.contains("2026-11-17"),
        "{:?}",
        verdict.reasons[0]
    );
    // A non-overridable blocker alongside it makes the whole verdict final.
    let retiring = Case {
        device: Device {
            management_state: "wipePending".into(),
            ..case.device.clone()
        },
        ..case
    };
    assert!(!retiring.verdict(RemoteLock).overridable);
}

#[test]
fn a_pin_intune_still_shows_counts_as_unused_until_marked_used_or_30_days_pass() {
    let shown = Case::from(mac()).with_result(result("remoteLock", "done", 48, true));
    assert!(
        shown
            .rules(RemoteLock)
            .contains(&"lock-mac-unused-pin".to_string())
    );

    let mut marked = shown.clone();
    marked.kept_pin = Some(PinRecord {
        locked_at: now() - Duration::hours(48),
        used_at: Some(now() - Duration::hours(1)),
    });
    assert_eq!(marked.verdict(RemoteLock).readiness, Readiness::Ready);

    let old = Case::from(mac()).with_result(result("remoteLock", "done", 31 * 24, true));
    assert_eq!(old.verdict(RemoteLock).readiness, Readiness::Ready);
    let failed = Case::from(mac()).with_result(result("remoteLock", "failed", 2, false));
    assert_ne!(failed.verdict(RemoteLock).readiness, Readiness::Blocked);
}

#[test]
fn recover_always_needs_a_justification_and_warns_what_is_not_reported() {
    let verdict = Case::from(iphone()).verdict(RecoverPasscode);
    assert_eq!(verdict.readiness, Readiness::Warning);
    assert!(verdict.needs_justification);
    assert_eq!(verdict.reasons[0].severity, Severity::Warning);
    assert_eq!(
        verdict.reasons.last().map(|r| r.severity),
        Some(Severity::Note)
    );
}

#[test]
fn android_reset_is_a_reset_and_ios_reset_is_a_removal() {
    let android = Case::from(android("androidEnterpriseFullyManaged")).verdict(ResetPasscode);
    assert_eq!(android.label, "Reset passcode");
    assert!(android.effect.contains("new one"));
    let ios = Case::from(iphone()).verdict(ResetPasscode);
    assert_eq!(ios.label, "Remove passcode");
    assert!(ios.effect.contains("removed"));
    assert_eq!(ios.readiness, Readiness::Ready);
}

#[test]
fn verdicts_serialise_with_stable_names() {
    let json = serde_json::to_value(Case::from(windows()).verdict(RemoteLock)).expect("json");
    assert_eq!(json["action"], "remoteLock");
    assert_eq!(json["readiness"], "blocked");
    assert_eq!(json["reasons"][0]["rule"], "lock-windows");
    assert_eq!(json["reasons"][0]["severity"], "blocker");
}

// The corrections of the guidance review, one test each.

#[test]
fn every_rule_and_every_effect_names_its_sources() {
    for rule in RULES {
        assert!(!rule.sources.is_empty(), "{} has no source", rule.id);
        for source in rule.sources {
            assert!(!source.title.trim().is_empty(), "{}", rule.id);
        }
    }
    let devices = [
        mac(),
        iphone(),
        base(Platform::IpadOs, "iPadOS"),
        android("androidEnterpriseDedicatedDevice"),
        android("androidEnterpriseFullyManaged"),
        android("androidDeviceAdmin"),
        windows(),
        vision("2.0"),
        base(Platform::Other, "Linux"),
    ];
    for device in devices {
        for action in ActionKind::ALL {
            let verdict = Case::from(device.clone()).verdict(action);
            assert!(
                !verdict.effect_sources.is_empty(),
                "{action:?} on {device:?}"
            );
            for reason in &verdict.reasons {
                assert!(!reason.sources.is_empty(), "{}", reason.rule);
            }
        }
    }
}

#[test]
fn a_pending_mac_lock_counts_as_an_unused_pin_and_blocks_a_new_lock_overridably() {
    let pending = Case::from(mac()).with_result(result("remoteLock", "pending", 1, false));
    let verdict = pending.verdict(RemoteLock);
    assert_eq!(verdict.readiness, Readiness::Blocked);
    assert!(verdict.overridable);
    assert!(verdict.needs_justification);
    assert!(
        pending
            .rules(RemoteLock)
            .contains(&"lock-mac-unused-pin".to_string())
    );
}

#[test]
fn a_lock_that_failed_over_an_unused_pin_warns_the_earlier_pin_may_be_gone() {
    let case = Case {
        kept_pin: Some(PinRecord {
            locked_at: now() - Duration::days(2),
            used_at: None,
        }),
        ..Case::from(mac()).with_result(result("remoteLock", "failed", 1, false))
    };
    let verdict = case.verdict(RemoteLock);
    let reason = verdict
        .reasons
        .iter()
        .find(|r| r.rule == "lock-mac-failed-after-unused-pin")
        .expect("the warning");
    assert!(
        reason.text.contains("may no longer show"),
        "{}",
        reason.text
    );
    assert!(
        reason
            .fix
            .as_deref()
            .is_some_and(|f| f.contains("still keeps"))
    );
}

#[test]
fn a_failed_retire_or_wipe_leaves_the_device_managed_and_lockable() {
    for state in [
        "retireFailed",
        "wipeFailed",
        "retireCanceled",
        "wipeCanceled",
        "managed",
    ] {
        let case = with(iphone(), |d| d.management_state = state.into());
        assert_ne!(
            case.verdict(RemoteLock).readiness,
            Readiness::Blocked,
            "{state}"
        );
    }
    for state in [
        "retirePending",
        "retireIssued",
        "wipePending",
        "wipeIssued",
        "deletePending",
    ] {
        let case = with(iphone(), |d| d.management_state = state.into());
        assert_eq!(
            case.verdict(RemoteLock).readiness,
            Readiness::Blocked,
            "{state}"
        );
    }
}

#[test]
fn noncompliance_is_not_read_as_a_missing_passcode() {
    let case = with(iphone(), |d| d.compliance_state = "noncompliant".into());
    let verdict = case.verdict(RemoteLock);
    assert_eq!(verdict.readiness, Readiness::Ready, "{:?}", verdict.reasons);
    assert!(
        !verdict.reasons.iter().any(|r| r.text.contains("compliant")),
        "{:?}",
        verdict.reasons
    );
}

#[test]
fn apple_configurator_is_not_an_enrollment_type_graph_sends() {
    let configurator = with(iphone(), |d| d.enrollment_type = "appleConfigurator".into());
    assert!(
        configurator
            .rules(RecoverPasscode)
            .contains(&"recover-enrollment".to_string()),
        "an unknown value is not taken for a bulk enrollment"
    );
    for bulk in ["appleBulkWithUser", "appleBulkWithoutUser"] {
        let case = with(iphone(), |d| d.enrollment_type = bulk.into());
        assert!(
            !case
                .rules(RecoverPasscode)
                .contains(&"recover-enrollment".to_string())
        );
    }
}

#[test]
fn android_reset_says_which_passcode_it_replaces_in_each_mode() {
    for (enrollment, level) in [
        ("androidEnterpriseDedicatedDevice", "device"),
        ("androidEnterpriseFullyManaged", "work profile"),
        ("androidEnterpriseCorporateWorkProfile", "work profile"),
        ("userEnrollment", "work profile"),
        ("androidAOSPUserOwnedDeviceEnrollment", "device"),
        ("androidAOSPUserlessDeviceEnrollment", "device"),
    ] {
        let verdict = Case::from(android(enrollment)).verdict(ResetPasscode);
        assert_ne!(verdict.readiness, Readiness::Blocked, "{enrollment}");
        let expected = if level == "device" {
            "The device's passcode"
        } else {
            "The work profile's passcode"
        };
        assert!(
            verdict.effect.starts_with(expected),
            "{enrollment}: {}",
            verdict.effect
        );
        let level_note = verdict
            .reasons
            .iter()
            .find(|r| r.rule == "reset-android-level")
            .expect("the level");
        assert!(
            level_note.text.contains(level),
            "{enrollment}: {}",
            level_note.text
        );
        assert!(
            !verdict
                .reasons
                .iter()
                .any(|r| r.text.contains("not always available")),
            "COPE supports a work profile reset"
        );
    }
    let unknown = Case::from(android("unknownFutureValue")).verdict(ResetPasscode);
    assert!(
        unknown
            .effect
            .contains("depending on how the device is enrolled")
    );
}

#[test]
fn remove_passcode_is_blocked_in_apple_user_enrollment() {
    for enrollment in [
        "appleUserEnrollment",
        "appleUserEnrollmentWithServiceAccount",
        "appleAccountDrivenUserEnrollment",
    ] {
        let verdict =
            with(iphone(), |d| d.enrollment_type = enrollment.into()).verdict(ResetPasscode);
        assert_eq!(verdict.readiness, Readiness::Blocked, "{enrollment}");
        assert_eq!(verdict.reasons[0].rule, "reset-ios-user-enrollment");
        assert_eq!(
            verdict.reasons[0].sources[0].kind,
            crate::actions::SourceKind::Apple
        );
    }
}

#[test]
fn vision_os_two_or_later_can_be_locked() {
    assert_ne!(
        Case::from(vision("2.0")).verdict(RemoteLock).readiness,
        Readiness::Blocked
    );
    assert_ne!(
        Case::from(vision("2.1")).verdict(RemoteLock).readiness,
        Readiness::Blocked
    );
    assert_eq!(
        Case::from(vision("1.3")).verdict(RemoteLock).readiness,
        Readiness::Blocked
    );
}

#[test]
fn an_old_macos_warns_of_apples_lock_caveat_and_every_mac_hears_about_find_my() {
    let old = with(mac(), |d| d.os_version = "11.2.3".into()).verdict(RemoteLock);
    assert_eq!(old.readiness, Readiness::Warning);
    assert!(old.reasons.iter().any(|r| r.text.contains("Apple silicon")));
    let current = Case::from(mac()).verdict(RemoteLock);
    assert_eq!(current.readiness, Readiness::Ready);
    assert!(current.reasons.iter().any(|r| r.rule == "lock-mac-find-my"));
}

#[test]
fn a_forgotten_mac_password_points_to_the_filevault_key_not_a_lock() {
    let lock = Case::from(mac()).verdict(RemoteLock);
    let find_my = lock
        .reasons
        .iter()
        .find(|r| r.rule == "lock-mac-find-my")
        .expect("the note");
    assert!(find_my.text.contains("FileVault recovery key"));
    let recover = Case::from(mac()).verdict(RecoverPasscode);
    let mac_note = recover
        .reasons
        .iter()
        .find(|r| r.rule == "recover-mac-undocumented")
        .expect("the warning");
    assert!(
        mac_note
            .fix
            .as_deref()
            .is_some_and(|f| f.contains("FileVault recovery key"))
    );
}

#[test]
fn recover_on_a_mac_is_neither_impossible_nor_supported() {
    let verdict = Case::from(mac()).verdict(RecoverPasscode);
    assert_eq!(
        verdict.readiness,
        Readiness::Warning,
        "{:?}",
        verdict.reasons
    );
    let note = &verdict.reasons[0];
    assert!(note.text.contains("limited"), "{}", note.text);
    assert!(
        note.text.contains("Microsoft documents nothing"),
        "{}",
        note.text
    );
    assert!(note.disagreement.is_some());
}

#[test]
fn recover_passcode_says_what_each_source_says_and_what_the_app_will_do() {
    let verdict = Case::from(iphone()).verdict(RecoverPasscode);
    let undocumented = verdict
        .reasons
        .iter()
        .find(|r| r.rule == "recover-undocumented")
        .expect("the warning");
    assert!(undocumented.text.contains("shows whatever Intune returns"));
    assert!(undocumented.text.contains("remove the passcode"));
    let disagreement = undocumented
        .disagreement
        .as_deref()
        .expect("sources disagree");
    assert!(disagreement.contains("Seed 001") && disagreement.contains("Windows Phone"));
    assert!(verdict.effect.contains("Not documented by Microsoft"));
    for reason in &verdict.reasons {
        assert!(
            !reason.text.to_lowercase().contains("escrow is on")
                && !reason
                    .fix
                    .as_deref()
                    .unwrap_or("")
                    .contains("enrollment profile"),
            "no advice about an enrollment-profile setting that does not exist: {reason:?}"
        );
    }
}

#[test]
fn the_mac_pin_explanation_says_the_app_cannot_choose_it() {
    let verdict = Case::from(mac()).verdict(RemoteLock);
    let pin = verdict
        .reasons
        .iter()
        .find(|r| r.rule == "lock-mac-pin")
        .expect("the note");
    assert!(pin.text.contains("takes no PIN"), "{}", pin.text);
}

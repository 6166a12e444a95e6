//! The remote actions against the simulated tenant: every platform branch, refusals before and
//! by Intune, throttling, lost answers reconciled without a duplicate, outcomes followed, secrets
//! kept and revealed, and the audit.

mod support;

use std::time::Duration;

use intune_core::ErrorKind;
use intune_core::actions::limiter::WriteLimiter;
use intune_core::actions::pins::PinKeeper;
use intune_core::actions::{
    ActionKind, ActionService, Actor, Readiness, RunControl, RunEvent, SecretKind, SendRequest,
    SendState,
};
use intune_core::audit::{AuditEvent, AuditLog};
use intune_core::secret_store::SessionMemory;
use support::{graph_for, quick_policy};
use tenant_sim::fleet::{AndroidMode, CheckIn, Platform};
use tenant_sim::{Account, Faults, IntuneRole, RateLimit, ReceiptOutcome, RemoteTask, SimConfig};

struct Rig {
    demo: intune_demo::Demo,
    service: ActionService,
    dir: tempfile::TempDir,
    graph: intune_core::graph::GraphClient,
}

fn config() -> SimConfig {
    SimConfig {
        devices: 300,
        // Devices that check in at all apply an action at the next read.
        checkin_delay: Duration::ZERO,
        ..SimConfig::default()
    }
}

async fn rig(config: SimConfig) -> Rig {
    rig_with(config, WriteLimiter::default()).await
}

async fn rig_with(config: SimConfig, limiter: WriteLimiter) -> Rig {
    // What the sign-in holds: the sim grants what was asked for and consented to.
    let granted = config.consented_permissions.clone();
    let (demo, client) = graph_for(config, quick_policy()).await;
    let graph = client.clone();
    let dir = tempfile::tempdir().expect("tempdir");
    let service = ActionService::new(
        client,
        "https://intune.microsoft.com",
        Actor {
            profile: "Sim".into(),
            account: "admin@contoso.com".into(),
            tenant: demo.profile().tenant.clone(),
        },
        AuditLog::for_profile(dir.path(), "Sim"),
        PinKeeper::new(SessionMemory::store(), "Sim", dir.path()),
    )
    .tuned(limiter, 4, support::quick_follow())
    .with_granted(granted);
    Rig {
        demo,
        service,
        dir,
        graph,
    }
}

impl Rig {
    /// Another service of the same tenant: the app started again, or the command line.
    fn service_graph(&self) -> intune_core::graph::GraphClient {
        self.graph.clone()
    }

    fn device(&self, f: impl Fn(&tenant_sim::Device) -> bool) -> tenant_sim::Device {
        self.demo
            .sim()
            .devices()
            .into_iter()
            .find(|d| f(d))
            .expect("the fleet has one")
    }

    fn sim_device(&self, id: &str) -> tenant_sim::Device {
        self.device(|d| d.id == id)
    }

    fn receipts(&self, id: &str) -> Vec<tenant_sim::Receipt> {
        self.demo
            .sim()
            .received()
            .into_iter()
            .filter(|r| r.device_id == id)
            .collect()
    }

    async fn send(
        &self,
        action: ActionKind,
        ids: &[&str],
        why: Option<&str>,
    ) -> intune_core::actions::RunReport {
        self.service
            .send(&request(action, ids, why), &RunControl::default(), |_| {})
            .await
            .expect("the run starts")
    }

    async fn follow(
        &self,
        id: &str,
        action: ActionKind,
    ) -> intune_core::actions::service::FollowUpdate {
        self.service
            .follow(id, action, None, Duration::from_secs(10), |_| {})
            .await
            .expect("followed")
    }

    /// Every file the test's app folders hold, as text.
    fn written(&self) -> String {
        fn walk(dir: &std::path::Path, out: &mut String) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else {
                    out.push_str(&String::from_utf8_lossy(
                        &std::fs::read(&path).unwrap_or_default(),
                    ));
                }
            }
        }
        let mut out = String::new();
        walk(self.dir.path(), &mut out);
        out
    }
}

fn request(action: ActionKind, ids: &[&str], why: Option<&str>) -> SendRequest {
    SendRequest {
        action,
        devices: ids.iter().map(|s| s.to_string()).collect(),
        justification: why.map(str::to_owned),
        override_unused_pin: false,
    }
}

fn prompt(d: &tenant_sim::Device) -> bool {
    d.hidden.check_in != CheckIn::Never
}

fn corporate_mac(d: &tenant_sim::Device) -> bool {
    d.platform == Platform::MacOs && d.owner_type == "company" && d.is_encrypted && prompt(d)
}

/// The action's state as Intune reports it in the followed update ("done", "failed", …).
fn state_of(update: &intune_core::actions::service::FollowUpdate) -> Option<&str> {
    update.result.as_ref().map(|r| r.action_state.as_str())
}

#[tokio::test]
async fn a_corporate_mac_is_locked_once_its_pin_kept_revealed_and_audited_but_never_written() {
    let rig = rig(config()).await;
    let mac = rig.device(corporate_mac);

    let review = rig.service.review(&mac.id).await.expect("review");
    let lock = review
        .verdicts
        .iter()
        .find(|v| v.action == ActionKind::RemoteLock)
        .expect("lock");
    assert_eq!(lock.readiness, Readiness::Ready);

    let report = rig.send(ActionKind::RemoteLock, &[&mac.id], None).await;
    assert_eq!(report.queued, 1, "{report:?}");
    let outcome = &report.outcomes[0];
    assert_eq!(outcome.state, SendState::Queued);
    assert!(outcome.request_id.is_some() && outcome.client_request_id.is_some());
    assert_eq!(rig.receipts(&mac.id).len(), 1);
    assert_eq!(
        rig.receipts(&mac.id)[0].client_request_id,
        outcome.client_request_id
    );

    let done = rig.follow(&mac.id, ActionKind::RemoteLock).await;
    assert!(done.finished && done.pin_kept, "{done:?}");
    let review = rig.service.review(&mac.id).await.expect("review");
    assert!(review.reveals.contains(&SecretKind::UnlockPin));
    assert!(review.kept_pin.is_some());
    assert_eq!(state_of(&done), Some("done"));

    let hidden_pin = rig
        .sim_device(&mac.id)
        .hidden
        .unused_lock_pin
        .expect("the Mac has a PIN");
    let missing = rig
        .service
        .reveal(SecretKind::UnlockPin, &mac.id, None)
        .await;
    assert_eq!(
        missing.map(|_| ()).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    let revealed = rig
        .service
        .reveal(
            SecretKind::UnlockPin,
            &mac.id,
            Some("INC-7 user at the desk"),
        )
        .await
        .expect("revealed");
    assert_eq!(revealed.value.expose(), hidden_pin);
    assert_eq!(revealed.source, "keychain");

    let events: Vec<(AuditEvent, String)> = rig
        .service
        .audit()
        .entries()
        .expect("audit")
        .into_iter()
        .map(|e| (e.record.event, e.record.outcome))
        .collect();
    assert_eq!(
        events,
        vec![
            (AuditEvent::Sending, "sending".into()),
            (AuditEvent::Send, "queued".into()),
            (AuditEvent::Outcome, "done".into()),
            (AuditEvent::Reveal, "shown".into()),
        ]
    );
    assert!(rig.service.audit().verify().expect("verify").intact);
    assert!(
        !rig.written().contains(&hidden_pin),
        "the PIN reached a file"
    );
}

#[tokio::test]
async fn a_second_mac_lock_is_refused_while_the_pin_is_unused_unless_overridden_with_a_reason() {
    let rig = rig(config()).await;
    let mac = rig.device(corporate_mac);
    rig.send(ActionKind::RemoteLock, &[&mac.id], None).await;
    rig.follow(&mac.id, ActionKind::RemoteLock).await;

    let again = rig.send(ActionKind::RemoteLock, &[&mac.id], None).await;
    assert_eq!(again.blocked, 1);
    assert!(
        again.outcomes[0].message.contains("still unused"),
        "{}",
        again.outcomes[0].message
    );
    assert_eq!(rig.receipts(&mac.id).len(), 1, "nothing more was sent");

    let mut forced = request(ActionKind::RemoteLock, &[&mac.id], None);
    forced.override_unused_pin = true;
    let refused = rig
        .service
        .send(&forced, &RunControl::default(), |_| {})
        .await;
    assert_eq!(
        refused.map(|_| ()).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );

    forced.justification = Some("User swears the Mac is not locked".into());
    let sent = rig
        .service
        .send(&forced, &RunControl::default(), |_| {})
        .await
        .expect("run");
    assert_eq!(sent.queued, 1);
    let failed = rig
        .service
        .follow(
            &mac.id,
            ActionKind::RemoteLock,
            sent.outcomes[0].baseline.as_ref(),
            Duration::from_secs(10),
            |_| {},
        )
        .await
        .expect("followed");
    assert_eq!(state_of(&failed), Some("failed"));
    assert!(
        failed.message.contains("first PIN is unused"),
        "{}",
        failed.message
    );
    let overrides = rig
        .service
        .audit()
        .entries()
        .expect("audit")
        .into_iter()
        .filter(|e| e.record.event == AuditEvent::Override)
        .count();
    assert_eq!(overrides, 1);

    // The kept PIN survives Intune dropping it, and once used a new lock is allowed again.
    assert!(rig.service.pins().pin(&mac.id).expect("read").is_some());
    rig.service.mark_pin_used(&mac.id).expect("marked");
    assert!(rig.service.pins().pin(&mac.id).expect("read").is_none());
}

#[tokio::test]
async fn unsupported_platforms_and_unknown_devices_are_stopped_before_anything_is_sent() {
    let rig = rig(config()).await;
    let pc = rig.device(|d| d.platform == Platform::Windows);
    let report = rig.send(ActionKind::RemoteLock, &[&pc.id], None).await;
    assert_eq!(report.blocked, 1);
    assert!(report.outcomes[0].message.contains("Windows"));
    assert!(rig.receipts(&pc.id).is_empty());

    let personal_mac = rig.device(|d| d.platform == Platform::MacOs && d.owner_type == "personal");
    let report = rig
        .send(ActionKind::RotateFileVaultKey, &[&personal_mac.id], None)
        .await;
    assert_eq!(report.blocked, 1);
    assert!(report.outcomes[0].message.contains("through policy"));

    let ghost = "11111111-2222-4333-8444-555555555555";
    let report = rig.send(ActionKind::RemoteLock, &[ghost], None).await;
    assert_eq!(report.failed, 1);
    assert_eq!(
        report.outcomes[0].error.as_ref().map(|e| e.kind),
        Some(ErrorKind::NotFound)
    );
    assert!(rig.demo.sim().received().is_empty());

    let bad = rig
        .service
        .send(
            &request(ActionKind::RemoteLock, &["not-a-guid"], None),
            &RunControl::default(),
            |_| {},
        )
        .await;
    assert_eq!(bad.map(|_| ()).unwrap_err().kind(), ErrorKind::InvalidInput);
}

#[tokio::test]
async fn a_missing_permission_is_refused_by_intune_in_plain_words() {
    let rig = rig(SimConfig {
        consented_permissions: vec![tenant_sim::config::READ_ALL.into()],
        ..config()
    })
    .await;
    let mac = rig.device(corporate_mac);
    let report = rig.send(ActionKind::RemoteLock, &[&mac.id], None).await;
    assert_eq!(report.failed, 1);
    let error = report.outcomes[0].error.as_ref().expect("an error");
    assert_eq!(error.kind, ErrorKind::PermissionDenied);
    assert!(
        error.message.contains("Help Desk Operator"),
        "{}",
        error.message
    );
    assert!(error.request_id.is_some());
}

/// A tenant whose only account (the one that signs in) has `role`.
fn signed_in_with(role: IntuneRole) -> SimConfig {
    SimConfig {
        accounts: vec![Account {
            upn: "someone@contoso.onmicrosoft.com".into(),
            name: "Someone".into(),
            role,
        }],
        ..config()
    }
}

#[tokio::test]
async fn with_the_permission_granted_each_action_is_refused_for_a_missing_intune_role() {
    let escrowed_iphone = |d: &tenant_sim::Device| {
        d.platform == Platform::Ios && d.is_supervised && d.hidden.passcode_escrowed && prompt(d)
    };
    let android_with_policy = |d: &tenant_sim::Device| {
        d.hidden.android_mode == Some(AndroidMode::FullyManaged) && d.hidden.passcode_policy
    };
    let cases: Vec<(IntuneRole, ActionKind, bool)> = vec![
        (
            IntuneRole::SchoolAdministrator,
            ActionKind::RemoteLock,
            true,
        ),
        (
            IntuneRole::SchoolAdministrator,
            ActionKind::RotateFileVaultKey,
            false,
        ),
        (
            IntuneRole::EndpointSecurityManager,
            ActionKind::RotateFileVaultKey,
            true,
        ),
        (
            IntuneRole::EndpointSecurityManager,
            ActionKind::ResetPasscode,
            false,
        ),
        (
            IntuneRole::Custom(vec![RemoteTask::RemoteLock]),
            ActionKind::RemoteLock,
            true,
        ),
        (
            IntuneRole::Custom(vec![RemoteTask::RemoteLock]),
            ActionKind::RecoverPasscode,
            false,
        ),
        (
            IntuneRole::HelpDeskOperator,
            ActionKind::ResetPasscode,
            true,
        ),
        (
            IntuneRole::Custom(vec![RemoteTask::ResetPasscode]),
            ActionKind::RemoteLock,
            false,
        ),
    ];
    for (role, action, allowed) in cases {
        let rig = rig(signed_in_with(role.clone())).await;
        let device = match action {
            ActionKind::RemoteLock | ActionKind::RotateFileVaultKey => {
                rig.device(|d| corporate_mac(d) && d.hidden.filevault_key.is_some())
            }
            ActionKind::RecoverPasscode => rig.device(escrowed_iphone),
            ActionKind::ResetPasscode => rig.device(android_with_policy),
        };
        let why = action
            .needs_justification()
            .then_some("user locked out, ticket 7");
        let report = rig.send(action, &[&device.id], why).await;
        let outcome = &report.outcomes[0];
        if allowed {
            assert_eq!(
                outcome.state,
                SendState::Queued,
                "{role:?} {action:?}: {outcome:?}"
            );
            continue;
        }
        assert_eq!(
            outcome.state,
            SendState::Failed,
            "{role:?} {action:?}: {outcome:?}"
        );
        let error = outcome.error.as_ref().expect("an error");
        assert_eq!(error.kind, ErrorKind::PermissionDenied);
        assert!(
            error.message.contains("no Intune role"),
            "{role:?} {action:?}: {}",
            error.message
        );
        assert!(error.request_id.is_some());
        assert_eq!(rig.receipts(&device.id).len(), 1, "refused, not retried");
    }
}

#[tokio::test]
async fn an_account_without_any_intune_role_cannot_even_read_a_device() {
    let rig = rig(signed_in_with(IntuneRole::None)).await;
    let mac = rig.device(corporate_mac);
    let error = rig.service.review(&mac.id).await.map(|_| ()).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::PermissionDenied);
}

#[tokio::test]
async fn a_lost_answer_is_reconciled_from_the_action_results_and_never_sent_twice() {
    let rig = rig(config()).await;
    let mac = rig.device(corporate_mac);
    rig.demo.sim().set_faults(Faults {
        drop_after_rate: 1.0,
        ..Faults::default()
    });
    let report = rig.send(ActionKind::RemoteLock, &[&mac.id], None).await;
    let outcome = &report.outcomes[0];
    assert_eq!(outcome.state, SendState::Queued, "{outcome:?}");
    assert!(outcome.reconciled);
    let receipts = rig.receipts(&mac.id);
    assert_eq!(receipts.len(), 1, "{receipts:?}");
    assert_eq!(receipts[0].outcome, ReceiptOutcome::AppliedThenDropped);
}

#[tokio::test]
async fn a_request_lost_before_it_arrived_is_never_sent_again_and_stays_unknown() {
    let rig = rig(config()).await;
    let iphone = rig.device(|d| d.platform == Platform::Ios && prompt(d));
    rig.demo.sim().set_faults(Faults {
        drop_before_rate: 1.0,
        ..Faults::default()
    });
    let report = rig.send(ActionKind::RemoteLock, &[&iphone.id], None).await;
    let outcome = &report.outcomes[0];
    assert_eq!(outcome.state, SendState::Unknown, "{outcome:?}");
    assert!(
        outcome.message.contains("Nothing was sent again"),
        "{}",
        outcome.message
    );
    let receipts = rig.receipts(&iphone.id);
    assert_eq!(
        receipts.len(),
        1,
        "an empty read proves nothing: {receipts:?}"
    );
    assert!(rig.sim_device(&iphone.id).action_results.is_empty());
}

/// The faults a review found let a lost answer lead to a second send: in each, exactly one POST
/// reaches the tenant, and the outcome is what the device's results can tell.
#[tokio::test]
async fn a_late_result_a_late_answer_or_a_502_after_applying_means_exactly_one_post() {
    // Intune accepts it but shows the result only after the app stops looking: unknown, not resent.
    let rig = rig(config()).await;
    let mac = rig.device(corporate_mac);
    rig.demo.sim().set_faults(Faults {
        result_delay_ms: 60_000,
        drop_after_rate: 1.0,
        ..Faults::default()
    });
    let report = rig.send(ActionKind::RemoteLock, &[&mac.id], None).await;
    assert_eq!(
        report.outcomes[0].state,
        SendState::Unknown,
        "{:?}",
        report.outcomes[0]
    );
    assert!(
        report.outcomes[0].message.contains("first PIN"),
        "the risk is named"
    );
    assert_eq!(rig.receipts(&mac.id).len(), 1);

    // The result shows a little late, within the reads: it arrived.
    let rig = crate::rig(config()).await;
    let iphone = rig.device(|d| d.platform == Platform::Ios && prompt(d));
    rig.demo.sim().set_faults(Faults {
        result_delay_ms: 60,
        drop_after_rate: 1.0,
        ..Faults::default()
    });
    let report = rig.send(ActionKind::RemoteLock, &[&iphone.id], None).await;
    assert_eq!(
        report.outcomes[0].state,
        SendState::Queued,
        "{:?}",
        report.outcomes[0]
    );
    assert!(report.outcomes[0].reconciled);
    assert_eq!(rig.receipts(&iphone.id).len(), 1);

    // A gateway answers 502 after Intune took it.
    let rig = crate::rig(config()).await;
    let iphone = rig.device(|d| d.platform == Platform::Ios && prompt(d));
    rig.demo.sim().set_faults(Faults {
        bad_gateway_after_apply_rate: 1.0,
        ..Faults::default()
    });
    let report = rig.send(ActionKind::RemoteLock, &[&iphone.id], None).await;
    assert_eq!(
        report.outcomes[0].state,
        SendState::Queued,
        "{:?}",
        report.outcomes[0]
    );
    let receipts = rig.receipts(&iphone.id);
    assert_eq!(receipts.len(), 1, "{receipts:?}");
    assert_eq!(receipts[0].outcome, ReceiptOutcome::AppliedThenFailed);

    // The answer comes after the client's timeout.
    let (demo, client) = support::graph_for(
        SimConfig {
            faults: Faults {
                answer_delay_ms: 1_500,
                ..Faults::default()
            },
            ..config()
        },
        intune_core::graph::RetryPolicy {
            timeout: Duration::from_millis(500),
            ..quick_policy()
        },
    )
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let service = support::action_service(
        client,
        dir.path(),
        "Sim",
        PinKeeper::new(SessionMemory::store(), "Sim", dir.path()),
    );
    let iphone = demo
        .sim()
        .devices()
        .into_iter()
        .find(|d| d.platform == Platform::Ios && prompt(d))
        .expect("an iPhone");
    let report = service
        .send(
            &request(ActionKind::RemoteLock, &[&iphone.id], None),
            &RunControl::default(),
            |_| {},
        )
        .await
        .expect("the run starts");
    assert_eq!(
        report.outcomes[0].state,
        SendState::Queued,
        "{:?}",
        report.outcomes[0]
    );
    assert!(report.outcomes[0].reconciled);
    let receipts: Vec<_> = demo
        .sim()
        .received()
        .into_iter()
        .filter(|r| r.device_id == iphone.id)
        .collect();
    assert_eq!(receipts.len(), 1, "{receipts:?}");
}

#[tokio::test]
async fn every_send_is_written_ahead_with_the_id_it_carries_and_a_write_failure_sends_nothing() {
    let rig = rig(config()).await;
    let iphone = rig.device(|d| d.platform == Platform::Ios && prompt(d));
    let report = rig.send(ActionKind::RemoteLock, &[&iphone.id], None).await;
    let outcome = &report.outcomes[0];
    let entries = AuditLog::for_profile(rig.dir.path(), "Sim")
        .entries()
        .expect("audit");
    let sending = entries
        .iter()
        .position(|e| e.record.event == AuditEvent::Sending)
        .expect("written ahead");
    let sent = entries
        .iter()
        .position(|e| e.record.event == AuditEvent::Send)
        .expect("completed");
    assert!(sending < sent);
    let id = entries[sending]
        .record
        .client_request_id
        .clone()
        .expect("an id");
    assert_eq!(
        entries[sent].record.client_request_id.as_deref(),
        Some(id.as_str())
    );
    assert_eq!(outcome.client_request_id.as_deref(), Some(id.as_str()));
    let receipts = rig.receipts(&iphone.id);
    assert_eq!(
        receipts[0].client_request_id.as_deref(),
        Some(id.as_str()),
        "the id it carried"
    );
    assert!(
        AuditLog::for_profile(rig.dir.path(), "Sim")
            .interrupted()
            .expect("read")
            .is_empty()
    );

    // A full disk: the request cannot be written ahead, so nothing leaves.
    let Some(full) = FullDisk::mount() else {
        eprintln!("skipped the full-disk half: no tmpfs could be mounted here");
        return;
    };
    let (demo, client) = support::graph_for(config(), quick_policy()).await;
    let service = support::action_service(
        client,
        full.path(),
        "Sim",
        PinKeeper::in_memory(SessionMemory::store(), "Sim"),
    );
    let other = demo
        .sim()
        .devices()
        .into_iter()
        .find(|d| d.platform == Platform::Ios && prompt(d))
        .expect("an iPhone");
    full.fill();
    // The run's journal is the first thing written: a run that could not be found again after a
    // crash is not started.
    let refused = service
        .send(
            &request(ActionKind::RemoteLock, &[&other.id], None),
            &RunControl::default(),
            |_| {},
        )
        .await
        .map(|_| ())
        .expect_err("refused");
    assert_eq!(refused.kind(), ErrorKind::Storage, "{refused}");
    assert!(
        demo.sim()
            .received()
            .iter()
            .all(|r| r.device_id != other.id),
        "nothing was sent"
    );
}

/// A small tmpfs that a test fills up: a full disk, for real. Root only (CI runs as root).
struct FullDisk {
    dir: tempfile::TempDir,
}

impl FullDisk {
    fn mount() -> Option<FullDisk> {
        let dir = tempfile::tempdir().ok()?;
        let mounted = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=512k", "tmpfs"])
            .arg(dir.path())
            .stderr(std::process::Stdio::null())
            .status()
            .ok()?
            .success();
        mounted.then_some(FullDisk { dir })
    }

    fn path(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// Writes until the disk refuses.
    fn fill(&self) {
        use std::io::Write;
        let mut file = std::fs::File::create(self.path().join("filler")).expect("filler");
        let block = vec![0u8; 4096];
        while file
            .write_all(&block)
            .and_then(|_| file.sync_data())
            .is_ok()
        {}
    }
}

impl Drop for FullDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg(self.dir.path())
            .status();
    }
}

#[tokio::test]
async fn a_send_cut_off_before_its_answer_is_listed_as_interrupted_until_settled() {
    let rig = rig(config()).await;
    let mac = rig.device(corporate_mac);
    let audit = AuditLog::for_profile(rig.dir.path(), "Sim");
    // What a process killed between the request and its answer leaves behind.
    audit
        .append(intune_core::audit::AuditRecord {
            event: AuditEvent::Sending,
            subject: "remoteLock".into(),
            device_id: mac.id.clone(),
            device_name: mac.device_name.clone(),
            account: "admin@contoso.com".into(),
            tenant: "contoso".into(),
            justification: None,
            outcome: "sending".into(),
            detail: None,
            request_id: None,
            client_request_id: Some("crid-cut-off".into()),
        })
        .expect("written");
    let open = audit.interrupted().expect("read");
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].record.device_id, mac.id);
    assert!(
        rig.receipts(&mac.id).is_empty(),
        "nothing is sent by itself"
    );
    audit
        .settle_interrupted("crid-cut-off", "the admin found it arrived")
        .expect("settled");
    assert!(audit.interrupted().expect("read").is_empty());
    assert!(audit.settle_interrupted("crid-cut-off", "again").is_err());
}

#[tokio::test]
async fn a_device_named_twice_in_different_case_gets_one_request() {
    let rig = rig(config()).await;
    let iphone = rig.device(|d| d.platform == Platform::Ios && prompt(d));
    let upper = iphone.id.to_uppercase();
    let report = rig
        .send(ActionKind::RemoteLock, &[&iphone.id, &upper], None)
        .await;
    assert_eq!(report.outcomes.len(), 1);
    assert_eq!(rig.receipts(&iphone.id).len(), 1);
}

#[tokio::test]
async fn a_run_of_many_devices_stays_under_the_write_limit_and_each_device_gets_one_request() {
    // Intune allows 4 writes per second here; the client keeps to 2. (At 3, a loaded machine can
    // delay one second's requests into the next and Intune then sees 5: the margin absorbs that.)
    let rig = rig_with(
        SimConfig {
            write_limit: RateLimit {
                count: 4,
                window: Duration::from_secs(1),
            },
            ..config()
        },
        WriteLimiter::new(2, Duration::from_secs(1)),
    )
    .await;
    let ids: Vec<String> = rig
        .demo
        .sim()
        .devices()
        .into_iter()
        .filter(|d| d.platform == Platform::Ios)
        .take(6)
        .map(|d| d.id)
        .collect();
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(0));
    let counted = std::sync::Arc::clone(&seen);
    let report = rig
        .service
        .send(
            &request(ActionKind::RemoteLock, &refs, None),
            &RunControl::default(),
            move |event| {
                if let RunEvent::Outcome(_) = event {
                    *counted.lock().expect("lock") += 1
                }
            },
        )
        .await
        .expect("run");
    assert_eq!(report.queued, 6, "{report:?}");
    assert_eq!(
        *seen.lock().expect("lock"),
        6,
        "every outcome was reported as it came"
    );
    // The run as CSV: a row per device with its serial, user and request IDs.
    let mut known = Vec::new();
    for id in &ids {
        known.push(rig.service.review(id).await.expect("read").details.device);
    }
    let csv = report.to_csv(chrono::Utc::now(), |id| {
        known.iter().find(|d| d.id == id).cloned()
    });
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "deviceName,serialNumber,user,deviceId,action,outcome,message,time,requestId,clientRequestId"
    );
    assert_eq!(lines.len(), 7, "{csv}");
    for device in &known {
        let row = lines
            .iter()
            .find(|l| l.contains(&device.id))
            .expect("a row per device");
        assert!(row.contains(&device.serial_number), "{row}");
        assert!(row.contains(&device.user_principal_name), "{row}");
        assert!(row.contains(",remoteLock,queued,"), "{row}");
    }
    let received = rig.demo.sim().received();
    assert_eq!(received.len(), 6);
    assert!(
        received
            .iter()
            .all(|r| r.outcome == ReceiptOutcome::Applied)
    );
    for id in &ids {
        assert_eq!(rig.receipts(id).len(), 1);
    }
}

#[tokio::test]
async fn throttling_by_intune_is_waited_out_without_duplicates() {
    let rig = rig(SimConfig {
        write_limit: RateLimit {
            count: 2,
            window: Duration::from_secs(1),
        },
        ..config()
    })
    .await;
    let ids: Vec<String> = rig
        .demo
        .sim()
        .devices()
        .into_iter()
        .filter(|d| {
            d.platform == Platform::Android
                && d.hidden.android_mode == Some(AndroidMode::FullyManaged)
        })
        .take(5)
        .map(|d| d.id)
        .collect();
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let report = rig.send(ActionKind::RemoteLock, &refs, None).await;
    assert_eq!(report.queued, 5, "{report:?}");
    let received = rig.demo.sim().received();
    assert!(
        received
            .iter()
            .any(|r| r.outcome == ReceiptOutcome::Throttled)
    );
    // The 429s taught the client its share: it started at Intune's 200 per window.
    let (limit, _) = rig.service.write_pace(0);
    assert!(limit < 200, "the write limit stayed at {limit}");
    for id in &ids {
        let applied = rig
            .receipts(id)
            .iter()
            .filter(|r| r.outcome == ReceiptOutcome::Applied)
            .count();
        assert_eq!(applied, 1, "{id}");
    }
}

#[tokio::test]
async fn recovering_a_passcode_needs_a_reason_and_shows_one_only_when_intune_returns_it() {
    for readable in [true, false] {
        let rig = rig(SimConfig {
            recovered_passcode_readable: readable,
            ..config()
        })
        .await;
        let iphone = rig.device(|d| {
            d.platform.is_ios_family() && d.is_supervised && d.hidden.passcode_escrowed && prompt(d)
        });
        let unjustified = rig
            .service
            .send(
                &request(ActionKind::RecoverPasscode, &[&iphone.id], None),
                &RunControl::default(),
                |_| {},
            )
            .await;
        assert_eq!(
            unjustified.map(|_| ()).unwrap_err().kind(),
            ErrorKind::InvalidInput
        );
        assert!(rig.receipts(&iphone.id).is_empty());

        let report = rig
            .send(
                ActionKind::RecoverPasscode,
                &[&iphone.id],
                Some("INC-9 locked out"),
            )
            .await;
        assert_eq!(report.queued, 1);
        let done = rig.follow(&iphone.id, ActionKind::RecoverPasscode).await;
        assert_eq!(state_of(&done), Some("done"));
        // Nothing readable: no reveal is offered, so no reason is asked for nothing.
        let offered = rig
            .service
            .review(&iphone.id)
            .await
            .expect("review")
            .reveals;
        assert_eq!(
            offered.contains(&SecretKind::Passcode),
            readable,
            "{offered:?}"
        );
        if !readable {
            assert!(done.message.contains("no passcode"), "{}", done.message);
        }

        let revealed = rig
            .service
            .reveal(SecretKind::Passcode, &iphone.id, Some("INC-9 locked out"))
            .await;
        if readable {
            let passcode = revealed.expect("readable").value;
            assert_eq!(passcode.expose().len(), 6);
            assert!(!rig.written().contains(passcode.expose()));
        } else {
            let error = revealed.map(|_| ()).unwrap_err().report();
            assert_eq!(error.kind, ErrorKind::NotFound);
            assert!(error.message.contains("admin center"), "{}", error.message);
            assert!(error.message.contains(&iphone.id));
        }
        let last = rig
            .service
            .audit()
            .entries()
            .expect("audit")
            .pop()
            .expect("an entry");
        assert_eq!(last.record.event, AuditEvent::Reveal);
        assert_eq!(last.record.outcome, if readable { "shown" } else { "none" });

        // Repeated access shows up in the next verdict.
        let review = rig.service.review(&iphone.id).await.expect("review");
        let recover = review
            .verdicts
            .iter()
            .find(|v| v.action == ActionKind::RecoverPasscode)
            .expect("verdict");
        assert!(recover.reasons.iter().any(|r| r.rule == "recover-repeated"));
    }
}

#[tokio::test]
async fn recovery_fails_on_an_unescrowed_device_and_the_guidance_turns_to_removal() {
    let rig = rig(config()).await;
    let iphone = rig.device(|d| {
        d.platform.is_ios_family() && d.is_supervised && !d.hidden.passcode_escrowed && prompt(d)
    });
    let before = rig.service.review(&iphone.id).await.expect("review");
    let guidance = before.guidance.as_ref().expect("guidance");
    assert_eq!(guidance.recommended, Some(ActionKind::ResetPasscode));
    assert!(
        guidance
            .headline
            .contains("Seed 001 suggests trying Recover first")
    );
    rig.send(ActionKind::RecoverPasscode, &[&iphone.id], Some("INC-10"))
        .await;
    let failed = rig.follow(&iphone.id, ActionKind::RecoverPasscode).await;
    assert_eq!(state_of(&failed), Some("failed"));
    assert!(failed.message.contains("remove the passcode instead"));
    let after = rig.service.review(&iphone.id).await.expect("review");
    let guidance = after.guidance.expect("guidance");
    assert_eq!(guidance.recommended, Some(ActionKind::ResetPasscode));
    assert!(guidance.headline.contains("already failed"));
}

#[tokio::test]
async fn ios_removal_clears_the_passcode_and_android_reset_makes_one_only_with_a_policy() {
    let rig = rig(config()).await;
    let iphone =
        rig.device(|d| d.platform.is_ios_family() && !d.hidden.unlock_token_stale && prompt(d));
    rig.send(ActionKind::ResetPasscode, &[&iphone.id], None)
        .await;
    let removed = rig.follow(&iphone.id, ActionKind::ResetPasscode).await;
    assert_eq!(state_of(&removed), Some("done"));
    assert!(removed.message.contains("removed"));

    let stale =
        rig.device(|d| d.platform.is_ios_family() && d.hidden.unlock_token_stale && prompt(d));
    rig.send(ActionKind::ResetPasscode, &[&stale.id], None)
        .await;
    let failed = rig.follow(&stale.id, ActionKind::ResetPasscode).await;
    assert!(
        failed.message.contains("only a wipe helps"),
        "{}",
        failed.message
    );

    let with_policy =
        rig.device(|d| d.platform == Platform::Android && d.hidden.passcode_policy && prompt(d));
    rig.send(ActionKind::ResetPasscode, &[&with_policy.id], None)
        .await;
    let reset = rig.follow(&with_policy.id, ActionKind::ResetPasscode).await;
    assert_eq!(state_of(&reset), Some("done"));
    let passcode = rig
        .service
        .reveal(SecretKind::Passcode, &with_policy.id, Some("INC-11"))
        .await
        .expect("a new passcode");
    assert_eq!(passcode.value.expose().len(), 9, "dddd-dddd");

    let without =
        rig.device(|d| d.platform == Platform::Android && !d.hidden.passcode_policy && prompt(d));
    rig.send(ActionKind::ResetPasscode, &[&without.id], None)
        .await;
    let failed = rig.follow(&without.id, ActionKind::ResetPasscode).await;
    assert!(
        failed.message.contains("passcode policy"),
        "{}",
        failed.message
    );
    assert!(!rig.written().contains(passcode.value.expose()));
}

#[tokio::test]
async fn a_filevault_key_rotates_through_beta_and_the_new_key_is_read_on_reveal() {
    let rig = rig(config()).await;
    let mac = rig.device(|d| corporate_mac(d) && d.hidden.filevault_key.is_some());
    let old_key = mac.hidden.filevault_key.clone().expect("escrowed");
    let report = rig
        .send(ActionKind::RotateFileVaultKey, &[&mac.id], None)
        .await;
    assert_eq!(report.queued, 1);
    assert_eq!(rig.receipts(&mac.id)[0].version, "beta");
    let done = rig.follow(&mac.id, ActionKind::RotateFileVaultKey).await;
    assert_eq!(state_of(&done), Some("done"));

    let key = rig
        .service
        .reveal(
            SecretKind::FileVaultKey,
            &mac.id,
            Some("INC-12 user forgot password"),
        )
        .await
        .expect("the new key");
    assert_ne!(key.value.expose(), old_key);
    assert_eq!(
        Some(key.value.expose().to_string()),
        rig.sim_device(&mac.id).hidden.filevault_key
    );
    assert!(key.advice.iter().any(|a| a.contains("rotate the key")));
    assert!(!rig.written().contains(key.value.expose()));

    let review = rig.service.review(&mac.id).await.expect("review");
    let rotate = review
        .verdicts
        .iter()
        .find(|v| v.action == ActionKind::RotateFileVaultKey)
        .expect("verdict");
    assert!(
        rotate
            .reasons
            .iter()
            .any(|r| r.rule == "filevault-key-shown")
    );

    let unescrowed = rig.device(|d| corporate_mac(d) && d.hidden.filevault_key.is_none());
    let none = rig
        .service
        .reveal(SecretKind::FileVaultKey, &unescrowed.id, Some("INC-13"))
        .await;
    assert_eq!(none.map(|_| ()).unwrap_err().kind(), ErrorKind::NotFound);
    // Intune does not say whether a key is escrowed, so the rotation is sent, and fails on the Mac.
    rig.send(ActionKind::RotateFileVaultKey, &[&unescrowed.id], None)
        .await;
    let failed = rig
        .follow(&unescrowed.id, ActionKind::RotateFileVaultKey)
        .await;
    assert_eq!(state_of(&failed), Some("failed"));
    assert!(
        failed.message.contains("not escrowed"),
        "{}",
        failed.message
    );
}

#[tokio::test]
async fn an_offline_device_stays_pending_and_following_stops_when_asked() {
    let rig = rig(config()).await;
    let offline =
        rig.device(|d| d.platform == Platform::Ios && d.hidden.check_in == CheckIn::Never);
    rig.send(ActionKind::RemoteLock, &[&offline.id], None).await;
    let updates = std::sync::Mutex::new(Vec::new());
    let last = rig
        .service
        .follow(
            &offline.id,
            ActionKind::RemoteLock,
            None,
            Duration::from_millis(200),
            |u| updates.lock().expect("lock").push(u.clone()),
        )
        .await
        .expect("followed");
    assert!(!last.finished);
    assert!(last.message.contains("pending"), "{}", last.message);
    assert!(
        updates.lock().expect("lock").len() >= 2,
        "it read the device more than once"
    );
    // A second lock now would only duplicate the pending one: the verdict says so.
    let review = rig.service.review(&offline.id).await.expect("review");
    let lock = review
        .verdicts
        .iter()
        .find(|v| v.action == ActionKind::RemoteLock)
        .expect("verdict");
    assert!(lock.reasons.iter().any(|r| r.rule == "already-pending"));
}

#[tokio::test]
async fn a_pending_mac_lock_has_its_pin_kept_at_once_and_never_over_an_unused_one() {
    let rig = rig(config()).await;
    let offline =
        rig.device(|d| d.platform == Platform::MacOs && d.owner_type == "company" && !prompt(d));
    rig.send(ActionKind::RemoteLock, &[&offline.id], None).await;
    let update = rig
        .service
        .follow(
            &offline.id,
            ActionKind::RemoteLock,
            None,
            Duration::from_millis(100),
            |_| {},
        )
        .await
        .expect("followed");
    assert!(
        !update.finished,
        "the Mac is offline: the lock stays pending"
    );
    assert!(update.pin_kept, "kept while pending: {}", update.message);
    assert!(
        update.message.contains("already kept"),
        "{}",
        update.message
    );
    let pending_pin = rig
        .service
        .pins()
        .pin(&offline.id)
        .expect("readable")
        .expect("kept");
    let shown = rig.sim_device(&offline.id).action_results[0]
        .unlock_pin
        .clone()
        .expect("Intune shows it");
    assert_eq!(pending_pin.expose(), shown);

    // A Mac locked earlier, whose PIN is kept and unused, gets a second lock (overridden): its
    // pending PIN must not replace the kept one, since the lock may yet fail.
    let slow = crate::rig(SimConfig {
        checkin_delay: Duration::from_millis(600),
        ..config()
    })
    .await;
    let locked = slow.device(|d| corporate_mac(d) && d.hidden.check_in == CheckIn::Prompt);
    slow.send(ActionKind::RemoteLock, &[&locked.id], None).await;
    let first = slow.follow(&locked.id, ActionKind::RemoteLock).await;
    assert_eq!(state_of(&first), Some("done"));
    assert!(first.pin_kept);
    let first_pin = slow
        .service
        .pins()
        .pin(&locked.id)
        .expect("ok")
        .expect("kept");
    let mut second = request(
        ActionKind::RemoteLock,
        &[&locked.id],
        Some("the user lost the PIN"),
    );
    second.override_unused_pin = true;
    slow.service
        .send(&second, &RunControl::default(), |_| {})
        .await
        .expect("sent");
    let pending = slow
        .service
        .follow(
            &locked.id,
            ActionKind::RemoteLock,
            None,
            Duration::from_millis(100),
            |_| {},
        )
        .await
        .expect("followed");
    assert_eq!(state_of(&pending), Some("pending"));
    assert!(!pending.pin_kept, "{}", pending.message);
    let kept_now = slow
        .service
        .pins()
        .pin(&locked.id)
        .expect("ok")
        .expect("kept");
    assert_eq!(kept_now.expose(), first_pin.expose());
    let failed = slow.follow(&locked.id, ActionKind::RemoteLock).await;
    assert_eq!(state_of(&failed), Some("failed"), "the first PIN is unused");
    let kept_after = slow
        .service
        .pins()
        .pin(&locked.id)
        .expect("ok")
        .expect("kept");
    assert_eq!(
        kept_after.expose(),
        first_pin.expose(),
        "the earlier PIN is still kept"
    );
}

#[tokio::test]
async fn a_pin_intune_shows_is_kept_before_any_other_action_goes_to_the_mac() {
    let rig = rig(config()).await;
    let mac = rig.device(|d| corporate_mac(d) && d.hidden.filevault_key.is_some());
    // Locked from elsewhere (the admin center, another tool): the app keeps no PIN for it.
    assert!(rig.demo.sim().act_from_elsewhere(&mac.id, "remoteLock"));
    assert!(rig.service.pins().record(&mac.id).expect("index").is_none());
    let shown = rig.sim_device(&mac.id).action_results[0]
        .unlock_pin
        .clone()
        .expect("Intune shows a PIN");

    let report = rig
        .send(ActionKind::RotateFileVaultKey, &[&mac.id], None)
        .await;
    assert_eq!(report.queued, 1, "{:?}", report.outcomes);
    let kept = rig
        .service
        .pins()
        .pin(&mac.id)
        .expect("readable")
        .expect("kept before the rotation went out");
    assert_eq!(kept.expose(), shown);
}

#[tokio::test]
async fn recover_on_a_mac_is_neither_promised_nor_refused_and_the_tenant_decides() {
    // Microsoft documents nothing for a Mac: the sim refuses it (400) or accepts it, and the app
    // reports each honestly.
    for accepted in [false, true] {
        let rig = rig(SimConfig {
            macos_recover_accepted: accepted,
            ..config()
        })
        .await;
        let mac = rig.device(corporate_mac);
        let review = rig.service.review(&mac.id).await.expect("review");
        let verdict = review
            .verdicts
            .iter()
            .find(|v| v.action == ActionKind::RecoverPasscode)
            .expect("verdict");
        assert_eq!(
            verdict.readiness,
            Readiness::Warning,
            "sendable, with the warning"
        );
        let report = rig
            .send(ActionKind::RecoverPasscode, &[&mac.id], Some("INC-21"))
            .await;
        let outcome = &report.outcomes[0];
        if !accepted {
            assert_eq!(outcome.state, SendState::Failed, "{outcome:?}");
            assert!(
                outcome.message.contains("supported on iOS and iPadOS only"),
                "Intune's own words: {}",
                outcome.message
            );
            continue;
        }
        assert_eq!(outcome.state, SendState::Queued, "{outcome:?}");
        let followed = rig.follow(&mac.id, ActionKind::RecoverPasscode).await;
        assert_eq!(state_of(&followed), Some("failed"));
        assert!(
            followed.message.contains("FileVault recovery key"),
            "{}",
            followed.message
        );
        assert_eq!(rig.receipts(&mac.id).len(), 1);
    }
}

#[tokio::test]
async fn following_survives_reads_that_fail_for_a_while() {
    let rig = rig(config()).await;
    let iphone = rig.device(|d| d.platform == Platform::Ios && prompt(d));
    let report = rig.send(ActionKind::RemoteLock, &[&iphone.id], None).await;
    assert_eq!(report.queued, 1);
    rig.demo.sim().set_faults(Faults {
        error_rate: 1.0,
        ..Faults::default()
    });
    let updates = std::sync::Mutex::new(Vec::new());
    let follow = rig.service.follow(
        &iphone.id,
        ActionKind::RemoteLock,
        report.outcomes[0].baseline.as_ref(),
        Duration::from_secs(20),
        |u| updates.lock().expect("lock").push(u.message.clone()),
    );
    let heal = async {
        tokio::time::sleep(Duration::from_millis(400)).await;
        rig.demo.sim().set_faults(Faults::default());
    };
    let (followed, ()) = tokio::join!(follow, heal);
    let followed = followed.expect("followed to the end despite the failed reads");
    assert_eq!(state_of(&followed), Some("done"));
    assert!(
        updates
            .lock()
            .expect("lock")
            .iter()
            .any(|m| m.contains("could not be read just now")),
        "the failed reads were reported as they happened"
    );
}

#[tokio::test]
async fn two_senders_of_one_device_and_action_at_once_make_one_post() {
    // Two services over the same data folder: two windows, or the app and the command line.
    let (demo, client) = support::graph_for(
        SimConfig {
            faults: Faults {
                answer_delay_ms: 400,
                ..Faults::default()
            },
            ..config()
        },
        quick_policy(),
    )
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let service = || {
        support::action_service(
            client.clone(),
            dir.path(),
            "Sim",
            PinKeeper::in_memory(SessionMemory::store(), "Sim"),
        )
    };
    let (main_window, quick_lock) = (service(), service());
    let iphone = demo
        .sim()
        .devices()
        .into_iter()
        .find(|d| d.platform == Platform::Ios && prompt(d))
        .expect("an iPhone");
    let upper = iphone.id.to_uppercase();
    let (first, second) = (
        request(ActionKind::RemoteLock, &[&iphone.id], None),
        request(ActionKind::RemoteLock, &[&upper], None),
    );
    let (one, other) = (RunControl::default(), RunControl::default());
    let (a, b) = tokio::join!(
        main_window.send(&first, &one, |_| {}),
        quick_lock.send(&second, &other, |_| {}),
    );
    let states = [
        a.expect("runs").outcomes[0].state,
        b.expect("runs").outcomes[0].state,
    ];
    assert!(states.contains(&SendState::Queued), "{states:?}");
    assert!(states.contains(&SendState::Blocked), "{states:?}");
    let posts = demo
        .sim()
        .received()
        .into_iter()
        .filter(|r| r.device_id == iphone.id)
        .count();
    assert_eq!(posts, 1);
}

#[tokio::test]
async fn an_unreadable_pin_index_warns_and_never_blocks_a_review() {
    let rig = rig(config()).await;
    let mac = rig.device(corporate_mac);
    let index = std::fs::read_dir(rig.dir.path().join("unlock-pins"))
        .map(|entries| entries.flatten().map(|e| e.path()).collect::<Vec<_>>())
        .unwrap_or_default();
    assert!(index.is_empty(), "no PIN kept yet");
    let folder = rig.dir.path().join("unlock-pins");
    std::fs::create_dir_all(&folder).expect("folder");
    let name: String = "Sim".bytes().map(|b| format!("{b:02x}")).collect();
    std::fs::write(folder.join(format!("{name}.json")), "{ damaged").expect("damage");
    let review = rig
        .service
        .review(&mac.id)
        .await
        .expect("the review still works");
    assert_eq!(review.warnings.len(), 1, "{:?}", review.warnings);
    assert!(review.warnings[0].contains("still in your keychain"));
    assert!(review.kept_pin.is_none());
}

#[test]
fn two_writers_keeping_pins_and_auditing_at_once_lose_nothing() {
    // Two handles on the same files, as the app and the command line have: 100 PINs kept and
    // 100 entries appended by each, at the same time.
    let dir = tempfile::tempdir().expect("tempdir");
    let store = SessionMemory::store();
    std::thread::scope(|scope| {
        for writer in 0..2 {
            let (dir, store) = (dir.path(), store.clone());
            scope.spawn(move || {
                let pins = PinKeeper::new(store, "Sim", dir);
                let audit = AuditLog::for_profile(dir, "Sim");
                for n in 0..100 {
                    let device = intune_core::devices::Device {
                        id: format!("00000000-0000-4000-8000-{writer:04}{n:08}"),
                        device_name: format!("MAC-{writer}-{n}"),
                        platform: intune_core::devices::Platform::MacOs,
                        operating_system: "macOS".into(),
                        os_version: "15.1".into(),
                        model: String::new(),
                        manufacturer: "Apple".into(),
                        serial_number: format!("C02{writer}{n:05}"),
                        user_principal_name: String::new(),
                        user_display_name: String::new(),
                        email_address: String::new(),
                        ownership: intune_core::devices::Ownership::Company,
                        enrollment_type: "appleBulkWithUser".into(),
                        is_supervised: true,
                        is_encrypted: true,
                        compliance_state: "compliant".into(),
                        management_state: "managed".into(),
                        last_sync: None,
                        enrolled: None,
                        azure_ad_device_id: String::new(),
                    };
                    pins.keep(
                        &device,
                        &intune_core::Secret::new("123456"),
                        chrono::Utc::now(),
                    )
                    .expect("kept");
                    audit
                        .append(intune_core::audit::AuditRecord {
                            event: AuditEvent::Pin,
                            subject: "unlockPin".into(),
                            device_id: device.id.clone(),
                            device_name: device.device_name.clone(),
                            account: "admin@contoso.com".into(),
                            tenant: "contoso".into(),
                            justification: None,
                            outcome: "kept".into(),
                            detail: None,
                            request_id: None,
                            client_request_id: None,
                        })
                        .expect("appended");
                }
            });
        }
    });
    let pins = PinKeeper::new(store, "Sim", dir.path());
    assert_eq!(pins.list().expect("index reads").len(), 200);
    let audit = AuditLog::for_profile(dir.path(), "Sim");
    let verification = audit.verify().expect("verify");
    assert!(verification.intact, "{verification:?}");
    assert_eq!(verification.entries, 200);
}

#[tokio::test]
async fn a_reveal_gives_the_newest_locks_pin_and_says_which_is_which() {
    let rig = rig(config()).await;
    let mac = rig.device(corporate_mac);
    rig.send(ActionKind::RemoteLock, &[&mac.id], None).await;
    let first = rig.follow(&mac.id, ActionKind::RemoteLock).await;
    assert!(first.pin_kept);
    let kept = rig.service.pins().pin(&mac.id).expect("ok").expect("kept");
    // The user typed it, then someone locked the Mac again from the admin center.
    assert!(rig.demo.sim().user_typed_pin(&mac.id));
    tokio::time::sleep(Duration::from_millis(1100)).await; // Graph's times have whole seconds
    assert!(rig.demo.sim().act_from_elsewhere(&mac.id, "remoteLock"));
    let review = rig
        .service
        .review(&mac.id)
        .await
        .expect("review applies it");
    assert!(
        review
            .details
            .action_results
            .iter()
            .any(|r| r.action_state == "done")
    );
    let newer = rig.sim_device(&mac.id).action_results[0]
        .unlock_pin
        .clone()
        .expect("Intune shows the newer PIN");
    assert_ne!(newer, kept.expose());
    let revealed = rig
        .service
        .reveal(
            SecretKind::UnlockPin,
            &mac.id,
            Some("INC-77 user on the phone"),
        )
        .await
        .expect("revealed");
    assert_eq!(revealed.value.expose(), newer, "the newest lock's PIN");
    assert!(
        revealed.advice[0].contains("newest lock")
            && revealed.advice[0].contains("no longer unlocks"),
        "{:?}",
        revealed.advice
    );
    let now_kept = rig.service.pins().pin(&mac.id).expect("ok").expect("kept");
    assert_eq!(now_kept.expose(), newer, "and it is kept now");
}

#[tokio::test]
async fn an_unfinished_mac_lock_is_found_again_at_the_next_start_and_its_pin_kept() {
    let rig = rig(config()).await;
    let offline =
        rig.device(|d| d.platform == Platform::MacOs && d.owner_type == "company" && !prompt(d));
    let store = SessionMemory::store();
    // The app sends the lock, then is quit before anything comes back.
    {
        let service = support::action_service(
            rig.service_graph(),
            rig.dir.path(),
            "Again",
            PinKeeper::new(SessionMemory::store(), "Again", rig.dir.path()),
        );
        let report = service
            .send(
                &request(ActionKind::RemoteLock, &[&offline.id], None),
                &RunControl::default(),
                |_| {},
            )
            .await
            .expect("sent");
        assert_eq!(report.queued, 1);
    }
    // The next start: the lock is still open, and following it keeps the PIN.
    let service = support::action_service(
        rig.service_graph(),
        rig.dir.path(),
        "Again",
        PinKeeper::new(store, "Again", rig.dir.path()),
    );
    assert_eq!(
        service.unfinished_locks().expect("audit"),
        vec![offline.id.clone()]
    );
    rig.demo.sim().force_check_in(&offline.id);
    let update = service
        .follow(
            &offline.id,
            ActionKind::RemoteLock,
            None,
            Duration::from_secs(5),
            |_| {},
        )
        .await
        .expect("followed");
    assert_eq!(state_of(&update), Some("done"));
    assert!(update.pin_kept);
    assert!(
        service.unfinished_locks().expect("audit").is_empty(),
        "its outcome is recorded"
    );
}

#[tokio::test]
async fn a_reveal_still_works_after_a_torn_audit_line_is_repaired() {
    let rig = rig(config()).await;
    let mac = rig.device(|d| corporate_mac(d) && d.hidden.filevault_key.is_some());
    rig.send(ActionKind::RemoteLock, &[&mac.id], None).await;
    // A crash (or a full disk) in the middle of an append leaves half a line.
    let audit = AuditLog::for_profile(rig.dir.path(), "Sim");
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(audit.path())
        .expect("open");
    std::io::Write::write_all(&mut file, br#"{"seq":9,"time":"2026-11-30T1"#).expect("torn");
    drop(file);
    let revealed = rig
        .service
        .reveal(
            SecretKind::FileVaultKey,
            &mac.id,
            Some("INC-88 user locked out"),
        )
        .await
        .expect("the reveal works, and is audited");
    assert!(!revealed.value.expose().is_empty());
    let entries = audit.entries().expect("read");
    assert!(entries.iter().any(|e| e.record.event == AuditEvent::Repair));
    assert_eq!(
        entries.last().map(|e| e.record.event),
        Some(AuditEvent::Reveal)
    );
    assert!(audit.verify().expect("verify").intact);
}

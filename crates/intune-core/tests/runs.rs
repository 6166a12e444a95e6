//! Runs of many devices against the tenant simulator: stopped midway (a crash, a Quit), cancelled,
//! paused, resumed; every device gets at most one request, and a resume never sends twice.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use intune_core::actions::limiter::WriteLimiter;
use intune_core::actions::pins::PinKeeper;
use intune_core::actions::{
    ActionKind, ActionService, RunControl, RunEvent, RunMode, RunReport, RunStatus, SendRequest,
    SendState,
};
use intune_core::audit::{AuditEvent, AuditLog, AuditRecord};
use intune_core::secret_store::SessionMemory;
use support::{action_service, graph_for, quick_policy};
use tenant_sim::fleet::{AndroidMode, Platform};
use tenant_sim::{Faults, SimConfig};

struct Rig {
    demo: intune_demo::Demo,
    graph: intune_core::graph::GraphClient,
    dir: tempfile::TempDir,
}

async fn rig() -> Rig {
    let (demo, graph) = graph_for(
        SimConfig {
            devices: 300,
            checkin_delay: Duration::ZERO,
            ..SimConfig::default()
        },
        quick_policy(),
    )
    .await;
    Rig {
        demo,
        graph,
        dir: tempfile::tempdir().expect("tempdir"),
    }
}

impl Rig {
    /// One start of the app (or one command): a service over the same folders and tenant. Writes
    /// go `per_second` at a time, so a run takes long enough to be stopped midway.
    fn start(&self, per_second: usize) -> ActionService {
        action_service(
            self.graph.clone(),
            self.dir.path(),
            "Sim",
            PinKeeper::new(SessionMemory::store(), "Sim", self.dir.path()),
        )
        .tuned(
            WriteLimiter::new(per_second, Duration::from_secs(1)),
            4,
            support::quick_follow(),
        )
    }

    /// Phones a lock goes to without a PIN to keep: fully managed Androids.
    fn phones(&self, count: usize) -> Vec<String> {
        let phones: Vec<String> = self
            .demo
            .sim()
            .devices()
            .into_iter()
            .filter(|d| {
                d.platform == Platform::Android
                    && d.hidden.android_mode == Some(AndroidMode::FullyManaged)
            })
            .take(count)
            .map(|d| d.id)
            .collect();
        assert_eq!(phones.len(), count, "the fleet has enough phones");
        phones
    }

    /// Lock requests the tenant received for `id`, whatever became of them.
    fn posts(&self, id: &str) -> usize {
        self.demo
            .sim()
            .received()
            .into_iter()
            .filter(|r| r.device_id == id && r.action == "remoteLock")
            .count()
    }

    /// Lock requests the tenant applied to `id` (answered or not): more than one is a duplicate.
    fn applied(&self, id: &str) -> usize {
        self.demo.sim().times_applied(id, "remoteLock")
    }
}

/// A run cancelled before anything left: every device is still to send.
async fn cancelled_at_once(service: &ActionService, phones: &[String]) -> RunReport {
    let control = RunControl::default();
    control.set(RunMode::Cancelled);
    service
        .send(&lock(phones), &control, |_| {})
        .await
        .expect("the run")
}

fn lock(ids: &[String]) -> SendRequest {
    SendRequest {
        action: ActionKind::RemoteLock,
        devices: ids.to_vec(),
        justification: Some("INC-42 lost shipment".into()),
        override_unused_pin: false,
    }
}

#[tokio::test]
async fn a_run_stopped_midway_is_found_resumed_and_no_device_gets_a_second_request() {
    let rig = rig().await;
    let phones = rig.phones(20);
    let first = rig.start(6);
    let outcomes = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&outcomes);
    let (request, control) = (lock(&phones), RunControl::default());
    let run = first.send(&request, &control, move |event| {
        if let RunEvent::Outcome(_) = event {
            seen.fetch_add(1, Ordering::SeqCst);
        }
    });
    // The process stops midway: the run's future is dropped wherever it was (a request may be
    // on its way), as a crash or a Quit would leave it.
    tokio::select! {
        _ = run => panic!("the run should still be going"),
        () = async {
            while outcomes.load(Ordering::SeqCst) < 8 {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        } => {}
    }
    drop(first);

    let again = rig.start(50);
    let runs = again.runs().list().expect("listed");
    assert_eq!(runs.len(), 1);
    let summary = runs[0].summary();
    assert_eq!(summary.status, RunStatus::Interrupted);
    assert!(summary.resumable());
    assert!(summary.left > 0 && summary.left < 20, "{summary:?}");

    let report = again
        .resume(&summary.id, &RunControl::default(), |_| {})
        .await
        .expect("resumed");
    assert_eq!(report.run_id, summary.id);
    assert_eq!(report.outcomes.len(), 20, "every device is accounted for");
    for (phone, outcome) in phones.iter().zip(&report.outcomes) {
        assert_eq!(&outcome.device_id, phone, "in the run's order");
        assert!(rig.posts(phone) <= 1, "{phone} got a second request");
        match outcome.state {
            SendState::Queued => assert_eq!(rig.applied(phone), 1, "{outcome:?}"),
            // Stopped between its write-ahead entry and its answer, and not seen on the device.
            SendState::Unknown => assert!(outcome.reconciled, "{outcome:?}"),
            other => panic!("{phone}: {other:?}: {}", outcome.message),
        }
    }
    let after = again.runs().get(&summary.id).expect("read").summary();
    assert_eq!(after.status, RunStatus::Finished);
    assert!(!after.resumable());
    assert_eq!(after.queued + after.unknown, 20);

    // Resuming a finished run sends nothing more.
    let posts: usize = phones.iter().map(|p| rig.posts(p)).sum();
    again
        .resume(&summary.id, &RunControl::default(), |_| {})
        .await
        .expect("nothing to do");
    let later: usize = phones.iter().map(|p| rig.posts(p)).sum();
    assert_eq!(posts, later);
}

#[tokio::test]
async fn cancel_sends_nothing_more_keeps_what_was_sent_and_a_resume_sends_the_rest_once() {
    let rig = rig().await;
    let phones = rig.phones(16);
    let service = rig.start(4);
    let control = RunControl::default();
    let stop = control.clone();
    let outcomes = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&outcomes);
    let report = service
        .send(&lock(&phones), &control, move |event| {
            if let RunEvent::Outcome(_) = event
                && seen.fetch_add(1, Ordering::SeqCst) + 1 == 5
            {
                stop.set(RunMode::Cancelled);
            }
        })
        .await
        .expect("the run");
    assert!(report.cancelled > 0, "{report:?}");
    assert_eq!(report.queued + report.cancelled, 16, "{report:?}");
    for outcome in &report.outcomes {
        let expected = usize::from(outcome.state == SendState::Queued);
        assert_eq!(rig.posts(&outcome.device_id), expected, "{outcome:?}");
    }
    let summary = service
        .runs()
        .get(&report.run_id)
        .expect("journaled")
        .summary();
    assert_eq!(summary.status, RunStatus::Cancelled);
    assert_eq!(summary.left, report.cancelled);

    let resumed = service
        .resume(&report.run_id, &RunControl::default(), |_| {})
        .await
        .expect("resumed");
    assert_eq!(resumed.queued, 16, "{resumed:?}");
    for phone in &phones {
        assert_eq!(rig.posts(phone), 1, "{phone}");
    }
}

#[tokio::test]
async fn a_paused_run_starts_no_new_device_until_it_goes_on() {
    let rig = rig().await;
    let phones = rig.phones(6);
    let service = rig.start(50);
    let control = RunControl::default();
    control.set(RunMode::Paused);
    let run = tokio::spawn({
        let control = control.clone();
        async move { service.send(&lock(&phones), &control, |_| {}).await }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        rig.demo.sim().received().is_empty(),
        "paused from the start"
    );
    control.set(RunMode::Going);
    let report = run.await.expect("joined").expect("the run");
    assert_eq!(report.queued, 6);
}

#[tokio::test]
async fn a_request_the_audit_shows_leaving_is_never_resent_even_without_its_journal_line() {
    let rig = rig().await;
    let phones = rig.phones(5);
    let service = rig.start(50);
    let report = cancelled_at_once(&service, &phones).await;
    assert_eq!(report.cancelled, 5, "cancelled before anything left");
    // Another window sent a lock to one of them meanwhile (or this run's journal line was lost).
    let other = rig
        .demo
        .sim()
        .devices()
        .into_iter()
        .find(|d| d.id == phones[2])
        .expect("in the fleet");
    AuditLog::for_profile(rig.dir.path(), "Sim")
        .append(AuditRecord {
            event: AuditEvent::Sending,
            subject: "remoteLock".into(),
            device_id: other.id.clone(),
            device_name: other.device_name.clone(),
            account: "admin@contoso.com".into(),
            tenant: "contoso".into(),
            justification: None,
            outcome: "sending".into(),
            detail: None,
            request_id: None,
            client_request_id: Some("crid-from-elsewhere".into()),
        })
        .expect("written");
    let resumed = service
        .resume(&report.run_id, &RunControl::default(), |_| {})
        .await
        .expect("resumed");
    assert_eq!(resumed.queued, 4);
    assert_eq!(resumed.unknown, 1);
    assert_eq!(rig.posts(&other.id), 0, "not sent by the resume");
    let unknown = &resumed.outcomes[2];
    assert_eq!(unknown.state, SendState::Unknown);
    assert!(
        unknown.message.contains("not sent again"),
        "{}",
        unknown.message
    );
}

#[tokio::test]
async fn lost_answers_in_a_resumed_run_are_looked_for_not_sent_again() {
    let rig = rig().await;
    let phones = rig.phones(12);
    let service = rig.start(50);
    let report = cancelled_at_once(&service, &phones).await;
    rig.demo.sim().set_faults(Faults {
        drop_after_rate: 0.3,
        drop_before_rate: 0.2,
        error_rate: 0.1,
        ..Faults::default()
    });
    let resumed = service
        .resume(&report.run_id, &RunControl::default(), |_| {})
        .await
        .expect("resumed");
    assert_eq!(resumed.outcomes.len(), 12);
    for outcome in &resumed.outcomes {
        assert!(rig.applied(&outcome.device_id) <= 1, "{outcome:?}");
        assert_ne!(outcome.state, SendState::Cancelled);
    }
}

#[tokio::test]
async fn a_run_whose_journal_cannot_be_written_is_not_started() {
    let rig = rig().await;
    let phones = rig.phones(2);
    // Where the runs folder should be, a file.
    std::fs::write(rig.dir.path().join("runs"), "in the way").expect("written");
    let error = rig
        .start(50)
        .send(&lock(&phones), &RunControl::default(), |_| {})
        .await
        .map(|_| ())
        .expect_err("refused");
    assert_eq!(error.kind(), intune_core::ErrorKind::Storage);
    assert!(rig.demo.sim().received().is_empty());
}

#[tokio::test]
async fn devices_followed_at_once_share_a_budget_of_reads() {
    let rig = rig().await;
    let phones = rig.phones(2);
    // One read a minute for every follower together: the second device waits for it.
    let service = rig.start(50).with_follow_reads(1, Duration::from_secs(60));
    let (first, second) = tokio::join!(
        service.follow(
            &phones[0],
            ActionKind::RemoteLock,
            None,
            Duration::from_secs(1),
            |_| {}
        ),
        service.follow(
            &phones[1],
            ActionKind::RemoteLock,
            None,
            Duration::from_secs(1),
            |_| {}
        ),
    );
    let updates = [first.expect("followed"), second.expect("followed")];
    let read = updates.iter().filter(|u| !u.device_name.is_empty()).count();
    assert_eq!(read, 1, "{updates:?}");
    let waited = updates
        .iter()
        .find(|u| u.device_name.is_empty())
        .expect("one was not read");
    assert!(!waited.finished);
    assert!(
        waited.message.contains("share the reads"),
        "{}",
        waited.message
    );
}

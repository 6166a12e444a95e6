//! The Graph client against the simulated tenant: ids on every request, throttling, errors in
//! plain words, unknown outcomes never re-sent, unreadable answers.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use intune_core::ErrorKind;
use intune_core::graph::{GraphClient, RetryPolicy, Version};
use support::{graph_for, quick_policy};
use tenant_sim::fleet::Platform;
use tenant_sim::{Faults, RateLimit, SimConfig};

fn config(devices: usize) -> SimConfig {
    SimConfig {
        devices,
        ..SimConfig::default()
    }
}

fn device_url(client: &GraphClient, id: &str, action: &str) -> String {
    client.url(
        Version::V1,
        &format!("deviceManagement/managedDevices/{id}/{action}"),
    )
}

fn first(demo: &intune_demo::Demo, f: impl Fn(&tenant_sim::Device) -> bool) -> String {
    demo.sim()
        .devices()
        .into_iter()
        .find(|d| f(d))
        .expect("the fleet has one")
        .id
}

#[tokio::test]
async fn an_action_is_sent_once_with_a_fresh_client_request_id_and_the_request_id_is_kept() {
    let (demo, client) = graph_for(config(20), quick_policy()).await;
    let mac = first(&demo, |d| d.platform == Platform::MacOs);
    let answer = client
        .post(&device_url(&client, &mac, "syncDevice"))
        .await
        .expect("queued");
    assert_eq!(answer.status, 204);
    assert!(answer.request_id.is_some());
    let again = client
        .post(&device_url(&client, &mac, "syncDevice"))
        .await
        .expect("queued");
    assert_ne!(answer.client_request_id, again.client_request_id);
    assert_eq!(demo.sim().received().len(), 2);
}

#[tokio::test]
async fn throttled_writes_wait_for_retry_after_then_succeed() {
    let sim_config = SimConfig {
        write_limit: RateLimit {
            count: 1,
            window: Duration::from_secs(1),
        },
        ..config(10)
    };
    let waits = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&waits);
    let demo = intune_demo::Demo::with_config(sim_config).expect("sim");
    // A client that reports its waits, as the UI's "throttled, N s left" does.
    let client = GraphClient::with_policy(
        demo.profile().cloud.graph_url(),
        credential(&demo).await,
        quick_policy(),
        Some(Arc::new(move |d| seen.lock().expect("lock").push(d))),
    )
    .expect("client");
    let mac = first(&demo, |d| d.platform == Platform::MacOs);
    for _ in 0..2 {
        client
            .post(&device_url(&client, &mac, "syncDevice"))
            .await
            .expect("sent in the end");
    }
    let waits = waits.lock().expect("lock").clone();
    assert!(!waits.is_empty(), "the second write had to wait");
    assert!(
        waits.iter().all(|w| w.duration >= Duration::from_secs(1)),
        "{waits:?}"
    );
    assert!(
        waits.iter().all(|w| w.throttled),
        "each was a 429, which the write limiter learns from: {waits:?}"
    );
}

#[tokio::test]
async fn a_wait_longer_than_allowed_is_reported_with_its_length() {
    let sim_config = SimConfig {
        write_limit: RateLimit {
            count: 1,
            window: Duration::from_secs(120),
        },
        ..config(10)
    };
    let (demo, client) = graph_for(sim_config, quick_policy()).await;
    let mac = first(&demo, |d| d.platform == Platform::MacOs);
    client
        .post(&device_url(&client, &mac, "syncDevice"))
        .await
        .expect("first is fine");
    let error = client
        .post(&device_url(&client, &mac, "syncDevice"))
        .await
        .expect_err("throttled");
    assert_eq!(error.kind(), ErrorKind::Throttled);
    assert!(error.request_id().is_some());
    assert!(
        error.report().message.contains("asked to wait"),
        "{}",
        error.report().message
    );
}

#[tokio::test]
async fn without_retry_after_the_client_backs_off_and_gives_up_as_throttled() {
    let sim_config = SimConfig {
        request_limit: RateLimit {
            count: 1,
            window: Duration::from_secs(60),
        },
        faults: Faults {
            omit_retry_after: true,
            ..Faults::default()
        },
        ..config(10)
    };
    let (_demo, client) = graph_for(sim_config, quick_policy()).await;
    let url = client.url(Version::V1, "deviceManagement/managedDevices?$top=1");
    client
        .get_json::<serde_json::Value>(&url, "devices")
        .await
        .expect("first read");
    let error = client
        .get_json::<serde_json::Value>(&url, "devices")
        .await
        .expect_err("throttled");
    assert_eq!(error.kind(), ErrorKind::Throttled);
}

#[tokio::test]
async fn missing_permission_unsupported_platform_and_unknown_device_read_plainly() {
    let sim_config = SimConfig {
        consented_permissions: vec![tenant_sim::config::READ_ALL.into()],
        ..config(40)
    };
    let (demo, client) = graph_for(sim_config, quick_policy()).await;
    let mac = first(&demo, |d| d.platform == Platform::MacOs);
    let error = client
        .post(&device_url(&client, &mac, "remoteLock"))
        .await
        .expect_err("no permission");
    assert_eq!(error.kind(), ErrorKind::PermissionDenied);
    assert!(error.request_id().is_some());
    assert!(error.report().message.contains("PrivilegedOperations.All"));

    let (demo, client) = graph_for(config(40), quick_policy()).await;
    let pc = first(&demo, |d| d.platform == Platform::Windows);
    let error = client
        .post(&device_url(&client, &pc, "remoteLock"))
        .await
        .expect_err("Windows lock");
    assert_eq!(error.kind(), ErrorKind::NotSupported);
    let message = error.report().message;
    assert!(
        !message.contains("_version"),
        "Intune's JSON is reduced: {message}"
    );

    let error = client
        .post(&device_url(
            &client,
            "00000000-0000-0000-0000-000000000000",
            "remoteLock",
        ))
        .await
        .expect_err("unknown device");
    assert_eq!(error.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn a_dropped_action_is_an_unknown_outcome_and_is_not_sent_again() {
    let sim_config = SimConfig {
        faults: Faults {
            drop_after_rate: 1.0,
            ..Faults::default()
        },
        ..config(20)
    };
    let (demo, client) = graph_for(sim_config, quick_policy()).await;
    let mac = first(&demo, |d| d.platform == Platform::MacOs);
    let error = client
        .post(&device_url(&client, &mac, "syncDevice"))
        .await
        .expect_err("dropped");
    assert_eq!(error.kind(), ErrorKind::OutcomeUnknown);
    assert_eq!(demo.sim().received().len(), 1, "sent exactly once");
}

#[tokio::test]
async fn reads_survive_server_errors_and_truncated_bodies_but_not_forever() {
    let sim_config = SimConfig {
        faults: Faults {
            malformed_rate: 1.0,
            ..Faults::default()
        },
        ..config(5)
    };
    let (demo, client) = graph_for(sim_config, quick_policy()).await;
    let url = client.url(Version::V1, "deviceManagement/managedDevices");
    let error = client
        .get_json::<serde_json::Value>(&url, "devices")
        .await
        .expect_err("never readable");
    assert_eq!(error.kind(), ErrorKind::ServiceError);
    assert!(error.report().message.contains("cannot be read"));

    demo.sim().set_faults(Faults {
        error_rate: 0.5,
        ..Faults::default()
    });
    let patient = RetryPolicy {
        attempts: 12,
        ..quick_policy()
    };
    let client = GraphClient::with_policy(client.root(), credential(&demo).await, patient, None)
        .expect("client");
    for _ in 0..5 {
        client
            .get_json::<serde_json::Value>(&url, "devices")
            .await
            .expect("retried past the 5xx answers");
    }
}

#[tokio::test]
async fn a_link_to_another_host_is_not_followed_with_the_token() {
    let (_demo, client) = graph_for(config(1), quick_policy()).await;
    let error = client
        .get_json::<serde_json::Value>("https://evil.example/v1.0/x", "devices")
        .await
        .expect_err("refused");
    assert_eq!(error.kind(), ErrorKind::ServiceError);
    let lookalike = format!("{}.evil.example/v1.0/x", client.root());
    assert!(
        client
            .get_json::<serde_json::Value>(&lookalike, "devices")
            .await
            .is_err()
    );
}

async fn credential(demo: &intune_demo::Demo) -> Arc<dyn intune_core::credential::TokenSource> {
    let http = intune_core::signin::http_client().expect("http");
    let session = demo.sign_in(&http).await.expect("signed in");
    Arc::new(intune_core::credential::Delegated::new(session, http))
}

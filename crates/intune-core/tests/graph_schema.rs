//! The calls the product makes, and the facts it reads, against Microsoft's own Graph metadata
//! (the oracle committed at `crates/tenant-sim/schema/graph-oracle.json`), and the Android modes
//! told apart from what the version the app reads actually carries.

#[path = "../../tenant-sim/tests/oracle/mod.rs"]
mod oracle;
mod support;

use intune_core::actions::pins::PinKeeper;
use intune_core::actions::{ActionKind, ActionService, Readiness};
use intune_core::devices::device::SELECT;
use intune_core::graph::Version;
use intune_core::graph::calls::{self, Method};
use intune_core::secret_store::SessionMemory;
use oracle::Oracle;
use support::{graph_for, quick_policy};
use tenant_sim::SimConfig;
use tenant_sim::fleet::AndroidMode;

fn version(v: Version) -> oracle::Version {
    match v {
        Version::V1 => oracle::Version::V1,
        Version::Beta => oracle::Version::Beta,
    }
}

#[test]
fn every_call_the_product_makes_is_an_operation_of_its_version_with_its_method() {
    let oracle = Oracle::load();
    for call in calls::ALL {
        let v = version(call.version);
        match call.operation() {
            Some(operation) => {
                assert!(
                    oracle.has_operation(v, operation),
                    "{} has no managedDevice operation {operation}",
                    call.version.as_str()
                );
                let expected = if oracle.is_function(v, operation) {
                    Method::Get
                } else {
                    Method::Post
                };
                assert_eq!(
                    call.method, expected,
                    "{operation}: functions are GET, actions POST"
                );
            }
            None => {
                assert_eq!(call.method, Method::Get, "{}", call.path);
                assert!(
                    call.path == "deviceManagement/managedDevices"
                        || call.path == "deviceManagement/managedDevices/{id}",
                    "{}",
                    call.path
                );
            }
        }
    }
}

#[test]
fn every_property_the_product_selects_exists_where_it_reads_devices() {
    let oracle = Oracle::load();
    for call in [calls::LIST_DEVICES, calls::READ_DEVICE] {
        let properties = oracle.device_properties(version(call.version));
        for property in SELECT.iter().chain(["deviceActionResults"].iter()) {
            assert!(
                properties.contains(*property),
                "{} managedDevice has no {property}",
                call.version.as_str()
            );
        }
    }
}

#[test]
fn devices_are_read_from_the_version_whose_enrollment_types_name_every_android_mode() {
    let oracle = Oracle::load();
    let members = |v| {
        oracle
            .enum_members(v, "deviceEnrollmentType")
            .expect("the enum")
    };
    let read_from = version(calls::READ_DEVICE.version);
    for mode in [
        "androidEnterpriseDedicatedDevice",
        "androidEnterpriseFullyManaged",
        "androidEnterpriseCorporateWorkProfile",
        "androidAOSPUserOwnedDeviceEnrollment",
        "androidAOSPUserlessDeviceEnrollment",
    ] {
        assert!(members(read_from).iter().any(|m| m == mode), "{mode}");
        assert!(
            !members(oracle::Version::V1).iter().any(|m| m == mode),
            "v1.0 would hide {mode}: the reason devices are read from beta"
        );
    }
    assert_eq!(calls::LIST_DEVICES.version, calls::READ_DEVICE.version);
}

async fn service(config: SimConfig) -> (intune_demo::Demo, ActionService, tempfile::TempDir) {
    let (demo, client) = graph_for(config, quick_policy()).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let service = support::action_service(
        client,
        dir.path(),
        "Sim",
        PinKeeper::new(SessionMemory::store(), "Sim", dir.path()),
    );
    (demo, service, dir)
}

fn rules(review: &intune_core::actions::service::DeviceReview, action: ActionKind) -> Vec<String> {
    review
        .verdicts
        .iter()
        .find(|v| v.action == action)
        .expect("a verdict")
        .reasons
        .iter()
        .map(|r| format!("{}: {}", r.rule, r.text))
        .collect()
}

#[tokio::test]
async fn every_android_mode_is_told_apart_against_the_corrected_tenant() {
    let (demo, service, _dir) = service(SimConfig {
        devices: 600,
        ..SimConfig::default()
    })
    .await;
    let fleet = demo.sim().devices();
    let of = |mode| {
        fleet
            .iter()
            .find(|d| d.hidden.android_mode == Some(mode))
            .expect("the fleet has one")
            .id
            .clone()
    };
    for (mode, enrollment, reset_level, lockable) in [
        (
            AndroidMode::Dedicated,
            "androidEnterpriseDedicatedDevice",
            "device",
            true,
        ),
        (
            AndroidMode::FullyManaged,
            "androidEnterpriseFullyManaged",
            "work profile",
            true,
        ),
        (
            AndroidMode::CorporateWorkProfile,
            "androidEnterpriseCorporateWorkProfile",
            "work profile",
            true,
        ),
        (
            AndroidMode::PersonalWorkProfile,
            "userEnrollment",
            "work profile",
            false,
        ),
        (
            AndroidMode::Aosp,
            "androidAOSPUserOwnedDeviceEnrollment",
            "device",
            true,
        ),
        (
            AndroidMode::AospUserless,
            "androidAOSPUserlessDeviceEnrollment",
            "device",
            true,
        ),
    ] {
        let review = service.review(&of(mode)).await.expect("review");
        assert_eq!(
            review.details.device.enrollment_type, enrollment,
            "{mode:?}"
        );
        let lock = rules(&review, ActionKind::RemoteLock);
        assert!(
            !lock
                .iter()
                .any(|r| r.starts_with("lock-android-mode-unknown")),
            "{mode:?} is a known mode: {lock:?}"
        );
        let lock_verdict = review
            .verdicts
            .iter()
            .find(|v| v.action == ActionKind::RemoteLock)
            .expect("lock");
        assert_eq!(
            lock_verdict.readiness != Readiness::Blocked,
            lockable,
            "{mode:?}: {lock:?}"
        );
        let reset = rules(&review, ActionKind::ResetPasscode);
        assert!(
            reset
                .iter()
                .any(|r| r.starts_with("reset-android-policy") && r.contains(reset_level)),
            "{mode:?} resets at {reset_level} level: {reset:?}"
        );
        let effect = &review
            .verdicts
            .iter()
            .find(|v| v.action == ActionKind::ResetPasscode)
            .expect("reset")
            .effect;
        let expected = if reset_level == "device" {
            "The device's passcode"
        } else {
            "The work profile's passcode"
        };
        assert!(effect.starts_with(expected), "{mode:?}: {effect}");
    }
}

#[tokio::test]
async fn a_segment_graph_lacks_is_not_mistaken_for_a_missing_filevault_key() {
    use intune_core::actions::SecretKind;
    let mut server = mockito::Server::new_async().await;
    let id = "2b9e0c1a-0000-4000-8000-000000000001";
    let device = serde_json::json!({
        "id": id, "deviceName": "MAC-01", "operatingSystem": "macOS", "osVersion": "15.1",
        "managedDeviceOwnerType": "company", "deviceEnrollmentType": "appleBulkWithUser",
        "isSupervised": true, "isEncrypted": true, "deviceActionResults": []
    });
    let _read = server
        .mock(
            "GET",
            format!("/beta/deviceManagement/managedDevices/{id}").as_str(),
        )
        .match_query(mockito::Matcher::Any)
        .with_status(200)
        .with_header("content-type", "application/json")
        .with_body(device.to_string())
        .create_async()
        .await;
    let error_body = |message: &str| {
        serde_json::json!({"error": {"code": "BadRequest", "message": message,
            "innerError": {"request-id": "r-1", "client-request-id": "c-1", "date": "2026-11-30T10:00:00"}}})
            .to_string()
    };
    let key = server
        .mock(
            "GET",
            format!("/beta/deviceManagement/managedDevices/{id}/getFileVaultKey").as_str(),
        )
        .with_status(400)
        .with_header("content-type", "application/json")
        .with_body(error_body(
            "Resource not found for the segment 'getFileVaultKey'.",
        ))
        .create_async()
        .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let graph = intune_core::graph::GraphClient::with_policy(
        &server.url(),
        std::sync::Arc::new(support::StaticToken),
        quick_policy(),
        None,
    )
    .expect("client");
    let service = support::action_service(
        graph,
        dir.path(),
        "Mock",
        PinKeeper::new(SessionMemory::store(), "Mock", dir.path()),
    );
    let error = match service
        .reveal(
            SecretKind::FileVaultKey,
            id,
            Some("user locked out, ticket 42"),
        )
        .await
    {
        Ok(_) => panic!("nothing to reveal"),
        Err(error) => error,
    };
    key.assert_async().await;
    let report = error.report();
    assert!(
        !report.message.contains("no FileVault recovery key"),
        "a 400 is not 'no key escrowed': {}",
        report.message
    );
    assert!(
        report
            .message
            .contains("Resource not found for the segment"),
        "{}",
        report.message
    );
    assert_eq!(report.request_id.as_deref(), Some("r-1"));
}

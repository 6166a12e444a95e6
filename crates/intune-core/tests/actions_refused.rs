//! Refusals the simulated tenant cannot produce for an eligible device (its rules match ours), at
//! the HTTP level with mockito: Intune's 400 for an unsupported platform, and a device deleted
//! between the check and the send (404).

mod support;

use std::sync::Arc;

use intune_core::ErrorKind;
use intune_core::actions::pins::PinKeeper;
use intune_core::actions::{ActionKind, ActionService, Actor, RunControl, SendRequest, SendState};
use intune_core::audit::{AuditEvent, AuditLog};
use intune_core::graph::{GraphClient, RetryPolicy};
use intune_core::secret_store::SessionMemory;
use mockito::Matcher;
use support::StaticToken;

const ID: &str = "3f1c6a52-9d7e-4b1a-8c2d-5e6f7a8b9c0d";

fn iphone() -> serde_json::Value {
    serde_json::json!({
        "id": ID, "deviceName": "Ada's iPhone", "operatingSystem": "iOS", "osVersion": "18.1",
        "model": "iPhone 15", "manufacturer": "Apple", "serialNumber": "F2LX0001",
        "userPrincipalName": "ada@contoso.com", "managedDeviceOwnerType": "company",
        "deviceEnrollmentType": "appleBulkWithUser", "isSupervised": true, "isEncrypted": true,
        "complianceState": "compliant", "managementState": "managed",
        "lastSyncDateTime": chrono::Utc::now().to_rfc3339(), "deviceActionResults": []
    })
}

fn service(server: &mockito::Server, dir: &std::path::Path) -> ActionService {
    let policy = RetryPolicy {
        attempts: 2,
        first_backoff: std::time::Duration::from_millis(10),
        ..RetryPolicy::default()
    };
    let graph = GraphClient::with_policy(&server.url(), Arc::new(StaticToken), policy, None)
        .expect("client");
    ActionService::new(
        graph,
        "https://intune.microsoft.com",
        Actor {
            profile: "Mock".into(),
            account: "admin@contoso.com".into(),
            tenant: "contoso".into(),
        },
        AuditLog::for_profile(dir, "Mock"),
        PinKeeper::new(SessionMemory::store(), "Mock", dir),
    )
}

/// The device read, as Graph answers it (the service reads before it sends).
fn device_read(server: &mut mockito::Server) -> mockito::Mock {
    server
        .mock(
            "GET",
            format!("/beta/deviceManagement/managedDevices/{ID}").as_str(),
        )
        .match_query(Matcher::Any)
        .with_header("content-type", "application/json")
        .with_body(iphone().to_string())
}

/// Graph's answer to the remote lock.
fn lock_answer(server: &mut mockito::Server, status: usize, body: &str) -> mockito::Mock {
    server
        .mock(
            "POST",
            format!("/v1.0/deviceManagement/managedDevices/{ID}/remoteLock").as_str(),
        )
        .with_status(status)
        .with_body(body)
}

fn lock() -> SendRequest {
    SendRequest {
        action: ActionKind::RemoteLock,
        devices: vec![ID.into()],
        justification: None,
        override_unused_pin: false,
    }
}

#[tokio::test]
async fn intunes_400_is_reported_in_its_own_plain_words_and_audited() {
    let mut server = mockito::Server::new_async().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let read = device_read(&mut server)
        .expect_at_least(1)
        .create_async()
        .await;
    let intune_message = serde_json::json!({
        "_version": 3,
        "Message": "An error has occurred - Operation ID (for customer support): 00000000 - Activity ID: 1111",
        "CustomApiErrorPhrase": "Remote lock is not supported for this device.",
        "RetryAfter": null,
        "ErrorSourceService": "",
        "HttpHeaders": "{}"
    })
    .to_string();
    let body =
        serde_json::json!({"error": {"code": "BadRequest", "message": intune_message}}).to_string();
    let refused = lock_answer(&mut server, 400, &body)
        .with_header("request-id", "req-400")
        .with_header("content-type", "application/json")
        .expect(1)
        .create_async()
        .await;

    let report = service(&server, dir.path())
        .send(&lock(), &RunControl::default(), |_| {})
        .await
        .expect("run");
    read.assert_async().await;
    refused.assert_async().await;
    let outcome = &report.outcomes[0];
    assert_eq!(outcome.state, SendState::Failed);
    let error = outcome.error.as_ref().expect("an error");
    assert_eq!(error.kind, ErrorKind::NotSupported);
    assert!(
        error
            .message
            .contains("Remote lock is not supported for this device."),
        "{}",
        error.message
    );
    assert!(
        !error.message.contains("Activity ID"),
        "Intune's envelope is not shown"
    );
    assert_eq!(outcome.request_id.as_deref(), Some("req-400"));
    let entries = AuditLog::for_profile(dir.path(), "Mock")
        .entries()
        .expect("audit");
    assert_eq!(entries.len(), 2, "written ahead, then completed");
    assert_eq!(entries[0].record.event, AuditEvent::Sending);
    assert_eq!(entries[1].record.event, AuditEvent::Send);
    assert_eq!(entries[1].record.outcome, "refused");
    assert_eq!(entries[1].record.request_id.as_deref(), Some("req-400"));
    assert_eq!(
        entries[0].record.client_request_id,
        entries[1].record.client_request_id
    );
}

#[tokio::test]
async fn a_device_deleted_before_the_send_is_a_plain_not_found() {
    let mut server = mockito::Server::new_async().await;
    let dir = tempfile::tempdir().expect("tempdir");
    device_read(&mut server).create_async().await;
    lock_answer(
        &mut server,
        404,
        r#"{"error":{"code":"ResourceNotFound","message":"The managed device was not found."}}"#,
    )
    .expect(1)
    .create_async()
    .await;
    let report = service(&server, dir.path())
        .send(&lock(), &RunControl::default(), |_| {})
        .await
        .expect("run");
    let error = report.outcomes[0].error.as_ref().expect("an error");
    assert_eq!(error.kind, ErrorKind::NotFound);
    assert!(
        error.message.contains("retired or deleted"),
        "{}",
        error.message
    );
}

#[tokio::test]
async fn a_403_with_the_permission_granted_names_the_missing_intune_role() {
    let mut server = mockito::Server::new_async().await;
    let dir = tempfile::tempdir().expect("tempdir");
    device_read(&mut server).create_async().await;
    lock_answer(
        &mut server,
        403,
        r#"{"error":{"code":"Forbidden","message":"Application is not authorized to perform this operation."}}"#,
    )
        .create_async()
        .await;
    let report = service(&server, dir.path())
        .with_granted(vec![
            "https://graph.microsoft.com/DeviceManagementManagedDevices.PrivilegedOperations.All"
                .into(),
        ])
        .send(&lock(), &RunControl::default(), |_| {})
        .await
        .expect("run");
    let error = report.outcomes[0].error.as_ref().expect("an error");
    assert_eq!(error.kind, ErrorKind::PermissionDenied);
    assert!(
        error.message.contains("no Intune role")
            && error.message.contains("Remote tasks/Remote lock"),
        "{}",
        error.message
    );
}

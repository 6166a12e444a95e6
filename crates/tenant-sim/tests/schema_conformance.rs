//! Every answer the sim can give, on `/v1.0` and on `/beta`, checked against Microsoft's own
//! metadata (`schema/graph-oracle.json`): each property exists on that version's type, each enum
//! value is a member of that version's enum, each `@odata.type` names a type of that version, and
//! errors have Graph's shape. Where the oracle and the sim disagree, the sim is wrong.

mod oracle;
mod support;

use oracle::{Oracle, Version, error_shape_violations};
use serde_json::{Map, Value, json};
use support::*;
use tenant_sim::fleet::{AndroidMode, CheckIn, Device, Platform};
use tenant_sim::{RateLimit, SimConfig, SimHandle};

/// What the app selects, plus the action results and the beta-only owner type.
const SELECT: &str = "id,deviceName,operatingSystem,osVersion,model,manufacturer,serialNumber,userPrincipalName,userDisplayName,emailAddress,managedDeviceOwnerType,deviceEnrollmentType,isSupervised,isEncrypted,complianceState,managementState,lastSyncDateTime,enrolledDateTime,azureADDeviceId,deviceActionResults";

fn assert_clean(what: &str, violations: Vec<String>) {
    assert!(
        violations.is_empty(),
        "{what} breaks Microsoft's schema:\n{}",
        violations.join("\n")
    );
}

fn objects(body: &Value) -> Vec<Map<String, Value>> {
    body["value"]
        .as_array()
        .expect("a value array")
        .iter()
        .map(|d| d.as_object().expect("a device object").clone())
        .collect()
}

fn list(sim: &SimHandle, token: &str, version: Version, query: &str) -> Value {
    let response = get(
        sim,
        token,
        &format!("/{}/deviceManagement/managedDevices{query}", version.path()),
    );
    assert_eq!(response.status(), 200, "{query}");
    response.json().expect("json")
}

fn one(sim: &SimHandle, token: &str, version: Version, id: &str, query: &str) -> Value {
    let response = get(
        sim,
        token,
        &format!("{}{query}", device_path(version.path(), id)),
    );
    assert_eq!(response.status(), 200);
    response.json().expect("json")
}

fn act(sim: &SimHandle, token: &str, version: Version, id: &str, action: &str) -> u16 {
    post(
        sim,
        token,
        &format!("{}/{action}", device_path(version.path(), id)),
    )
    .expect("answers")
    .status()
    .as_u16()
}

fn check_in(sim: &SimHandle, id: &str) {
    assert_eq!(
        control(sim, "checkin", json!({"deviceIds": [id]})).status(),
        200
    );
}

fn find(sim: &SimHandle, f: impl Fn(&Device) -> bool) -> Device {
    sim.devices()
        .into_iter()
        .find(|d| f(d))
        .expect("the fleet has such a device")
}

#[test]
fn device_lists_and_single_devices_conform_on_both_versions() {
    let oracle = Oracle::load();
    let sim = start(small(600));
    let token = admin_token(&sim);
    for version in Version::BOTH {
        for query in ["", &format!("?$select={SELECT}")] {
            let body = list(&sim, &token, version, query);
            let devices = objects(&body);
            assert_eq!(devices.len(), 600);
            for device in &devices {
                assert_clean(
                    &format!("{} list{query}", version.path()),
                    oracle.device_violations(version, device),
                );
            }
        }
        for device in sim.devices().iter().take(60) {
            for query in ["", &format!("?$select={SELECT}")] {
                let body = one(&sim, &token, version, &device.id, query);
                assert_clean(
                    &format!("{} device{query}", version.path()),
                    oracle.device_violations(version, body.as_object().expect("object")),
                );
            }
        }
    }
}

#[test]
fn v1_serves_only_its_own_enrollment_types_and_beta_tells_android_modes_apart() {
    let oracle = Oracle::load();
    let sim = start(small(600));
    let token = admin_token(&sim);
    let v1_members = oracle
        .enum_members(Version::V1, "deviceEnrollmentType")
        .expect("v1.0 has the enum");
    for (mode, beta_name) in [
        (AndroidMode::Dedicated, "androidEnterpriseDedicatedDevice"),
        (AndroidMode::FullyManaged, "androidEnterpriseFullyManaged"),
        (
            AndroidMode::CorporateWorkProfile,
            "androidEnterpriseCorporateWorkProfile",
        ),
        (AndroidMode::Aosp, "androidAOSPUserOwnedDeviceEnrollment"),
        (
            AndroidMode::AospUserless,
            "androidAOSPUserlessDeviceEnrollment",
        ),
    ] {
        let device = find(&sim, |d| d.hidden.android_mode == Some(mode));
        let beta = one(&sim, &token, Version::Beta, &device.id, "");
        assert_eq!(beta["deviceEnrollmentType"], beta_name, "{mode:?} on beta");
        let v1 = one(&sim, &token, Version::V1, &device.id, "");
        let served = v1["deviceEnrollmentType"].as_str().expect("a string");
        assert!(!v1_members.iter().any(|m| m == beta_name), "{beta_name}");
        assert_eq!(served, "unknownFutureValue", "{mode:?} on v1.0");
        assert!(v1.get("ownerType").is_none(), "v1.0 has no ownerType");
        assert!(beta.get("ownerType").is_some());
    }
}

#[test]
fn selecting_a_beta_only_property_on_v1_is_a_bad_request() {
    let sim = start(small(5));
    let token = admin_token(&sim);
    let response = get(
        &sim,
        &token,
        "/v1.0/deviceManagement/managedDevices?$select=id,ownerType",
    );
    assert_eq!(response.status(), 400);
    let beta = get(
        &sim,
        &token,
        "/beta/deviceManagement/managedDevices?$select=id,ownerType",
    );
    assert_eq!(beta.status(), 200);
}

/// Every kind of `deviceActionResults` entry the sim makes, read on both versions.
fn every_kind_of_action_result(readable: bool) -> Vec<(String, Map<String, Value>)> {
    let sim = start(SimConfig {
        recovered_passcode_readable: readable,
        ..small(600)
    });
    let token = admin_token(&sim);
    let mut devices: Vec<(String, String)> = Vec::new();
    let mut run = |label: &str, device: &Device, action: &str, settle: bool| {
        let version = if action == "rotateFileVaultKey" {
            Version::Beta
        } else {
            Version::V1
        };
        assert_eq!(
            act(&sim, &token, version, &device.id, action),
            204,
            "{label}"
        );
        if settle {
            check_in(&sim, &device.id);
        }
        devices.push((label.to_string(), device.id.clone()));
    };
    let mac = |d: &Device| d.platform == Platform::MacOs && d.owner_type == "company";
    let offline_mac = find(&sim, |d| mac(d) && d.hidden.check_in == CheckIn::Never);
    run("a pending Mac lock", &offline_mac, "remoteLock", false);
    let locked = find(&sim, |d| mac(d) && d.hidden.check_in != CheckIn::Never);
    run("a done Mac lock", &locked, "remoteLock", true);
    run("a failed second Mac lock", &locked, "remoteLock", true);
    let iphone = find(&sim, |d| {
        d.platform == Platform::Ios && d.hidden.check_in != CheckIn::Never
    });
    run("an iPhone lock", &iphone, "remoteLock", true);
    let stale = find(&sim, |d| {
        d.platform.is_ios_family() && d.hidden.unlock_token_stale
    });
    run("a failed removal", &stale, "resetPasscode", true);
    run("a removal", &iphone, "resetPasscode", true);
    let android = find(&sim, |d| {
        d.platform == Platform::Android && d.hidden.passcode_policy
    });
    run("an Android reset", &android, "resetPasscode", true);
    let no_policy = find(&sim, |d| {
        d.platform == Platform::Android && !d.hidden.passcode_policy
    });
    run("a failed Android reset", &no_policy, "resetPasscode", true);
    let escrowed = find(&sim, |d| {
        d.platform.is_ios_family() && d.is_supervised && d.hidden.passcode_escrowed
    });
    run("a recovery", &escrowed, "recoverPasscode", true);
    let unescrowed = find(&sim, |d| {
        d.platform.is_ios_family() && !d.hidden.passcode_escrowed
    });
    run("a failed recovery", &unescrowed, "recoverPasscode", true);
    let with_key = find(&sim, |d| mac(d) && d.hidden.filevault_key.is_some());
    run("a rotation", &with_key, "rotateFileVaultKey", true);
    let without_key = find(&sim, |d| mac(d) && d.hidden.filevault_key.is_none());
    run(
        "a failed rotation",
        &without_key,
        "rotateFileVaultKey",
        true,
    );
    run("a sync", &iphone, "syncDevice", true);

    let mut entries = Vec::new();
    for version in Version::BOTH {
        for (label, id) in &devices {
            let body = one(&sim, &token, version, id, "?$select=deviceActionResults");
            for entry in body["deviceActionResults"].as_array().expect("results") {
                entries.push((
                    format!("{} on {}", label, version.path()),
                    entry.as_object().expect("object").clone(),
                ));
            }
        }
    }
    entries
}

#[test]
fn every_kind_of_action_result_conforms_whether_or_not_a_recovered_passcode_is_readable() {
    let oracle = Oracle::load();
    for readable in [false, true] {
        let entries = every_kind_of_action_result(readable);
        let kinds: std::collections::BTreeSet<String> = entries
            .iter()
            .map(|(_, e)| format!("{}/{}", e["actionName"], e["actionState"]))
            .collect();
        for expected in [
            r#""remoteLock"/"pending""#,
            r#""remoteLock"/"done""#,
            r#""remoteLock"/"failed""#,
            r#""resetPasscode"/"done""#,
            r#""resetPasscode"/"failed""#,
            r#""recoverPasscode"/"done""#,
            r#""recoverPasscode"/"failed""#,
            r#""rotateFileVaultKey"/"done""#,
            r#""rotateFileVaultKey"/"failed""#,
        ] {
            assert!(kinds.contains(expected), "no {expected} among {kinds:?}");
        }
        for (label, entry) in &entries {
            let version = if label.ends_with("beta") {
                Version::Beta
            } else {
                Version::V1
            };
            assert_clean(label, oracle.action_result_violations(version, entry));
        }
        let recovered = entries
            .iter()
            .find(|(_, e)| e["actionName"] == "recoverPasscode" && e["actionState"] == "done")
            .map(|(_, e)| e.clone())
            .expect("a recovery");
        assert_eq!(recovered.contains_key("passcode"), readable);
    }
}

#[test]
fn a_pending_mac_lock_already_shows_its_unlock_pin() {
    let sim = start(small(300));
    let token = admin_token(&sim);
    let mac = find(&sim, |d| {
        d.platform == Platform::MacOs && d.hidden.check_in == CheckIn::Never
    });
    assert_eq!(act(&sim, &token, Version::V1, &mac.id, "remoteLock"), 204);
    let body = one(
        &sim,
        &token,
        Version::Beta,
        &mac.id,
        "?$select=deviceActionResults",
    );
    let lock = &body["deviceActionResults"][0];
    assert_eq!(lock["actionState"], "pending");
    assert_eq!(
        lock["@odata.type"],
        "#microsoft.graph.remoteLockActionResult"
    );
    let pin = lock["unlockPin"].as_str().expect("a PIN while pending");
    assert_eq!(pin.len(), 6);
    check_in(&sim, &mac.id);
    let done = one(
        &sim,
        &token,
        Version::Beta,
        &mac.id,
        "?$select=deviceActionResults",
    );
    assert_eq!(done["deviceActionResults"][0]["actionState"], "done");
    assert_eq!(
        done["deviceActionResults"][0]["unlockPin"], pin,
        "the same PIN"
    );
}

#[test]
fn get_filevault_key_answers_only_a_string_value() {
    let sim = start(small(300));
    let token = admin_token(&sim);
    let mac = find(&sim, |d| {
        d.platform == Platform::MacOs
            && d.owner_type == "company"
            && d.hidden.filevault_key.is_some()
    });
    let body: Value = get(
        &sim,
        &token,
        &format!("{}/getFileVaultKey", device_path("beta", &mac.id)),
    )
    .json()
    .expect("json");
    let object = body.as_object().expect("object");
    assert!(object["value"].is_string());
    assert!(
        object.keys().all(|k| k == "value" || k.starts_with('@')),
        "{object:?}"
    );
}

#[test]
fn a_segment_the_version_lacks_is_graphs_400_not_a_404() {
    let sim = start(small(300));
    let token = admin_token(&sim);
    let mac = find(&sim, |d| {
        d.platform == Platform::MacOs
            && d.owner_type == "company"
            && d.hidden.filevault_key.is_some()
    });
    for (method_post, segment) in [(true, "rotateFileVaultKey"), (false, "getFileVaultKey")] {
        let path = format!("{}/{segment}", device_path("v1.0", &mac.id));
        let response = if method_post {
            post(&sim, &token, &path).expect("answers")
        } else {
            get(&sim, &token, &path)
        };
        assert_eq!(response.status(), 400, "{segment} on v1.0");
        let body: Value = response.json().expect("json");
        assert_eq!(body["error"]["code"], "BadRequest");
        assert_eq!(
            body["error"]["message"],
            format!("Resource not found for the segment '{segment}'.")
        );
        assert_clean(segment, error_shape_violations(&body));
    }
    let nowhere = post(
        &sim,
        &token,
        &format!("{}/selfDestruct", device_path("beta", &mac.id)),
    )
    .expect("answers");
    assert_eq!(nowhere.status(), 400);
    // A device with no key escrowed is another answer altogether.
    let keyless = find(&sim, |d| {
        d.platform == Platform::MacOs
            && d.owner_type == "company"
            && d.hidden.filevault_key.is_none()
    });
    let missing = get(
        &sim,
        &token,
        &format!("{}/getFileVaultKey", device_path("beta", &keyless.id)),
    );
    assert_eq!(missing.status(), 404);
}

#[test]
fn every_error_has_graphs_shape_with_inner_error() {
    let sim = start(SimConfig {
        request_limit: RateLimit {
            count: 3,
            window: std::time::Duration::from_secs(60),
        },
        ..small(20)
    });
    let token = admin_token(&sim);
    let read_only = sign_in(&sim, &format!("openid {READ}"))["access_token"]
        .as_str()
        .expect("token")
        .to_string();
    let id = sim.devices()[0].id.clone();
    let mut answers: Vec<(u16, reqwest::blocking::Response)> = Vec::new();
    answers.push((
        401,
        get(&sim, "not-a-token", "/v1.0/deviceManagement/managedDevices"),
    ));
    answers.push((
        403,
        post(
            &sim,
            &read_only,
            &format!("{}/remoteLock", device_path("v1.0", &id)),
        )
        .expect("answers"),
    ));
    answers.push((
        404,
        get(
            &sim,
            &token,
            &device_path("v1.0", "00000000-0000-0000-0000-000000000000"),
        ),
    ));
    answers.push((
        400,
        get(
            &sim,
            &token,
            "/v1.0/deviceManagement/managedDevices?$filter=nonsense eq",
        ),
    ));
    let throttled = loop {
        let response = get(&sim, &token, &device_path("beta", &id));
        if response.status() == 429 {
            break response;
        }
    };
    answers.push((429, throttled));
    for (status, response) in answers {
        assert_eq!(response.status().as_u16(), status);
        let body: Value = response.json().expect("a JSON error");
        assert_clean(&format!("the {status}"), error_shape_violations(&body));
    }
}

#[test]
fn reading_devices_takes_read_all_or_read_write_all_not_privileged_operations_alone() {
    let sim = start(SimConfig {
        consented_permissions: vec![
            "DeviceManagementManagedDevices.Read.All".into(),
            "DeviceManagementManagedDevices.ReadWrite.All".into(),
            "DeviceManagementManagedDevices.PrivilegedOperations.All".into(),
        ],
        ..small(5)
    });
    let token_for = |permission: &str| {
        sign_in(
            &sim,
            &format!(
                "openid https://graph.microsoft.com/DeviceManagementManagedDevices.{permission}"
            ),
        )["access_token"]
            .as_str()
            .expect("token")
            .to_string()
    };
    let list = "/v1.0/deviceManagement/managedDevices";
    assert_eq!(get(&sim, &token_for("Read.All"), list).status(), 200);
    assert_eq!(get(&sim, &token_for("ReadWrite.All"), list).status(), 200);
    let privileged_only = get(&sim, &token_for("PrivilegedOperations.All"), list);
    assert_eq!(privileged_only.status(), 403);
}

#[test]
fn intune_roles_decide_each_remote_action_for_a_signed_in_account() {
    let sim = start(small(600));
    let mac = find(&sim, |d| {
        d.platform == Platform::MacOs
            && d.owner_type == "company"
            && d.hidden.filevault_key.is_some()
    });
    let iphone = find(&sim, |d| d.platform == Platform::Ios);
    let cases: [(&str, [bool; 3]); 6] = [
        // lock the iPhone, remove its passcode, rotate the Mac's key
        ("it.admin@contoso.onmicrosoft.com", [true, true, true]),
        ("helpdesk@contoso.onmicrosoft.com", [true, true, true]),
        ("school.admin@contoso.onmicrosoft.com", [true, true, false]),
        ("security@contoso.onmicrosoft.com", [true, false, true]),
        ("locker@contoso.onmicrosoft.com", [true, false, false]),
        ("no.role@contoso.onmicrosoft.com", [false, false, false]),
    ];
    for (upn, expected) in cases {
        let token = token_as(&sim, Some(upn));
        let answers = [
            act(&sim, &token, Version::V1, &iphone.id, "remoteLock"),
            act(&sim, &token, Version::V1, &iphone.id, "resetPasscode"),
            act(&sim, &token, Version::Beta, &mac.id, "rotateFileVaultKey"),
        ];
        for (answer, allowed) in answers.iter().zip(expected) {
            assert_eq!(
                *answer,
                if allowed { 204 } else { 403 },
                "{upn}: {answers:?}"
            );
        }
        let read = get(&sim, &token, &device_path("v1.0", &iphone.id));
        let can_read = upn != "no.role@contoso.onmicrosoft.com";
        assert_eq!(read.status() == 200, can_read, "{upn} reads");
    }
    // An app-only token is not subject to Intune roles.
    let app = sim.connection();
    let answer = token_request(
        &sim,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &app.app_client_id),
            ("client_secret", &app.client_secret),
            ("scope", "https://graph.microsoft.com/.default"),
        ],
    );
    let app_token: Value = answer.json().expect("json");
    let app_token = app_token["access_token"].as_str().expect("token");
    assert_eq!(
        act(&sim, app_token, Version::V1, &iphone.id, "remoteLock"),
        204
    );
}

#[test]
fn an_unknown_account_cannot_sign_in() {
    let sim = start(small(5));
    let response = client()
        .get(format!(
            "{}/{}/oauth2/v2.0/authorize",
            sim.base_url, sim.tenant.tenant_id
        ))
        .query(&[
            ("client_id", sim.tenant.client_id.as_str()),
            ("response_type", "code"),
            ("redirect_uri", REDIRECT),
            ("scope", "openid"),
            ("code_challenge", &challenge(VERIFIER)),
            ("code_challenge_method", "S256"),
            ("login_hint", "nobody@contoso.onmicrosoft.com"),
        ])
        .send()
        .expect("answers");
    assert_eq!(response.status(), 400);
    assert!(response.text().expect("text").contains("AADSTS50034"));
}

/// The checks themselves: each violation the review found, put back, is caught.
#[test]
fn the_checks_catch_each_violation_the_review_found() {
    let oracle = Oracle::load();
    let device = |extra: Value| -> Map<String, Value> {
        let mut base = json!({"id": "x", "deviceName": "n", "deviceActionResults": []});
        for (k, v) in extra.as_object().expect("object") {
            base[k] = v.clone();
        }
        base.as_object().expect("object").clone()
    };
    let android_on_v1 = device(json!({"deviceEnrollmentType": "androidEnterpriseFullyManaged"}));
    assert!(
        !oracle
            .device_violations(Version::V1, &android_on_v1)
            .is_empty()
    );
    assert!(
        oracle
            .device_violations(Version::Beta, &android_on_v1)
            .is_empty()
    );
    let owner_on_v1 = device(json!({"ownerType": "company"}));
    assert!(
        !oracle
            .device_violations(Version::V1, &owner_on_v1)
            .is_empty()
    );
    assert!(
        oracle
            .device_violations(Version::Beta, &owner_on_v1)
            .is_empty()
    );
    let bad_state = device(json!({"managementState": "locked"}));
    assert!(
        !oracle
            .device_violations(Version::Beta, &bad_state)
            .is_empty()
    );
    let passcode_on_plain = json!({"@odata.type": "#microsoft.graph.deviceActionResult",
        "actionName": "recoverPasscode", "actionState": "done", "passcode": "123456"});
    let plain = passcode_on_plain.as_object().expect("object");
    for version in Version::BOTH {
        assert!(!oracle.action_result_violations(version, plain).is_empty());
    }
    let invented = json!({"@odata.type": "#microsoft.graph.recoverPasscodeActionResult",
        "actionName": "recoverPasscode", "actionState": "done"});
    assert!(
        !oracle
            .action_result_violations(Version::V1, invented.as_object().expect("object"))
            .is_empty()
    );
    let bad_action_state = json!({"@odata.type": "#microsoft.graph.remoteLockActionResult",
        "actionName": "remoteLock", "actionState": "queued", "unlockPin": "1"});
    assert!(
        !oracle
            .action_result_violations(Version::V1, bad_action_state.as_object().expect("object"))
            .is_empty()
    );
    assert!(!error_shape_violations(&json!({"error": {"code": "x", "message": "y"}})).is_empty());
}

#[test]
fn the_committed_oracle_is_the_shared_reference_when_one_is_beside_the_project() {
    let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/reference/graph-schema/graph-oracle.json");
    let Ok(reference) = std::fs::read_to_string(&shared) else {
        return; // not every checkout has the shared folder beside it
    };
    let committed = std::fs::read_to_string(oracle::oracle_path()).expect("committed");
    let parse = |t: &str| serde_json::from_str::<Value>(t).expect("json");
    assert_eq!(
        parse(&committed),
        parse(&reference),
        "schema/graph-oracle.json is stale: copy the shared reference over it"
    );
}

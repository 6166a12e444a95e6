//! Remote actions over HTTP: versions, platforms, outcomes at check-in, throttling, faults, and
//! the receipts that prove what the tenant received.

mod support;

use serde_json::{Value, json};
use support::*;
use tenant_sim::fleet::{Device, Platform};
use tenant_sim::{Faults, RateLimit, ReceiptOutcome, SimConfig, SimHandle};

fn find(sim: &SimHandle, f: impl Fn(&Device) -> bool) -> Device {
    sim.devices()
        .into_iter()
        .find(|d| f(d))
        .expect("the fleet has such a device")
}

fn corporate_escrowed_mac(d: &Device) -> bool {
    d.platform == Platform::MacOs && d.owner_type == "company" && d.hidden.filevault_key.is_some()
}

fn act(
    sim: &SimHandle,
    token: &str,
    version: &str,
    id: &str,
    action: &str,
) -> reqwest::blocking::Response {
    post(
        sim,
        token,
        &format!("{}/{action}", device_path(version, id)),
    )
    .expect("answers")
}

fn results(sim: &SimHandle, token: &str, id: &str) -> Vec<Value> {
    let device: Value = get(
        sim,
        token,
        &format!("{}?$select=deviceActionResults", device_path("beta", id)),
    )
    .json()
    .expect("json");
    device["deviceActionResults"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn result_of(sim: &SimHandle, token: &str, id: &str, action: &str) -> Value {
    results(sim, token, id)
        .into_iter()
        .find(|r| r["actionName"] == action)
        .unwrap_or_else(|| panic!("no {action} result"))
}

fn check_in(sim: &SimHandle, id: &str) {
    assert_eq!(
        control(sim, "checkin", json!({"deviceIds": [id]})).status(),
        200
    );
}

#[test]
fn rotating_a_filevault_key_is_beta_only_and_getfilevaultkey_then_returns_the_new_key() {
    let sim = start(small(300));
    let token = admin_token(&sim);
    let mac = find(&sim, corporate_escrowed_mac);
    // Graph answers a segment its version lacks with 400, not 404.
    assert_eq!(
        act(&sim, &token, "v1.0", &mac.id, "rotateFileVaultKey").status(),
        400
    );
    let key_path = format!("{}/getFileVaultKey", device_path("beta", &mac.id));
    let before: Value = get(&sim, &token, &key_path).json().expect("json");

    let queued = act(&sim, &token, "beta", &mac.id, "rotateFileVaultKey");
    assert_eq!(queued.status(), 204);
    assert!(queued.headers().contains_key("request-id"));
    check_in(&sim, &mac.id);
    assert_eq!(
        result_of(&sim, &token, &mac.id, "rotateFileVaultKey")["actionState"],
        "done"
    );
    let after: Value = get(&sim, &token, &key_path).json().expect("json");
    assert_ne!(before["value"], after["value"]);
    assert_eq!(after["value"].as_str().expect("key").split('-').count(), 6);
}

#[test]
fn filevault_actions_are_refused_for_personal_macs_and_other_platforms() {
    let sim = start(small(300));
    let token = admin_token(&sim);
    let personal = find(&sim, |d| {
        d.platform == Platform::MacOs && d.owner_type == "personal"
    });
    assert_eq!(
        act(&sim, &token, "beta", &personal.id, "rotateFileVaultKey").status(),
        400
    );
    let iphone = find(&sim, |d| d.platform == Platform::Ios);
    assert_eq!(
        act(&sim, &token, "beta", &iphone.id, "rotateFileVaultKey").status(),
        400
    );
    let no_key = find(&sim, |d| {
        d.platform == Platform::MacOs
            && d.owner_type == "company"
            && d.hidden.filevault_key.is_none()
    });
    assert_eq!(
        get(
            &sim,
            &token,
            &format!("{}/getFileVaultKey", device_path("beta", &no_key.id))
        )
        .status(),
        404
    );
}

#[test]
fn windows_lock_is_intunes_400_with_a_json_message() {
    let sim = start(small(100));
    let token = admin_token(&sim);
    let pc = find(&sim, |d| d.platform == Platform::Windows);
    let response = act(&sim, &token, "v1.0", &pc.id, "remoteLock");
    assert_eq!(response.status(), 400);
    let body: Value = response.json().expect("json");
    assert_eq!(body["error"]["code"], "BadRequest");
    let inner: Value = serde_json::from_str(body["error"]["message"].as_str().expect("text"))
        .expect("the message is JSON");
    assert!(
        inner["CustomApiErrorPhrase"]
            .as_str()
            .expect("phrase")
            .contains("Windows")
    );
    assert!(inner.get("_version").is_some() && inner.get("HttpHeaders").is_some());
    let receipts = sim.received();
    assert_eq!(receipts.len(), 1);
    assert_eq!(receipts[0].outcome, ReceiptOutcome::Rejected);
}

#[test]
fn a_mac_lock_gives_a_six_digit_pin_and_a_second_lock_fails_while_it_is_unused() {
    let sim = start(small(200));
    let token = admin_token(&sim);
    // A Mac that is off: its lock waits for the check-in the test forces.
    let mac = find(&sim, |d| {
        d.platform == Platform::MacOs && d.hidden.check_in == tenant_sim::fleet::CheckIn::Never
    });
    assert_eq!(
        act(&sim, &token, "v1.0", &mac.id, "remoteLock").status(),
        204
    );
    assert_eq!(
        result_of(&sim, &token, &mac.id, "remoteLock")["actionState"],
        "pending"
    );
    check_in(&sim, &mac.id);
    let done = result_of(&sim, &token, &mac.id, "remoteLock");
    assert_eq!(
        done["@odata.type"],
        "#microsoft.graph.remoteLockActionResult"
    );
    assert_eq!(done["actionState"], "done");
    let pin = done["unlockPin"].as_str().expect("a PIN");
    assert!(pin.len() == 6 && pin.chars().all(|c| c.is_ascii_digit()));

    assert_eq!(
        act(&sim, &token, "v1.0", &mac.id, "remoteLock").status(),
        204
    );
    check_in(&sim, &mac.id);
    let second = result_of(&sim, &token, &mac.id, "remoteLock");
    assert_eq!(second["actionState"], "failed");
    assert!(
        second["unlockPin"].is_null(),
        "the first PIN is no longer in Graph"
    );

    assert_eq!(
        control(&sim, &format!("devices/{}/unlock", mac.id), json!({})).status(),
        204
    );
    assert_eq!(
        act(&sim, &token, "v1.0", &mac.id, "remoteLock").status(),
        204
    );
    check_in(&sim, &mac.id);
    assert_eq!(
        result_of(&sim, &token, &mac.id, "remoteLock")["actionState"],
        "done"
    );
}

#[test]
fn passcode_reset_differs_by_platform() {
    let sim = start(small(400));
    let token = admin_token(&sim);
    let iphone = find(&sim, |d| {
        d.platform.is_ios_family() && !d.hidden.unlock_token_stale
    });
    act(&sim, &token, "v1.0", &iphone.id, "resetPasscode");
    check_in(&sim, &iphone.id);
    let cleared = result_of(&sim, &token, &iphone.id, "resetPasscode");
    assert_eq!(cleared["actionState"], "done");
    assert!(
        cleared["passcode"].is_null(),
        "removing an iOS passcode generates none"
    );

    let stale = find(&sim, |d| {
        d.platform.is_ios_family() && d.hidden.unlock_token_stale
    });
    act(&sim, &token, "v1.0", &stale.id, "resetPasscode");
    check_in(&sim, &stale.id);
    assert_eq!(
        result_of(&sim, &token, &stale.id, "resetPasscode")["actionState"],
        "failed"
    );

    let android = find(&sim, |d| {
        d.platform == Platform::Android && d.hidden.passcode_policy
    });
    act(&sim, &token, "v1.0", &android.id, "resetPasscode");
    check_in(&sim, &android.id);
    let reset = result_of(&sim, &token, &android.id, "resetPasscode");
    assert_eq!(
        reset["@odata.type"],
        "#microsoft.graph.resetPasscodeActionResult"
    );
    assert!(reset["passcode"].as_str().is_some_and(|p| p.len() == 9));

    let no_policy = find(&sim, |d| {
        d.platform == Platform::Android && !d.hidden.passcode_policy
    });
    act(&sim, &token, "v1.0", &no_policy.id, "resetPasscode");
    check_in(&sim, &no_policy.id);
    assert_eq!(
        result_of(&sim, &token, &no_policy.id, "resetPasscode")["actionState"],
        "failed"
    );

    let mac = find(&sim, |d| d.platform == Platform::MacOs);
    assert_eq!(
        act(&sim, &token, "v1.0", &mac.id, "resetPasscode").status(),
        400
    );
}

fn recover(readable: bool) -> (Value, Value) {
    let sim = start(SimConfig {
        recovered_passcode_readable: readable,
        ..small(400)
    });
    let token = admin_token(&sim);
    let escrowed = find(&sim, |d| {
        d.platform.is_ios_family() && d.is_supervised && d.hidden.passcode_escrowed
    });
    act(&sim, &token, "beta", &escrowed.id, "recoverPasscode");
    check_in(&sim, &escrowed.id);
    let unsupervised = find(&sim, |d| d.platform.is_ios_family() && !d.is_supervised);
    act(&sim, &token, "beta", &unsupervised.id, "recoverPasscode");
    check_in(&sim, &unsupervised.id);
    (
        result_of(&sim, &token, &escrowed.id, "recoverPasscode"),
        result_of(&sim, &token, &unsupervised.id, "recoverPasscode"),
    )
}

#[test]
fn recover_passcode_succeeds_only_when_supervised_and_escrowed_and_is_readable_only_if_switched_on()
{
    let (hidden, failed) = recover(false);
    assert_eq!(hidden["actionState"], "done");
    assert!(hidden.get("passcode").is_none());
    assert_eq!(failed["actionState"], "failed");
    let (readable, _) = recover(true);
    assert!(readable["passcode"].as_str().is_some_and(|p| p.len() == 6));
}

#[test]
fn actions_need_the_privileged_permission() {
    let sim = start(small(50));
    let read_only = sign_in(&sim, READ)["access_token"]
        .as_str()
        .expect("token")
        .to_string();
    let iphone = find(&sim, |d| d.platform == Platform::Ios);
    let response = act(&sim, &read_only, "v1.0", &iphone.id, "remoteLock");
    assert_eq!(response.status(), 403);
    assert!(
        response.json::<Value>().expect("json")["error"]["message"]
            .as_str()
            .expect("text")
            .contains("PrivilegedOperations.All")
    );
    assert!(
        results(&sim, &read_only, &iphone.id).is_empty(),
        "nothing was queued"
    );
}

#[test]
fn an_unknown_device_is_404_and_an_unknown_segment_400() {
    let sim = start(small(5));
    let token = admin_token(&sim);
    assert_eq!(
        act(
            &sim,
            &token,
            "v1.0",
            "00000000-0000-0000-0000-000000000000",
            "remoteLock"
        )
        .status(),
        404
    );
    let id = sim.devices()[0].id.clone();
    assert_eq!(act(&sim, &token, "v1.0", &id, "selfDestruct").status(), 400);
}

#[test]
fn an_offline_device_stays_pending_and_a_prompt_one_completes_on_its_own() {
    let sim = start(small(300));
    let token = admin_token(&sim);
    let offline = find(&sim, |d| {
        d.hidden.check_in == tenant_sim::fleet::CheckIn::Never && d.platform == Platform::Ios
    });
    act(&sim, &token, "v1.0", &offline.id, "remoteLock");
    assert_eq!(
        result_of(&sim, &token, &offline.id, "remoteLock")["actionState"],
        "pending"
    );
    assert_eq!(
        control(&sim, "checkin", json!({})).status(),
        200,
        "a general check-in skips offline devices"
    );
    assert_eq!(
        result_of(&sim, &token, &offline.id, "remoteLock")["actionState"],
        "pending"
    );

    // The check-in delay is zero here: a prompt device has applied it by the next read.
    let prompt = find(&sim, |d| {
        d.hidden.check_in == tenant_sim::fleet::CheckIn::Prompt && d.platform == Platform::Ios
    });
    act(&sim, &token, "v1.0", &prompt.id, "remoteLock");
    assert_eq!(
        result_of(&sim, &token, &prompt.id, "remoteLock")["actionState"],
        "done"
    );
}

#[test]
fn writes_beyond_the_limit_get_429_with_or_without_retry_after_and_are_recorded() {
    let sim = start(SimConfig {
        write_limit: RateLimit::parse("2/20s").expect("limit"),
        ..small(50)
    });
    let token = admin_token(&sim);
    let id = find(&sim, |d| d.platform == Platform::Ios).id;
    assert_eq!(act(&sim, &token, "v1.0", &id, "syncDevice").status(), 204);
    assert_eq!(act(&sim, &token, "v1.0", &id, "syncDevice").status(), 204);
    let throttled = act(&sim, &token, "v1.0", &id, "syncDevice");
    assert_eq!(throttled.status(), 429);
    assert!(throttled.headers().contains_key("retry-after"));
    assert_eq!(
        throttled.json::<Value>().expect("json")["error"]["code"],
        "TooManyRequests"
    );

    sim.set_faults(Faults {
        omit_retry_after: true,
        ..Faults::default()
    });
    let bare = act(&sim, &token, "v1.0", &id, "syncDevice");
    assert_eq!(bare.status(), 429);
    assert!(!bare.headers().contains_key("retry-after"));

    let outcomes: Vec<_> = sim.received().iter().map(|r| r.outcome).collect();
    use ReceiptOutcome::*;
    assert_eq!(outcomes, [Applied, Applied, Throttled, Throttled]);
    let stats: Value = client()
        .get(format!("{}/_sim/stats", sim.base_url))
        .send()
        .expect("stats")
        .json()
        .expect("json");
    assert_eq!(stats["throttled"], 2);
}

#[test]
fn a_connection_dropped_before_apply_leaves_nothing_and_after_apply_leaves_the_action() {
    let sim = start(small(100));
    let token = admin_token(&sim);
    let mut iphones = sim
        .devices()
        .into_iter()
        .filter(|d| d.platform == Platform::Ios);
    let (first, second) = (iphones.next().expect("one"), iphones.next().expect("two"));

    sim.set_faults(Faults {
        drop_before_rate: 1.0,
        ..Faults::default()
    });
    let dropped = post(
        &sim,
        &token,
        &format!("{}/remoteLock", device_path("v1.0", &first.id)),
    );
    assert!(dropped.is_err(), "the client sees no answer: {dropped:?}");
    sim.set_faults(Faults::default());
    assert!(results(&sim, &token, &first.id).is_empty());

    sim.set_faults(Faults {
        drop_after_rate: 1.0,
        ..Faults::default()
    });
    let dropped = post(
        &sim,
        &token,
        &format!("{}/remoteLock", device_path("v1.0", &second.id)),
    );
    assert!(dropped.is_err());
    sim.set_faults(Faults::default());
    assert_eq!(
        results(&sim, &token, &second.id).len(),
        1,
        "applied although unanswered"
    );

    let outcomes: Vec<_> = sim
        .received()
        .iter()
        .map(|r| (r.device_id.clone(), r.outcome))
        .collect();
    assert_eq!(
        outcomes,
        [
            (first.id.clone(), ReceiptOutcome::Dropped),
            (second.id.clone(), ReceiptOutcome::AppliedThenDropped)
        ]
    );
    assert_eq!(
        sim.received()[0].client_request_id.as_deref(),
        Some("test-crid-2")
    );
}

#[test]
fn injected_server_errors_malformed_bodies_and_control_validation() {
    let sim = start(small(20));
    let token = admin_token(&sim);
    let set = |faults: Value| control(&sim, "faults", faults);
    assert_eq!(set(json!({"errorRate": 1.0})).status(), 200);
    let failing = get(&sim, &token, "/v1.0/deviceManagement/managedDevices");
    assert!([500, 503, 504].contains(&failing.status().as_u16()));
    assert_eq!(set(json!({"malformedRate": 1.0})).status(), 200);
    let text = get(&sim, &token, "/v1.0/deviceManagement/managedDevices")
        .text()
        .expect("text");
    assert!(
        serde_json::from_str::<Value>(&text).is_err(),
        "truncated JSON"
    );
    assert_eq!(set(json!({"errorRate": 2.0})).status(), 400);
    assert_eq!(set(json!({})).status(), 200);
    assert_eq!(
        get(&sim, &token, "/v1.0/deviceManagement/managedDevices").status(),
        200
    );
}

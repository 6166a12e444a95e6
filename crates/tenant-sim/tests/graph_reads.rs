//! Graph device reads over HTTP: auth, paging, $select, $filter, error bodies.

mod support;

use std::collections::HashSet;

use serde_json::{Value, json};
use support::*;
use tenant_sim::SimConfig;

const LIST: &str = "/beta/deviceManagement/managedDevices";

#[test]
fn graph_needs_a_valid_unexpired_token_with_read_permission() {
    let sim = start(small(5));
    let none = client()
        .get(format!("{}{LIST}", sim.base_url))
        .send()
        .expect("answers");
    assert_eq!(none.status(), 401);
    assert_eq!(
        none.json::<Value>().expect("json")["error"]["code"],
        "InvalidAuthenticationToken"
    );
    assert_eq!(get(&sim, "made-up", LIST).status(), 401);

    let token = admin_token(&sim);
    assert_eq!(get(&sim, &token, LIST).status(), 200);
    assert_eq!(control(&sim, "tokens/expire", json!({})).status(), 204);
    let expired = get(&sim, &token, LIST);
    assert_eq!(expired.status(), 401);
    assert!(
        expired.json::<Value>().expect("json")["error"]["message"]
            .as_str()
            .expect("text")
            .contains("expired")
    );

    // Signed in without asking for any device permission.
    let bare = sign_in(&sim, "openid profile")["access_token"]
        .as_str()
        .expect("token")
        .to_string();
    let forbidden = get(&sim, &bare, LIST);
    assert_eq!(forbidden.status(), 403);
    assert!(
        forbidden.json::<Value>().expect("json")["error"]["message"]
            .as_str()
            .expect("text")
            .contains("DeviceManagementManagedDevices.Read.All")
    );
}

#[test]
fn lists_page_by_a_thousand_until_the_next_link_stops() {
    let sim = start(small(2500));
    let token = admin_token(&sim);
    let mut url = format!("{}{LIST}?$select=id,deviceName", sim.base_url);
    let mut ids = HashSet::new();
    let mut pages = 0;
    loop {
        let page: Value = client()
            .get(&url)
            .bearer_auth(&token)
            .send()
            .expect("page")
            .json()
            .expect("json");
        pages += 1;
        assert_eq!(page["@odata.count"], 2500, "beta counts");
        for device in page["value"].as_array().expect("value") {
            assert_eq!(
                device.as_object().expect("object").len(),
                2,
                "$select keeps two properties"
            );
            ids.insert(device["id"].as_str().expect("id").to_string());
        }
        match page["@odata.nextLink"].as_str() {
            Some(next) => {
                assert!(
                    next.contains("%24skiptoken=") || next.contains("$skiptoken="),
                    "{next}"
                );
                assert!(
                    next.contains("select"),
                    "the next link keeps $select: {next}"
                );
                url = next.to_string();
            }
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(ids.len(), 2500);
}

#[test]
fn top_sets_the_page_size_and_v1_counts_only_when_asked() {
    let sim = start(small(30));
    let token = admin_token(&sim);
    let page: Value = get(&sim, &token, "/v1.0/deviceManagement/managedDevices?$top=7")
        .json()
        .expect("json");
    assert_eq!(page["value"].as_array().expect("value").len(), 7);
    assert!(page.get("@odata.count").is_none());
    assert!(page["@odata.nextLink"].is_string());
    let counted: Value = get(
        &sim,
        &token,
        "/v1.0/deviceManagement/managedDevices?$top=7&$count=true",
    )
    .json()
    .expect("json");
    assert_eq!(counted["@odata.count"], 30);
    assert_eq!(
        get(
            &sim,
            &token,
            "/v1.0/deviceManagement/managedDevices?$top=zero"
        )
        .status(),
        400
    );
}

#[test]
fn lists_never_carry_action_results_but_a_single_device_read_does() {
    let sim = start(small(20));
    let token = admin_token(&sim);
    let device = sim
        .devices()
        .into_iter()
        .find(|d| d.platform == tenant_sim::fleet::Platform::Ios)
        .expect("an iPhone");
    assert_eq!(
        post(
            &sim,
            &token,
            &format!("{}/syncDevice", device_path("v1.0", &device.id))
        )
        .expect("sent")
        .status(),
        204
    );
    let list: Value = get(&sim, &token, LIST).json().expect("json");
    for d in list["value"].as_array().expect("value") {
        assert_eq!(d["deviceActionResults"], json!([]));
    }
    let one: Value = get(
        &sim,
        &token,
        &format!(
            "{}?$select=deviceActionResults",
            device_path("beta", &device.id)
        ),
    )
    .json()
    .expect("json");
    let results = one["deviceActionResults"].as_array().expect("results");
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["actionName"], "syncDevice");
    assert_eq!(
        one.as_object().expect("object").len(),
        1,
        "$select on one device"
    );
}

#[test]
fn filters_find_by_serial_and_by_a_quoted_name() {
    let sim = start(small(400));
    let token = admin_token(&sim);
    let devices = sim.devices();
    let target = &devices[123];
    let by_serial: Value = client()
        .get(format!("{}{LIST}", sim.base_url))
        .query(&[(
            "$filter",
            format!("serialNumber eq '{}'", target.serial_number),
        )])
        .bearer_auth(&token)
        .send()
        .expect("answers")
        .json()
        .expect("json");
    assert_eq!(by_serial["value"].as_array().expect("value").len(), 1);
    assert_eq!(by_serial["value"][0]["id"], target.id.as_str());

    let quoted = devices
        .iter()
        .find(|d| d.device_name.contains('\''))
        .expect("a quoted name");
    let escaped = quoted.device_name.replace('\'', "''");
    let by_name: Value = client()
        .get(format!("{}{LIST}", sim.base_url))
        .query(&[("$filter", format!("deviceName eq '{escaped}'"))])
        .bearer_auth(&token)
        .send()
        .expect("answers")
        .json()
        .expect("json");
    let names: Vec<&str> = by_name["value"]
        .as_array()
        .expect("value")
        .iter()
        .map(|d| d["deviceName"].as_str().unwrap_or_default())
        .collect();
    assert!(!names.is_empty());
    assert!(
        names
            .iter()
            .all(|n| n.eq_ignore_ascii_case(&quoted.device_name)),
        "{names:?}"
    );
}

#[test]
fn a_bad_filter_is_a_graph_shaped_400_with_request_ids() {
    let sim = start(small(5));
    let token = admin_token(&sim);
    let response = client()
        .get(format!("{}{LIST}", sim.base_url))
        .query(&[("$filter", "deviceName eq 'x' or 1 eq 1'")])
        .bearer_auth(&token)
        .header("client-request-id", "abc-123")
        .send()
        .expect("answers");
    assert_eq!(response.status(), 400);
    assert!(response.headers().contains_key("request-id"));
    assert_eq!(response.headers()["client-request-id"], "abc-123");
    let body: Value = response.json().expect("json");
    assert_eq!(body["error"]["code"], "BadRequest");
    assert_eq!(body["error"]["innerError"]["client-request-id"], "abc-123");
    assert!(body["error"]["innerError"]["request-id"].is_string());
}

#[test]
fn an_unknown_device_is_404() {
    let sim = start(small(5));
    let token = admin_token(&sim);
    let response = get(
        &sim,
        &token,
        &device_path("v1.0", "00000000-0000-0000-0000-000000000000"),
    );
    assert_eq!(response.status(), 404);
    assert_eq!(
        response.json::<Value>().expect("json")["error"]["code"],
        "ResourceNotFound"
    );
}

#[test]
fn reads_beyond_the_request_limit_are_throttled() {
    let sim = start(SimConfig {
        request_limit: tenant_sim::RateLimit::parse("3/20s").expect("limit"),
        ..small(5)
    });
    let token = admin_token(&sim);
    for _ in 0..3 {
        assert_eq!(get(&sim, &token, LIST).status(), 200);
    }
    let throttled = get(&sim, &token, LIST);
    assert_eq!(throttled.status(), 429);
    let wait: u64 = throttled.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!((1..=20).contains(&wait));
}

#[test]
fn latency_and_slow_bodies_delay_answers_that_still_arrive_whole() {
    let sim = start(small(300));
    let token = admin_token(&sim);
    sim.set_faults(tenant_sim::Faults {
        latency_ms: 150,
        slow_body_ms: 300,
        ..tenant_sim::Faults::default()
    });
    let started = std::time::Instant::now();
    let page: Value = get(&sim, &token, LIST).json().expect("a whole JSON body");
    // A lower bound only: the sim must have waited; how much longer the machine took is noise.
    assert!(started.elapsed() >= std::time::Duration::from_millis(450));
    assert_eq!(page["value"].as_array().expect("value").len(), 300);
}

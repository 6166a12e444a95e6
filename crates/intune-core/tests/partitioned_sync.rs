//! A full fetch reads one chain of pages per operating system beside the unfiltered chain, at the
//! HTTP level with mockito: the partitions are the answer only when they are the whole fleet; a
//! device of another system, or a filter Graph ignored, leaves the answer to the unfiltered chain.

mod support;

use std::sync::Arc;
use std::time::Duration;

use intune_core::devices::remote;
use intune_core::graph::{GraphClient, RetryPolicy};
use mockito::{Matcher, Mock, Server};
use serde_json::{Value, json};
use support::StaticToken;

const LIST: &str = "/beta/deviceManagement/managedDevices";
const SYSTEMS: [&str; 5] = ["Windows", "iOS", "iPadOS", "macOS", "Android"];

fn id(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

fn device(n: u32, os: &str) -> Value {
    json!({
        "id": id(n),
        "deviceName": format!("Device {n}"),
        "operatingSystem": os,
        "serialNumber": format!("S{n}"),
    })
}

fn client(server: &Server) -> GraphClient {
    let policy = RetryPolicy {
        attempts: 2,
        first_backoff: Duration::from_millis(300),
        ..RetryPolicy::default()
    };
    GraphClient::with_policy(&server.url(), Arc::new(StaticToken), policy, None).expect("client")
}

fn page(server: &Server, devices: Vec<Value>, count: usize, next: Option<&str>) -> String {
    let mut body = json!({ "@odata.count": count, "value": devices });
    if let Some(token) = next {
        body["@odata.nextLink"] = json!(format!("{}{LIST}?$skiptoken={token}", server.url()));
    }
    body.to_string()
}

/// The unfiltered chain's first page (its query starts with `$select`: no `$filter`).
async fn unfiltered_first(server: &mut Server, body: String) -> Mock {
    server
        .mock("GET", LIST)
        .match_query(Matcher::Regex("^%24select=".into()))
        .with_header("content-type", "application/json")
        .with_body(body)
        .create_async()
        .await
}

async fn after(server: &mut Server, token: &str, status: usize, body: String) -> Mock {
    server
        .mock("GET", LIST)
        .match_query(Matcher::UrlEncoded("$skiptoken".into(), token.into()))
        .with_status(status)
        .with_header("content-type", "application/json")
        .with_body(body)
        .create_async()
        .await
}

/// One partition's only page, whatever it holds.
async fn partition(server: &mut Server, os: &str, devices: Vec<Value>) -> Mock {
    let count = devices.len();
    let body = page(server, devices, count, None);
    server
        .mock("GET", LIST)
        .match_query(Matcher::UrlEncoded(
            "$filter".into(),
            format!("operatingSystem eq '{os}'"),
        ))
        .with_header("content-type", "application/json")
        .with_body(body)
        .expect(1)
        .create_async()
        .await
}

fn ids(devices: &[intune_core::devices::Device]) -> Vec<String> {
    let mut ids: Vec<String> = devices.iter().map(|d| d.id.clone()).collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn the_partitions_answer_when_they_hold_the_whole_fleet() {
    let mut server = Server::new_async().await;
    let fleet = [(1, "iOS"), (2, "macOS"), (3, "Windows"), (4, "Android")];
    let first = page(
        &server,
        vec![device(1, "iOS"), device(2, "macOS")],
        4,
        Some("u2"),
    );
    unfiltered_first(&mut server, first).await;
    // The unfiltered chain cannot go on: only the partitions can give every device.
    after(&mut server, "u2", 500, "{}".into()).await;
    let mut partitions = Vec::new();
    for os in SYSTEMS {
        let own: Vec<Value> = fleet
            .iter()
            .filter(|(_, o)| *o == os)
            .map(|(n, o)| device(*n, o))
            .collect();
        partitions.push(partition(&mut server, os, own).await);
    }
    let mut seen = Vec::new();
    let devices = remote::list(&client(&server), None, |p| seen.push(p))
        .await
        .expect("the partitions are the whole fleet");
    assert_eq!(ids(&devices).len(), 4);
    for mock in partitions {
        mock.assert_async().await;
    }
    assert_eq!(seen.first().map(|p| p.fetched), Some(2));
    assert_eq!(
        seen.last().map(|p| (p.fetched, p.total)),
        Some((4, Some(4)))
    );
}

#[tokio::test]
async fn a_device_of_another_system_is_found_by_the_unfiltered_chain() {
    let mut server = Server::new_async().await;
    let first = page(&server, vec![device(1, "iOS")], 2, Some("u2"));
    unfiltered_first(&mut server, first).await;
    let rest = page(&server, vec![device(2, "Linux")], 2, None);
    after(&mut server, "u2", 200, rest).await;
    for os in SYSTEMS {
        let own = if os == "iOS" {
            vec![device(1, "iOS")]
        } else {
            vec![]
        };
        partition(&mut server, os, own).await;
    }
    let devices = remote::list(&client(&server), None, |_| {})
        .await
        .expect("listed");
    assert_eq!(ids(&devices), vec![id(1), id(2)]);
    assert!(devices.iter().any(|d| d.operating_system == "Linux"));
}

#[tokio::test]
async fn a_filter_graph_ignores_leaves_the_answer_to_the_unfiltered_chain() {
    let mut server = Server::new_async().await;
    let first = page(&server, vec![device(1, "iOS")], 2, Some("u2"));
    unfiltered_first(&mut server, first).await;
    let rest = page(&server, vec![device(2, "macOS")], 2, None);
    after(&mut server, "u2", 200, rest).await;
    // Every partition answers the whole fleet, as a filter Graph ignored would.
    for os in SYSTEMS {
        partition(&mut server, os, vec![device(1, "iOS"), device(2, "macOS")]).await;
    }
    let devices = remote::list(&client(&server), None, |_| {})
        .await
        .expect("listed");
    assert_eq!(devices.len(), 2, "each device once: {:?}", ids(&devices));
}

#[tokio::test]
async fn a_fleet_of_one_page_is_read_once_and_a_filtered_read_is_one_chain() {
    let mut server = Server::new_async().await;
    let one = page(&server, vec![device(1, "iOS"), device(2, "Linux")], 2, None);
    let whole = unfiltered_first(&mut server, one).await;
    let partitions = server
        .mock("GET", LIST)
        .match_query(Matcher::Regex("operatingSystem".into()))
        .expect(0)
        .create_async()
        .await;
    let devices = remote::list(&client(&server), None, |_| {})
        .await
        .expect("listed");
    assert_eq!(devices.len(), 2);
    whole.assert_async().await;

    // A filtered read (the changes since the last fetch) follows its own chain only.
    let changed = page(&server, vec![device(3, "iOS")], 2, Some("c2"));
    server
        .mock("GET", LIST)
        .match_query(Matcher::UrlEncoded(
            "$filter".into(),
            "lastSyncDateTime gt 2026-01-01T00:00:00Z".into(),
        ))
        .with_header("content-type", "application/json")
        .with_body(changed)
        .create_async()
        .await;
    let rest = page(&server, vec![device(4, "macOS")], 2, None);
    after(&mut server, "c2", 200, rest).await;
    let devices = remote::list(
        &client(&server),
        Some("lastSyncDateTime gt 2026-01-01T00:00:00Z"),
        |_| {},
    )
    .await
    .expect("listed");
    assert_eq!(devices.len(), 2);
    partitions.assert_async().await;
}

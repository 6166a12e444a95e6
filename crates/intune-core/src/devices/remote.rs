//! Reading devices from Graph: the whole fleet page by page, one device with its action results,
//! and a search by `$filter` for when the local inventory is not ready yet.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::device::{Device, DeviceDetails, GraphActionResult, GraphDevice, SELECT};
use super::odata;
use super::search::{self, DeviceQuery};
use crate::graph::GraphClient;
use crate::graph::calls;
use crate::{Error, Result};

const PAGE_SIZE: usize = 1000;

#[derive(Deserialize)]
struct Page {
    #[serde(default)]
    value: Vec<GraphDevice>,
    #[serde(rename = "@odata.nextLink")]
    next_link: Option<String>,
    #[serde(rename = "@odata.count")]
    count: Option<u64>,
}

/// How far a full fetch has come; `total` when Graph said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub fetched: usize,
    pub total: Option<usize>,
}

/// The operating systems a full fetch reads side by side, one `operatingSystem eq` filter each
/// (Intune honours `eq` on it: reference/intune-graph.md, "$filter, as it really behaves"). A
/// device of any other system is found by the unfiltered read that runs beside them.
const PARTITIONS: [&str; 5] = ["Windows", "iOS", "iPadOS", "macOS", "Android"];

/// Every device matching `filter` (all when `None`), following `@odata.nextLink` to the end.
///
/// All devices of a fleet larger than one page are read as one chain of pages per operating
/// system at once, so a large tenant is not held to one page after another. The partitions are
/// the answer only when, together, they hold exactly as many distinct devices as Graph counted
/// for the whole fleet and each holds only its own system's devices (a filter Graph ignored would
/// return every device). Otherwise the unfiltered chain is read on from its second page: never
/// incomplete, and slower than one chain only by the partitions' time. (Reading the unfiltered
/// chain beside the partitions, to take whichever ended first, parsed every page twice: slower
/// on 2 cores, measured in BENCHMARKS.md.)
pub async fn list(
    client: &GraphClient,
    filter: Option<&str>,
    progress: impl FnMut(Progress),
) -> Result<Vec<Device>> {
    // Mutexes, not cells: the fetch runs on a multi-threaded runtime, so its future must be Send.
    let progress = std::sync::Mutex::new(progress);
    let first: Page = client
        .get_json(&list_url(client, filter, PAGE_SIZE)?, "a page of devices")
        .await?;
    let total = first.count.map(|c| c as usize);
    let devices = usable(first.value);
    (progress
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner))(Progress {
        fetched: devices.len(),
        total,
    });
    let Some(next) = first.next_link else {
        return Ok(devices);
    };
    // How many each chain has read so far (the unfiltered one has its first page); the progress
    // shows the unfiltered chain or the partitions together, whichever is further on.
    let mut first_read = [0usize; PARTITIONS.len() + 1];
    first_read[0] = devices.len();
    let read = std::sync::Mutex::new(first_read);
    let report = |chain: usize, count: usize| {
        let fetched = {
            let mut read = read
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            read[chain] = count;
            read[0].max(read[1..].iter().sum())
        };
        (progress
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner))(Progress {
            fetched,
            total,
        });
    };
    let (Some(total), None) = (total, filter) else {
        return chain(client, Some(next), devices, |n| report(0, n)).await;
    };
    let partitions = futures::future::try_join_all(PARTITIONS.iter().enumerate().map(|(i, os)| {
        let report = &report;
        async move {
            let url = list_url(
                client,
                Some(&format!("operatingSystem eq '{os}'")),
                PAGE_SIZE,
            )?;
            let first: Page = client.get_json(&url, "a page of devices").await?;
            let devices = usable(first.value);
            chain(client, first.next_link, devices, |n| report(i + 1, n)).await
        }
    }))
    .await;
    match partitions.map(|parts| whole_fleet(parts, total)) {
        Ok(Some(all)) => return Ok(all),
        Ok(None) => {
            tracing::debug!("the partitions by system do not hold every device: reading on")
        }
        Err(error) => {
            tracing::debug!(kind = ?error.kind(), "a partition could not be read: reading on")
        }
    }
    // The unfiltered chain from its second page; the progress is its own again.
    *read
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = Default::default();
    chain(client, Some(next), devices, |n| report(0, n)).await
}

/// A page's devices, leaving out entries without an id (nothing could act on them).
fn usable(value: Vec<GraphDevice>) -> Vec<Device> {
    value
        .into_iter()
        .filter_map(GraphDevice::into_device)
        .collect()
}

/// Follows `@odata.nextLink` from `next` to the end, after the devices already read.
async fn chain(
    client: &GraphClient,
    mut next: Option<String>,
    mut devices: Vec<Device>,
    progress: impl Fn(usize),
) -> Result<Vec<Device>> {
    progress(devices.len());
    while let Some(url) = next {
        let page: Page = client.get_json(&url, "a page of devices").await?;
        devices.extend(usable(page.value));
        progress(devices.len());
        next = page.next_link;
    }
    Ok(devices)
}

/// The partitions joined, when they are the whole fleet: each holds only its own system's devices,
/// and together exactly `total` distinct devices.
fn whole_fleet(parts: Vec<Vec<Device>>, total: usize) -> Option<Vec<Device>> {
    let own_only = parts.iter().zip(PARTITIONS).all(|(part, os)| {
        part.iter()
            .all(|d| d.operating_system.eq_ignore_ascii_case(os))
    });
    let all: Vec<Device> = parts.into_iter().flatten().collect();
    let distinct: HashSet<&str> = all.iter().map(|d| d.id.as_str()).collect();
    (own_only && distinct.len() == total && all.len() == total).then_some(all)
}

/// The first page only: at most `top` devices.
async fn first_page(client: &GraphClient, filter: Option<&str>, top: usize) -> Result<Vec<Device>> {
    let url = list_url(client, filter, top)?;
    let page: Page = client.get_json(&url, "a page of devices").await?;
    Ok(usable(page.value))
}

fn list_url(client: &GraphClient, filter: Option<&str>, top: usize) -> Result<String> {
    let mut url =
        url::Url::parse(&calls::LIST_DEVICES.url(client, "")).map_err(|e| Error::InvalidInput {
            what: "the Graph URL",
            why: e.to_string(),
        })?;
    {
        let mut query = url.query_pairs_mut();
        if let Some(filter) = filter {
            query.append_pair("$filter", filter);
        }
        query
            .append_pair("$select", &SELECT.join(","))
            .append_pair("$top", &top.min(PAGE_SIZE).to_string())
            .append_pair("$count", "true");
    }
    Ok(url.into())
}

#[derive(Deserialize)]
struct WithResults {
    #[serde(flatten)]
    device: GraphDevice,
    #[serde(default, rename = "deviceActionResults")]
    results: Option<Vec<GraphActionResult>>,
}

/// One device read now, with its action results. Unknown id: [`Error::DeviceNotFound`].
pub async fn details(client: &GraphClient, id: &str, admin_center: &str) -> Result<DeviceDetails> {
    let id = id.trim();
    if !is_guid(id) {
        return Err(Error::InvalidInput {
            what: "the device ID",
            why: format!("{id:?} is not a GUID"),
        });
    }
    let mut select: Vec<&str> = SELECT.to_vec();
    select.push("deviceActionResults");
    let url = format!(
        "{}?$select={}",
        calls::READ_DEVICE.url(client, id),
        select.join(",")
    );
    let answer: WithResults = match client.get_json(&url, "the device").await {
        Err(Error::Graph { status: 404, .. }) => return Err(Error::DeviceNotFound(id.into())),
        other => other?,
    };
    let device = answer
        .device
        .into_device()
        .ok_or_else(|| Error::MalformedResponse {
            what: "the device has no id".into(),
            request_id: None,
        })?;
    Ok(DeviceDetails {
        admin_center_url: admin_center_link(admin_center, &device.id),
        device,
        action_results: answer
            .results
            .unwrap_or_default()
            .into_iter()
            .map(GraphActionResult::into_result)
            .collect(),
        read_at: Utc::now(),
    })
}

pub fn admin_center_link(admin_center: &str, id: &str) -> String {
    format!(
        "{}/#view/Microsoft_Intune_Devices/DeviceSettingsMenuBlade/~/overview/mdmDeviceId/{id}",
        admin_center.trim_end_matches('/')
    )
}

/// Searches Graph directly, best match first. Intune ignores some filters and drops the second
/// half of an `or`, so each kind of match is its own request (its first page), and every answer is
/// re-checked with the local matcher.
pub async fn search(
    client: &GraphClient,
    query: &DeviceQuery,
    now: DateTime<Utc>,
) -> Result<Vec<Device>> {
    let text = query.text.split_whitespace().collect::<Vec<_>>().join(" ");
    query.normalised_text()?;
    let platform = match query.platforms.as_slice() {
        [one] => one
            .graph_name()
            .map(|name| odata::eq("operatingSystem", name)),
        _ => None,
    };
    let with_platform = |clause: String| match &platform {
        Some(p) => odata::all(&[clause, p.clone()]),
        None => clause,
    };
    let mut filters = Vec::new();
    if text.is_empty() {
        filters.push(platform.clone());
    } else {
        filters.push(Some(with_platform(odata::contains("deviceName", &text))));
        filters.push(Some(with_platform(odata::eq("serialNumber", &text))));
        if text.contains('@') {
            filters.push(Some(with_platform(odata::eq("userPrincipalName", &text))));
            filters.push(Some(with_platform(odata::contains("emailAddress", &text))));
        } else if text.chars().any(char::is_alphabetic) {
            // Graph cannot filter on the user's display name; their mail address usually holds
            // it ("o'brien" in olu.o'brien@…, "ada lovelace" as ada.lovelace@…). The local
            // matcher then keeps only real matches.
            let mut mail_parts = vec![text.to_lowercase(), text.to_lowercase().replace(' ', ".")];
            mail_parts.dedup();
            for part in mail_parts {
                filters.push(Some(with_platform(odata::contains("emailAddress", &part))));
            }
        }
        if is_guid(&text) {
            filters.push(Some(odata::eq("azureADDeviceId", &text)));
        }
    }
    let mut seen = HashSet::new();
    let mut found = Vec::new();
    if is_guid(&text) {
        match details(client, &text, "").await {
            Ok(d) => {
                seen.insert(d.device.id.clone());
                found.push(d.device);
            }
            Err(Error::DeviceNotFound(_)) => {}
            Err(other) => return Err(other),
        }
    }
    for filter in filters {
        let page = first_page(client, filter.as_deref(), PAGE_SIZE).await?;
        for device in page {
            if seen.insert(device.id.clone()) {
                found.push(device);
            }
        }
    }
    let mut kept = Vec::new();
    for device in found {
        if search::matches(&device, query, now)? {
            kept.push(device);
        }
    }
    search::rank_devices(&mut kept, query)?;
    Ok(match query.sort {
        Some(sort) => sort.apply(kept),
        None => kept,
    })
}

pub fn is_guid(text: &str) -> bool {
    uuid::Uuid::try_parse(text).is_ok() && text.len() == 36
}

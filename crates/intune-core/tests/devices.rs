//! Device lookup against the simulated tenant: paging to the end, `$select`, searching Graph with
//! escaped filters and a client-side re-check, the inventory cache and its refresh.

mod support;

use chrono::Utc;
use intune_core::ErrorKind;
use intune_core::devices::{DeviceQuery, Inventory, InventoryFile, Platform, RefreshMode, remote};
use support::{graph_for, quick_policy};
use tenant_sim::SimConfig;

fn config(devices: usize) -> SimConfig {
    SimConfig {
        devices,
        ..SimConfig::default()
    }
}

#[tokio::test]
async fn the_whole_fleet_is_fetched_page_by_page_with_only_the_selected_fields() {
    let (demo, client) = graph_for(config(2_345), quick_policy()).await;
    let mut seen = Vec::new();
    let devices = remote::list(&client, None, |p| seen.push(p))
        .await
        .expect("listed");
    assert_eq!(devices.len(), 2_345);
    assert_eq!(seen[0].fetched, 1000, "pages of at most 1000");
    assert_eq!(seen[0].total, Some(2_345));
    assert!(
        seen.windows(2).all(|w| w[0].fetched <= w[1].fetched),
        "the progress never goes back: {seen:?}"
    );
    assert_eq!(seen.last().map(|p| p.fetched), Some(2_345));
    let mut ids: Vec<&str> = devices.iter().map(|d| d.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 2_345, "no device twice");

    let truth = &demo.sim().devices()[17];
    let ours = devices.iter().find(|d| d.id == truth.id).expect("present");
    assert_eq!(ours.serial_number, truth.serial_number);
    assert_eq!(ours.device_name, truth.device_name);
    assert_eq!(ours.user_principal_name, truth.user_principal_name);
    assert_eq!(ours.is_supervised, truth.is_supervised);
    assert_eq!(
        ours.last_sync.map(|t| t.timestamp()),
        Some(truth.last_sync.timestamp())
    );
}

#[tokio::test]
async fn details_read_the_action_results_live() {
    let (demo, client) = graph_for(config(30), quick_policy()).await;
    let mac = demo
        .sim()
        .devices()
        .into_iter()
        .find(|d| {
            d.platform == tenant_sim::fleet::Platform::MacOs && d.hidden.unused_lock_pin.is_none()
        })
        .expect("a Mac");
    let before = remote::details(&client, &mac.id, "https://intune.microsoft.com")
        .await
        .expect("read");
    assert!(
        before
            .admin_center_url
            .ends_with(&format!("/mdmDeviceId/{}", mac.id))
    );
    let url = client.url(
        intune_core::graph::Version::V1,
        &format!("deviceManagement/managedDevices/{}/remoteLock", mac.id),
    );
    client.post(&url).await.expect("queued");
    let after = remote::details(&client, &mac.id, "https://intune.microsoft.com")
        .await
        .expect("read");
    let lock = after
        .action_results
        .iter()
        .find(|r| r.action_name == "remoteLock")
        .expect("the lock shows");
    assert_eq!(lock.action_state, "pending");
    assert_eq!(after.action_results.len(), before.action_results.len() + 1);

    let missing = remote::details(&client, "00000000-0000-0000-0000-000000000001", "x")
        .await
        .expect_err("unknown");
    assert_eq!(missing.kind(), ErrorKind::NotFound);
    let bad = remote::details(&client, "../x", "x")
        .await
        .expect_err("not an id");
    assert_eq!(bad.kind(), ErrorKind::InvalidInput);
}

#[tokio::test]
async fn graph_search_escapes_quotes_and_rechecks_what_graph_returned() {
    let (demo, client) = graph_for(config(400), quick_policy()).await;
    let now = Utc::now();
    let fleet = demo.sim().devices();

    // A name with an apostrophe: unescaped, Graph would answer 400.
    let quoted = fleet
        .iter()
        .find(|d| d.device_name.contains('\''))
        .expect("a name like Ada's MacBook");
    let found = remote::search(&client, &DeviceQuery::text(&quoted.device_name), now)
        .await
        .expect("searched");
    assert!(found.iter().any(|d| d.id == quoted.id));

    // Injection attempts stay text: nothing matches, and no filter error either.
    for text in ["x' or 1 eq 1", "x') or (deviceName ne '", "''"] {
        let found = remote::search(&client, &DeviceQuery::text(text), now)
            .await
            .expect("a plain search");
        assert!(found.is_empty(), "{text:?} matched {}", found.len());
    }

    // A lone quote is a character like any other: it finds the names that have one.
    let found = remote::search(&client, &DeviceQuery::text("'"), now)
        .await
        .expect("a plain search");
    assert!(!found.is_empty());
    assert!(found.iter().all(|d| d.device_name.contains('\'')));

    // An exact serial comes first; a user's UPN finds all of their devices.
    let target = &fleet[42];
    let found = remote::search(&client, &DeviceQuery::text(&target.serial_number), now)
        .await
        .expect("searched");
    assert_eq!(found[0].id, target.id);
    let found = remote::search(
        &client,
        &DeviceQuery::text(&target.user_principal_name),
        now,
    )
    .await
    .expect("searched");
    let expected = fleet
        .iter()
        .filter(|d| {
            d.user_principal_name
                .eq_ignore_ascii_case(&target.user_principal_name)
        })
        .count();
    assert_eq!(found.len(), expected);

    // Ownership is not filterable in Graph: the re-check applies it.
    let personal_macs = DeviceQuery {
        platforms: vec![Platform::MacOs],
        ownership: Some(intune_core::devices::Ownership::Personal),
        ..DeviceQuery::default()
    };
    let found = remote::search(&client, &personal_macs, now)
        .await
        .expect("searched");
    assert!(!found.is_empty());
    assert!(found.iter().all(|d| d.platform == Platform::MacOs
        && d.ownership == intune_core::devices::Ownership::Personal));

    let long = "x".repeat(5_000);
    let error = remote::search(&client, &DeviceQuery::text(&long), now)
        .await
        .expect_err("too long");
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
    assert!(
        demo.sim().received().is_empty(),
        "searching sends no action"
    );
}

#[tokio::test]
async fn the_inventory_is_cached_per_profile_reloaded_and_refreshed_with_changes() {
    let cache = tempfile::tempdir().expect("temp");
    let (demo, client) = graph_for(config(1_200), quick_policy()).await;
    let source = format!("{}|{}", client.root(), demo.profile().tenant);
    let open = || {
        Inventory::open(
            InventoryFile::for_profile(cache.path(), "Contoso"),
            source.clone(),
        )
        .expect("opens")
    };
    let inventory = open();
    assert_eq!(inventory.status().count, 0);
    assert!(inventory.search(&DeviceQuery::default(), 0, 10).is_none());

    let mut progress = Vec::new();
    assert!(
        inventory
            .refresh(&client, RefreshMode::Full, |p| progress.push(p))
            .await
            .expect("fetched")
    );
    assert_eq!(progress.last().map(|p| p.fetched), Some(1_200));
    let status = inventory.status();
    assert_eq!(status.count, 1_200);
    assert!(!status.syncing);
    assert!(status.fetched_at.is_some());

    let serial = demo.sim().devices()[5].serial_number.clone();
    let page = inventory
        .search(&DeviceQuery::text(&serial), 0, 20)
        .expect("ready")
        .expect("searched");
    assert_eq!(page.devices[0].serial_number, serial);

    // A new process reads the same copy back; another profile or tenant does not see it.
    let reopened = open();
    assert_eq!(reopened.status().count, 1_200);
    let other_profile = Inventory::open(
        InventoryFile::for_profile(cache.path(), "Fabrikam"),
        source.clone(),
    )
    .expect("opens");
    assert_eq!(other_profile.status().count, 0);
    let other_tenant = Inventory::open(
        InventoryFile::for_profile(cache.path(), "Contoso"),
        "https://graph.microsoft.com|another".into(),
    )
    .expect("opens");
    assert_eq!(other_tenant.status().count, 0);

    // A refresh of changes asks Graph only for devices that checked in since.
    let mut changed = Vec::new();
    reopened
        .refresh(&client, RefreshMode::Changes, |p| changed.push(p))
        .await
        .expect("refreshed");
    assert!(
        changed.last().map_or(0, |p| p.fetched) < 1_200,
        "only recent check-ins came back"
    );
    assert_eq!(reopened.status().count, 1_200, "merged, nothing lost");

    // The cache file holds no token.
    let text = std::fs::read_to_string(InventoryFile::for_profile(cache.path(), "Contoso").path())
        .expect("cache file");
    assert!(!text.contains("Bearer") && !text.contains("access_token"));

    reopened.clear().expect("cleared");
    assert_eq!(open().status().count, 0);
}

#[tokio::test]
async fn a_damaged_cache_is_fetched_again_not_fatal() {
    let cache = tempfile::tempdir().expect("temp");
    let file = InventoryFile::for_profile(cache.path(), "Contoso");
    std::fs::create_dir_all(file.path().parent().expect("dir")).expect("dir");
    std::fs::write(file.path(), "{ not json").expect("write");
    let inventory = Inventory::open(file, "x".into()).expect("opens anyway");
    assert_eq!(inventory.status().count, 0);
}

#[tokio::test]
async fn a_failed_refresh_keeps_the_previous_copy_and_says_why() {
    let cache = tempfile::tempdir().expect("temp");
    let (demo, client) = graph_for(config(50), quick_policy()).await;
    let inventory = Inventory::open(
        InventoryFile::for_profile(cache.path(), "Contoso"),
        "s".into(),
    )
    .expect("opens");
    inventory
        .refresh(&client, RefreshMode::Full, |_| {})
        .await
        .expect("fetched");
    demo.sim().set_faults(tenant_sim::Faults {
        malformed_rate: 1.0,
        ..Default::default()
    });
    let error = inventory
        .refresh(&client, RefreshMode::Full, |_| {})
        .await
        .expect_err("unreadable");
    assert_eq!(error.kind(), ErrorKind::ServiceError);
    let status = inventory.status();
    assert_eq!(status.count, 50, "the previous copy stays searchable");
    assert_eq!(status.error.map(|e| e.kind), Some(ErrorKind::ServiceError));
    assert!(!status.syncing);
}

#[tokio::test]
async fn graph_search_finds_users_by_name_not_only_by_address() {
    let (demo, client) = graph_for(
        SimConfig {
            devices: 600,
            ..SimConfig::default()
        },
        quick_policy(),
    )
    .await;
    let now = chrono::Utc::now();
    let fleet = demo.sim().devices();
    let expected: std::collections::BTreeSet<String> = fleet
        .iter()
        .filter(|d| d.user_display_name.contains("O'Brien"))
        .map(|d| d.id.clone())
        .collect();
    assert!(!expected.is_empty(), "the fleet has an O'Brien");
    let found: std::collections::BTreeSet<String> =
        remote::search(&client, &DeviceQuery::text("o'brien"), now)
            .await
            .expect("searched")
            .into_iter()
            .map(|d| d.id)
            .collect();
    assert_eq!(found, expected, "every device of the user, through Graph");
    let someone = fleet
        .iter()
        .find(|d| d.user_display_name == "Ada Lovelace" || d.user_display_name.starts_with("Ada "))
        .expect("an Ada");
    let full_name = someone.user_display_name.to_lowercase();
    let by_full_name = remote::search(&client, &DeviceQuery::text(&full_name), now)
        .await
        .expect("searched");
    assert!(
        by_full_name.iter().any(|d| d.id == someone.id),
        "{full_name}"
    );
}

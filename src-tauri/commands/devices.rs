//! Finding devices and reading one: thin over `intune_core::devices`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use intune_core::ErrorReport;
use intune_core::devices::{DeviceQuery, InventoryStatus, RefreshMode, SearchPage, remote};
use serde::Serialize;
use tauri::{AppHandle, Manager, State};
use tauri_specta::Event;

use crate::state::{AppState, Tenant};

/// Sent while the device list is fetched and when it is done or failed.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct InventoryChanged {
    pub status: InventoryStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum SearchSource {
    /// The local copy of the device list.
    Inventory,
    /// Microsoft Graph, while the local copy is not ready.
    Graph,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DeviceSearch {
    pub source: SearchSource,
    pub page: SearchPage,
}

#[tauri::command]
#[specta::specta]
pub async fn inventory_status(state: State<'_, AppState>) -> Result<InventoryStatus, ErrorReport> {
    Ok(state.tenant().await?.inventory.status())
}

/// Starts fetching the device list in the background; progress arrives as `InventoryChanged`.
#[tauri::command]
#[specta::specta]
pub async fn refresh_inventory(
    app: AppHandle,
    state: State<'_, AppState>,
    mode: RefreshMode,
) -> Result<(), ErrorReport> {
    start_refresh(app, state.tenant().await?, mode);
    Ok(())
}

/// One page of matching devices: from the local copy when it is ready, from Graph before.
#[tauri::command]
#[specta::specta]
pub async fn search_devices(
    state: State<'_, AppState>,
    query: DeviceQuery,
    offset: u32,
    limit: u32,
) -> Result<DeviceSearch, ErrorReport> {
    let tenant = state.tenant().await?;
    let (offset, limit) = (offset as usize, limit.min(1000) as usize);
    if let Some(page) = tenant.inventory.search(&query, offset, limit) {
        return Ok(DeviceSearch {
            source: SearchSource::Inventory,
            page: page?,
        });
    }
    let found = remote::search(tenant.connection.graph(), &query, Utc::now()).await?;
    Ok(DeviceSearch {
        source: SearchSource::Graph,
        page: SearchPage {
            total: found.len() as u32,
            offset: offset as u32,
            devices: found.into_iter().skip(offset).take(limit).collect(),
        },
    })
}

/// Opens the device in the Intune admin center, in the system browser. The URL is built here, so
/// the web view cannot open anything else.
#[tauri::command]
#[specta::specta]
pub async fn open_in_admin_center(
    state: State<'_, AppState>,
    id: String,
) -> Result<(), ErrorReport> {
    let tenant = state.tenant().await?;
    if !remote::is_guid(&id) {
        return Err(intune_core::Error::InvalidInput {
            what: "the device ID",
            why: format!("{id:?} is not a GUID"),
        }
        .report());
    }
    let url = remote::admin_center_link(tenant.connection.admin_center(), &id);
    tauri_plugin_opener::open_url(url.as_str(), None::<&str>).map_err(|e| {
        intune_core::Error::Internal(format!("the browser could not be opened: {e}")).report()
    })
}

/// Whether this tenant is still the one in use (assumed so while the session is being changed).
fn is_current(app: &AppHandle, tenant: &Arc<Tenant>) -> bool {
    let Some(state) = app.try_state::<AppState>() else {
        return false;
    };
    state.tenant.try_read().map_or(true, |current| {
        current.as_ref().is_some_and(|c| Arc::ptr_eq(c, tenant))
    })
}

/// Fetches in the background, telling the UI as it goes (at most a few times a second).
pub fn start_refresh(app: AppHandle, tenant: Arc<Tenant>, mode: RefreshMode) {
    tauri::async_runtime::spawn(async move {
        // A tenant switched away from may still be fetching: its news is no longer the window's.
        let emit = |status: InventoryStatus| {
            if is_current(&app, &tenant) {
                let _ = InventoryChanged { status }.emit(&app);
            }
        };
        let mut last = Instant::now() - Duration::from_secs(1);
        let result = tenant
            .inventory
            .refresh(tenant.connection.graph(), mode, |_| {
                if last.elapsed() >= Duration::from_millis(250) {
                    last = Instant::now();
                    emit(tenant.inventory.status());
                }
            })
            .await;
        if let Err(error) = &result {
            tracing::warn!(kind = ?error.kind(), request_id = ?error.request_id(), "device list refresh failed");
        }
        emit(tenant.inventory.status());
    });
}

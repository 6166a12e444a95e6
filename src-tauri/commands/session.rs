//! Signing in and out, and what the account menu shows.

use std::sync::Arc;

use intune_core::connection::{Connection, ConnectionSummary, StartPlan, start_plan};
use intune_core::demo::demo_device_count;
use intune_core::devices::pinned::PinnedDevices;
use intune_core::devices::{Inventory, InventoryFile, RefreshMode};
use intune_core::profile::ProfileFile;
use intune_core::secret_store;
use intune_core::{Error, ErrorReport};
use tauri::{AppHandle, State};

use super::devices::start_refresh;
use crate::state::{AppState, Tenant};

/// Who is signed in, or `null` when nobody is. The first call also opens what the saved profiles
/// ask for: the demo tenant when there is no profile, else the active profile's saved sign-in.
#[tauri::command]
#[specta::specta]
pub async fn open_session(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<Option<ConnectionSummary>, ErrorReport> {
    let mut opened = state.opened.lock().await;
    if let Some(tenant) = state.tenant.read().await.as_ref() {
        return Ok(Some(tenant.connection.summary()));
    }
    if *opened {
        return Ok(None);
    }
    *opened = true;
    let config_dir = state.config_dir.clone().ok_or_else(|| {
        Error::Internal("this system reports no configuration folder".into()).report()
    })?;
    let connection = match start_plan(&ProfileFile::in_dir(&config_dir).load()?) {
        StartPlan::Welcome => return Ok(None),
        StartPlan::Demo => Connection::start_demo(demo_device_count()).await?,
        StartPlan::Resume(profile) => Connection::resume(&profile, secret_store::native()?)?,
    };
    activate(&app, &state, connection).await.map(Some)
}

/// Starts the simulated demo tenant, signs in to it and begins fetching its devices.
#[tauri::command]
#[specta::specta]
pub async fn start_demo(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<ConnectionSummary, ErrorReport> {
    let connection = Connection::start_demo(demo_device_count()).await?;
    activate(&app, &state, connection).await
}

/// Signs out: tokens and the device cache go; the demo tenant stops.
#[tauri::command]
#[specta::specta]
pub async fn sign_out(app: AppHandle, state: State<'_, AppState>) -> Result<(), ErrorReport> {
    let Some(tenant) = state.tenant.write().await.take() else {
        return Ok(());
    };
    crate::tray::refresh(&app).await;
    tenant.connection.session().sign_out().await?;
    tenant.inventory.clear()?;
    tracing::info!(profile = %tenant.connection.profile().name, "signed out");
    Ok(())
}

async fn activate(
    app: &AppHandle,
    state: &AppState,
    connection: Connection,
) -> Result<ConnectionSummary, ErrorReport> {
    let cache_dir = state.cache_dir.clone().ok_or_else(|| {
        Error::Internal("this system reports no cache folder for the device list".into()).report()
    })?;
    let data_dir = state.data_dir.clone().ok_or_else(|| {
        Error::Internal("this system reports no data folder for the audit".into()).report()
    })?;
    let inventory = Inventory::open(
        InventoryFile::for_profile(&cache_dir, &connection.profile().name),
        connection.inventory_source(),
    )?;
    let actions = connection.actions(&data_dir)?;
    let pinned = PinnedDevices::for_profile(&data_dir, &connection.profile().name);
    let summary = connection.summary();
    let tenant = Arc::new(Tenant::new(connection, inventory, actions, pinned));
    *state.tenant.write().await = Some(Arc::clone(&tenant));
    tracing::info!(profile = %summary.profile, demo = summary.is_demo, "signed in");
    start_refresh(app.clone(), tenant, RefreshMode::Changes);
    crate::tray::refresh(app).await;
    Ok(summary)
}

//! Signing in and out, and what the account menu shows.

use std::sync::Arc;

use intune_core::connection::{
    Connection, ConnectionSummary, ProfileChoice, StartPlan, start_plan,
};
use intune_core::demo::DEMO_PROFILE;
use intune_core::devices::pinned::PinnedDevices;
use intune_core::devices::{Inventory, InventoryFile, RefreshMode};
use intune_core::profile::ProfileFile;
use intune_core::secret_store;
use intune_core::{Error, ErrorReport};
use serde::Serialize;
use tauri::{AppHandle, Manager, State};
use tauri_specta::Event;

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
    let opened = open_at_start(&app, &state).await;
    if !matches!(opened, Ok(Some(_))) {
        // Nobody signed in: the tray still lists the saved profiles to switch to.
        crate::tray::refresh(&app).await;
    }
    opened
}

async fn open_at_start(
    app: &AppHandle,
    state: &AppState,
) -> Result<Option<ConnectionSummary>, ErrorReport> {
    let connection = match start_plan(&state.profiles_file()?.load()?) {
        StartPlan::Welcome => return Ok(None),
        // A build without the demo starts on the sign-in screen.
        StartPlan::Demo if !crate::demo::AVAILABLE => return Ok(None),
        StartPlan::Demo => crate::demo::connect().await?,
        StartPlan::Resume(profile) => {
            match Connection::resume_verified(&profile, secret_store::native()?).await {
                Ok(connection) => connection,
                // Nothing to resume (never signed in here, or signed out): the sign-in screen,
                // without an error about a sign-in that never was.
                Err(Error::NotSignedIn(name)) => {
                    tracing::info!(profile = %name, "the active profile is not signed in");
                    return Ok(None);
                }
                Err(other) => return Err(other.report()),
            }
        }
    };
    activate(app, state, connection).await.map(Some)
}

/// Starts the simulated demo tenant, signs in to it and begins fetching its devices.
#[tauri::command]
#[specta::specta]
pub async fn start_demo(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<ConnectionSummary, ErrorReport> {
    let connection = crate::demo::connect().await?;
    activate(&app, &state, connection).await
}

/// Signs out: tokens and the device cache go; the demo tenant stops.
#[tauri::command]
#[specta::specta]
pub async fn sign_out(app: AppHandle, state: State<'_, AppState>) -> Result<(), ErrorReport> {
    let Some(tenant) = state.tenant.write().await.take() else {
        return Ok(());
    };
    tenant.stop_followers();
    crate::tray::refresh(&app).await;
    // Every window hears it (quick lock would otherwise go on showing the tenant).
    tell_every_window(&app, None);
    tenant.connection.sign_out().await?;
    tenant.inventory.clear()?;
    tracing::info!(profile = %tenant.connection.profile().name, "signed out");
    Ok(())
}

/// Tells every window (the main window, quick lock) who is signed in now.
fn tell_every_window(app: &AppHandle, summary: Option<ConnectionSummary>) {
    let _ = SessionChanged {
        summary,
        error: None,
    }
    .emit(app);
}

/// The signed-in tenant changed: opened at start, the demo, a sign-in, a profile switch (from a
/// window or the tray), a sign-out. Every window shows it.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct SessionChanged {
    pub summary: Option<ConnectionSummary>,
    /// Why a switch did not happen; the tenant in use stays as it was.
    pub error: Option<ErrorReport>,
}

/// The saved profiles and the demo, with the one in use marked.
#[tauri::command]
#[specta::specta]
pub async fn profile_choices(
    state: State<'_, AppState>,
) -> Result<Vec<ProfileChoice>, ErrorReport> {
    let set = match &state.config_dir {
        Some(dir) => ProfileFile::in_dir(dir).load()?,
        None => Default::default(),
    };
    let current = state
        .tenant
        .read()
        .await
        .as_ref()
        .map(|t| t.connection.profile().name.clone());
    Ok(crate::demo::profile_choices(&set, current.as_deref()))
}

/// Switches to another profile (its saved sign-in) or to the demo. The tenant in use is replaced
/// only once the new one is signed in; the profile becomes the one opened at the next start.
#[tauri::command]
#[specta::specta]
pub async fn switch_profile(
    app: AppHandle,
    state: State<'_, AppState>,
    name: String,
) -> Result<ConnectionSummary, ErrorReport> {
    switch_to(&app, &state, &name).await
}

/// The tray's path to [`switch_profile`]: the windows hear about it either way.
pub async fn switch_from_tray(app: AppHandle, name: String) {
    let Some(state) = app.try_state::<AppState>() else {
        return;
    };
    if let Err(error) = switch_to(&app, &state, &name).await {
        crate::window::show_main(&app);
        let summary = state
            .tenant
            .read()
            .await
            .as_ref()
            .map(|t| t.connection.summary());
        let _ = SessionChanged {
            summary,
            error: Some(error),
        }
        .emit(&app);
    }
}

async fn switch_to(
    app: &AppHandle,
    state: &AppState,
    name: &str,
) -> Result<ConnectionSummary, ErrorReport> {
    let connection = if name.eq_ignore_ascii_case(DEMO_PROFILE) {
        crate::demo::connect().await?
    } else {
        let profile = state.saved_profile(name)?;
        let connection = Connection::resume_verified(&profile, secret_store::native()?).await?;
        state.make_active(&profile.name)?;
        connection
    };
    replace_tenant(app, state, connection).await
}

/// Puts a newly signed-in connection in place of the tenant in use and tells every window. The
/// old tenant goes (its followers stop, a demo tenant shuts down); its saved sign-in stays.
pub async fn replace_tenant(
    app: &AppHandle,
    state: &AppState,
    connection: Connection,
) -> Result<ConnectionSummary, ErrorReport> {
    if let Some(old) = state.tenant.write().await.take() {
        old.stop_followers();
    }
    let summary = activate(app, state, connection).await?;
    tracing::info!(profile = %summary.profile, "now signed in");
    Ok(summary)
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
    // Locks sent before the app was last quit are followed again, so a Mac's PIN is kept.
    match tenant.actions.unfinished_locks() {
        Ok(devices) => {
            for device_id in devices {
                crate::commands::actions::start_following(
                    app,
                    &tenant,
                    device_id,
                    intune_core::actions::ActionKind::RemoteLock,
                    None,
                    true,
                );
            }
        }
        Err(error) => tracing::warn!(kind = ?error.kind(), "unfinished locks could not be read"),
    }
    start_refresh(app.clone(), tenant, RefreshMode::Changes);
    crate::tray::refresh(app).await;
    tell_every_window(app, Some(summary.clone()));
    Ok(summary)
}

//! Profiles and sign-in from the app: thin over `intune_core::profile`, `Connection::sign_in`
//! (browser, device code) and `Connection::sign_in_app` (client secret, certificate, Azure CLI).

use intune_core::app_only::AppSignIn;
use intune_core::connection::{Connection, ConnectionSummary, SignInStep};
use intune_core::devices::InventoryFile;
use intune_core::profile::{FieldProblem, Profile};
use intune_core::session::Persistence;
use intune_core::{Error, ErrorReport, Secret, secret_store};
use serde::Serialize;
use tauri::{AppHandle, State};
use tauri_plugin_clipboard_manager::ClipboardExt;
use tauri_specta::Event;

use super::session::replace_tenant;
use crate::state::AppState;

/// What the admin must do now to finish the sign-in under way.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct SignInProgress {
    pub profile: String,
    pub step: SignInStep,
}

/// The saved profiles, as the first screen lists them.
#[tauri::command]
#[specta::specta]
pub fn saved_profiles(state: State<'_, AppState>) -> Result<Vec<Profile>, ErrorReport> {
    Ok(state.profiles_file()?.load()?.profiles)
}

/// What is wrong with a profile about to be added, field by field (nothing: it can be added).
#[tauri::command]
#[specta::specta]
pub fn check_profile(
    state: State<'_, AppState>,
    profile: Profile,
) -> Result<Vec<FieldProblem>, ErrorReport> {
    Ok(state.profiles_file()?.load()?.problems_adding(&profile))
}

/// Adds a profile (checked first: tenant, client ID, hosts). It becomes the one opened at start
/// only once it has signed in.
#[tauri::command]
#[specta::specta]
pub fn add_profile(
    state: State<'_, AppState>,
    profile: Profile,
) -> Result<Vec<Profile>, ErrorReport> {
    let file = state.profiles_file()?;
    let mut set = file.load()?;
    // A profile opens at the next start only once it has signed in (`make_active`): a first
    // sign-in that fails leaves it listed, not half-opened.
    let active = set.active.clone();
    let name = profile.name.clone();
    set.add(profile)?;
    set.active = active;
    file.save(&set)?;
    tracing::info!(profile = %name, "profile added");
    Ok(set.profiles)
}

/// Removes a profile with its saved sign-in and device cache. The profile in use stays until the
/// admin switches or signs out.
#[tauri::command]
#[specta::specta]
pub async fn remove_profile(
    state: State<'_, AppState>,
    name: String,
) -> Result<Vec<Profile>, ErrorReport> {
    if let Some(tenant) = state.tenant.read().await.as_ref()
        && tenant.connection.profile().name.eq_ignore_ascii_case(&name)
    {
        return Err(Error::InvalidInput {
            what: "the profile",
            why: format!("{name:?} is in use; sign out or switch profile first"),
        }
        .report());
    }
    let file = state.profiles_file()?;
    let mut set = file.load()?;
    let removed = set.remove(&name)?;
    file.save(&set)?;
    if let Some(cache) = &state.cache_dir {
        InventoryFile::for_profile(cache, &removed.name).delete()?;
    }
    // Without a keychain there is no saved sign-in to remove.
    if let Ok(store) = secret_store::native() {
        intune_core::connection::forget(&store, &removed)?;
    }
    Ok(set.profiles)
}

/// Signs in to a saved profile with its method. The refresh token goes to the OS keychain, or
/// nowhere with `session_only` (offered when the keychain cannot be used). Progress arrives as
/// `SignInProgress`; `cancel_sign_in` stops it.
#[tauri::command]
#[specta::specta]
pub async fn sign_in(
    app: AppHandle,
    state: State<'_, AppState>,
    name: String,
    session_only: bool,
) -> Result<ConnectionSummary, ErrorReport> {
    let profile = state.saved_profile(&name)?;
    let persistence = persistence(session_only)?;
    let (cancel_tx, cancel_rx) = tokio::sync::oneshot::channel::<()>();
    *state.sign_in.lock().await = Some(super::super::state::SignInUnderWay {
        cancel: cancel_tx,
        step: None,
    });
    let reporter = app.clone();
    let profile_name = profile.name.clone();
    let result = Connection::sign_in(
        &profile,
        persistence,
        move |step| on_step(&reporter, &profile_name, step),
        async {
            let _ = cancel_rx.await;
        },
    )
    .await;
    state.sign_in.lock().await.take();
    let connection = result.inspect_err(|e| sign_in_failed(&name, e))?;
    use_connection(&app, &state, connection).await
}

/// For support: why a sign-in failed (Entra's reason, never a token or a secret).
fn sign_in_failed(profile: &str, error: &intune_core::Error) {
    tracing::warn!(profile, kind = ?error.kind(), reason = %error.report().message, "sign-in failed");
}

/// Signs in to a saved app-only or Azure CLI profile. `secret` is the client secret, or the
/// certificate's password (none if it has none); it goes to the OS keychain, or nowhere with
/// `session_only`.
#[tauri::command]
#[specta::specta]
pub async fn sign_in_app(
    app: AppHandle,
    state: State<'_, AppState>,
    name: String,
    secret: Option<String>,
    session_only: bool,
) -> Result<ConnectionSummary, ErrorReport> {
    let profile = state.saved_profile(&name)?;
    let secret = secret.filter(|s| !s.is_empty()).map(Secret::new);
    let sign_in = AppSignIn::for_profile(&profile, secret)?;
    let connection = Connection::sign_in_app(&profile, sign_in, persistence(session_only)?)
        .await
        .inspect_err(|e| sign_in_failed(&name, e))?;
    use_connection(&app, &state, connection).await
}

/// Where the sign-in is kept: the OS keychain (checked now, so a sign-in is not wasted when it
/// can be seen to be unusable), or nowhere.
fn persistence(session_only: bool) -> Result<Persistence, ErrorReport> {
    Ok(if session_only {
        Persistence::SessionOnly
    } else {
        Persistence::Keychain(secret_store::native()?)
    })
}

/// The signed-in profile becomes the active one and the tenant in use.
async fn use_connection(
    app: &AppHandle,
    state: &AppState,
    connection: Connection,
) -> Result<ConnectionSummary, ErrorReport> {
    state.make_active(&connection.profile().name)?;
    replace_tenant(app, state, connection).await
}

/// Lets the admin choose a certificate file (.pfx or .p12) in the system's file dialog; `None` when
/// they close it.
#[tauri::command]
#[specta::specta]
pub async fn pick_certificate_file(app: AppHandle) -> Result<Option<String>, ErrorReport> {
    use tauri_plugin_dialog::DialogExt;
    let picked = app
        .dialog()
        .file()
        .set_title("Choose the app's certificate")
        .add_filter("Certificate with private key", &["pfx", "p12"])
        .blocking_pick_file();
    picked
        .map(|path| {
            path.into_path()
                .map(|p| p.display().to_string())
                .map_err(|e| {
                    Error::Internal(format!("the chosen file has no local path: {e}")).report()
                })
        })
        .transpose()
}

#[tauri::command]
#[specta::specta]
pub async fn cancel_sign_in(state: State<'_, AppState>) -> Result<(), ErrorReport> {
    if let Some(under_way) = state.sign_in.lock().await.take() {
        let _ = under_way.cancel.send(());
    }
    Ok(())
}

/// Opens the sign-in page of the sign-in under way again (the browser page, or the page where the
/// device code is entered).
#[tauri::command]
#[specta::specta]
pub async fn open_sign_in_page(state: State<'_, AppState>) -> Result<(), ErrorReport> {
    let url = match state
        .sign_in
        .lock()
        .await
        .as_ref()
        .and_then(|s| s.step.clone())
    {
        Some(SignInStep::Browser { url }) => url,
        Some(SignInStep::DeviceCode {
            verification_uri, ..
        }) => verification_uri,
        None => {
            return Err(Error::Unavailable {
                what: "no sign-in is under way".into(),
                next: "Start the sign-in again.".into(),
            }
            .report());
        }
    };
    open_in_browser(&url)
}

/// Copies the device code of the sign-in under way (a one-time code, not a secret).
#[tauri::command]
#[specta::specta]
pub async fn copy_sign_in_code(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<(), ErrorReport> {
    let code = match state
        .sign_in
        .lock()
        .await
        .as_ref()
        .and_then(|s| s.step.clone())
    {
        Some(SignInStep::DeviceCode { user_code, .. }) => user_code,
        _ => {
            return Err(Error::Unavailable {
                what: "no device code is shown".into(),
                next: "Start a device-code sign-in first.".into(),
            }
            .report());
        }
    };
    app.clipboard()
        .write_text(code)
        .map_err(|e| Error::Internal(format!("the clipboard could not be used: {e}")).report())
}

fn on_step(app: &AppHandle, profile: &str, step: SignInStep) {
    if let SignInStep::Browser { url } = &step
        && let Err(error) = open_in_browser(url)
    {
        tracing::warn!(message = %error.message, "the browser did not open for the sign-in");
    }
    if let Some(state) = tauri::Manager::try_state::<AppState>(app)
        && let Ok(mut under_way) = state.sign_in.try_lock()
        && let Some(under_way) = under_way.as_mut()
    {
        under_way.step = Some(step.clone());
    }
    let _ = SignInProgress {
        profile: profile.to_string(),
        step,
    }
    .emit(app);
}

fn open_in_browser(url: &str) -> Result<(), ErrorReport> {
    tauri_plugin_opener::open_url(url, None::<&str>).map_err(|e| {
        Error::Internal(format!(
            "the browser could not be opened ({e}); copy the link into a browser"
        ))
        .report()
    })
}

//! The tray icon and its menu. Every tray capability is a menu item, because on Linux the tray never
//! reports clicks: the menu is the one thing that works everywhere. The menu is rebuilt whenever
//! what it shows changes: who is signed in, recent and pinned devices.

use intune_core::connection::ProfileChoice;
use intune_core::devices::pinned::TrayDevice;
use tauri::{
    AppHandle, Manager, Wry,
    image::Image,
    menu::{CheckMenuItem, IsMenuItem, Menu, MenuEvent, MenuItem, PredefinedMenuItem, Submenu},
    tray::{MouseButton, MouseButtonState, TrayIcon, TrayIconBuilder, TrayIconEvent},
};

use crate::state::AppState;
use crate::{quick_lock, window};

const TRAY: &str = "main";
const OPEN: &str = "open";
const QUIT: &str = "quit";
const QUICK_LOCK: &str = "quick-lock";
const SIGN_IN: &str = "sign-in";
/// `lock:<device id>`: quick lock on that device (it still asks for confirmation).
const LOCK_PREFIX: &str = "lock:";
/// `profile:<name>`: switch to that profile.
const PROFILE_PREFIX: &str = "profile:";

/// What the menu shows.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct TrayView {
    /// e.g. "Demo tenant · admin@contoso.com"; `None` when nobody is signed in.
    pub signed_in_as: Option<String>,
    pub pinned: Vec<TrayDevice>,
    pub recent: Vec<TrayDevice>,
    pub profiles: Vec<ProfileChoice>,
}

pub fn create(app: &AppHandle) -> tauri::Result<()> {
    let builder = TrayIconBuilder::with_id(TRAY)
        .icon(Image::from_bytes(include_bytes!("../icons/tray.png"))?)
        .tooltip("Intune Actions")
        .menu(&menu(app, &TrayView::default())?)
        .on_menu_event(on_menu_event)
        .on_tray_icon_event(on_icon_event);
    // Windows and macOS report clicks: a left click opens quick lock, the right click the menu.
    #[cfg(any(windows, target_os = "macos"))]
    let builder = builder.show_menu_on_left_click(false);
    #[cfg(target_os = "macos")]
    let builder = builder.icon_as_template(true);
    builder.build(app)?;
    Ok(())
}

/// Rebuilds the menu from the app's state.
pub async fn refresh(app: &AppHandle) {
    let Some(state) = app.try_state::<AppState>() else {
        return;
    };
    let view = state.tray_view().await;
    let Some(tray) = app.tray_by_id(TRAY) else {
        return;
    };
    if let Err(error) = set_menu(app, &tray, &view) {
        tracing::warn!(%error, "could not update the tray menu");
    }
}

fn set_menu(app: &AppHandle, tray: &TrayIcon, view: &TrayView) -> tauri::Result<()> {
    tray.set_menu(Some(menu(app, view)?))
}

fn menu(app: &AppHandle, view: &TrayView) -> tauri::Result<Menu<Wry>> {
    let mut items: Vec<Box<dyn IsMenuItem<Wry>>> = Vec::new();
    let status = view
        .signed_in_as
        .clone()
        .unwrap_or_else(|| "Not signed in".into());
    items.push(Box::new(MenuItem::with_id(
        app,
        "status",
        status,
        false,
        None::<&str>,
    )?));
    let signed_in = view.signed_in_as.is_some();
    items.push(Box::new(MenuItem::with_id(
        app,
        QUICK_LOCK,
        "Quick lock…",
        signed_in,
        None::<&str>,
    )?));
    for (title, devices) in [
        ("Pinned devices", &view.pinned),
        ("Recent devices", &view.recent),
    ] {
        if !signed_in || devices.is_empty() {
            continue;
        }
        items.push(Box::new(PredefinedMenuItem::separator(app)?));
        items.push(Box::new(MenuItem::with_id(
            app,
            title,
            title,
            false,
            None::<&str>,
        )?));
        for device in devices {
            items.push(Box::new(MenuItem::with_id(
                app,
                format!("{LOCK_PREFIX}{}", device.id),
                format!("Lock {} ({})…", device.device_name, device.serial_number),
                true,
                None::<&str>,
            )?));
        }
    }
    items.push(Box::new(PredefinedMenuItem::separator(app)?));
    if view.profiles.len() > 1 {
        let choices = view
            .profiles
            .iter()
            .map(|p| {
                CheckMenuItem::with_id(
                    app,
                    format!("{PROFILE_PREFIX}{}", p.name),
                    &p.name,
                    !p.current,
                    p.current,
                    None::<&str>,
                )
            })
            .collect::<tauri::Result<Vec<_>>>()?;
        let refs: Vec<&dyn IsMenuItem<Wry>> =
            choices.iter().map(|c| c as &dyn IsMenuItem<Wry>).collect();
        items.push(Box::new(Submenu::with_items(
            app,
            "Switch profile",
            true,
            &refs,
        )?));
    }
    if !signed_in {
        items.push(Box::new(MenuItem::with_id(
            app,
            SIGN_IN,
            "Sign in…",
            true,
            None::<&str>,
        )?));
    }
    items.push(Box::new(MenuItem::with_id(
        app,
        OPEN,
        "Open Intune Actions",
        true,
        None::<&str>,
    )?));
    items.push(Box::new(MenuItem::with_id(
        app,
        QUIT,
        "Quit Intune Actions",
        true,
        None::<&str>,
    )?));
    let refs: Vec<&dyn IsMenuItem<Wry>> = items.iter().map(|i| i.as_ref()).collect();
    Menu::with_items(app, &refs)
}

/// What a menu item does; the tray and a second launch share it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Activation {
    OpenMain,
    QuickLock(Option<String>),
    SwitchProfile(String),
    Quit,
}

pub fn activation(item: &str) -> Option<Activation> {
    match item {
        OPEN | SIGN_IN => Some(Activation::OpenMain),
        QUICK_LOCK => Some(Activation::QuickLock(None)),
        QUIT => Some(Activation::Quit),
        other => {
            if let Some(name) = other.strip_prefix(PROFILE_PREFIX) {
                return (!name.is_empty()).then(|| Activation::SwitchProfile(name.to_string()));
            }
            other
                .strip_prefix(LOCK_PREFIX)
                .filter(|id| !id.is_empty())
                .map(|id| Activation::QuickLock(Some(id.to_string())))
        }
    }
}

pub fn activate(app: &AppHandle, activation: Activation) {
    match activation {
        Activation::OpenMain => window::show_main(app),
        Activation::QuickLock(device) => quick_lock::open(app, device),
        Activation::SwitchProfile(name) => {
            tauri::async_runtime::spawn(crate::commands::session::switch_from_tray(
                app.clone(),
                name,
            ));
        }
        Activation::Quit => app.exit(0),
    }
}

fn on_menu_event(app: &AppHandle, event: MenuEvent) {
    match activation(event.id().as_ref()) {
        Some(what) => activate(app, what),
        None => tracing::warn!(item = event.id().as_ref(), "unknown tray menu item"),
    }
}

fn on_icon_event(tray: &TrayIcon, event: TrayIconEvent) {
    if let TrayIconEvent::Click {
        button: MouseButton::Left,
        button_state: MouseButtonState::Up,
        ..
    } = event
    {
        activate(tray.app_handle(), Activation::QuickLock(None));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn menu_items_map_to_what_they_do() {
        assert_eq!(activation("open"), Some(Activation::OpenMain));
        assert_eq!(activation("sign-in"), Some(Activation::OpenMain));
        assert_eq!(activation("quick-lock"), Some(Activation::QuickLock(None)));
        assert_eq!(
            activation("lock:3f1c6a52"),
            Some(Activation::QuickLock(Some("3f1c6a52".into())))
        );
        assert_eq!(activation("lock:"), None);
        assert_eq!(activation("status"), None);
        assert_eq!(activation("quit"), Some(Activation::Quit));
        assert_eq!(
            activation("profile:Contoso"),
            Some(Activation::SwitchProfile("Contoso".into()))
        );
        assert_eq!(activation("profile:"), None);
    }
}

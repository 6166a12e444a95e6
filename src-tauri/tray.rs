//! The tray icon and its menu. Every tray capability is a menu item, because on Linux the tray never
//! reports clicks: the menu is the one thing that works everywhere.

use tauri::{
    AppHandle,
    image::Image,
    menu::{Menu, MenuEvent, MenuItem, PredefinedMenuItem},
    tray::TrayIconBuilder,
};

use crate::window;

const OPEN: &str = "open";
const QUIT: &str = "quit";

pub fn create(app: &AppHandle) -> tauri::Result<()> {
    let open = MenuItem::with_id(app, OPEN, "Open Intune Actions", true, None::<&str>)?;
    let quit = MenuItem::with_id(app, QUIT, "Quit Intune Actions", true, None::<&str>)?;
    let menu = Menu::with_items(app, &[&open, &PredefinedMenuItem::separator(app)?, &quit])?;
    TrayIconBuilder::with_id("main")
        .icon(Image::from_bytes(include_bytes!("../icons/tray.png"))?)
        .tooltip("Intune Actions")
        .menu(&menu)
        .on_menu_event(on_menu_event)
        .build(app)?;
    Ok(())
}

fn on_menu_event(app: &AppHandle, event: MenuEvent) {
    match event.id().as_ref() {
        OPEN => window::show_main(app),
        QUIT => app.exit(0),
        other => tracing::warn!(item = other, "unknown tray menu item"),
    }
}

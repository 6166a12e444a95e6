//! The desktop shell of Intune Actions: windows, tray, and thin commands over `intune-core`.

pub mod bindings;
mod commands;
mod demo;
mod instance;
mod notify;
mod quick_lock;
mod shortcut;
mod startup;
mod state;
mod tray;
mod updates;
mod web_engine;
mod window;

use tauri::Manager;

/// Start at login (opt-in, from the settings) starts the app in the tray.
fn autostart() -> tauri::plugin::TauriPlugin<tauri::Wry> {
    let builder = tauri_plugin_autostart::Builder::new().args([window::MINIMISED_ARG]);
    #[cfg(target_os = "macos")]
    let builder = builder.macos_launcher(tauri_plugin_autostart::MacosLauncher::LaunchAgent);
    builder.build()
}

/// The saved (or default) quick lock shortcut; a failure is reported in the settings, not fatal.
pub(crate) fn register_shortcut(app: &tauri::AppHandle) {
    let state = app.state::<state::AppState>();
    let saved = state.settings();
    let text = shortcut::effective(saved.quick_lock_shortcut.as_deref()).to_string();
    let problem = shortcut::apply(app, &text).err();
    if let Some(problem) = &problem {
        tracing::info!(%problem, "no global shortcut for quick lock");
    }
    state.set_shortcut_problem(problem);
}

pub fn run() {
    startup::begin();
    web_engine::configure();
    let mut context = tauri::generate_context!("tauri.conf.json");
    match instance::identifier(&context.config().identifier) {
        Ok(identifier) => context.config_mut().identifier = identifier,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    }

    let events = bindings::events_only();
    tauri::Builder::default()
        // First, so a second launch hands over to the running app before anything else starts.
        .plugin(tauri_plugin_single_instance::init(|app, argv, _cwd| {
            // A second launch hands over: `--quick-lock` (a desktop shortcut) opens quick lock.
            let activation = if argv.iter().any(|a| a == quick_lock::ARG) {
                tray::Activation::QuickLock(None)
            } else {
                tray::Activation::OpenMain
            };
            tray::activate(app, activation);
        }))
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(shortcut::plugin())
        .plugin(autostart())
        .plugin(updates::plugin())
        .plugin(
            // Quick lock always opens centred on top; only the main window keeps its place and
            // size. Whether it shows is decided at start (`--quick-lock` keeps it in the tray).
            tauri_plugin_window_state::Builder::default()
                .with_denylist(&[quick_lock::QUICK_LOCK])
                .with_state_flags(window::KEPT_STATE)
                .build(),
        )
        .invoke_handler(bindings::handler())
        .setup(move |app| {
            events.mount_events(app);
            let log_dir = state::init_logging(app.handle());
            tracing::info!(version = %app.package_info().version, "Intune Actions started");
            startup::step("logging ready");
            let cache_dir = app.path().app_cache_dir().ok();
            let config_dir = state::config_dir(app.handle());
            let data_dir = state::data_dir(app.handle());
            app.manage(state::AppState::new(
                log_dir, cache_dir, config_dir, data_dir,
            ));
            app.manage(updates::Updates::default());
            let args: Vec<String> = std::env::args().collect();
            let mode = window::StartMode::from_args(&args);
            window::create_at_start(app.handle(), mode)?;
            startup::step("windows created");
            tray::create(app.handle())?;
            startup::step("tray created");
            if mode == window::StartMode::Window {
                startup::after_first_paint_at_latest(app.handle());
            } else {
                startup::after_first_paint(app.handle());
            }
            Ok(())
        })
        .on_window_event(window::keep_in_tray_on_close)
        .build(context)
        .expect("the desktop app could not start; run it from a terminal to see why")
        .run(|app, event| match event {
            // The last window went (the main one is let go while hidden): the app lives on in
            // the tray. Only Quit (an exit code) ends it.
            tauri::RunEvent::ExitRequested {
                code: None, api, ..
            } => api.prevent_exit(),
            tauri::RunEvent::Exit => clear_copied_secret(app),
            _ => {}
        });
}

/// On quit: a secret copied less than 30 s ago would outlive the app on the clipboard.
fn clear_copied_secret(app: &tauri::AppHandle) {
    use tauri_plugin_clipboard_manager::ClipboardExt;
    let state = app.state::<state::AppState>();
    let copied = state
        .copied
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .take();
    if let Some(secret) = copied
        && commands::actions::clear_if_still_holding(app.clipboard(), &secret)
    {
        tracing::info!("a copied secret was cleared from the clipboard on quit");
    }
}

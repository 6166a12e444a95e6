//! The domain of Intune Actions. Everything that decides or talks to Microsoft Graph lives here,
//! so the desktop app, the command line and the tests share one implementation.

pub mod about;
pub mod actions;
pub mod app_only;
pub mod audit;
pub mod clock;
pub mod connection;
pub mod credential;
pub mod demo;
pub mod devices;
pub mod error;
pub mod graph;
pub mod http;
pub mod issued_for;
pub mod json_file;
pub mod logging;
pub mod policy;
pub mod profile;
pub mod secret;
pub mod secret_store;
pub mod session;
pub mod settings;
pub mod signin;
pub mod signin_browser;

/// The app's bundle identifier (tauri.conf.json): names its config folder and keychain service.
pub const APP_IDENTIFIER: &str = "app.intuneactions.desktop";

pub use error::{Error, ErrorKind, ErrorReport, Result};
pub use secret::Secret;

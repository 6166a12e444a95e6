//! The domain of Intune Actions. Everything that decides or talks to Microsoft Graph lives here,
//! so the desktop app, the command line and the tests share one implementation.

pub mod about;
pub mod error;
pub mod logging;
pub mod profile;
pub mod secret;
pub mod secret_store;

pub use error::{Error, ErrorKind, ErrorReport, Result};
pub use secret::Secret;

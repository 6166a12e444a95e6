//! The domain of Intune Actions. Everything that decides or talks to Microsoft Graph lives here,
//! so the desktop app, the command line and the tests share one implementation.

pub mod about;
pub mod error;
pub mod logging;
pub mod secret;

pub use error::{Error, ErrorKind, ErrorReport, Result};
pub use secret::Secret;

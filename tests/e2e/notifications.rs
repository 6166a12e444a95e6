//! A stand-in for the desktop's notification server on the suite's private session bus: it owns
//! `org.freedesktop.Notifications` and records every notification the app sends, so a test sees
//! what the admin would see rather than trusting that the call was made.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    pub summary: String,
    pub body: String,
}

pub struct NotificationServer {
    shown: Arc<Mutex<Vec<Shown>>>,
    _connection: zbus::Connection,
}

struct Server {
    shown: Arc<Mutex<Vec<Shown>>>,
    next_id: AtomicU32,
}

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl Server {
    // The Desktop Notifications Specification's signature, in full.
    #[allow(clippy::too_many_arguments)]
    fn notify(
        &self,
        _app_name: &str,
        _replaces_id: u32,
        _app_icon: &str,
        summary: &str,
        body: &str,
        _actions: Vec<&str>,
        _hints: HashMap<&str, zbus::zvariant::Value<'_>>,
        _expire_timeout: i32,
    ) -> u32 {
        if let Ok(mut shown) = self.shown.lock() {
            shown.push(Shown {
                summary: summary.to_string(),
                body: body.to_string(),
            });
        }
        self.next_id.fetch_add(1, Ordering::Relaxed) + 1
    }

    fn get_capabilities(&self) -> Vec<&str> {
        vec!["body"]
    }

    fn get_server_information(&self) -> (&str, &str, &str, &str) {
        ("e2e-notifications", "intune-actions", "1.0", "1.2")
    }

    fn close_notification(&self, _id: u32) {}
}

impl NotificationServer {
    pub async fn start(bus_address: &str) -> Result<NotificationServer, String> {
        let shown = Arc::new(Mutex::new(Vec::new()));
        let server = Server {
            shown: Arc::clone(&shown),
            next_id: AtomicU32::new(0),
        };
        let connection = async {
            zbus::connection::Builder::address(bus_address)?
                .name("org.freedesktop.Notifications")?
                .serve_at("/org/freedesktop/Notifications", server)?
                .build()
                .await
        }
        .await
        .map_err(|e| format!("cannot serve notifications on the test bus: {e}"))?;
        Ok(NotificationServer {
            shown,
            _connection: connection,
        })
    }

    pub fn shown(&self) -> Vec<Shown> {
        self.shown.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

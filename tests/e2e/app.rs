//! One running copy of the real app binary, driven over W3C WebDriver through tauri-driver.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;

use crate::desktop::Desktop;

/// How long to wait for something to appear before calling it stuck. A guard against hangs,
/// not a performance target.
pub const PATIENCE: Duration = Duration::from_secs(30);

pub const APP_BINARY: &str = env!("CARGO_BIN_EXE_intune-actions-desktop");

pub struct App {
    client: Client,
    name: String,
    artifacts: PathBuf,
}

impl App {
    pub async fn launch(desktop: &Desktop, name: &str) -> Result<App, String> {
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": APP_BINARY }),
        );
        // The first session after the driver starts is sometimes refused while WebKitWebDriver
        // warms up; later ones are not.
        let mut last_error = String::new();
        for _ in 0..5 {
            match ClientBuilder::new(HttpConnector::new())
                .capabilities(capabilities.clone())
                .connect(&desktop.driver_url)
                .await
            {
                Ok(client) => {
                    return Ok(App {
                        client,
                        name: name.to_string(),
                        artifacts: desktop.artifacts.clone(),
                    });
                }
                Err(error) => last_error = error.to_string(),
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        Err(format!(
            "could not start the app over WebDriver: {last_error}"
        ))
    }

    pub async fn click(&self, css: &str) -> Result<(), String> {
        let element = self.find(css).await?;
        element
            .click()
            .await
            .map_err(|e| format!("could not click {css}: {e}"))
    }

    /// Waits until the element exists and its text satisfies `expected`; returns the text.
    pub async fn wait_for_text(
        &self,
        css: &str,
        what: &str,
        expected: impl Fn(&str) -> bool,
    ) -> Result<String, String> {
        let start = Instant::now();
        let mut last = None;
        while start.elapsed() < PATIENCE {
            if let Ok(element) = self.client.find(Locator::Css(css)).await
                && let Ok(text) = element.text().await
            {
                if expected(&text) {
                    return Ok(text);
                }
                last = Some(text);
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        Err(match last {
            Some(text) => format!("{css} never showed {what}; it shows {text:?}"),
            None => format!("{css} never appeared (waiting for {what})"),
        })
    }

    pub async fn title(&self) -> Result<String, String> {
        self.client.title().await.map_err(|e| e.to_string())
    }

    /// Saves what the web view shows to `<artifacts>/<test>-<label>.png`.
    pub async fn screenshot(&self, label: &str) -> Result<PathBuf, String> {
        let png = self
            .client
            .screenshot()
            .await
            .map_err(|e| format!("screenshot failed: {e}"))?;
        let path = self.artifacts.join(format!("{}-{label}.png", self.name));
        std::fs::write(&path, png).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        Ok(path)
    }

    pub async fn close(self) {
        let _ = self.client.close().await;
    }

    async fn find(&self, css: &str) -> Result<fantoccini::elements::Element, String> {
        self.client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(css))
            .await
            .map_err(|e| format!("{css} never appeared: {e}"))
    }
}

//! One running copy of the real app binary, driven over W3C WebDriver through tauri-driver.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use std::future::Future;

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;

use crate::desktop::{Desktop, Driver};

/// How long to wait for something to appear before calling it stuck. A guard against hangs,
/// not a performance target.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// One WebDriver round trip; a driver that stops answering fails the test instead of hanging it.
const CALL_LIMIT: Duration = Duration::from_secs(20);

async fn bounded<T, E: std::fmt::Display>(
    what: &str,
    call: impl Future<Output = Result<T, E>>,
) -> Result<T, String> {
    match tokio::time::timeout(CALL_LIMIT, call).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(format!("{what}: {error}")),
        Err(_) => Err(format!(
            "{what}: the driver did not answer within {CALL_LIMIT:?}"
        )),
    }
}

pub const APP_BINARY: &str = env!("CARGO_BIN_EXE_intune-actions-desktop");

/// Calls back once no animation runs on the page, or after 30 checks 100 ms apart.
const STILL: &str = "const done = arguments[arguments.length - 1];\
    const animating = () => document.getAnimations().some(a => a.playState === 'running');\
    const settle = (tries) => animating() && tries > 0 ? setTimeout(() => settle(tries - 1), 100) : done(true);\
    settle(30);";

/// What of an element a wait reads: its text, or an input's value.
#[derive(Clone, Copy)]
enum Read {
    Text,
    Value,
}

pub struct App {
    client: Client,
    name: String,
    artifacts: PathBuf,
}

impl App {
    pub async fn launch(
        desktop: &Desktop,
        driver: &Driver,
        name: &str,
        args: &[&str],
    ) -> Result<App, String> {
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": APP_BINARY, "args": args }),
        );
        // The first session after the driver starts is sometimes refused while WebKitWebDriver
        // warms up; later ones are not.
        let mut last_error = String::new();
        for _ in 0..5 {
            let mut builder = ClientBuilder::new(HttpConnector::new());
            builder.capabilities(capabilities.clone());
            match bounded("starting a session", builder.connect(&driver.url)).await {
                Ok(client) => {
                    return Ok(App {
                        client,
                        name: name.to_string(),
                        artifacts: desktop.artifacts.clone(),
                    });
                }
                Err(error) => last_error = error,
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        Err(format!(
            "could not start the app over WebDriver: {last_error}"
        ))
    }

    pub async fn click(&self, css: &str) -> Result<(), String> {
        let element = self.find(css).await?;
        // WebKitWebDriver does not scroll a nested scroller for us; a person would scroll first.
        let arg = serde_json::to_value(&element).map_err(|e| e.to_string())?;
        bounded(
            &format!("scrolling to {css}"),
            self.client
                .execute("arguments[0].scrollIntoView({block: 'center'});", vec![arg]),
        )
        .await?;
        // A person clicks what stands still: a dialog still growing in would move the target
        // away from where the click lands.
        self.until_still().await?;
        bounded(&format!("clicking {css}"), element.click()).await
    }

    /// Waits (up to 3 s) until nothing on the page animates.
    async fn until_still(&self) -> Result<(), String> {
        bounded(
            "waiting for animations to end",
            self.client.execute_async(STILL, vec![]),
        )
        .await
        .map(|_| ())
    }

    /// Clicks the element with this role whose text is exactly `text` (a menu item, an option).
    pub async fn click_role_text(&self, role: &str, text: &str) -> Result<(), String> {
        let xpath = format!("//*[@role='{role}' and normalize-space(.)='{text}']");
        let wait = self.client.wait().at_most(PATIENCE);
        let element = bounded(
            &format!("waiting for the {role} {text:?}"),
            wait.for_element(Locator::XPath(&xpath)),
        )
        .await?;
        bounded(&format!("clicking the {role} {text:?}"), element.click()).await
    }

    /// Types into the element as a person would, key by key (`\u{E007}` is Enter).
    pub async fn type_into(&self, css: &str, text: &str) -> Result<(), String> {
        let element = self.find(css).await?;
        bounded(&format!("typing into {css}"), element.send_keys(text)).await
    }

    /// Empties a text field the way a person would: End, then Backspace over what is there (a
    /// WebDriver "clear" bypasses the events React listens to).
    pub async fn clear(&self, css: &str) -> Result<(), String> {
        let element = self.find(css).await?;
        let value = bounded(&format!("reading {css}"), element.prop("value"))
            .await?
            .unwrap_or_default();
        let keys = format!("\u{E010}{}", "\u{E003}".repeat(value.chars().count()));
        bounded(&format!("clearing {css}"), element.send_keys(&keys)).await
    }

    /// Waits until the input's value satisfies `expected`; returns the value.
    pub async fn wait_for_value(
        &self,
        css: &str,
        what: &str,
        expected: impl Fn(&str) -> bool,
    ) -> Result<String, String> {
        self.wait_for(css, what, Read::Value, expected).await
    }

    /// Waits until the element exists and its text satisfies `expected`; returns the text.
    pub async fn wait_for_text(
        &self,
        css: &str,
        what: &str,
        expected: impl Fn(&str) -> bool,
    ) -> Result<String, String> {
        self.wait_for(css, what, Read::Text, expected).await
    }

    async fn wait_for(
        &self,
        css: &str,
        what: &str,
        read: Read,
        expected: impl Fn(&str) -> bool,
    ) -> Result<String, String> {
        let start = Instant::now();
        let mut last = None;
        while start.elapsed() < PATIENCE {
            if let Ok(element) = bounded(css, self.client.find(Locator::Css(css))).await {
                let found = match read {
                    Read::Text => bounded(css, element.text()).await.ok(),
                    Read::Value => bounded(css, element.prop("value")).await.ok().flatten(),
                };
                if let Some(found) = found {
                    if expected(&found) {
                        return Ok(found);
                    }
                    last = Some(found);
                }
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        Err(match last {
            Some(text) => format!("{css} never showed {what}; it shows {text:?}"),
            None => format!("{css} never appeared (waiting for {what})"),
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Waits until no element matches (a dialog finished closing).
    pub async fn wait_until_gone(&self, css: &str) -> Result<(), String> {
        let start = Instant::now();
        while start.elapsed() < PATIENCE {
            match bounded(css, self.client.find_all(Locator::Css(css))).await {
                Ok(found) if found.is_empty() => return Ok(()),
                _ => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        }
        Err(format!(
            "{css} was still there after {} s",
            PATIENCE.as_secs()
        ))
    }

    pub async fn title(&self) -> Result<String, String> {
        bounded("reading the title", self.client.title()).await
    }

    /// Saves what the web view shows to `<artifacts>/<test>-<label>.png`.
    pub async fn screenshot(&self, label: &str) -> Result<PathBuf, String> {
        // WebKit takes the snapshot at the next paint, and an idle page does not paint: nudge one.
        let nudge = "document.body.style.opacity = '0.999';\
                     requestAnimationFrame(() => requestAnimationFrame(() => document.body.style.opacity = ''));";
        bounded("repainting", self.client.execute(nudge, vec![])).await?;
        let png = bounded("taking a screenshot", self.client.screenshot()).await?;
        let path = self.artifacts.join(format!("{}-{label}.png", self.name));
        std::fs::write(&path, png).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        Ok(path)
    }

    /// Types keys into whatever has the focus, as a keyboard would (WebDriver's special keys,
    /// e.g. `"\u{E004}"` for Tab, `"\u{E007}"` for Enter, `"\u{E00C}"` for Escape).
    /// Sent through WebDriver's key actions, which go where the focus is: sending keys to an
    /// element would focus (even click) it first.
    pub async fn press(&self, keys: &str) -> Result<(), String> {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let mut actions = KeyActions::new("keyboard".into());
        for value in keys.chars() {
            actions = actions
                .then(KeyAction::Down { value })
                .then(KeyAction::Up { value });
        }
        bounded(
            &format!("pressing {keys:?}"),
            self.client.perform_actions(actions),
        )
        .await
    }

    /// Whether the element with the focus matches `css`.
    pub async fn focus_is(&self, css: &str) -> Result<bool, String> {
        let answer = bounded(
            "reading the focus",
            self.client.execute(
                "const f = document.activeElement; return !!f && f.matches(arguments[0]);",
                vec![serde_json::Value::String(css.into())],
            ),
        )
        .await?;
        Ok(answer.as_bool().unwrap_or(false))
    }

    /// Describes the focused element, for a failure message.
    pub async fn focus_description(&self) -> String {
        let script = "const f = document.activeElement; if (!f) return 'nothing';                       return f.tagName + (f.id ? '#' + f.id : '') + ' ' +                       JSON.stringify((f.getAttribute('aria-label') || f.textContent || '').trim().slice(0, 60));";
        match bounded("describing the focus", self.client.execute(script, vec![])).await {
            Ok(value) => value.as_str().unwrap_or("?").to_string(),
            Err(error) => error,
        }
    }

    /// Presses Tab until the focus is on `css`, as a keyboard user moves through the window;
    /// fails after `limit` presses. The focused element must show that it has the focus.
    pub async fn tab_to(&self, css: &str, limit: usize) -> Result<(), String> {
        for _ in 0..=limit {
            if self.focus_is(css).await? {
                // Fluent UI marks keyboard focus with this attribute (its focus outline).
                let visible = self
                    .focus_is(":focus-visible, [data-fui-focus-visible]")
                    .await?;
                return if visible {
                    Ok(())
                } else {
                    Err(format!("{css} has the focus but does not show it"))
                };
            }
            self.press("\u{E004}").await?;
        }
        Err(format!(
            "{limit} presses of Tab did not reach {css}; the focus is on {}",
            self.focus_description().await
        ))
    }

    /// What axe-core finds serious or critical on the page as it is now, one line per rule with
    /// where (its CSS targets). axe is loaded into the page once, from the UI's node_modules.
    pub async fn accessibility_problems(&self) -> Result<Vec<String>, String> {
        let loaded = bounded(
            "checking for axe",
            self.client
                .execute("return typeof window.axe !== 'undefined';", vec![]),
        )
        .await?;
        if loaded.as_bool() != Some(true) {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("ui/node_modules/axe-core/axe.min.js");
            let source = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {} (npm ci in ui/): {e}", path.display()))?;
            bounded("loading axe", self.client.execute(&source, vec![])).await?;
        }
        // Run once nothing animates (a dialog fading in would be measured half transparent), and
        // without tabster's focus sentinels: Fluent's invisible, aria-hidden elements that hand
        // the focus on, which axe reports as hidden focusable content.
        let run = "const done = arguments[arguments.length - 1];\
                   axe.run({ exclude: [['[data-tabster-dummy]']] }, { resultTypes: ['violations'], ancestry: true }).then(r => done(\
                     r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')\
                       .map(v => v.id + ' (' + v.impact + '): ' + v.help + ', at ' +\
                         v.nodes.slice(0, 4).map(n => n.ancestry.join(' ')).join(' | ') +\
                         (v.nodes.length > 4 ? ' and ' + (v.nodes.length - 4) + ' more' : '') +\
                         '; first: ' + v.nodes[0].html.slice(0, 160) + ' ' +\
                         (v.nodes[0].failureSummary || '').replace(/\\s+/g, ' ').slice(0, 240))))\
                   .catch(e => done(['axe could not run: ' + e]));";
        self.until_still().await?;
        let found = bounded("running axe", self.client.execute_async(run, vec![])).await?;
        Ok(found
            .as_array()
            .map(|lines| {
                lines
                    .iter()
                    .map(|l| l.as_str().unwrap_or("?").to_string())
                    .collect()
            })
            .unwrap_or_default())
    }

    /// Scrolls the element into the middle of its scrolling area.
    pub async fn scroll_into_view(&self, css: &str) -> Result<(), String> {
        let element = self.find(css).await?;
        let element = serde_json::to_value(&element).map_err(|e| e.to_string())?;
        bounded(
            &format!("scrolling to {css}"),
            self.client.execute(
                "arguments[0].scrollIntoView({ block: 'center' });",
                vec![element],
            ),
        )
        .await
        .map(|_| ())
    }

    /// Calls one of the app's commands as the UI would (for what a test sets up rather than
    /// exercises, e.g. the appearance while a modal sign-in hides the settings).
    pub async fn invoke(&self, command: &str, args: serde_json::Value) -> Result<(), String> {
        let script = "const done = arguments[arguments.length - 1];\
                      window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1])\
                        .then(() => done(null), e => done(JSON.stringify(e)));";
        let answer = bounded(
            &format!("calling {command}"),
            self.client
                .execute_async(script, vec![serde_json::json!(command), args]),
        )
        .await?;
        match answer.as_str() {
            None => Ok(()),
            Some(error) => Err(format!("{command} failed: {error}")),
        }
    }

    /// Whether anything matches `css` now (no waiting).
    pub async fn exists(&self, css: &str) -> Result<bool, String> {
        let found = bounded(
            &format!("looking for {css}"),
            self.client.find_all(Locator::Css(css)),
        )
        .await?;
        Ok(!found.is_empty())
    }

    /// Ends the session, which quits the app, without giving up this handle (a test that
    /// restarts the app goes on with a new one).
    pub async fn quit(&self) {
        let _ = bounded("ending the session", self.client.clone().close()).await;
    }

    pub async fn close(self) {
        let _ = bounded("ending the session", self.client.close()).await;
    }

    async fn find(&self, css: &str) -> Result<fantoccini::elements::Element, String> {
        let wait = self.client.wait().at_most(PATIENCE);
        bounded(
            &format!("waiting for {css}"),
            wait.for_element(Locator::Css(css)),
        )
        .await
    }
}

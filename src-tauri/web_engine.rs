//! How the app's web pages run on Linux, where the web view is WebKitGTK: chosen by measurement
//! (BENCHMARKS.md). Windows (WebView2) and macOS (WKWebView) run their own engines as they are.

/// JavaScriptCore's option for its just-in-time compilers, read from the environment by every web
/// process WebKitGTK starts for the app (they inherit the app's environment).
pub const JIT_OPTION: &str = "JSC_useJIT";

/// What [`configure`] sets, unless the environment already says: the JIT off. The UI is the app's
/// own and light (searching and ranking run in Rust), so its script runs as fast to the eye in
/// JavaScriptCore's interpreter, starts no compiler threads on a busy machine, and holds about
/// 18 MiB less; and a web view without a JIT is a smaller target.
pub fn jit_setting(already_set: bool) -> Option<(&'static str, &'static str)> {
    (cfg!(target_os = "linux") && !already_set).then_some((JIT_OPTION, "0"))
}

/// Called first thing when the app starts, before any thread or web view exists (so nothing reads
/// the environment while it changes). An admin or a developer who sets `JSC_useJIT` themselves
/// keeps their choice.
pub fn configure() {
    if let Some((name, value)) = jit_setting(std::env::var_os(JIT_OPTION).is_some()) {
        set_for_web_processes(name, value);
    }
}

#[cfg(target_os = "linux")]
fn set_for_web_processes(name: &str, value: &str) {
    if let Err(error) = webkit2gtk::glib::setenv(name, value, false) {
        eprintln!("could not set {name} for the web view: {error}");
    }
}

#[cfg(not(target_os = "linux"))]
fn set_for_web_processes(_name: &str, _value: &str) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_jit_is_turned_off_on_linux_unless_the_environment_says() {
        if cfg!(target_os = "linux") {
            assert_eq!(jit_setting(false), Some(("JSC_useJIT", "0")));
        } else {
            assert_eq!(jit_setting(false), None);
        }
        assert_eq!(jit_setting(true), None);
    }
}

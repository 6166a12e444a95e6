//! The real keychain on Linux: a private session bus, gnome-keyring unlocked with a throwaway
//! password and a throwaway home, and the app's SecretStore storing, reading, rotating and
//! deleting a refresh token through it.
//!
//! The parent process sets the desktop up and runs itself again inside it, because the session
//! bus address is read from the environment at connection time.

use std::process::{Command, ExitCode};

const INNER: &str = "INTUNE_KEYCHAIN_TEST_INNER";

fn main() -> ExitCode {
    if !cfg!(target_os = "linux") {
        println!("keychain: the Secret Service test runs on Linux; 0 passed, 0 failed");
        return ExitCode::SUCCESS;
    }
    if std::env::var_os(INNER).is_some() {
        return inner();
    }
    match outer() {
        Ok(()) => {
            println!("keychain: real Secret Service round trip: 1 passed, 0 failed");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("keychain: {error}");
            println!("keychain: 0 passed, 1 failed");
            ExitCode::FAILURE
        }
    }
}

fn outer() -> Result<(), String> {
    let keychain = test_keychain::TestKeychain::start()?;
    // The daemon claims its bus name asynchronously; the inner run retries its first call.
    let status = Command::new(std::env::current_exe().map_err(|e| e.to_string())?)
        .env(INNER, "1")
        .envs(keychain.env().iter().map(|(k, v)| (k, v)))
        .status()
        .map_err(|e| e.to_string())?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "the round trip inside the test desktop failed ({status})"
        ))
    }
}

fn inner() -> ExitCode {
    use intune_core::Secret;
    use intune_core::secret_store::{SecretKey, native};

    let mut store = None;
    for _ in 0..50 {
        match native() {
            Ok(found) => {
                store = Some(found);
                break;
            }
            Err(_) => std::thread::sleep(std::time::Duration::from_millis(100)),
        }
    }
    let Some(store) = store else {
        eprintln!("no Secret Service answered on the test bus");
        return ExitCode::FAILURE;
    };
    let key = SecretKey::new("Contoso", "refresh-token");
    let first = Secret::new(format!("0.AXkA-{}", "r".repeat(3000)));
    let second = Secret::new("0.AXkA-rotated");
    let checks = || -> intune_core::Result<bool> {
        store.set(&key, &first)?;
        let read_first = store
            .get(&key)?
            .is_some_and(|s| s.expose() == first.expose());
        store.set(&key, &second)?;
        let read_second = store
            .get(&key)?
            .is_some_and(|s| s.expose() == second.expose());
        store.delete(&key)?;
        let gone = store.get(&key)?.is_none();
        Ok(read_first && read_second && gone)
    };
    // The app and the CLI reach the keychain from async code: the same calls on a runtime's
    // worker thread must work too (they once panicked there).
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let from_async = runtime.block_on(async {
        tokio::spawn(async move {
            let store = native()?;
            let key = SecretKey::new("Contoso", "from-async");
            store.set(&key, &Secret::new("0.AXkA-async"))?;
            let read = store
                .get(&key)?
                .is_some_and(|s| s.expose() == "0.AXkA-async");
            store.delete(&key)?;
            Ok::<bool, intune_core::Error>(read)
        })
        .await
        .map_err(|e| intune_core::Error::Internal(format!("the async task failed: {e}")))?
    });
    match from_async {
        Ok(true) => {}
        Ok(false) => {
            eprintln!("from a runtime, the value read back was not the one stored");
            return ExitCode::FAILURE;
        }
        Err(error) => {
            eprintln!("from a runtime: {}", error.report().message);
            return ExitCode::FAILURE;
        }
    }
    match checks() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("a value read back was not the one stored, or was not deleted");
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("{}", error.report().message);
            ExitCode::FAILURE
        }
    }
}

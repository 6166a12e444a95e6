//! Secrets in the OS keychain, and nowhere else.
//!
//! [`RawStore`] is what every keychain offers: a secret per (service, account), perhaps with a
//! size limit. [`KeyringRaw`] provides it through keyring-core with whichever native store the
//! app chose at start-up. [`SecretStore`] adds what the app needs on top: one naming scheme per
//! profile, and secrets larger than the keychain allows (Windows Credential Manager holds 2560
//! bytes) split into parts, written so that a rotated refresh token replaces the old one
//! atomically: the parts first, then the small manifest that points at them.

use std::sync::Arc;

use crate::{Error, Result, Secret};

/// The keychain "service" every entry of the app lives under.
pub const SERVICE: &str = crate::APP_IDENTIFIER;
/// Windows Credential Manager's limit for one secret.
pub const WINDOWS_MAX_SECRET_BYTES: usize = 2560;

pub trait RawStore: Send + Sync {
    fn set(&self, account: &str, value: &[u8]) -> Result<()>;
    fn get(&self, account: &str) -> Result<Option<Vec<u8>>>;
    /// Deleting an entry that does not exist is not an error.
    fn delete(&self, account: &str) -> Result<()>;
    /// The largest secret one entry takes, if the platform limits it.
    fn max_len(&self) -> Option<usize>;
}

/// A keychain reached through keyring-core.
pub struct KeyringRaw {
    store: Arc<keyring_core::CredentialStore>,
    service: String,
    max_len: Option<usize>,
}

impl KeyringRaw {
    pub fn new(store: Arc<keyring_core::CredentialStore>, max_len: Option<usize>) -> Self {
        KeyringRaw {
            store,
            service: SERVICE.to_string(),
            max_len,
        }
    }

    fn entry(&self, account: &str) -> Result<keyring_core::Entry> {
        self.store
            .build(&self.service, account, None)
            .map_err(describe)
    }
}

/// keyring-core errors, described without their payloads: some variants carry the secret's bytes.
fn describe(error: keyring_core::Error) -> Error {
    use keyring_core::Error as K;
    Error::Keychain(match error {
        K::NoStorageAccess(e) => format!("access was refused ({e})"),
        K::PlatformFailure(e) => format!("the platform reported a failure ({e})"),
        K::NoEntry => "the entry does not exist".into(),
        K::BadEncoding(_) | K::BadDataFormat(..) => {
            "a stored value is not in the expected format".into()
        }
        K::BadStoreFormat(what) => format!("the store is damaged ({what})"),
        K::TooLong(what, limit) => format!("{what} is longer than the store's limit of {limit}"),
        K::Invalid(what, why) => format!("{what} is invalid: {why}"),
        K::Ambiguous(_) => "more than one entry matches".into(),
        other => format!(
            "unexpected keychain error ({})",
            std::any::type_name_of_val(&other)
        ),
    })
}

impl RawStore for KeyringRaw {
    fn set(&self, account: &str, value: &[u8]) -> Result<()> {
        self.entry(account)?.set_secret(value).map_err(describe)
    }

    fn get(&self, account: &str) -> Result<Option<Vec<u8>>> {
        match self.entry(account)?.get_secret() {
            Ok(value) => Ok(Some(value)),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(describe(e)),
        }
    }

    fn delete(&self, account: &str) -> Result<()> {
        match self.entry(account)?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(describe(e)),
        }
    }

    fn max_len(&self) -> Option<usize> {
        self.max_len
    }
}

/// The platform's keychain: Keychain on macOS, Credential Manager on Windows (secrets chunked
/// to its limit), the Secret Service on Linux. Chosen once at start-up. An error means there is
/// no usable keychain: the caller offers a session-only sign-in and never falls back to a file.
pub fn native() -> Result<SecretStore> {
    #[cfg(target_os = "linux")]
    let (store, limit): (Arc<keyring_core::CredentialStore>, _) = (
        dbus_secret_service_keyring_store::Store::new().map_err(describe)?,
        None,
    );
    #[cfg(target_os = "macos")]
    let (store, limit): (Arc<keyring_core::CredentialStore>, _) = (
        apple_native_keyring_store::keychain::Store::new().map_err(describe)?,
        None,
    );
    #[cfg(windows)]
    let (store, limit): (Arc<keyring_core::CredentialStore>, _) = (
        windows_native_keyring_store::Store::new().map_err(describe)?,
        Some(WINDOWS_MAX_SECRET_BYTES),
    );
    #[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
    return Err(Error::Keychain(
        "this platform has no supported keychain".into(),
    ));
    #[cfg(any(target_os = "linux", target_os = "macos", windows))]
    {
        let store = SecretStore::new(Arc::new(KeyringRaw::new(store, limit)));
        store.probe()?;
        Ok(store)
    }
}

/// Secrets held in this process's memory only, for the demo tenant: its PINs and passcodes are
/// simulated and must not outlive the simulated tenant, so they never reach the real keychain.
#[derive(Default)]
pub struct SessionMemory {
    entries: std::sync::Mutex<std::collections::HashMap<String, zeroize::Zeroizing<Vec<u8>>>>,
}

impl SessionMemory {
    pub fn store() -> SecretStore {
        SecretStore::new(Arc::new(SessionMemory::default()))
    }

    fn entries(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, zeroize::Zeroizing<Vec<u8>>>>
    {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl RawStore for SessionMemory {
    fn set(&self, account: &str, value: &[u8]) -> Result<()> {
        self.entries()
            .insert(account.to_string(), zeroize::Zeroizing::new(value.to_vec()));
        Ok(())
    }

    fn get(&self, account: &str) -> Result<Option<Vec<u8>>> {
        Ok(self.entries().get(account).map(|v| v.to_vec()))
    }

    fn delete(&self, account: &str) -> Result<()> {
        self.entries().remove(account);
        Ok(())
    }

    fn max_len(&self) -> Option<usize> {
        None
    }
}

/// Which secret: one profile's refresh token, client secret, a device's lock PIN, …
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretKey {
    pub profile: String,
    pub name: String,
}

impl SecretKey {
    pub fn new(profile: &str, name: &str) -> Self {
        SecretKey {
            profile: profile.to_string(),
            name: name.to_string(),
        }
    }

    fn account(&self) -> String {
        format!("{}/{}", self.profile, self.name)
    }

    fn part(&self, generation: u64, index: usize) -> String {
        format!("{}#{generation}.{index}", self.account())
    }
}

// A stored value that starts with this byte is a manifest: a real secret never does (they are
// printable text).
const MANIFEST: &str = "\u{1}parts:";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Manifest {
    generation: u64,
    parts: usize,
}

impl Manifest {
    fn parse(value: &[u8]) -> Option<Manifest> {
        let text = std::str::from_utf8(value).ok()?.strip_prefix(MANIFEST)?;
        let (generation, parts) = text.split_once(':')?;
        Some(Manifest {
            generation: generation.parse().ok()?,
            parts: parts.parse().ok()?,
        })
    }

    fn render(self) -> String {
        format!("{MANIFEST}{}:{}", self.generation, self.parts)
    }
}

#[derive(Clone)]
pub struct SecretStore {
    raw: Arc<dyn RawStore>,
}

impl SecretStore {
    pub fn new(raw: Arc<dyn RawStore>) -> Self {
        SecretStore { raw }
    }

    /// Reads an entry that never exists: fails when the keychain is locked, absent or refuses.
    pub fn probe(&self) -> Result<()> {
        self.raw.get("probe/keychain-available").map(|_| ())
    }

    pub fn set(&self, key: &SecretKey, secret: &Secret) -> Result<()> {
        let account = key.account();
        let old = self.raw.get(&account)?.and_then(|v| Manifest::parse(&v));
        let bytes = secret.expose().as_bytes();
        match self.raw.max_len() {
            Some(limit) if bytes.len() > limit => {
                let generation = old.map_or(1, |m| m.generation + 1);
                let chunks: Vec<&[u8]> = bytes.chunks(limit).collect();
                for (index, chunk) in chunks.iter().enumerate() {
                    self.raw.set(&key.part(generation, index), chunk)?;
                }
                let manifest = Manifest {
                    generation,
                    parts: chunks.len(),
                };
                self.raw.set(&account, manifest.render().as_bytes())?;
            }
            _ => self.raw.set(&account, bytes)?,
        }
        if let Some(old) = old {
            self.delete_parts(key, old)?;
        }
        Ok(())
    }

    pub fn get(&self, key: &SecretKey) -> Result<Option<Secret>> {
        let Some(value) = self.raw.get(&key.account())? else {
            return Ok(None);
        };
        let bytes = match Manifest::parse(&value) {
            None => value,
            Some(manifest) => {
                let mut joined = Vec::new();
                for index in 0..manifest.parts {
                    let part = self
                        .raw
                        .get(&key.part(manifest.generation, index))?
                        .ok_or_else(|| {
                            Error::Keychain(format!(
                                "part {index} of {} is missing; sign in again",
                                key.name
                            ))
                        })?;
                    joined.extend_from_slice(&part);
                }
                joined
            }
        };
        String::from_utf8(bytes)
            .map(|text| Some(Secret::new(text)))
            .map_err(|_| {
                Error::Keychain(format!(
                    "the stored {} is not text; sign in again",
                    key.name
                ))
            })
    }

    pub fn delete(&self, key: &SecretKey) -> Result<()> {
        let account = key.account();
        if let Some(manifest) = self.raw.get(&account)?.and_then(|v| Manifest::parse(&v)) {
            self.delete_parts(key, manifest)?;
        }
        self.raw.delete(&account)
    }

    fn delete_parts(&self, key: &SecretKey, manifest: Manifest) -> Result<()> {
        (0..manifest.parts)
            .try_for_each(|index| self.raw.delete(&key.part(manifest.generation, index)))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Mutex;

    use super::*;

    /// A keychain with Windows' size limit that can be told to fail the Nth write.
    #[derive(Default)]
    struct LimitedFake {
        entries: Mutex<HashMap<String, Vec<u8>>>,
        fail_on_write: Mutex<Option<usize>>,
    }

    impl RawStore for LimitedFake {
        fn set(&self, account: &str, value: &[u8]) -> Result<()> {
            if value.len() > WINDOWS_MAX_SECRET_BYTES {
                return Err(Error::Keychain("too long for Credential Manager".into()));
            }
            let mut fail = self.fail_on_write.lock().expect("lock");
            if let Some(n) = fail.as_mut() {
                if *n == 0 {
                    return Err(Error::Keychain("the keychain went away".into()));
                }
                *n -= 1;
            }
            self.entries
                .lock()
                .expect("lock")
                .insert(account.into(), value.to_vec());
            Ok(())
        }

        fn get(&self, account: &str) -> Result<Option<Vec<u8>>> {
            Ok(self.entries.lock().expect("lock").get(account).cloned())
        }

        fn delete(&self, account: &str) -> Result<()> {
            self.entries.lock().expect("lock").remove(account);
            Ok(())
        }

        fn max_len(&self) -> Option<usize> {
            Some(WINDOWS_MAX_SECRET_BYTES)
        }
    }

    fn token(len: usize, seed: char) -> Secret {
        Secret::new(std::iter::repeat_n(seed, len).collect::<String>())
    }

    #[test]
    fn a_token_over_the_windows_limit_is_split_and_joined_again() {
        let fake = Arc::new(LimitedFake::default());
        let store = SecretStore::new(fake.clone());
        let key = SecretKey::new("Contoso", "refresh-token");
        let long = token(6000, 'a');
        store.set(&key, &long).expect("stored in parts");
        assert_eq!(
            store.get(&key).expect("read").as_ref().map(Secret::expose),
            Some(long.expose())
        );
        let entries = fake.entries.lock().expect("lock");
        assert_eq!(
            entries.len(),
            4,
            "a manifest and three parts: {:?}",
            entries.keys()
        );
        assert!(
            entries
                .values()
                .all(|v| v.len() <= WINDOWS_MAX_SECRET_BYTES)
        );
    }

    #[test]
    fn rotation_replaces_the_old_parts_and_leaves_none_behind() {
        let fake = Arc::new(LimitedFake::default());
        let store = SecretStore::new(fake.clone());
        let key = SecretKey::new("Contoso", "refresh-token");
        store.set(&key, &token(6000, 'a')).expect("first");
        store.set(&key, &token(3000, 'b')).expect("rotated");
        assert_eq!(
            store
                .get(&key)
                .expect("read")
                .map(|s| s.expose().to_string()),
            Some("b".repeat(3000))
        );
        assert_eq!(
            fake.entries.lock().expect("lock").len(),
            3,
            "manifest + two new parts only"
        );
        store.set(&key, &token(100, 'c')).expect("short again");
        assert_eq!(fake.entries.lock().expect("lock").len(), 1);
        store.delete(&key).expect("delete");
        assert!(fake.entries.lock().expect("lock").is_empty());
        assert!(store.get(&key).expect("read").is_none());
    }

    #[test]
    fn a_write_that_fails_half_way_leaves_the_old_token_readable() {
        let fake = Arc::new(LimitedFake::default());
        let store = SecretStore::new(fake.clone());
        let key = SecretKey::new("Contoso", "refresh-token");
        store.set(&key, &token(6000, 'a')).expect("first");
        *fake.fail_on_write.lock().expect("lock") = Some(2); // two new parts land, then failure
        assert!(store.set(&key, &token(7000, 'b')).is_err());
        *fake.fail_on_write.lock().expect("lock") = None;
        assert_eq!(
            store
                .get(&key)
                .expect("read")
                .map(|s| s.expose().to_string()),
            Some("a".repeat(6000))
        );
    }

    #[test]
    fn profiles_do_not_share_entries() {
        let store = SecretStore::new(Arc::new(LimitedFake::default()));
        store
            .set(
                &SecretKey::new("Contoso", "refresh-token"),
                &Secret::new("one"),
            )
            .expect("set");
        store
            .set(
                &SecretKey::new("Fabrikam", "refresh-token"),
                &Secret::new("two"),
            )
            .expect("set");
        let read = |p| {
            store
                .get(&SecretKey::new(p, "refresh-token"))
                .expect("get")
                .map(|s| s.expose().to_string())
        };
        assert_eq!(read("Contoso").as_deref(), Some("one"));
        assert_eq!(read("Fabrikam").as_deref(), Some("two"));
    }

    #[test]
    fn keyring_core_mock_store_round_trips_through_the_real_api() {
        let mock: Arc<keyring_core::CredentialStore> =
            keyring_core::mock::Store::new().expect("mock store");
        let store = SecretStore::new(Arc::new(KeyringRaw::new(mock, None)));
        let key = SecretKey::new("Contoso", "client-secret");
        assert!(store.get(&key).expect("empty").is_none());
        store.set(&key, &Secret::new("s3cr3t~value")).expect("set");
        assert_eq!(
            store
                .get(&key)
                .expect("get")
                .map(|s| s.expose().to_string())
                .as_deref(),
            Some("s3cr3t~value")
        );
        store.delete(&key).expect("delete");
        store.delete(&key).expect("deleting again is fine");
        assert!(store.get(&key).expect("gone").is_none());
    }

    #[test]
    fn keychain_errors_never_carry_the_secret() {
        let secret_bytes = b"0.AXkA-refresh".to_vec();
        let err = describe(keyring_core::Error::BadEncoding(secret_bytes));
        assert!(!err.to_string().contains("AXkA"), "{err}");
        assert_eq!(err.kind(), crate::ErrorKind::KeychainUnavailable);
    }
}

//! The OS keychain entry that keeps a remembered session ("remember me").
//!
//! The entry's service is [`SERVICE`] and its account names the app's data dir, so an e2e run
//! with its own data dir never reads or replaces the user's saved session. Every call blocks on
//! the platform store (D-Bus for the Secret Service), so async callers run it with
//! `spawn_blocking`.

use std::fmt;
use std::sync::{Arc, Once};

use keyring_core::{CredentialStore, Entry};
use pers_library::Secret;

/// Service name of the keychain entry.
pub const SERVICE: &str = "pers-asset-manager";

/// A failed keychain call. The messages never contain the stored text.
#[derive(Debug, thiserror::Error)]
pub enum KeychainError {
    /// No keychain could be opened on this system, for example because no Secret Service
    /// runs in the desktop session.
    #[error("the OS keychain is not available ({reason}), so the session cannot be saved")]
    Unavailable {
        /// The keyring crate's message.
        reason: String,
    },

    /// The keychain was opened, but reading, writing or deleting the entry failed.
    #[error("the OS keychain failed to {action} the saved session ({reason})")]
    Failed {
        /// `open`, `read`, `save` or `delete`, or `reach` when the blocking task failed.
        action: &'static str,
        /// The keyring crate's message, which names no secret.
        reason: String,
    },
}

/// The keychain entry of one data dir, in the OS keychain or in a test store.
#[derive(Clone)]
pub struct Keychain {
    store: StoreSource,
    account: String,
}

/// Where a [`Keychain`] keeps its entry.
#[derive(Clone)]
enum StoreSource {
    /// The platform's store, opened at the first call, because opening it may block on D-Bus.
    Os,
    /// A store given by the caller.
    Given(Arc<CredentialStore>),
    /// No store, for the reason given.
    Unavailable(String),
}

impl fmt::Debug for Keychain {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let store = match &self.store {
            StoreSource::Os => "OS keychain".to_owned(),
            StoreSource::Given(store) => store.id(),
            StoreSource::Unavailable(reason) => format!("unavailable: {reason}"),
        };
        formatter
            .debug_struct("Keychain")
            .field("store", &store)
            .field("account", &self.account)
            .finish()
    }
}

impl Keychain {
    /// Returns the entry `account` in the platform's keychain as the keyring crate chooses it:
    /// the Secret Service on Linux and the BSDs, Keychain Services on macOS, the Credential
    /// Manager on Windows.
    ///
    /// The store is opened at the first call. When it cannot be opened, every call returns
    /// [`KeychainError::Unavailable`] with the reason.
    pub fn os(account: impl Into<String>) -> Keychain {
        Keychain {
            store: StoreSource::Os,
            account: account.into(),
        }
    }

    /// Returns the entry `account` in `store`, such as keyring-core's mock store in tests.
    pub fn in_store(store: Arc<CredentialStore>, account: impl Into<String>) -> Keychain {
        Keychain {
            store: StoreSource::Given(store),
            account: account.into(),
        }
    }

    /// Returns an entry in a new in-memory mock store (keyring-core's `mock::Store`), for tests.
    ///
    /// Fails only when keyring-core cannot create the mock store.
    pub fn mock(account: impl Into<String>) -> Result<Keychain, KeychainError> {
        let store =
            keyring_core::mock::Store::new().map_err(|error| KeychainError::Unavailable {
                reason: error.to_string(),
            })?;
        Ok(Keychain::in_store(store, account))
    }

    /// Returns a keychain whose every call fails with [`KeychainError::Unavailable`], as on a
    /// system without one.
    pub fn unavailable(reason: impl Into<String>) -> Keychain {
        Keychain {
            store: StoreSource::Unavailable(reason.into()),
            account: String::new(),
        }
    }

    /// Opens the store without reading or writing an entry. Fails with
    /// [`KeychainError::Unavailable`] and the reason when there is no keychain to open.
    pub fn check(&self) -> Result<(), KeychainError> {
        self.entry().map(|_| ())
    }

    /// Reads the saved text; `None` when nothing is saved.
    pub fn load(&self) -> Result<Option<Secret>, KeychainError> {
        match self.entry()?.get_password() {
            Ok(text) => Ok(Some(Secret::new(text))),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(error) => Err(failed("read", &error)),
        }
    }

    /// Saves `text`, replacing what was saved before.
    pub fn save(&self, text: &Secret) -> Result<(), KeychainError> {
        self.entry()?
            .set_password(text.expose())
            .map_err(|error| failed("save", &error))
    }

    /// Deletes the saved text; succeeds when nothing was saved.
    pub fn delete(&self) -> Result<(), KeychainError> {
        match self.entry()?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(error) => Err(failed("delete", &error)),
        }
    }

    fn entry(&self) -> Result<Entry, KeychainError> {
        let store = match &self.store {
            StoreSource::Os => os_store()?,
            StoreSource::Given(store) => Arc::clone(store),
            StoreSource::Unavailable(reason) => {
                return Err(KeychainError::Unavailable {
                    reason: reason.clone(),
                });
            }
        };
        Entry::new_in_store(&store, SERVICE, &self.account).map_err(|error| failed("open", &error))
    }
}

/// Returns the platform's store. The keyring crate opens it once per process and keeps the
/// result, so a missing store is logged once.
fn os_store() -> Result<Arc<CredentialStore>, KeychainError> {
    let opened = match keyring::Entry::store_status() {
        Ok(()) => keyring_core::get_default_store()
            .ok_or_else(|| "the keyring crate set no default store".to_owned()),
        Err(error) => Err(error.to_string()),
    };
    opened.map_err(|reason| {
        static LOGGED: Once = Once::new();
        LOGGED.call_once(|| {
            tracing::warn!(%reason, "the OS keychain is not available; remember me is off");
        });
        KeychainError::Unavailable { reason }
    })
}

fn failed(action: &'static str, error: &keyring_core::Error) -> KeychainError {
    KeychainError::Failed {
        action,
        reason: error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn mock_entry_round_trips() {
        let keychain = Keychain::mock("session /tmp/data").unwrap();
        assert!(keychain.load().unwrap().is_none(), "nothing saved yet");

        keychain
            .save(&Secret::new("saved text".to_owned()))
            .unwrap();
        let loaded = keychain.load().unwrap().unwrap();
        keychain.delete().unwrap();

        assert_eq!(loaded.expose(), "saved text");
        assert!(keychain.load().unwrap().is_none(), "deleted");
        keychain.delete().unwrap();
    }

    #[test]
    fn clones_share_the_entry() {
        let keychain = Keychain::mock("session /tmp/data").unwrap();
        let clone = keychain.clone();

        keychain.save(&Secret::new("one".to_owned())).unwrap();

        assert_eq!(clone.load().unwrap().unwrap().expose(), "one");
    }

    #[test]
    fn accounts_are_separate() {
        let store: Arc<CredentialStore> = keyring_core::mock::Store::new().unwrap();
        let first = Keychain::in_store(Arc::clone(&store), "session /a");
        let second = Keychain::in_store(store, "session /b");

        first.save(&Secret::new("a".to_owned())).unwrap();

        assert!(second.load().unwrap().is_none());
    }

    #[test]
    fn unavailable_keychain_says_why() {
        let keychain = Keychain::unavailable("no Secret Service on the session bus");

        let error = keychain.save(&Secret::new("text".to_owned())).unwrap_err();

        assert!(matches!(error, KeychainError::Unavailable { .. }));
        assert!(error.to_string().contains("no Secret Service"), "{error}");
        assert!(keychain.load().is_err());
        assert!(matches!(
            keychain.check(),
            Err(KeychainError::Unavailable { .. })
        ));
    }

    #[test]
    fn mock_keychain_checks_ok() {
        let keychain = Keychain::mock("session").unwrap();

        assert!(keychain.check().is_ok());
        assert!(keychain.load().unwrap().is_none(), "checking saves nothing");
    }

    /// Saves, reads and deletes one entry in the real OS keychain. It runs only with
    /// `PERS_SECRET_SERVICE_TEST=1`, because it needs an unlocked Secret Service, for example
    /// gnome-keyring-daemon under `dbus-run-session`.
    #[test]
    fn os_keychain_round_trips() {
        if std::env::var_os("PERS_SECRET_SERVICE_TEST").is_none() {
            println!(
                "skipped: set PERS_SECRET_SERVICE_TEST=1 in a D-Bus session with an unlocked \
                 Secret Service to test the OS keychain"
            );
            return;
        }
        let keychain = Keychain::os(format!("keychain test {}", std::process::id()));
        let text = Secret::new(r#"{"refreshToken":"test-token"}"#.to_owned());

        keychain.check().unwrap();
        keychain.save(&text).unwrap();
        let loaded = keychain.load().unwrap().unwrap();
        keychain.delete().unwrap();

        assert_eq!(loaded.expose(), text.expose());
        assert!(keychain.load().unwrap().is_none(), "deleted");
    }
}

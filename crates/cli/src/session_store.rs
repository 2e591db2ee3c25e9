//! The store of the saved session between two commands.
//!
//! The saved text is [`pers_library::RememberedSession::to_secret`]: the API base URL, the
//! project key and the refresh token. It is never written to a plain file. By default it goes
//! to the OS keychain, under the service [`SERVICE`] and an account that names the data dir.
//! With `PERS_CLI_SESSION_STORE=env` the user keeps it in the `PERS_CLI_SESSION` environment
//! variable: `login` prints `PERS_CLI_SESSION=…` for the shell to export, for machines without
//! a keychain such as CI.

use std::path::Path;

use pers_library::Secret;

use crate::error::CommandError;

/// Service name of the keychain entry.
pub(crate) const SERVICE: &str = "pers-assets";

/// The environment variable that picks the store: `keychain` (default) or `env`.
pub(crate) const STORE_VARIABLE: &str = "PERS_CLI_SESSION_STORE";

/// The environment variable that contains the session with `PERS_CLI_SESSION_STORE=env`.
pub(crate) const SESSION_VARIABLE: &str = "PERS_CLI_SESSION";

/// The store of the saved session.
#[derive(Clone, Debug)]
pub(crate) enum SessionStore {
    /// The OS keychain entry of this account name.
    Keychain {
        /// The keychain account, naming the data dir.
        account: String,
    },
    /// The `PERS_CLI_SESSION` environment variable, which the user exports.
    Environment,
}

impl SessionStore {
    /// Picks the store that `PERS_CLI_SESSION_STORE` names, for the data dir `data_dir`.
    ///
    /// Fails with a usage error for any value other than `keychain` or `env`.
    pub(crate) fn from_environment(data_dir: &Path) -> Result<SessionStore, CommandError> {
        let choice = std::env::var(STORE_VARIABLE).unwrap_or_default();
        match choice.as_str() {
            "" | "keychain" => Ok(SessionStore::Keychain {
                account: format!("session {}", data_dir.display()),
            }),
            "env" => Ok(SessionStore::Environment),
            other => Err(CommandError::Usage(format!(
                "{STORE_VARIABLE}={other} is not a session store: use `keychain` (the default) \
                 or `env`"
            ))),
        }
    }

    /// Reads the saved session text; `None` when nothing is saved.
    pub(crate) async fn load(&self) -> Result<Option<Secret>, CommandError> {
        match self {
            SessionStore::Environment => Ok(std::env::var(SESSION_VARIABLE)
                .ok()
                .filter(|text| !text.trim().is_empty())
                .map(Secret::new)),
            SessionStore::Keychain { account } => {
                let account = account.clone();
                run_blocking(move || keychain::load(&account)).await
            }
        }
    }

    /// Saves the session text. The environment store cannot change its variable, so it
    /// returns the line for the user to export, and the keychain returns `None`.
    pub(crate) async fn save(&self, text: Secret) -> Result<Option<Secret>, CommandError> {
        match self {
            SessionStore::Environment => Ok(Some(Secret::new(format!(
                "{SESSION_VARIABLE}={}",
                text.expose()
            )))),
            SessionStore::Keychain { account } => {
                let account = account.clone();
                run_blocking(move || keychain::save(&account, &text)).await?;
                Ok(None)
            }
        }
    }

    /// Deletes the saved session; succeeds when nothing was saved. The environment store
    /// cannot unset the user's variable, so it changes nothing.
    pub(crate) async fn delete(&self) -> Result<(), CommandError> {
        match self {
            SessionStore::Environment => Ok(()),
            SessionStore::Keychain { account } => {
                let account = account.clone();
                run_blocking(move || keychain::delete(&account)).await
            }
        }
    }
}

/// Runs a keychain call on the blocking pool, because it waits on D-Bus or the platform store.
async fn run_blocking<T: Send + 'static>(
    call: impl FnOnce() -> Result<T, CommandError> + Send + 'static,
) -> Result<T, CommandError> {
    tokio::task::spawn_blocking(call).await.map_err(|error| {
        CommandError::SessionStore(format!("the OS keychain call failed: {error}"))
    })?
}

mod keychain {
    //! Calls of the keyring crate; its messages name no secret.

    use pers_library::Secret;

    use super::{SERVICE, STORE_VARIABLE};
    use crate::error::CommandError;

    pub(super) fn load(account: &str) -> Result<Option<Secret>, CommandError> {
        match entry(account)?.get_password() {
            Ok(text) => Ok(Some(Secret::new(text))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(error) => Err(failed("read", &error)),
        }
    }

    pub(super) fn save(account: &str, text: &Secret) -> Result<(), CommandError> {
        entry(account)?
            .set_password(text.expose())
            .map_err(|error| failed("save", &error))
    }

    pub(super) fn delete(account: &str) -> Result<(), CommandError> {
        match entry(account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(error) => Err(failed("delete", &error)),
        }
    }

    fn entry(account: &str) -> Result<keyring::Entry, CommandError> {
        if let Err(error) = keyring::Entry::store_status() {
            return Err(CommandError::SessionStore(format!(
                "the OS keychain is not available ({error}): start a Secret Service (such as \
                 gnome-keyring) or set {STORE_VARIABLE}=env to keep the session in an \
                 environment variable"
            )));
        }
        keyring::Entry::new(SERVICE, account).map_err(|error| failed("open", &error))
    }

    fn failed(action: &str, error: &keyring::Error) -> CommandError {
        CommandError::SessionStore(format!(
            "the OS keychain failed to {action} the saved session ({error}); set \
             {STORE_VARIABLE}=env to keep the session in an environment variable instead"
        ))
    }
}

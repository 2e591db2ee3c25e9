//! "Remember me": saving the session in the OS keychain at sign-in, resuming it at start, and
//! wiping it at sign-out.

use std::sync::{Arc, Mutex};

use pers_library::{Library, RememberedSession, Secret, SessionInfo};

use crate::error::CommandError;
use crate::keychain::{Keychain, KeychainError};
use crate::sandbox::SandboxState;

/// The keychain entry and the remembered session of this run, when the user chose to be
/// remembered. Clones share both.
#[derive(Clone)]
pub struct RememberState {
    keychain: Keychain,
    /// The session saved in the keychain, kept to save it again after a token refresh.
    current: Arc<Mutex<Option<RememberedSession>>>,
}

impl RememberState {
    /// Creates the state over `keychain`, with nothing remembered yet.
    pub fn new(keychain: Keychain) -> Self {
        RememberState {
            keychain,
            current: Arc::new(Mutex::new(None)),
        }
    }

    /// Saves the session just signed in to the keychain when `remember` is set, and wipes any
    /// saved session otherwise.
    ///
    /// Returns the reason when the session could not be saved. The user stays signed in.
    pub async fn after_sign_in(
        &self,
        library: &Library,
        project_key: &str,
        remember: bool,
    ) -> Option<String> {
        if !remember {
            self.forget().await;
            return None;
        }
        let remembered = match library.remember_session(project_key) {
            Ok(remembered) => remembered,
            Err(error) => return Some(error.to_string()),
        };
        self.set_current(Some(remembered.clone()));
        match self
            .run(move |keychain| keychain.save(&remembered.to_secret()))
            .await
        {
            Ok(()) => {
                tracing::info!("session saved in the OS keychain");
                self.save_on_refresh(library);
                None
            }
            Err(error) => {
                tracing::warn!(%error, "the session could not be saved in the OS keychain");
                self.set_current(None);
                Some(error.to_string())
            }
        }
    }

    /// Returns why no session can be remembered, when the OS keychain cannot be opened; `None`
    /// when it can.
    pub async fn unavailable_reason(&self) -> Option<String> {
        match self.run(|keychain| keychain.check()).await {
            Ok(()) => None,
            Err(KeychainError::Unavailable { reason }) => Some(reason),
            Err(error) => Some(error.to_string()),
        }
    }

    /// Wipes the saved session. A failure is logged, because signing out goes on regardless.
    pub async fn forget(&self) {
        self.set_current(None);
        match self.run(|keychain| keychain.delete()).await {
            Ok(()) => tracing::debug!("no session is saved in the OS keychain"),
            Err(KeychainError::Unavailable { .. }) => {}
            Err(error) => tracing::warn!(%error, "the saved session could not be wiped"),
        }
    }

    /// Resumes the session saved in the keychain and returns it. Returns `None` when nothing is
    /// saved or no keychain is available, and the current session when there already is one.
    ///
    /// A sandbox session is resumed against the running embedded sandbox, whose port changes
    /// on every start. When the saved session cannot be read or the server rejects it, the
    /// entry is wiped and the error returned; network errors keep it for the next start.
    pub async fn resume(
        &self,
        library: &Library,
        sandbox: &SandboxState,
    ) -> Result<Option<SessionInfo>, CommandError> {
        if let Some(current) = library.session_info() {
            return Ok(Some(current));
        }
        let text = match self.run(|keychain| keychain.load()).await {
            Ok(Some(text)) => text,
            Ok(None) | Err(KeychainError::Unavailable { .. }) => return Ok(None),
            Err(error) => return Err(error.into()),
        };
        let mut remembered = match RememberedSession::from_secret(text.expose()) {
            Ok(remembered) => remembered,
            Err(error) => {
                self.forget().await;
                return Err(error.into());
            }
        };
        if remembered.environment == "sandbox" {
            let details = sandbox.details().await?;
            remembered.base_url = details.base_url().to_owned();
            remembered.project_key = Secret::new(details.project_key().to_owned());
        }
        let info = match library.resume_session(&remembered).await {
            Ok(info) => info,
            Err(error) => {
                tracing::warn!(%error, "the saved session could not be resumed");
                if !error.is_retryable() {
                    self.forget().await;
                }
                return Err(error.into());
            }
        };
        self.set_current(Some(remembered));
        self.save_if_refreshed(library).await;
        self.save_on_refresh(library);
        Ok(Some(info))
    }

    /// Saves the remembered session again after each token refresh of the current session,
    /// from a background task that ends with the session. A refresh made by a long upload,
    /// with no command running, thereby reaches the keychain at once.
    fn save_on_refresh(&self, library: &Library) {
        let Some(mut updates) = library.refresh_token_updates() else {
            return;
        };
        let remember = self.clone();
        let library = library.clone();
        tauri::async_runtime::spawn(async move {
            while updates.changed().await.is_ok() {
                if updates.borrow_and_update().session_ended {
                    break;
                }
                remember.save_if_refreshed(&library).await;
            }
        });
    }

    /// Saves the remembered session again when a token refresh has replaced its refresh
    /// token. Failures are logged, and the next call tries again.
    ///
    /// Runs after the commands that use the session, and after each token refresh (see
    /// [`RememberState::save_on_refresh`]).
    pub async fn save_if_refreshed(&self, library: &Library) {
        let changed = {
            let mut current = self.lock();
            match current.as_mut() {
                Some(remembered) => library
                    .update_remembered(remembered)
                    .then(|| remembered.clone()),
                None => None,
            }
        };
        let Some(remembered) = changed else {
            return;
        };
        let generation = remembered.generation;
        match self
            .run(move |keychain| keychain.save(&remembered.to_secret()))
            .await
        {
            Ok(()) => tracing::info!(generation, "refreshed session saved in the OS keychain"),
            Err(error) => {
                tracing::warn!(%error, generation, "the refreshed session could not be saved");
                // Marks the copy as stale, so the next call saves it again.
                if let Some(current) = self.lock().as_mut() {
                    current.generation = 0;
                }
            }
        }
    }

    fn set_current(&self, remembered: Option<RememberedSession>) {
        *self.lock() = remembered;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<RememberedSession>> {
        self.current
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs a blocking keychain call off the async workers.
    async fn run<T: Send + 'static>(
        &self,
        call: impl FnOnce(&Keychain) -> Result<T, KeychainError> + Send + 'static,
    ) -> Result<T, KeychainError> {
        let keychain = self.keychain.clone();
        tauri::async_runtime::spawn_blocking(move || call(&keychain))
            .await
            .unwrap_or_else(|error| {
                Err(KeychainError::Failed {
                    action: "reach",
                    reason: format!("the keychain task failed: {error}"),
                })
            })
    }
}

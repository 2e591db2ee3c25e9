//! "Remember me": what a front end keeps in the OS keychain to resume a session after a
//! restart, and resuming from it.

use std::sync::Arc;

use pers_api::{ApiClient, AuthType, Secret};
use serde::{Deserialize, Serialize};

use crate::Library;
use crate::error::LibraryError;
use crate::session::SignedIn;
use crate::types::SessionInfo;

/// Version of the keychain form written by [`RememberedSession::to_secret`].
const FORMAT_VERSION: u32 = 1;

/// A session kept for the next start of the app.
///
/// It contains the refresh token and the project key, so a front end keeps it only in the OS
/// keychain, in the form [`RememberedSession::to_secret`] returns, and never in a plain file.
/// `Debug` shows neither secret.
#[derive(Clone, Debug)]
pub struct RememberedSession {
    /// The environment given at sign-in: `sandbox`, `production` or `custom`.
    pub environment: String,
    /// The API base URL. The embedded sandbox gets a new port on every start, so a front end
    /// replaces it (and the project key) with the running sandbox's before resuming.
    pub base_url: String,
    /// The tenant's project key (`x-project-key`).
    pub project_key: Secret,
    /// The session kind.
    pub kind: AuthType,
    /// The signed-in account's email, for display.
    pub email: String,
    /// The business a staff session acts for.
    pub business_id: Option<String>,
    /// That business's display name, when it was known.
    pub business_name: Option<String>,
    /// The PERS refresh token that [`Library::resume_session`] exchanges for a new session.
    pub refresh_token: Secret,
    /// [`pers_api::Session::generation`] of the token pair `refresh_token` came from; not
    /// stored in the keychain.
    pub generation: u64,
    /// The catalog scope of the session's environment and tenant, so a resumed session uses
    /// the same local catalog and journal as the one it was saved from.
    environment_key: String,
}

/// The keychain form of [`RememberedSession`], with field names that stay stable.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredSession {
    version: u32,
    environment: String,
    base_url: String,
    project_key: String,
    kind: AuthType,
    email: String,
    business_id: Option<String>,
    business_name: Option<String>,
    refresh_token: String,
    environment_key: String,
}

impl RememberedSession {
    /// Returns the JSON text to keep in the OS keychain. It contains the refresh token and
    /// the project key.
    pub fn to_secret(&self) -> Secret {
        let stored = StoredSession {
            version: FORMAT_VERSION,
            environment: self.environment.clone(),
            base_url: self.base_url.clone(),
            project_key: self.project_key.expose().to_owned(),
            kind: self.kind,
            email: self.email.clone(),
            business_id: self.business_id.clone(),
            business_name: self.business_name.clone(),
            refresh_token: self.refresh_token.expose().to_owned(),
            environment_key: self.environment_key.clone(),
        };
        // serde_json fails only on maps with non-string keys and on failing `Serialize` impls,
        // and this struct of strings and a unit enum has neither.
        Secret::new(serde_json::to_string(&stored).unwrap_or_default())
    }

    /// Reads the text that [`RememberedSession::to_secret`] returned.
    ///
    /// Fails with [`crate::ErrorCode::InvalidInput`] when the text is not that JSON or has
    /// another version; the message names the position of the problem, never the text.
    pub fn from_secret(text: &str) -> Result<Self, LibraryError> {
        let stored: StoredSession = serde_json::from_str(text).map_err(|error| {
            LibraryError::InvalidRequest(format!(
                "the saved session is not valid ({:?} error at line {} column {}); sign in \
                 again",
                error.classify(),
                error.line(),
                error.column()
            ))
        })?;
        if stored.version != FORMAT_VERSION {
            return Err(LibraryError::InvalidRequest(format!(
                "the saved session has format version {}, and this app reads version \
                 {FORMAT_VERSION}; sign in again",
                stored.version
            )));
        }
        Ok(RememberedSession {
            environment: stored.environment,
            base_url: stored.base_url,
            project_key: Secret::new(stored.project_key),
            kind: stored.kind,
            email: stored.email,
            business_id: stored.business_id,
            business_name: stored.business_name,
            refresh_token: Secret::new(stored.refresh_token),
            generation: 0,
            environment_key: stored.environment_key,
        })
    }
}

impl Library {
    /// Returns what to keep in the OS keychain to resume the current session on the next
    /// start. `project_key` is the key the session was signed in with, because the core does
    /// not keep it.
    ///
    /// Fails with [`LibraryError::NotSignedIn`] when nobody is signed in.
    pub fn remember_session(&self, project_key: &str) -> Result<RememberedSession, LibraryError> {
        let signed_in = self.current()?;
        let info = &signed_in.info;
        Ok(RememberedSession {
            environment: info.environment.clone(),
            base_url: info.base_url.clone(),
            project_key: Secret::new(project_key.to_owned()),
            kind: info.kind,
            email: info.email.clone(),
            business_id: info.business_id.clone(),
            business_name: info.business_name.clone(),
            refresh_token: signed_in.session.refresh_token(),
            generation: signed_in.session.generation(),
            environment_key: signed_in.environment_key.clone(),
        })
    }

    /// Puts the current session's refresh token into `remembered` when a refresh has replaced
    /// it since, and returns whether it did; the caller then saves `remembered` again.
    ///
    /// Returns false when nobody is signed in, the session has ended, or the current session
    /// belongs to another environment, tenant or kind than `remembered`.
    pub fn update_remembered(&self, remembered: &mut RememberedSession) -> bool {
        let Ok(signed_in) = self.current() else {
            return false;
        };
        let session = &signed_in.session;
        let same = signed_in.environment_key == remembered.environment_key
            && signed_in.info.kind == remembered.kind
            && !session.is_ended();
        // The token itself is compared, not only the generation: a resumed session starts
        // counting again, so its first refresh can have the generation of the saved one.
        let current = session.refresh_token();
        let unchanged = session.generation() == remembered.generation
            && current.expose() == remembered.refresh_token.expose();
        if !same || unchanged {
            return false;
        }
        remembered.refresh_token = current;
        remembered.generation = session.generation();
        true
    }

    /// Returns a receiver that wakes after each token refresh of the current session, and once
    /// when a rejected refresh ends it; `None` when no user is signed in. A caller that
    /// remembers the session calls [`Library::update_remembered`] on each wake-up and saves the
    /// result, so a refresh made by a long upload reaches the keychain at once.
    pub fn refresh_token_updates(
        &self,
    ) -> Option<tokio::sync::watch::Receiver<pers_api::RefreshTokenUpdate>> {
        let signed_in = self.current().ok()?;
        Some(signed_in.session.refresh_token_updates())
    }

    /// Opens a session from `remembered` (`POST /auth/refresh`), makes it current, and returns
    /// it. Call [`Library::update_remembered`] afterwards, because the refresh may have
    /// replaced the refresh token.
    ///
    /// Fails with the session-expired error ([`crate::ErrorCode::NotSignedIn`]) when the
    /// server rejects the refresh token, and with a network error when it cannot be reached.
    pub async fn resume_session(
        &self,
        remembered: &RememberedSession,
    ) -> Result<SessionInfo, LibraryError> {
        let api = ApiClient::new(
            self.inner.http.clone(),
            &remembered.base_url,
            remembered.project_key.clone(),
        )
        .map_err(|source| LibraryError::api("reading the saved API address", source))?;
        let session = api
            .resume_session(&remembered.refresh_token, remembered.kind)
            .await
            .map_err(|source| LibraryError::api("resuming the saved session", source))?;
        let info = SessionInfo {
            environment: remembered.environment.clone(),
            base_url: api.base_url().to_string(),
            email: remembered.email.clone(),
            kind: remembered.kind,
            business_id: session
                .business_id()
                .or_else(|| remembered.business_id.clone()),
            business_name: remembered.business_name.clone(),
        };
        tracing::info!(environment = %info.environment, kind = ?info.kind, "saved session resumed");
        let signed_in = SignedIn {
            api,
            session,
            info: info.clone(),
            environment_key: remembered.environment_key.clone(),
        };
        self.inner.signed_in.send_replace(Some(Arc::new(signed_in)));
        Ok(info)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use pers_api::EntityType;
    use pers_sandbox::{Route, Sandbox, SandboxConfig};

    use super::*;
    use crate::{ErrorCode, LibraryConfig, SignInRequest};

    async fn sandbox() -> (Sandbox, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let sandbox = pers_sandbox::start(SandboxConfig::new(dir.path()))
            .await
            .unwrap();
        (sandbox, dir)
    }

    fn staff_request(sandbox: &Sandbox) -> SignInRequest {
        let info = sandbox.info();
        let account = info
            .accounts
            .iter()
            .find(|account| account.kind == "business")
            .unwrap();
        SignInRequest {
            environment: "sandbox".to_owned(),
            base_url: info.base_url.clone(),
            identity_url: info.identity_url.clone(),
            project_key: info.project_key.clone(),
            email: account.email.clone(),
            password: account.password.clone(),
            provider_token: None,
            kind: AuthType::Business,
            business_id: None,
        }
    }

    fn library(dir: &tempfile::TempDir) -> Library {
        Library::open(LibraryConfig::new(dir.path())).unwrap()
    }

    #[tokio::test]
    async fn resumes_in_another_library() {
        let (sandbox, _sandbox_dir) = sandbox().await;
        let dir = tempfile::tempdir().unwrap();
        let first = library(&dir);
        let request = staff_request(&sandbox);
        let signed_in = first.sign_in(request.clone()).await.unwrap();
        let saved = first
            .remember_session(&request.project_key)
            .unwrap()
            .to_secret();
        drop(first);

        let next = library(&dir);
        let remembered = RememberedSession::from_secret(saved.expose()).unwrap();
        let resumed = next.resume_session(&remembered).await.unwrap();

        assert_eq!(resumed.email, signed_in.email);
        assert_eq!(resumed.kind, AuthType::Business);
        assert_eq!(resumed.business_id, signed_in.business_id);
        assert_eq!(resumed.business_name, signed_in.business_name);
        let campaigns = next.list_entities(EntityType::Campaign).await.unwrap();
        assert!(!campaigns.is_empty(), "the resumed session can list");
    }

    #[tokio::test]
    async fn rejected_token_is_session_expired() {
        let (sandbox, _sandbox_dir) = sandbox().await;
        let dir = tempfile::tempdir().unwrap();
        let library = library(&dir);
        let request = staff_request(&sandbox);
        library.sign_in(request.clone()).await.unwrap();
        let mut remembered = library.remember_session(&request.project_key).unwrap();
        library.sign_out();
        remembered.refresh_token = Secret::new("not-a-refresh-token".to_owned());

        let error = library.resume_session(&remembered).await.unwrap_err();

        assert_eq!(error.code(), ErrorCode::NotSignedIn, "{error}");
        assert!(
            !error.to_string().contains("not-a-refresh-token"),
            "{error}"
        );
        assert!(library.session_info().is_none(), "nobody is signed in");
    }

    #[tokio::test]
    async fn refresh_updates_remembered_token() {
        let (sandbox, _sandbox_dir) = sandbox().await;
        let dir = tempfile::tempdir().unwrap();
        let library = library(&dir);
        let request = staff_request(&sandbox);
        library.sign_in(request.clone()).await.unwrap();
        let mut remembered = library.remember_session(&request.project_key).unwrap();
        let before = remembered.refresh_token.clone();
        assert!(
            !library.update_remembered(&mut remembered),
            "nothing changed yet"
        );
        // A 401 makes the client refresh the token pair once and repeat the request.
        let campaigns = Route::get("/v2/campaigns");
        sandbox.faults().fail_next(campaigns, 1, 401).unwrap();

        library.list_entities(EntityType::Campaign).await.unwrap();

        assert!(
            library.update_remembered(&mut remembered),
            "the refresh is noticed"
        );
        assert_ne!(remembered.refresh_token, before);
        assert!(!library.update_remembered(&mut remembered), "noticed once");
    }

    #[test]
    fn keychain_form_round_trips() {
        let remembered = RememberedSession {
            environment: "custom".to_owned(),
            base_url: "https://api.example/v2".to_owned(),
            project_key: Secret::new("pk_live_secret".to_owned()),
            kind: AuthType::Tenant,
            email: "admin@tenant.example".to_owned(),
            business_id: None,
            business_name: None,
            refresh_token: Secret::new("refresh-secret".to_owned()),
            generation: 3,
            environment_key: "https://api.example/v2#0123".to_owned(),
        };

        let text = remembered.to_secret();
        let read = RememberedSession::from_secret(text.expose()).unwrap();

        assert_eq!(read.refresh_token.expose(), "refresh-secret");
        assert_eq!(read.project_key.expose(), "pk_live_secret");
        assert_eq!(read.environment_key, remembered.environment_key);
        assert_eq!(read.kind, AuthType::Tenant);
        let debug = format!("{remembered:?}");
        assert!(!debug.contains("refresh-secret"), "{debug}");
        assert!(!debug.contains("pk_live_secret"), "{debug}");
    }

    #[test]
    fn invalid_keychain_text_is_rejected_without_echo() {
        let error =
            RememberedSession::from_secret("{\"refreshToken\": 42, \"x\": \"leak\"").unwrap_err();

        assert_eq!(error.code(), ErrorCode::InvalidInput);
        assert!(!error.to_string().contains("leak"), "{error}");
        let future = RememberedSession::from_secret(
            r#"{"version":2,"environment":"","baseUrl":"","projectKey":"","kind":"tenant",
                "email":"","refreshToken":"","environmentKey":""}"#,
        )
        .unwrap_err();
        assert!(future.to_string().contains("version 2"), "{future}");
    }
}

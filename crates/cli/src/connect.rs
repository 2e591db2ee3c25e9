//! Opening the core, resolving `--env`, and resuming the saved session.

use std::path::PathBuf;

use pers_library::{Library, LibraryConfig, RememberedSession, Secret};

use crate::args::GlobalArgs;
use crate::error::CommandError;
use crate::session_store::SessionStore;

/// The production API base URL that `--env production` names.
pub(crate) const PRODUCTION_BASE_URL: &str = "https://api.pers.ninja/v2";

/// Path of the sandbox's identity provider below its origin.
const SANDBOX_IDENTITY_PATH: &str = "/identity/v1/accounts:signInWithPassword";

/// The data dir and session store of one run.
pub(crate) struct Context {
    /// The folder of the catalog, journal and caches.
    pub data_dir: PathBuf,
    /// The store that keeps the session between commands.
    pub store: SessionStore,
}

impl Context {
    /// Resolves the data dir (`--data-dir`, else the platform's data folder) and the store.
    pub(crate) fn new(global: &GlobalArgs) -> Result<Context, CommandError> {
        let data_dir = match &global.data_dir {
            Some(dir) => dir.clone(),
            None => dirs::data_dir()
                .map(|dir| dir.join("pers-assets"))
                .ok_or_else(|| {
                    CommandError::Usage(
                        "no data folder is known for this user: pass --data-dir DIR (or set \
                         PERS_CLI_DATA_DIR)"
                            .to_owned(),
                    )
                })?,
        };
        let store = SessionStore::from_environment(&data_dir)?;
        Ok(Context { data_dir, store })
    }

    /// Opens the core with `configure` applied to its default settings.
    pub(crate) fn open_library(
        &self,
        configure: impl FnOnce(&mut LibraryConfig),
    ) -> Result<Library, CommandError> {
        let mut config = LibraryConfig::new(&self.data_dir);
        configure(&mut config);
        Ok(Library::open(config)?)
    }

    /// Opens the core and resumes the saved session in it.
    ///
    /// Fails with [`CommandError::NoSession`] when nothing is saved, and with
    /// [`CommandError::OtherEnvironment`] when `--env` names another API than the session's.
    pub(crate) async fn signed_in_library(
        &self,
        global: &GlobalArgs,
        configure: impl FnOnce(&mut LibraryConfig),
    ) -> Result<(Library, RememberedSession), CommandError> {
        let text = self.store.load().await?.ok_or(CommandError::NoSession)?;
        let remembered = RememberedSession::from_secret(text.expose())?;
        if let Some(env) = &global.env {
            let requested = base_url_of(env)?;
            if !same_url(&requested, &remembered.base_url) {
                return Err(CommandError::OtherEnvironment {
                    saved: remembered.base_url.clone(),
                    requested,
                });
            }
        }
        let library = self.open_library(configure)?;
        let mut remembered = self.resume(&library, text, remembered).await?;
        // The resume replaced the refresh token: saving it at once lets a command started
        // meanwhile find the new one.
        self.save_refreshed(&library, &mut remembered).await?;
        Ok((library, remembered))
    }

    /// Resumes `remembered` (read from the store as `text`) in `library`.
    ///
    /// A server that accepts each refresh token once rejects the saved one when another
    /// command exchanged it first. With the keychain store that command saves its successor,
    /// so a rejected resume reads the keychain again, up to [`RESUME_RELOADS`] times a short
    /// while apart, and retries with a token that changed.
    async fn resume(
        &self,
        library: &Library,
        mut text: Secret,
        mut remembered: RememberedSession,
    ) -> Result<RememberedSession, CommandError> {
        let mut reloads = 0;
        loop {
            let error = match library.resume_session(&remembered).await {
                Ok(_) => return Ok(remembered),
                Err(error) => error,
            };
            let may_reload = matches!(self.store, SessionStore::Keychain { .. })
                && error.code() == pers_library::ErrorCode::NotSignedIn
                && reloads < RESUME_RELOADS;
            if !may_reload {
                return Err(error.into());
            }
            reloads += 1;
            tokio::time::sleep(RESUME_RELOAD_PAUSE).await;
            let Some(again) = self.store.load().await? else {
                return Err(error.into());
            };
            if again.expose() != text.expose() {
                tracing::debug!("the saved session changed meanwhile; resuming it");
                remembered = RememberedSession::from_secret(again.expose())?;
                text = again;
            }
        }
    }

    /// Saves the session again when a refresh replaced its refresh token during the command,
    /// which resuming the session always does.
    ///
    /// The environment store cannot be updated, so the next command uses the refresh token of
    /// `login` again.
    pub(crate) async fn save_refreshed(
        &self,
        library: &Library,
        remembered: &mut RememberedSession,
    ) -> Result<(), CommandError> {
        if !library.update_remembered(remembered) {
            return Ok(());
        }
        match self.store {
            SessionStore::Keychain { .. } => {
                self.store.save(remembered.to_secret()).await?;
            }
            SessionStore::Environment => {
                // NOTE: this works only while the server accepts a refresh token more than
                // once. The sandbox accepts each one once by default, like a server that revokes
                // replaced tokens, so there the next command in this mode fails.
                tracing::debug!(
                    "the refresh token was replaced; the environment keeps the old one"
                );
            }
        }
        Ok(())
    }
}

/// How many times a rejected resume reads the keychain again; see [`Context::resume`].
const RESUME_RELOADS: u32 = 5;

/// Pause before each new read of the keychain after a rejected resume.
const RESUME_RELOAD_PAUSE: std::time::Duration = std::time::Duration::from_millis(200);

/// Returns the API base URL that `--env` names: `production`, or an http(s) URL.
///
/// Fails with a usage error for anything else, naming the value.
pub(crate) fn base_url_of(env: &str) -> Result<String, CommandError> {
    let env = env.trim();
    if env == "production" {
        return Ok(PRODUCTION_BASE_URL.to_owned());
    }
    if env.starts_with("https://") || env.starts_with("http://") {
        return Ok(env.trim_end_matches('/').to_owned());
    }
    Err(CommandError::Usage(format!(
        "--env {env} is not an API address: pass `production`, a base URL such as \
         https://api.pers.ninja/v2, or for a local sandbox the base_url that `pers-sandbox` \
         prints"
    )))
}

/// Returns the environment name the core scopes its catalog with: `production`, `sandbox` for
/// a loopback address, else `custom`.
pub(crate) fn environment_name(base_url: &str) -> &'static str {
    if same_url(base_url, PRODUCTION_BASE_URL) {
        "production"
    } else if loopback_origin(base_url).is_some() {
        "sandbox"
    } else {
        "custom"
    }
}

/// Returns the identity URL for `login --email`: `--identity-url`, else the sandbox's for a
/// loopback API.
///
/// Fails with a usage error for other APIs, because their identity provider cannot be guessed.
pub(crate) fn identity_url_for(
    global: &GlobalArgs,
    base_url: &str,
) -> Result<String, CommandError> {
    if let Some(url) = &global.identity_url {
        return Ok(url.clone());
    }
    match loopback_origin(base_url) {
        Some(origin) => Ok(format!("{origin}{SANDBOX_IDENTITY_PATH}")),
        None => Err(CommandError::Usage(format!(
            "signing in to {base_url} with --email needs the identity provider: pass \
             --identity-url URL (its accounts:signInWithPassword address), or sign in with \
             --token"
        ))),
    }
}

/// Returns `http://host:port` when `url` is an http URL of a loopback host.
fn loopback_origin(url: &str) -> Option<String> {
    let rest = url.strip_prefix("http://")?;
    let authority = rest.split('/').next()?;
    let host = match authority.rsplit_once(':') {
        Some((host, port)) if port.chars().all(|c| c.is_ascii_digit()) => host,
        _ => authority,
    };
    let loopback = host == "localhost"
        || host == "[::1]"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|address| address.is_loopback());
    loopback.then(|| format!("http://{authority}"))
}

fn same_url(first: &str, second: &str) -> bool {
    first.trim_end_matches('/') == second.trim_end_matches('/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_values_resolve() {
        assert_eq!(
            base_url_of("production").ok().as_deref(),
            Some(PRODUCTION_BASE_URL)
        );
        assert_eq!(
            base_url_of("http://127.0.0.1:9/v2/").ok().as_deref(),
            Some("http://127.0.0.1:9/v2")
        );
        assert!(base_url_of("sandbox").is_err());
        assert!(base_url_of("api.pers.ninja").is_err());
    }

    #[test]
    fn environment_names() {
        assert_eq!(environment_name("https://api.pers.ninja/v2/"), "production");
        assert_eq!(environment_name("http://127.0.0.1:41234/v2"), "sandbox");
        assert_eq!(environment_name("http://localhost/v2"), "sandbox");
        assert_eq!(environment_name("http://127.example.com/v2"), "custom");
        assert_eq!(environment_name("https://staging.example/v2"), "custom");
    }

    #[test]
    fn loopback_origin_keeps_port() {
        assert_eq!(
            loopback_origin("http://127.0.0.1:41234/v2").as_deref(),
            Some("http://127.0.0.1:41234")
        );
        assert_eq!(loopback_origin("https://127.0.0.1/v2"), None);
    }
}

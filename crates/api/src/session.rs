//! A PERS session: the access and refresh token pair, shared between clones.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use crate::lenient;
use crate::secret::Secret;

/// Kind of principal a session signs in as, sent as `authType` to `POST /auth/token`.
#[derive(Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, Debug)]
#[serde(rename_all = "lowercase")]
pub enum AuthType {
    /// A tenant administrator.
    Tenant,
    /// A staff member of one business.
    Business,
    /// An end user.
    User,
}

/// Access and refresh tokens, as returned by `POST /auth/token` and `POST /auth/refresh`.
#[derive(Clone, Deserialize)]
pub(crate) struct TokenPair {
    #[serde(rename = "accessToken", alias = "access_token")]
    pub(crate) access_token: Secret,
    #[serde(rename = "refreshToken", alias = "refresh_token")]
    pub(crate) refresh_token: Secret,
}

/// Longest time before the access token's expiry at which the client refreshes it.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// The claims of the access token that the client reads. PERS signs them; the client does not
/// verify the signature and uses them only for display and expiry.
#[derive(Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AccessClaims {
    #[serde(default, deserialize_with = "lenient::optional_string")]
    business_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::optional_string")]
    tenant_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::optional_string")]
    role: Option<String>,
    #[serde(default, deserialize_with = "lenient::optional_u64")]
    exp: Option<u64>,
}

struct SessionState {
    tokens: TokenPair,
    claims: AccessClaims,
    /// When to refresh before sending, or `None` when the token has no usable `exp`.
    refresh_due: Option<Instant>,
    /// Set when a refresh was rejected: the session cannot be used any more.
    ended: bool,
    /// Number of token pairs received, starting at 1 for the pair of the sign-in.
    generation: u64,
}

impl SessionState {
    fn new(tokens: TokenPair, generation: u64) -> Self {
        let claims = decode_claims(&tokens.access_token);
        let refresh_due = claims.exp.and_then(refresh_due);
        Self {
            tokens,
            claims,
            refresh_due,
            ended: false,
            generation,
        }
    }
}

/// Returns when to refresh a token that expires at `exp` (Unix seconds): [`REFRESH_MARGIN`]
/// before, or a quarter of its remaining lifetime before when that is shorter.
///
/// A token that already looks expired by the local clock gets `None`, so that a clock running
/// ahead of the server's does not make every request refresh; such a token is refreshed when the
/// server answers 401.
fn refresh_due(exp: u64) -> Option<Instant> {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).ok()?.as_secs();
    let remaining = Duration::from_secs(exp.checked_sub(now).filter(|secs| *secs > 0)?);
    let margin = REFRESH_MARGIN.min(remaining / 4);
    Some(Instant::now() + remaining - margin)
}

/// The refresh token a "remember me" caller should store, published on the watch channel of
/// [`Session::refresh_token_updates`] after each change.
#[derive(Clone, Debug)]
pub struct RefreshTokenUpdate {
    /// The session's [`Session::generation`] when this was published.
    pub generation: u64,
    /// The current refresh token. It replaces any stored one, because a server that rotates
    /// refresh tokens rejects the one before.
    pub refresh_token: Secret,
    /// True once a refresh was rejected: the session is over, and `refresh_token` is of no
    /// further use.
    pub session_ended: bool,
}

struct SessionInner {
    auth_type: AuthType,
    requested_business_id: Option<String>,
    state: Mutex<SessionState>,
    /// Held by the one caller that refreshes, so concurrent 401s cause a single refresh.
    refresh_lock: tokio::sync::Mutex<()>,
    /// Latest refresh token for receivers, sent after the state changes and outside its lock.
    updates: watch::Sender<RefreshTokenUpdate>,
}

/// A signed-in PERS session. Clones share the token pair, so a refresh made through one clone
/// is seen by all.
#[derive(Clone)]
pub struct Session {
    inner: Arc<SessionInner>,
}

impl Session {
    pub(crate) fn new(
        auth_type: AuthType,
        requested_business_id: Option<String>,
        tokens: TokenPair,
    ) -> Self {
        let first_update = RefreshTokenUpdate {
            generation: 1,
            refresh_token: tokens.refresh_token.clone(),
            session_ended: false,
        };
        let state = Mutex::new(SessionState::new(tokens, 1));
        let inner = SessionInner {
            auth_type,
            requested_business_id,
            state,
            refresh_lock: tokio::sync::Mutex::new(()),
            updates: watch::Sender::new(first_update),
        };
        Self {
            inner: Arc::new(inner),
        }
    }

    /// Returns the kind of principal this session signed in as.
    pub fn auth_type(&self) -> AuthType {
        self.inner.auth_type
    }

    /// Returns the business id from the access token's `businessId` claim, else the id that
    /// was requested at sign-in, else `None` (tenant sessions).
    pub fn business_id(&self) -> Option<String> {
        let claimed = self.state().claims.business_id.clone();
        claimed.or_else(|| self.inner.requested_business_id.clone())
    }

    /// Returns the access token's expiry (`exp` claim, Unix seconds), or `None` when the token
    /// is not a JWT with an `exp` claim.
    pub fn access_token_expires_at(&self) -> Option<u64> {
        self.state().claims.exp
    }

    /// Returns the tenant id from the access token's `tenantId` claim, when it has one.
    pub fn tenant_id(&self) -> Option<String> {
        self.state().claims.tenant_id.clone()
    }

    /// Returns the role from the access token's `role` claim, such as `TENANT_ADMIN` or a
    /// business role (`OWNER`, `ADMIN`, `EDITOR`, `VIEWER`), when it has one.
    pub fn role(&self) -> Option<String> {
        self.state().claims.role.clone()
    }

    /// Returns the current refresh token, for a "remember me" caller to keep in the OS keychain
    /// and pass to [`crate::ApiClient::resume_session`] on the next start.
    ///
    /// Each refresh may replace it: store it again when [`Session::generation`] changes.
    pub fn refresh_token(&self) -> Secret {
        self.state().tokens.refresh_token.clone()
    }

    /// Returns how many token pairs this session has received: 1 after sign-in, plus one per
    /// refresh. A caller that stores the refresh token compares it to know when to store again.
    pub fn generation(&self) -> u64 {
        self.state().generation
    }

    /// Returns a receiver of this session's refresh token updates, for a "remember me" caller
    /// that stores the refresh token while the session lives, such as during a long upload.
    ///
    /// The receiver starts with the current refresh token marked as seen. `changed().await`
    /// then resolves after each refresh with the new token, and once when a rejected refresh
    /// ends the session (`session_ended` true). Read the update with `borrow_and_update()`.
    /// An update is sent after every clone of the session already uses the new token. A slow
    /// receiver gets only the latest update, which is the one to store. `changed()` fails
    /// once every clone of the session is dropped.
    pub fn refresh_token_updates(&self) -> watch::Receiver<RefreshTokenUpdate> {
        self.inner.updates.subscribe()
    }

    /// Returns true once a refresh was rejected. Every call with an ended session fails with
    /// the session-expired error (see [`crate::ApiError::is_session_expired`]) without sending.
    pub fn is_ended(&self) -> bool {
        self.state().ended
    }

    pub(crate) fn tokens(&self) -> TokenPair {
        self.state().tokens.clone()
    }

    /// Returns whether the access token is due for a refresh before it expires.
    pub(crate) fn refresh_is_due(&self) -> bool {
        self.state()
            .refresh_due
            .is_some_and(|due| Instant::now() >= due)
    }

    pub(crate) fn replace_tokens(&self, tokens: TokenPair) {
        let update = {
            let mut state = self.state();
            let generation = state.generation + 1;
            let refresh_token = tokens.refresh_token.clone();
            *state = SessionState::new(tokens, generation);
            RefreshTokenUpdate {
                generation,
                refresh_token,
                session_ended: false,
            }
        };
        self.inner.updates.send_replace(update);
    }

    pub(crate) fn end(&self) {
        let update = {
            let mut state = self.state();
            state.ended = true;
            RefreshTokenUpdate {
                generation: state.generation,
                refresh_token: state.tokens.refresh_token.clone(),
                session_ended: true,
            }
        };
        self.inner.updates.send_replace(update);
    }

    pub(crate) fn refresh_lock(&self) -> &tokio::sync::Mutex<()> {
        &self.inner.refresh_lock
    }

    /// Locks the token state. A poisoned lock is still usable because every writer replaces
    /// the whole state in one assignment or sets one flag.
    fn state(&self) -> MutexGuard<'_, SessionState> {
        self.inner
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("auth_type", &self.auth_type())
            .field("business_id", &self.business_id())
            .field("access_token_expires_at", &self.access_token_expires_at())
            .field("generation", &self.generation())
            .field("ended", &self.is_ended())
            .finish_non_exhaustive()
    }
}

/// Reads the payload of a JWT without verifying it. Anything that is not a JWT with a JSON
/// payload yields empty claims.
fn decode_claims(access_token: &Secret) -> AccessClaims {
    let Some(payload) = access_token.expose().split('.').nth(1) else {
        return AccessClaims::default();
    };
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let Ok(json) = engine.decode(payload.trim_end_matches('=')) else {
        tracing::debug!("access token payload is not base64url; no claims read");
        return AccessClaims::default();
    };
    serde_json::from_slice(&json).unwrap_or_default()
}

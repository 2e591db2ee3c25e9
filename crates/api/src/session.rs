//! A PERS session: the access and refresh token pair, shared between clones.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use base64::Engine as _;
use serde::{Deserialize, Serialize};

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

/// The claims of the access token that the client reads. PERS signs them; the client does not
/// verify the signature and uses them only for display and expiry.
#[derive(Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AccessClaims {
    #[serde(default, deserialize_with = "lenient::optional_string")]
    business_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::optional_u64")]
    exp: Option<u64>,
}

struct SessionState {
    tokens: TokenPair,
    claims: AccessClaims,
}

struct SessionInner {
    auth_type: AuthType,
    requested_business_id: Option<String>,
    state: Mutex<SessionState>,
    /// Held by the one caller that refreshes, so concurrent 401s cause a single refresh.
    refresh_lock: tokio::sync::Mutex<()>,
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
        let claims = decode_claims(&tokens.access_token);
        let state = Mutex::new(SessionState { tokens, claims });
        let inner = SessionInner {
            auth_type,
            requested_business_id,
            state,
            refresh_lock: tokio::sync::Mutex::new(()),
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

    pub(crate) fn tokens(&self) -> TokenPair {
        self.state().tokens.clone()
    }

    pub(crate) fn replace_tokens(&self, tokens: TokenPair) {
        let claims = decode_claims(&tokens.access_token);
        *self.state() = SessionState { tokens, claims };
    }

    pub(crate) fn refresh_lock(&self) -> &tokio::sync::Mutex<()> {
        &self.inner.refresh_lock
    }

    /// Locks the token state. A poisoned lock is still usable because every writer replaces
    /// the whole state in one assignment.
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

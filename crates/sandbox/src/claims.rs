//! Claims of the tokens the sandbox issues, and functions to issue them.
//!
//! Every token carries `tokenUse` (`identity`, `access` or `refresh`) so that one kind is never
//! accepted in place of another, and a random `jti` so that two tokens are never equal.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::jwt;
use crate::model::Account;
use crate::state::SharedState;

/// Lifetime of an identity-provider ID token, in seconds, as Firebase issues them.
pub(crate) const ID_TOKEN_TTL_SECS: u64 = 3600;

/// Issuer of ID tokens.
const IDENTITY_ISSUER: &str = "pers-sandbox-identity";

/// Value of `role` in tenant sessions.
pub(crate) const TENANT_ADMIN_ROLE: &str = "TENANT_ADMIN";

/// Claims of an identity-provider ID token.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct IdentityClaims {
    pub iss: String,
    pub aud: String,
    pub sub: String,
    pub email: String,
    pub iat: u64,
    pub exp: u64,
    pub jti: String,
    pub token_use: String,
}

/// Claims of an access or refresh token.
#[derive(Serialize, Deserialize, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SessionClaims {
    pub sub: String,
    /// `tenant` or `business`.
    pub auth_type: String,
    pub tenant_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_id: Option<String>,
    pub role: String,
    pub iat: u64,
    pub exp: u64,
    pub jti: String,
    pub token_use: String,
}

/// The kind of session a token pair grants, with what it is scoped to.
#[derive(Clone, Debug)]
pub(crate) enum SessionScope {
    /// Tenant admin: everything in the tenant.
    Tenant,
    /// Business staff: one business, with the member's role there.
    Business { business_id: String, role: String },
}

/// Signs a fresh ID token for `account`, valid for [`ID_TOKEN_TTL_SECS`].
pub(crate) fn issue_id_token(state: &SharedState, account: &Account) -> String {
    let now = jwt::now_secs();
    let claims = IdentityClaims {
        iss: IDENTITY_ISSUER.to_owned(),
        aud: state.world().tenant.id.clone(),
        sub: account.id.clone(),
        email: account.email.clone(),
        iat: now,
        exp: now + ID_TOKEN_TTL_SECS,
        jti: uuid::Uuid::new_v4().to_string(),
        token_use: "identity".to_owned(),
    };
    jwt::encode(&claims, &state.token_signing_key)
}

/// Signs an access token and a refresh token for `account_id` in `scope`.
pub(crate) fn issue_session(
    state: &SharedState,
    account_id: &str,
    scope: &SessionScope,
) -> (String, String) {
    let access_ttl = state.control.access_token_ttl();
    let refresh_ttl = state.control.refresh_token_ttl();
    let access = session_claims(state, account_id, scope, "access", access_ttl);
    let refresh = session_claims(state, account_id, scope, "refresh", refresh_ttl);
    (
        jwt::encode(&access, &state.token_signing_key),
        jwt::encode(&refresh, &state.token_signing_key),
    )
}

fn session_claims(
    state: &SharedState,
    account_id: &str,
    scope: &SessionScope,
    token_use: &str,
    ttl: Duration,
) -> SessionClaims {
    let now = jwt::now_secs();
    let (auth_type, business_id, role) = match scope {
        SessionScope::Tenant => ("tenant", None, TENANT_ADMIN_ROLE.to_owned()),
        SessionScope::Business { business_id, role } => {
            ("business", Some(business_id.clone()), role.clone())
        }
    };
    SessionClaims {
        sub: account_id.to_owned(),
        auth_type: auth_type.to_owned(),
        tenant_id: state.world().tenant.id.clone(),
        business_id,
        role,
        iat: now,
        exp: now.saturating_add(ttl.as_secs().max(1)),
        jti: uuid::Uuid::new_v4().to_string(),
        token_use: token_use.to_owned(),
    }
}

/// Verifies a token of kind `token_use` issued by this sandbox for its tenant, and returns its
/// claims. A token of another kind or tenant fails as [`jwt::JwtError::Malformed`].
pub(crate) fn verify_session_token(
    state: &SharedState,
    token: &str,
    token_use: &str,
) -> Result<SessionClaims, jwt::JwtError> {
    verify_session_token_at(state, token, token_use, jwt::now_secs())
}

/// Verifies a token like [`verify_session_token`] but accepts it after its `exp`, for the
/// access token that a refresh request carries.
pub(crate) fn verify_session_token_ignoring_expiry(
    state: &SharedState,
    token: &str,
    token_use: &str,
) -> Result<SessionClaims, jwt::JwtError> {
    verify_session_token_at(state, token, token_use, 0)
}

fn verify_session_token_at(
    state: &SharedState,
    token: &str,
    token_use: &str,
    now: u64,
) -> Result<SessionClaims, jwt::JwtError> {
    let claims: SessionClaims = jwt::decode(token, &state.token_signing_key, now)?;
    if claims.token_use != token_use || claims.tenant_id != state.world().tenant.id {
        return Err(jwt::JwtError::Malformed);
    }
    Ok(claims)
}

/// Verifies an ID token from the identity provider and returns its claims.
pub(crate) fn verify_id_token(
    state: &SharedState,
    token: &str,
) -> Result<IdentityClaims, jwt::JwtError> {
    let claims: IdentityClaims = jwt::decode(token, &state.token_signing_key, jwt::now_secs())?;
    if claims.token_use != "identity" || claims.iss != IDENTITY_ISSUER {
        return Err(jwt::JwtError::Malformed);
    }
    Ok(claims)
}

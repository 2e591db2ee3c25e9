//! Request extractors for the project key and the caller's session.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use crate::claims::{SessionClaims, verify_session_token};
use crate::jwt::JwtError;
use crate::problem::Problem;
use crate::state::AppState;

/// Header that names the tenant on every `/v2` request.
pub(crate) const PROJECT_KEY_HEADER: &str = "x-project-key";

/// Proof that the request carries the tenant's project key.
///
/// Rejects with 401 `PROJECT_KEY_REQUIRED` when the header is missing and 401
/// `INVALID_PROJECT_KEY` when it does not match.
pub(crate) struct ProjectKey;

impl FromRequestParts<AppState> for ProjectKey {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let Some(value) = parts.headers.get(PROJECT_KEY_HEADER) else {
            return Err(Problem::unauthorized(
                "PROJECT_KEY_REQUIRED",
                "the x-project-key header is missing; send the tenant's project key",
            ));
        };
        if value.as_bytes() != state.keys.project_key.as_bytes() {
            return Err(Problem::unauthorized(
                "INVALID_PROJECT_KEY",
                "the x-project-key header does not match this tenant's project key",
            ));
        }
        Ok(Self)
    }
}

/// The caller of a request: the project key alone, or a verified session.
#[derive(Clone, Debug)]
pub(crate) enum Caller {
    /// Project key only, without a bearer token.
    Public,
    /// A tenant admin session.
    Tenant(SessionClaims),
    /// A business staff session; `business_id` and `role` come from the token.
    Business {
        claims: SessionClaims,
        business_id: String,
    },
}

impl Caller {
    /// Returns the caller's session, or a 401 problem for a project-key-only request.
    pub fn require_session(&self) -> Result<&SessionClaims, Problem> {
        match self {
            Self::Public => Err(Problem::unauthorized(
                "AUTHENTICATION_REQUIRED",
                "this operation requires a session: send Authorization: Bearer <accessToken>",
            )),
            Self::Tenant(claims) | Self::Business { claims, .. } => Ok(claims),
        }
    }
}

impl Caller {
    /// Returns `Ok` for a tenant admin session; 401 without a session, 403 for a business
    /// session. `operation` names the request in the message, such as `GET /users`.
    pub fn require_tenant_admin(&self, operation: &str) -> Result<(), Problem> {
        match self {
            Self::Tenant(_) => Ok(()),
            Self::Public => self.require_session().map(|_| ()),
            Self::Business { .. } => Err(Problem::forbidden(
                "TENANT_ADMIN_REQUIRED",
                format!("{operation} needs a tenant admin session (authType \"tenant\")"),
            )),
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = Problem;

    /// Checks the project key, then the bearer token when one is sent. A bearer token that is
    /// malformed, expired or not an access token of this tenant rejects the request with 401.
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        ProjectKey::from_request_parts(parts, state).await?;

        let Some(header) = parts.headers.get(AUTHORIZATION) else {
            return Ok(Self::Public);
        };
        let token = header
            .to_str()
            .ok()
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or_else(|| {
                Problem::unauthorized(
                    "INVALID_AUTHORIZATION_HEADER",
                    "the Authorization header must have the form Bearer <accessToken>",
                )
            })?;

        let claims = verify_session_token(state, token, "access").map_err(token_problem)?;
        if state.world().account(&claims.sub).is_none() {
            return Err(Problem::unauthorized(
                "INVALID_TOKEN",
                "the token's account no longer exists",
            ));
        }
        match (claims.auth_type.as_str(), claims.business_id.clone()) {
            ("tenant", _) => Ok(Self::Tenant(claims)),
            ("business", Some(business_id)) => Ok(Self::Business {
                claims,
                business_id,
            }),
            _ => Err(Problem::unauthorized(
                "INVALID_TOKEN",
                "the access token has an unknown session type",
            )),
        }
    }
}

/// Maps a rejected access token to its 401 problem.
fn token_problem(error: JwtError) -> Problem {
    match error {
        JwtError::Expired => Problem::unauthorized(
            "TOKEN_EXPIRED",
            "the access token has expired; refresh it with POST /auth/refresh",
        ),
        JwtError::Malformed | JwtError::BadSignature => Problem::unauthorized(
            "INVALID_TOKEN",
            format!("the access token is invalid: {error}"),
        ),
    }
}

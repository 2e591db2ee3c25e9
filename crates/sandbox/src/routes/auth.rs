//! `POST /v2/auth/token` and `POST /v2/auth/refresh`: PERS session tokens.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::claims::{
    SessionClaims, SessionScope, issue_session, verify_id_token, verify_session_token,
    verify_session_token_ignoring_expiry,
};
use crate::jwt::{self, JwtError};
use crate::model::Account;
use crate::problem::{Problem, parse_json, quoted};
use crate::session::ProjectKey;
use crate::state::{AppState, SharedState};
use axum::http::HeaderMap;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TokenRequest {
    auth_token: Option<String>,
    auth_type: Option<String>,
    #[serde(default)]
    context: Option<TokenContext>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TokenContext {
    business_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RefreshRequest {
    refresh_token: Option<String>,
    #[serde(default)]
    access_token: Option<String>,
}

/// Exchanges an identity-provider ID token for a PERS token pair.
///
/// `authType` `tenant` needs a tenant admin account. `business` needs a business membership:
/// one is picked automatically, several need `context.businessId` (409
/// `MULTIPLE_CONTEXT_SELECTION_REQUIRED` lists the options otherwise), and a business the account
/// is not a member of is 403. Other auth types are 400, because the sandbox has no user sessions.
pub(crate) async fn create_token(
    State(state): State<AppState>,
    _project_key: ProjectKey,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, Problem> {
    let request: TokenRequest = parse_json(&headers, &body)?;
    let auth_token = request
        .auth_token
        .filter(|token| !token.is_empty())
        .ok_or_else(|| Problem::validation("authToken", "authToken is required"))?;
    let account = authenticate(&state, &auth_token)?;
    let account = &account;

    let auth_type = request.auth_type.unwrap_or_else(|| "user".to_owned());
    let business_id = request.context.and_then(|context| context.business_id);
    let scope = match auth_type.as_str() {
        "tenant" => tenant_scope(account)?,
        "business" => business_scope(&state, account, business_id.as_deref())?,
        _ => {
            return Err(Problem::validation(
                "authType",
                format!(
                    "authType {} is not supported here; use \"tenant\" or \"business\"",
                    quoted(&auth_type)
                ),
            ));
        }
    };

    tracing::info!(account_id = %account.id, auth_type = %auth_type, "session created");
    Ok(token_pair(&state, &account.id, &scope))
}

/// Issues a new token pair for a valid refresh token and uses that refresh token up.
///
/// Refresh tokens are single-use unless the configuration turns that off: one that was
/// exchanged before gets 401 `REFRESH_TOKEN_REUSED`. With strict refresh on, the body must also carry an access token
/// (expired or not) of the same account and scope: 400 when it is missing, 401
/// `INVALID_ACCESS_TOKEN` when it does not match. With strict refresh off, `accessToken` is
/// ignored. The role is read again from the account, so a removed membership ends the session
/// with 401.
pub(crate) async fn refresh_token(
    State(state): State<AppState>,
    _project_key: ProjectKey,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, Problem> {
    let request: RefreshRequest = parse_json(&headers, &body)?;
    let refresh_token = request
        .refresh_token
        .filter(|token| !token.is_empty())
        .ok_or_else(|| Problem::validation("refreshToken", "refreshToken is required"))?;

    let claims =
        verify_session_token(&state, &refresh_token, "refresh").map_err(refresh_problem)?;
    if state.control.strict_refresh() {
        check_access_token(&state, request.access_token.as_deref(), &claims)?;
    }
    let scope = refreshed_scope(&state, &claims)?;
    if state.single_use_refresh_tokens
        && !state
            .used_refresh_tokens
            .mark_used(&claims.jti, claims.exp, jwt::now_secs())
    {
        tracing::warn!(account_id = %claims.sub, "refresh token reused");
        return Err(Problem::unauthorized(
            "REFRESH_TOKEN_REUSED",
            "this refresh token was already exchanged, and refresh tokens are single-use; send \
             the latest refresh token or sign in again",
        ));
    }

    tracing::debug!(account_id = %claims.sub, "session refreshed");
    Ok(token_pair(&state, &claims.sub, &scope))
}

/// Checks the `accessToken` of a strict refresh against the refresh token's claims.
fn check_access_token(
    state: &SharedState,
    access_token: Option<&str>,
    refresh_claims: &SessionClaims,
) -> Result<(), Problem> {
    let access_token = access_token
        .filter(|token| !token.is_empty())
        .ok_or_else(|| {
            Problem::validation(
                "accessToken",
                "accessToken is required: send the session's access token, expired or not, with \
             refreshToken",
            )
        })?;
    let claims =
        verify_session_token_ignoring_expiry(state, access_token, "access").map_err(|error| {
            Problem::unauthorized(
                "INVALID_ACCESS_TOKEN",
                format!("accessToken is not an access token of this tenant: {error}"),
            )
        })?;
    let same_session = claims.sub == refresh_claims.sub
        && claims.auth_type == refresh_claims.auth_type
        && claims.business_id == refresh_claims.business_id;
    if same_session {
        Ok(())
    } else {
        Err(Problem::unauthorized(
            "INVALID_ACCESS_TOKEN",
            "accessToken and refreshToken belong to different sessions",
        ))
    }
}

/// Returns the scope of a refreshed session, read again from the account.
fn refreshed_scope(state: &SharedState, claims: &SessionClaims) -> Result<SessionScope, Problem> {
    let world = state.world();
    let account = world.account(&claims.sub).ok_or_else(session_ended)?;
    let scope = match (claims.auth_type.as_str(), claims.business_id.as_deref()) {
        ("tenant", _) if account.tenant_admin => SessionScope::Tenant,
        ("business", Some(business_id)) => {
            let membership = account.membership(business_id).ok_or_else(session_ended)?;
            SessionScope::Business {
                business_id: business_id.to_owned(),
                role: membership.role.clone(),
            }
        }
        _ => return Err(session_ended()),
    };
    Ok(scope)
}

fn token_pair(state: &SharedState, account_id: &str, scope: &SessionScope) -> Json<Value> {
    let (access_token, refresh_token) = issue_session(state, account_id, scope);
    Json(json!({ "accessToken": access_token, "refreshToken": refresh_token }))
}

/// Verifies the ID token and returns its account.
fn authenticate(state: &SharedState, auth_token: &str) -> Result<Account, Problem> {
    let claims = verify_id_token(state, auth_token).map_err(|error| {
        Problem::unauthorized(
            "INVALID_AUTH_TOKEN",
            format!("authToken is not a valid identity token: {error}; sign in again"),
        )
    })?;
    state.world().account(&claims.sub).cloned().ok_or_else(|| {
        Problem::unauthorized(
            "INVALID_AUTH_TOKEN",
            "the identity token's account does not exist",
        )
    })
}

fn tenant_scope(account: &Account) -> Result<SessionScope, Problem> {
    if account.tenant_admin {
        Ok(SessionScope::Tenant)
    } else {
        Err(Problem::forbidden(
            "TENANT_ADMIN_REQUIRED",
            "this account is not a tenant admin; sign in with authType \"business\"",
        ))
    }
}

fn business_scope(
    state: &SharedState,
    account: &Account,
    business_id: Option<&str>,
) -> Result<SessionScope, Problem> {
    let membership = match (business_id, account.memberships.as_slice()) {
        (_, []) => {
            return Err(Problem::forbidden(
                "BUSINESS_MEMBERSHIP_REQUIRED",
                "this account is not a member of any business",
            ));
        }
        (Some(business_id), memberships) => memberships
            .iter()
            .find(|membership| membership.business_id == business_id)
            .ok_or_else(|| {
                Problem::forbidden(
                    "BUSINESS_MEMBERSHIP_REQUIRED",
                    format!(
                        "this account is not a member of business {}",
                        quoted(business_id)
                    ),
                )
            })?,
        (None, [only]) => only,
        (None, memberships) => return Err(context_selection_required(state, memberships)),
    };

    Ok(SessionScope::Business {
        business_id: membership.business_id.clone(),
        role: membership.role.clone(),
    })
}

fn context_selection_required(
    state: &SharedState,
    memberships: &[crate::model::Membership],
) -> Problem {
    let world = state.world();
    let options: Vec<Value> = memberships
        .iter()
        .map(|membership| {
            let display_name = world
                .business(&membership.business_id)
                .map_or(membership.business_id.as_str(), |business| {
                    business.display_name.as_str()
                });
            json!({
                "businessId": membership.business_id,
                "displayName": display_name,
                "role": membership.role,
            })
        })
        .collect();
    Problem::conflict(
        "MULTIPLE_CONTEXT_SELECTION_REQUIRED",
        "this account belongs to several businesses; retry with context.businessId set to one of \
         details.options",
    )
    .with_details(json!({ "options": options }))
}

fn refresh_problem(error: JwtError) -> Problem {
    match error {
        JwtError::Expired => Problem::unauthorized(
            "REFRESH_TOKEN_EXPIRED",
            "the refresh token has expired; sign in again",
        ),
        JwtError::Malformed | JwtError::BadSignature => Problem::unauthorized(
            "INVALID_REFRESH_TOKEN",
            format!("the refresh token is invalid: {error}; sign in again"),
        ),
    }
}

fn session_ended() -> Problem {
    Problem::unauthorized(
        "INVALID_REFRESH_TOKEN",
        "the refresh token's account or membership no longer exists; sign in again",
    )
}

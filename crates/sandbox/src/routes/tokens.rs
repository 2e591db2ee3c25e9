//! `GET /v2/tokens`: the tenant's token contracts.

use axum::Json;
use axum::extract::{RawQuery, State};
use serde_json::{Value, json};

use crate::problem::Problem;
use crate::routes::query::{optional_bool, query_params};
use crate::session::Caller;
use crate::state::AppState;

/// Lists tokens as a bare array of TokenDTO.
///
/// Non-admin callers always get active tokens only. A tenant admin gets active tokens by default
/// and every token, inactive ones included, with `active=false`.
pub(crate) async fn list_tokens(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(raw_query): RawQuery,
) -> Result<Json<Value>, Problem> {
    let params = query_params(raw_query.as_deref());
    let active_only = match caller {
        Caller::Tenant(_) => optional_bool(&params, "active")?.unwrap_or(true),
        Caller::Public | Caller::Business { .. } => true,
    };

    // NOTE: the PERS docs only state that `active=false` lets admins see inactive tokens. They do
    // not state whether it returns inactive tokens alone or all tokens, so the sandbox returns
    // all of them, which is what an asset manager needs.
    let world = state.world();
    let tokens: Vec<_> = world
        .tokens
        .iter()
        .filter(|token| token.is_active || !active_only)
        .collect();
    Ok(Json(json!(tokens)))
}

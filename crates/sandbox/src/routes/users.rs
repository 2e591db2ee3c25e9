//! `GET /v2/users`: the admin listing of end users.

use axum::Json;
use axum::extract::{RawQuery, State};
use serde_json::Value;

use crate::problem::Problem;
use crate::routes::listing::PageQuery;
use crate::routes::query::query_params;
use crate::session::Caller;
use crate::state::AppState;

/// Lists every user, paginated with `page`/`limit` or as a bare array.
///
/// Tenant admins only: 401 without a session, 403 for business sessions.
pub(crate) async fn list_users(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(raw_query): RawQuery,
) -> Result<Json<Value>, Problem> {
    caller.require_tenant_admin("GET /users")?;
    let pages = PageQuery::parse(&query_params(raw_query.as_deref()))?;
    Ok(Json(pages.respond(
        &state.world().users,
        state.control.page_envelope(),
    )))
}

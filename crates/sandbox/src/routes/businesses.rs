//! `GET /v2/businesses`, `GET /v2/businesses/me` and `GET /v2/businesses/{id}`.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use serde_json::{Value, json};

use crate::problem::{Problem, quoted};
use crate::routes::listing::PageQuery;
use crate::routes::query::query_params;
use crate::session::Caller;
use crate::state::AppState;

/// Lists every business of the tenant, paginated with `page`/`limit` or as a bare array.
///
/// Tenant admins only: 401 without a session, 403 for business sessions, which use
/// `GET /businesses/me`.
pub(crate) async fn list_businesses(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(raw_query): RawQuery,
) -> Result<Json<Value>, Problem> {
    caller.require_tenant_admin("GET /businesses")?;
    let pages = PageQuery::parse(&query_params(raw_query.as_deref()))?;
    Ok(Json(pages.respond(
        &state.world().businesses,
        state.control.page_envelope(),
    )))
}

/// Returns the business of the caller's business session.
///
/// 401 without a session, 403 for a tenant session.
pub(crate) async fn business_me(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Value>, Problem> {
    caller.require_session()?;
    let Caller::Business { business_id, .. } = &caller else {
        return Err(Problem::forbidden(
            "BUSINESS_SESSION_REQUIRED",
            "GET /businesses/me needs a business session (authType \"business\"); tenant admins \
             can use GET /businesses/{id}",
        ));
    };
    business_by_id(&state, business_id)
}

/// Returns one business: any business for a tenant session, only its own for a business
/// session (403 otherwise). 404 when the id is unknown; 401 without a session.
pub(crate) async fn business_get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, Problem> {
    caller.require_session()?;
    if let Caller::Business { business_id, .. } = &caller
        && *business_id != id
    {
        return Err(Problem::forbidden(
            "BUSINESS_ACCESS_DENIED",
            format!(
                "a session of business {business_id} cannot read business {}",
                quoted(&id)
            ),
        ));
    }
    business_by_id(&state, &id)
}

fn business_by_id(state: &AppState, id: &str) -> Result<Json<Value>, Problem> {
    let world = state.world();
    let business = world.business(id).ok_or_else(|| {
        Problem::not_found(
            "BUSINESS_NOT_FOUND",
            format!("business {} does not exist", quoted(id)),
        )
    })?;
    Ok(Json(json!(business)))
}

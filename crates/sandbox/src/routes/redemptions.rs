//! `GET /v2/redemptions`, `GET /v2/redemptions/{id}` and `PUT /v2/redemptions/{id}`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::model::Redemption;
use crate::problem::{Problem, parse_json, quoted};
use crate::routes::listing::PageQuery;
use crate::routes::query::{optional_bool, query_params};
use crate::routes::validate_image_url;
use crate::session::Caller;
use crate::state::AppState;
use axum::http::HeaderMap;

/// Fields of `PUT /redemptions/{id}` the sandbox updates; other fields are ignored.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RedemptionUpdate {
    name: Option<String>,
    description: Option<String>,
    image_url: Option<String>,
    is_active: Option<bool>,
}

/// Lists redemptions, paginated with `page`/`limit` or as a bare array.
///
/// Tenant admins see every redemption, filtered by `active=true|false` when given; everyone else
/// sees active ones only.
pub(crate) async fn list_redemptions(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(raw_query): RawQuery,
) -> Result<Json<Value>, Problem> {
    let params = query_params(raw_query.as_deref());
    let active = optional_bool(&params, "active")?;
    let pages = PageQuery::parse(&params)?;
    let world = state.world();
    let visible: Vec<&Redemption> = world
        .redemptions
        .iter()
        .filter(|redemption| is_visible(&caller, active, redemption))
        .collect();
    Ok(Json(pages.respond(&visible, state.control.page_envelope())))
}

/// Returns one redemption; 404 when unknown, or inactive for a caller that is not an admin.
pub(crate) async fn get_redemption(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, Problem> {
    let world = state.world();
    let redemption = world
        .redemption(&id)
        .filter(|redemption| is_visible(&caller, None, redemption))
        .ok_or_else(|| not_found(&id))?;
    Ok(Json(json!(redemption)))
}

/// Updates `name`, `description`, `imageUrl` and `isActive` of a redemption and returns it.
///
/// Tenant admins only: 401 without a session, 403 for business sessions. 400 when a field has
/// the wrong type or `imageUrl` is not an http(s) URL (an empty string clears the image).
pub(crate) async fn update_redemption(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, Problem> {
    caller.require_tenant_admin("PUT /redemptions/{id}")?;
    let update: RedemptionUpdate = parse_json(&headers, &body)?;
    if let Some(url) = &update.image_url {
        validate_image_url("imageUrl", url)?;
    }
    let updated = state.update_world(|world| {
        let redemption = world
            .redemptions
            .iter_mut()
            .find(|redemption| redemption.id == id)
            .ok_or_else(|| not_found(&id))?;
        apply(redemption, update);
        Ok::<_, Problem>(redemption.clone())
    })?;
    tracing::info!(redemption_id = %id, "redemption updated");
    Ok(Json(json!(updated)))
}

fn apply(redemption: &mut Redemption, update: RedemptionUpdate) {
    if let Some(name) = update.name {
        redemption.name = name;
    }
    if let Some(description) = update.description {
        redemption.description = description;
    }
    if let Some(image_url) = update.image_url {
        redemption.image_url = image_url;
    }
    if let Some(is_active) = update.is_active {
        redemption.is_active = is_active;
    }
}

fn is_visible(caller: &Caller, active: Option<bool>, redemption: &Redemption) -> bool {
    match caller {
        Caller::Tenant(_) => active.is_none_or(|active| redemption.is_active == active),
        Caller::Public | Caller::Business { .. } => redemption.is_active,
    }
}

fn not_found(id: &str) -> Problem {
    Problem::not_found(
        "REDEMPTION_NOT_FOUND",
        format!("redemption {} does not exist", quoted(id)),
    )
}

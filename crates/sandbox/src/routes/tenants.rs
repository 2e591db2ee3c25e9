//! `GET /v2/tenants/public`, `GET /v2/tenants/{id}` and `PUT /v2/tenants`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::model::Tenant;
use crate::problem::{Problem, parse_json, quoted};
use crate::routes::validate_image_url;
use crate::session::Caller;
use crate::state::AppState;
use axum::http::HeaderMap;

/// Fields of `PUT /tenants` the sandbox updates; other fields are ignored.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TenantUpdate {
    project_name: Option<String>,
    project_description: Option<String>,
    project_website: Option<String>,
    project_email: Option<String>,
    project_image_url: Option<String>,
}

/// Returns the tenant's public fields: `id`, `projectName`, `projectDescription`,
/// `projectWebsite` and `projectImageUrl`.
pub(crate) async fn public_tenant(State(state): State<AppState>, _caller: Caller) -> Json<Value> {
    Json(public_fields(&state.world().tenant))
}

/// Returns the tenant: every field for a tenant admin, the public fields for other callers.
/// 404 when `id` is not this tenant's.
pub(crate) async fn get_tenant(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, Problem> {
    let world = state.world();
    if world.tenant.id != id {
        return Err(Problem::not_found(
            "TENANT_NOT_FOUND",
            format!("tenant {} does not exist", quoted(&id)),
        ));
    }
    Ok(Json(match caller {
        Caller::Tenant(_) => json!(world.tenant),
        Caller::Public | Caller::Business { .. } => public_fields(&world.tenant),
    }))
}

/// Updates the current tenant (no id in the path) and returns it.
///
/// Tenant admins only: 401 without a session, 403 for business sessions. 400 when a field has
/// the wrong type or `projectImageUrl` is not an http(s) URL (an empty string clears it).
pub(crate) async fn update_tenant(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, Problem> {
    caller.require_tenant_admin("PUT /tenants")?;
    let update: TenantUpdate = parse_json(&headers, &body)?;
    if let Some(url) = &update.project_image_url {
        validate_image_url("projectImageUrl", url)?;
    }
    let updated = state.update_world(|world| {
        apply(&mut world.tenant, update);
        Ok::<_, Problem>(world.tenant.clone())
    })?;
    tracing::info!(tenant_id = %updated.id, "tenant updated");
    Ok(Json(json!(updated)))
}

fn apply(tenant: &mut Tenant, update: TenantUpdate) {
    let fields = [
        (&mut tenant.project_name, update.project_name),
        (&mut tenant.project_description, update.project_description),
        (&mut tenant.project_website, update.project_website),
        (&mut tenant.project_email, update.project_email),
        (&mut tenant.project_image_url, update.project_image_url),
    ];
    for (field, value) in fields {
        if let Some(value) = value {
            *field = value;
        }
    }
}

fn public_fields(tenant: &Tenant) -> Value {
    json!({
        "id": tenant.id,
        "projectName": tenant.project_name,
        "projectDescription": tenant.project_description,
        "projectWebsite": tenant.project_website,
        "projectImageUrl": tenant.project_image_url,
    })
}

//! `POST /v2/files/entity-storage-url`: presigned GET and PUT URLs for entity files.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::problem::{Problem, parse_json, quoted};
use crate::session::Caller;
use crate::state::{AppState, SharedState};
use crate::storage_request::{
    EntityType, content_type_for, normalize_extension, object_key, validate_file_name,
};
use axum::http::HeaderMap;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StorageUrlRequest {
    entity_type: Option<String>,
    entity_id: Option<String>,
    signed_url_type: Option<String>,
    file_extension: Option<String>,
    file_name: Option<String>,
}

/// Whether the URL downloads or uploads.
#[derive(Clone, Copy)]
enum SignedUrlType {
    Get,
    Put,
}

/// Returns `{signedUrl}` for `entities/{entityType}/{entityId}/{fileName}.{ext}`.
///
/// Needs a session (401 without). Tenant sessions may sign for any entity; business sessions
/// for their own business, its campaigns, and tokens (403 otherwise). Invalid fields are 400 with
/// `target`, an unknown entity 404. A PUT URL signs the `Content-Type` the extension maps to.
pub(crate) async fn entity_storage_url(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, Problem> {
    caller.require_session()?;
    let request: StorageUrlRequest = parse_json(&headers, &body)?;

    let entity_type = EntityType::parse(&required(request.entity_type, "entityType")?)?;
    let entity_id = required(request.entity_id, "entityId")?;
    let url_type = parse_url_type(&required(request.signed_url_type, "signedUrlType")?)?;
    let extension = normalize_extension(&required(request.file_extension, "fileExtension")?)?;
    let file_name = match request.file_name {
        Some(name) => {
            validate_file_name(&name)?;
            name
        }
        None => uuid::Uuid::new_v4().to_string(),
    };

    authorize_type(&caller, entity_type)?;
    ensure_exists(&state, entity_type, &entity_id)?;
    authorize_entity(&state, &caller, entity_type, &entity_id)?;

    let key = object_key(entity_type, &entity_id, &file_name, &extension)?;
    let ttl = state.control.signed_url_ttl();
    let url = match url_type {
        SignedUrlType::Put => state
            .presigner
            .put_url(&key, content_type_for(&extension), ttl),
        SignedUrlType::Get => state.presigner.get_url(&key, ttl),
    };
    tracing::debug!(entity_type = entity_type.as_str(), %entity_id, %key, "signed a storage URL");
    Ok(Json(json!({ "signedUrl": url.as_str() })))
}

fn required(value: Option<String>, field: &str) -> Result<String, Problem> {
    value
        .filter(|value| !value.is_empty())
        .ok_or_else(|| Problem::validation(field, format!("{field} is required")))
}

fn parse_url_type(value: &str) -> Result<SignedUrlType, Problem> {
    match value {
        "GET" => Ok(SignedUrlType::Get),
        "PUT" => Ok(SignedUrlType::Put),
        _ => Err(Problem::validation(
            "signedUrlType",
            format!(
                "signedUrlType {} is invalid; use \"GET\" or \"PUT\"",
                quoted(value)
            ),
        )),
    }
}

/// Rejects entity types a business session never manages.
fn authorize_type(caller: &Caller, entity_type: EntityType) -> Result<(), Problem> {
    let allowed = match caller {
        Caller::Business { .. } => matches!(
            entity_type,
            EntityType::Campaign | EntityType::Business | EntityType::Token
        ),
        Caller::Tenant(_) | Caller::Public => true,
    };
    if allowed {
        Ok(())
    } else {
        Err(Problem::forbidden(
            "ENTITY_ACCESS_DENIED",
            format!(
                "a business session cannot manage {} files; sign in as a tenant admin",
                entity_type.as_str()
            ),
        ))
    }
}

fn ensure_exists(state: &SharedState, entity_type: EntityType, id: &str) -> Result<(), Problem> {
    let world = state.world();
    let exists = match entity_type {
        EntityType::Token => world.tokens.iter().any(|token| token.id == id),
        EntityType::Campaign => world.campaign(id).is_some(),
        EntityType::Redemption => world
            .redemptions
            .iter()
            .any(|redemption| redemption.id == id),
        EntityType::Business => world.business(id).is_some(),
        EntityType::Tenant => world.tenant.id == id,
        EntityType::User => world.users.iter().any(|user| user.id == id),
    };
    if exists {
        Ok(())
    } else {
        Err(Problem::not_found(
            "ENTITY_NOT_FOUND",
            format!("{} {} does not exist", entity_type.as_str(), quoted(id)),
        ))
    }
}

/// Rejects a business session's request for another business or its campaigns.
fn authorize_entity(
    state: &SharedState,
    caller: &Caller,
    entity_type: EntityType,
    id: &str,
) -> Result<(), Problem> {
    let Caller::Business { business_id, .. } = caller else {
        return Ok(());
    };
    let world = state.world();
    let owner = match entity_type {
        EntityType::Business => Some(id),
        EntityType::Campaign => world
            .campaign(id)
            .map(|campaign| campaign.business_id.as_str()),
        _ => return Ok(()),
    };
    if owner == Some(business_id.as_str()) {
        Ok(())
    } else {
        Err(Problem::forbidden(
            "ENTITY_ACCESS_DENIED",
            format!(
                "a session of business {business_id} cannot manage files of {} {}",
                entity_type.as_str(),
                quoted(id)
            ),
        ))
    }
}

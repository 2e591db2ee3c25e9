//! Entity lists, galleries and previews.

use pers_library::{EntityRef, EntitySummary, EntityType, Gallery};
use tauri::State;

use crate::asset_protocol::asset_url;
use crate::error::CommandError;
use crate::state::AppState;

/// Lists the entities of one type that the session may see.
#[tauri::command]
#[tracing::instrument(skip(state), err)]
pub async fn list_entities(
    state: State<'_, AppState>,
    entity_type: EntityType,
) -> Result<Vec<EntitySummary>, CommandError> {
    Ok(state.library.list_entities(entity_type).await?)
}

/// Lists an entity's stored images; thumbnails load through the `pers-asset` scheme.
#[tauri::command]
#[tracing::instrument(skip(state), err)]
pub async fn gallery(
    state: State<'_, AppState>,
    entity: EntityRef,
) -> Result<Gallery, CommandError> {
    Ok(state.library.gallery(&entity).await?)
}

/// Fetches the larger preview of one stored image and returns its `pers-asset` URL.
#[tauri::command]
#[tracing::instrument(skip(state), err)]
pub async fn preview(
    state: State<'_, AppState>,
    entity: EntityRef,
    file_name: String,
) -> Result<String, CommandError> {
    let key = state.library.preview(&entity, &file_name).await?;
    Ok(asset_url(&key))
}

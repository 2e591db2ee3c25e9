//! Entity lists, galleries and previews.

use pers_library::{EntityImageSupport, EntityRef, EntitySummary, EntityType, Gallery};
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
    let entities = state.library.list_entities(entity_type).await;
    state.remember.save_if_refreshed(&state.library).await;
    Ok(entities?)
}

/// Lists an entity's stored images; thumbnails load through the `pers-asset` scheme.
#[tauri::command]
#[tracing::instrument(skip(state), err)]
pub async fn gallery(
    state: State<'_, AppState>,
    entity: EntityRef,
) -> Result<Gallery, CommandError> {
    let gallery = state.library.gallery(&entity).await;
    state.remember.save_if_refreshed(&state.library).await;
    Ok(gallery?)
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

/// Returns whether the app can set the image field of `entity_type`, and the reason when not.
#[tauri::command]
pub fn entity_image_support(entity_type: EntityType) -> EntityImageSupport {
    EntityImageSupport::of(entity_type)
}

/// Sets the image field of `entity` to the URL of its stored file `file_name` and returns the
/// entity as the server returned it after the update.
///
/// Fails with `INVALID_INPUT` for entity types whose image the API cannot set, and when the file
/// is not in the entity's gallery; with `REJECTED` when the server refuses the update.
#[tauri::command]
#[tracing::instrument(skip(state), err)]
pub async fn set_entity_image(
    state: State<'_, AppState>,
    entity: EntityRef,
    file_name: String,
) -> Result<EntitySummary, CommandError> {
    let updated = state.library.set_entity_image(&entity, &file_name).await;
    state.remember.save_if_refreshed(&state.library).await;
    Ok(updated?)
}

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
    // NOTE: the future of `Library::gallery` is not `Send` for every lifetime (a rustc limit on
    // `buffered` streams of closures that borrow), so a command task cannot hold it. It runs on
    // a blocking thread of the same runtime instead; await it directly once the core's is `Send`.
    let library = state.library.clone();
    let runtime = tokio::runtime::Handle::current();
    let task = tokio::task::spawn_blocking(move || runtime.block_on(library.gallery(&entity)));
    let gallery = task.await.map_err(|error| CommandError::TaskFailed {
        command: "gallery",
        reason: error.to_string(),
    })?;
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

//! Removing an asset from an entity's gallery, as a manifest tombstone.

use std::sync::Arc;

use crate::Inner;
use crate::error::LibraryError;
use crate::manifest_store::{read_manifest, record_entries, settle_entries};
use crate::session::SignedIn;
use crate::types::EntityRef;

/// Writes a tombstone for `file_name` (the stored name with extension) into the shared
/// manifest, or into the local catalog only, marked unshared, when the server does not store it.
pub(crate) async fn remove(
    inner: &Arc<Inner>,
    signed_in: &SignedIn,
    entity: &EntityRef,
    file_name: &str,
) -> Result<(), LibraryError> {
    let scope = signed_in.scope(entity);
    let storage = signed_in.storage(&inner.transfer, entity);
    let lock = inner.manifest_lock(&scope);
    let mut writer = lock.lock().await;

    let mut local = inner.catalog.manifest(&scope)?;
    match read_manifest(&storage).await {
        Ok(shared) => local.merge(&shared),
        Err(error) => tracing::warn!(%error, %entity, "removing with the local catalog only"),
    }
    let Some(present) = local.entries.get(file_name).filter(|entry| !entry.removed) else {
        return Err(LibraryError::InvalidRequest(format!(
            "{file_name} is not in the gallery of {entity}; refresh the gallery"
        )));
    };
    let mut tombstone = present.clone();
    tombstone.removed = true;
    tombstone.updated_at_ms = crate::now_ms().max(present.updated_at_ms + 1);

    let tombstones = std::slice::from_ref(&tombstone);
    let known = || Ok(local.clone());
    let recorded = match record_entries(&storage, tombstones, &known, &mut writer).await {
        // A writer that read before the tombstone was written may still drop it.
        Ok(_) => settle_entries(&storage, tombstones, &known, &mut writer).await,
        Err(error) => Err(error),
    };
    match recorded {
        Ok(verified) => {
            inner.catalog.merge_manifest(&scope, &verified)?;
            inner.catalog.settle_unshared(&scope, &verified)?;
        }
        Err(error) => {
            tracing::warn!(%error, %entity, file = file_name, "the shared manifest was not written; keeping the removal in the local catalog");
            inner.catalog.merge_entry(&scope, &tombstone)?;
            inner.catalog.mark_unshared(&scope, file_name)?;
        }
    }
    tracing::info!(%entity, file = file_name, "asset removed");
    Ok(())
}

//! The gallery: an entity's assets with cached thumbnails.

use std::sync::Arc;

use futures_util::StreamExt;
use sha2::{Digest, Sha256};

use crate::Inner;
use crate::error::LibraryError;
use crate::image_cache::{Rendition, THUMBNAIL_MAX_EDGE_PX};
use crate::manifest::{Manifest, ManifestEntry};
use crate::manifest_store::read_manifest;
use crate::session::SignedIn;
use crate::types::{EntityRef, Gallery, GalleryItem, GallerySource};

/// How many thumbnails are fetched and made at once.
const THUMBNAIL_CONCURRENCY: usize = 4;

/// Maximum size of a stored object downloaded for a thumbnail or preview, in bytes.
pub const MAX_PREVIEW_DOWNLOAD_BYTES: u64 = 64 * 1024 * 1024;

/// Lists the entity's assets, from the shared manifest when it can be read, else from the catalog.
pub(crate) async fn list(
    inner: &Arc<Inner>,
    signed_in: &Arc<SignedIn>,
    entity: &EntityRef,
) -> Result<Gallery, LibraryError> {
    let scope = signed_in.scope(entity);
    let storage = signed_in.storage(&inner.transfer, entity);
    let (manifest, source, notice) = match read_manifest(&storage).await {
        Ok(shared) => {
            inner.catalog.merge_manifest(&scope, &shared)?;
            let unshared = inner.catalog.settle_unshared(&scope, &shared)?;
            if unshared.is_empty() {
                (shared, GallerySource::Shared, None)
            } else {
                tracing::warn!(%entity, unshared = unshared.len(), "showing the local catalog");
                let notice = format!(
                    "The server did not store the shared asset list, so this shows what this \
                     computer recorded: {} change(s) made here are not shared with other users \
                     yet. They are shared with the next upload to this entity.",
                    unshared.len()
                );
                (
                    inner.catalog.manifest(&scope)?,
                    GallerySource::Local,
                    Some(notice),
                )
            }
        }
        // The local catalog is the fallback for a store that fails, not for an entity whose
        // files this session may not manage.
        Err(error) if error.is_missing_entity() || error.is_entity_access_denied() => {
            return Err(error);
        }
        Err(error) => {
            tracing::warn!(%error, %entity, "showing the local catalog");
            let notice = format!(
                "The shared asset list could not be read, so this shows what this computer \
                 recorded: {error}"
            );
            (
                inner.catalog.manifest(&scope)?,
                GallerySource::Local,
                Some(notice),
            )
        }
    };
    let items = with_thumbnails(inner, signed_in, entity, &manifest).await;
    Ok(Gallery {
        items,
        source,
        notice,
    })
}

async fn with_thumbnails(
    inner: &Arc<Inner>,
    signed_in: &Arc<SignedIn>,
    entity: &EntityRef,
    manifest: &Manifest,
) -> Vec<GalleryItem> {
    // Each future owns what it uses, so the whole listing future is `Send` and can run in a
    // spawned task or a Tauri command.
    let items = manifest.live_entries().into_iter().cloned().map(|entry| {
        let (inner, signed_in, entity) = (Arc::clone(inner), Arc::clone(signed_in), entity.clone());
        async move {
            let thumbnail = thumbnail_key(&inner, &signed_in, &entity, &entry).await;
            gallery_item(&entry, thumbnail)
        }
    });
    futures_util::stream::iter(items)
        .buffered(THUMBNAIL_CONCURRENCY)
        .collect()
        .await
}

fn gallery_item(entry: &ManifestEntry, thumbnail: Result<String, LibraryError>) -> GalleryItem {
    let (thumbnail_key, thumbnail_error) = match thumbnail {
        Ok(key) => (Some(key), None),
        Err(error) => (None, Some(error.to_string())),
    };
    GalleryItem {
        file_name: entry.key(),
        original_name: entry.original_name.clone(),
        content_type: entry.content_type.clone(),
        size_bytes: entry.size_bytes,
        width: entry.width,
        height: entry.height,
        uploaded_at: entry.uploaded_at.clone(),
        uploaded_by: entry.uploaded_by.clone(),
        sha256: entry.sha256.clone(),
        thumbnail_key,
        thumbnail_error,
    }
}

/// Returns the thumbnail's cache key, downloading the object and making the thumbnail when needed.
async fn thumbnail_key(
    inner: &Arc<Inner>,
    signed_in: &SignedIn,
    entity: &EntityRef,
    entry: &ManifestEntry,
) -> Result<String, LibraryError> {
    if let Some(key) = inner
        .image_cache
        .cached_key(Rendition::Thumbnail, &entry.sha256)
    {
        return Ok(key);
    }
    let bytes = download_preview(inner, signed_in, entity, entry).await?;
    let limits = inner.config.limits.clone();
    let cache = Arc::clone(inner);
    let sha256 = entry.sha256.clone();
    let name = entry.original_name.clone();
    let task = tokio::task::spawn_blocking(move || {
        let thumbnail = pers_imaging::thumbnail(&bytes, THUMBNAIL_MAX_EDGE_PX, &limits)
            .map_err(|source| LibraryError::Imaging { name, source })?;
        cache.image_cache.store(
            Rendition::Thumbnail,
            &sha256,
            thumbnail.format.content_type(),
            &thumbnail.bytes,
        )
    });
    task.await.map_err(|error| {
        LibraryError::InvalidRequest(format!(
            "making the thumbnail stopped unexpectedly: {error}"
        ))
    })?
}

/// Returns the stored object's bytes, from the preview cache or by download (then cached).
pub(crate) async fn download_preview(
    inner: &Arc<Inner>,
    signed_in: &SignedIn,
    entity: &EntityRef,
    entry: &ManifestEntry,
) -> Result<Vec<u8>, LibraryError> {
    let key = crate::image_cache::ImageCache::key(Rendition::Preview, &entry.sha256);
    if let Some(cached) = inner.image_cache.read(&key) {
        return Ok(cached.bytes);
    }
    let storage = signed_in.storage(&inner.transfer, entity);
    let bytes = storage
        .get(
            &entry.file_name,
            &entry.file_extension,
            MAX_PREVIEW_DOWNLOAD_BYTES,
        )
        .await?
        .ok_or_else(|| {
            LibraryError::InvalidRequest(format!(
                "{} is listed in the manifest of {entity} but storage has no such object",
                entry.original_name
            ))
        })?;
    let actual = hex::encode(Sha256::digest(&bytes));
    if actual != entry.sha256 {
        return Err(LibraryError::InvalidRequest(format!(
            "{} in storage does not match the manifest (SHA-256 {actual}, expected {}); \
             upload it again",
            entry.original_name, entry.sha256
        )));
    }
    inner.image_cache.store(
        Rendition::Preview,
        &entry.sha256,
        &entry.content_type,
        &bytes,
    )?;
    Ok(bytes.to_vec())
}

//! Reading and updating the shared manifest in storage.

use std::time::Duration;

use bytes::Bytes;
use rand::Rng;

use crate::error::LibraryError;
use crate::manifest::{
    MANIFEST_CONTENT_TYPE, MANIFEST_EXTENSION, MANIFEST_FILE_NAME, MAX_MANIFEST_BYTES, Manifest,
    ManifestEntry,
};
use crate::storage::EntityStorage;

/// How many read-merge-write-verify rounds an update tries before it gives up.
pub const MANIFEST_UPDATE_ATTEMPTS: u32 = 10;

/// Upper bound of the random pause between rounds, in milliseconds; it grows with each round.
const MANIFEST_RETRY_JITTER_MS: u64 = 150;

/// Reads the entity's manifest; an entity nobody has uploaded to has an empty one.
pub(crate) async fn read_manifest(storage: &EntityStorage<'_>) -> Result<Manifest, LibraryError> {
    let stored = storage
        .get(MANIFEST_FILE_NAME, MANIFEST_EXTENSION, MAX_MANIFEST_BYTES)
        .await?;
    match stored {
        None => Ok(Manifest::new()),
        Some(bytes) => Manifest::parse(&bytes).map_err(|reason| LibraryError::InvalidManifest {
            entity: storage.entity.to_string(),
            reason,
        }),
    }
}

/// Adds `entries` (and everything in `local`) to the shared manifest and returns the manifest
/// as verified.
///
/// Each round reads the stored manifest, merges `local` and the entries, writes the result and
/// reads it back. A concurrent writer may overwrite the write between the two reads; then the
/// round repeats after a random pause, until every entry is seen or
/// [`MANIFEST_UPDATE_ATTEMPTS`] rounds have passed. Merging `local`, the entries this computer
/// knows, puts back entries that another writer's stale write dropped.
pub(crate) async fn record_entries(
    storage: &EntityStorage<'_>,
    entries: &[ManifestEntry],
    local: &Manifest,
) -> Result<Manifest, LibraryError> {
    for attempt in 1..=MANIFEST_UPDATE_ATTEMPTS {
        let mut manifest = read_manifest(storage).await?;
        manifest.merge(local);
        for entry in entries {
            manifest.merge_entry(entry.clone());
        }
        write_manifest(storage, &manifest).await?;
        let verified = read_manifest(storage).await?;
        if contains_all(&verified, entries) {
            return Ok(verified);
        }
        tracing::warn!(
            entity = %storage.entity,
            entries = entries.len(),
            attempt,
            "manifest write was overwritten by another client; merging again"
        );
        pause_before_retry(attempt).await;
    }
    Err(LibraryError::ManifestConflict {
        entity: storage.entity.to_string(),
        file_name: entries.first().map(ManifestEntry::key).unwrap_or_default(),
        attempts: MANIFEST_UPDATE_ATTEMPTS,
    })
}

/// Checks after a pause that the shared manifest still holds `entries`, and writes them again
/// when a concurrent writer dropped them. Returns the manifest last read.
///
/// A writer that read the manifest before this client's last write and writes after it drops
/// that write's new entries, and nothing tells this client. A job therefore settles its entries
/// once at its end, when such a stale write would have landed.
pub(crate) async fn settle_entries(
    storage: &EntityStorage<'_>,
    entries: &[ManifestEntry],
    local: &Manifest,
) -> Result<Manifest, LibraryError> {
    pause_before_retry(2).await;
    let current = read_manifest(storage).await?;
    if contains_all(&current, entries) {
        return Ok(current);
    }
    tracing::warn!(entity = %storage.entity, "entries were dropped from the shared manifest; writing them again");
    record_entries(storage, entries, local).await
}

/// Tells whether `manifest` holds every entry, or a newer version of it.
pub(crate) fn contains_all(manifest: &Manifest, entries: &[ManifestEntry]) -> bool {
    entries
        .iter()
        .all(|entry| manifest.contains_at_least(entry))
}

async fn write_manifest(
    storage: &EntityStorage<'_>,
    manifest: &Manifest,
) -> Result<(), LibraryError> {
    let body = Bytes::from(manifest.to_json());
    storage
        .put(
            MANIFEST_FILE_NAME,
            MANIFEST_EXTENSION,
            MANIFEST_CONTENT_TYPE,
            body,
            &|_| {},
        )
        .await?;
    Ok(())
}

async fn pause_before_retry(attempt: u32) {
    let max_ms = MANIFEST_RETRY_JITTER_MS * u64::from(attempt);
    let pause_ms = rand::rng().random_range(max_ms / 2..=max_ms);
    tokio::time::sleep(Duration::from_millis(pause_ms)).await;
}

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
pub const MANIFEST_UPDATE_ATTEMPTS: u32 = 6;

/// Upper bound of the random pause between rounds, in milliseconds; it grows with each round.
const MANIFEST_RETRY_JITTER_MS: u64 = 250;

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

/// Adds `entry` to the shared manifest and returns the manifest as verified.
///
/// Each round reads the stored manifest, merges the entry, writes the result
/// and reads it back. A concurrent writer may overwrite the write between the
/// two reads; then the round repeats after a random pause, until the entry is
/// seen or [`MANIFEST_UPDATE_ATTEMPTS`] rounds have passed.
pub(crate) async fn record_entry(
    storage: &EntityStorage<'_>,
    entry: &ManifestEntry,
) -> Result<Manifest, LibraryError> {
    for attempt in 1..=MANIFEST_UPDATE_ATTEMPTS {
        let mut manifest = read_manifest(storage).await?;
        manifest.merge_entry(entry.clone());
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
        let verified = read_manifest(storage).await?;
        if verified.contains_at_least(entry) {
            return Ok(verified);
        }
        tracing::warn!(
            entity = %storage.entity,
            file = %entry.key(),
            attempt,
            "manifest write was overwritten by another client; merging again"
        );
        pause_before_retry(attempt).await;
    }
    Err(LibraryError::ManifestConflict {
        entity: storage.entity.to_string(),
        file_name: entry.key(),
        attempts: MANIFEST_UPDATE_ATTEMPTS,
    })
}

async fn pause_before_retry(attempt: u32) {
    let max_ms = MANIFEST_RETRY_JITTER_MS * u64::from(attempt);
    let pause_ms = rand::rng().random_range(max_ms / 2..=max_ms);
    tokio::time::sleep(Duration::from_millis(pause_ms)).await;
}

//! Reading and updating the shared manifest in storage.
//!
//! An update is a compare-and-swap of the manifest object. Each round reads the manifest and its
//! ETag, merges the new entries in, and writes the result with `If-Match: <ETag>`, or with
//! `If-None-Match: *` when no manifest is stored yet. When another client wrote in between, the
//! store rejects the write (412, or 409 or 404 as [`TransferError::is_precondition_failed`]
//! lists), and the round starts again from a fresh read after a random pause. Each write is
//! then read back to check that it contains the new entries.
//!
//! Which guarantee holds depends on the store and on the other writers:
//! - When the store implements conditional writes (Amazon S3 does, and so does the sandbox) and
//!   every writer sends the condition, the store accepts only a write based on the latest
//!   manifest. Each accepted manifest is then a merge of the one before it, so no recorded entry
//!   or tombstone is lost, however many clients write at once.
//! - When the store ignores the headers, returns no ETag, or another writer writes without a
//!   condition (such as an older version of this app), writes are last-writer-wins. A writer
//!   whose read came before this client's write, and whose write lands after this client's
//!   check, drops this client's new entries. The check after each write and the settle pass at
//!   the end of a job ([`settle_entries`]) write them again when they see them missing. A stale
//!   write that lands after the settle pass still drops them, until this computer writes the
//!   manifest again: every write merges the local catalog, which keeps them.
//!
//! [`TransferError::is_precondition_failed`]: pers_transfer::TransferError::is_precondition_failed

use std::time::Duration;

use bytes::Bytes;
use pers_transfer::WriteCondition;
use rand::Rng;

use crate::error::LibraryError;
use crate::manifest::{
    MANIFEST_CONTENT_TYPE, MANIFEST_EXTENSION, MANIFEST_FILE_NAME, MAX_MANIFEST_BYTES, Manifest,
    ManifestEntry,
};
use crate::storage::EntityStorage;

/// How many read-merge-write rounds an update tries before it gives up. A round ends early when
/// another client wrote first, or when the check after the write misses an entry.
pub const MANIFEST_UPDATE_ATTEMPTS: u32 = 20;

/// Ceiling of the random pause after the first failed round. It doubles with each further round
/// up to [`MANIFEST_RETRY_MAX_PAUSE`], and the pause is drawn between zero and the ceiling.
const MANIFEST_RETRY_BASE_PAUSE: Duration = Duration::from_millis(50);

/// Maximum ceiling of the random pause between two rounds.
const MANIFEST_RETRY_MAX_PAUSE: Duration = Duration::from_millis(1600);

/// Shortest and longest pause, in milliseconds, before the settle pass reads the manifest.
const SETTLE_PAUSE_MS: (u64, u64) = (150, 300);

/// A stored manifest and the condition that makes the next write replace exactly this version.
struct VersionedManifest {
    manifest: Manifest,
    /// `IfMatch` with the ETag read, or `IfAbsent` when nothing is stored. `None` when the
    /// store sent no ETag, so the write cannot be made conditional.
    condition: Option<WriteCondition>,
}

/// Reads the entity's manifest; an entity nobody has uploaded to has an empty one.
pub(crate) async fn read_manifest(storage: &EntityStorage<'_>) -> Result<Manifest, LibraryError> {
    Ok(read_versioned(storage).await?.manifest)
}

async fn read_versioned(storage: &EntityStorage<'_>) -> Result<VersionedManifest, LibraryError> {
    let stored = storage
        .get_object(MANIFEST_FILE_NAME, MANIFEST_EXTENSION, MAX_MANIFEST_BYTES)
        .await?;
    let Some(object) = stored else {
        return Ok(VersionedManifest {
            manifest: Manifest::new(),
            condition: Some(WriteCondition::IfAbsent),
        });
    };
    let manifest =
        Manifest::parse(&object.bytes).map_err(|reason| LibraryError::InvalidManifest {
            entity: storage.entity.to_string(),
            reason,
        })?;
    if object.etag.is_none() {
        tracing::warn!(entity = %storage.entity, "storage sent the manifest without an ETag; writing it unconditionally");
    }
    Ok(VersionedManifest {
        manifest,
        condition: object.etag.map(WriteCondition::IfMatch),
    })
}

/// Adds `entries` (and everything in `local`) to the shared manifest and returns the manifest
/// as verified.
///
/// Each round reads the stored manifest, merges `local` and the entries, writes the result on the
/// condition that no other client wrote since the read, and reads it back. The round repeats after a
/// random pause when the write is rejected because another client wrote first, or when the read
/// misses an entry because a store that ignores the condition let a stale write through. Merging
/// `local`, the entries this computer knows, puts back entries that such a stale write dropped.
/// Fails with [`LibraryError::ManifestConflict`] after [`MANIFEST_UPDATE_ATTEMPTS`] rounds, and
/// with the transfer error at once when a read or write fails for another reason.
pub(crate) async fn record_entries(
    storage: &EntityStorage<'_>,
    entries: &[ManifestEntry],
    local: &Manifest,
) -> Result<Manifest, LibraryError> {
    for attempt in 1..=MANIFEST_UPDATE_ATTEMPTS {
        let VersionedManifest {
            mut manifest,
            condition,
        } = read_versioned(storage).await?;
        manifest.merge(local);
        for entry in entries {
            manifest.merge_entry(entry.clone());
        }
        match write_manifest(storage, &manifest, condition.as_ref()).await {
            Ok(()) => {}
            Err(error) if is_precondition_failed(&error) => {
                tracing::debug!(entity = %storage.entity, attempt, "another client wrote the manifest first; merging again");
                pause_before_retry(attempt).await;
                continue;
            }
            Err(error) => return Err(error),
        }
        let verified = read_manifest(storage).await?;
        if contains_all(&verified, entries) {
            return Ok(verified);
        }
        tracing::warn!(
            entity = %storage.entity,
            entries = entries.len(),
            attempt,
            "manifest write was overwritten by another client, so storage ignored the write \
             condition or the other client sent none; merging again"
        );
        pause_before_retry(attempt).await;
    }
    Err(LibraryError::ManifestConflict {
        entity: storage.entity.to_string(),
        file_name: entries.first().map(ManifestEntry::key).unwrap_or_default(),
        attempts: MANIFEST_UPDATE_ATTEMPTS,
    })
}

/// Checks after a pause that the shared manifest still contains `entries`, and writes them again
/// when a concurrent writer dropped them. Returns the manifest last read.
///
/// Entries can be dropped only by a writer that sends no condition, or on a store that ignores
/// it. Such a writer that read the manifest before this client's last write and writes after it drops
/// that write's new entries, and nothing tells this client. A job therefore settles its entries
/// once at its end, when such a stale write would have landed.
pub(crate) async fn settle_entries(
    storage: &EntityStorage<'_>,
    entries: &[ManifestEntry],
    local: &Manifest,
) -> Result<Manifest, LibraryError> {
    let (shortest, longest) = SETTLE_PAUSE_MS;
    let pause_ms = rand::rng().random_range(shortest..=longest);
    tokio::time::sleep(Duration::from_millis(pause_ms)).await;
    let current = read_manifest(storage).await?;
    if contains_all(&current, entries) {
        return Ok(current);
    }
    tracing::warn!(entity = %storage.entity, "entries were dropped from the shared manifest; writing them again");
    record_entries(storage, entries, local).await
}

/// Tells whether `manifest` contains every entry, or a newer version of it.
pub(crate) fn contains_all(manifest: &Manifest, entries: &[ManifestEntry]) -> bool {
    entries
        .iter()
        .all(|entry| manifest.contains_at_least(entry))
}

async fn write_manifest(
    storage: &EntityStorage<'_>,
    manifest: &Manifest,
    condition: Option<&WriteCondition>,
) -> Result<(), LibraryError> {
    let body = Bytes::from(manifest.to_json());
    storage
        .put(
            MANIFEST_FILE_NAME,
            MANIFEST_EXTENSION,
            MANIFEST_CONTENT_TYPE,
            body,
            condition,
        )
        .await?;
    Ok(())
}

fn is_precondition_failed(error: &LibraryError) -> bool {
    match error {
        LibraryError::Transfer { source, .. } => source.is_precondition_failed(),
        _ => false,
    }
}

/// Sleeps a random time between zero and the round's ceiling ("full jitter"), so that clients
/// that collided spread out.
async fn pause_before_retry(attempt: u32) {
    tokio::time::sleep(retry_pause(attempt)).await;
}

fn retry_pause(attempt: u32) -> Duration {
    let exponent = attempt.saturating_sub(1).min(16);
    let ceiling = MANIFEST_RETRY_BASE_PAUSE
        .saturating_mul(1 << exponent)
        .min(MANIFEST_RETRY_MAX_PAUSE);
    let ceiling_ms = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
    Duration::from_millis(rand::rng().random_range(0..=ceiling_ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_pause_grows_to_its_cap() {
        for _ in 0..100 {
            assert!(retry_pause(1) <= MANIFEST_RETRY_BASE_PAUSE);
            assert!(retry_pause(3) <= MANIFEST_RETRY_BASE_PAUSE * 4);
            assert!(retry_pause(40) <= MANIFEST_RETRY_MAX_PAUSE);
        }
        let late_max = (0..200).map(|_| retry_pause(40)).max().unwrap_or_default();
        assert!(late_max > MANIFEST_RETRY_BASE_PAUSE * 4, "{late_max:?}");
    }
}

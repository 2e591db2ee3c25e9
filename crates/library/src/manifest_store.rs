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
//!   the end of a job ([`settle_entries`]) write them again when they find them missing. A
//!   stale write that lands after the settle pass still drops them, until this computer writes
//!   the manifest again: every write merges the local catalog, which keeps them. The settle
//!   pass runs only where [`store_enforces_conditions`] did not find the conditions enforced.
//!
//! [`TransferError::is_precondition_failed`]: pers_transfer::TransferError::is_precondition_failed

use std::time::Duration;

use bytes::Bytes;
use md5::Digest;
use pers_transfer::WriteCondition;
use rand::Rng;

use crate::error::LibraryError;
use crate::manifest::{
    MANIFEST_CONTENT_TYPE, MANIFEST_EXTENSION, MANIFEST_FILE_NAME, MAX_MANIFEST_BYTES, Manifest,
    ManifestEntry,
};
use crate::storage::{EntityStorage, plain_md5};

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

/// State guarded by a scope's writer lock: the manifest version this process wrote and
/// verified last, so that the next round can write on top of it without downloading it again.
#[derive(Default)]
pub(crate) struct ManifestWriter {
    last_written: Option<WrittenVersion>,
}

impl ManifestWriter {
    /// Forgets the last written version, so the next round starts from a full read.
    pub fn forget(&mut self) {
        self.last_written = None;
    }
}

/// A manifest as stored, with the ETag storage gave it.
struct WrittenVersion {
    manifest: Manifest,
    etag: String,
}

/// The outcome of [`record_entries`].
pub(crate) struct Recorded {
    /// The manifest as verified in storage.
    pub manifest: Manifest,
    /// True when the round wrote on top of the version this process wrote last, so the result
    /// is that version plus the entries, and a catalog that contains that version needs only them.
    pub on_last_written: bool,
}

/// Adds `entries` (and everything in the local catalog, which `local` reads) to the shared
/// manifest and returns the manifest as verified.
///
/// Each round starts from the stored manifest and its ETag, merges the entries in, writes the
/// result on the condition that no other client wrote since, and checks the write. The start is
/// the version in `writer` when a one-byte ranged GET shows its ETag still stored; otherwise a
/// full read, merged with `local` (the entries cached on this computer, which puts back entries that
/// a stale write dropped). The check is a ranged GET too: the ETag must be the MD5 of the bytes
/// written. When the store sends another kind of ETag, or another client wrote meanwhile, the
/// manifest is read in full and must contain every entry. So a large manifest is downloaded
/// only when someone else changed it. The round repeats after a random pause when the write is
/// rejected because another client wrote first, or when the read misses an entry because a
/// store that ignores the condition let a stale write through. Fails with
/// [`LibraryError::ManifestConflict`] after [`MANIFEST_UPDATE_ATTEMPTS`] rounds, and with the
/// transfer error at once when a read or write fails for another reason; `writer` then holds
/// no version.
pub(crate) async fn record_entries(
    storage: &EntityStorage<'_>,
    entries: &[ManifestEntry],
    local: &(dyn Fn() -> Result<Manifest, LibraryError> + Sync),
    writer: &mut ManifestWriter,
) -> Result<Recorded, LibraryError> {
    for attempt in 1..=MANIFEST_UPDATE_ATTEMPTS {
        let (mut manifest, condition, on_last_written) = match writer.last_written.take() {
            Some(last) if still_stored(storage, &last).await? => {
                let condition = Some(WriteCondition::IfMatch(last.etag));
                (last.manifest, condition, true)
            }
            _ => {
                let VersionedManifest {
                    mut manifest,
                    condition,
                } = read_versioned(storage).await?;
                manifest.merge(&local()?);
                (manifest, condition, false)
            }
        };
        for entry in entries {
            manifest.merge_entry(entry.clone());
        }
        let body = Bytes::from(manifest.to_json());
        match write_manifest(storage, body.clone(), condition.as_ref()).await {
            Ok(()) => {}
            Err(error) if is_precondition_failed(&error) => {
                tracing::debug!(entity = %storage.entity, attempt, "another client wrote the manifest first; merging again");
                pause_before_retry(attempt).await;
                continue;
            }
            Err(error) => return Err(error),
        }
        if let Some(etag) = written_etag(storage, &body).await? {
            writer.last_written = Some(WrittenVersion {
                manifest: manifest.clone(),
                etag,
            });
            return Ok(Recorded {
                manifest,
                on_last_written,
            });
        }
        let VersionedManifest {
            manifest: verified,
            condition,
        } = read_versioned(storage).await?;
        if contains_all(&verified, entries) {
            if let Some(WriteCondition::IfMatch(etag)) = condition {
                writer.last_written = Some(WrittenVersion {
                    manifest: verified.clone(),
                    etag,
                });
            }
            return Ok(Recorded {
                manifest: verified,
                on_last_written: false,
            });
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

/// An ETag that no stored object can have, because S3 ETags are quoted hex digests.
const IMPOSSIBLE_ETAG: &str = "\"pers-asset-manager-condition-check\"";

/// Tells whether storage rejects a manifest write whose `If-Match` names another ETag, which
/// shows that it enforces write conditions. `None` when `writer` contains no written version to
/// send or the check failed for another reason, so nothing is known.
///
/// The check sends the version written last, byte for byte, with an `If-Match` that matches
/// no object. A store that enforces conditions rejects it with 412 and stores nothing. A store
/// that ignores them stores the same bytes again. Like any write on such a store, that can
/// replace a version another client wrote since this one.
pub(crate) async fn store_enforces_conditions(
    storage: &EntityStorage<'_>,
    writer: &ManifestWriter,
) -> Option<bool> {
    let last = writer.last_written.as_ref()?;
    let body = Bytes::from(last.manifest.to_json());
    let condition = WriteCondition::IfMatch(IMPOSSIBLE_ETAG.to_owned());
    match write_manifest(storage, body, Some(&condition)).await {
        Err(error) if is_precondition_failed(&error) => Some(true),
        Ok(()) => {
            tracing::warn!(entity = %storage.entity, "storage ignores If-Match on writes, so concurrent manifest writers can drop each other's entries");
            Some(false)
        }
        Err(error) => {
            tracing::warn!(entity = %storage.entity, %error, "could not check whether storage enforces write conditions");
            None
        }
    }
}

/// Tells whether storage still contains `version`, by the ETag of a one-byte ranged GET.
async fn still_stored(
    storage: &EntityStorage<'_>,
    version: &WrittenVersion,
) -> Result<bool, LibraryError> {
    let probe = storage
        .probe(MANIFEST_FILE_NAME, MANIFEST_EXTENSION)
        .await?;
    Ok(probe.and_then(|probe| probe.etag).as_deref() == Some(version.etag.as_str()))
}

/// Returns the stored manifest's ETag when a one-byte ranged GET shows that storage contains
/// exactly `body`: the same size, and an ETag that is the MD5 of `body`. `None` when it contains
/// something else or the ETag is not a plain MD5 (multipart or encrypted objects on S3).
async fn written_etag(
    storage: &EntityStorage<'_>,
    body: &[u8],
) -> Result<Option<String>, LibraryError> {
    let Some(probe) = storage
        .probe(MANIFEST_FILE_NAME, MANIFEST_EXTENSION)
        .await?
    else {
        return Ok(None);
    };
    let Some(etag) = probe.etag else {
        return Ok(None);
    };
    let expected = hex::encode(md5::Md5::digest(body));
    let same_bytes = probe.size_bytes == body.len() as u64
        && plain_md5(&etag).is_some_and(|stored| stored == expected);
    Ok(same_bytes.then_some(etag))
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
    local: &(dyn Fn() -> Result<Manifest, LibraryError> + Sync),
    writer: &mut ManifestWriter,
) -> Result<Manifest, LibraryError> {
    let (shortest, longest) = SETTLE_PAUSE_MS;
    let pause_ms = rand::rng().random_range(shortest..=longest);
    tokio::time::sleep(Duration::from_millis(pause_ms)).await;
    let current = read_manifest(storage).await?;
    if contains_all(&current, entries) {
        return Ok(current);
    }
    tracing::warn!(entity = %storage.entity, "entries were dropped from the shared manifest; writing them again");
    writer.forget();
    Ok(record_entries(storage, entries, local, writer)
        .await?
        .manifest)
}

/// Tells whether `manifest` contains every entry, or a newer version of it.
pub(crate) fn contains_all(manifest: &Manifest, entries: &[ManifestEntry]) -> bool {
    entries
        .iter()
        .all(|entry| manifest.contains_at_least(entry))
}

async fn write_manifest(
    storage: &EntityStorage<'_>,
    body: Bytes,
    condition: Option<&WriteCondition>,
) -> Result<(), LibraryError> {
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

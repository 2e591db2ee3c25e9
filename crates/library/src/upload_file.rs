//! One file's way through an upload job: prepare, skip, sign, PUT, verify, record.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use sha2::{Digest, Sha256};
use tokio_util::sync::CancellationToken;

use crate::error::LibraryError;
use crate::events::{Stage, UploadEvent};
use crate::image_cache::{Rendition, THUMBNAIL_MAX_EDGE_PX};
use crate::journal::{FileStage, JournalFile, Outcome, PreparedRecord};
use crate::manifest::ManifestEntry;
use crate::manifest_batch::finish_round;
use crate::manifest_store::{ManifestWriter, record_entries};
use crate::prepare::{PrepareSettings, discard, hash_file, is_reusable, prepare_file};
use crate::retry::{Disposition, classify, pause_after};
use crate::session::SignedIn;
use crate::storage::plain_md5;
use crate::upload::UploadJob;
use crate::{now_ms, now_rfc3339};

/// How many times writing the shared manifest is tried after a transient failure, before the
/// entry is kept in the local catalog only.
const MANIFEST_WRITE_ATTEMPTS: u32 = 4;

/// What sending did with a prepared file.
enum Sent {
    /// The file was sent (or found stored after a restart) and checked. The guard keeps other
    /// files with the same key waiting until this one is recorded.
    Stored(PreparedRecord, tokio::sync::OwnedMutexGuard<()>),
    /// The manifest already lists the same file under this key, so nothing was sent.
    Listed(String),
}

/// How a file that did not fail ended.
pub(crate) struct Stored {
    pub stage: FileStage,
    pub outcome: Outcome,
}

impl UploadJob {
    /// Stores one file, or fails with the reason; cancellable until it is being recorded.
    pub(crate) async fn store_file(&self, file: &JournalFile) -> Result<Stored, LibraryError> {
        let token = self.control.file_token(file.file.file_id);
        let cancelled = || LibraryError::Cancelled {
            name: file.file.name.clone(),
        };
        let sent = tokio::select! {
            biased;
            () = token.cancelled() => return Err(cancelled()),
            sent = self.prepare_and_send(file, &token) => sent?,
        };
        let (prepared, _same_file) = match sent {
            Sent::Stored(prepared, guard) => (prepared, guard),
            Sent::Listed(key) => return Ok(skipped(key)),
        };
        // Recording is not cancelled: the entry is then either fully recorded or not at all.
        self.stage(&file.file, Stage::Recording, None);
        let entry = self.manifest_entry(file, &prepared);
        let shared = self.record(&entry).await?;
        self.known.lock().await.merge_entry(entry.clone());
        self.cache_renditions(&prepared).await;
        discard(&prepared);
        Ok(Stored {
            stage: FileStage::Recorded,
            outcome: Outcome::Done {
                file_name: entry.key(),
                already_uploaded: false,
                shared,
            },
        })
    }

    /// Prepares the file and sends it, unless the manifest already lists it.
    async fn prepare_and_send(
        &self,
        file: &JournalFile,
        token: &CancellationToken,
    ) -> Result<Sent, LibraryError> {
        self.control.wait_unpaused().await;
        let prepared = self.prepared(file).await?;
        self.emit(UploadEvent::FilePrepared {
            job_id: self.id,
            file_id: file.file.file_id,
            output_bytes: prepared.size_bytes,
            width: prepared.width.unwrap_or(0),
            height: prepared.height.unwrap_or(0),
            content_type: prepared.content_type.clone(),
            animation: prepared.animation,
        });

        let key = format!("{}.{}", prepared.file_name, prepared.extension);
        let key_lock = self.key_lock(&key);
        let same_file = key_lock.lock_owned().await;
        let listed = self
            .known
            .lock()
            .await
            .entries
            .get(&key)
            .is_some_and(|entry| !entry.removed);
        if listed {
            discard(&prepared);
            return Ok(Sent::Listed(key));
        }
        let resumed_after_send = matches!(file.stage, FileStage::Uploading | FileStage::Verifying);
        if resumed_after_send && self.already_stored(&prepared).await {
            tracing::info!(job = self.id, file = %file.file.name, "stored before the restart; not sent again");
        } else {
            self.send_with_retries(file, &prepared, token).await?;
        }
        Ok(Sent::Stored(prepared, same_file))
    }

    /// Returns the file's prepared output: the journaled one when it is still intact, else a
    /// new one made within the prepare slots.
    async fn prepared(&self, file: &JournalFile) -> Result<PreparedRecord, LibraryError> {
        if let Some(record) = file.prepared.clone() {
            let check = record.clone();
            let reusable = tokio::task::spawn_blocking(move || is_reusable(&check))
                .await
                .unwrap_or(false);
            if reusable {
                return Ok(record);
            }
        }
        let _slot = self.inner.prepare_slots.acquire().await.map_err(|_| {
            LibraryError::InvalidRequest("the app is shutting down; retry the file".to_owned())
        })?;
        // Reported once the file has a slot, so a waiting file still shows as waiting.
        self.stage(&file.file, Stage::Preparing, Some(FileStage::Preparing));
        let path = PathBuf::from(&file.file.path);
        let name = file.file.name.clone();
        let settings = self.prepare_settings();
        let (job_id, file_id) = (self.id, file.file.file_id);
        let task = tokio::task::spawn_blocking(move || {
            prepare_file(&path, &name, job_id, file_id, &settings)
        });
        let record = task.await.map_err(|error| {
            LibraryError::InvalidRequest(format!(
                "{}: preparing the file stopped unexpectedly ({error}); retry the file",
                file.file.name
            ))
        })??;
        self.inner.journal.set_prepared(self.id, file_id, &record)?;
        Ok(record)
    }

    pub(crate) fn prepare_settings(&self) -> PrepareSettings {
        let config = &self.inner.config;
        PrepareSettings {
            preset: config.preset.clone(),
            limits: config.limits.clone(),
            max_document_bytes: config.max_document_bytes,
            prepared_dir: self.inner.prepared_dir.clone(),
        }
    }

    /// Signs, PUTs and verifies until it works, the cause is not transient, or the attempts
    /// run out. An expired session waits for a sign-in without using up an attempt.
    async fn send_with_retries(
        &self,
        file: &JournalFile,
        prepared: &PreparedRecord,
        token: &CancellationToken,
    ) -> Result<(), LibraryError> {
        let config = &self.inner.config;
        let mut attempts = file.attempts;
        loop {
            self.control.wait_unpaused().await;
            let session = self.current_session();
            attempts += 1;
            self.inner
                .journal
                .set_attempts(self.id, file.file.file_id, attempts)?;
            let error = match self.send_once(&session, file, prepared).await {
                Ok(()) => return Ok(()),
                Err(error) => error,
            };
            let disposition = classify(&error);
            if disposition == Disposition::SessionExpired {
                attempts -= 1;
                self.renew_session(&session).await;
                continue;
            }
            if disposition == Disposition::Fatal || attempts >= config.max_attempts {
                return Err(error);
            }
            tracing::warn!(job = self.id, file = %file.file.name, attempts, %error, ?disposition, "retrying the upload");
            if disposition == Disposition::Backoff {
                let pause = pause_after(
                    &error,
                    attempts,
                    config.retry_base_delay,
                    config.retry_max_delay,
                );
                tokio::select! {
                    () = tokio::time::sleep(pause) => {}
                    () = token.cancelled() => {}
                }
            }
        }
    }

    /// Makes one attempt in one upload slot: a fresh signed URL, the PUT, and the read-back check.
    async fn send_once(
        &self,
        session: &SignedIn,
        file: &JournalFile,
        prepared: &PreparedRecord,
    ) -> Result<(), LibraryError> {
        let _slot = self.inner.upload_slots.acquire().await.map_err(|_| {
            LibraryError::InvalidRequest("the app is shutting down; retry the file".to_owned())
        })?;
        let storage = session.storage(&self.inner.transfer, &self.entity);
        self.stage(&file.file, Stage::Signing, Some(FileStage::Signing));
        let url = storage
            .sign_put(&prepared.file_name, &prepared.extension)
            .await?;
        self.stage(&file.file, Stage::Uploading, Some(FileStage::Uploading));
        let progress = |bytes_sent: u64| {
            self.emit(UploadEvent::FileProgress {
                job_id: self.id,
                file_id: file.file.file_id,
                bytes_sent,
                bytes_total: prepared.size_bytes,
            });
        };
        storage
            .put_signed_file(
                &url,
                &prepared.file_name,
                &prepared.extension,
                &prepared.upload_content_type,
                Path::new(&prepared.path),
                &progress,
            )
            .await?;
        self.stage(&file.file, Stage::Verifying, Some(FileStage::Verifying));
        verify_stored(session, &self.inner.transfer, &self.entity, prepared).await
    }

    /// Tells whether storage already contains exactly the prepared bytes under their derived name.
    async fn already_stored(&self, prepared: &PreparedRecord) -> bool {
        let session = self.current_session();
        verify_stored(&session, &self.inner.transfer, &self.entity, prepared)
            .await
            .is_ok()
    }

    /// Records `entry` in the shared manifest and the catalog; returns whether it is shared.
    ///
    /// When the shared manifest cannot be written after retries, the entry is kept in the
    /// catalog only and marked unshared. The gallery then lists it from the catalog with a
    /// notice, and the next write of the manifest shares it.
    async fn record(&self, entry: &ManifestEntry) -> Result<bool, LibraryError> {
        let mut attempts = 0;
        loop {
            let session = self.current_session();
            let scope = session.scope(&self.entity);
            let error = match self.record_round(&session, entry).await {
                Ok(Some(_)) => {
                    self.recorded_entry(entry);
                    return Ok(true);
                }
                // The round that held the entry was dropped unfinished: queue it again.
                Ok(None) => continue,
                Err(error) => error,
            };
            attempts += 1;
            let disposition = classify(&error);
            if disposition == Disposition::SessionExpired {
                self.renew_session(&session).await;
                continue;
            }
            if disposition != Disposition::Fatal && attempts < MANIFEST_WRITE_ATTEMPTS {
                let config = &self.inner.config;
                tokio::time::sleep(pause_after(
                    &error,
                    attempts,
                    config.retry_base_delay,
                    config.retry_max_delay,
                ))
                .await;
                continue;
            }
            tracing::warn!(job = self.id, file = %entry.original_name, %error, "the shared manifest was not written; keeping the entry in the local catalog");
            self.inner.catalog.merge_entry(&scope, entry)?;
            self.inner.catalog.mark_unshared(&scope, &entry.key())?;
            return Ok(false);
        }
    }

    /// Queues `entry` for the scope's next manifest round and waits for that round's outcome.
    ///
    /// The task that gets the writer lock first writes every entry queued by then in one
    /// read-merge-write-verify round, so files that finish together cost one round, not one
    /// each. A file whose entry another task's round wrote returns as soon as that round ends,
    /// without taking the lock. Waiting for the lock would make each such file run a round of
    /// its own for the entries queued meanwhile, one file after the other. Returns `None` when
    /// the round that held the entry was dropped unfinished (its task was cancelled), so the
    /// caller queues it again.
    async fn record_round(
        &self,
        session: &SignedIn,
        entry: &ManifestEntry,
    ) -> Result<Option<()>, Arc<LibraryError>> {
        let scope = session.scope(&self.entity);
        let queue = self.inner.manifest_queue(&scope);
        let lock = self.inner.manifest_lock(&scope);
        let mut outcome = queue.push(entry.clone());
        loop {
            tokio::select! {
                biased;
                result = &mut outcome => return result.map_or(Ok(None), |result| result.map(Some)),
                mut writer = lock.lock() => {
                    let batch = queue.take();
                    if !batch.is_empty() {
                        let entries: Vec<ManifestEntry> =
                            batch.iter().map(|pending| pending.entry.clone()).collect();
                        let result = self
                            .write_round(session, &entries, &mut writer)
                            .await
                            .map_err(Arc::new);
                        finish_round(batch, &result);
                    }
                }
            }
        }
    }

    /// Writes `entries` to the shared manifest in one round and merges the verified manifest
    /// into the catalog: only the entries when the round wrote on top of this process's last
    /// write, which the catalog already contains.
    async fn write_round(
        &self,
        session: &SignedIn,
        entries: &[ManifestEntry],
        writer: &mut ManifestWriter,
    ) -> Result<(), LibraryError> {
        let scope = session.scope(&self.entity);
        let storage = session.storage(&self.inner.transfer, &self.entity);
        let catalog = &self.inner.catalog;
        let local = || catalog.manifest(&scope);
        let recorded = record_entries(&storage, entries, &local, writer).await?;
        let cached = if recorded.on_last_written {
            catalog.merge_entries(&scope, entries)
        } else {
            catalog.merge_manifest(&scope, &recorded.manifest)
        };
        let settled = cached.and_then(|()| catalog.settle_unshared(&scope, &recorded.manifest));
        if let Err(error) = settled {
            // The catalog may now lack the written version, so the next round reads it again.
            writer.forget();
            return Err(error);
        }
        tracing::debug!(
            job = self.id,
            entries = entries.len(),
            "manifest round written"
        );
        Ok(())
    }

    fn recorded_entry(&self, entry: &ManifestEntry) {
        self.recorded
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(entry.clone());
    }

    /// Caches the thumbnail and the preview of a prepared image; a failure only costs a later
    /// download.
    async fn cache_renditions(&self, prepared: &PreparedRecord) {
        if !prepared.content_type.starts_with("image/") {
            return;
        }
        let inner = Arc::clone(&self.inner);
        let record = prepared.clone();
        let result = tokio::task::spawn_blocking(move || {
            let path = Path::new(&record.path);
            let bytes = std::fs::read(path).map_err(|source| LibraryError::Io {
                path: path.to_owned(),
                source,
            })?;
            inner.image_cache.store(
                Rendition::Preview,
                &record.sha256,
                &record.content_type,
                &bytes,
            )?;
            let limits = inner.config.limits.clone();
            let thumbnail = pers_imaging::thumbnail(&bytes, THUMBNAIL_MAX_EDGE_PX, &limits)
                .map_err(|source| LibraryError::Imaging {
                    name: record.file_name.clone(),
                    source,
                })?;
            inner.image_cache.store(
                Rendition::Thumbnail,
                &record.sha256,
                thumbnail.format.content_type(),
                &thumbnail.bytes,
            )
        })
        .await;
        match result {
            Ok(Ok(_)) => {}
            Ok(Err(error)) => tracing::warn!(%error, "could not cache the thumbnail"),
            Err(error) => tracing::warn!(%error, "thumbnail task stopped"),
        }
    }

    fn manifest_entry(&self, file: &JournalFile, prepared: &PreparedRecord) -> ManifestEntry {
        ManifestEntry {
            file_name: prepared.file_name.clone(),
            file_extension: prepared.extension.clone(),
            original_name: file.file.name.clone(),
            content_type: prepared.content_type.clone(),
            size_bytes: prepared.size_bytes,
            width: prepared.width,
            height: prepared.height,
            sha256: prepared.sha256.clone(),
            uploaded_at: now_rfc3339(),
            uploaded_by: Some(self.current_session().info.email.clone()),
            updated_at_ms: now_ms(),
            removed: false,
        }
    }
}

fn skipped(key: String) -> Stored {
    Stored {
        stage: FileStage::Skipped,
        outcome: Outcome::Done {
            file_name: key,
            already_uploaded: true,
            shared: true,
        },
    }
}

/// Checks what storage kept against the prepared output, through a signed GET URL.
///
/// A one-byte ranged GET gives the stored size and ETag. When the ETag is a plain MD5 (S3's
/// ETag of a single-part upload without KMS encryption), matching it and the size against the
/// local file proves the bytes without downloading them. Otherwise (no ETag, a multipart or
/// encrypted ETag, or a local file that cannot be read) the object is read back in full and
/// its SHA-256 compared.
async fn verify_stored(
    session: &SignedIn,
    transfer: &pers_transfer::Transfer,
    entity: &crate::types::EntityRef,
    prepared: &PreparedRecord,
) -> Result<(), LibraryError> {
    let storage = session.storage(transfer, entity);
    let failed = |expected, actual| verification_failed(prepared, expected, actual);
    let Some(probe) = storage
        .probe(&prepared.file_name, &prepared.extension)
        .await?
    else {
        return Err(failed(
            format!("{} bytes", prepared.size_bytes),
            "no object".to_owned(),
        ));
    };
    if probe.size_bytes != prepared.size_bytes {
        return Err(failed(
            format!("{} bytes", prepared.size_bytes),
            format!("{} bytes", probe.size_bytes),
        ));
    }
    let stored_md5 = probe.etag.as_deref().and_then(plain_md5);
    let local_md5 = match (&stored_md5, &prepared.md5) {
        (None, _) => None,
        (Some(_), Some(md5)) => Some(md5.clone()),
        (Some(_), None) => md5_of_file(Path::new(&prepared.path)).await,
    };
    match (stored_md5, local_md5) {
        (Some(stored), Some(local)) if stored == local => Ok(()),
        (Some(stored), Some(local)) => Err(failed(
            format!("{} bytes, MD5 {local}", prepared.size_bytes),
            format!("{} bytes, ETag {stored}", probe.size_bytes),
        )),
        _ => verify_by_download(&storage, prepared).await,
    }
}

/// Reads the stored object back in full and compares its size and SHA-256 with the prepared
/// output.
///
/// NOTE: the whole object is read into memory (at most its expected size), so this costs as
/// much memory as the file. It runs only when storage's ETag cannot prove the bytes.
async fn verify_by_download(
    storage: &crate::storage::EntityStorage<'_>,
    prepared: &PreparedRecord,
) -> Result<(), LibraryError> {
    let stored = storage
        .get(
            &prepared.file_name,
            &prepared.extension,
            prepared.size_bytes,
        )
        .await?;
    let expected = format!("{} bytes, SHA-256 {}", prepared.size_bytes, prepared.sha256);
    let actual = match stored {
        None => "no object".to_owned(),
        Some(bytes) => {
            let sha256 = hex::encode(Sha256::digest(&bytes));
            if sha256 == prepared.sha256 && bytes.len() as u64 == prepared.size_bytes {
                return Ok(());
            }
            format!("{} bytes, SHA-256 {sha256}", bytes.len())
        }
    };
    Err(verification_failed(prepared, expected, actual))
}

/// Builds the error of a stored object that does not match `prepared`.
fn verification_failed(
    prepared: &PreparedRecord,
    expected: String,
    actual: String,
) -> LibraryError {
    LibraryError::VerificationFailed {
        file_name: format!("{}.{}", prepared.file_name, prepared.extension),
        expected,
        actual,
    }
}

/// Returns the hex MD5 of the file at `path`, or `None` when it cannot be read. Used for
/// records journaled without their MD5.
async fn md5_of_file(path: &Path) -> Option<String> {
    let path = path.to_owned();
    let task = tokio::task::spawn_blocking(move || hash_file(&path));
    match task.await {
        Ok(Ok(digests)) => Some(digests.md5),
        Ok(Err(error)) => {
            tracing::debug!(%error, "the prepared file could not be hashed; reading the object back");
            None
        }
        Err(_) => None,
    }
}

/// Default first pause between two attempts of one file; it doubles with each further attempt.
pub(crate) const DEFAULT_RETRY_BASE_DELAY: Duration = Duration::from_millis(250);

/// Default maximum pause between two attempts of one file.
pub(crate) const DEFAULT_RETRY_MAX_DELAY: Duration = Duration::from_secs(10);

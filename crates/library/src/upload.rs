//! Upload jobs: many files onto one entity, with bounded concurrency.
//!
//! Each file goes through validate and prepare (on a blocking thread, at most
//! `prepare_concurrency` at once), hash, skip if already stored, sign, PUT
//! with progress, verify the ETag, and record in the shared manifest and the
//! local catalog. A file that fails is reported with its reason and the rest
//! of the batch goes on; a file is reported done only after it is recorded.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use md5::Md5;
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;

use crate::error::LibraryError;
use crate::events::{JobId, ProgressSink, QueuedFile, Stage, UploadEvent};
use crate::image_cache::{Rendition, THUMBNAIL_MAX_EDGE_PX};
use crate::manifest::{Manifest, ManifestEntry};
use crate::manifest_store::{read_manifest, record_entry};
use crate::session::SignedIn;
use crate::types::EntityRef;
use crate::{Inner, now_ms, now_rfc3339};

/// How many times one file's sign-and-PUT is tried before it is failed.
pub const MAX_PUT_ATTEMPTS: u32 = 3;

/// Pause before the second attempt; it doubles for each further one.
const FIRST_RETRY_PAUSE_MS: u64 = 500;

/// One running job.
pub(crate) struct UploadJob {
    pub id: JobId,
    pub entity: EntityRef,
    pub inner: Arc<Inner>,
    pub signed_in: Arc<SignedIn>,
    pub sink: ProgressSink,
    pub prepare_slots: Arc<Semaphore>,
    /// What is stored already: read when the job starts, extended as files are recorded.
    pub known: tokio::sync::Mutex<Manifest>,
    /// One lock per content hash, so identical files of one batch are uploaded once.
    pub content_locks: std::sync::Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

/// What became of one file that did not fail.
struct Stored {
    key: String,
    already_uploaded: bool,
}

/// A prepared file with its hashes and derived name.
struct Prepared {
    image: pers_imaging::PreparedImage,
    bytes: Bytes,
    sha256: String,
    md5: String,
    file_name: String,
    original_name: String,
}

impl UploadJob {
    /// Queues `paths` and runs the job to its end, reporting through the sink.
    pub async fn run(self, paths: Vec<PathBuf>) {
        let files = queue_files(&paths);
        let total_bytes = files
            .iter()
            .map(|file| file.size_bytes)
            .sum::<Option<u64>>();
        self.emit(UploadEvent::Started {
            job_id: self.id,
            files: files.clone(),
            total_bytes,
        });

        *self.known.lock().await = self.known_manifest().await;
        let concurrency = self.inner.config.upload_concurrency.max(1);
        let results: Vec<bool> = futures_util::stream::iter(files)
            .map(|file| self.process(file))
            .buffer_unordered(concurrency)
            .collect()
            .await;

        let done = results.iter().filter(|stored| **stored).count() as u32;
        let failed = results.len() as u32 - done;
        tracing::info!(job = self.id, entity = %self.entity, done, failed, "upload job finished");
        self.emit(UploadEvent::Finished {
            job_id: self.id,
            done,
            failed,
        });
    }

    /// The manifest used to skip content that is already stored: the shared one, or the catalog's.
    async fn known_manifest(&self) -> Manifest {
        match read_manifest(&self.signed_in.storage(&self.inner.transfer, &self.entity)).await {
            Ok(manifest) => manifest,
            Err(error) => {
                tracing::warn!(%error, entity = %self.entity, "using the local catalog to skip duplicates");
                let scope = self.signed_in.scope(&self.entity);
                self.inner.catalog.manifest(&scope).unwrap_or_default()
            }
        }
    }

    async fn process(&self, file: QueuedFile) -> bool {
        let file_id = file.file_id;
        match self.store_file(&file).await {
            Ok(stored) => {
                self.emit(UploadEvent::FileDone {
                    job_id: self.id,
                    file_id,
                    file_name: stored.key,
                    already_uploaded: stored.already_uploaded,
                });
                true
            }
            Err(error) => {
                tracing::warn!(job = self.id, file = %file.name, %error, "file failed");
                self.emit(UploadEvent::FileFailed {
                    job_id: self.id,
                    file_id,
                    code: error.code(),
                    message: error.to_string(),
                    retryable: error.is_retryable(),
                });
                false
            }
        }
    }

    async fn store_file(&self, file: &QueuedFile) -> Result<Stored, LibraryError> {
        self.stage(file, Stage::Preparing);
        let prepared = self.prepare(file).await?;
        self.emit(UploadEvent::FilePrepared {
            job_id: self.id,
            file_id: file.file_id,
            output_bytes: prepared.bytes.len() as u64,
            width: prepared.image.width,
            height: prepared.image.height,
            content_type: prepared.image.format.content_type().to_owned(),
            first_frame_of: prepared.image.animated_frames,
        });

        let content_lock = self.content_lock(&prepared.sha256);
        let _same_content = content_lock.lock().await;
        let existing = self
            .known
            .lock()
            .await
            .live_entry_with_hash(&prepared.sha256)
            .cloned();
        if let Some(existing) = existing {
            self.cache_renditions(&prepared).await;
            return Ok(Stored {
                key: existing.key(),
                already_uploaded: true,
            });
        }

        self.put_with_retries(file, &prepared).await?;
        self.stage(file, Stage::Recording);
        self.cache_renditions(&prepared).await;
        let entry = self.manifest_entry(&prepared);
        let verified = self.record(&entry).await?;
        self.known.lock().await.merge(&verified);
        Ok(Stored {
            key: entry.key(),
            already_uploaded: false,
        })
    }

    /// Reads the file and prepares it on a blocking thread, within the prepare slots.
    async fn prepare(&self, file: &QueuedFile) -> Result<Prepared, LibraryError> {
        let _slot = self.prepare_slots.acquire().await.map_err(|_| {
            LibraryError::InvalidRequest("the app is shutting down; retry the file".to_owned())
        })?;
        let path = PathBuf::from(&file.path);
        let name = file.name.clone();
        let limits = self.inner.config.limits.clone();
        let preset = self.inner.config.preset.clone();
        let task =
            tokio::task::spawn_blocking(move || prepare_blocking(&path, &name, &preset, &limits));
        task.await.map_err(|error| {
            LibraryError::InvalidRequest(format!(
                "{}: preparing the file stopped unexpectedly ({error}); retry the file",
                file.name
            ))
        })?
    }

    /// Signs and PUTs the prepared bytes, signing afresh for each attempt.
    async fn put_with_retries(
        &self,
        file: &QueuedFile,
        prepared: &Prepared,
    ) -> Result<(), LibraryError> {
        let storage = self.signed_in.storage(&self.inner.transfer, &self.entity);
        let extension = prepared.image.format.extension();
        let content_type = prepared.image.format.content_type();
        let bytes_total = prepared.bytes.len() as u64;
        let mut attempt = 1;
        loop {
            self.stage(file, Stage::Signing);
            let progress = |bytes_sent: u64| {
                self.emit(UploadEvent::FileProgress {
                    job_id: self.id,
                    file_id: file.file_id,
                    bytes_sent,
                    bytes_total,
                });
            };
            let result = async {
                let url = storage.sign_put(&prepared.file_name, extension).await?;
                self.stage(file, Stage::Uploading);
                storage
                    .put_signed(
                        &url,
                        &prepared.file_name,
                        extension,
                        content_type,
                        prepared.bytes.clone(),
                        &progress,
                    )
                    .await
            }
            .await;
            match result {
                Ok(outcome) => {
                    self.stage(file, Stage::Verifying);
                    return verify_etag(
                        &prepared.file_name,
                        &prepared.md5,
                        outcome.etag.as_deref(),
                    );
                }
                Err(error) if error.is_retryable() && attempt < MAX_PUT_ATTEMPTS => {
                    tracing::warn!(job = self.id, file = %file.name, attempt, %error, "retrying upload");
                    let pause_ms = FIRST_RETRY_PAUSE_MS << (attempt - 1);
                    tokio::time::sleep(Duration::from_millis(pause_ms)).await;
                    attempt += 1;
                }
                Err(error) => return Err(error),
            }
        }
    }

    /// Records `entry` in the shared manifest and the catalog, one writer per entity at a time.
    async fn record(&self, entry: &ManifestEntry) -> Result<Manifest, LibraryError> {
        let scope = self.signed_in.scope(&self.entity);
        let storage = self.signed_in.storage(&self.inner.transfer, &self.entity);
        let verified = {
            let lock = self.inner.manifest_lock(&scope);
            let _writer = lock.lock().await;
            record_entry(&storage, entry).await?
        };
        self.inner.catalog.merge_manifest(&scope, &verified)?;
        Ok(verified)
    }

    /// Caches the thumbnail and the preview of a prepared file; a failure only costs a later download.
    async fn cache_renditions(&self, prepared: &Prepared) {
        let cache = Arc::clone(&self.inner);
        let bytes = prepared.bytes.clone();
        let sha256 = prepared.sha256.clone();
        let content_type = prepared.image.format.content_type();
        let limits = self.inner.config.limits.clone();
        let result = tokio::task::spawn_blocking(move || {
            cache
                .image_cache
                .store(Rendition::Preview, &sha256, content_type, &bytes)?;
            let thumbnail = pers_imaging::thumbnail(&bytes, THUMBNAIL_MAX_EDGE_PX, &limits)
                .map_err(|source| LibraryError::Imaging {
                    name: sha256.clone(),
                    source,
                })?;
            cache.image_cache.store(
                Rendition::Thumbnail,
                &sha256,
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

    fn manifest_entry(&self, prepared: &Prepared) -> ManifestEntry {
        ManifestEntry {
            file_name: prepared.file_name.clone(),
            file_extension: prepared.image.format.extension().to_owned(),
            original_name: prepared.original_name.clone(),
            content_type: prepared.image.format.content_type().to_owned(),
            size_bytes: prepared.bytes.len() as u64,
            width: Some(prepared.image.width),
            height: Some(prepared.image.height),
            sha256: prepared.sha256.clone(),
            uploaded_at: now_rfc3339(),
            uploaded_by: Some(self.signed_in.info.email.clone()),
            updated_at_ms: now_ms(),
            removed: false,
        }
    }

    fn content_lock(&self, sha256: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self
            .content_locks
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        Arc::clone(locks.entry(sha256.to_owned()).or_default())
    }

    fn stage(&self, file: &QueuedFile, stage: Stage) {
        self.emit(UploadEvent::FileStage {
            job_id: self.id,
            file_id: file.file_id,
            stage,
        });
    }

    fn emit(&self, event: UploadEvent) {
        (self.sink)(event);
    }
}

fn queue_files(paths: &[PathBuf]) -> Vec<QueuedFile> {
    paths
        .iter()
        .enumerate()
        .map(|(index, path)| QueuedFile {
            file_id: index as u32,
            name: display_name(path),
            path: path.to_string_lossy().into_owned(),
            size_bytes: std::fs::metadata(path)
                .ok()
                .filter(|meta| meta.is_file())
                .map(|meta| meta.len()),
        })
        .collect()
}

fn display_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.to_string_lossy().into_owned(),
        |name| name.to_string_lossy().into_owned(),
    )
}

/// Reads, checks and prepares one file; runs on a blocking thread.
fn prepare_blocking(
    path: &Path,
    name: &str,
    preset: &pers_imaging::Preset,
    limits: &pers_imaging::Limits,
) -> Result<Prepared, LibraryError> {
    let io_error = |source| LibraryError::Io {
        path: path.to_owned(),
        source,
    };
    let metadata = std::fs::metadata(path).map_err(io_error)?;
    if !metadata.is_file() {
        return Err(LibraryError::InvalidRequest(format!(
            "{name}: not a file; drop image files, not folders"
        )));
    }
    if metadata.len() > limits.max_file_bytes {
        let source = pers_imaging::ImagingError::FileTooLarge {
            bytes: metadata.len(),
            max_bytes: limits.max_file_bytes,
        };
        return Err(LibraryError::Imaging {
            name: name.to_owned(),
            source,
        });
    }
    let bytes = std::fs::read(path).map_err(io_error)?;
    let mut image =
        pers_imaging::prepare(&bytes, preset, limits).map_err(|source| LibraryError::Imaging {
            name: name.to_owned(),
            source,
        })?;
    let sha256 = hex::encode(Sha256::digest(&image.bytes));
    let md5 = hex::encode(Md5::digest(&image.bytes));
    let file_name = crate::naming::derived_file_name(name, &sha256);
    // The encoded bytes move out of the image, which keeps only its description.
    let bytes = Bytes::from(std::mem::take(&mut image.bytes));
    Ok(Prepared {
        bytes,
        sha256,
        md5,
        file_name,
        original_name: name.to_owned(),
        image,
    })
}

/// Compares the storage's ETag with the MD5 of what was sent.
///
/// S3 returns the MD5 as the ETag of a single PUT; an ETag of another form
/// (multipart, or a store that does not follow S3 here) is not checked.
fn verify_etag(file_name: &str, md5: &str, etag: Option<&str>) -> Result<(), LibraryError> {
    let Some(etag) = etag.map(|etag| etag.trim_matches('"').to_ascii_lowercase()) else {
        return Ok(());
    };
    let looks_like_md5 = etag.len() == 32 && etag.bytes().all(|byte| byte.is_ascii_hexdigit());
    if !looks_like_md5 || etag == md5 {
        return Ok(());
    }
    Err(LibraryError::VerificationFailed {
        file_name: file_name.to_owned(),
        expected: md5.to_owned(),
        actual: etag,
    })
}

//! Upload jobs: many files onto one entity, journaled, with bounded concurrency.
//!
//! Each file is prepared on a blocking thread into the prepared cache, at most
//! `prepare_concurrency` at once. It is skipped if the manifest already lists
//! the same file. Otherwise it is signed just before sending, sent by PUT from
//! the prepared file with progress, verified by reading the object back (size
//! and SHA-256), and recorded in the shared manifest and the local catalog.
//! Sign, PUT and verify hold one of `upload_concurrency` upload slots, shared
//! by every job. The journal records each stage, so a killed app resumes the
//! job on its next start ([`crate::Library::resume_jobs`]). A file that fails
//! is reported with its reason and the rest of the batch goes on; a file is
//! reported done only after it is recorded.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use futures_util::StreamExt;

use crate::Inner;
use crate::control::JobControl;
use crate::error::LibraryError;
use crate::events::{JobId, ProgressSink, QueuedFile, Stage, UploadEvent};
use crate::journal::{FileStage, JournalFile, Outcome};
use crate::manifest::{Manifest, ManifestEntry};
use crate::manifest_store::{read_manifest, settle_entries, store_enforces_conditions};
use crate::predict::predict_file;
use crate::session::SignedIn;
use crate::types::EntityRef;

/// One running job.
pub(crate) struct UploadJob {
    pub id: JobId,
    pub entity: EntityRef,
    pub inner: Arc<Inner>,
    /// The session the job uses; replaced when it expires and the user signs in again.
    pub session: Mutex<Arc<SignedIn>>,
    pub sink: ProgressSink,
    pub control: Arc<JobControl>,
    /// Set while the job waits for a sign-in, so the wait is reported once.
    pub waiting_for_session: AtomicBool,
    /// The entries already stored: read when the job starts, extended as files are recorded.
    pub known: tokio::sync::Mutex<Manifest>,
    /// One lock per manifest key, so identical files of one batch are uploaded once.
    pub key_locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Entries this job recorded, settled in the shared manifest at the end.
    pub recorded: Mutex<Vec<ManifestEntry>>,
}

/// How many files per upload slot may wait for their manifest round beyond those in the
/// slots. A file waiting for its round uses no slot, so while one round is written the slots
/// upload the files of the next, and the next round takes them all at once.
const RECORDING_PER_UPLOAD: usize = 3;

impl UploadJob {
    pub fn new(
        id: JobId,
        entity: EntityRef,
        inner: Arc<Inner>,
        signed_in: Arc<SignedIn>,
        sink: ProgressSink,
        control: Arc<JobControl>,
    ) -> Self {
        UploadJob {
            id,
            entity,
            inner,
            session: Mutex::new(signed_in),
            sink,
            control,
            waiting_for_session: AtomicBool::new(false),
            known: tokio::sync::Mutex::new(Manifest::new()),
            key_locks: Mutex::new(HashMap::new()),
            recorded: Mutex::new(Vec::new()),
        }
    }

    /// Runs the job's files to their end, reporting through the sink, and closes the job.
    ///
    /// [`UploadJob::announce`] must have reported `Started` first.
    pub async fn run(self, files: Vec<JournalFile>) {
        *self.known.lock().await = self.known_manifest().await;
        let (finished, pending): (Vec<_>, Vec<_>) =
            files.into_iter().partition(|file| file.stage.is_terminal());
        let mut results: Vec<bool> = finished
            .iter()
            .map(|file| self.repeat_outcome(file))
            .collect();
        let predictions = self.predict_outputs(&pending);
        let config = &self.inner.config;
        let uploads = config.upload_concurrency.max(1);
        let in_flight =
            config.prepare_concurrency.max(1) + uploads + RECORDING_PER_UPLOAD * uploads;
        let processed: Vec<bool> = futures_util::stream::iter(pending)
            .map(|file| self.process(file))
            .buffer_unordered(in_flight)
            .collect()
            .await;
        results.extend(processed);
        predictions.stop();

        self.settle().await;
        crate::prepare::clean_job_outputs(&self.inner.prepared_dir, self.id);
        if let Err(error) = self.inner.journal.finish_job(self.id) {
            tracing::warn!(job = self.id, %error, "could not mark the job finished in the journal");
        }
        self.inner.jobs.remove(self.id);
        let done = results.iter().filter(|stored| **stored).count() as u32;
        let failed = results.len() as u32 - done;
        tracing::info!(job = self.id, entity = %self.entity, done, failed, "upload job finished");
        self.emit(UploadEvent::Finished {
            job_id: self.id,
            done,
            failed,
        });
    }

    /// Predicts the output of each of `files` on a blocking thread and reports each prediction
    /// as [`UploadEvent::FilePredicted`], until the returned handle is stopped.
    fn predict_outputs(&self, files: &[JournalFile]) -> Predictions {
        let predictions = Predictions::default();
        let stopped = Arc::clone(&predictions.stopped);
        let settings = self.prepare_settings();
        let sink = Arc::clone(&self.sink);
        let job_id = self.id;
        let queued: Vec<QueuedFile> = files.iter().map(|file| file.file.clone()).collect();
        tokio::task::spawn_blocking(move || {
            for file in queued {
                let Some(predicted) = predict_file(Path::new(&file.path), &settings) else {
                    continue;
                };
                let stopped = stopped
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                if *stopped {
                    return;
                }
                sink(UploadEvent::FilePredicted {
                    job_id,
                    file_id: file.file_id,
                    width: predicted.width,
                    height: predicted.height,
                    estimated_bytes: predicted.estimated_bytes,
                    content_type: predicted.content_type,
                });
            }
        });
        predictions
    }

    /// Reports `Started` with every file; called before the job is spawned, so that no other
    /// event of the job (such as `Paused`) can come first.
    pub fn announce(&self, files: &[JournalFile]) {
        let queued: Vec<QueuedFile> = files.iter().map(|file| file.file.clone()).collect();
        let total_bytes = queued
            .iter()
            .map(|file| file.size_bytes)
            .sum::<Option<u64>>();
        self.emit(UploadEvent::Started {
            job_id: self.id,
            entity: self.entity.clone(),
            files: queued,
            total_bytes,
        });
    }

    /// Reads the manifest used to skip files that are already stored: the catalog's merged with
    /// the shared one, or the catalog's alone when the shared one cannot be read.
    async fn known_manifest(&self) -> Manifest {
        let session = self.current_session();
        let scope = session.scope(&self.entity);
        let storage = session.storage(&self.inner.transfer, &self.entity);
        let mut known = self.inner.catalog.manifest(&scope).unwrap_or_default();
        match read_manifest(&storage).await {
            Ok(shared) => known.merge(&shared),
            Err(error) => {
                tracing::warn!(%error, entity = %self.entity, "using the local catalog to skip duplicates");
            }
        }
        known
    }

    /// Reports again how a file of a resumed job ended; returns whether it is stored.
    fn repeat_outcome(&self, file: &JournalFile) -> bool {
        let outcome = file.outcome.clone().unwrap_or_else(|| Outcome::Failed {
            code: crate::ErrorCode::Internal,
            message: format!(
                "{}: the journal lost how this file ended; add it again to upload it",
                file.file.name
            ),
            retryable: true,
        });
        self.emit_outcome(file.file.file_id, outcome)
    }

    /// Runs one file to its end, journals and reports the outcome; returns whether it is stored.
    async fn process(&self, file: JournalFile) -> bool {
        let file_id = file.file.file_id;
        let (stage, outcome) = match self.store_file(&file).await {
            Ok(stored) => (stored.stage, stored.outcome),
            Err(error) => {
                let stage = match error {
                    LibraryError::Cancelled { .. } => {
                        tracing::info!(job = self.id, file = %file.file.name, "file cancelled");
                        FileStage::Cancelled
                    }
                    _ => {
                        tracing::warn!(job = self.id, file = %file.file.name, %error, "file failed");
                        FileStage::Failed
                    }
                };
                let outcome = Outcome::Failed {
                    code: error.code(),
                    message: error.to_string(),
                    retryable: error.is_retryable(),
                };
                (stage, outcome)
            }
        };
        if let Err(error) = self
            .inner
            .journal
            .finish_file(self.id, file_id, stage, &outcome)
        {
            tracing::warn!(job = self.id, file_id, %error, "could not journal the file's outcome");
        }
        self.emit_outcome(file_id, outcome)
    }

    fn emit_outcome(&self, file_id: u32, outcome: Outcome) -> bool {
        match outcome {
            Outcome::Done {
                file_name,
                already_uploaded,
                shared,
            } => {
                self.emit(UploadEvent::FileDone {
                    job_id: self.id,
                    file_id,
                    file_name,
                    already_uploaded,
                    shared,
                });
                true
            }
            Outcome::Failed {
                code,
                message,
                retryable,
            } => {
                self.emit(UploadEvent::FileFailed {
                    job_id: self.id,
                    file_id,
                    code,
                    message,
                    retryable,
                });
                false
            }
        }
    }

    /// Checks once more, after the job's last write, that its entries are still shared.
    ///
    /// Only a writer without a write condition, or a store that ignores conditions, can drop
    /// entries that a verified round wrote. This app always sends a condition, so the check is
    /// skipped on storage that enforces them, which is tested once per environment and process
    /// ([`store_enforces_conditions`]).
    // NOTE: on such storage, other tools that write the manifest without a condition can still
    // drop entries. The next write of this computer then merges the catalog back in.
    async fn settle(&self) {
        let entries = std::mem::take(
            &mut *self
                .recorded
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        );
        if entries.is_empty() {
            return;
        }
        let session = self.current_session();
        let scope = session.scope(&self.entity);
        let storage = session.storage(&self.inner.transfer, &self.entity);
        let lock = self.inner.manifest_lock(&scope);
        let mut writer = lock.lock().await;
        let environment = &session.environment_key;
        let mut enforced = self.inner.conditions_enforced(environment);
        if enforced.is_none() {
            enforced = store_enforces_conditions(&storage, &writer).await;
            if let Some(known) = enforced {
                self.inner.set_conditions_enforced(environment, known);
            }
        }
        if enforced == Some(true) {
            return;
        }
        let catalog = &self.inner.catalog;
        let local = || catalog.manifest(&scope);
        match settle_entries(&storage, &entries, &local, &mut writer).await {
            Ok(shared) => {
                if let Err(error) = self.inner.catalog.merge_manifest(&scope, &shared) {
                    tracing::warn!(%error, "could not cache the settled manifest");
                }
            }
            Err(error) => {
                tracing::warn!(job = self.id, %error, "could not settle the shared manifest");
                for entry in &entries {
                    if let Err(error) = self.inner.catalog.mark_unshared(&scope, &entry.key()) {
                        tracing::warn!(%error, "could not mark an entry unshared");
                    }
                }
            }
        }
    }

    /// Returns the job's session.
    pub fn current_session(&self) -> Arc<SignedIn> {
        Arc::clone(
            &self
                .session
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        )
    }

    /// Waits until the user signs in again after `expired` ended, and returns the new session.
    ///
    /// The first file that meets the expiry reports it and ends the library's current session
    /// if it is the expired one. The first to get the new session reports the resume.
    pub async fn renew_session(&self, expired: &Arc<SignedIn>) -> Arc<SignedIn> {
        // The session ends before the event goes out, so a front end that reacts to the event
        // finds no user signed in.
        self.inner.end_session(expired);
        if !self.waiting_for_session.swap(true, Ordering::SeqCst) {
            tracing::warn!(job = self.id, "session expired; waiting for a new sign-in");
            self.emit(UploadEvent::SessionExpired { job_id: self.id });
        }
        let fresh = self.inner.wait_for_session_after(expired).await;
        let mut session = self
            .session
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if Arc::ptr_eq(&session, expired) {
            *session = Arc::clone(&fresh);
        }
        if self.waiting_for_session.swap(false, Ordering::SeqCst) {
            tracing::info!(job = self.id, "signed in again; the job goes on");
            self.emit(UploadEvent::SessionResumed { job_id: self.id });
        }
        Arc::clone(&session)
    }

    pub fn key_lock(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self
            .key_locks
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        Arc::clone(locks.entry(key.to_owned()).or_default())
    }

    /// Enters `stage` in the journal (when it has a journal stage) and reports it.
    pub fn stage(&self, file: &QueuedFile, stage: Stage, journal_stage: Option<FileStage>) {
        tracing::trace!(job = self.id, file_id = file.file_id, ?stage, "file stage");
        if let Some(journal_stage) = journal_stage
            && let Err(error) = self
                .inner
                .journal
                .set_stage(self.id, file.file_id, journal_stage)
        {
            tracing::warn!(job = self.id, file = %file.name, %error, "could not journal a stage");
        }
        self.emit(UploadEvent::FileStage {
            job_id: self.id,
            file_id: file.file_id,
            stage,
        });
    }

    pub fn emit(&self, event: UploadEvent) {
        (self.sink)(event);
    }
}

/// Stops a job's prediction pass, so no prediction is reported after the job's files ended.
#[derive(Default)]
struct Predictions {
    stopped: Arc<Mutex<bool>>,
}

impl Predictions {
    /// Waits for a prediction being reported, if any, and lets no other follow.
    fn stop(&self) {
        *self
            .stopped
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = true;
    }
}

/// Lists `paths` as queued files, with their sizes where they can be read.
pub(crate) fn queue_files(paths: &[PathBuf]) -> Vec<QueuedFile> {
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

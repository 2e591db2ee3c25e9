//! The application core of the PERS Asset Manager.
//!
//! [`Library`] is the one facade every front end (the desktop shell, the
//! tests, later a CLI) uses. It signs in to a PERS environment, lists
//! entities, runs upload jobs that prepare images and store them through
//! signed URLs, and lists an entity's gallery.
//!
//! Terms:
//! - *entity*: a campaign, token, redemption, business, tenant or user, the
//!   things files belong to ([`EntityRef`]).
//! - *shared manifest*: the JSON list of an entity's assets stored beside
//!   them, because the API cannot list stored files ([`manifest`]).
//! - *catalog*: the local SQLite cache of manifests ([`catalog`]).
//! - *derived name*: the storage `fileName`, an ASCII slug plus a content
//!   hash ([`naming`]).

pub mod catalog;
mod control;
mod entities;
mod error;
mod events;
mod gallery;
pub mod image_cache;
mod job_lock;
pub mod journal;
pub mod manifest;
mod manifest_batch;
mod manifest_store;
pub mod naming;
mod predict;
mod prepare;
mod remember;
mod remove;
mod retry;
mod session;
mod storage;
mod types;
mod upload;
mod upload_file;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use entities::EntityImageSupport;
pub use error::{ErrorCode, LibraryError};
pub use events::{Animation, JobId, ProgressSink, QueuedFile, Stage, UploadEvent};
pub use image_cache::CachedImage;
pub use pers_api::{AuthType, BusinessOption, EntitySummary, EntityType, Secret};
pub use remember::RememberedSession;
pub use types::{EntityRef, Gallery, GalleryItem, GallerySource, SessionInfo, SignInRequest};

use catalog::{Catalog, CatalogScope};
use control::{JobControl, JobRegistry};
use image_cache::ImageCache;
use job_lock::JobLock;
use journal::Journal;
use manifest_store::ManifestWriter;
use session::SignedIn;

/// Settings of a [`Library`].
#[derive(Clone, Debug)]
pub struct LibraryConfig {
    /// The folder of the catalog, the job journal, the prepared cache and the image cache;
    /// created when missing.
    pub data_dir: PathBuf,
    /// How many files are prepared (decoded and encoded) at once, across all jobs; default:
    /// the number of cores.
    pub prepare_concurrency: usize,
    /// How many files are being signed, sent and verified at once, across all jobs; default 4.
    pub upload_concurrency: usize,
    /// How many sign-PUT-verify attempts one file gets before it fails with the last reason;
    /// default 5. Waiting for a sign-in after the session expired uses none.
    pub max_attempts: u32,
    /// First pause between two attempts of one file, doubled for each further one and
    /// jittered; default 250 ms.
    pub retry_base_delay: Duration,
    /// Maximum pause between two attempts of one file; default 10 s.
    pub retry_max_delay: Duration,
    /// Largest PDF document accepted, in bytes; documents are sent unchanged. Default 100 MiB.
    pub max_document_bytes: u64,
    /// Preparation settings for uploaded images.
    pub preset: pers_imaging::Preset,
    /// Limits on accepted image input.
    pub limits: pers_imaging::Limits,
}

impl LibraryConfig {
    /// Returns the default settings with `data_dir`.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |cores| cores.get());
        LibraryConfig {
            data_dir: data_dir.into(),
            prepare_concurrency: cores,
            upload_concurrency: 4,
            max_attempts: 5,
            retry_base_delay: upload_file::DEFAULT_RETRY_BASE_DELAY,
            retry_max_delay: upload_file::DEFAULT_RETRY_MAX_DELAY,
            max_document_bytes: 100 * 1024 * 1024,
            preset: pers_imaging::Preset::default(),
            limits: pers_imaging::Limits::default(),
        }
    }
}

/// How long finished jobs stay in the journal, in milliseconds (7 days).
const FINISHED_JOB_RETENTION_MS: u64 = 7 * 24 * 60 * 60 * 1000;

/// Timeout for establishing a connection to the API or storage.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Timeout for one read from a connection; a stalled transfer fails after it.
const READ_TIMEOUT: Duration = Duration::from_secs(60);

/// The application core; cheap to clone, and every clone shares one state.
#[derive(Clone)]
pub struct Library {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    config: LibraryConfig,
    http: reqwest::Client,
    transfer: pers_transfer::Transfer,
    catalog: Catalog,
    journal: Journal,
    image_cache: ImageCache,
    prepared_dir: PathBuf,
    /// Folder of the running jobs' lock files ([`job_lock`]).
    jobs_dir: PathBuf,
    /// The current session; a watch, so jobs waiting for a sign-in see the new one.
    signed_in: tokio::sync::watch::Sender<Option<Arc<SignedIn>>>,
    jobs: JobRegistry,
    prepare_slots: tokio::sync::Semaphore,
    upload_slots: tokio::sync::Semaphore,
    /// Per scope, the lock that lets one task of this process write the manifest at a time,
    /// and the version it wrote last.
    manifest_locks: Mutex<HashMap<CatalogScope, Arc<tokio::sync::Mutex<ManifestWriter>>>>,
    /// Per environment key, whether its storage enforces `If-Match` on writes, once checked.
    conditions_enforced: Mutex<HashMap<String, bool>>,
    /// Entries waiting for the next manifest round of their scope.
    manifest_queues: Mutex<HashMap<CatalogScope, Arc<manifest_batch::PendingEntries>>>,
}

/// An upload job of the journal that did not finish, such as one of a process that was killed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnfinishedJob {
    /// The job id.
    pub job_id: JobId,
    /// The entity the files go to.
    pub entity: EntityRef,
    /// The number of files in the job.
    pub files: usize,
    /// The number of files that have not ended yet.
    pub open_files: usize,
}

impl Inner {
    /// Returns the lock that lets one task of this process write the scope's manifest at a time.
    fn manifest_lock(&self, scope: &CatalogScope) -> Arc<tokio::sync::Mutex<ManifestWriter>> {
        let mut locks = self
            .manifest_locks
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        Arc::clone(locks.entry(scope.clone()).or_default())
    }

    /// Returns whether the storage of `environment_key` is known to enforce write conditions;
    /// `None` until it was checked.
    fn conditions_enforced(&self, environment_key: &str) -> Option<bool> {
        self.conditions_enforced
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(environment_key)
            .copied()
    }

    /// Records whether the storage of `environment_key` enforces write conditions.
    fn set_conditions_enforced(&self, environment_key: &str, enforced: bool) {
        self.conditions_enforced
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(environment_key.to_owned(), enforced);
    }

    /// Returns the entries of the scope that wait for its next manifest round.
    fn manifest_queue(&self, scope: &CatalogScope) -> Arc<manifest_batch::PendingEntries> {
        let mut queues = self
            .manifest_queues
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        Arc::clone(queues.entry(scope.clone()).or_default())
    }

    /// Forgets the current session if it is `expired`, so the front end shows the sign-in screen.
    fn end_session(&self, expired: &Arc<SignedIn>) {
        self.signed_in.send_if_modified(|current| {
            let is_expired = current
                .as_ref()
                .is_some_and(|session| Arc::ptr_eq(session, expired));
            if is_expired {
                *current = None;
            }
            is_expired
        });
    }

    /// Waits for a session other than `expired` in the same environment and tenant.
    async fn wait_for_session_after(&self, expired: &Arc<SignedIn>) -> Arc<SignedIn> {
        let mut receiver = self.signed_in.subscribe();
        let fresh = receiver
            .wait_for(|current| {
                current.as_ref().is_some_and(|session| {
                    !Arc::ptr_eq(session, expired)
                        && session.environment_key == expired.environment_key
                })
            })
            .await;
        match fresh {
            Ok(current) => current.clone().unwrap_or_else(|| Arc::clone(expired)),
            // The sender lives in `self`, so the wait cannot end without a value.
            Err(_) => Arc::clone(expired),
        }
    }
}

impl Library {
    /// Opens the catalog and image cache under `config.data_dir`.
    ///
    /// Fails when the folder cannot be created or the catalog cannot be opened.
    pub fn open(config: LibraryConfig) -> Result<Library, LibraryError> {
        let data_dir = config.data_dir.clone();
        std::fs::create_dir_all(&data_dir).map_err(|source| LibraryError::Io {
            path: data_dir.clone(),
            source,
        })?;
        let catalog = Catalog::open(&data_dir.join("catalog.sqlite3"))?;
        let journal = Journal::open(&data_dir.join("journal.sqlite3"))?;
        journal.prune_finished(FINISHED_JOB_RETENTION_MS)?;
        let image_cache = ImageCache::open(&data_dir.join("cache"))?;
        let prepared_dir = data_dir.join("prepared");
        let jobs_dir = data_dir.join("jobs");
        std::fs::create_dir_all(&jobs_dir).map_err(|source| LibraryError::Io {
            path: jobs_dir.clone(),
            source,
        })?;
        std::fs::create_dir_all(&prepared_dir).map_err(|source| LibraryError::Io {
            path: prepared_dir.clone(),
            source,
        })?;
        prepare::clean_prepared_dir(&prepared_dir, &journal.live_prepared_paths()?);
        image_cache.remove_partial_files();
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .read_timeout(READ_TIMEOUT)
            .user_agent(concat!("pers-asset-manager/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|source| {
                LibraryError::InvalidRequest(format!("HTTP client setup failed: {source}"))
            })?;
        let inner = Inner {
            transfer: pers_transfer::Transfer::new(http.clone()),
            http,
            catalog,
            journal,
            image_cache,
            prepared_dir,
            jobs_dir,
            signed_in: tokio::sync::watch::Sender::new(None),
            jobs: JobRegistry::default(),
            prepare_slots: tokio::sync::Semaphore::new(config.prepare_concurrency.max(1)),
            upload_slots: tokio::sync::Semaphore::new(config.upload_concurrency.max(1)),
            manifest_locks: Mutex::new(HashMap::new()),
            manifest_queues: Mutex::new(HashMap::new()),
            conditions_enforced: Mutex::new(HashMap::new()),
            config,
        };
        Ok(Library {
            inner: Arc::new(inner),
        })
    }

    /// Signs in and makes the new session current, replacing any earlier one.
    ///
    /// Fails with [`ErrorCode::InvalidCredentials`] when the identity provider rejects the email
    /// or password, and with the API's own error when `POST /auth/token` refuses the token.
    pub async fn sign_in(&self, request: SignInRequest) -> Result<SessionInfo, LibraryError> {
        let signed_in = session::sign_in(&self.inner.http, request).await?;
        let info = signed_in.info.clone();
        self.inner.signed_in.send_replace(Some(Arc::new(signed_in)));
        Ok(info)
    }

    /// Returns who is signed in, if anyone.
    pub fn session_info(&self) -> Option<SessionInfo> {
        self.current().ok().map(|signed_in| signed_in.info.clone())
    }

    /// Forgets the current session; running jobs keep the session they started with.
    pub fn sign_out(&self) {
        self.inner.signed_in.send_replace(None);
    }

    /// Lists the entities of one type that the session may see: campaigns, tokens,
    /// redemptions, businesses, the tenant (one entry) or users.
    ///
    /// Fails with the server's error when the session may not list the type, for example
    /// users in a business session (403).
    pub async fn list_entities(
        &self,
        entity_type: EntityType,
    ) -> Result<Vec<EntitySummary>, LibraryError> {
        let signed_in = self.current()?;
        signed_in
            .api
            .list_entities(&signed_in.session, entity_type)
            .await
            .map_err(|source| LibraryError::api(entities::listing_context(entity_type), source))
    }

    /// Starts uploading `paths` to `entity` and returns at once; progress goes to `sink`.
    ///
    /// The job and its files are in the journal before this returns, so a crash after it
    /// loses nothing: [`Library::resume_jobs`] goes on with the job on the next start.
    /// Fails only when no user is signed in or the journal cannot be written. Each file's own
    /// failure is reported as an event.
    pub fn start_upload(
        &self,
        entity: EntityRef,
        paths: Vec<PathBuf>,
        sink: ProgressSink,
    ) -> Result<JobId, LibraryError> {
        let signed_in = self.current()?;
        let files = upload::queue_files(&paths);
        let id = self
            .inner
            .journal
            .create_job(&signed_in.environment_key, &entity, &files)?;
        tracing::info!(job = id, %entity, files = files.len(), "upload job queued");
        let lock = JobLock::try_acquire(&self.inner.jobs_dir, id)?.ok_or_else(|| {
            LibraryError::InvalidRequest(format!(
                "upload job {id} is already running in another process; try again"
            ))
        })?;
        let journaled = files
            .into_iter()
            .map(|file| journal::JournalFile {
                file,
                stage: journal::FileStage::Queued,
                attempts: 0,
                prepared: None,
                outcome: None,
            })
            .collect();
        self.spawn_job(id, entity, signed_in, sink, journaled, lock);
        Ok(id)
    }

    /// Lists the unfinished jobs of the signed-in environment in the journal, as
    /// [`Library::resume_jobs`] would resume them, without starting any. A job running in this
    /// process, or in another one that shares the data dir, is left out. Fails when no user is signed in or the journal cannot be read.
    pub fn unfinished_jobs(&self) -> Result<Vec<UnfinishedJob>, LibraryError> {
        let signed_in = self.current()?;
        let jobs = self
            .inner
            .journal
            .unfinished_jobs(&signed_in.environment_key)?;
        let mut open = Vec::with_capacity(jobs.len());
        for job in jobs {
            let here = self.inner.jobs.contains(job.job_id);
            if !here && !JobLock::held_elsewhere(&self.inner.jobs_dir, job.job_id)? {
                open.push(job);
            }
        }
        Ok(open
            .into_iter()
            .map(|job| UnfinishedJob {
                job_id: job.job_id,
                entity: job.entity,
                files: job.files.len(),
                open_files: job
                    .files
                    .iter()
                    .filter(|file| !file.stage.is_terminal())
                    .count(),
            })
            .collect())
    }

    /// Resumes every unfinished job of the signed-in environment found in the journal, and
    /// returns their ids; progress of all of them goes to `sink`.
    ///
    /// Call it after signing in at start. Files that had ended are reported again as they
    /// ended. The others go on from their journaled stage, and reuse their prepared output when
    /// it is intact. A job already running, in this process or in another one that shares the
    /// data dir ([`job_lock`]), is not started twice. Fails when no
    /// user is signed in or the journal cannot be read.
    pub fn resume_jobs(&self, sink: ProgressSink) -> Result<Vec<JobId>, LibraryError> {
        let signed_in = self.current()?;
        let jobs = self
            .inner
            .journal
            .unfinished_jobs(&signed_in.environment_key)?;
        let mut resumed = Vec::new();
        for job in jobs {
            if self.inner.jobs.contains(job.job_id) {
                continue;
            }
            let Some(lock) = JobLock::try_acquire(&self.inner.jobs_dir, job.job_id)? else {
                tracing::info!(
                    job = job.job_id,
                    "another process runs this upload job; leaving it"
                );
                continue;
            };
            tracing::info!(job = job.job_id, entity = %job.entity, files = job.files.len(), "resuming an upload job");
            let sink = Arc::clone(&sink);
            self.spawn_job(
                job.job_id,
                job.entity,
                Arc::clone(&signed_in),
                sink,
                job.files,
                lock,
            );
            resumed.push(job.job_id);
        }
        Ok(resumed)
    }

    /// Cancels every file of a running job that is not yet being recorded; in-flight requests
    /// are aborted. Fails when no such job is running.
    pub fn cancel_job(&self, job_id: JobId) -> Result<(), LibraryError> {
        self.job_control(job_id)?.cancel_job();
        Ok(())
    }

    /// Cancels one file of a running job, unless it is already being recorded. Fails when no
    /// such job is running.
    pub fn cancel_file(&self, job_id: JobId, file_id: u32) -> Result<(), LibraryError> {
        self.job_control(job_id)?.cancel_file(file_id);
        Ok(())
    }

    /// Pauses a running job: no new step starts (prepare, or a sign-PUT-verify attempt), and
    /// steps in flight finish. Fails when no such job is running.
    pub fn pause_job(&self, job_id: JobId) -> Result<(), LibraryError> {
        if self.job_control(job_id)?.set_paused(true) {
            self.emit_to_job(job_id, UploadEvent::Paused { job_id });
        }
        Ok(())
    }

    /// Resumes a job paused with [`Library::pause_job`]. Fails when no such job is running.
    pub fn resume_job(&self, job_id: JobId) -> Result<(), LibraryError> {
        if self.job_control(job_id)?.set_paused(false) {
            self.emit_to_job(job_id, UploadEvent::Resumed { job_id });
        }
        Ok(())
    }

    /// Removes an asset from the entity's gallery by its stored name, as a tombstone in the
    /// shared manifest that later merges keep. The stored object itself is left in storage.
    ///
    /// When the server does not store the manifest, the removal is kept in the local catalog,
    /// the gallery shows a notice about it, and the next manifest write shares it. Fails when the name is not
    /// in the gallery.
    pub async fn remove(&self, entity: &EntityRef, file_name: &str) -> Result<(), LibraryError> {
        let signed_in = self.current()?;
        remove::remove(&self.inner, &signed_in, entity, file_name).await
    }

    fn spawn_job(
        &self,
        id: JobId,
        entity: EntityRef,
        signed_in: Arc<SignedIn>,
        sink: ProgressSink,
        files: Vec<journal::JournalFile>,
        lock: JobLock,
    ) {
        let control = JobControl::new();
        self.inner
            .jobs
            .insert(id, Arc::clone(&control), Arc::clone(&sink));
        let job = upload::UploadJob::new(
            id,
            entity,
            Arc::clone(&self.inner),
            signed_in,
            sink,
            control,
        );
        job.announce(&files);
        tokio::spawn(async move {
            job.run(files).await;
            lock.release_finished();
        });
    }

    fn job_control(&self, job_id: JobId) -> Result<Arc<JobControl>, LibraryError> {
        self.inner.jobs.get(job_id).ok_or_else(|| {
            LibraryError::InvalidRequest(format!(
                "upload job {job_id} is not running; it may have finished already"
            ))
        })
    }

    fn emit_to_job(&self, job_id: JobId, event: UploadEvent) {
        if let Some(sink) = self.inner.jobs.sink(job_id) {
            sink(event);
        }
    }

    /// Runs an upload job to its end and returns its events, in order.
    pub async fn upload(
        &self,
        entity: EntityRef,
        paths: Vec<PathBuf>,
    ) -> Result<Vec<UploadEvent>, LibraryError> {
        let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
        let sink: ProgressSink = Arc::new(move |event| {
            let _ = sender.send(event);
        });
        self.start_upload(entity, paths, sink)?;
        let mut events = Vec::new();
        while let Some(event) = receiver.recv().await {
            let finished = matches!(event, UploadEvent::Finished { .. });
            events.push(event);
            if finished {
                break;
            }
        }
        Ok(events)
    }

    /// Checks with one signing request that `entity` exists and the session may store files
    /// for it. Fails with the API's error, for which [`LibraryError::is_missing_entity`] is true
    /// when the entity does not exist or is not visible to the session.
    pub async fn check_entity(&self, entity: &EntityRef) -> Result<(), LibraryError> {
        let signed_in = self.current()?;
        let storage = signed_in.storage(&self.inner.transfer, entity);
        storage
            .sign_put(manifest::MANIFEST_FILE_NAME, manifest::MANIFEST_EXTENSION)
            .await
            .map(|_| ())
    }

    /// Lists the entity's assets with thumbnails.
    ///
    /// Reads the shared manifest; when it cannot be read, lists the local catalog and explains why in
    /// [`Gallery::notice`]. Thumbnails missing from the cache are downloaded and made. An entity
    /// that does not exist fails with the API's error ([`LibraryError::is_missing_entity`]), and
    /// so does one whose files the session may not manage
    /// ([`LibraryError::is_entity_access_denied`]).
    pub async fn gallery(&self, entity: &EntityRef) -> Result<Gallery, LibraryError> {
        let signed_in = self.current()?;
        gallery::list(&self.inner, &signed_in, entity).await
    }

    /// Returns the cache key of the full-size stored image, downloading it when needed.
    pub async fn preview(
        &self,
        entity: &EntityRef,
        file_name: &str,
    ) -> Result<String, LibraryError> {
        let signed_in = self.current()?;
        let entry = self.catalog_entry(&signed_in, entity, file_name)?;
        gallery::download_preview(&self.inner, &signed_in, entity, &entry).await?;
        Ok(image_cache::ImageCache::key(
            image_cache::Rendition::Preview,
            &entry.sha256,
        ))
    }

    /// Downloads a stored asset by its stored name, checking it against the manifest's hash.
    pub async fn download(
        &self,
        entity: &EntityRef,
        file_name: &str,
    ) -> Result<Vec<u8>, LibraryError> {
        let signed_in = self.current()?;
        let entry = self.catalog_entry(&signed_in, entity, file_name)?;
        gallery::download_preview(&self.inner, &signed_in, entity, &entry).await
    }

    fn catalog_entry(
        &self,
        signed_in: &SignedIn,
        entity: &EntityRef,
        file_name: &str,
    ) -> Result<manifest::ManifestEntry, LibraryError> {
        let manifest = self.inner.catalog.manifest(&signed_in.scope(entity))?;
        manifest
            .entries
            .get(file_name)
            .filter(|entry| !entry.removed)
            .cloned()
            .ok_or_else(|| {
                LibraryError::InvalidRequest(format!(
                    "{file_name} is not in the gallery of {entity}; refresh the gallery"
                ))
            })
    }

    /// Reads a cached thumbnail or preview by the key a gallery item or preview gave.
    pub fn cached_image(&self, key: &str) -> Option<CachedImage> {
        self.inner.image_cache.read(key)
    }

    fn current(&self) -> Result<Arc<SignedIn>, LibraryError> {
        self.inner
            .signed_in
            .borrow()
            .clone()
            .ok_or(LibraryError::NotSignedIn)
    }
}

/// Milliseconds since the Unix epoch, for manifest ordering.
pub(crate) fn now_ms() -> u64 {
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    since_epoch.as_millis() as u64
}

/// The current time as RFC 3339, for manifest dates.
pub(crate) fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

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
mod error;
mod events;
mod gallery;
pub mod image_cache;
pub mod manifest;
mod manifest_store;
pub mod naming;
mod session;
mod storage;
mod types;
mod upload;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

pub use error::{ErrorCode, LibraryError};
pub use events::{JobId, ProgressSink, QueuedFile, Stage, UploadEvent};
pub use image_cache::CachedImage;
pub use pers_api::{AuthType, BusinessOption, EntitySummary, EntityType};
pub use types::{EntityRef, Gallery, GalleryItem, GallerySource, SessionInfo, SignInRequest};

use catalog::{Catalog, CatalogScope};
use image_cache::ImageCache;
use session::SignedIn;

/// Settings of a [`Library`].
#[derive(Clone, Debug)]
pub struct LibraryConfig {
    /// Where the catalog and the image cache live; created when missing.
    pub data_dir: PathBuf,
    /// How many files are prepared (decoded and encoded) at once; default: the number of cores.
    pub prepare_concurrency: usize,
    /// How many files of one job are in flight (prepare to record) at once; default 4.
    pub upload_concurrency: usize,
    /// How images are prepared for upload.
    pub preset: pers_imaging::Preset,
    /// What input is accepted.
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
            preset: pers_imaging::Preset::default(),
            limits: pers_imaging::Limits::default(),
        }
    }
}

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
    image_cache: ImageCache,
    signed_in: RwLock<Option<Arc<SignedIn>>>,
    next_job_id: AtomicU64,
    prepare_slots: Arc<tokio::sync::Semaphore>,
    manifest_locks: Mutex<HashMap<CatalogScope, Arc<tokio::sync::Mutex<()>>>>,
}

impl Inner {
    /// Returns the lock that lets one task of this process write the scope's manifest at a time.
    fn manifest_lock(&self, scope: &CatalogScope) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self
            .manifest_locks
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        Arc::clone(locks.entry(scope.clone()).or_default())
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
        let image_cache = ImageCache::open(&data_dir.join("cache"))?;
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .read_timeout(READ_TIMEOUT)
            .user_agent(concat!("pers-asset-manager/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|source| {
                LibraryError::InvalidRequest(format!("HTTP client setup failed: {source}"))
            })?;
        let prepare_slots = Arc::new(tokio::sync::Semaphore::new(
            config.prepare_concurrency.max(1),
        ));
        let inner = Inner {
            transfer: pers_transfer::Transfer::new(http.clone()),
            http,
            catalog,
            image_cache,
            signed_in: RwLock::new(None),
            next_job_id: AtomicU64::new(1),
            prepare_slots,
            manifest_locks: Mutex::new(HashMap::new()),
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
        *self.write_session() = Some(Arc::new(signed_in));
        Ok(info)
    }

    /// Returns who is signed in, if anyone.
    pub fn session_info(&self) -> Option<SessionInfo> {
        self.current().ok().map(|signed_in| signed_in.info.clone())
    }

    /// Forgets the current session; running jobs keep the session they started with.
    pub fn sign_out(&self) {
        *self.write_session() = None;
    }

    /// Lists the entities of one type that the session may see.
    pub async fn list_entities(
        &self,
        entity_type: EntityType,
    ) -> Result<Vec<EntitySummary>, LibraryError> {
        let signed_in = self.current()?;
        let (api, session) = (&signed_in.api, &signed_in.session);
        let context = format!("listing {}s", entity_type.as_str());
        let result = match entity_type {
            EntityType::Campaign => api
                .list_campaigns(session)
                .await
                .map(|items| items.iter().map(|item| item.summary()).collect()),
            EntityType::Token => api
                .list_tokens(session)
                .await
                .map(|items| items.iter().map(|item| item.summary()).collect()),
            EntityType::Business => api
                .business_me(session)
                .await
                .map(|item| vec![item.summary()]),
            other => {
                return Err(LibraryError::InvalidRequest(format!(
                    "listing {}s is not available yet; pick a campaign or token",
                    other.as_str()
                )));
            }
        };
        result.map_err(|source| LibraryError::api(context, source))
    }

    /// Starts uploading `paths` to `entity` and returns at once; progress goes to `sink`.
    ///
    /// Fails only when nobody is signed in; each file's own failure is reported as an event.
    pub fn start_upload(
        &self,
        entity: EntityRef,
        paths: Vec<PathBuf>,
        sink: ProgressSink,
    ) -> Result<JobId, LibraryError> {
        let signed_in = self.current()?;
        let id = self.inner.next_job_id.fetch_add(1, Ordering::Relaxed);
        tracing::info!(job = id, %entity, files = paths.len(), "upload job queued");
        let job = upload::UploadJob {
            id,
            entity,
            inner: Arc::clone(&self.inner),
            signed_in,
            sink,
            prepare_slots: Arc::clone(&self.inner.prepare_slots),
            known: tokio::sync::Mutex::new(manifest::Manifest::new()),
            content_locks: Mutex::new(HashMap::new()),
        };
        tokio::spawn(job.run(paths));
        Ok(id)
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

    /// Lists the entity's assets with thumbnails.
    ///
    /// Reads the shared manifest; when it cannot be read, lists the local catalog and says so in
    /// [`Gallery::notice`]. Thumbnails missing from the cache are downloaded and made.
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
        let guard = self
            .inner
            .signed_in
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        guard.clone().ok_or(LibraryError::NotSignedIn)
    }

    fn write_session(&self) -> std::sync::RwLockWriteGuard<'_, Option<Arc<SignedIn>>> {
        self.inner
            .signed_in
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
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

//! Starting and stopping a sandbox.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use rusty_s3::Credentials;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::control::{CONTROL_PREFIX, ControlState, Defaults, Faults};
use crate::data_file::{FileMode, load_or_create};
use crate::info::{DemoAccount, SandboxInfo};
use crate::keys::{Keys, random_hex};
use crate::model::World;
use crate::presign::{MAX_PRESIGNED_TTL, Presigner};
use crate::refresh_rotation::UsedRefreshTokens;
use crate::routes::{API_BASE_PATH, SIGN_IN_PATH, router};
use crate::seed::demo_world;
use crate::state::SharedState;
use crate::store::start_store;
use crate::{SandboxConfig, SandboxError};

/// How long [`Sandbox::shutdown`] waits for each server to finish open requests.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// A running sandbox. Dropping it, or calling [`Sandbox::shutdown`], stops both servers.
pub struct Sandbox {
    info: SandboxInfo,
    control: Arc<ControlState>,
    api_shutdown: oneshot::Sender<()>,
    api_task: JoinHandle<()>,
    store_shutdown: oneshot::Sender<()>,
    store_task: JoinHandle<()>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Sandbox")
            .field("base_url", &self.info.base_url)
            .field("storage_url", &self.info.storage_url)
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    /// Returns the addresses, project key and demo accounts.
    pub fn info(&self) -> &SandboxInfo {
        &self.info
    }

    /// Returns the handle to the fault switches, settings and request log of this sandbox.
    pub fn faults(&self) -> Faults {
        Faults::new(self.control.clone())
    }

    /// Returns the token that the `/__sandbox` control endpoints require in the
    /// `x-sandbox-control-token` header. It is random per start.
    pub fn control_token(&self) -> &str {
        &self.info.control_token
    }

    /// Stops both servers and waits up to 5 seconds each for open requests to finish.
    pub async fn shutdown(self) {
        let _ = self.api_shutdown.send(());
        let _ = self.store_shutdown.send(());
        stop_task("API server", self.api_task).await;
        stop_task("S3 store", self.store_task).await;
    }
}

async fn stop_task(name: &str, mut task: JoinHandle<()>) {
    if tokio::time::timeout(SHUTDOWN_GRACE, &mut task)
        .await
        .is_err()
    {
        tracing::warn!(
            server = name,
            "server did not stop within the grace period; aborting it"
        );
        task.abort();
    }
}

/// Starts the API server and the S3 store on 127.0.0.1 in the current tokio runtime.
///
/// Creates the data dir, seed data and keys on first start and loads them afterwards. Fails
/// when a lifetime in `config` is under 1 second, when the data dir cannot be read or written,
/// when a data file is not valid JSON, or when a port cannot be bound.
pub async fn start(config: SandboxConfig) -> Result<Sandbox, SandboxError> {
    validate(&config)?;
    let data_dir = &config.data_dir;
    std::fs::create_dir_all(data_dir).map_err(|source| SandboxError::Io {
        path: data_dir.clone(),
        source,
    })?;

    let keys: Keys = load_or_create(
        &data_dir.join("keys.json"),
        FileMode::OwnerOnly,
        Keys::generate,
    )?;
    let world_path = data_dir.join("seed.json");
    let world: World = load_or_create(&world_path, FileMode::Default, demo_world)?;

    let control = Arc::new(ControlState::new(defaults(&config), random_hex(24)));
    let (store_shutdown, store_signal) = oneshot::channel();
    let store = start_store(
        &data_dir.join("store"),
        &keys.storage_access_key,
        &keys.storage_secret_key,
        control.clone(),
        store_signal,
    )
    .await?;
    let storage_url = format!("http://{}", store.addr);
    let presigner = presigner(&storage_url, &keys)?;

    let requested = SocketAddr::from((Ipv4Addr::LOCALHOST, config.port));
    let listener = TcpListener::bind(requested)
        .await
        .map_err(|source| SandboxError::Bind {
            addr: requested,
            source,
        })?;
    let api_addr = listener.local_addr().map_err(|source| SandboxError::Bind {
        addr: requested,
        source,
    })?;

    let info = sandbox_info(api_addr, &storage_url, &keys, &world, &control.token);
    let state = Arc::new(SharedState {
        token_signing_key: keys.token_signing_key_bytes(),
        world: RwLock::new(Arc::new(world)),
        world_path,
        keys,
        presigner,
        control: control.clone(),
        used_refresh_tokens: UsedRefreshTokens::default(),
        single_use_refresh_tokens: config.single_use_refresh_tokens,
    });
    let (api_shutdown, api_signal) = oneshot::channel();
    let api_task = tokio::spawn(serve_api(listener, state, api_signal));
    tracing::info!(addr = %api_addr, data_dir = %data_dir.display(), "sandbox API started");

    Ok(Sandbox {
        info,
        control,
        api_shutdown,
        api_task,
        store_shutdown,
        store_task: store.task,
    })
}

fn validate(config: &SandboxConfig) -> Result<(), SandboxError> {
    let lifetimes = [
        ("signed_url_ttl", config.signed_url_ttl),
        ("access_token_ttl", config.access_token_ttl),
        ("refresh_token_ttl", config.refresh_token_ttl),
    ];
    if config.rate_limit == 0 || config.rate_window < Duration::from_secs(1) {
        return Err(SandboxError::InvalidConfig {
            field: "rate_limit",
            reason: "the limit must be at least 1 and the window at least 1 second".to_owned(),
        });
    }
    for (field, value) in lifetimes {
        if value < Duration::from_secs(1) {
            return Err(SandboxError::InvalidConfig {
                field,
                reason: format!("must be at least 1 second, got {value:?}"),
            });
        }
    }
    if config.signed_url_ttl > MAX_PRESIGNED_TTL {
        tracing::warn!(
            requested_secs = config.signed_url_ttl.as_secs(),
            max_secs = MAX_PRESIGNED_TTL.as_secs(),
            "signed URL lifetime capped at the S3 maximum of 7 days"
        );
    }
    Ok(())
}

fn defaults(config: &SandboxConfig) -> Defaults {
    Defaults {
        access_token_ttl: config.access_token_ttl,
        refresh_token_ttl: config.refresh_token_ttl,
        signed_url_ttl: config.signed_url_ttl,
        rate_limit: config.rate_limit,
        rate_window: config.rate_window,
        seed: config.fault_seed,
        page_envelope: config.page_envelope,
        strict_refresh: config.strict_refresh,
    }
}

fn presigner(storage_url: &str, keys: &Keys) -> Result<Presigner, SandboxError> {
    let invalid = |source| SandboxError::StoreUrl {
        url: storage_url.to_owned(),
        source,
    };
    let endpoint = storage_url
        .parse()
        .map_err(|error| invalid(rusty_s3::BucketError::ParseError(error)))?;
    let credentials = Credentials::new(&keys.storage_access_key, &keys.storage_secret_key);
    Presigner::new(endpoint, credentials).map_err(invalid)
}

fn sandbox_info(
    api_addr: SocketAddr,
    storage_url: &str,
    keys: &Keys,
    world: &World,
    control_token: &str,
) -> SandboxInfo {
    let accounts = world
        .accounts
        .iter()
        .map(|account| DemoAccount {
            email: account.email.clone(),
            password: account.password.clone(),
            kind: account.kind.clone(),
            label: account.label.clone(),
        })
        .collect();
    SandboxInfo {
        base_url: format!("http://{api_addr}{API_BASE_PATH}"),
        project_key: keys.project_key.clone(),
        identity_url: format!("http://{api_addr}{SIGN_IN_PATH}"),
        storage_url: storage_url.to_owned(),
        accounts,
        control_url: format!("http://{api_addr}{CONTROL_PREFIX}"),
        control_token: control_token.to_owned(),
    }
}

async fn serve_api(listener: TcpListener, state: Arc<SharedState>, signal: oneshot::Receiver<()>) {
    let app = router(state);
    let shutdown = async {
        // A dropped sender stops the server as well.
        let _ = signal.await;
    };
    // Without TCP_NODELAY a response written in two parts waits for the client's delayed ACK
    // (about 40 ms on Linux) before its second part goes out.
    let listener = axum::serve::ListenerExt::tap_io(listener, |socket| {
        if let Err(error) = socket.set_nodelay(true) {
            tracing::debug!(%error, "could not set TCP_NODELAY on an API connection");
        }
    });
    if let Err(error) = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
    {
        tracing::error!(%error, "sandbox API server failed");
    }
    tracing::info!("sandbox API stopped");
}

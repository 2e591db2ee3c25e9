//! The embedded S3 store: s3s-fs over `data_dir/store`, SigV4 enforced with one key pair, with
//! atomic conditional writes ([`ConditionalStore`]).

use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::time::Duration;

use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder as ConnectionBuilder;
use hyper_util::server::graceful::GracefulShutdown;
use s3s::auth::SimpleAuth;
use s3s::service::S3ServiceBuilder;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::SandboxError;
use crate::conditional::ConditionalStore;
use crate::control::{ControlState, FaultyStore};
use crate::presign::BUCKET_NAME;

/// How long shutdown waits for open store connections before dropping them.
const STORE_SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// A running store server.
pub(crate) struct StoreServer {
    /// Address the store listens on (127.0.0.1 and a free port).
    pub addr: SocketAddr,
    /// Serves connections until the shutdown sender is used or dropped.
    pub task: JoinHandle<()>,
}

/// Creates the bucket folder under `root` and starts the store on 127.0.0.1 with a free port.
///
/// Requests must be signed with `access_key` and `secret_key`: anonymous and wrongly signed
/// requests are rejected. A PUT with `If-Match` or `If-None-Match: *` is stored only if its
/// condition holds, and otherwise fails with 412 (or 404 for `If-Match` on a missing key). The
/// storage fault switches of `control` apply to every request, and each request is logged
/// there. The server stops when `shutdown` fires or its sender is dropped.
pub(crate) async fn start_store(
    root: &Path,
    access_key: &str,
    secret_key: &str,
    control: std::sync::Arc<ControlState>,
    shutdown: oneshot::Receiver<()>,
) -> Result<StoreServer, SandboxError> {
    let bucket_dir = root.join(BUCKET_NAME);
    std::fs::create_dir_all(&bucket_dir).map_err(|source| SandboxError::Io {
        path: bucket_dir.clone(),
        source,
    })?;

    let file_system = s3s_fs::FileSystem::new(root).map_err(|error| SandboxError::Store {
        path: root.to_path_buf(),
        reason: format!("{error:?}"),
    })?;
    let mut builder = S3ServiceBuilder::new(ConditionalStore::new(file_system));
    builder.set_auth(SimpleAuth::from_single(access_key, secret_key));
    let service = FaultyStore::new(builder.build(), control);

    let requested = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
    let listener = TcpListener::bind(requested)
        .await
        .map_err(|source| SandboxError::Bind {
            addr: requested,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| SandboxError::Bind {
        addr: requested,
        source,
    })?;

    let task = tokio::spawn(serve(listener, service, shutdown));
    tracing::info!(%addr, "S3 store started");
    Ok(StoreServer { addr, task })
}

async fn serve(listener: TcpListener, service: FaultyStore, mut shutdown: oneshot::Receiver<()>) {
    let connections = ConnectionBuilder::new(TokioExecutor::new());
    let graceful = GracefulShutdown::new();

    loop {
        let socket = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((socket, _peer)) => socket,
                Err(error) => {
                    tracing::warn!(%error, "S3 store failed to accept a connection");
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };

        // As for the API: no wait for delayed ACKs between the parts of a response.
        if let Err(error) = socket.set_nodelay(true) {
            tracing::debug!(%error, "could not set TCP_NODELAY on a store connection");
        }
        let connection = connections.serve_connection(TokioIo::new(socket), service.clone());
        let connection = graceful.watch(connection.into_owned());
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, "S3 store connection ended with an error");
            }
        });
    }

    drop(listener);
    if tokio::time::timeout(STORE_SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("S3 store connections still open after the grace period; dropping them");
    }
    tracing::info!("S3 store stopped");
}

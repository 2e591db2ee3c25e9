//! Errors raised while starting the sandbox.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Why [`crate::start`] failed. Request-level failures never surface here: they become
/// problem responses.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// A file or folder in the data dir could not be read, written or created.
    #[error("failed to access {path}: {source}")]
    Io {
        /// The file or folder involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A JSON file in the data dir is not valid; delete it to regenerate it.
    #[error("invalid JSON in {path}: {source}; delete the file to regenerate it")]
    InvalidDataFile {
        /// The file that failed to parse.
        path: PathBuf,
        /// The parse error.
        source: serde_json::Error,
    },
    /// A listener could not be bound.
    #[error("failed to bind {addr}: {source}")]
    Bind {
        /// The address that could not be bound.
        addr: SocketAddr,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A configuration value is out of range.
    #[error("invalid configuration: {field} {reason}")]
    InvalidConfig {
        /// The field of [`crate::SandboxConfig`] that is out of range.
        field: &'static str,
        /// The reason the value is invalid.
        reason: String,
    },
    /// The object store could not be set up on its root folder.
    #[error("failed to open the object store at {path}: {reason}")]
    Store {
        /// The store root.
        path: PathBuf,
        /// The error from s3s-fs, which implements only `Debug`.
        reason: String,
    },
    /// The store address could not be turned into a bucket URL for presigning.
    #[error("invalid store URL {url}: {source}")]
    StoreUrl {
        /// The store's base URL.
        url: String,
        /// The error from rusty-s3.
        source: rusty_s3::BucketError,
    },
}

//! Logging to stderr and to a daily rolling file.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::writer::MakeWriterExt;

/// Log file name prefix; the appender adds the date, as in `pers-asset-manager.log.2026-12-04`.
const LOG_FILE_PREFIX: &str = "pers-asset-manager.log";

/// Filter used when `RUST_LOG` is not set.
const DEFAULT_FILTER: &str = "info";

/// Directives added to every filter, `RUST_LOG` included: at debug level the embedded S3 store
/// (s3s, s3s-fs) and the HTTP stack log request URIs, and a presigned URI is a credential.
const SECRET_SAFE_DIRECTIVES: [&str; 5] = [
    "s3s=info",
    "s3s_fs=info",
    "reqwest=info",
    "hyper=info",
    "hyper_util=info",
];

/// Sends `tracing` events to stderr and to a daily file in `log_dir`.
///
/// The returned guard flushes the file when dropped, so keep it for the app's lifetime. When a
/// global subscriber is already set (as in tests that build several apps), this one is dropped
/// silently and events keep going to the first.
pub fn init(log_dir: &Path) -> WorkerGuard {
    let appender = tracing_appender::rolling::daily(log_dir, LOG_FILE_PREFIX);
    let (file_writer, guard) = tracing_appender::non_blocking(appender);
    let mut filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    for directive in SECRET_SAFE_DIRECTIVES {
        if let Ok(directive) = directive.parse() {
            filter = filter.add_directive(directive);
        }
    }

    let result = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(std::io::stderr.and(file_writer))
        .try_init();
    if result.is_ok() {
        tracing::info!(log_dir = %log_dir.display(), "logging started");
    }
    guard
}

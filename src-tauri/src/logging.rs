//! Logging to stderr and to a daily rolling file.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::fmt::writer::MakeWriterExt;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// Log file name prefix; the appender adds the date, as in `pers-asset-manager.log.2026-12-04`.
const LOG_FILE_PREFIX: &str = "pers-asset-manager.log";

/// Filter used when `RUST_LOG` is not set.
const DEFAULT_FILTER: &str = "info";

/// Crates that log request URIs below info level: the embedded S3 store (s3s, s3s-fs) and the
/// HTTP stack. A presigned URI is a credential, so their debug and trace events are dropped
/// whatever `RUST_LOG` says, a directive naming one of their modules included.
const URI_LOGGING_CRATES: [&str; 5] = ["s3s", "s3s_fs", "reqwest", "hyper", "hyper_util"];

/// Tells whether an event may be written: anything at info or above, and lower levels of every
/// crate outside [`URI_LOGGING_CRATES`].
fn is_secret_safe(level: tracing::Level, target: &str) -> bool {
    if level <= tracing::Level::INFO {
        return true;
    }
    let crate_name = target.split("::").next().unwrap_or_default();
    !URI_LOGGING_CRATES.contains(&crate_name)
}

/// Sends `tracing` events to stderr and to a daily file in `log_dir`.
///
/// The returned guard flushes the file when dropped, so keep it for the app's lifetime. When a
/// global subscriber is already set (as in tests that build several apps), this one is dropped
/// silently and events keep going to the first.
pub fn init(log_dir: &Path) -> WorkerGuard {
    let appender = tracing_appender::rolling::daily(log_dir, LOG_FILE_PREFIX);
    let (file_writer, guard) = tracing_appender::non_blocking(appender);
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let layer = tracing_subscriber::fmt::layer()
        .with_ansi(false)
        .with_writer(std::io::stderr.and(file_writer))
        .with_filter(filter)
        .with_filter(tracing_subscriber::filter::filter_fn(|metadata| {
            is_secret_safe(*metadata.level(), metadata.target())
        }));

    let result = tracing_subscriber::registry().with(layer).try_init();
    if result.is_ok() {
        tracing::info!(log_dir = %log_dir.display(), "logging started");
    }
    guard
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing::Level;

    #[test]
    fn store_debug_events_are_dropped() {
        assert!(
            !is_secret_safe(Level::DEBUG, "s3s::service"),
            "s3s module debug"
        );
        assert!(!is_secret_safe(Level::TRACE, "s3s_fs"), "s3s-fs trace");
        assert!(
            !is_secret_safe(Level::DEBUG, "hyper_util::client"),
            "hyper-util debug"
        );
    }

    #[test]
    fn other_events_pass() {
        assert!(is_secret_safe(Level::INFO, "s3s::service"), "s3s info");
        assert!(
            is_secret_safe(Level::DEBUG, "pers_library::upload"),
            "our own debug"
        );
        assert!(
            is_secret_safe(Level::DEBUG, "s3sx"),
            "a crate that only starts like s3s"
        );
    }
}

//! The error type of transfers.

use std::error::Error as _;
use std::path::PathBuf;
use std::time::Duration;

/// A failed upload or download. Messages show URLs without their query string.
#[derive(thiserror::Error, Debug)]
pub enum TransferError {
    /// The signed URL was rejected before any request was sent.
    #[error("invalid signed URL: {reason}")]
    InvalidUrl {
        /// Reason for the rejection, which never quotes the query.
        reason: String,
    },

    /// The storage host returned an error status (other than 404 on GET).
    #[error("{}", rejected_message(.url, *.status, .code, .message, *.retry_after))]
    Rejected {
        /// HTTP status of the response.
        status: u16,
        /// Requested URL without its query.
        url: String,
        /// S3 error code from the XML body, such as `SignatureDoesNotMatch`.
        code: Option<String>,
        /// S3 error message from the XML body.
        message: Option<String>,
        /// The pause that the response's `Retry-After` header requests, when it has a readable
        /// one (seconds or an HTTP date).
        retry_after: Option<Duration>,
    },

    /// The storage host has no object at the URL (404 on GET).
    #[error("no object at {url}: the storage host answered 404")]
    NotFound {
        /// Requested URL without its query.
        url: String,
    },

    /// The object is larger than the caller's maximum.
    #[error("object at {url} is larger than the maximum of {max_bytes} bytes")]
    TooLarge {
        /// Requested URL without its query.
        url: String,
        /// The maximum the caller allowed.
        max_bytes: u64,
    },

    /// The storage host returned a response the client cannot use, such as a ranged GET
    /// without the object's size.
    #[error("unusable answer from {url}: {reason}")]
    InvalidResponse {
        /// Requested URL without its query.
        url: String,
        /// The missing or wrong part of the response.
        reason: String,
    },

    /// The file to upload could not be read, or changed size while it was sent.
    #[error("could not read {}: {source}", .path.display())]
    Io {
        /// Path of the file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },

    /// The request could not be sent or the response could not be read.
    #[error("request to {url} failed: {}", describe_transport(.source))]
    Transport {
        /// Requested URL without its query.
        url: String,
        /// The underlying error, with its URL removed.
        source: reqwest::Error,
    },
}

impl TransferError {
    /// Returns true for errors a retry may fix: status 429, any 5xx, and transport errors.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Rejected { status, .. } => *status == 429 || (500..600).contains(status),
            Self::Transport { .. } => true,
            _ => false,
        }
    }

    /// Returns true when a conditional PUT was not written because its condition failed:
    /// status 412 `PreconditionFailed`, 409 `ConditionalRequestConflict` (a concurrent
    /// conditional write of the same key), or 404 `NoSuchKey` (Amazon S3's response to `If-Match`
    /// when no object is stored). Read the object again and retry with its new ETag.
    pub fn is_precondition_failed(&self) -> bool {
        let Self::Rejected { status, code, .. } = self else {
            return false;
        };
        matches!(
            (*status, code.as_deref()),
            (412, _) | (409, Some("ConditionalRequestConflict")) | (404, Some("NoSuchKey"))
        )
    }

    /// Returns the pause that a rejected request's `Retry-After` header requests, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Rejected { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// Builds a transport error, removing the URL (and so the signature) from the reqwest error.
    pub(crate) fn transport(shown_url: &str, source: reqwest::Error) -> Self {
        Self::Transport {
            url: shown_url.to_owned(),
            source: source.without_url(),
        }
    }
}

fn rejected_message(
    url: &str,
    status: u16,
    code: &Option<String>,
    message: &Option<String>,
    retry_after: Option<Duration>,
) -> String {
    let mut text = format!("storage host rejected the request to {url} with status {status}");
    if let Some(code) = code {
        text.push_str(&format!(" ({code})"));
    }
    if let Some(message) = message {
        text.push_str(&format!(": {message}"));
    }
    if let Some(pause) = retry_after {
        text.push_str(&format!("; it asked to retry after {} s", pause.as_secs()));
    }
    text
}

/// Describes a reqwest error by its kind and innermost cause, which carry no URL.
fn describe_transport(error: &reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect to the storage host"
    } else if error.is_builder() {
        "the request could not be built"
    } else if error.is_body() || error.is_decode() {
        "the body could not be sent or read"
    } else {
        "the request could not be completed"
    };
    let mut cause: Option<&dyn std::error::Error> = error.source();
    let mut innermost = None;
    while let Some(current) = cause {
        innermost = Some(current);
        cause = current.source();
    }
    match innermost {
        Some(root) => format!("{kind}: {root}"),
        None => kind.to_owned(),
    }
}

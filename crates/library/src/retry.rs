//! Which failures are retried, and how long to wait before the next attempt.

use std::time::Duration;

use rand::Rng;

use crate::error::LibraryError;

/// What to do after a failed attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Disposition {
    /// Wait with backoff, then try again with a fresh signed URL.
    Backoff,
    /// Storage rejected the signed URL (expired or not matching): sign again at once.
    Resign,
    /// The session ended: wait until the user signs in again; no attempt is used up.
    SessionExpired,
    /// Trying again cannot help.
    Fatal,
}

/// Classifies a failed sign, PUT or verification.
///
/// 408, 429, 5xx, transport errors (resets, timeouts) and a failed verification are retried
/// with backoff. A 403 from storage, or a 400 whose S3 code mentions an expired request or a
/// signature, gets a fresh URL. A session that could not be refreshed, or a 401 from the API,
/// pauses until sign-in.
pub(crate) fn classify(error: &LibraryError) -> Disposition {
    match error {
        LibraryError::Api { source, .. } => classify_api(source),
        LibraryError::Transfer { source, .. } => classify_transfer(source),
        LibraryError::VerificationFailed { .. } => Disposition::Backoff,
        _ => Disposition::Fatal,
    }
}

fn classify_api(error: &pers_api::ApiError) -> Disposition {
    if error.is_session_expired() || error.is_unauthorized() {
        return Disposition::SessionExpired;
    }
    match error {
        pers_api::ApiError::Transport { .. } => Disposition::Backoff,
        _ => match error.status() {
            Some(status) if is_transient_status(status) => Disposition::Backoff,
            _ => Disposition::Fatal,
        },
    }
}

fn classify_transfer(error: &pers_transfer::TransferError) -> Disposition {
    use pers_transfer::TransferError;
    match error {
        TransferError::Transport { .. } => Disposition::Backoff,
        // Storage may not show a just-written object to a read at once.
        TransferError::NotFound { .. } => Disposition::Backoff,
        TransferError::Rejected { status: 403, .. } => Disposition::Resign,
        TransferError::Rejected {
            status: 400,
            code: Some(code),
            ..
        } if code.contains("Expired") || code.contains("Signature") => Disposition::Resign,
        TransferError::Rejected { status, .. } if is_transient_status(*status) => {
            Disposition::Backoff
        }
        _ => Disposition::Fatal,
    }
}

fn is_transient_status(status: u16) -> bool {
    status == 408 || status == 429 || (500..600).contains(&status)
}

/// Maximum pause that a storage `Retry-After` header can impose before the next attempt. A
/// longer request is cut to this, so the next attempt may meet the same status and use up one
/// more of the file's attempts.
pub(crate) const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// Returns the pause before attempt `attempt + 1` after `error`: the [`backoff`], or the
/// `Retry-After` that storage sent with the error when that is longer, capped at
/// [`MAX_RETRY_AFTER`].
///
/// `ApiClient` waits the API's `Retry-After` in its own retries of URL signing, so only storage
/// errors are read here.
pub(crate) fn pause_after(
    error: &LibraryError,
    attempt: u32,
    base: Duration,
    max: Duration,
) -> Duration {
    let pause = backoff(attempt, base, max);
    match storage_retry_after(error) {
        Some(requested) => pause.max(requested.min(MAX_RETRY_AFTER)),
        None => pause,
    }
}

fn storage_retry_after(error: &LibraryError) -> Option<Duration> {
    match error {
        LibraryError::Transfer { source, .. } => source.retry_after(),
        _ => None,
    }
}

/// Exponential backoff with jitter: the pause before attempt `attempt + 1`.
///
/// The ceiling is `base × 2^(attempt - 1)`, capped at `max`, and the pause is drawn uniformly
/// between half the ceiling and the ceiling, so clients that failed together spread out.
pub(crate) fn backoff(attempt: u32, base: Duration, max: Duration) -> Duration {
    let exponent = attempt.saturating_sub(1).min(20);
    let ceiling = base.saturating_mul(1 << exponent).min(max);
    let ceiling_ms = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
    if ceiling_ms == 0 {
        return Duration::ZERO;
    }
    let pause_ms = rand::rng().random_range(ceiling_ms / 2..=ceiling_ms);
    Duration::from_millis(pause_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rejected(status: u16, code: Option<&str>) -> LibraryError {
        throttled(status, code, None)
    }

    fn throttled(status: u16, code: Option<&str>, retry_after: Option<Duration>) -> LibraryError {
        LibraryError::transfer(
            "uploading",
            pers_transfer::TransferError::Rejected {
                status,
                url: "http://127.0.0.1/x".to_owned(),
                code: code.map(str::to_owned),
                message: None,
                retry_after,
            },
        )
    }

    #[test]
    fn transient_statuses_back_off() {
        for status in [408, 429, 500, 503] {
            assert_eq!(
                classify(&rejected(status, None)),
                Disposition::Backoff,
                "{status}"
            );
        }
    }

    #[test]
    fn rejected_signatures_are_signed_again() {
        assert_eq!(
            classify(&rejected(403, Some("AccessDenied"))),
            Disposition::Resign
        );
        assert_eq!(
            classify(&rejected(400, Some("ExpiredToken"))),
            Disposition::Resign
        );
    }

    #[test]
    fn client_errors_are_fatal() {
        assert_eq!(
            classify(&rejected(400, Some("InvalidArgument"))),
            Disposition::Fatal
        );
        assert_eq!(classify(&rejected(413, None)), Disposition::Fatal);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let base = Duration::from_millis(100);
        let max = Duration::from_millis(1000);
        let first = backoff(1, base, max);
        assert!(
            first >= Duration::from_millis(50) && first <= base,
            "{first:?}"
        );
        let late = backoff(10, base, max);
        assert!(
            late >= Duration::from_millis(500) && late <= max,
            "{late:?}"
        );
    }

    #[test]
    fn retry_after_outlasts_backoff() {
        let base = Duration::from_millis(10);
        let max = Duration::from_millis(100);
        let error = throttled(429, Some("SlowDown"), Some(Duration::from_secs(3)));
        assert_eq!(pause_after(&error, 1, base, max), Duration::from_secs(3));
    }

    #[test]
    fn retry_after_is_capped() {
        let base = Duration::from_millis(10);
        let error = throttled(503, None, Some(Duration::from_secs(3600)));
        let pause = pause_after(&error, 1, base, base);
        assert_eq!(pause, MAX_RETRY_AFTER);
    }

    #[test]
    fn longer_backoff_wins_over_retry_after() {
        let base = Duration::from_secs(8);
        let error = throttled(429, None, Some(Duration::from_secs(1)));
        let pause = pause_after(&error, 1, base, base);
        assert!(pause >= Duration::from_secs(4), "{pause:?}");
    }

    #[test]
    fn without_retry_after_backoff_is_used() {
        let base = Duration::from_millis(100);
        let pause = pause_after(&rejected(503, None), 1, base, base);
        assert!(pause <= base, "{pause:?}");
    }
}

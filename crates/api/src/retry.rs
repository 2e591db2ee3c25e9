//! Retries of idempotent calls: which failures are retried and how long to pause.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use reqwest::Method;
use serde_json::Value;
use url::Url;

use crate::client::ApiClient;
use crate::error::ApiError;
use crate::response::RawResponse;
use crate::session::Session;

/// Statuses that mean "try again later": rate limited, bad gateway, unavailable, gateway
/// timeout.
pub const RETRY_STATUSES: [u16; 4] = [429, 502, 503, 504];

/// When and how often the client sends an idempotent request again.
///
/// Retried calls are the `GET` listings and reads, and `POST /files/entity-storage-url`, which
/// only signs a URL and changes nothing on the server. They are retried on the statuses in
/// [`RETRY_STATUSES`] and on transport errors (refused or reset connections, bodies cut short,
/// timeouts). Every other error returns at once.
///
/// The pause before retry `n` (1-based) is the server's `Retry-After` when the response has
/// one, else a random duration between zero and `min(max_delay, base_delay × 2^(n-1))`
/// ("full jitter", so clients that failed together spread out). The retries stop after
/// `max_attempts` attempts, or once the pauses add up to `max_total_wait`. A jittered pause
/// is shortened to the time left, while a `Retry-After` longer than that ends the retries,
/// because sending earlier than the server requested would fail again. The last response or error
/// is returned as it is.
///
/// `POST /auth/token` and `POST /auth/refresh` are never retried. A lost response may hide a
/// session or a rotated refresh token that the server already issued, and sending the old
/// refresh token again could then end the session. `PUT` updates are not retried either: the
/// caller repeats them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Maximum number of attempts, the first included; 1 turns retries off. Default 4.
    pub max_attempts: u32,
    /// Backoff ceiling of the first retry, doubled for each later one. Default 500 ms.
    pub base_delay: Duration,
    /// Maximum backoff ceiling of one retry. Default 8 s.
    pub max_delay: Duration,
    /// Maximum sum of the pauses of one call, `Retry-After` pauses included. Default 30 s.
    pub max_total_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            max_total_wait: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// Returns a policy that sends every request once.
    pub fn never() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Returns the backoff ceiling of retry `retry` (1-based): `base_delay × 2^(retry-1)`,
    /// at most `max_delay`.
    pub fn backoff_ceiling(&self, retry: u32) -> Duration {
        let exponent = retry.saturating_sub(1).min(31);
        self.base_delay
            .saturating_mul(1u32 << exponent)
            .min(self.max_delay)
    }

    /// Decides the pause before retry `retry` (1-based), or `None` to stop retrying.
    ///
    /// `waited` is the sum of the earlier pauses and `unit` a random number in `[0, 1)` that
    /// picks the jittered pause.
    fn pause_before(
        &self,
        retry: u32,
        retry_after: Option<Duration>,
        waited: Duration,
        unit: f64,
    ) -> Option<Duration> {
        if retry >= self.max_attempts {
            return None;
        }
        let left = self.max_total_wait.saturating_sub(waited);
        match retry_after {
            Some(requested) if requested > left => None,
            Some(requested) => Some(requested),
            None if left.is_zero() => None,
            None => Some(self.backoff_ceiling(retry).mul_f64(unit).min(left)),
        }
    }
}

/// The reason to repeat a failed attempt.
enum RetryCause {
    Status {
        status: u16,
        retry_after: Option<Duration>,
    },
    Transport,
}

impl RetryCause {
    /// Returns the cause when `outcome` is a retryable failure.
    fn of(outcome: &Result<RawResponse, ApiError>) -> Option<Self> {
        match outcome {
            Ok(response) if RETRY_STATUSES.contains(&response.status) => Some(Self::Status {
                status: response.status,
                retry_after: response.retry_after,
            }),
            Ok(_) => None,
            Err(ApiError::Transport { source, .. }) if !source.is_builder() => {
                Some(Self::Transport)
            }
            Err(_) => None,
        }
    }

    fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Status { retry_after, .. } => *retry_after,
            Self::Transport => None,
        }
    }
}

impl ApiClient {
    /// Sends an idempotent request with the session's token, retrying as the client's
    /// [`RetryPolicy`] allows; see [`ApiClient::send_with_session`] for the session handling.
    ///
    /// Returns the last response or error once it is not retryable or the policy stops.
    pub(crate) async fn send_retrying(
        &self,
        session: &Session,
        method: Method,
        url: Url,
        path: &str,
        body: Option<&Value>,
    ) -> Result<RawResponse, ApiError> {
        let policy = self.retry_policy();
        let mut waited = Duration::ZERO;
        let mut retry = 1;
        loop {
            let outcome = self
                .send_with_session(session, method.clone(), url.clone(), path, body)
                .await;
            let Some(cause) = RetryCause::of(&outcome) else {
                return outcome;
            };
            let status = match &cause {
                RetryCause::Status { status, .. } => Some(*status),
                RetryCause::Transport => None,
            };
            let Some(pause) = policy.pause_before(retry, cause.retry_after(), waited, unit())
            else {
                tracing::warn!(
                    path,
                    attempts = retry,
                    ?status,
                    "giving up after retryable failures"
                );
                return outcome;
            };
            let pause_ms = u64::try_from(pause.as_millis()).unwrap_or(u64::MAX);
            match &outcome {
                Err(error) => tracing::warn!(path, attempt = retry, pause_ms, %error, "retrying"),
                Ok(_) => tracing::warn!(path, attempt = retry, pause_ms, ?status, "retrying"),
            }
            tokio::time::sleep(pause).await;
            waited += pause;
            retry += 1;
        }
    }
}

/// Returns a random number in `[0, 1)`, from the randomly keyed SipHash of the standard
/// library: enough to spread retries, not for secrets.
fn unit() -> f64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(0);
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(350),
            max_total_wait: Duration::from_secs(1),
        }
    }

    #[test]
    fn ceiling_doubles_to_max() {
        let policy = policy();
        assert_eq!(policy.backoff_ceiling(1), Duration::from_millis(100));
        assert_eq!(policy.backoff_ceiling(2), Duration::from_millis(200));
        assert_eq!(policy.backoff_ceiling(3), Duration::from_millis(350));
        assert_eq!(policy.backoff_ceiling(40), Duration::from_millis(350));
    }

    #[test]
    fn full_jitter_spans_zero_to_ceiling() {
        let policy = policy();
        assert_eq!(
            policy.pause_before(2, None, Duration::ZERO, 0.0),
            Some(Duration::ZERO)
        );
        assert_eq!(
            policy.pause_before(2, None, Duration::ZERO, 0.5),
            Some(Duration::from_millis(100))
        );
        let top = policy.pause_before(2, None, Duration::ZERO, 0.999).unwrap();
        assert!(top < Duration::from_millis(200), "{top:?}");
        assert!(top > Duration::from_millis(199), "{top:?}");
    }

    #[test]
    fn attempt_cap_stops() {
        let policy = policy();
        assert!(policy.pause_before(4, None, Duration::ZERO, 0.5).is_some());
        assert_eq!(policy.pause_before(5, None, Duration::ZERO, 0.5), None);
        assert_eq!(
            RetryPolicy::never().pause_before(1, None, Duration::ZERO, 0.5),
            None
        );
    }

    #[test]
    fn retry_after_is_used_as_is() {
        let requested = Some(Duration::from_millis(700));
        let pause = policy().pause_before(1, requested, Duration::ZERO, 0.0);
        assert_eq!(pause, Some(Duration::from_millis(700)));
    }

    #[test]
    fn retry_after_over_budget_stops() {
        let requested = Some(Duration::from_millis(700));
        let pause = policy().pause_before(1, requested, Duration::from_millis(400), 0.0);
        assert_eq!(pause, None);
    }

    #[test]
    fn jitter_is_cut_to_budget() {
        let waited = Duration::from_millis(950);
        let pause = policy().pause_before(3, None, waited, 0.99);
        assert_eq!(pause, Some(Duration::from_millis(50)));
    }

    #[test]
    fn spent_budget_stops() {
        let pause = policy().pause_before(2, None, Duration::from_secs(1), 0.5);
        assert_eq!(pause, None);
    }

    #[test]
    fn unit_is_in_range() {
        for _ in 0..1000 {
            let value = unit();
            assert!((0.0..1.0).contains(&value), "{value}");
        }
    }
}

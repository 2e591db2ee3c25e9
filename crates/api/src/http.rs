//! The `reqwest` client the API client is meant to run on, with its timeouts.

use std::time::Duration;

/// Time allowed to open a TCP connection (and finish the TLS handshake) to the API host.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Time allowed for one request, from connecting until the response body is read. PERS
/// responses are small JSON documents, so a request still running after 30 s is stuck.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Builds the HTTP client for [`crate::ApiClient`] with [`CONNECT_TIMEOUT`] and
/// [`REQUEST_TIMEOUT`], and a `pers-api/VERSION` user agent. It sets no default headers.
///
/// The request timeout applies to every request of the client, so uploads of large files to
/// storage should use a client of their own without it. A timed-out call fails with
/// [`crate::ApiError::Transport`], and idempotent calls are retried as the
/// [`crate::RetryPolicy`] allows.
///
/// Fails only when `reqwest` cannot set up its TLS backend.
pub fn build_http_client() -> Result<reqwest::Client, reqwest::Error> {
    build_http_client_with_timeouts(CONNECT_TIMEOUT, REQUEST_TIMEOUT)
}

/// Builds the HTTP client of [`build_http_client`] with other timeouts, for example short ones
/// in tests.
pub fn build_http_client_with_timeouts(
    connect_timeout: Duration,
    request_timeout: Duration,
) -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        .timeout(request_timeout)
        .user_agent(concat!("pers-api/", env!("CARGO_PKG_VERSION")))
        .build()
}

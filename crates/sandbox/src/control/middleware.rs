//! The API server's request log, fault switches and rate limit, as one axum middleware.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::faults::ControlState;
use super::log::{RequestFacts, ServerKind};
use crate::problem::Problem;
use crate::routes::API_BASE_PATH;
use crate::session::PROJECT_KEY_HEADER;
use crate::state::AppState;

/// How long a cut body stays pending before it fails.
const FLUSH_PAUSE: Duration = Duration::from_millis(20);

/// Path prefix of the control endpoints, which are neither logged nor faulted.
pub(crate) const CONTROL_PREFIX: &str = "/__sandbox";

/// Applies latency, injected failures, the rate limit and connection drops to one request, then
/// logs it.
pub(crate) async fn apply_faults(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    if path.starts_with(CONTROL_PREFIX) {
        return next.run(request).await;
    }
    let facts = RequestFacts::read(
        ServerKind::Api,
        request.method(),
        request.uri(),
        request.headers(),
    );
    let pending = PendingRecord {
        control: Arc::clone(&state.control),
        facts: Some(facts),
    };
    let plan = state.control.plan_api(request.method().as_str(), &path);
    if let Some(delay) = plan.latency {
        tokio::time::sleep(delay).await;
    }

    let (response, fault) = if let Some((status, retry_after)) = plan.fail {
        (injected_failure(status, retry_after), Some("failNext"))
    } else if let Some(wait) = rate_limited(&state, &request, &path) {
        (too_many_requests(wait), Some("rateLimit"))
    } else {
        (next.run(request).await, None)
    };

    let status = response.status().as_u16();
    if plan.drop_connection {
        pending.finish(status, Some("dropConnection"));
        return cut_body(response).await;
    }
    pending.finish(status, fault);
    response
}

/// Name of the log record's fault when the client closed the connection before the response,
/// for example because its timeout ran out during an injected latency.
const CLIENT_CLOSED: &str = "clientClosed";

/// A request not yet logged. Dropped unfinished, because the server stopped handling the
/// request when its client went away, it logs the request with status 0 and [`CLIENT_CLOSED`].
struct PendingRecord {
    control: Arc<ControlState>,
    facts: Option<RequestFacts>,
}

impl PendingRecord {
    fn finish(mut self, status: u16, fault: Option<&str>) {
        if let Some(facts) = self.facts.take() {
            self.control.log.push(facts.finish(status, fault));
        }
    }
}

impl Drop for PendingRecord {
    fn drop(&mut self) {
        if let Some(facts) = self.facts.take() {
            self.control.log.push(facts.finish(0, Some(CLIENT_CLOSED)));
        }
    }
}

/// Counts a `/v2` request against its project key; returns the wait when over the limit.
fn rate_limited(state: &AppState, request: &Request, path: &str) -> Option<Duration> {
    if !path.starts_with(API_BASE_PATH) {
        return None;
    }
    let key = request
        .headers()
        .get(PROJECT_KEY_HEADER)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
        .unwrap_or_default();
    state.control.check_rate(&key).err()
}

fn injected_failure(status: u16, retry_after: Option<u64>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    let mut response = Problem::injected(status).into_response();
    if let Some(secs) = retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    response
}

fn too_many_requests(wait: Duration) -> Response {
    // Round up, so a client that waits exactly Retry-After seconds finds the window over.
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let mut response = Problem::rate_limited(secs).into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(secs.max(1)));
    response
}

/// Sends the headers, with the full `Content-Length`, and the first half of the body, then
/// fails the body so that hyper closes the connection.
async fn cut_body(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    let half = bytes.slice(..bytes.len() / 2);
    Response::from_parts(parts, cut_body_after(half))
}

/// Returns a body that sends `kept` and then fails, which makes hyper close the connection.
///
/// The body is pending for a moment after `kept`, so hyper flushes the headers and `kept`
/// before it sees the failure; without the pause it may drop them unsent.
pub(crate) fn cut_body_after(kept: bytes::Bytes) -> Body {
    let first = futures_util::stream::once(async move { Ok::<_, std::io::Error>(kept) });
    let failure = futures_util::stream::once(async {
        tokio::time::sleep(FLUSH_PAUSE).await;
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "connection dropped by a sandbox fault",
        ))
    });
    Body::from_stream(futures_util::StreamExt::chain(first, failure))
}

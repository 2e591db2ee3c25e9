//! The request body limit, and problem bodies in place of axum's plain-text rejections.

use axum::extract::Request;
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::problem::Problem;

/// Largest request body the API server reads: 2 MiB, axum's default limit, set explicitly so
/// the 413 problem can name it.
pub(crate) const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// Most bytes of a rejection's text that are read into the problem's detail.
const MAX_REJECTION_TEXT_BYTES: usize = 8 * 1024;

/// Replaces an error response that is not JSON, such as axum's plain-text rejection of an
/// oversized body or a malformed path, with a problem body of the same status.
///
/// A 413 becomes `PAYLOAD_TOO_LARGE` naming [`MAX_BODY_BYTES`]. Responses whose content type
/// contains `json` are kept, so problem bodies and the identity provider's Firebase-style
/// errors pass unchanged.
pub(crate) async fn problem_for_rejections(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) || is_json(&response) {
        return response;
    }
    if status.as_u16() == 413 {
        tracing::debug!(max_bytes = MAX_BODY_BYTES, "request body over the limit");
        return Problem::payload_too_large(MAX_BODY_BYTES).into_response();
    }
    let text = axum::body::to_bytes(response.into_body(), MAX_REJECTION_TEXT_BYTES)
        .await
        .unwrap_or_default();
    Problem::rejected(status, &String::from_utf8_lossy(&text)).into_response()
}

fn is_json(response: &Response) -> bool {
    response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.contains("json"))
}

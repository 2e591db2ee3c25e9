//! RFC 7807 problem responses in the PERS `StructuredError` shape.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::keys::random_hex;

/// Media type of every error body.
pub(crate) const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

/// Maximum number of characters of a request value that an error detail repeats.
pub(crate) const MAX_ECHO_CHARS: usize = 64;

/// Maximum number of characters of an error detail. Longer details are cut and marked.
pub(crate) const MAX_DETAIL_CHARS: usize = 1000;

/// Marker placed where an echoed value or a detail was cut.
pub(crate) const TRUNCATION_MARKER: &str = "…[truncated]";

/// An error response: status, machine code, category and a message for people.
#[derive(Debug, Clone)]
pub(crate) struct Problem {
    pub status: StatusCode,
    pub code: &'static str,
    pub category: &'static str,
    pub detail: String,
    pub target: Option<String>,
    pub details: Option<Value>,
    pub retryable: bool,
}

impl Problem {
    fn new(
        status: StatusCode,
        code: &'static str,
        category: &'static str,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            status,
            code,
            category,
            detail: detail.into(),
            target: None,
            details: None,
            retryable: false,
        }
    }

    /// A failure injected by a fault switch, with code `SANDBOX_FAULT`. It is retryable for
    /// 408, 429, 500 and 502 to 504.
    pub fn injected(status: StatusCode) -> Self {
        let mut problem = Self::new(
            status,
            "SANDBOX_FAULT",
            "SYSTEM",
            format!(
                "the sandbox injected status {} for this request",
                status.as_u16()
            ),
        );
        problem.retryable = matches!(status.as_u16(), 408 | 429 | 500 | 502..=504);
        problem
    }

    /// 429 `RATE_LIMIT_EXCEEDED`: the project key used up its request window.
    pub fn rate_limited(retry_after_secs: u64) -> Self {
        let mut problem = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "RATE_LIMIT_EXCEEDED",
            "RATE_LIMIT",
            format!(
                "this project key has used up its requests for this window; \
                 retry after {retry_after_secs} seconds"
            ),
        );
        problem.retryable = true;
        problem
    }

    /// 400 `VALIDATION`: `target` names the offending field.
    pub fn validation(target: &str, detail: impl Into<String>) -> Self {
        let mut problem = Self::new(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            "VALIDATION",
            detail,
        );
        problem.target = Some(target.to_owned());
        problem
    }

    /// 400 `VALIDATION` for a body that is not JSON of the expected shape.
    pub fn invalid_body(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "INVALID_REQUEST_BODY",
            "VALIDATION",
            detail,
        )
    }

    /// 401: credentials are missing, invalid or expired.
    pub fn unauthorized(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, "SECURITY", detail)
    }

    /// 403 `SECURITY`: the caller is known but not allowed.
    pub fn forbidden(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, code, "SECURITY", detail)
    }

    /// 404 for an entity that does not exist.
    pub fn not_found(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, "NOT_FOUND", detail)
    }

    /// 409 `DOMAIN_RULE`: the request conflicts with the caller's state.
    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, "DOMAIN_RULE", detail)
    }

    /// 413 `PAYLOAD_TOO_LARGE`: the request body is over `max_bytes`.
    pub fn payload_too_large(max_bytes: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
            "VALIDATION",
            format!("the request body is larger than the limit of {max_bytes} bytes"),
        )
    }

    /// Builds the problem for an error response that axum produced as plain text (an
    /// extractor's rejection), with the same status and that text as detail.
    pub fn rejected(status: StatusCode, text: &str) -> Self {
        let code = match status.as_u16() {
            400 => "INVALID_REQUEST",
            404 => "ROUTE_NOT_FOUND",
            415 => "UNSUPPORTED_MEDIA_TYPE",
            422 => "INVALID_REQUEST_BODY",
            _ => "REQUEST_REJECTED",
        };
        let category = if status.is_server_error() {
            "SYSTEM"
        } else {
            "VALIDATION"
        };
        let detail = if text.trim().is_empty() {
            status
                .canonical_reason()
                .unwrap_or("the request was rejected")
        } else {
            text.trim()
        };
        Self::new(status, code, category, detail)
    }

    /// 405 for a known path called with another method.
    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
            "VALIDATION",
            "this path does not accept that HTTP method",
        )
    }

    /// Adds a `details` object.
    pub fn with_details(mut self, details: Value) -> Self {
        self.details = Some(details);
        self
    }

    fn body(&self) -> Value {
        let title = self.status.canonical_reason().unwrap_or("Error");
        let timestamp = OffsetDateTime::now_utc()
            .format(&Rfc3339)
            .unwrap_or_default();
        let detail = truncate(&self.detail, MAX_DETAIL_CHARS);
        let mut body = json!({
            "status": self.status.as_u16(),
            "title": title,
            "detail": detail,
            "message": detail,
            "code": self.code,
            "category": self.category,
            "correlationId": format!("pers-{}-{}", random_hex(3), random_hex(3)),
            "retryable": self.retryable,
            "timestamp": timestamp,
        });
        if let Some(target) = &self.target {
            body["target"] = json!(target);
        }
        if let Some(details) = &self.details {
            body["details"] = details.clone();
        }
        body
    }
}

impl From<crate::SandboxError> for Problem {
    /// A data dir failure while handling a request: 500 `DATA_WRITE_FAILED`, logged.
    fn from(error: crate::SandboxError) -> Self {
        tracing::error!(%error, "failed to save the sandbox data");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "DATA_WRITE_FAILED",
            "SYSTEM",
            format!("the sandbox could not save the change: {error}"),
        )
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = self.body();
        tracing::debug!(
            status = self.status.as_u16(),
            code = self.code,
            "request rejected"
        );
        let mut response = (self.status, axum::Json(body)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(PROBLEM_CONTENT_TYPE),
        );
        response
    }
}

/// Returns `value` in double quotes for an error detail, cut after [`MAX_ECHO_CHARS`]
/// characters with [`TRUNCATION_MARKER`] and the full length, so that oversized input is never
/// repeated in full.
pub(crate) fn quoted(value: &str) -> String {
    let prefix = truncate(value, MAX_ECHO_CHARS);
    if prefix.len() == value.len() {
        format!("{value:?}")
    } else {
        format!("{prefix:?} ({} bytes)", value.len())
    }
}

/// Cuts `text` after `max_chars` characters and appends [`TRUNCATION_MARKER`].
fn truncate(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        None => text.to_owned(),
        Some((end, _)) => format!("{}{TRUNCATION_MARKER}", &text[..end]),
    }
}

/// Fallback for every unknown path: 404 `ROUTE_NOT_FOUND`.
pub(crate) async fn route_not_found() -> Problem {
    Problem::not_found("ROUTE_NOT_FOUND", "no operation exists at this path")
}

/// Fallback for a known path with another method: 405.
pub(crate) async fn method_not_allowed() -> Problem {
    Problem::method_not_allowed()
}

/// Parses a JSON request body, turning a parse failure into a 400 problem, and a body sent
/// with a `Content-Type` other than JSON (`application/json` or a `+json` type) into 415.
///
/// The detail names the position of the error but never quotes the body, which may contain
/// tokens or passwords. Only a duplicate field is named, because field names come from the
/// request schema.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(
    headers: &HeaderMap,
    body: &[u8],
) -> Result<T, Problem> {
    check_json_content_type(headers)?;
    serde_json::from_slice(body).map_err(|error| {
        let message = error.to_string();
        let reason = message.split(" at line ").next().unwrap_or_default();
        let kind = match error.classify() {
            serde_json::error::Category::Data if reason.starts_with("duplicate field") => {
                format!("has a {}", truncate(reason, MAX_ECHO_CHARS))
            }
            serde_json::error::Category::Data => "has a field of the wrong type".to_owned(),
            serde_json::error::Category::Eof => "ends early".to_owned(),
            serde_json::error::Category::Syntax | serde_json::error::Category::Io => {
                "is not valid JSON".to_owned()
            }
        };
        Problem::invalid_body(format!(
            "the request body {kind} (line {}, column {})",
            error.line(),
            error.column()
        ))
    })
}

/// Fails with 415 `UNSUPPORTED_MEDIA_TYPE` unless `Content-Type` is JSON. A missing header is
/// rejected too, because a body parser that selects requests by `Content-Type`, as Express's
/// `json()` does, would leave such a body unread.
fn check_json_content_type(headers: &HeaderMap) -> Result<(), Problem> {
    let media_type = headers
        .get(header::CONTENT_TYPE)
        .map(|value| value.to_str().unwrap_or_default())
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if media_type.is_empty() {
        return Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "VALIDATION",
            "the request has a body but no Content-Type; send JSON with Content-Type: \
             application/json",
        ));
    }
    if media_type == "application/json" || media_type.ends_with("+json") {
        return Ok(());
    }
    Err(Problem::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "UNSUPPORTED_MEDIA_TYPE",
        "VALIDATION",
        format!(
            "the request body has Content-Type {}; send JSON with Content-Type: application/json",
            quoted(&media_type)
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_value_is_quoted_whole() {
        assert_eq!(quoted("tenant"), "\"tenant\"");
    }

    #[test]
    fn long_value_is_cut_with_marker() {
        let long = "x".repeat(10_000);

        let shown = quoted(&long);

        assert!(shown.len() < 120, "{shown}");
        assert!(shown.contains(TRUNCATION_MARKER), "{shown}");
        assert!(shown.ends_with("(10000 bytes)"), "{shown}");
    }

    #[test]
    fn cut_respects_char_boundaries() {
        let long = "é".repeat(100);

        let shown = truncate(&long, 3);

        assert_eq!(shown, format!("ééé{TRUNCATION_MARKER}"));
    }

    #[test]
    fn long_detail_is_cut_in_body() {
        let problem = Problem::invalid_body("y".repeat(5000));

        let detail = problem.body()["detail"]
            .as_str()
            .unwrap_or_default()
            .to_owned();

        assert_eq!(
            detail.chars().count(),
            MAX_DETAIL_CHARS + TRUNCATION_MARKER.chars().count()
        );
        assert!(detail.ends_with(TRUNCATION_MARKER));
    }
}

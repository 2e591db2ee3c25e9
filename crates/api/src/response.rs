//! Reading response bodies: JSON decoding and excerpts for error messages.

use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::problem::error_from_body;

/// Maximum number of characters of a body quoted in an error message.
const EXCERPT_MAX_CHARS: usize = 200;

/// A response read to the end: its status, body and `Retry-After` pause.
pub(crate) struct RawResponse {
    pub(crate) status: u16,
    pub(crate) body: bytes::Bytes,
    /// The pause the `Retry-After` header requests, when it has a valid value.
    pub(crate) retry_after: Option<std::time::Duration>,
}

/// Whether a successful response body contains secrets (tokens, signed URLs). Excerpts of such
/// bodies show only their length.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodySecrecy {
    Public,
    Secret,
}

impl RawResponse {
    /// Decodes a 2xx body as `T`, or converts an error status into its [`ApiError`].
    ///
    /// A 2xx body that does not decode becomes [`ApiError::UnexpectedResponse`].
    pub(crate) fn json<T: DeserializeOwned>(
        &self,
        path: &str,
        secrecy: BodySecrecy,
    ) -> Result<T, ApiError> {
        if !(200..300).contains(&self.status) {
            return Err(error_from_body(self.status, &self.body, path));
        }
        serde_json::from_slice(&self.body).map_err(|error| {
            tracing::warn!(path, status = self.status, %error, "response body did not decode");
            ApiError::UnexpectedResponse {
                status: self.status,
                path: path.to_owned(),
                excerpt: match secrecy {
                    BodySecrecy::Public => excerpt(&self.body),
                    BodySecrecy::Secret => format!("<{} bytes not shown>", self.body.len()),
                },
            }
        })
    }
}

/// Returns the start of `body` as one line of text, empty for an empty body.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let collapsed: Vec<&str> = text.split_whitespace().collect();
    let line = collapsed.join(" ");
    if line.chars().count() <= EXCERPT_MAX_CHARS {
        return line;
    }
    let mut shortened: String = line.chars().take(EXCERPT_MAX_CHARS).collect();
    shortened.push('…');
    shortened
}

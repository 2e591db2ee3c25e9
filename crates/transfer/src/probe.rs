//! Reading an object's size and ETag through a signed GET URL without downloading it.

use reqwest::StatusCode;
use reqwest::header::{CONTENT_LENGTH, CONTENT_RANGE, ETAG, RANGE};

use crate::error::TransferError;
use crate::get::read_error_body;
use crate::signed_url::SignedUrl;
use crate::transfer::Transfer;

/// The size and version of a stored object, as a one-byte ranged GET reports them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectProbe {
    /// The object's full size in bytes.
    pub size_bytes: u64,
    /// `ETag` header of the response, verbatim (S3 quotes it); `None` when the store sent none.
    pub etag: Option<String>,
}

impl Transfer {
    /// Requests the first byte of the object at `url` (`Range: bytes=0-0`) and returns its
    /// full size, from `Content-Range`, and its ETag. A store that ignores the range returns
    /// 200 with the whole object. Then the size comes from `Content-Length`, and the body is
    /// not read. An empty object answers 416 or 200 with length 0, which both read as size 0.
    ///
    /// Fails with [`TransferError::NotFound`] on 404, with [`TransferError::Rejected`] on
    /// other errors, and with [`TransferError::InvalidResponse`] when neither header gives
    /// the size.
    #[tracing::instrument(skip_all, fields(url = %url), err(level = "debug"))]
    pub async fn probe_object(&self, url: &SignedUrl) -> Result<ObjectProbe, TransferError> {
        let response = self
            .http
            .get(url.url().clone())
            .header(RANGE, "bytes=0-0")
            .send()
            .await
            .map_err(|error| TransferError::transport(url.shown(), error))?;
        let status = response.status();
        if status == StatusCode::NOT_FOUND {
            return Err(TransferError::NotFound {
                url: url.shown().to_owned(),
            });
        }
        if status == StatusCode::RANGE_NOT_SATISFIABLE {
            let etag = header_text(&response, ETAG);
            return Ok(ObjectProbe {
                size_bytes: 0,
                etag,
            });
        }
        if !status.is_success() {
            return Err(read_error_body(url, response).await);
        }
        let etag = header_text(&response, ETAG);
        let size_bytes = if status == StatusCode::PARTIAL_CONTENT {
            header_text(&response, CONTENT_RANGE)
                .as_deref()
                .and_then(total_from_content_range)
        } else {
            header_text(&response, CONTENT_LENGTH).and_then(|length| length.parse().ok())
        };
        // Dropping the response without reading a 200 body closes the connection, so a store
        // that ignored the range does not send the whole object.
        let size_bytes = size_bytes.ok_or_else(|| TransferError::InvalidResponse {
            url: url.shown().to_owned(),
            reason: format!("a {status} answer to a ranged GET gave no object size"),
        })?;
        Ok(ObjectProbe { size_bytes, etag })
    }
}

/// Returns the header `name` of `response` as text; `None` when it is missing or not ASCII.
pub(crate) fn header_text(
    response: &reqwest::Response,
    name: reqwest::header::HeaderName,
) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

/// Reads the total of a `Content-Range: bytes 0-0/1234` header; `None` for `*` or garbage.
fn total_from_content_range(value: &str) -> Option<u64> {
    value.rsplit_once('/')?.1.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_range_total() {
        assert_eq!(total_from_content_range("bytes 0-0/1234"), Some(1234));
        assert_eq!(total_from_content_range("bytes 0-0/*"), None);
        assert_eq!(total_from_content_range("garbage"), None);
    }
}

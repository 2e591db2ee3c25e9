//! Size-capped downloads, and reading error bodies.

use bytes::{Bytes, BytesMut};
use reqwest::StatusCode;
use reqwest::header::ETAG;

use crate::error::TransferError;
use crate::probe::header_text;
use crate::retry_after::retry_after;
use crate::s3_error::parse_s3_error;
use crate::signed_url::SignedUrl;
use crate::transfer::Transfer;

/// Maximum number of bytes of an error body read to find the S3 code and message.
const ERROR_BODY_MAX_BYTES: usize = 64 * 1024;

/// A downloaded object and the version of it that the store reported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredObject {
    /// The object's bytes.
    pub bytes: Bytes,
    /// `ETag` header of the response, verbatim (S3 quotes it); `None` when the store sent none.
    /// Pass it to [`crate::WriteCondition::IfMatch`] to overwrite exactly this version.
    pub etag: Option<String>,
}

impl Transfer {
    /// Downloads the object at `url`, failing with [`TransferError::TooLarge`] once the body
    /// passes `max_bytes`. A `Content-Length` above `max_bytes` fails before the body is read.
    ///
    /// A 404 fails with [`TransferError::NotFound`], any other non-2xx status with
    /// [`TransferError::Rejected`].
    pub async fn get_bytes(&self, url: &SignedUrl, max_bytes: u64) -> Result<Bytes, TransferError> {
        Ok(self.get_object(url, max_bytes).await?.bytes)
    }

    /// Downloads the object at `url` like [`Transfer::get_bytes`], and returns its `ETag` too.
    // Debug level: a missing object is an expected answer, and callers log the failures they act on.
    #[tracing::instrument(skip_all, fields(url = %url, max_bytes), err(level = "debug"))]
    pub async fn get_object(
        &self,
        url: &SignedUrl,
        max_bytes: u64,
    ) -> Result<StoredObject, TransferError> {
        let transport = |error| TransferError::transport(url.shown(), error);
        let mut response = self
            .http
            .get(url.url().clone())
            .send()
            .await
            .map_err(transport)?;
        if response.status() == StatusCode::NOT_FOUND {
            return Err(TransferError::NotFound {
                url: url.shown().to_owned(),
            });
        }
        if !response.status().is_success() {
            return Err(read_error_body(url, response).await);
        }

        let too_large = || TransferError::TooLarge {
            url: url.shown().to_owned(),
            max_bytes,
        };
        if response
            .content_length()
            .is_some_and(|length| length > max_bytes)
        {
            return Err(too_large());
        }
        let etag = header_text(&response, ETAG);
        let mut body = BytesMut::new();
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            if (body.len() + chunk.len()) as u64 > max_bytes {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        tracing::debug!(bytes = body.len(), "download finished");
        Ok(StoredObject {
            bytes: body.freeze(),
            etag,
        })
    }
}

/// Builds [`TransferError::Rejected`] from an error response, reading at most
/// [`ERROR_BODY_MAX_BYTES`] of its body for the S3 `<Code>` and `<Message>`, and its
/// `Retry-After` header.
pub(crate) async fn read_error_body(
    url: &SignedUrl,
    mut response: reqwest::Response,
) -> TransferError {
    let status = response.status().as_u16();
    let retry_after = retry_after(response.headers(), std::time::SystemTime::now());
    let mut body = Vec::new();
    while body.len() < ERROR_BODY_MAX_BYTES {
        match response.chunk().await {
            Ok(Some(chunk)) => body.extend_from_slice(&chunk),
            Ok(None) => break,
            Err(error) => {
                tracing::debug!(error = %error.without_url(), "error body could not be read");
                break;
            }
        }
    }
    let parsed = parse_s3_error(&body);
    if status == 412 {
        // A failed write condition is an expected outcome of the manifest's conditional
        // writes, and the caller merges again, so it is not a warning.
        tracing::debug!(status, code = ?parsed.code, "storage host rejected a write condition");
    } else {
        tracing::warn!(status, code = ?parsed.code, ?retry_after, "storage host rejected the request");
    }
    TransferError::Rejected {
        status,
        url: url.shown().to_owned(),
        code: parsed.code,
        message: parsed.message,
        retry_after,
    }
}

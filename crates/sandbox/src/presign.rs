//! Presigned URLs for the embedded S3 store, made with rusty-s3.

use std::time::Duration;

use rusty_s3::{Bucket, Credentials, S3Action, UrlStyle};
use url::Url;

/// Name of the one bucket that contains every entity file.
pub(crate) const BUCKET_NAME: &str = "pers-assets";

/// The only region the sandbox signs for. s3s does not check the region, so pinning it here is
/// what keeps every URL consistent.
pub(crate) const REGION: &str = "us-east-1";

/// Maximum lifetime real S3 accepts for a presigned URL: 7 days.
pub(crate) const MAX_PRESIGNED_TTL: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// Signs GET and PUT URLs for objects in [`BUCKET_NAME`] at one store address.
pub(crate) struct Presigner {
    bucket: Bucket,
    credentials: Credentials,
}

impl Presigner {
    /// Creates a presigner for the store at `endpoint` (for example `http://127.0.0.1:41235`).
    ///
    /// Fails when `endpoint` is not an http(s) URL with a host.
    pub fn new(endpoint: Url, credentials: Credentials) -> Result<Self, rusty_s3::BucketError> {
        let bucket = Bucket::new(endpoint, UrlStyle::Path, BUCKET_NAME, REGION)?;
        Ok(Self {
            bucket,
            credentials,
        })
    }

    /// Signs a PUT of `key`, valid for `ttl` capped at [`MAX_PRESIGNED_TTL`], whose
    /// `Content-Type` must be exactly `content_type`.
    pub fn put_url(&self, key: &str, content_type: &str, ttl: Duration) -> Url {
        let mut action = self.bucket.put_object(Some(&self.credentials), key);
        action.headers_mut().insert("content-type", content_type);
        action.sign(ttl.min(MAX_PRESIGNED_TTL))
    }

    /// Signs a GET of `key`, valid for `ttl` capped at [`MAX_PRESIGNED_TTL`].
    pub fn get_url(&self, key: &str, ttl: Duration) -> Url {
        self.bucket
            .get_object(Some(&self.credentials), key)
            .sign(ttl.min(MAX_PRESIGNED_TTL))
    }
}

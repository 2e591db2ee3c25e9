//! Atomic conditional writes (`If-Match`, `If-None-Match: *`) for the embedded store.
//!
//! s3s-fs 0.14.1 checks both headers on PutObject, but the check and the write are separate
//! steps without a lock, so two PUTs with the same `If-Match` can both pass and the second
//! silently replaces the first. Its GetObject also opens the data file and loads the stored
//! ETag in two steps, so a GET during a PUT can return the old body with the new ETag.
//! [`ConditionalStore`] closes both windows with one read-write lock per object key, and
//! evaluates the conditions itself while it holds the write lock.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use s3s::dto::{ETag, ETagCondition, HeadObjectInput, PutObjectInput, PutObjectOutput};
use s3s::{S3, S3ErrorCode, S3Request, S3Response, S3Result, s3_error};
use tokio::sync::{OwnedRwLockReadGuard, OwnedRwLockWriteGuard, RwLock};

/// An s3s-fs store whose writes and reads of one key are serialised.
///
/// PutObject, CopyObject (on its destination) and DeleteObject hold the key's lock for
/// writing, from the condition check until the object and its ETag are saved. GetObject and
/// HeadObject hold it for reading until the response headers are ready, so the body and the
/// ETag of a response belong to the same write. Conditional PUTs follow Amazon S3:
/// `If-None-Match: *` fails with 412 `PreconditionFailed` when the key exists, and `If-Match`
/// fails with 412 when the ETag differs or with 404 `NoSuchKey` when the key does not exist.
// NOTE: DeleteObjects, multipart uploads and UploadPartCopy are passed through without the
// lock, so they can still interleave with a conditional PUT of the same key.
pub(crate) struct ConditionalStore {
    inner: s3s_fs::FileSystem,
    locks: Arc<KeyLocks>,
}

impl ConditionalStore {
    pub fn new(inner: s3s_fs::FileSystem) -> Self {
        Self {
            inner,
            locks: Arc::new(KeyLocks::default()),
        }
    }

    /// Fails with the S3 error of the first condition of `input` that the stored object breaks.
    async fn check_conditions(&self, request: &S3Request<PutObjectInput>) -> S3Result<()> {
        let input = &request.input;
        if input.if_match.is_none() && input.if_none_match.is_none() {
            return Ok(());
        }
        let stored = self.stored_etag(request, &input.bucket, &input.key).await?;
        if let Some(condition) = &input.if_none_match {
            check_if_none_match(condition, stored.as_ref())?;
        }
        if let Some(condition) = &input.if_match {
            check_if_match(condition, stored.as_ref())?;
        }
        Ok(())
    }

    /// Returns the ETag of the stored object, or `None` when the key does not exist.
    async fn stored_etag(
        &self,
        request: &S3Request<PutObjectInput>,
        bucket: &str,
        key: &str,
    ) -> S3Result<Option<ETag>> {
        let input = HeadObjectInput::builder()
            .bucket(bucket.to_owned())
            .key(key.to_owned())
            .build()
            .map_err(|error| {
                s3_error!(
                    InternalError,
                    "could not build the HEAD request for {key}: {error}"
                )
            })?;
        let head = S3Request {
            input,
            method: http::Method::HEAD,
            uri: request.uri.clone(),
            headers: http::HeaderMap::new(),
            extensions: http::Extensions::new(),
            credentials: request.credentials.clone(),
            region: request.region.clone(),
            service: request.service.clone(),
            trailing_headers: None,
        };
        match self.inner.head_object(head).await {
            Ok(response) => Ok(response.output.e_tag),
            Err(error) if *error.code() == S3ErrorCode::NoSuchKey => Ok(None),
            Err(error) => Err(error),
        }
    }
}

/// `If-None-Match: *` passes only when no object is stored. The sandbox accepts no other value,
/// because Amazon S3 documents only `*` for writes.
fn check_if_none_match(condition: &ETagCondition, stored: Option<&ETag>) -> S3Result<()> {
    match (condition, stored) {
        (ETagCondition::Any, None) => Ok(()),
        (ETagCondition::Any, Some(_)) => Err(s3_error!(
            PreconditionFailed,
            "If-None-Match: * failed because an object is stored under this key"
        )),
        (ETagCondition::ETag(_), _) => Err(s3_error!(
            InvalidArgument,
            "If-None-Match on PutObject accepts only *"
        )),
    }
}

/// `If-Match` passes when an object is stored and, unless the value is `*`, its ETag is the
/// same strong ETag.
fn check_if_match(condition: &ETagCondition, stored: Option<&ETag>) -> S3Result<()> {
    let Some(stored) = stored else {
        return Err(s3_error!(
            NoSuchKey,
            "If-Match failed because no object is stored under this key"
        ));
    };
    match condition {
        ETagCondition::Any => Ok(()),
        ETagCondition::ETag(expected) if stored.strong_cmp(expected) => Ok(()),
        ETagCondition::ETag(_) => Err(s3_error!(
            PreconditionFailed,
            "If-Match failed because the stored object has another ETag"
        )),
    }
}

/// One read-write lock per `bucket/key`, removed once no task holds or waits for it.
#[derive(Default)]
struct KeyLocks {
    locks: Mutex<HashMap<String, Arc<RwLock<()>>>>,
}

/// A held key lock. Dropping it releases the lock, and removes the key's entry when no other
/// task uses it.
struct KeyGuard<G> {
    guard: Option<G>,
    name: String,
    locks: Arc<KeyLocks>,
}

impl KeyLocks {
    fn lock_of(&self, name: &str) -> Arc<RwLock<()>> {
        let mut locks = self
            .locks
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        Arc::clone(locks.entry(name.to_owned()).or_default())
    }

    async fn read(self: &Arc<Self>, bucket: &str, key: &str) -> KeyGuard<OwnedRwLockReadGuard<()>> {
        let name = format!("{bucket}/{key}");
        let guard = self.lock_of(&name).read_owned().await;
        KeyGuard {
            guard: Some(guard),
            name,
            locks: Arc::clone(self),
        }
    }

    async fn write(
        self: &Arc<Self>,
        bucket: &str,
        key: &str,
    ) -> KeyGuard<OwnedRwLockWriteGuard<()>> {
        let name = format!("{bucket}/{key}");
        let guard = self.lock_of(&name).write_owned().await;
        KeyGuard {
            guard: Some(guard),
            name,
            locks: Arc::clone(self),
        }
    }
}

impl<G> Drop for KeyGuard<G> {
    fn drop(&mut self) {
        // The owned guard keeps its own reference to the lock, so release it first.
        drop(self.guard.take());
        let mut locks = self
            .locks
            .locks
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // Only the map refers to an unused lock. Callers clone the lock while holding the map's
        // mutex, so no other task can pick it up between this check and the removal.
        if locks
            .get(&self.name)
            .is_some_and(|lock| Arc::strong_count(lock) == 1)
        {
            locks.remove(&self.name);
        }
    }
}

/// Implements [`S3`] for [`ConditionalStore`] with the given methods, and forwards each operation
/// listed under `delegate` to the inner store unchanged. The impl is generated whole so that
/// `async_trait` rewrites the forwarding methods too.
macro_rules! impl_s3 {
    (
        delegate { $($operation:ident: $input:ident => $output:ident),+ $(,)? }
        $($methods:tt)*
    ) => {
        #[async_trait::async_trait]
        impl S3 for ConditionalStore {
            $($methods)*

            $(
                async fn $operation(
                    &self,
                    request: S3Request<s3s::dto::$input>,
                ) -> S3Result<S3Response<s3s::dto::$output>> {
                    self.inner.$operation(request).await
                }
            )+
        }
    };
}

impl_s3! {
    delegate {
        create_bucket: CreateBucketInput => CreateBucketOutput,
        delete_bucket: DeleteBucketInput => DeleteBucketOutput,
        delete_objects: DeleteObjectsInput => DeleteObjectsOutput,
        get_bucket_location: GetBucketLocationInput => GetBucketLocationOutput,
        head_bucket: HeadBucketInput => HeadBucketOutput,
        list_buckets: ListBucketsInput => ListBucketsOutput,
        list_objects: ListObjectsInput => ListObjectsOutput,
        list_objects_v2: ListObjectsV2Input => ListObjectsV2Output,
        create_multipart_upload: CreateMultipartUploadInput => CreateMultipartUploadOutput,
        upload_part: UploadPartInput => UploadPartOutput,
        upload_part_copy: UploadPartCopyInput => UploadPartCopyOutput,
        list_parts: ListPartsInput => ListPartsOutput,
        complete_multipart_upload: CompleteMultipartUploadInput => CompleteMultipartUploadOutput,
        abort_multipart_upload: AbortMultipartUploadInput => AbortMultipartUploadOutput,
    }

    async fn put_object(
        &self,
        request: S3Request<PutObjectInput>,
    ) -> S3Result<S3Response<PutObjectOutput>> {
        let locks = Arc::clone(&self.locks);
        let _writer = locks.write(&request.input.bucket, &request.input.key).await;
        self.check_conditions(&request).await?;
        self.inner.put_object(request).await
    }

    async fn get_object(
        &self,
        request: S3Request<s3s::dto::GetObjectInput>,
    ) -> S3Result<S3Response<s3s::dto::GetObjectOutput>> {
        let _reader = self
            .locks
            .read(&request.input.bucket, &request.input.key)
            .await;
        // The response streams from a file opened under the lock, so a later rename of the key
        // does not change the body that this response sends.
        self.inner.get_object(request).await
    }

    async fn head_object(
        &self,
        request: S3Request<s3s::dto::HeadObjectInput>,
    ) -> S3Result<S3Response<s3s::dto::HeadObjectOutput>> {
        let _reader = self
            .locks
            .read(&request.input.bucket, &request.input.key)
            .await;
        self.inner.head_object(request).await
    }

    async fn copy_object(
        &self,
        request: S3Request<s3s::dto::CopyObjectInput>,
    ) -> S3Result<S3Response<s3s::dto::CopyObjectOutput>> {
        let _writer = self
            .locks
            .write(&request.input.bucket, &request.input.key)
            .await;
        self.inner.copy_object(request).await
    }

    async fn delete_object(
        &self,
        request: S3Request<s3s::dto::DeleteObjectInput>,
    ) -> S3Result<S3Response<s3s::dto::DeleteObjectOutput>> {
        let _writer = self
            .locks
            .write(&request.input.bucket, &request.input.key)
            .await;
        self.inner.delete_object(request).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use s3s::S3Error;

    fn etag(value: &str) -> ETag {
        ETag::Strong(value.to_owned())
    }

    fn code(result: S3Result<()>) -> Option<S3ErrorCode> {
        result.err().map(|error: S3Error| error.code().clone())
    }

    #[test]
    fn if_none_match_any_needs_absent_key() {
        assert_eq!(code(check_if_none_match(&ETagCondition::Any, None)), None);
        assert_eq!(
            code(check_if_none_match(&ETagCondition::Any, Some(&etag("a")))),
            Some(S3ErrorCode::PreconditionFailed)
        );
    }

    #[test]
    fn if_none_match_etag_is_invalid() {
        let condition = ETagCondition::ETag(etag("a"));
        assert_eq!(
            code(check_if_none_match(&condition, None)),
            Some(S3ErrorCode::InvalidArgument)
        );
    }

    #[test]
    fn if_match_compares_etags() {
        let condition = ETagCondition::ETag(etag("a"));
        assert_eq!(code(check_if_match(&condition, Some(&etag("a")))), None);
        assert_eq!(
            code(check_if_match(&condition, Some(&etag("b")))),
            Some(S3ErrorCode::PreconditionFailed)
        );
        assert_eq!(
            code(check_if_match(&condition, None)),
            Some(S3ErrorCode::NoSuchKey)
        );
    }

    #[test]
    fn if_match_any_needs_stored_object() {
        assert_eq!(
            code(check_if_match(&ETagCondition::Any, Some(&etag("a")))),
            None
        );
        assert_eq!(
            code(check_if_match(&ETagCondition::Any, None)),
            Some(S3ErrorCode::NoSuchKey)
        );
    }

    #[tokio::test]
    async fn unused_key_locks_are_forgotten() {
        let locks = Arc::new(KeyLocks::default());
        let writer = locks.write("bucket", "key").await;
        assert_eq!(
            locks.locks.lock().unwrap_or_else(|p| p.into_inner()).len(),
            1
        );
        drop(writer);
        assert!(
            locks
                .locks
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .is_empty()
        );
    }
}

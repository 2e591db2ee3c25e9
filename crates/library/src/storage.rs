//! An entity's files in storage, reached through signed URLs from the API.

use bytes::Bytes;
use pers_api::{ApiClient, Session, SignedUrlMethod, StorageUrlRequest};
use pers_transfer::{PutOutcome, SignedUrl, StoredObject, Transfer, TransferError, WriteCondition};

use crate::error::LibraryError;
use crate::types::EntityRef;

/// Signs and performs transfers of one entity's files.
pub(crate) struct EntityStorage<'a> {
    pub api: &'a ApiClient,
    pub session: &'a Session,
    pub transfer: &'a Transfer,
    pub entity: &'a EntityRef,
}

impl EntityStorage<'_> {
    /// Asks the API for a signed URL for `file_name.extension`, just before it is used.
    pub async fn sign(
        &self,
        method: SignedUrlMethod,
        file_name: &str,
        extension: &str,
    ) -> Result<SignedUrl, LibraryError> {
        let request = StorageUrlRequest {
            entity_type: self.entity.entity_type,
            entity_id: self.entity.id.clone(),
            method,
            file_extension: extension.to_owned(),
            file_name: Some(file_name.to_owned()),
        };
        let context = || format!("requesting a signed URL for {file_name}.{extension}");
        let signed = self
            .api
            .entity_storage_url(self.session, &request)
            .await
            .map_err(|source| LibraryError::api(context(), source))?;
        SignedUrl::parse(signed.expose())
            .map_err(|source| LibraryError::transfer(context(), source))
    }

    /// Downloads `file_name.extension`; `None` when storage has no such object.
    pub async fn get(
        &self,
        file_name: &str,
        extension: &str,
        max_bytes: u64,
    ) -> Result<Option<Bytes>, LibraryError> {
        let object = self.get_object(file_name, extension, max_bytes).await?;
        Ok(object.map(|object| object.bytes))
    }

    /// Downloads `file_name.extension` with its ETag; `None` when storage has no such object.
    pub async fn get_object(
        &self,
        file_name: &str,
        extension: &str,
        max_bytes: u64,
    ) -> Result<Option<StoredObject>, LibraryError> {
        let url = self
            .sign(SignedUrlMethod::Get, file_name, extension)
            .await?;
        match self.transfer.get_object(&url, max_bytes).await {
            Ok(object) => Ok(Some(object)),
            Err(TransferError::NotFound { .. }) => Ok(None),
            Err(source) => Err(LibraryError::transfer(
                format!("downloading {file_name}.{extension} of {}", self.entity),
                source,
            )),
        }
    }

    /// Reads the size and ETag of `file_name.extension` with a one-byte ranged GET; `None`
    /// when storage has no such object.
    pub async fn probe(
        &self,
        file_name: &str,
        extension: &str,
    ) -> Result<Option<pers_transfer::ObjectProbe>, LibraryError> {
        let url = self
            .sign(SignedUrlMethod::Get, file_name, extension)
            .await?;
        match self.transfer.probe_object(&url).await {
            Ok(probe) => Ok(Some(probe)),
            Err(TransferError::NotFound { .. }) => Ok(None),
            Err(source) => Err(LibraryError::transfer(
                format!("checking {file_name}.{extension} of {}", self.entity),
                source,
            )),
        }
    }

    /// Asks for a signed PUT URL for `file_name.extension`.
    pub async fn sign_put(
        &self,
        file_name: &str,
        extension: &str,
    ) -> Result<SignedUrl, LibraryError> {
        self.sign(SignedUrlMethod::Put, file_name, extension).await
    }

    /// Uploads `bytes` to a signed PUT URL with exactly `content_type`, and with `condition`
    /// as `If-Match` or `If-None-Match` when it is set.
    pub async fn put_signed(
        &self,
        url: &SignedUrl,
        file_name: &str,
        extension: &str,
        content_type: &str,
        bytes: Bytes,
        condition: Option<&WriteCondition>,
    ) -> Result<PutOutcome, LibraryError> {
        self.transfer
            .put_bytes_if(url, bytes, content_type, condition, &|_| {})
            .await
            .map_err(|source| {
                LibraryError::transfer(
                    format!("uploading {file_name}.{extension} to {}", self.entity),
                    source,
                )
            })
    }

    /// Uploads the file at `path` to a signed PUT URL with exactly `content_type`, streamed.
    pub async fn put_signed_file(
        &self,
        url: &SignedUrl,
        file_name: &str,
        extension: &str,
        content_type: &str,
        path: &std::path::Path,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<PutOutcome, LibraryError> {
        self.transfer
            .put_file(url, path, content_type, progress)
            .await
            .map_err(|source| {
                LibraryError::transfer(
                    format!("uploading {file_name}.{extension} to {}", self.entity),
                    source,
                )
            })
    }

    /// Signs a PUT URL and uploads `bytes` as `file_name.extension`, on `condition` when set.
    pub async fn put(
        &self,
        file_name: &str,
        extension: &str,
        content_type: &str,
        bytes: Bytes,
        condition: Option<&WriteCondition>,
    ) -> Result<PutOutcome, LibraryError> {
        let url = self.sign_put(file_name, extension).await?;
        self.put_signed(&url, file_name, extension, content_type, bytes, condition)
            .await
    }
}

/// Returns the lower-case hex MD5 in an ETag such as `"9e107d9d372bb6826bd81d3542a419d6"`, or
/// `None` when the ETag is not a plain MD5 (a multipart `-N` suffix, a weak tag, another form).
pub(crate) fn plain_md5(etag: &str) -> Option<String> {
    let inner = etag.trim().strip_prefix('"')?.strip_suffix('"')?;
    let is_md5 = inner.len() == 32 && inner.bytes().all(|byte| byte.is_ascii_hexdigit());
    is_md5.then(|| inner.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_md5_reads_single_part_etags() {
        assert_eq!(
            plain_md5("\"9E107D9D372BB6826BD81D3542A419D6\"").as_deref(),
            Some("9e107d9d372bb6826bd81d3542a419d6")
        );
    }

    #[test]
    fn plain_md5_rejects_other_etags() {
        for etag in [
            "\"9e107d9d372bb6826bd81d3542a419d6-3\"",
            "W/\"9e107d9d372bb6826bd81d3542a419d6\"",
            "9e107d9d372bb6826bd81d3542a419d6",
            "\"not-an-md5\"",
            "",
        ] {
            assert_eq!(plain_md5(etag), None, "{etag}");
        }
    }
}

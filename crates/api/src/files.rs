//! Signed storage URLs (`POST /files/entity-storage-url`).

use reqwest::Method;
use serde::Deserialize;

use crate::client::ApiClient;
use crate::error::ApiError;
use crate::response::BodySecrecy;
use crate::session::Session;
use crate::storage::{SignedUrl, StorageUrlBody, StorageUrlRequest};

const STORAGE_URL_PATH: &str = "/files/entity-storage-url";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StorageUrlResponse {
    #[serde(alias = "url")]
    signed_url: String,
}

impl ApiClient {
    /// Requests a signed URL for one entity file (`POST /files/entity-storage-url`).
    ///
    /// A response whose `signedUrl` is not an absolute https URL (or http to a loopback host,
    /// as the sandbox issues) fails with [`ApiError::UnexpectedResponse`], without quoting the
    /// body. The call only signs a URL, so it is retried as the client's
    /// [`crate::RetryPolicy`] allows.
    #[tracing::instrument(
        skip_all,
        fields(
            entity_type = %request.entity_type,
            entity_id = %request.entity_id,
            method = ?request.method,
        ),
        err
    )]
    pub async fn entity_storage_url(
        &self,
        session: &Session,
        request: &StorageUrlRequest,
    ) -> Result<SignedUrl, ApiError> {
        let body = serde_json::to_value(StorageUrlBody::from(request)).map_err(|error| {
            // Serializing these plain fields cannot fail; keep a clear error regardless.
            ApiError::UnexpectedResponse {
                status: 0,
                path: STORAGE_URL_PATH.to_owned(),
                excerpt: format!("request body could not be encoded: {error}"),
            }
        })?;
        let url = self.endpoint(STORAGE_URL_PATH);
        let response = self
            .send_retrying(session, Method::POST, url, STORAGE_URL_PATH, Some(&body))
            .await?;
        let signed: StorageUrlResponse = response.json(STORAGE_URL_PATH, BodySecrecy::Secret)?;

        let signed_url = SignedUrl::parse(&signed.signed_url).map_err(|reason| {
            ApiError::UnexpectedResponse {
                status: response.status,
                path: STORAGE_URL_PATH.to_owned(),
                excerpt: format!("signedUrl is rejected: {reason}"),
            }
        })?;
        tracing::debug!(url = %signed_url, "signed URL issued");
        Ok(signed_url)
    }
}

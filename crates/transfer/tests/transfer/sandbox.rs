//! Uploads and downloads through real signed URLs from the sandbox's S3 store.

use bytes::Bytes;
use pers_sandbox::{Fault, Sandbox, SandboxConfig};
use pers_transfer::{SignedUrl, TransferError, WriteCondition};
use serde_json::{Value, json};

use crate::transfer;

struct Running {
    sandbox: Sandbox,
    http: reqwest::Client,
    access_token: String,
    campaign_id: String,
    _data_dir: tempfile::TempDir,
}

/// Starts a sandbox and signs in as its tenant admin with plain HTTP calls, so this crate's
/// tests need no PERS client.
async fn start() -> Running {
    let data_dir = tempfile::tempdir().unwrap();
    let sandbox = pers_sandbox::start(SandboxConfig::new(data_dir.path()))
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let info = sandbox.info().clone();
    let admin = info
        .accounts
        .iter()
        .find(|account| account.kind == "tenant")
        .unwrap();

    let identity =
        json!({ "email": admin.email, "password": admin.password, "returnSecureToken": true });
    let signed_in: Value = http
        .post(&info.identity_url)
        .json(&identity)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let exchange = json!({ "authToken": signed_in["idToken"], "authType": "tenant" });
    let tokens: Value = http
        .post(format!("{}/auth/token", info.base_url))
        .header("x-project-key", &info.project_key)
        .json(&exchange)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let access_token = tokens["accessToken"].as_str().unwrap().to_owned();
    let campaigns: Value = http
        .get(format!("{}/campaigns", info.base_url))
        .header("x-project-key", &info.project_key)
        .bearer_auth(&access_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let campaign_id = campaigns[0]["id"].as_str().unwrap().to_owned();
    Running {
        sandbox,
        http,
        access_token,
        campaign_id,
        _data_dir: data_dir,
    }
}

impl Running {
    async fn signed_url(&self, method: &str, file_name: &str) -> SignedUrl {
        let info = self.sandbox.info();
        let request = json!({
            "entityType": "campaign", "entityId": self.campaign_id, "signedUrlType": method,
            "fileExtension": "png", "fileName": file_name
        });
        let response: Value = self
            .http
            .post(format!("{}/files/entity-storage-url", info.base_url))
            .header("x-project-key", &info.project_key)
            .bearer_auth(&self.access_token)
            .json(&request)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        SignedUrl::parse(response["signedUrl"].as_str().unwrap()).unwrap()
    }
}

#[tokio::test]
async fn put_file_then_get_back() {
    let running = start().await;
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("logo.png");
    let body: Vec<u8> = (0..200_000u32).map(|index| (index % 253) as u8).collect();
    std::fs::write(&path, &body).unwrap();

    let put_url = running.signed_url("PUT", "logo").await;
    let outcome = transfer()
        .put_file(&put_url, &path, "image/png", &|_| {})
        .await
        .unwrap();
    assert_eq!(outcome.bytes_sent, 200_000);
    assert!(outcome.etag.is_some(), "the store returns an ETag");

    let get_url = running.signed_url("GET", "logo").await;
    let downloaded = transfer().get_bytes(&get_url, 1_000_000).await.unwrap();
    assert_eq!(downloaded.len(), body.len());
    assert!(
        downloaded[..] == body[..],
        "the downloaded bytes equal the uploaded ones"
    );

    let capped = transfer().get_bytes(&get_url, 1000).await.unwrap_err();
    assert!(
        matches!(capped, TransferError::TooLarge { .. }),
        "{capped:?}"
    );
}

#[tokio::test]
async fn put_with_wrong_content_type_is_rejected() {
    let running = start().await;
    let put_url = running.signed_url("PUT", "wrong-type").await;

    let error = transfer()
        .put_bytes(
            &put_url,
            Bytes::from_static(b"not a png"),
            "image/jpeg",
            &|_| {},
        )
        .await
        .unwrap_err();

    let TransferError::Rejected { status, code, .. } = &error else {
        panic!("expected a rejection, got {error:?}");
    };
    assert!(matches!(status, 400 | 403), "status {status}");
    assert!(code.is_some(), "the store names the error: {error}");
}

#[tokio::test]
async fn get_of_missing_object_is_not_found() {
    let running = start().await;
    let get_url = running.signed_url("GET", "never-uploaded").await;

    let error = transfer().get_bytes(&get_url, 1000).await.unwrap_err();

    assert!(matches!(error, TransferError::NotFound { .. }), "{error:?}");
}

#[tokio::test]
async fn conditional_puts_follow_etags() {
    let running = start().await;
    let put_url = running.signed_url("PUT", "manifest").await;
    let get_url = running.signed_url("GET", "manifest").await;
    let put = |body: &'static [u8], condition: WriteCondition| {
        let url = put_url.clone();
        async move {
            transfer()
                .put_bytes_if(
                    &url,
                    Bytes::from_static(body),
                    "image/png",
                    Some(&condition),
                    &|_| {},
                )
                .await
        }
    };

    let created = put(b"first", WriteCondition::IfAbsent).await.unwrap();
    let again = put(b"second", WriteCondition::IfAbsent).await.unwrap_err();
    assert!(again.is_precondition_failed(), "{again:?}");

    let stored = transfer().get_object(&get_url, 1000).await.unwrap();
    assert_eq!(&stored.bytes[..], b"first");
    assert_eq!(stored.etag, created.etag, "GET returns the ETag of the PUT");
    let etag = stored.etag.unwrap();

    let replaced = put(b"third", WriteCondition::IfMatch(etag.clone())).await;
    assert!(replaced.is_ok(), "{replaced:?}");
    let stale = put(b"fourth", WriteCondition::IfMatch(etag))
        .await
        .unwrap_err();
    assert!(stale.is_precondition_failed(), "{stale:?}");
    let stored = transfer().get_object(&get_url, 1000).await.unwrap();
    assert_eq!(
        &stored.bytes[..],
        b"third",
        "the stale write stored nothing"
    );
}

#[tokio::test]
async fn if_match_on_missing_object_fails() {
    let running = start().await;
    let put_url = running.signed_url("PUT", "absent").await;

    let error = transfer()
        .put_bytes_if(
            &put_url,
            Bytes::from_static(b"x"),
            "image/png",
            Some(&WriteCondition::IfMatch("\"0123\"".to_owned())),
            &|_| {},
        )
        .await
        .unwrap_err();

    assert!(error.is_precondition_failed(), "{error:?}");
    let get_url = running.signed_url("GET", "absent").await;
    let missing = transfer().get_bytes(&get_url, 1000).await.unwrap_err();
    assert!(
        matches!(missing, TransferError::NotFound { .. }),
        "{missing:?}"
    );
}

#[tokio::test]
async fn store_retry_after_is_reported() {
    let running = start().await;
    let put_url = running.signed_url("PUT", "throttled").await;
    running
        .sandbox
        .faults()
        .apply(Fault::StorageFailure {
            method: Some("PUT".to_owned()),
            status: 429,
            percent: 100,
            count: Some(1),
            retry_after_secs: Some(3),
        })
        .unwrap();

    let error = transfer()
        .put_bytes(&put_url, Bytes::from_static(b"x"), "image/png", &|_| {})
        .await
        .unwrap_err();

    assert_eq!(error.retry_after(), Some(std::time::Duration::from_secs(3)));
    assert!(error.is_retryable(), "{error:?}");
    assert!(error.to_string().contains("retry after 3 s"), "{error}");
}

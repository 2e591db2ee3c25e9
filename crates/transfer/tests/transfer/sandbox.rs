//! Uploads and downloads through real signed URLs from the sandbox's S3 store.

use bytes::Bytes;
use pers_sandbox::{Sandbox, SandboxConfig};
use pers_transfer::{SignedUrl, TransferError};
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

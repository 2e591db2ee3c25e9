//! Store faults: injected statuses and connections reset mid-body.

use pers_sandbox::ServerKind;
use reqwest::StatusCode;

use crate::common::{self, ADMIN, HARBOUR_CAMPAIGN_ID, TestSandbox, storage_request};

const BODY: &[u8] = &[7_u8; 64 * 1024];

async fn put_url(sandbox: &TestSandbox, name: &str) -> String {
    let admin = sandbox.access_token(ADMIN, "tenant", None).await;
    let request = storage_request("campaign", HARBOUR_CAMPAIGN_ID, "PUT", "png", name);
    sandbox.signed_url(&admin, &request).await
}

async fn put(sandbox: &TestSandbox, url: &str) -> reqwest::Result<reqwest::Response> {
    sandbox
        .http
        .put(url)
        .header("content-type", "image/png")
        .body(BODY.to_vec())
        .send()
        .await
}

#[tokio::test]
async fn every_put_fails_at_100_percent() {
    let sandbox = common::start().await;
    let url = put_url(&sandbox, "failing").await;
    sandbox
        .sandbox
        .faults()
        .fail_storage(Some("PUT"), 503, 100)
        .unwrap();

    let response = put(&sandbox, &url).await.unwrap();

    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("<Code>SlowDown</Code>")
    );
    let logged = sandbox.sandbox.faults().requests();
    let store: Vec<_> = logged
        .iter()
        .filter(|r| r.server == ServerKind::Storage)
        .collect();
    assert_eq!(store.len(), 1);
    assert_eq!(store[0].status, 503);
    assert!(
        store[0]
            .query_keys
            .iter()
            .any(|key| key == "X-Amz-Signature")
    );
    let serialized = serde_json::to_string(&logged).unwrap();
    let signature = url::Url::parse(&url)
        .unwrap()
        .query_pairs()
        .find(|(key, _)| key == "X-Amz-Signature")
        .unwrap()
        .1
        .into_owned();
    assert!(!serialized.contains(&signature), "no signature in the log");
}

#[tokio::test]
async fn ten_percent_of_puts_fail() {
    let sandbox = common::start().await;
    let url = put_url(&sandbox, "sometimes").await;
    sandbox
        .sandbox
        .faults()
        .fail_storage(Some("PUT"), 503, 10)
        .unwrap();

    let mut failed = 0;
    for _ in 0..100 {
        let status = put(&sandbox, &url).await.unwrap().status();
        assert!(status == StatusCode::OK || status == StatusCode::SERVICE_UNAVAILABLE);
        failed += usize::from(status == StatusCode::SERVICE_UNAVAILABLE);
    }

    assert!((3..=25).contains(&failed), "{failed} of 100 failed");
}

#[tokio::test]
async fn put_reset_mid_body() {
    let sandbox = common::start().await;
    let url = put_url(&sandbox, "reset").await;
    let faults = sandbox.sandbox.faults();
    faults.reset_storage(Some("PUT"), 100, 1024).unwrap();

    let result = put(&sandbox, &url).await;

    assert!(result.is_err(), "the upload must fail, got {result:?}");
    faults.clear();
    assert_eq!(put(&sandbox, &url).await.unwrap().status(), StatusCode::OK);
}

#[tokio::test]
async fn get_reset_mid_body() {
    let sandbox = common::start().await;
    let url = put_url(&sandbox, "download").await;
    assert_eq!(put(&sandbox, &url).await.unwrap().status(), StatusCode::OK);
    let admin = sandbox.access_token(ADMIN, "tenant", None).await;
    let get = storage_request("campaign", HARBOUR_CAMPAIGN_ID, "GET", "png", "download");
    let get_url = sandbox.signed_url(&admin, &get).await;
    sandbox
        .sandbox
        .faults()
        .reset_storage(Some("GET"), 100, 100)
        .unwrap();

    let response = sandbox.http.get(&get_url).send().await.unwrap();
    let body = response.bytes().await;

    assert!(body.is_err(), "the download must fail");
}

//! Presigned URLs against the embedded store: what it accepts and what it rejects.

use std::time::Duration;

use reqwest::StatusCode;

use crate::common::{
    self, ADMIN, HARBOUR_CAMPAIGN_ID, REDEMPTION_ID, TestSandbox, assert_rejected, storage_request,
};

const PNG_BYTES: &[u8] = b"\x89PNG\r\n\x1a\nnot really an image, but bytes to round-trip";

async fn urls(sandbox: &TestSandbox, name: &str) -> (String, String) {
    let admin = sandbox.access_token(ADMIN, "tenant", None).await;
    let put = storage_request("campaign", HARBOUR_CAMPAIGN_ID, "PUT", "png", name);
    let get = storage_request("campaign", HARBOUR_CAMPAIGN_ID, "GET", "png", name);
    (
        sandbox.signed_url(&admin, &put).await,
        sandbox.signed_url(&admin, &get).await,
    )
}

async fn put(sandbox: &TestSandbox, url: &str, content_type: &str) -> StatusCode {
    let response = sandbox
        .http
        .put(url)
        .header("content-type", content_type)
        .body(PNG_BYTES.to_vec())
        .send()
        .await
        .unwrap();
    response.status()
}

#[tokio::test]
async fn put_then_get_round_trips() {
    let sandbox = common::start().await;
    let (put_url, get_url) = urls(&sandbox, "hero image").await;
    assert!(
        put_url.starts_with(&sandbox.info().storage_url),
        "URLs point at the store"
    );

    assert_eq!(put(&sandbox, &put_url, "image/png").await, StatusCode::OK);
    let response = sandbox.http.get(&get_url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.bytes().await.unwrap().as_ref(), PNG_BYTES);
}

#[tokio::test]
async fn get_of_missing_object_is_not_found() {
    let sandbox = common::start().await;
    let (_, get_url) = urls(&sandbox, "never-uploaded").await;
    let response = sandbox.http.get(&get_url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn wrong_content_type_rejected() {
    let sandbox = common::start().await;
    let (put_url, _) = urls(&sandbox, "logo").await;
    assert_rejected(
        put(&sandbox, &put_url, "image/jpeg").await,
        "a PUT with another content type",
    );
}

#[tokio::test]
async fn wrong_method_rejected() {
    let sandbox = common::start().await;
    let (put_url, get_url) = urls(&sandbox, "logo").await;
    assert_eq!(put(&sandbox, &put_url, "image/png").await, StatusCode::OK);

    let status = sandbox.http.get(&put_url).send().await.unwrap().status();
    assert_rejected(status, "a GET on a PUT URL");
    assert_rejected(
        put(&sandbox, &get_url, "image/png").await,
        "a PUT on a GET URL",
    );
}

#[tokio::test]
async fn tampered_url_rejected() {
    let sandbox = common::start().await;
    let (put_url, _) = urls(&sandbox, "logo").await;

    let (before, signature) = put_url.split_once("X-Amz-Signature=").unwrap();
    let flipped = if signature.starts_with('0') { "1" } else { "0" };
    let tampered_signature = format!("{before}X-Amz-Signature={flipped}{}", &signature[1..]);
    assert_rejected(
        put(&sandbox, &tampered_signature, "image/png").await,
        "an altered signature",
    );

    let tampered_key = put_url.replace("/logo.png?", "/other.png?");
    assert_ne!(tampered_key, put_url);
    assert_rejected(
        put(&sandbox, &tampered_key, "image/png").await,
        "an altered key",
    );
}

#[tokio::test]
async fn unsigned_request_rejected() {
    let sandbox = common::start().await;
    let (put_url, _) = urls(&sandbox, "logo").await;
    let bare = put_url.split('?').next().unwrap();
    assert_rejected(put(&sandbox, bare, "image/png").await, "an anonymous PUT");
}

#[tokio::test]
async fn expired_url_rejected() {
    let sandbox = common::start_with(|config| config.signed_url_ttl = Duration::from_secs(1)).await;
    let (put_url, _) = urls(&sandbox, "logo").await;
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_rejected(
        put(&sandbox, &put_url, "image/png").await,
        "an expired PUT URL",
    );
}

#[tokio::test]
async fn expiry_capped_at_seven_days() {
    let sandbox =
        common::start_with(|config| config.signed_url_ttl = Duration::from_secs(30 * 24 * 3600))
            .await;
    let (put_url, _) = urls(&sandbox, "logo").await;
    assert!(
        put_url.contains("X-Amz-Expires=604800&"),
        "{}",
        put_url.split('?').next().unwrap()
    );
}

#[tokio::test]
async fn longest_accepted_name_is_storable() {
    let sandbox = common::start().await;
    let admin = sandbox.access_token(ADMIN, "tenant", None).await;

    // Find the longest name the sandbox signs for this entity, then check that the store accepts it.
    let mut longest = None;
    for length in (1..=200).rev() {
        let body = storage_request(
            "redemption",
            REDEMPTION_ID,
            "PUT",
            "abcdefghij",
            &"n".repeat(length),
        );
        if sandbox.storage_url_response(&admin, &body).await.status() == StatusCode::OK {
            longest = Some(body);
            break;
        }
    }
    let url = sandbox.signed_url(&admin, &longest.unwrap()).await;
    assert_eq!(
        put(&sandbox, &url, "application/octet-stream").await,
        StatusCode::OK
    );
}

//! Conditional PUTs on the store: `If-None-Match: *`, `If-Match`, and concurrent writers.

use reqwest::StatusCode;

use crate::common::{self, ADMIN, HARBOUR_CAMPAIGN_ID, TestSandbox, storage_request};

/// Signed PUT and GET URLs of one JSON object of the seed campaign.
struct Object {
    put_url: String,
    get_url: String,
}

async fn object(sandbox: &TestSandbox, name: &str) -> Object {
    let admin = sandbox.access_token(ADMIN, "tenant", None).await;
    let sign = |method| storage_request("campaign", HARBOUR_CAMPAIGN_ID, method, "json", name);
    Object {
        put_url: sandbox.signed_url(&admin, &sign("PUT")).await,
        get_url: sandbox.signed_url(&admin, &sign("GET")).await,
    }
}

/// Sends a PUT of `body` with one extra header (unsigned, as a client adds it to a presigned
/// URL), and returns the status, the ETag and the body of the response.
async fn put(
    sandbox: &TestSandbox,
    object: &Object,
    body: &str,
    condition: Option<(&str, &str)>,
) -> (StatusCode, Option<String>, String) {
    let mut request = sandbox
        .http
        .put(&object.put_url)
        .header("content-type", "application/json")
        .body(body.to_owned());
    if let Some((name, value)) = condition {
        request = request.header(name, value);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let etag = response
        .headers()
        .get("etag")
        .map(|value| value.to_str().unwrap().to_owned());
    (status, etag, response.text().await.unwrap())
}

async fn stored(sandbox: &TestSandbox, object: &Object) -> (String, Option<String>) {
    let response = sandbox.http.get(&object.get_url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let etag = response
        .headers()
        .get("etag")
        .map(|value| value.to_str().unwrap().to_owned());
    (response.text().await.unwrap(), etag)
}

#[tokio::test]
async fn if_none_match_creates_once() {
    let sandbox = common::start().await;
    let object = object(&sandbox, "create-once").await;

    let (first, ..) = put(&sandbox, &object, "1", Some(("if-none-match", "*"))).await;
    let (second, _, body) = put(&sandbox, &object, "2", Some(("if-none-match", "*"))).await;

    assert_eq!(first, StatusCode::OK);
    assert_eq!(second, StatusCode::PRECONDITION_FAILED);
    assert!(body.contains("<Code>PreconditionFailed</Code>"), "{body}");
    assert_eq!(stored(&sandbox, &object).await.0, "1");
}

#[tokio::test]
async fn if_match_needs_current_etag() {
    let sandbox = common::start().await;
    let object = object(&sandbox, "compare-and-swap").await;
    let (_, first_etag, _) = put(&sandbox, &object, "1", None).await;
    let first_etag = first_etag.unwrap();
    assert_eq!(
        stored(&sandbox, &object).await.1.as_deref(),
        Some(first_etag.as_str())
    );

    let (replaced, ..) = put(&sandbox, &object, "2", Some(("if-match", &first_etag))).await;
    let (stale, _, body) = put(&sandbox, &object, "3", Some(("if-match", &first_etag))).await;

    assert_eq!(replaced, StatusCode::OK);
    assert_eq!(stale, StatusCode::PRECONDITION_FAILED);
    assert!(body.contains("<Code>PreconditionFailed</Code>"), "{body}");
    assert_eq!(stored(&sandbox, &object).await.0, "2");
}

#[tokio::test]
async fn if_match_on_missing_key_is_not_found() {
    let sandbox = common::start().await;
    let object = object(&sandbox, "never-written").await;

    let (status, _, body) = put(&sandbox, &object, "1", Some(("if-match", "\"00\""))).await;

    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("<Code>NoSuchKey</Code>"), "{body}");
    let response = sandbox.http.get(&object.get_url).send().await.unwrap();
    assert_eq!(
        response.status(),
        StatusCode::NOT_FOUND,
        "nothing was stored"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_of_concurrent_writers_wins() {
    let sandbox = common::start().await;
    let object = object(&sandbox, "contended").await;
    let (_, etag, _) = put(&sandbox, &object, "base", None).await;
    let etag = etag.unwrap();

    for round in 0..5 {
        let (_, current) = stored(&sandbox, &object).await;
        let current = current.unwrap_or_else(|| etag.clone());
        let writers = (0..8).map(|writer| {
            let body = format!("round {round} writer {writer}");
            let (sandbox, object, current) = (&sandbox, &object, current.clone());
            async move { put(sandbox, object, &body, Some(("if-match", &current))).await }
        });
        let results = futures_util::future::join_all(writers).await;

        let winners: Vec<&(StatusCode, Option<String>, String)> = results
            .iter()
            .filter(|(status, ..)| *status == StatusCode::OK)
            .collect();
        assert_eq!(winners.len(), 1, "round {round}: {results:?}");
        let losers = results
            .iter()
            .filter(|(status, ..)| *status == StatusCode::PRECONDITION_FAILED)
            .count();
        assert_eq!(losers, 7, "round {round}: {results:?}");
        let (body, stored_etag) = stored(&sandbox, &object).await;
        assert!(body.starts_with(&format!("round {round} ")), "{body}");
        assert_eq!(stored_etag, winners[0].1, "the stored ETag is the winner's");
    }
}

/// With the `IgnoreWriteConditions` switch on, the store behaves like one without conditional
/// writes: both headers are ignored and every PUT replaces the object. Off again, they count.
#[tokio::test]
async fn ignore_write_conditions_switch() {
    let sandbox = common::start().await;
    let object = object(&sandbox, "ignored-conditions").await;
    let (_, first_etag, _) = put(&sandbox, &object, "1", None).await;
    let first_etag = first_etag.unwrap();
    let faults = sandbox.sandbox.faults();

    faults.set_ignore_write_conditions(true).unwrap();
    let (created, ..) = put(&sandbox, &object, "2", Some(("if-none-match", "*"))).await;
    let (swapped, ..) = put(&sandbox, &object, "3", Some(("if-match", "\"0000\""))).await;
    assert_eq!(created, StatusCode::OK);
    assert_eq!(swapped, StatusCode::OK);
    assert_eq!(stored(&sandbox, &object).await.0, "3");

    faults.set_ignore_write_conditions(false).unwrap();
    let (refused, ..) = put(
        &sandbox,
        &object,
        "4",
        Some(("if-match", first_etag.as_str())),
    )
    .await;
    assert_eq!(refused, StatusCode::PRECONDITION_FAILED);
    assert_eq!(stored(&sandbox, &object).await.0, "3");
}

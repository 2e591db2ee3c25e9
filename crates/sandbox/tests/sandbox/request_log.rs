//! The request log: what it records and that it keeps secrets out.

use pers_sandbox::{CONTROL_TOKEN_HEADER, REDACTED, ServerKind};
use reqwest::StatusCode;
use serde_json::Value;

use crate::common::{self, ADMIN};

#[tokio::test]
async fn log_records_requests_without_secrets() {
    let sandbox = common::start().await;
    let token = sandbox.access_token(ADMIN, "tenant", None).await;
    let faults = sandbox.sandbox.faults();
    faults.clear_requests();

    let response = sandbox.get("/campaigns?page=1&limit=2", Some(&token)).await;
    assert_eq!(response.status(), StatusCode::OK);

    let log = faults.requests();
    assert_eq!(log.len(), 1);
    let record = &log[0];
    assert_eq!(record.server, ServerKind::Api);
    assert_eq!(record.method, "GET");
    assert_eq!(record.path, "/v2/campaigns");
    assert_eq!(record.query_keys, ["page", "limit"]);
    assert_eq!(record.status, 200);
    assert!(record.has_header("authorization"));
    assert!(record.has_header("x-project-key"));
    let serialized = serde_json::to_string(&log).unwrap();
    assert!(!serialized.contains(&token), "no access token in the log");
    assert!(
        !serialized.contains(&sandbox.info().project_key),
        "no project key in the log"
    );
    assert!(serialized.contains(REDACTED));
}

#[tokio::test]
async fn sign_in_bodies_are_not_logged() {
    let sandbox = common::start().await;
    sandbox.access_token(ADMIN, "tenant", None).await;

    let serialized = serde_json::to_string(&sandbox.sandbox.faults().requests()).unwrap();

    assert!(serialized.contains("/v2/auth/token"));
    assert!(!serialized.contains(&sandbox.password(ADMIN)));
}

#[tokio::test]
async fn log_over_http_and_cleared() {
    let sandbox = common::start().await;
    sandbox.get("/tokens", None).await;
    let url = format!("{}/requests", sandbox.info().control_url);
    let token = sandbox.sandbox.control_token().to_owned();

    let log: Value = sandbox
        .http
        .get(&url)
        .header(CONTROL_TOKEN_HEADER, &token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let cleared = sandbox
        .http
        .delete(&url)
        .header(CONTROL_TOKEN_HEADER, &token)
        .send()
        .await
        .unwrap();

    let records = log.as_array().unwrap();
    assert_eq!(records.len(), 1, "control requests are not logged: {log}");
    assert_eq!(records[0]["path"], "/v2/tokens");
    assert_eq!(records[0]["server"], "api");
    assert_eq!(cleared.status(), StatusCode::NO_CONTENT);
    assert!(sandbox.sandbox.faults().requests().is_empty());
}

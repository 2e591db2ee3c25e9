//! The page envelope setting: chosen at start, switched through `Faults` or the control
//! endpoint, applied to every paginated list, and never to the legacy bare array.

use pers_sandbox::{CONTROL_TOKEN_HEADER, Fault, PageEnvelope};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{self, ADMIN};

async fn get_json(sandbox: &common::TestSandbox, path: &str, token: &str) -> Value {
    let response = sandbox.get(path, Some(token)).await;
    assert_eq!(response.status(), StatusCode::OK, "GET {path}");
    response.json().await.unwrap()
}

#[tokio::test]
async fn default_envelope_is_data_pagination() {
    let sandbox = common::start().await;
    let token = sandbox.access_token(ADMIN, "tenant", None).await;

    let page = get_json(&sandbox, "/users?page=1&limit=1", &token).await;

    assert_eq!(page["data"].as_array().unwrap().len(), 1);
    assert_eq!(page["pagination"]["hasNext"], true);
    assert!(
        sandbox
            .sandbox
            .faults()
            .active()
            .contains(&Fault::PageEnvelope {
                envelope: PageEnvelope::DataPagination
            })
    );
}

#[tokio::test]
async fn configured_envelope_applies_to_lists() {
    let sandbox =
        common::start_with(|config| config.page_envelope = PageEnvelope::ItemsTotal).await;
    let token = sandbox.access_token(ADMIN, "tenant", None).await;

    for path in ["/campaigns", "/redemptions", "/users", "/businesses"] {
        let page = get_json(&sandbox, &format!("{path}?page=1&limit=1"), &token).await;

        assert_eq!(page["items"].as_array().unwrap().len(), 1, "{path}");
        assert!(page["total"].as_u64().unwrap() >= 1, "{path}");
        assert_eq!(page["page"], 1, "{path}");
    }
}

#[tokio::test]
async fn legacy_array_ignores_envelope() {
    let sandbox =
        common::start_with(|config| config.page_envelope = PageEnvelope::ResultsMeta).await;
    let token = sandbox.access_token(ADMIN, "tenant", None).await;

    let legacy = get_json(&sandbox, "/campaigns", &token).await;

    assert_eq!(legacy.as_array().unwrap().len(), 6);
}

#[tokio::test]
async fn control_endpoint_switches_envelope() {
    let sandbox = common::start().await;
    let token = sandbox.access_token(ADMIN, "tenant", None).await;

    let switched = sandbox
        .http
        .post(format!("{}/faults", sandbox.info().control_url))
        .header(CONTROL_TOKEN_HEADER, sandbox.sandbox.control_token())
        .json(&json!({ "kind": "pageEnvelope", "envelope": "dataHasNextPage" }))
        .send()
        .await
        .unwrap();
    let page = get_json(&sandbox, "/campaigns?page=2&limit=4", &token).await;

    assert_eq!(switched.status(), StatusCode::NO_CONTENT);
    assert_eq!(page["data"].as_array().unwrap().len(), 2);
    assert_eq!(page["total"], 6);
    assert_eq!(page["hasNextPage"], false);
}

#[tokio::test]
async fn clear_restores_configured_envelope() {
    let sandbox = common::start_with(|config| config.page_envelope = PageEnvelope::BareArray).await;
    let token = sandbox.access_token(ADMIN, "tenant", None).await;
    let faults = sandbox.sandbox.faults();

    faults.set_page_envelope(PageEnvelope::DataOnly).unwrap();
    let switched = get_json(&sandbox, "/campaigns?page=1&limit=4", &token).await;
    faults.clear();
    let restored = get_json(&sandbox, "/campaigns?page=1&limit=4", &token).await;

    assert_eq!(switched["limit"], 4);
    assert_eq!(restored.as_array().unwrap().len(), 4);
}

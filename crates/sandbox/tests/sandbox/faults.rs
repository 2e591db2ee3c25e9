//! Fault switches of the API server, through the control endpoint and the typed handle.

use std::time::Duration;

use pers_sandbox::{CONTROL_TOKEN_HEADER, Fault, Route};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{self, ADMIN, HARBOUR_CAMPAIGN_ID, TestSandbox, problem, storage_request};

fn control_url(sandbox: &TestSandbox, path: &str) -> String {
    format!("{}{path}", sandbox.info().control_url)
}

async fn post_fault(sandbox: &TestSandbox, fault: &Value) -> reqwest::Response {
    sandbox
        .http
        .post(control_url(sandbox, "/faults"))
        .header(CONTROL_TOKEN_HEADER, sandbox.sandbox.control_token())
        .json(fault)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn control_endpoint_needs_token() {
    let sandbox = common::start().await;
    let url = control_url(&sandbox, "/faults");

    let missing = sandbox.http.get(&url).send().await.unwrap();
    let wrong = sandbox
        .http
        .get(&url)
        .header(CONTROL_TOKEN_HEADER, "wrong")
        .send()
        .await
        .unwrap();

    let body = problem(missing, StatusCode::UNAUTHORIZED).await;
    assert_eq!(body["code"], "CONTROL_TOKEN_REQUIRED");
    problem(wrong, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn fail_next_over_http() {
    let sandbox = common::start().await;
    let fault = json!({
        "kind": "failNext",
        "route": { "method": "GET", "path": "/v2/tokens" },
        "count": 2,
        "status": 503,
        "retryAfterSecs": 7,
    });
    assert_eq!(
        post_fault(&sandbox, &fault).await.status(),
        StatusCode::NO_CONTENT
    );

    for _ in 0..2 {
        let response = sandbox.get("/tokens", None).await;
        assert_eq!(response.headers()["retry-after"], "7");
        let body = problem(response, StatusCode::SERVICE_UNAVAILABLE).await;
        assert_eq!(body["code"], "SANDBOX_FAULT");
        assert_eq!(body["retryable"], true);
    }
    assert_eq!(sandbox.get("/tokens", None).await.status(), StatusCode::OK);
    assert_eq!(
        sandbox.get("/campaigns", None).await.status(),
        StatusCode::OK,
        "other routes are not affected"
    );
}

#[tokio::test]
async fn invalid_fault_is_rejected() {
    let sandbox = common::start().await;
    let fault =
        json!({ "kind": "failNext", "route": { "path": "/v2/tokens" }, "count": 1, "status": 200 });

    let response = post_fault(&sandbox, &fault).await;

    let body = problem(response, StatusCode::BAD_REQUEST).await;
    assert!(
        body["detail"].as_str().unwrap().contains("400 to 599"),
        "{body}"
    );
}

#[tokio::test]
async fn oversized_fault_values_are_rejected() {
    let sandbox = common::start().await;
    let faults = [
        (
            json!({ "kind": "tokenTtl", "accessSecs": u64::MAX, "refreshSecs": 60 }),
            "a year",
        ),
        (
            json!({ "kind": "latency", "route": { "path": "/v2/tokens" }, "millis": u64::MAX }),
            "10 minutes",
        ),
    ];

    for (fault, reason) in faults {
        let response = post_fault(&sandbox, &fault).await;
        let body = problem(response, StatusCode::BAD_REQUEST).await;
        assert!(body["detail"].as_str().unwrap().contains(reason), "{body}");
    }
}

#[tokio::test]
async fn active_faults_are_listed_and_cleared() {
    let sandbox = common::start().await;
    let faults = sandbox.sandbox.faults();
    faults.fail_next(Route::get("/v2/tokens"), 3, 502).unwrap();

    let listed = faults.active();
    assert!(listed.contains(&Fault::FailNext {
        route: Route::get("/v2/tokens"),
        count: 3,
        status: 502,
        retry_after_secs: None,
    }));
    let over_http: Value = sandbox
        .http
        .get(control_url(&sandbox, "/faults"))
        .header(CONTROL_TOKEN_HEADER, sandbox.sandbox.control_token())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        over_http
            .as_array()
            .unwrap()
            .iter()
            .any(|fault| fault["kind"] == "failNext")
    );

    faults.clear();
    assert_eq!(sandbox.get("/tokens", None).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn latency_delays_responses() {
    let sandbox = common::start().await;
    let faults = sandbox.sandbox.faults();
    faults
        .add_latency(Route::any_method("/v2/*"), Duration::from_secs(5))
        .unwrap();
    let impatient = sandbox
        .http
        .get(format!("{}/tokens", sandbox.info().base_url))
        .header("x-project-key", &sandbox.info().project_key)
        .timeout(Duration::from_millis(300));

    let error = impatient.send().await.unwrap_err();

    assert!(error.is_timeout(), "got {error}");
    faults.clear();
    assert_eq!(sandbox.get("/tokens", None).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn dropped_connection_cuts_body() {
    let sandbox = common::start().await;
    let faults = sandbox.sandbox.faults();
    faults.drop_connection(Route::get("/v2/tokens"), 1).unwrap();

    let response = sandbox.get("/tokens", None).await;
    assert_eq!(response.status(), StatusCode::OK, "headers arrive");
    let body = response.bytes().await;

    assert!(
        body.is_err(),
        "the body must fail, got {} bytes",
        body.map_or(0, |b| b.len())
    );
    let whole: Value = sandbox.get("/tokens", None).await.json().await.unwrap();
    assert!(whole.is_array(), "the next request is whole");
}

#[tokio::test]
async fn rate_limit_answers_429() {
    let sandbox = common::start().await;
    let faults = sandbox.sandbox.faults();
    faults.set_rate_limit(3, Duration::from_secs(3600)).unwrap();

    for _ in 0..3 {
        assert_eq!(sandbox.get("/tokens", None).await.status(), StatusCode::OK);
    }
    let limited = sandbox.get("/tokens", None).await;

    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (1..=3600).contains(&retry_after),
        "Retry-After {retry_after}"
    );
    let body = problem(limited, StatusCode::TOO_MANY_REQUESTS).await;
    assert_eq!(body["code"], "RATE_LIMIT_EXCEEDED");
    assert_eq!(body["retryable"], true);
    let other_key = sandbox
        .http
        .get(format!("{}/tokens", sandbox.info().base_url))
        .header("x-project-key", "pk_test_other")
        .send()
        .await
        .unwrap();
    assert_eq!(
        other_key.status(),
        StatusCode::UNAUTHORIZED,
        "another key has its own count, and is then rejected as unknown"
    );
}

#[tokio::test]
async fn default_rate_limit_is_documented_value() {
    let sandbox = common::start().await;
    let active = sandbox.sandbox.faults().active();
    assert!(active.contains(&Fault::RateLimit {
        limit: 10_000,
        window_secs: 3600,
    }));
}

#[tokio::test]
async fn shortened_signed_url_lifetime() {
    let sandbox = common::start().await;
    sandbox
        .sandbox
        .faults()
        .expire_signed_urls_after(Duration::from_secs(1))
        .unwrap();
    let admin = sandbox.access_token(ADMIN, "tenant", None).await;
    let request = storage_request("campaign", HARBOUR_CAMPAIGN_ID, "PUT", "png", "short");

    let url = url::Url::parse(&sandbox.signed_url(&admin, &request).await).unwrap();

    let expires = url.query_pairs().find(|(key, _)| key == "X-Amz-Expires");
    assert_eq!(expires.unwrap().1, "1");
}

#[tokio::test]
async fn shortened_token_lifetimes() {
    let sandbox = common::start().await;
    sandbox
        .sandbox
        .faults()
        .set_token_lifetimes(Duration::from_secs(5), Duration::from_secs(9))
        .unwrap();

    let (access, refresh) = sandbox.session(ADMIN, "tenant", None).await;

    let access = common::jwt_claims(&access);
    let refresh = common::jwt_claims(&refresh);
    assert_eq!(
        access["exp"].as_u64().unwrap() - access["iat"].as_u64().unwrap(),
        5
    );
    assert_eq!(
        refresh["exp"].as_u64().unwrap() - refresh["iat"].as_u64().unwrap(),
        9
    );
}

//! `POST /v2/auth/refresh`: single-use refresh tokens and strict refresh.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{self, ADMIN, BARISTA, problem};

async fn refresh(sandbox: &common::TestSandbox, body: &Value) -> reqwest::Response {
    sandbox.post("/auth/refresh", None, body).await
}

#[tokio::test]
async fn refresh_token_is_single_use() {
    let sandbox = common::start().await;
    let (_, refresh_token) = sandbox.session(ADMIN, "tenant", None).await;
    let body = json!({ "refreshToken": refresh_token });

    let first = refresh(&sandbox, &body).await;
    assert_eq!(first.status(), StatusCode::OK);
    let next: Value = first.json().await.unwrap();
    let second = problem(refresh(&sandbox, &body).await, StatusCode::UNAUTHORIZED).await;

    assert_eq!(second["code"], "REFRESH_TOKEN_REUSED");
    assert!(
        second["detail"].as_str().unwrap().contains("sign in again"),
        "{second}"
    );
    assert_ne!(next["refreshToken"].as_str(), Some(refresh_token.as_str()));
    let rotated = json!({ "refreshToken": next["refreshToken"] });
    assert_eq!(refresh(&sandbox, &rotated).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn concurrent_reuse_succeeds_once() {
    let sandbox = common::start().await;
    let (_, refresh_token) = sandbox.session(ADMIN, "tenant", None).await;
    let body = json!({ "refreshToken": refresh_token });

    let (first, second) = tokio::join!(refresh(&sandbox, &body), refresh(&sandbox, &body));

    let mut statuses = [first.status(), second.status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::UNAUTHORIZED]);
}

#[tokio::test]
async fn lax_refresh_ignores_access_token() {
    let sandbox = common::start().await;
    let (_, refresh_token) = sandbox.session(ADMIN, "tenant", None).await;
    let body = json!({ "refreshToken": refresh_token, "accessToken": "not-a-token" });

    assert_eq!(refresh(&sandbox, &body).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn strict_refresh_needs_access_token() {
    let sandbox = common::start_with(|config| config.strict_refresh = true).await;
    let (_, refresh_token) = sandbox.session(ADMIN, "tenant", None).await;

    let body = json!({ "refreshToken": refresh_token });
    let missing = problem(refresh(&sandbox, &body).await, StatusCode::BAD_REQUEST).await;

    assert_eq!(missing["code"], "VALIDATION_ERROR");
    assert_eq!(missing["target"], "accessToken");
}

#[tokio::test]
async fn strict_refresh_accepts_both_tokens() {
    let sandbox = common::start_with(|config| config.strict_refresh = true).await;
    let (access_token, refresh_token) = sandbox.session(ADMIN, "tenant", None).await;

    let body = json!({ "refreshToken": refresh_token, "accessToken": access_token });
    let response = refresh(&sandbox, &body).await;

    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn strict_refresh_rejects_other_session() {
    let sandbox = common::start().await;
    sandbox.sandbox.faults().set_strict_refresh(true).unwrap();
    let (_, refresh_token) = sandbox.session(ADMIN, "tenant", None).await;
    let other_access = sandbox.access_token(BARISTA, "business", None).await;

    let body = json!({ "refreshToken": refresh_token, "accessToken": other_access });
    let mismatched = problem(refresh(&sandbox, &body).await, StatusCode::UNAUTHORIZED).await;
    let garbage = json!({ "refreshToken": refresh_token, "accessToken": "not-a-token" });
    let invalid = problem(refresh(&sandbox, &garbage).await, StatusCode::UNAUTHORIZED).await;

    assert_eq!(mismatched["code"], "INVALID_ACCESS_TOKEN");
    assert_eq!(invalid["code"], "INVALID_ACCESS_TOKEN");
}

#[tokio::test]
async fn rejected_strict_refresh_keeps_token() {
    let sandbox = common::start_with(|config| config.strict_refresh = true).await;
    let (access_token, refresh_token) = sandbox.session(ADMIN, "tenant", None).await;

    let without = json!({ "refreshToken": refresh_token });
    let rejected = refresh(&sandbox, &without).await;
    let with = json!({ "refreshToken": refresh_token, "accessToken": access_token });
    let accepted = refresh(&sandbox, &with).await;

    assert_eq!(rejected.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        accepted.status(),
        StatusCode::OK,
        "a rejected request does not use the refresh token up"
    );
}

#[tokio::test]
async fn strict_refresh_switch_is_listed() {
    let sandbox = common::start().await;
    let faults = sandbox.sandbox.faults();

    faults.set_strict_refresh(true).unwrap();
    let on = faults.active();
    faults.clear();
    let cleared = faults.active();

    assert!(on.contains(&pers_sandbox::Fault::StrictRefresh { enabled: true }));
    assert!(cleared.contains(&pers_sandbox::Fault::StrictRefresh { enabled: false }));
}

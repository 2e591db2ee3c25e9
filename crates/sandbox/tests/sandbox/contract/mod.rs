//! Contract tests: the sandbox's JSON field names and types against the documented shapes of
//! every endpoint the asset manager uses.

mod shape;
mod shapes;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{
    self, ADMIN, BARISTA, HARBOUR_ID, MANAGER, REDEMPTION_ID, TENANT_ID, TestSandbox, problem,
    storage_request,
};
use shapes::{
    BUSINESS, CAMPAIGN, PROBLEM, REDEMPTION, REDEMPTION_TYPE, SIGNED_URL, TENANT, TOKEN,
    TOKEN_PAIR, USER,
};

/// GETs `/v2{path}` with `token` and returns the JSON body, asserting 200.
async fn get_json(sandbox: &TestSandbox, path: &str, token: &str) -> Value {
    let response = sandbox.get(path, Some(token)).await;
    assert_eq!(response.status(), StatusCode::OK, "GET {path}");
    response.json().await.unwrap()
}

async fn admin_token(sandbox: &TestSandbox) -> String {
    sandbox.access_token(ADMIN, "tenant", None).await
}

#[tokio::test]
async fn auth_token_shape() {
    let sandbox = common::start().await;
    for (email, auth_type) in [(ADMIN, "tenant"), (BARISTA, "business")] {
        let response = sandbox.create_token(email, auth_type, None).await;
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        TOKEN_PAIR.assert_matches(&body, &format!("POST /auth/token as {auth_type}"));
    }
}

#[tokio::test]
async fn auth_refresh_shape() {
    let sandbox = common::start().await;
    let (access_token, refresh_token) = sandbox.session(ADMIN, "tenant", None).await;
    let body = json!({ "accessToken": access_token, "refreshToken": refresh_token });

    let response = sandbox.post("/auth/refresh", None, &body).await;

    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    TOKEN_PAIR.assert_matches(&body, "POST /auth/refresh");
}

#[tokio::test]
async fn campaigns_bare_array_shape() {
    let sandbox = common::start().await;
    let token = admin_token(&sandbox).await;

    let body = get_json(&sandbox, "/campaigns", &token).await;

    assert!(
        body.is_array(),
        "without page and limit: the legacy bare array"
    );
    CAMPAIGN.assert_items_match(&body, "GET /campaigns");
}

#[tokio::test]
async fn campaigns_paginated_shape() {
    let sandbox = common::start().await;
    let token = admin_token(&sandbox).await;

    let body = get_json(&sandbox, "/campaigns?page=1&limit=2", &token).await;

    // The envelope's field names are not documented; the sandbox uses `data` and
    // `pagination`, two of the names the client accepts.
    assert!(body.is_object(), "with page and limit: a paginated object");
    assert!(body["pagination"].is_object(), "{body}");
    CAMPAIGN.assert_items_match(&body["data"], "GET /campaigns?page=1&limit=2");
    assert_eq!(body["data"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn business_campaigns_shape() {
    let sandbox = common::start().await;
    let token = sandbox.access_token(BARISTA, "business", None).await;

    let body = get_json(&sandbox, "/campaigns?page=1&limit=50", &token).await;

    CAMPAIGN.assert_items_match(&body["data"], "GET /campaigns as business");
}

#[tokio::test]
async fn tokens_shape() {
    let sandbox = common::start().await;
    let token = admin_token(&sandbox).await;
    for path in ["/tokens", "/tokens?active=false"] {
        let body = get_json(&sandbox, path, &token).await;
        TOKEN.assert_items_match(&body, &format!("GET {path}"));
    }
}

#[tokio::test]
async fn business_me_shape() {
    let sandbox = common::start().await;
    let token = sandbox.access_token(BARISTA, "business", None).await;

    let body = get_json(&sandbox, "/businesses/me", &token).await;

    BUSINESS.assert_matches(&body, "GET /businesses/me");
    assert_eq!(body["id"], HARBOUR_ID);
}

#[tokio::test]
async fn business_by_id_shape() {
    let sandbox = common::start().await;
    let token = admin_token(&sandbox).await;

    let body = get_json(&sandbox, &format!("/businesses/{HARBOUR_ID}"), &token).await;

    BUSINESS.assert_matches(&body, "GET /businesses/{id}");
}

#[tokio::test]
async fn tenant_business_list_shape() {
    let sandbox = common::start().await;
    let token = admin_token(&sandbox).await;

    let body = get_json(&sandbox, "/businesses", &token).await;

    BUSINESS.assert_items_match(&body, "GET /businesses");
}

#[tokio::test]
async fn redemptions_shape() {
    let sandbox = common::start().await;
    let token = admin_token(&sandbox).await;

    let list = get_json(&sandbox, "/redemptions", &token).await;
    let one = get_json(&sandbox, &format!("/redemptions/{REDEMPTION_ID}"), &token).await;

    REDEMPTION.assert_items_match(&list, "GET /redemptions");
    REDEMPTION.assert_matches(&one, "GET /redemptions/{id}");
    REDEMPTION_TYPE.assert_matches(&one["type"], "GET /redemptions/{id} type");
    for (index, item) in list.as_array().unwrap().iter().enumerate() {
        if let Some(kind) = item.get("type") {
            REDEMPTION_TYPE.assert_matches(kind, &format!("GET /redemptions[{index}].type"));
        }
    }
}

#[tokio::test]
async fn tenant_shape() {
    let sandbox = common::start().await;
    let token = admin_token(&sandbox).await;

    let by_id = get_json(&sandbox, &format!("/tenants/{TENANT_ID}"), &token).await;
    let public = get_json(&sandbox, "/tenants/public", &token).await;

    TENANT.assert_matches(&by_id, "GET /tenants/{id}");
    TENANT.assert_matches(&public, "GET /tenants/public");
    assert_eq!(by_id["id"], TENANT_ID);
}

#[tokio::test]
async fn users_shape() {
    let sandbox = common::start().await;
    let token = admin_token(&sandbox).await;

    let bare = get_json(&sandbox, "/users", &token).await;
    let paged = get_json(&sandbox, "/users?page=1&limit=50", &token).await;

    USER.assert_items_match(&bare, "GET /users");
    USER.assert_items_match(&paged["data"], "GET /users?page=1&limit=50");
}

#[tokio::test]
async fn storage_url_shape() {
    let sandbox = common::start().await;
    let token = admin_token(&sandbox).await;
    for url_type in ["PUT", "GET"] {
        let request = storage_request("tenant", TENANT_ID, url_type, "png", "logo");

        let response = sandbox.storage_url_response(&token, &request).await;

        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        SIGNED_URL.assert_matches(&body, &format!("POST /files/entity-storage-url {url_type}"));
    }
}

#[tokio::test]
async fn problem_shapes() {
    let sandbox = common::start().await;
    let token = admin_token(&sandbox).await;

    let not_found = sandbox.get("/no-such-operation", Some(&token)).await;
    let not_found = problem(not_found, StatusCode::NOT_FOUND).await;
    PROBLEM.assert_matches(&not_found, "404 problem");

    let invalid = storage_request("galaxy", TENANT_ID, "PUT", "png", "logo");
    let invalid = sandbox.storage_url_response(&token, &invalid).await;
    let invalid = problem(invalid, StatusCode::BAD_REQUEST).await;
    PROBLEM.assert_matches(&invalid, "validation problem");
    assert_eq!(invalid["target"], "entityType");

    let unauthorized = sandbox.get("/users", None).await;
    let unauthorized = problem(unauthorized, StatusCode::UNAUTHORIZED).await;
    PROBLEM.assert_matches(&unauthorized, "401 problem");
}

#[tokio::test]
async fn business_selection_problem_shape() {
    let sandbox = common::start().await;

    let response = sandbox.create_token(MANAGER, "business", None).await;

    // The status and the options payload are not documented; the common problem fields are.
    let body = problem(response, StatusCode::CONFLICT).await;
    PROBLEM.assert_matches(&body, "MULTIPLE_CONTEXT_SELECTION_REQUIRED");
    assert_eq!(body["code"], "MULTIPLE_CONTEXT_SELECTION_REQUIRED");
    assert!(body["details"]["options"].is_array(), "{body}");
}

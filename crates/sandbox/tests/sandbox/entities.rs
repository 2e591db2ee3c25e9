//! Redemptions, the tenant, users and the business list: listing, role rules and updates.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{
    self, ADMIN, BARISTA, HARBOUR_ID, REDEMPTION_ID, TENANT_ID, TestSandbox, problem,
};

async fn put(
    sandbox: &TestSandbox,
    path: &str,
    bearer: Option<&str>,
    body: &Value,
) -> reqwest::Response {
    let mut request = sandbox
        .http
        .put(format!("{}{path}", sandbox.info().base_url))
        .header("x-project-key", &sandbox.info().project_key)
        .json(body);
    if let Some(token) = bearer {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

async fn json_of(response: reqwest::Response) -> Value {
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

#[tokio::test]
async fn redemptions_role_rules() {
    let sandbox = common::start().await;
    let admin = sandbox.access_token(ADMIN, "tenant", None).await;
    let staff = sandbox.access_token(BARISTA, "business", None).await;

    let all = json_of(sandbox.get("/redemptions", Some(&admin)).await).await;
    let active = json_of(sandbox.get("/redemptions", Some(&staff)).await).await;
    let public = json_of(sandbox.get("/redemptions", None).await).await;

    assert_eq!(all.as_array().unwrap().len(), 3);
    assert!(
        all.as_array()
            .unwrap()
            .iter()
            .any(|r| r["isActive"] == false)
    );
    assert_eq!(active.as_array().unwrap().len(), 2);
    assert!(
        active
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["isActive"] == true)
    );
    assert_eq!(public, active);
}

#[tokio::test]
async fn redemptions_paginate() {
    let sandbox = common::start().await;
    let admin = sandbox.access_token(ADMIN, "tenant", None).await;

    let page = json_of(
        sandbox
            .get("/redemptions?page=2&limit=2", Some(&admin))
            .await,
    )
    .await;

    assert_eq!(page["data"].as_array().unwrap().len(), 1);
    assert_eq!(page["pagination"]["total"], 3);
    assert_eq!(page["pagination"]["totalPages"], 2);
    assert_eq!(page["pagination"]["hasNext"], false);
}

#[tokio::test]
async fn redemption_by_id_and_type_image() {
    let sandbox = common::start().await;

    let redemption = json_of(
        sandbox
            .get(&format!("/redemptions/{REDEMPTION_ID}"), None)
            .await,
    )
    .await;
    let missing = sandbox.get("/redemptions/nope", None).await;

    assert_eq!(redemption["id"], REDEMPTION_ID);
    assert!(
        redemption["type"]["imageUrl"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    let body = problem(missing, StatusCode::NOT_FOUND).await;
    assert_eq!(body["code"], "REDEMPTION_NOT_FOUND");
}

#[tokio::test]
async fn redemption_image_update_persists() {
    let sandbox = common::start().await;
    let admin = sandbox.access_token(ADMIN, "tenant", None).await;
    let staff = sandbox.access_token(BARISTA, "business", None).await;
    let path = format!("/redemptions/{REDEMPTION_ID}");
    let image = "http://127.0.0.1:9/new.png";

    let denied = put(&sandbox, &path, Some(&staff), &json!({ "imageUrl": image })).await;
    let invalid = put(
        &sandbox,
        &path,
        Some(&admin),
        &json!({ "imageUrl": "ftp://x/y" }),
    )
    .await;
    let updated =
        json_of(put(&sandbox, &path, Some(&admin), &json!({ "imageUrl": image })).await).await;

    assert_eq!(
        problem(denied, StatusCode::FORBIDDEN).await["code"],
        "TENANT_ADMIN_REQUIRED"
    );
    assert_eq!(
        problem(invalid, StatusCode::BAD_REQUEST).await["target"],
        "imageUrl"
    );
    assert_eq!(updated["imageUrl"], image);
    let read_back = json_of(sandbox.get(&path, None).await).await;
    assert_eq!(read_back["imageUrl"], image);
    let seed = std::fs::read_to_string(sandbox.dir.path().join("seed.json")).unwrap();
    assert!(seed.contains(image), "the update is saved to the data dir");
}

#[tokio::test]
async fn tenant_public_and_full() {
    let sandbox = common::start().await;
    let admin = sandbox.access_token(ADMIN, "tenant", None).await;

    let public = json_of(sandbox.get("/tenants/public", None).await).await;
    let by_id_public = json_of(sandbox.get(&format!("/tenants/{TENANT_ID}"), None).await).await;
    let full = json_of(
        sandbox
            .get(&format!("/tenants/{TENANT_ID}"), Some(&admin))
            .await,
    )
    .await;
    let other = sandbox.get("/tenants/other", Some(&admin)).await;

    assert_eq!(public["id"], TENANT_ID);
    assert!(public["projectImageUrl"].is_string());
    assert!(public.get("projectEmail").is_none(), "public info only");
    assert_eq!(by_id_public, public);
    assert!(full["projectEmail"].is_string());
    assert!(full["createdAt"].is_string());
    problem(other, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn tenant_image_update() {
    let sandbox = common::start().await;
    let admin = sandbox.access_token(ADMIN, "tenant", None).await;
    let image = "https://cdn.example.test/logo.png";

    let anonymous = put(
        &sandbox,
        "/tenants",
        None,
        &json!({ "projectImageUrl": image }),
    )
    .await;
    let updated = json_of(
        put(
            &sandbox,
            "/tenants",
            Some(&admin),
            &json!({ "projectImageUrl": image }),
        )
        .await,
    )
    .await;

    problem(anonymous, StatusCode::UNAUTHORIZED).await;
    assert_eq!(updated["projectImageUrl"], image);
    assert_eq!(
        updated["projectName"], "Demo Coffee Collective",
        "other fields are kept"
    );
    let public = json_of(sandbox.get("/tenants/public", None).await).await;
    assert_eq!(public["projectImageUrl"], image);
}

#[tokio::test]
async fn users_admin_only_and_paged() {
    let sandbox = common::start().await;
    let admin = sandbox.access_token(ADMIN, "tenant", None).await;
    let staff = sandbox.access_token(BARISTA, "business", None).await;

    let bare = json_of(sandbox.get("/users", Some(&admin)).await).await;
    let page = json_of(sandbox.get("/users?page=1&limit=1", Some(&admin)).await).await;
    let denied = sandbox.get("/users", Some(&staff)).await;

    assert_eq!(bare.as_array().unwrap().len(), 2);
    assert!(bare[0]["firstName"].is_string());
    assert_eq!(page["data"].as_array().unwrap().len(), 1);
    assert_eq!(page["pagination"]["hasNext"], true);
    problem(denied, StatusCode::FORBIDDEN).await;
}

#[tokio::test]
async fn business_list_for_admins() {
    let sandbox = common::start().await;
    let admin = sandbox.access_token(ADMIN, "tenant", None).await;
    let staff = sandbox.access_token(BARISTA, "business", None).await;

    let all = json_of(sandbox.get("/businesses", Some(&admin)).await).await;
    let denied = sandbox.get("/businesses", Some(&staff)).await;

    assert_eq!(all.as_array().unwrap().len(), 2);
    assert!(
        all.as_array()
            .unwrap()
            .iter()
            .any(|b| b["id"] == HARBOUR_ID)
    );
    problem(denied, StatusCode::FORBIDDEN).await;
}

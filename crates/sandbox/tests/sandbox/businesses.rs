//! `GET /v2/businesses/me` and `GET /v2/businesses/{id}`.

use reqwest::StatusCode;
use serde_json::Value;

use crate::common::{self, ADMIN, BARISTA, HARBOUR_ID, NORTHSIDE_ID, problem};

#[tokio::test]
async fn me_returns_business_dto() {
    let sandbox = common::start().await;
    let token = sandbox.access_token(BARISTA, "business", None).await;
    let business: Value = sandbox
        .get("/businesses/me", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    for field in [
        "id",
        "displayName",
        "businessLegalName",
        "description",
        "email",
        "website",
        "imageUrl",
        "accountAddress",
    ] {
        assert!(
            business[field].is_string(),
            "business field {field} must be a string"
        );
    }
    assert_eq!(business["isActive"], true);
}

#[tokio::test]
async fn me_needs_business_session() {
    let sandbox = common::start().await;
    let token = sandbox.access_token(ADMIN, "tenant", None).await;
    let body = problem(
        sandbox.get("/businesses/me", Some(&token)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("business session")
    );

    problem(
        sandbox.get("/businesses/me", None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
}

#[tokio::test]
async fn by_id_access_rules() {
    let sandbox = common::start().await;
    let admin = sandbox.access_token(ADMIN, "tenant", None).await;
    let staff = sandbox.access_token(BARISTA, "business", None).await;

    let own = sandbox
        .get(&format!("/businesses/{HARBOUR_ID}"), Some(&staff))
        .await;
    assert_eq!(own.status(), StatusCode::OK);
    let other = sandbox
        .get(&format!("/businesses/{NORTHSIDE_ID}"), Some(&staff))
        .await;
    problem(other, StatusCode::FORBIDDEN).await;

    let any = sandbox
        .get(&format!("/businesses/{NORTHSIDE_ID}"), Some(&admin))
        .await;
    assert_eq!(any.status(), StatusCode::OK);
    let unknown = sandbox
        .get(
            "/businesses/00000000-0000-4000-8000-000000000000",
            Some(&admin),
        )
        .await;
    problem(unknown, StatusCode::NOT_FOUND).await;
}

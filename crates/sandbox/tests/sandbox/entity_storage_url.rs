//! `POST /v2/files/entity-storage-url`: authorization and validation.

use reqwest::StatusCode;
use serde_json::json;

use crate::common::{
    self, ADMIN, BARISTA, HARBOUR_CAMPAIGN_ID, HARBOUR_ID, NORTHSIDE_CAMPAIGN_ID, NORTHSIDE_ID,
    REDEMPTION_ID, TENANT_ID, TOKEN_ID, problem, storage_request,
};

#[tokio::test]
async fn business_limited_to_own_entities() {
    let sandbox = common::start().await;
    let staff = sandbox.access_token(BARISTA, "business", None).await;

    let forbidden = [
        ("campaign", NORTHSIDE_CAMPAIGN_ID),
        ("business", NORTHSIDE_ID),
        ("tenant", TENANT_ID),
        ("redemption", REDEMPTION_ID),
    ];
    for (entity_type, id) in forbidden {
        let body = storage_request(entity_type, id, "PUT", "png", "logo");
        let response = sandbox.storage_url_response(&staff, &body).await;
        let problem_body = problem(response, StatusCode::FORBIDDEN).await;
        assert_eq!(problem_body["category"], "SECURITY", "{entity_type}");
    }

    let allowed = [
        ("campaign", HARBOUR_CAMPAIGN_ID),
        ("business", HARBOUR_ID),
        ("token", TOKEN_ID),
    ];
    for (entity_type, id) in allowed {
        let url = sandbox
            .signed_url(
                &staff,
                &storage_request(entity_type, id, "PUT", "png", "logo"),
            )
            .await;
        let expected = format!("/entities/{entity_type}/{id}/logo.png?");
        assert!(url.contains(&expected), "{url} must address {expected}");
    }
}

#[tokio::test]
async fn tenant_may_sign_any_entity() {
    let sandbox = common::start().await;
    let admin = sandbox.access_token(ADMIN, "tenant", None).await;
    for (entity_type, id) in [
        ("campaign", NORTHSIDE_CAMPAIGN_ID),
        ("tenant", TENANT_ID),
        ("redemption", REDEMPTION_ID),
        ("user", "dc68560d-d1d3-4bbd-ad0b-d990eee28dd5"),
    ] {
        sandbox
            .signed_url(
                &admin,
                &storage_request(entity_type, id, "GET", "jpg", "cover"),
            )
            .await;
    }
}

#[tokio::test]
async fn requires_bearer() {
    let sandbox = common::start().await;
    let body = storage_request("campaign", HARBOUR_CAMPAIGN_ID, "PUT", "png", "logo");
    let response = sandbox.post("/files/entity-storage-url", None, &body).await;
    problem(response, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn invalid_fields_are_rejected() {
    let sandbox = common::start().await;
    let admin = sandbox.access_token(ADMIN, "tenant", None).await;
    let cases = [
        (
            storage_request("coupon", HARBOUR_ID, "PUT", "png", "a"),
            "entityType",
        ),
        (
            storage_request("business", HARBOUR_ID, "POST", "png", "a"),
            "signedUrlType",
        ),
        (
            storage_request("business", HARBOUR_ID, "PUT", "", "a"),
            "fileExtension",
        ),
        (
            storage_request("business", HARBOUR_ID, "PUT", "p/g", "a"),
            "fileExtension",
        ),
        (
            storage_request("business", HARBOUR_ID, "PUT", "abcdefghijk", "a"),
            "fileExtension",
        ),
        (
            storage_request("business", HARBOUR_ID, "PUT", "png", "a/b"),
            "fileName",
        ),
        (
            storage_request("business", HARBOUR_ID, "PUT", "png", "a\\b"),
            "fileName",
        ),
        (
            storage_request("business", HARBOUR_ID, "PUT", "png", ".."),
            "fileName",
        ),
        (
            storage_request("business", HARBOUR_ID, "PUT", "png", "a\u{1}b"),
            "fileName",
        ),
        (
            storage_request("business", HARBOUR_ID, "PUT", "png", &"a".repeat(201)),
            "fileName",
        ),
    ];
    for (body, target) in cases {
        let response = sandbox.storage_url_response(&admin, &body).await;
        let problem_body = problem(response, StatusCode::BAD_REQUEST).await;
        assert_eq!(problem_body["category"], "VALIDATION", "{body}");
        assert_eq!(problem_body["target"], target, "{body}");
    }
}

#[tokio::test]
async fn unknown_entity_is_not_found() {
    let sandbox = common::start().await;
    let admin = sandbox.access_token(ADMIN, "tenant", None).await;
    let body = storage_request(
        "campaign",
        "00000000-0000-4000-8000-000000000000",
        "PUT",
        "png",
        "a",
    );
    problem(
        sandbox.storage_url_response(&admin, &body).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn extension_dot_stripped_and_name_generated() {
    let sandbox = common::start().await;
    let admin = sandbox.access_token(ADMIN, "tenant", None).await;
    let body = json!({
        "entityType": "business",
        "entityId": HARBOUR_ID,
        "signedUrlType": "PUT",
        "fileExtension": ".png",
    });
    let url = sandbox.signed_url(&admin, &body).await;
    let path = url.split('?').next().unwrap();
    let file = path.rsplit('/').next().unwrap();
    let name = file
        .strip_suffix(".png")
        .expect("the extension is appended once, without a second dot");
    assert!(
        uuid::Uuid::parse_str(name).is_ok(),
        "a missing fileName becomes a uuid, got {name}"
    );
}

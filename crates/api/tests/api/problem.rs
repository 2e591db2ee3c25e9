//! Error bodies: RFC 7807 problems, partial problems, and bodies that are not JSON.

use pers_api::ApiError;
use serde_json::json;

use crate::support::Reply;
use crate::{client_for, server_replying, tenant_session};

async fn campaigns_error(reply: Reply) -> ApiError {
    let server = server_replying(reply).await;
    let client = client_for(&server);
    let session = tenant_session(&client).await;
    client.list_campaigns(&session).await.unwrap_err()
}

#[tokio::test]
async fn full_problem_body_is_typed() {
    let body = json!({
        "status": 422, "title": "Unprocessable", "detail": "Campaign has ended",
        "message": "ignored because detail is present", "code": "CAMPAIGN_ENDED",
        "category": "DOMAIN_RULE", "correlationId": "pers-abc123", "retryable": true,
        "timestamp": "2026-01-01T00:00:00Z"
    });
    let error = campaigns_error(Reply::problem(422, &body)).await;

    let ApiError::Problem {
        status,
        code,
        title,
        detail,
        correlation_id,
        retryable,
        path,
    } = &error
    else {
        panic!("expected a problem, got {error:?}");
    };
    assert_eq!(*status, 422);
    assert_eq!(code.as_deref(), Some("CAMPAIGN_ENDED"));
    assert_eq!(title.as_deref(), Some("Unprocessable"));
    assert_eq!(detail.as_deref(), Some("Campaign has ended"));
    assert_eq!(correlation_id.as_deref(), Some("pers-abc123"));
    assert_eq!(
        *retryable,
        Some(true),
        "an explicit retryable wins over the category"
    );
    assert_eq!(path, "/campaigns");
    assert_eq!(error.status(), Some(422));
    assert_eq!(error.code(), Some("CAMPAIGN_ENDED"));

    let message = error.to_string();
    assert!(message.contains("/campaigns"), "{message}");
    assert!(message.contains("422"), "{message}");
    assert!(message.contains("Campaign has ended"), "{message}");
    assert!(message.contains("pers-abc123"), "{message}");
}

#[tokio::test]
async fn minimal_problem_uses_message() {
    let error = campaigns_error(Reply::json(503, &json!({ "message": "Try later" }))).await;

    let ApiError::Problem {
        status,
        code,
        detail,
        retryable,
        correlation_id,
        ..
    } = &error
    else {
        panic!("expected a problem, got {error:?}");
    };
    assert_eq!(
        *status, 503,
        "the HTTP status is used when the body has none"
    );
    assert_eq!(
        detail.as_deref(),
        Some("Try later"),
        "detail falls back to message"
    );
    assert_eq!(*code, None);
    assert_eq!(*retryable, None);
    assert_eq!(*correlation_id, None);
}

#[tokio::test]
async fn category_without_retryable_means_not_retryable() {
    let body = json!({ "code": "INVALID_LIMIT", "category": "VALIDATION" });
    let error = campaigns_error(Reply::problem(400, &body)).await;

    let ApiError::Problem { retryable, .. } = error else {
        panic!("expected a problem");
    };
    assert_eq!(retryable, Some(false));
}

#[tokio::test]
async fn html_page_is_unexpected_response() {
    let page = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
    let error = campaigns_error(Reply::new(502, "text/html", page)).await;

    let ApiError::UnexpectedResponse {
        status,
        path,
        excerpt,
    } = &error
    else {
        panic!("expected an unexpected response, got {error:?}");
    };
    assert_eq!(*status, 502);
    assert_eq!(path, "/campaigns");
    assert!(excerpt.contains("502 Bad Gateway"), "{excerpt}");
    let message = error.to_string();
    assert!(
        message.contains("/campaigns") && message.contains("502"),
        "{message}"
    );
}

#[tokio::test]
async fn empty_body_is_unexpected_response() {
    let error = campaigns_error(Reply::new(500, "application/json", "")).await;

    let ApiError::UnexpectedResponse {
        status, excerpt, ..
    } = &error
    else {
        panic!("expected an unexpected response, got {error:?}");
    };
    assert_eq!(*status, 500);
    assert_eq!(excerpt, "");
    assert!(error.to_string().contains("empty body"), "{error}");
}

#[tokio::test]
async fn truncated_error_json_is_unexpected_response() {
    let error = campaigns_error(Reply::new(500, "application/json", r#"{"status":500,"tit"#)).await;

    assert!(
        matches!(error, ApiError::UnexpectedResponse { status: 500, .. }),
        "got {error:?}"
    );
}

#[tokio::test]
async fn truncated_success_json_is_unexpected_response() {
    let error = campaigns_error(Reply::new(200, "application/json", r#"[{"id":"c1","na"#)).await;

    let ApiError::UnexpectedResponse {
        status, excerpt, ..
    } = &error
    else {
        panic!("expected an unexpected response, got {error:?}");
    };
    assert_eq!(*status, 200);
    assert!(excerpt.contains(r#"{"id":"c1""#), "{excerpt}");
}

#[tokio::test]
async fn long_body_excerpt_is_shortened() {
    let page = format!("<html>{}</html>", "x".repeat(10_000));
    let error = campaigns_error(Reply::new(500, "text/html", page)).await;

    let ApiError::UnexpectedResponse { excerpt, .. } = error else {
        panic!("expected an unexpected response");
    };
    assert!(
        excerpt.chars().count() <= 201,
        "excerpt has {} chars",
        excerpt.chars().count()
    );
}

#[tokio::test]
async fn json_without_problem_fields_is_unexpected_response() {
    let error = campaigns_error(Reply::json(500, &json!({ "unrelated": 1 }))).await;

    assert!(
        matches!(error, ApiError::UnexpectedResponse { .. }),
        "got {error:?}"
    );
}

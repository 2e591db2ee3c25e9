//! Problem bodies for unknown paths and methods.

use reqwest::StatusCode;

use crate::common::{self, problem};

#[tokio::test]
async fn unknown_path_is_problem() {
    let sandbox = common::start().await;
    let body = problem(
        sandbox.get("/no-such-operation", None).await,
        StatusCode::NOT_FOUND,
    )
    .await;

    assert_eq!(body["status"], 404);
    assert!(body["title"].is_string());
    assert!(body["detail"].is_string());
    assert_eq!(body["message"], body["detail"]);
    assert!(body["code"].is_string());
    assert!(body["category"].is_string());
    assert!(body["correlationId"].as_str().unwrap().starts_with("pers-"));
    assert_eq!(body["retryable"], false);
    assert!(body["timestamp"].is_string());
}

#[tokio::test]
async fn wrong_method_is_problem() {
    let sandbox = common::start().await;
    let url = format!("{}/campaigns", sandbox.info().base_url);
    let response = sandbox.http.delete(url).send().await.unwrap();
    problem(response, StatusCode::METHOD_NOT_ALLOWED).await;
}

/// 2 MiB, the API server's body limit.
const BODY_LIMIT: usize = 2 * 1024 * 1024;

fn oversized_body() -> Vec<u8> {
    let mut body = br#"{"authToken":""#.to_vec();
    body.resize(BODY_LIMIT + 1024, b'a');
    body.extend_from_slice(br#""}"#);
    body
}

#[tokio::test]
async fn oversized_body_is_413_problem() {
    let sandbox = common::start().await;
    let url = format!("{}/auth/token", sandbox.info().base_url);
    let response = sandbox
        .http
        .post(url)
        .header("x-project-key", &sandbox.info().project_key)
        .header("content-type", "application/json")
        .body(oversized_body())
        .send()
        .await
        .unwrap();

    let body = problem(response, StatusCode::PAYLOAD_TOO_LARGE).await;

    assert_eq!(body["code"], "PAYLOAD_TOO_LARGE");
    assert_eq!(body["status"], 413);
    let detail = body["detail"].as_str().unwrap();
    assert!(detail.contains(&BODY_LIMIT.to_string()), "{detail}");
}

#[tokio::test]
async fn oversized_chunked_body_is_413_problem() {
    let sandbox = common::start().await;
    let url = format!("{}/files/entity-storage-url", sandbox.info().base_url);
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = oversized_body()
        .chunks(64 * 1024)
        .map(|chunk| Ok(chunk.to_vec()))
        .collect();
    let stream = futures_util::stream::iter(chunks);
    let response = sandbox
        .http
        .post(url)
        .header("x-project-key", &sandbox.info().project_key)
        .body(reqwest::Body::wrap_stream(stream))
        .send()
        .await
        .unwrap();

    let body = problem(response, StatusCode::PAYLOAD_TOO_LARGE).await;

    assert_eq!(body["code"], "PAYLOAD_TOO_LARGE");
}

#[tokio::test]
async fn invalid_path_is_problem() {
    let sandbox = common::start().await;
    let token = sandbox.access_token(common::ADMIN, "tenant", None).await;

    let response = sandbox.get("/businesses/%FF%FE", Some(&token)).await;
    let body = problem(response, StatusCode::BAD_REQUEST).await;

    assert_eq!(body["code"], "INVALID_REQUEST");
    assert_eq!(body["category"], "VALIDATION");
}

#[tokio::test]
async fn oversized_value_is_not_echoed() {
    let sandbox = common::start().await;
    let token = sandbox.access_token(common::ADMIN, "tenant", None).await;
    let long_type = "t".repeat(100_000);
    let request = common::storage_request(&long_type, common::TENANT_ID, "PUT", "png", "logo");

    let response = sandbox.storage_url_response(&token, &request).await;
    let body = problem(response, StatusCode::BAD_REQUEST).await;

    let detail = body["detail"].as_str().unwrap();
    assert!(detail.len() < 400, "detail has {} bytes", detail.len());
    assert!(detail.contains("[truncated]"), "{detail}");
    assert!(detail.contains("100000 bytes"), "{detail}");
    assert_eq!(body["message"], body["detail"]);
}

#[tokio::test]
async fn oversized_path_id_is_not_echoed() {
    let sandbox = common::start().await;
    let token = sandbox.access_token(common::ADMIN, "tenant", None).await;
    let long_id = "b".repeat(20_000);

    let response = sandbox
        .get(&format!("/businesses/{long_id}"), Some(&token))
        .await;
    let body = problem(response, StatusCode::NOT_FOUND).await;

    let detail = body["detail"].as_str().unwrap();
    assert!(detail.len() < 400, "detail has {} bytes", detail.len());
    assert!(detail.contains("[truncated]"), "{detail}");
}

/// Posts `body` to `/auth/token` with the project key and, when set, `content_type`.
async fn post_token_body(
    sandbox: &common::TestSandbox,
    content_type: Option<&str>,
    body: &str,
) -> reqwest::Response {
    let url = format!("{}/auth/token", sandbox.info().base_url);
    let mut request = sandbox
        .http
        .post(url)
        .header("x-project-key", &sandbox.info().project_key)
        .body(body.to_owned());
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn non_json_content_type_is_415() {
    let sandbox = common::start().await;
    let body = r#"{"authToken":"x"}"#;

    for content_type in [Some("text/plain"), None] {
        let response = post_token_body(&sandbox, content_type, body).await;
        let problem = problem(response, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
        assert_eq!(
            problem["code"], "UNSUPPORTED_MEDIA_TYPE",
            "{content_type:?}"
        );
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.contains("application/json"), "{detail}");
    }

    let charset = post_token_body(&sandbox, Some("application/json; charset=utf-8"), body).await;
    assert_ne!(charset.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn duplicate_field_is_named() {
    let sandbox = common::start().await;
    let body = r#"{"authToken":"x","authToken":"y"}"#;

    let response = post_token_body(&sandbox, Some("application/json"), body).await;

    let problem = problem(response, StatusCode::BAD_REQUEST).await;
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains("duplicate field `authToken`"), "{detail}");
    assert!(!detail.contains("wrong type"), "{detail}");
}

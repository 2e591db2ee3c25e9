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

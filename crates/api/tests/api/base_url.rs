//! Base URL checks of `ApiClient::new`.

use pers_api::{ApiClient, ApiError, Secret};
use serde_json::json;

use crate::support::Reply;
use crate::{server_replying, tenant_session};

fn client_error(base_url: &str) -> ApiError {
    match ApiClient::new(reqwest::Client::new(), base_url, Secret::from("pk")) {
        Ok(client) => panic!("{base_url} was accepted as {}", client.base_url()),
        Err(error) => error,
    }
}

#[test]
fn base_url_rejects_unusable_values() {
    for value in [
        "ftp://api.example/v2",
        "api.example/v2",
        "",
        "https://api.example/v2?x=1",
    ] {
        let error = client_error(value);
        assert!(
            matches!(error, ApiError::InvalidBaseUrl { .. }),
            "{value}: got {error:?}"
        );
    }
}

#[test]
fn base_url_trailing_slash_is_removed() {
    let api = ApiClient::new(
        reqwest::Client::new(),
        "https://api.example/v2/",
        Secret::from("pk"),
    )
    .unwrap();

    assert_eq!(api.base_url().as_str(), "https://api.example/v2");
}

#[tokio::test]
async fn trailing_slash_base_url_reaches_endpoints() {
    let server = server_replying(Reply::json(200, &json!([]))).await;
    let base = format!("{}/v2/", server.url);
    let api = ApiClient::new(reqwest::Client::new(), &base, Secret::from("pk")).unwrap();
    let session = tenant_session(&api).await;

    api.list_campaigns(&session).await.unwrap();

    assert_eq!(server.requests_to("/v2/campaigns").len(), 1);
}

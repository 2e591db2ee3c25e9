//! Secrets stay out of `Debug`, `Display` and error messages.

use pers_api::identity::sign_in_with_password;
use pers_api::{ApiError, EntityType, Secret, SignedUrlMethod, StorageUrlRequest};
use serde_json::json;

use crate::support::{MockServer, Recorded, Reply};
use crate::{PROJECT_KEY, REFRESH_TOKEN, access_token, client_for, tenant_session, token_reply};

const SIGNATURE: &str = "X-Amz-Signature=deadbeefsecret";

fn storage_request() -> StorageUrlRequest {
    StorageUrlRequest {
        entity_type: EntityType::Campaign,
        entity_id: "c1".into(),
        method: SignedUrlMethod::Put,
        file_extension: ".png".into(),
        file_name: Some("logo".into()),
    }
}

async fn storage_server(signed_url: &'static str) -> MockServer {
    MockServer::start(move |request: Recorded| async move {
        match request.path() {
            "/v2/auth/token" => token_reply(),
            _ => Reply::json(200, &json!({ "signedUrl": signed_url })),
        }
    })
    .await
}

#[test]
fn secret_debug_is_redacted() {
    let secret = Secret::from("hunter2-password");

    assert_eq!(format!("{secret:?}"), "Secret(<redacted>)");
    assert_eq!(secret.expose(), "hunter2-password");
}

#[tokio::test]
async fn signed_url_hides_query() {
    let server = storage_server(
        "http://127.0.0.1:9/bucket/entities/campaign/c1/logo.png?X-Amz-Signature=deadbeefsecret",
    )
    .await;
    let client = client_for(&server);
    let session = tenant_session(&client).await;

    let url = client
        .entity_storage_url(&session, &storage_request())
        .await
        .unwrap();

    let shown = "http://127.0.0.1:9/bucket/entities/campaign/c1/logo.png";
    assert_eq!(url.to_string(), shown);
    assert!(!format!("{url:?}").contains("deadbeef"), "{url:?}");
    assert!(url.expose().ends_with(SIGNATURE));

    let body = server.requests_to("/v2/files/entity-storage-url")[0].json();
    assert_eq!(
        body,
        json!({
            "entityType": "campaign", "entityId": "c1", "signedUrlType": "PUT",
            "fileExtension": "png", "fileName": "logo"
        }),
        "the leading dot of the extension is removed"
    );
}

#[tokio::test]
async fn invalid_signed_url_is_unexpected() {
    let server = storage_server("not a url ?X-Amz-Signature=deadbeefsecret").await;
    let client = client_for(&server);
    let session = tenant_session(&client).await;

    let error = client
        .entity_storage_url(&session, &storage_request())
        .await
        .unwrap_err();

    assert!(
        matches!(error, ApiError::UnexpectedResponse { .. }),
        "got {error:?}"
    );
    assert!(!format!("{error:?}").contains("deadbeef"), "{error:?}");
    assert!(!error.to_string().contains("deadbeef"), "{error}");
}

#[tokio::test]
async fn signed_url_scheme_rules() {
    let cases: [(&'static str, bool); 7] = [
        (
            "https://bucket.s3.test/k.png?X-Amz-Signature=deadbeefsecret",
            true,
        ),
        (
            "http://127.0.0.1:9/k.png?X-Amz-Signature=deadbeefsecret",
            true,
        ),
        (
            "http://127.8.0.1:9/k.png?X-Amz-Signature=deadbeefsecret",
            true,
        ),
        (
            "http://localhost:9/k.png?X-Amz-Signature=deadbeefsecret",
            true,
        ),
        ("http://[::1]:9/k.png?X-Amz-Signature=deadbeefsecret", true),
        (
            "http://bucket.s3.test/k.png?X-Amz-Signature=deadbeefsecret",
            false,
        ),
        (
            "ftp://127.0.0.1/k.png?X-Amz-Signature=deadbeefsecret",
            false,
        ),
    ];
    for (signed_url, accepted) in cases {
        let server = storage_server(signed_url).await;
        let client = client_for(&server);
        let session = tenant_session(&client).await;

        let result = client
            .entity_storage_url(&session, &storage_request())
            .await;

        assert_eq!(result.is_ok(), accepted, "{signed_url}: {result:?}");
        if let Err(error) = result {
            assert!(!error.to_string().contains("deadbeef"), "{error}");
        }
    }
}

#[tokio::test]
async fn session_debug_hides_tokens() {
    let server = crate::server_replying(Reply::json(200, &json!([]))).await;
    let client = client_for(&server);
    let session = tenant_session(&client).await;

    let debug = format!("{session:?} {client:?}");

    assert!(!debug.contains(&access_token("first")), "{debug}");
    assert!(!debug.contains(REFRESH_TOKEN), "{debug}");
    assert!(!debug.contains(PROJECT_KEY), "{debug}");
    assert!(debug.contains("Tenant"), "{debug}");
}

#[tokio::test]
async fn truncated_token_response_is_not_quoted() {
    let partial = format!(r#"{{"accessToken":"{}","refreshTo"#, access_token("first"));
    let server = MockServer::start(move |_| {
        let partial = partial.clone();
        async move { Reply::new(200, "application/json", partial) }
    })
    .await;
    let client = client_for(&server);

    let error = client
        .create_session(&"t".into(), pers_api::AuthType::Tenant, None)
        .await
        .unwrap_err();

    assert!(
        matches!(error, ApiError::UnexpectedResponse { status: 200, .. }),
        "{error:?}"
    );
    let token_start = &access_token("first")[..20];
    assert!(!format!("{error:?}").contains(token_start), "{error:?}");
    assert!(!error.to_string().contains(token_start), "{error}");
}

#[tokio::test]
async fn transport_error_hides_query() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let url = format!("http://127.0.0.1:{port}/identity?key=identity-api-key-secret");

    let error = sign_in_with_password(&reqwest::Client::new(), &url, "a@b.test", "pw-secret")
        .await
        .unwrap_err();

    assert!(matches!(error, ApiError::Transport { .. }), "got {error:?}");
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("identity-api-key-secret"), "{shown}");
    assert!(!shown.contains("pw-secret"), "{shown}");
    assert!(
        error
            .to_string()
            .contains(&format!("127.0.0.1:{port}/identity")),
        "{error}"
    );
}

#[tokio::test]
async fn identity_token_debug_hides_tokens() {
    let body = json!({ "idToken": "id-token-secret", "refreshToken": "fb-refresh-secret",
                       "localId": "u1", "email": "a@b.test", "expiresIn": 3600 });
    let server = MockServer::start(move |_| {
        let body = body.clone();
        async move { Reply::json(200, &body) }
    })
    .await;

    let token = sign_in_with_password(&reqwest::Client::new(), &server.url, "a@b.test", "pw")
        .await
        .unwrap();

    let debug = format!("{token:?}");
    assert!(!debug.contains("id-token-secret"), "{debug}");
    assert!(!debug.contains("fb-refresh-secret"), "{debug}");
}

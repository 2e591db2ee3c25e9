//! Identity provider sign-in in Firebase Auth's REST shape.

use pers_api::ApiError;
use pers_api::identity::sign_in_with_password;
use serde_json::json;

use crate::support::{MockServer, Reply};

const SIGN_IN_PATH: &str = "/identity/v1/accounts:signInWithPassword";

fn firebase_error(message: &str) -> Reply {
    Reply::json(
        400,
        &json!({ "error": { "code": 400, "message": message, "errors": [] } }),
    )
}

async fn sign_in(
    reply: Reply,
) -> (
    MockServer,
    Result<pers_api::identity::IdentityToken, ApiError>,
) {
    let server = MockServer::start(move |_| {
        let reply = reply.clone();
        async move { reply }
    })
    .await;
    let url = format!("{}{SIGN_IN_PATH}?key=identity-api-key", server.url);
    let result = sign_in_with_password(
        &reqwest::Client::new(),
        &url,
        "admin@demo.test",
        "pw-secret",
    )
    .await;
    (server, result)
}

#[tokio::test]
async fn sign_in_returns_tokens() {
    let body = json!({
        "kind": "identitytoolkit#VerifyPasswordResponse", "localId": "uid-1",
        "email": "admin@demo.test", "idToken": "id-token-secret", "registered": true,
        "refreshToken": "firebase-refresh-secret", "expiresIn": "3600"
    });
    let (server, result) = sign_in(Reply::json(200, &body)).await;

    let token = result.unwrap();
    assert_eq!(token.id_token.expose(), "id-token-secret");
    assert_eq!(token.refresh_token.expose(), "firebase-refresh-secret");
    assert_eq!(token.expires_in_secs, 3600);
    assert_eq!(token.local_id, "uid-1");
    assert_eq!(token.email, "admin@demo.test");

    let request = &server.requests()[0];
    assert_eq!(request.path(), SIGN_IN_PATH);
    assert_eq!(
        request.query_param("key").as_deref(),
        Some("identity-api-key")
    );
    assert_eq!(
        request.header("x-project-key"),
        None,
        "the identity provider is not PERS"
    );
    let sent = request.json();
    assert_eq!(sent["email"], "admin@demo.test");
    assert_eq!(sent["password"], "pw-secret");
    assert_eq!(sent["returnSecureToken"], true);
}

#[tokio::test]
async fn wrong_password_is_invalid_credentials() {
    for message in [
        "INVALID_LOGIN_CREDENTIALS",
        "INVALID_PASSWORD",
        "EMAIL_NOT_FOUND",
    ] {
        let (_server, result) = sign_in(firebase_error(message)).await;

        let error = result.unwrap_err();
        assert!(
            matches!(error, ApiError::InvalidCredentials),
            "{message}: got {error:?}"
        );
    }
}

#[tokio::test]
async fn other_firebase_error_keeps_code() {
    let message = "TOO_MANY_ATTEMPTS_TRY_LATER : Access to this account has been disabled";
    let (_server, result) = sign_in(firebase_error(message)).await;

    let error = result.unwrap_err();
    assert_eq!(error.code(), Some("TOO_MANY_ATTEMPTS_TRY_LATER"));
    assert_eq!(error.status(), Some(400));
    let text = error.to_string();
    assert!(text.contains(SIGN_IN_PATH), "{text}");
    assert!(
        !text.contains("identity-api-key"),
        "the URL query stays out: {text}"
    );
}

#[tokio::test]
async fn identity_url_must_be_http() {
    let result = sign_in_with_password(
        &reqwest::Client::new(),
        "ftp://127.0.0.1/identity?key=identity-api-key",
        "a@b.test",
        "pw",
    )
    .await;

    let error = result.unwrap_err();
    assert!(
        matches!(error, ApiError::InvalidBaseUrl { .. }),
        "got {error:?}"
    );
    assert!(!error.to_string().contains("identity-api-key"), "{error}");
}

//! Session creation, claims, business selection and refresh on 401.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use pers_api::{ApiError, AuthType, BusinessOption, Secret};
use serde_json::json;
use tokio::sync::Barrier;

use crate::support::{MockServer, Recorded, Reply};
use crate::{
    PROJECT_KEY, REFRESH_TOKEN, access_token, client_for, jwt, tenant_session, token_reply,
};

fn bearer(label: &str) -> String {
    format!("Bearer {}", access_token(label))
}

fn unauthorized() -> Reply {
    Reply::problem(
        401,
        &json!({ "status": 401, "code": "TOKEN_EXPIRED", "correlationId": "pers-1" }),
    )
}

fn refreshed_reply() -> Reply {
    Reply::json(
        200,
        &json!({ "accessToken": access_token("second"), "refreshToken": "r2" }),
    )
}

/// Serves campaigns only for the "second" token, and refreshes with `refresh`.
async fn expiring_server(refresh: fn() -> Reply) -> MockServer {
    MockServer::start(move |request: Recorded| async move {
        match request.path() {
            "/v2/auth/token" => token_reply(),
            "/v2/auth/refresh" => refresh(),
            _ if request.header("authorization") == Some(bearer("second").as_str()) => {
                Reply::json(200, &json!([{ "id": "c1" }]))
            }
            _ => unauthorized(),
        }
    })
    .await
}

#[tokio::test]
async fn create_session_sends_token_exchange() {
    let server = MockServer::start(|_| async { token_reply() }).await;
    let client = client_for(&server);

    client
        .create_session(
            &Secret::from("firebase-id-token"),
            AuthType::Business,
            Some("b-42"),
        )
        .await
        .unwrap();

    let request = &server.requests_to("/v2/auth/token")[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.header("x-project-key"), Some(PROJECT_KEY));
    assert_eq!(
        request.header("authorization"),
        None,
        "the exchange sends no bearer"
    );
    let body = request.json();
    assert_eq!(body["authToken"], "firebase-id-token");
    assert_eq!(body["authType"], "business");
    assert_eq!(body["context"]["businessId"], "b-42");
}

#[tokio::test]
async fn session_reads_claims() {
    let token = jwt(&json!({ "sub": "u1", "businessId": "b-7", "exp": 1_900_000_000u64 }));
    let server = MockServer::start(move |_| {
        let token = token.clone();
        async move { Reply::json(200, &json!({ "accessToken": token, "refreshToken": "r" })) }
    })
    .await;
    let client = client_for(&server);

    let session = client
        .create_session(&"t".into(), AuthType::Business, None)
        .await
        .unwrap();

    assert_eq!(session.auth_type(), AuthType::Business);
    assert_eq!(session.business_id().as_deref(), Some("b-7"));
    assert_eq!(session.access_token_expires_at(), Some(1_900_000_000));
}

#[tokio::test]
async fn opaque_token_has_no_claims() {
    let server = MockServer::start(|_| async {
        Reply::json(
            200,
            &json!({ "accessToken": "opaque", "refreshToken": "r" }),
        )
    })
    .await;
    let client = client_for(&server);

    let session = client
        .create_session(&"t".into(), AuthType::Business, Some("b-1"))
        .await
        .unwrap();

    assert_eq!(
        session.business_id().as_deref(),
        Some("b-1"),
        "falls back to the requested id"
    );
    assert_eq!(session.access_token_expires_at(), None);
}

#[tokio::test]
async fn session_calls_send_bearer_and_project_key() {
    let server = crate::server_replying(Reply::json(200, &json!([]))).await;
    let client = client_for(&server);
    let session = tenant_session(&client).await;

    client.list_campaigns(&session).await.unwrap();

    let request = &server.requests_to("/v2/campaigns")[0];
    assert_eq!(request.header("x-project-key"), Some(PROJECT_KEY));
    assert_eq!(
        request.header("authorization"),
        Some(bearer("first").as_str())
    );
}

#[tokio::test]
async fn multiple_context_is_typed() {
    let body = json!({
        "status": 409, "code": "MULTIPLE_CONTEXT_SELECTION_REQUIRED", "correlationId": "pers-mc",
        "details": { "options": [
            { "businessId": "b1", "displayName": "Bean There", "role": "OWNER" },
            { "businessId": "b2", "displayName": "Cup Co", "role": "VIEWER" }
        ] }
    });
    let server = MockServer::start(move |_| {
        let body = body.clone();
        async move { Reply::problem(409, &body) }
    })
    .await;
    let client = client_for(&server);

    let error = client
        .create_session(&"t".into(), AuthType::Business, None)
        .await
        .unwrap_err();

    let ApiError::MultipleContextSelectionRequired {
        options,
        correlation_id,
    } = &error
    else {
        panic!("expected a business selection error, got {error:?}");
    };
    assert_eq!(correlation_id.as_deref(), Some("pers-mc"));
    assert_eq!(
        options[0],
        BusinessOption {
            business_id: "b1".into(),
            display_name: Some("Bean There".into()),
            role: Some("OWNER".into()),
        }
    );
    assert_eq!(options[1].business_id, "b2");
    assert_eq!(error.code(), Some("MULTIPLE_CONTEXT_SELECTION_REQUIRED"));
    assert!(error.to_string().contains("Bean There"), "{error}");
}

#[tokio::test]
async fn multiple_context_accepts_top_level_options() {
    let body = json!({
        "code": "MULTIPLE_CONTEXT_SELECTION_REQUIRED",
        "options": [{ "id": "b9", "name": "Nine" }, { "name": "no id" }]
    });
    let server = MockServer::start(move |_| {
        let body = body.clone();
        async move { Reply::problem(400, &body) }
    })
    .await;
    let client = client_for(&server);

    let error = client
        .create_session(&"t".into(), AuthType::Business, None)
        .await
        .unwrap_err();

    let ApiError::MultipleContextSelectionRequired { options, .. } = error else {
        panic!("expected a business selection error");
    };
    assert_eq!(options.len(), 1, "an option without an id is skipped");
    assert_eq!(options[0].business_id, "b9");
    assert_eq!(options[0].display_name.as_deref(), Some("Nine"));
    assert_eq!(options[0].role, None);
}

#[tokio::test]
async fn refresh_on_401_happens_once_and_retries() {
    let server = expiring_server(refreshed_reply).await;
    let client = client_for(&server);
    let session = tenant_session(&client).await;

    let listed = client.list_campaigns(&session).await.unwrap();

    assert_eq!(listed.len(), 1);
    let refreshes = server.requests_to("/v2/auth/refresh");
    assert_eq!(refreshes.len(), 1);
    let body = refreshes[0].json();
    assert_eq!(body["accessToken"], access_token("first"));
    assert_eq!(body["refreshToken"], REFRESH_TOKEN);
    assert_eq!(refreshes[0].header("x-project-key"), Some(PROJECT_KEY));
    let calls = server.requests_to("/v2/campaigns");
    assert_eq!(calls.len(), 2, "one 401, then one retry");
    assert_eq!(
        calls[1].header("authorization"),
        Some(bearer("second").as_str())
    );

    let clone = session.clone();
    client.list_campaigns(&clone).await.unwrap();
    assert_eq!(
        server.requests_to("/v2/auth/refresh").len(),
        1,
        "clones share the new token"
    );
}

#[tokio::test]
async fn failed_refresh_ends_session() {
    let server = expiring_server(|| {
        Reply::problem(
            401,
            &json!({ "status": 401, "code": "REFRESH_TOKEN_INVALID" }),
        )
    })
    .await;
    let client = client_for(&server);
    let session = tenant_session(&client).await;

    let error = client.list_campaigns(&session).await.unwrap_err();

    assert!(error.is_unauthorized(), "got {error:?}");
    assert!(error.is_session_expired(), "got {error:?}");
    assert_eq!(error.code(), Some(pers_api::SESSION_EXPIRED_CODE));
    assert!(
        error.to_string().contains("REFRESH_TOKEN_INVALID"),
        "the server's reason is kept: {error}"
    );
    assert!(session.is_ended());
    assert_eq!(server.requests_to("/v2/auth/refresh").len(), 1);
    assert_eq!(
        server.requests_to("/v2/campaigns").len(),
        1,
        "no retry without a new token"
    );

    let again = client.list_campaigns(&session).await.unwrap_err();
    assert!(again.is_session_expired(), "got {again:?}");
    assert_eq!(
        server.requests_to("/v2/campaigns").len(),
        1,
        "an ended session sends nothing"
    );
    assert_eq!(server.requests_to("/v2/auth/refresh").len(), 1);
}

#[tokio::test]
async fn refresh_server_error_keeps_session() {
    let server = expiring_server(|| Reply::new(500, "text/html", "<h1>down</h1>")).await;
    let client = client_for(&server);
    let session = tenant_session(&client).await;

    let error = client.list_campaigns(&session).await.unwrap_err();

    assert_eq!(error.code(), Some("TOKEN_EXPIRED"), "the 401 is returned");
    assert!(!error.is_session_expired());
    assert!(
        !session.is_ended(),
        "a server error does not end the session"
    );
}

#[tokio::test]
async fn retry_still_401_is_not_refreshed_again() {
    let server = MockServer::start(|request: Recorded| async move {
        match request.path() {
            "/v2/auth/token" => token_reply(),
            "/v2/auth/refresh" => refreshed_reply(),
            _ => unauthorized(),
        }
    })
    .await;
    let client = client_for(&server);
    let session = tenant_session(&client).await;

    let error = client.list_campaigns(&session).await.unwrap_err();

    assert!(error.is_unauthorized());
    assert_eq!(server.requests_to("/v2/auth/refresh").len(), 1);
    assert_eq!(server.requests_to("/v2/campaigns").len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_401s_refresh_once() {
    let barrier = Arc::new(Barrier::new(2));
    let stale_seen = Arc::new(AtomicUsize::new(0));
    let server = MockServer::start(move |request: Recorded| {
        let barrier = Arc::clone(&barrier);
        let stale_seen = Arc::clone(&stale_seen);
        async move {
            match request.path() {
                "/v2/auth/token" => token_reply(),
                "/v2/auth/refresh" => refreshed_reply(),
                _ if request.header("authorization") == Some(bearer("second").as_str()) => {
                    Reply::json(200, &json!([{ "id": "t1" }]))
                }
                _ => {
                    // Hold the first two stale requests until both have arrived, so both
                    // callers see a 401 for the same token.
                    if stale_seen.fetch_add(1, Ordering::SeqCst) < 2 {
                        barrier.wait().await;
                    }
                    unauthorized()
                }
            }
        }
    })
    .await;
    let client = client_for(&server);
    let session = client
        .create_session(&"t".into(), AuthType::Business, None)
        .await
        .unwrap();

    let (first, second) = tokio::join!(client.list_tokens(&session), client.list_tokens(&session));

    assert_eq!(first.unwrap().len(), 1);
    assert_eq!(second.unwrap().len(), 1);
    assert_eq!(server.requests_to("/v2/auth/refresh").len(), 1);
}

//! Sessions against the sandbox and a scripted server: refresh before expiry, single-flight
//! refresh, resume from an exported refresh token, and pasted provider tokens.

use std::time::Duration;

use pers_api::{AuthType, Secret};
use serde_json::{Value, json};

use crate::sandbox::start;
use crate::support::{MockServer, Recorded, Reply};
use crate::{access_token, client_for, jwt};

/// Lifetime of access tokens in the expiry tests. Whole seconds, because JWT `exp` is.
const SHORT_TTL: Duration = Duration::from_secs(2);

/// Waits until a token issued now with [`SHORT_TTL`] has expired.
async fn wait_for_expiry() {
    tokio::time::sleep(SHORT_TTL + Duration::from_millis(1100)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_requests_share_one_refresh() {
    let running = start().await;
    let faults = running.sandbox.faults();
    faults
        .set_token_lifetimes(SHORT_TTL, Duration::from_secs(3600))
        .unwrap();
    let session = running.tenant_session().await;
    wait_for_expiry().await;
    faults.clear_requests();

    let calls = (0..50).map(|_| {
        let client = running.client.clone();
        let session = session.clone();
        tokio::spawn(async move { client.list_campaigns(&session).await })
    });
    let results = futures_util::future::join_all(calls).await;

    for result in results {
        assert!(!result.unwrap().unwrap().is_empty());
    }
    assert_eq!(running.requests_to("/v2/auth/refresh").len(), 1);
    let campaigns = running.requests_to("/v2/campaigns");
    assert_eq!(campaigns.len(), 50, "one page per caller");
    assert!(
        campaigns.iter().all(|record| record.status == 200),
        "the refresh came before sending, so no request met a 401"
    );
    assert_eq!(session.generation(), 2);
}

/// Serves a sign-in whose access token expired long ago, so only a 401 reveals it.
async fn stale_token_server() -> MockServer {
    let stale = jwt(&json!({ "sub": "first", "authType": "tenant", "exp": 1 }));
    MockServer::start(move |request: Recorded| {
        let stale = stale.clone();
        async move {
            let fresh = format!("Bearer {}", access_token("second"));
            match request.path() {
                "/v2/auth/token" => {
                    Reply::json(200, &json!({ "accessToken": stale, "refreshToken": "r1" }))
                }
                "/v2/auth/refresh" => Reply::json(
                    200,
                    &json!({ "accessToken": access_token("second"), "refreshToken": "r2" }),
                ),
                _ if request.header("authorization") == Some(fresh.as_str()) => {
                    Reply::json(200, &json!([{ "id": "c1" }]))
                }
                _ => Reply::problem(401, &json!({ "status": 401, "code": "TOKEN_EXPIRED" })),
            }
        }
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_401s_share_one_refresh() {
    let server = stale_token_server().await;
    let client = client_for(&server);
    let session = crate::tenant_session(&client).await;

    let calls = (0..50).map(|_| {
        let client = client.clone();
        let session = session.clone();
        tokio::spawn(async move { client.list_campaigns(&session).await })
    });
    let results = futures_util::future::join_all(calls).await;

    for result in results {
        assert_eq!(result.unwrap().unwrap().len(), 1);
    }
    assert_eq!(server.requests_to("/v2/auth/refresh").len(), 1);
    assert_eq!(session.refresh_token().expose(), "r2");
}

#[tokio::test]
async fn expired_refresh_token_ends_session() {
    let running = start().await;
    running
        .sandbox
        .faults()
        .set_token_lifetimes(SHORT_TTL, SHORT_TTL)
        .unwrap();
    let session = running.tenant_session().await;
    wait_for_expiry().await;

    let error = running.client.list_campaigns(&session).await.unwrap_err();

    assert!(error.is_session_expired(), "got {error:?}");
    assert!(
        error.to_string().contains("sign in again"),
        "the message says what to do: {error}"
    );
    assert!(session.is_ended());
    assert_eq!(running.requests_to("/v2/auth/refresh").len(), 1);
}

#[tokio::test]
async fn exported_refresh_token_resumes_session() {
    let running = start().await;
    let session = running.tenant_session().await;
    let remembered: Secret = session.refresh_token();
    drop(session);

    let resumed = running
        .client
        .resume_session(&remembered, AuthType::Tenant)
        .await
        .unwrap();

    assert_eq!(resumed.auth_type(), AuthType::Tenant);
    assert_eq!(
        resumed.tenant_id().as_deref(),
        Some("902a3260-bc4b-46eb-a07a-b2c86625ba78")
    );
    assert_eq!(resumed.role().as_deref(), Some("TENANT_ADMIN"));
    let campaigns = running.client.list_campaigns(&resumed).await.unwrap();
    assert!(!campaigns.is_empty());
    let refreshes = running.requests_to("/v2/auth/refresh");
    assert_eq!(refreshes.len(), 1);
    assert!(refreshes[0].has_header("x-project-key"));
}

#[tokio::test]
async fn invalid_refresh_token_cannot_resume() {
    let running = start().await;

    let error = running
        .client
        .resume_session(&Secret::from("not-a-refresh-token"), AuthType::Tenant)
        .await
        .unwrap_err();

    assert!(error.is_session_expired(), "got {error:?}");
    assert!(!format!("{error:?}").contains("not-a-refresh-token"));
}

#[tokio::test]
async fn pasted_provider_token_opens_session() {
    let running = start().await;
    let admin = &running.accounts("tenant")[0];
    // Sign in at the provider without the client's helper, as a user pasting a token would.
    let body =
        json!({ "email": admin.email, "password": admin.password, "returnSecureToken": true });
    let response = running
        .http
        .post(&running.sandbox.info().identity_url)
        .json(&body)
        .send()
        .await
        .unwrap();
    let signed_in: Value = response.json().await.unwrap();
    let pasted = Secret::new(signed_in["idToken"].as_str().unwrap().to_owned());

    let session = running
        .client
        .create_session(&pasted, AuthType::Tenant, None)
        .await
        .unwrap();

    assert!(
        !running
            .client
            .list_tokens(&session)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn token_from_another_issuer_is_rejected() {
    let running = start().await;
    let foreign = Secret::new(jwt(&json!({ "sub": "someone", "exp": 4_102_444_800u64 })));

    let error = running
        .client
        .create_session(&foreign, AuthType::Tenant, None)
        .await
        .unwrap_err();

    assert_eq!(error.status(), Some(401));
    assert_eq!(error.code(), Some("INVALID_AUTH_TOKEN"));
}

//! Integration tests of pers-api: against loopback servers with scripted replies, and against
//! the in-process sandbox.
#![allow(clippy::unwrap_used, missing_docs)]

mod base_url;
mod contract;
mod entities;
mod envelopes;
mod identity;
mod listing;
mod problem;
mod redaction;
mod refresh_rotation;
mod retry;
mod sandbox;
mod sandbox_session;
mod session;
mod support;

use base64::Engine as _;
use pers_api::{ApiClient, AuthType, Secret, Session};
use serde_json::{Value, json};

use support::{MockServer, Recorded, Reply};

pub const PROJECT_KEY: &str = "pk_test_0123456789abcdef-project-key-secret";
pub const REFRESH_TOKEN: &str = "refresh-token-secret-1";

/// Builds an unsigned JWT-shaped token with `claims` as its payload.
pub fn jwt(claims: &Value) -> String {
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let header = engine.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = engine.encode(claims.to_string());
    format!("{header}.{payload}.c2lnbmF0dXJl")
}

pub fn access_token(label: &str) -> String {
    jwt(&json!({ "sub": label, "authType": "tenant", "exp": 4_102_444_800u64 }))
}

/// Builds the reply to `POST /v2/auth/token` with a tenant access token labelled "first".
pub fn token_reply() -> Reply {
    Reply::json(
        200,
        &json!({ "accessToken": access_token("first"), "refreshToken": REFRESH_TOKEN }),
    )
}

pub fn client_for(server: &MockServer) -> ApiClient {
    ApiClient::new(
        reqwest::Client::new(),
        &format!("{}/v2", server.url),
        Secret::from(PROJECT_KEY),
    )
    .unwrap()
}

pub async fn tenant_session(client: &ApiClient) -> Session {
    client
        .create_session(&Secret::from("firebase-id-token"), AuthType::Tenant, None)
        .await
        .unwrap()
}

/// Starts a server that signs in on `/v2/auth/token` and replies `reply` to everything else.
pub async fn server_replying(reply: Reply) -> MockServer {
    MockServer::start(move |request: Recorded| {
        let reply = reply.clone();
        async move {
            if request.path() == "/v2/auth/token" {
                token_reply()
            } else {
                reply
            }
        }
    })
    .await
}

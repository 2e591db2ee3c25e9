//! The identity provider: Firebase Auth's REST `accounts:signInWithPassword`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use crate::claims::{ID_TOKEN_TTL_SECS, issue_id_token};
use crate::state::AppState;

/// Path of the sign-in endpoint on the API server (outside `/v2`).
pub(crate) const SIGN_IN_PATH: &str = "/identity/v1/accounts:signInWithPassword";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SignInRequest {
    email: Option<String>,
    password: Option<String>,
}

/// Signs in with email and password and returns an ID token.
///
/// Errors use Firebase's shape with status 400: `MISSING_EMAIL`, `MISSING_PASSWORD`,
/// `INVALID_LOGIN_CREDENTIALS` (unknown email or wrong password) and `INVALID_JSON`.
pub(crate) async fn sign_in_with_password(State(state): State<AppState>, body: Bytes) -> Response {
    let Ok(request) = serde_json::from_slice::<SignInRequest>(&body) else {
        return firebase_error("INVALID_JSON");
    };
    let Some(email) = request.email.filter(|email| !email.trim().is_empty()) else {
        return firebase_error("MISSING_EMAIL");
    };
    let Some(password) = request.password.filter(|password| !password.is_empty()) else {
        return firebase_error("MISSING_PASSWORD");
    };

    let world = state.world();
    let account = world.account_by_email(email.trim());
    let Some(account) = account.filter(|account| account.password == password) else {
        return firebase_error("INVALID_LOGIN_CREDENTIALS");
    };

    let body = json!({
        "kind": "identitytoolkit#VerifyPasswordResponse",
        "localId": account.id,
        "email": account.email,
        "displayName": account.display_name,
        "idToken": issue_id_token(&state, account),
        "registered": true,
        // NOTE: the sandbox has no token refresh on the identity side, so this value is random
        // and no endpoint accepts it.
        "refreshToken": uuid::Uuid::new_v4().simple().to_string(),
        "expiresIn": ID_TOKEN_TTL_SECS.to_string(),
    });
    Json(body).into_response()
}

fn firebase_error(message: &str) -> Response {
    let body = json!({
        "error": {
            "code": 400,
            "message": message,
            "errors": [{ "message": message, "domain": "global", "reason": "invalid" }],
        }
    });
    (StatusCode::BAD_REQUEST, Json(body)).into_response()
}

//! Sign-in with the identity provider, following Firebase Auth's REST
//! `accounts:signInWithPassword`.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::client::{parse_http_url, send};
use crate::error::ApiError;
use crate::lenient;
use crate::problem::{error_from_body, string_field};
use crate::response::BodySecrecy;
use crate::secret::Secret;

/// Firebase messages that mean a wrong email or password. Firebase returns
/// `INVALID_LOGIN_CREDENTIALS` when email enumeration protection is on, and the older
/// `EMAIL_NOT_FOUND` / `INVALID_PASSWORD` otherwise.
const CREDENTIAL_MESSAGES: [&str; 3] = [
    "INVALID_LOGIN_CREDENTIALS",
    "EMAIL_NOT_FOUND",
    "INVALID_PASSWORD",
];

/// Lifetime Firebase gives ID tokens, used when the response has no `expiresIn`.
const DEFAULT_EXPIRES_IN_SECS: u64 = 3600;

/// Tokens returned by the identity provider for one account.
#[derive(Clone, Debug)]
pub struct IdentityToken {
    /// ID token to pass as `auth_token` to [`crate::ApiClient::create_session`].
    pub id_token: Secret,
    /// The identity provider's refresh token (not the PERS one).
    pub refresh_token: Secret,
    /// Lifetime of `id_token` in seconds.
    pub expires_in_secs: u64,
    /// The provider's account id.
    pub local_id: String,
    /// Email of the account.
    pub email: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SignInResponse {
    id_token: Secret,
    #[serde(default)]
    refresh_token: Option<Secret>,
    #[serde(default, deserialize_with = "lenient::optional_u64")]
    expires_in: Option<u64>,
    #[serde(default)]
    local_id: String,
    #[serde(default)]
    email: Option<String>,
}

/// Signs in with email and password: `POST {identity_url}` with
/// `{email, password, returnSecureToken: true}`.
///
/// `identity_url` must be http(s); its query (Firebase's `?key=`) is kept but never shown in
/// errors or logs. A wrong email or password returns [`ApiError::InvalidCredentials`]; other
/// Firebase errors (`{"error":{"message":"…"}}`) return [`ApiError::Problem`] with the message
/// as `code`.
#[tracing::instrument(skip_all, err)]
pub async fn sign_in_with_password(
    http: &reqwest::Client,
    identity_url: &str,
    email: &str,
    password: &str,
) -> Result<IdentityToken, ApiError> {
    let url = parse_http_url(identity_url)?;
    let path = url.path().to_owned();
    let body = json!({ "email": email, "password": password, "returnSecureToken": true });
    let response = send(http.post(url.clone()).json(&body), &url).await?;

    if !(200..300).contains(&response.status) {
        return Err(identity_error(response.status, &response.body, &path));
    }
    let signed_in: SignInResponse = response.json(&path, BodySecrecy::Secret)?;
    tracing::info!(local_id = %signed_in.local_id, "signed in with the identity provider");
    Ok(IdentityToken {
        id_token: signed_in.id_token,
        refresh_token: signed_in
            .refresh_token
            .unwrap_or_else(|| Secret::new(String::new())),
        expires_in_secs: signed_in.expires_in.unwrap_or(DEFAULT_EXPIRES_IN_SECS),
        local_id: signed_in.local_id,
        email: signed_in.email.unwrap_or_else(|| email.to_owned()),
    })
}

/// Converts a Firebase error body, falling back to the PERS problem parser for other shapes.
fn identity_error(status: u16, body: &[u8], path: &str) -> ApiError {
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    let error = parsed
        .as_ref()
        .and_then(|value| value.get("error"))
        .and_then(Value::as_object);
    let Some(message) = error.and_then(|error| string_field(error, "message")) else {
        return error_from_body(status, body, path);
    };
    // Firebase sometimes appends an explanation: "TOO_MANY_ATTEMPTS_TRY_LATER : Access to …".
    let code = message
        .split(" : ")
        .next()
        .unwrap_or(&message)
        .trim()
        .to_owned();
    if CREDENTIAL_MESSAGES.contains(&code.as_str()) {
        return ApiError::InvalidCredentials;
    }
    ApiError::Problem {
        status,
        code: Some(code),
        title: None,
        detail: Some(message),
        correlation_id: None,
        retryable: None,
        path: path.to_owned(),
    }
}

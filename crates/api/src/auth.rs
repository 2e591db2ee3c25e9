//! Session creation (`POST /auth/token`), refresh and resume (`POST /auth/refresh`).

use reqwest::Method;
use serde_json::{Value, json};

use crate::client::{ApiClient, send};
use crate::error::ApiError;
use crate::response::{BodySecrecy, RawResponse};
use crate::secret::Secret;
use crate::session::{AuthType, Session, TokenPair};

const TOKEN_PATH: &str = "/auth/token";
pub(crate) const REFRESH_PATH: &str = "/auth/refresh";

impl ApiClient {
    /// Exchanges an identity provider token for a PERS session (`POST /auth/token`).
    ///
    /// `auth_token` is any token the tenant's identity provider issued: the ID token of
    /// [`crate::identity::sign_in_with_password`], or one the user pasted from another
    /// provider. `business_id` is sent as `context.businessId`. A business sign-in without it,
    /// for an account in several businesses, fails with
    /// [`ApiError::MultipleContextSelectionRequired`] listing the businesses. Never retried,
    /// because a POST is not idempotent.
    #[tracing::instrument(skip_all, fields(auth_type = ?auth_type, business_id), err)]
    pub async fn create_session(
        &self,
        auth_token: &Secret,
        auth_type: AuthType,
        business_id: Option<&str>,
    ) -> Result<Session, ApiError> {
        let mut body = json!({ "authToken": auth_token.expose(), "authType": auth_type });
        if let Some(business_id) = business_id {
            tracing::Span::current().record("business_id", business_id);
            body["context"] = json!({ "businessId": business_id });
        }

        let url = self.endpoint(TOKEN_PATH);
        let request = self.request(Method::POST, url.clone()).json(&body);
        let response = send(request, &url).await?;
        let tokens: TokenPair = response.json(TOKEN_PATH, BodySecrecy::Secret)?;

        let session = Session::new(auth_type, business_id.map(str::to_owned), tokens);
        tracing::info!(business_id = ?session.business_id(), "PERS session created");
        Ok(session)
    }

    /// Opens a session from a refresh token that [`Session::refresh_token`] exported earlier
    /// ("remember me"), with `POST /auth/refresh`.
    ///
    /// Sends only `refreshToken`, because no access token is left from the earlier run. A
    /// rejected or expired refresh token fails with the session-expired error
    /// ([`ApiError::is_session_expired`]): the user must sign in again.
    #[tracing::instrument(skip_all, fields(auth_type = ?auth_type), err)]
    pub async fn resume_session(
        &self,
        refresh_token: &Secret,
        auth_type: AuthType,
    ) -> Result<Session, ApiError> {
        // NOTE: PERS 2.0.5 documents accessToken as required here while its 1.8 example sends
        // only refreshToken. No access token survives a restart, so a server that insists on
        // accessToken (the sandbox's strict refresh) rejects the resume: sign in again.
        let body = json!({ "refreshToken": refresh_token.expose() });
        let response = self.post_refresh(&body).await?;
        let tokens = refresh_tokens(&response)?;
        let session = Session::new(auth_type, None, tokens);
        tracing::info!(business_id = ?session.business_id(), "PERS session resumed");
        Ok(session)
    }

    /// Refreshes `session` unless another caller already replaced the access token `seen`.
    ///
    /// Callers wait on the session's refresh lock, so concurrent callers cause one refresh. A
    /// rejected refresh (400, 401 or 403) ends the session and returns the session-expired
    /// error, also to every caller that was waiting. Transport errors and other statuses are
    /// returned as they are and leave the session usable.
    pub(crate) async fn refresh(&self, session: &Session, seen: &Secret) -> Result<(), ApiError> {
        let _refreshing = session.refresh_lock().lock().await;
        if session.is_ended() {
            return Err(ApiError::session_expired(None, None));
        }
        let current = session.tokens();
        if current.access_token != *seen {
            tracing::debug!("another caller already refreshed the session");
            return Ok(());
        }

        let body = json!({
            "accessToken": current.access_token.expose(),
            "refreshToken": current.refresh_token.expose(),
        });
        let response = self.post_refresh(&body).await?;
        match refresh_tokens(&response) {
            Ok(tokens) => {
                session.replace_tokens(tokens);
                tracing::info!(business_id = ?session.business_id(), "PERS session refreshed");
                Ok(())
            }
            Err(error) if error.is_session_expired() => {
                session.end();
                tracing::warn!(%error, "PERS session ended: the refresh was rejected");
                Err(error)
            }
            Err(error) => Err(error),
        }
    }

    async fn post_refresh(&self, body: &Value) -> Result<RawResponse, ApiError> {
        let url = self.endpoint(REFRESH_PATH);
        let request = self.request(Method::POST, url.clone()).json(body);
        send(request, &url).await
    }
}

/// Decodes a refresh response. A 400, 401 or 403 becomes the session-expired error, keeping the
/// server's detail and correlation id.
fn refresh_tokens(response: &RawResponse) -> Result<TokenPair, ApiError> {
    match response.json::<TokenPair>(REFRESH_PATH, BodySecrecy::Secret) {
        Err(error) if matches!(response.status, 400 | 401 | 403) => {
            Err(ApiError::session_expired_from(&error))
        }
        other => other,
    }
}

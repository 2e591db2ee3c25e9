//! Session creation (`POST /auth/token`) and refresh (`POST /auth/refresh`).

use reqwest::Method;
use serde_json::json;

use crate::client::{ApiClient, send};
use crate::error::ApiError;
use crate::response::BodySecrecy;
use crate::secret::Secret;
use crate::session::{AuthType, Session, TokenPair};

const TOKEN_PATH: &str = "/auth/token";
const REFRESH_PATH: &str = "/auth/refresh";

impl ApiClient {
    /// Exchanges an identity provider token for a PERS session (`POST /auth/token`).
    ///
    /// `business_id` is sent as `context.businessId`. A business sign-in without it, for an
    /// account in several businesses, fails with
    /// [`ApiError::MultipleContextSelectionRequired`] listing the businesses.
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
        let response = send(self.request(Method::POST, url.clone()).json(&body), &url).await?;
        let tokens: TokenPair = response.json(TOKEN_PATH, BodySecrecy::Secret)?;

        let session = Session::new(auth_type, business_id.map(str::to_owned), tokens);
        tracing::info!(business_id = ?session.business_id(), "PERS session created");
        Ok(session)
    }

    /// Refreshes `session` unless another caller already replaced the access token `seen`.
    ///
    /// Callers wait on the session's refresh lock, so concurrent 401s cause one refresh.
    pub(crate) async fn refresh(&self, session: &Session, seen: &Secret) -> Result<(), ApiError> {
        let _refreshing = session.refresh_lock().lock().await;
        let current = session.tokens();
        if current.access_token != *seen {
            tracing::debug!("another caller already refreshed the session");
            return Ok(());
        }

        let body = json!({
            "accessToken": current.access_token.expose(),
            "refreshToken": current.refresh_token.expose(),
        });
        let url = self.endpoint(REFRESH_PATH);
        let response = send(self.request(Method::POST, url.clone()).json(&body), &url).await?;
        let tokens: TokenPair = response.json(REFRESH_PATH, BodySecrecy::Secret)?;
        session.replace_tokens(tokens);
        tracing::info!(business_id = ?session.business_id(), "PERS session refreshed");
        Ok(())
    }
}

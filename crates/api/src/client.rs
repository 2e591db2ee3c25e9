//! The API client: base URL, project key, and sending requests with the session's token.

use std::fmt;
use std::time::SystemTime;

use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderValue, RETRY_AFTER};
use reqwest::{Method, RequestBuilder};
use serde_json::Value;
use url::Url;

use crate::error::{ApiError, url_without_query};
use crate::pager::PAGE_LIMIT;
use crate::problem::error_from_body;
use crate::response::RawResponse;
use crate::retry::RetryPolicy;
use crate::retry_after::parse_retry_after;
use crate::secret::Secret;
use crate::session::Session;

/// Header that names the tenant on every PERS request.
const PROJECT_KEY_HEADER: &str = "x-project-key";

/// Client for one PERS API base URL and project key. Cheap to clone.
///
/// The client sets its headers per request and never as `reqwest` default headers, so the same
/// `reqwest::Client` can be shared with code that talks to storage hosts. Idempotent calls are
/// retried as its [`RetryPolicy`] allows ([`RetryPolicy::default`] unless
/// [`ApiClient::with_retry_policy`] sets another).
#[derive(Clone)]
pub struct ApiClient {
    http: reqwest::Client,
    base_url: Url,
    project_key: Secret,
    retry_policy: RetryPolicy,
    page_limit: u64,
}

impl fmt::Debug for ApiClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiClient")
            .field("base_url", &self.base_url.as_str())
            .field("retry_policy", &self.retry_policy)
            .field("page_limit", &self.page_limit)
            .finish()
    }
}

impl ApiClient {
    /// Creates a client for `base_url`, such as `https://api.pers.ninja/v2`.
    ///
    /// The URL must be http(s) with a host and no query or fragment; a trailing slash is
    /// removed. Fails with [`ApiError::InvalidBaseUrl`] otherwise. Sends nothing.
    pub fn new(
        http: reqwest::Client,
        base_url: &str,
        project_key: Secret,
    ) -> Result<Self, ApiError> {
        let mut parsed = parse_http_url(base_url)?;
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(invalid_url(
                &parsed,
                "a base URL must not have a query or fragment",
            ));
        }
        let trimmed = parsed.path().trim_end_matches('/').to_owned();
        parsed.set_path(&trimmed);
        Ok(Self {
            http,
            base_url: parsed,
            project_key,
            retry_policy: RetryPolicy::default(),
            page_limit: PAGE_LIMIT,
        })
    }

    /// Returns this client with `limit` as the page size that pagers request (`limit=N`),
    /// raised to 1 when 0. The default is [`PAGE_LIMIT`].
    pub fn with_page_limit(mut self, limit: u64) -> Self {
        self.page_limit = limit.max(1);
        self
    }

    /// Returns the page size that pagers request.
    pub fn page_limit(&self) -> u64 {
        self.page_limit
    }

    /// Returns this client with `policy` for retrying idempotent calls.
    pub fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry_policy = policy;
        self
    }

    /// Returns the policy for retrying idempotent calls.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry_policy
    }

    /// Returns the base URL, without a trailing slash (except for a bare host).
    pub fn base_url(&self) -> &Url {
        &self.base_url
    }

    /// Returns the URL of `path` (such as `/auth/token`) under the base URL.
    pub(crate) fn endpoint(&self, path: &str) -> Url {
        let mut url = self.base_url.clone();
        if let Ok(mut segments) = url.path_segments_mut() {
            segments
                .pop_if_empty()
                .extend(path.split('/').filter(|part| !part.is_empty()));
        }
        url
    }

    /// Starts a request carrying the project key and `Accept: application/json`.
    pub(crate) fn request(&self, method: Method, url: Url) -> RequestBuilder {
        let builder = self
            .http
            .request(method, url)
            .header(ACCEPT, "application/json");
        match HeaderValue::from_str(self.project_key.expose()) {
            Ok(mut value) => {
                value.set_sensitive(true);
                builder.header(PROJECT_KEY_HEADER, value)
            }
            // reqwest turns the invalid value into a builder error, whose message omits it.
            Err(_) => builder.header(PROJECT_KEY_HEADER, self.project_key.expose()),
        }
    }

    /// Sends a request with the session's access token.
    ///
    /// Refreshes first when the token is due (see [`crate::REFRESH_MARGIN`]); when that refresh
    /// fails for a reason other than rejection, the current token is still tried. On a 401 the
    /// session is refreshed once (shared with concurrent callers) and the request is sent once
    /// more. A rejected refresh returns the session-expired error; a refresh that fails
    /// otherwise returns the first 401.
    ///
    /// Returns the final response whatever its status; callers decode it with
    /// [`RawResponse::json`].
    pub(crate) async fn send_with_session(
        &self,
        session: &Session,
        method: Method,
        url: Url,
        path: &str,
        body: Option<&Value>,
    ) -> Result<RawResponse, ApiError> {
        if session.is_ended() {
            return Err(ApiError::session_expired(None, None));
        }
        let mut seen = session.tokens().access_token;
        if session.refresh_is_due() {
            match self.refresh(session, &seen).await {
                Ok(()) => seen = session.tokens().access_token,
                Err(error) if error.is_session_expired() => return Err(error),
                Err(error) => {
                    tracing::warn!(path, %error, "refresh before expiry failed; trying the current token");
                }
            }
        }

        let first = self
            .send_bearer(&seen, method.clone(), url.clone(), body)
            .await?;
        if first.status != 401 {
            return Ok(first);
        }

        let unauthorized = error_from_body(first.status, &first.body, path);
        if let Err(error) = self.refresh(session, &seen).await {
            if error.is_session_expired() {
                return Err(error);
            }
            tracing::warn!(path, %error, "session refresh after a 401 failed");
            return Err(unauthorized);
        }
        let current = session.tokens().access_token;
        self.send_bearer(&current, method, url, body).await
    }

    async fn send_bearer(
        &self,
        access_token: &Secret,
        method: Method,
        url: Url,
        body: Option<&Value>,
    ) -> Result<RawResponse, ApiError> {
        let mut builder = self.request(method, url.clone());
        match HeaderValue::from_str(&format!("Bearer {}", access_token.expose())) {
            Ok(mut value) => {
                value.set_sensitive(true);
                builder = builder.header(AUTHORIZATION, value);
            }
            Err(_) => tracing::warn!("the access token is not a valid header value; sent none"),
        }
        if let Some(body) = body {
            builder = builder.json(body);
        }
        send(builder, &url).await
    }
}

/// Sends `builder` and reads the whole body. `url` names the request in errors, without its
/// query. Sent once: callers that may repeat the request use [`ApiClient::send_retrying`].
pub(crate) async fn send(builder: RequestBuilder, url: &Url) -> Result<RawResponse, ApiError> {
    let response = builder
        .send()
        .await
        .map_err(|error| ApiError::transport(url, error))?;
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get(RETRY_AFTER)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| parse_retry_after(value, SystemTime::now()));
    let body = response
        .bytes()
        .await
        .map_err(|error| ApiError::transport(url, error))?;
    tracing::debug!(url = %url_without_query(url), status, bytes = body.len(), "response");
    Ok(RawResponse {
        status,
        body,
        retry_after,
    })
}

/// Parses an absolute http(s) URL with a host.
pub(crate) fn parse_http_url(value: &str) -> Result<Url, ApiError> {
    let parsed = Url::parse(value.trim()).map_err(|error| ApiError::InvalidBaseUrl {
        value: value.split('?').next().unwrap_or_default().to_owned(),
        reason: format!("not an absolute URL ({error})"),
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        let reason = format!(
            "scheme {} is not supported; use http or https",
            parsed.scheme()
        );
        return Err(invalid_url(&parsed, &reason));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(invalid_url(&parsed, "the URL has no host"));
    }
    Ok(parsed)
}

fn invalid_url(url: &Url, reason: &str) -> ApiError {
    ApiError::InvalidBaseUrl {
        value: url_without_query(url),
        reason: reason.to_owned(),
    }
}

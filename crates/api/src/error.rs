//! The error type of every PERS API call.

use std::error::Error as _;

/// The code PERS returns when a business sign-in matches several memberships.
pub(crate) const MULTIPLE_CONTEXT_CODE: &str = "MULTIPLE_CONTEXT_SELECTION_REQUIRED";

/// The code of the error returned when a session can no longer be refreshed; see
/// [`ApiError::is_session_expired`].
pub const SESSION_EXPIRED_CODE: &str = "SESSION_EXPIRED";

/// A business the account can sign in to, from a `MULTIPLE_CONTEXT_SELECTION_REQUIRED` error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BusinessOption {
    /// Business id to pass as `business_id` to [`crate::ApiClient::create_session`].
    pub business_id: String,
    /// Public name of the business, when the server sent one.
    pub display_name: Option<String>,
    /// Role of the account in that business (`OWNER`, `ADMIN`, `EDITOR`, `VIEWER`), when sent.
    pub role: Option<String>,
}

/// A failed PERS API or identity provider call.
///
/// Messages name the request path and the HTTP status, and never contain a secret: URLs are
/// shown without their query string and response excerpts of secret-bearing endpoints are
/// replaced by their length.
#[derive(thiserror::Error, Debug)]
pub enum ApiError {
    /// The server returned an RFC 7807 problem body, or an error body close to one.
    #[error("{}", problem_message(.path, *.status, .title, .detail, .code, .correlation_id))]
    Problem {
        /// HTTP status of the response.
        status: u16,
        /// Machine-readable PERS code such as `USER_NOT_FOUND`.
        code: Option<String>,
        /// Short summary of the problem type.
        title: Option<String>,
        /// Explanation of this occurrence (`detail`, else `message`).
        detail: Option<String>,
        /// Id to quote to PERS support.
        correlation_id: Option<String>,
        /// Whether the server marks the request as worth retrying. When the body has no
        /// `retryable` field, `Some(false)` for the `VALIDATION`, `SECURITY` and `DOMAIN_RULE`
        /// categories.
        retryable: Option<bool>,
        /// Request path relative to the base URL, such as `/auth/token`, without a query.
        path: String,
    },

    /// A business sign-in matched several businesses; sign in again with one of `options`.
    #[error("{}", multiple_context_message(.options, .correlation_id))]
    MultipleContextSelectionRequired {
        /// Businesses the account belongs to. Empty when the server listed none.
        options: Vec<BusinessOption>,
        /// Id to quote to PERS support.
        correlation_id: Option<String>,
    },

    /// The identity provider rejected the email or password.
    #[error("the email or password is not correct; check both and sign in again")]
    InvalidCredentials,

    /// The response was not the JSON the call expects: an HTML page, an empty or truncated body.
    #[error("{}", unexpected_message(.path, *.status, .excerpt))]
    UnexpectedResponse {
        /// HTTP status of the response.
        status: u16,
        /// Request path relative to the base URL, without a query.
        path: String,
        /// Start of the body, or its length only when the endpoint returns secrets.
        excerpt: String,
    },

    /// The request could not be sent or its response could not be read.
    #[error("request to {url} failed: {}", describe_transport(.source))]
    Transport {
        /// Requested URL without its query string.
        url: String,
        /// The underlying error, with its URL removed.
        source: reqwest::Error,
    },

    /// A base URL or identity URL that cannot be used.
    #[error("invalid base URL {value}: {reason}")]
    InvalidBaseUrl {
        /// The rejected value, without its query string.
        value: String,
        /// Reason for the rejection.
        reason: String,
    },
}

impl ApiError {
    /// Returns the HTTP status of a response error, or `None` for errors that carry no status
    /// (transport, invalid URL, invalid credentials and business selection).
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Problem { status, .. } | Self::UnexpectedResponse { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Returns true when the server returned 401, which means the session is no longer valid
    /// even after a refresh and the user must sign in again.
    pub fn is_unauthorized(&self) -> bool {
        self.status() == Some(401)
    }

    /// Returns true when the session has ended because its refresh was rejected (or a resumed
    /// refresh token was not accepted): the user must sign in again, and work queued on the
    /// session should wait for the new session rather than be dropped.
    ///
    /// The error is [`ApiError::Problem`] with status 401, code [`SESSION_EXPIRED_CODE`] and
    /// path `/auth/refresh`; its detail and correlation id are the server's, when it sent them.
    pub fn is_session_expired(&self) -> bool {
        matches!(self, Self::Problem { code: Some(code), .. } if code == SESSION_EXPIRED_CODE)
    }

    /// Builds the session-expired error.
    pub(crate) fn session_expired(
        server_detail: Option<&str>,
        correlation_id: Option<String>,
    ) -> Self {
        let reason = server_detail.unwrap_or("the session was ended earlier");
        Self::Problem {
            status: 401,
            code: Some(SESSION_EXPIRED_CODE.to_owned()),
            title: Some("Session expired".to_owned()),
            detail: Some(format!(
                "the session has expired and could not be refreshed ({reason}); sign in again"
            )),
            correlation_id,
            retryable: Some(false),
            path: crate::auth::REFRESH_PATH.to_owned(),
        }
    }

    /// Builds the session-expired error from the error of a rejected refresh.
    pub(crate) fn session_expired_from(rejected: &ApiError) -> Self {
        match rejected {
            Self::Problem {
                detail,
                title,
                code,
                correlation_id,
                ..
            } => {
                let server = detail.as_deref().or(title.as_deref()).or(code.as_deref());
                Self::session_expired(server, correlation_id.clone())
            }
            other => Self::session_expired(Some(&other.to_string()), None),
        }
    }

    /// Returns the PERS error code: the problem's `code`, `MULTIPLE_CONTEXT_SELECTION_REQUIRED`,
    /// or `INVALID_LOGIN_CREDENTIALS` for rejected credentials.
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Problem { code, .. } => code.as_deref(),
            Self::MultipleContextSelectionRequired { .. } => Some(MULTIPLE_CONTEXT_CODE),
            Self::InvalidCredentials => Some("INVALID_LOGIN_CREDENTIALS"),
            _ => None,
        }
    }

    /// Builds a transport error, removing the URL (and so any query) from the reqwest error.
    pub(crate) fn transport(url: &url::Url, source: reqwest::Error) -> Self {
        Self::Transport {
            url: url_without_query(url),
            source: source.without_url(),
        }
    }
}

/// Returns `url` as text without its query string and fragment.
pub(crate) fn url_without_query(url: &url::Url) -> String {
    let mut shown = url.clone();
    shown.set_query(None);
    shown.set_fragment(None);
    shown.to_string()
}

fn problem_message(
    path: &str,
    status: u16,
    title: &Option<String>,
    detail: &Option<String>,
    code: &Option<String>,
    correlation_id: &Option<String>,
) -> String {
    let explanation = detail
        .as_deref()
        .or(title.as_deref())
        .unwrap_or("no detail given");
    let mut message = format!("PERS API {path} failed with status {status}: {explanation}");
    if let Some(code) = code {
        message.push_str(&format!(" (code {code})"));
    }
    message.push_str(&correlation_suffix(correlation_id));
    message
}

fn multiple_context_message(options: &[BusinessOption], correlation_id: &Option<String>) -> String {
    let names: Vec<&str> = options
        .iter()
        .map(|option| {
            option
                .display_name
                .as_deref()
                .unwrap_or(&option.business_id)
        })
        .collect();
    let listed = if names.is_empty() {
        "none listed".to_owned()
    } else {
        names.join(", ")
    };
    format!(
        "the account belongs to several businesses ({listed}); choose one and sign in again{}",
        correlation_suffix(correlation_id)
    )
}

fn correlation_suffix(correlation_id: &Option<String>) -> String {
    match correlation_id {
        Some(id) => format!(". Correlation id {id}: quote it when contacting PERS support"),
        None => String::new(),
    }
}

fn unexpected_message(path: &str, status: u16, excerpt: &str) -> String {
    if excerpt.is_empty() {
        return format!("PERS API {path} returned status {status} with an empty body");
    }
    format!(
        "PERS API {path} returned status {status} with a body that is not the expected JSON: \
         {excerpt}"
    )
}

/// Describes a reqwest error by its kind and innermost cause, which carry no URL.
fn describe_transport(error: &reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect (check that the server runs and the URL is right)"
    } else if error.is_builder() {
        "the request could not be built"
    } else if error.is_body() || error.is_decode() {
        "the response body could not be read"
    } else {
        "the request could not be completed"
    };
    let mut cause: Option<&dyn std::error::Error> = error.source();
    let mut innermost = None;
    while let Some(current) = cause {
        innermost = Some(current);
        cause = current.source();
    }
    match innermost {
        Some(root) => format!("{kind}: {root}"),
        None => kind.to_owned(),
    }
}

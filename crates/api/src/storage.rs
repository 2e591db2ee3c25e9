//! Requests for signed storage URLs (`POST /files/entity-storage-url`).

use std::fmt;

use serde::Serialize;

use crate::entity::EntityType;

/// HTTP method a signed URL is valid for.
#[derive(Clone, Copy, Serialize, PartialEq, Eq, Hash, Debug)]
#[serde(rename_all = "UPPERCASE")]
pub enum SignedUrlMethod {
    /// Upload a file.
    Put,
    /// Download a file.
    Get,
}

/// Request for a signed URL to one file of one entity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StorageUrlRequest {
    /// Kind of entity the file belongs to.
    pub entity_type: EntityType,
    /// Id of that entity.
    pub entity_id: String,
    /// Method the URL is signed for.
    pub method: SignedUrlMethod,
    /// File extension such as `png`; a leading dot is removed before sending.
    pub file_extension: String,
    /// File name without extension. `None` lets the server pick one, so a later GET cannot
    /// name the file.
    pub file_name: Option<String>,
}

/// JSON body of `POST /files/entity-storage-url`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct StorageUrlBody<'a> {
    entity_type: EntityType,
    entity_id: &'a str,
    signed_url_type: SignedUrlMethod,
    file_extension: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    file_name: Option<&'a str>,
}

impl<'a> From<&'a StorageUrlRequest> for StorageUrlBody<'a> {
    fn from(request: &'a StorageUrlRequest) -> Self {
        Self {
            entity_type: request.entity_type,
            entity_id: &request.entity_id,
            signed_url_type: request.method,
            file_extension: request.file_extension.trim_start_matches('.'),
            file_name: request.file_name.as_deref(),
        }
    }
}

/// A presigned storage URL. Its query string is a credential, so `Debug` and `Display` show
/// only `scheme://host[:port]/path`.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedUrl {
    full: String,
    shown: String,
}

impl SignedUrl {
    /// Wraps a URL returned by the server. Fails, with the reason, unless `value` is an
    /// absolute https URL, or an http URL to a loopback host (127.0.0.0/8, `::1`, `localhost`)
    /// as the sandbox issues. The same rule as `pers_transfer::SignedUrl::parse`.
    pub(crate) fn parse(value: &str) -> Result<Self, String> {
        let parsed =
            url::Url::parse(value).map_err(|error| format!("not an absolute URL ({error})"))?;
        match parsed.scheme() {
            "https" => {}
            "http" if is_loopback(&parsed) => {}
            "http" => return Err("http is allowed only to a loopback host; use https".to_owned()),
            other => return Err(format!("scheme {other} is not allowed; use https")),
        }
        let host = parsed.host_str().unwrap_or_default();
        let port = parsed
            .port()
            .map(|port| format!(":{port}"))
            .unwrap_or_default();
        let shown = format!("{}://{host}{port}{}", parsed.scheme(), parsed.path());
        Ok(Self {
            full: value.to_owned(),
            shown,
        })
    }

    /// Returns the full URL, query included, for the one request that uses it.
    pub fn expose(&self) -> &str {
        &self.full
    }
}

impl fmt::Debug for SignedUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SignedUrl({})", self.shown)
    }
}

impl fmt::Display for SignedUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown)
    }
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(address)) => address.is_loopback(),
        Some(url::Host::Ipv6(address)) => address.is_loopback(),
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

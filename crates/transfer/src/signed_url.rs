//! Validated signed storage URLs.

use std::fmt;
use std::net::IpAddr;

use url::{Host, Url};

use crate::error::TransferError;

/// A presigned storage URL: https to any host, or plain http to a loopback host
/// (`127.0.0.0/8`, `::1`, `localhost`) for local stores.
///
/// `Debug` and `Display` show only `scheme://host[:port]/path`, never the query.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedUrl {
    url: Url,
    shown: String,
}

impl SignedUrl {
    /// Parses and checks `value`.
    ///
    /// Fails with [`TransferError::InvalidUrl`] for text that is not an absolute URL, for
    /// schemes other than https and loopback http, and for URLs with a user name or password
    /// (reqwest would send those as an `Authorization` header). The reason never quotes the
    /// query.
    pub fn parse(value: &str) -> Result<Self, TransferError> {
        let url = Url::parse(value.trim()).map_err(|error| TransferError::InvalidUrl {
            reason: format!("not an absolute URL ({error})"),
        })?;
        let host = url.host().ok_or_else(|| invalid("the URL has no host"))?;
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&host) => {}
            "http" => {
                return Err(invalid(&format!(
                    "plain http is allowed only to a loopback host, not {host}; use https"
                )));
            }
            other => {
                return Err(invalid(&format!(
                    "scheme {other} is not allowed; use https"
                )));
            }
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid("the URL must not contain a user name or password"));
        }
        let shown = shown_form(&url);
        Ok(Self { url, shown })
    }

    /// Returns the full URL, query included, for the request that uses it.
    pub(crate) fn url(&self) -> &Url {
        &self.url
    }

    /// Returns the URL without its query, as shown in errors and logs.
    pub(crate) fn shown(&self) -> &str {
        &self.shown
    }
}

fn invalid(reason: &str) -> TransferError {
    TransferError::InvalidUrl {
        reason: reason.to_owned(),
    }
}

fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
        Host::Ipv4(address) => IpAddr::V4(*address).is_loopback(),
        Host::Ipv6(address) => IpAddr::V6(*address).is_loopback(),
    }
}

fn shown_form(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    let port = url
        .port()
        .map(|port| format!(":{port}"))
        .unwrap_or_default();
    format!("{}://{host}{port}{}", url.scheme(), url.path())
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

//! The request log: one record per request the API server or the store answered.

use std::collections::VecDeque;
use std::sync::Mutex;

use http::HeaderMap;
use serde::Serialize;

/// Maximum number of records kept; older records are dropped first.
pub(crate) const MAX_RECORDS: usize = 100_000;

/// Headers whose values are credentials. Their values are replaced by [`REDACTED`].
const SECRET_HEADERS: [&str; 7] = [
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-project-key",
    "x-amz-security-token",
    "x-sandbox-control-token",
];

/// Placeholder for a secret header value.
pub const REDACTED: &str = "<redacted>";

/// Server that answered a request.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ServerKind {
    /// The API server: identity provider and `/v2`.
    Api,
    /// The S3 store.
    Storage,
}

/// One answered request. It contains no secret: credential headers are redacted and the query
/// string is reduced to its parameter names, because presigned URLs carry signatures there.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct RequestRecord {
    /// Server that answered.
    pub server: ServerKind,
    /// HTTP method, such as `GET`.
    pub method: String,
    /// Request path without the query, such as `/v2/auth/refresh`.
    pub path: String,
    /// Names of the query parameters, in order.
    pub query_keys: Vec<String>,
    /// Status sent, or 0 when no response was sent: a fault closed the connection first, or
    /// the client closed it (fault `clientClosed`).
    pub status: u16,
    /// Request headers with lowercase names; secret values are [`REDACTED`].
    pub headers: Vec<(String, String)>,
    /// Name of the injected fault that shaped the answer, if any.
    pub fault: Option<String>,
}

impl RequestRecord {
    /// Returns whether the request carried header `name` (ignoring ASCII case).
    pub fn has_header(&self, name: &str) -> bool {
        self.headers
            .iter()
            .any(|(header, _)| header.eq_ignore_ascii_case(name))
    }
}

/// What a request looked like before it was answered.
pub(crate) struct RequestFacts {
    pub server: ServerKind,
    pub method: String,
    pub path: String,
    pub query_keys: Vec<String>,
    pub headers: Vec<(String, String)>,
}

impl RequestFacts {
    /// Reads the method, path, query names and redacted headers of a request.
    pub fn read(
        server: ServerKind,
        method: &http::Method,
        uri: &http::Uri,
        headers: &HeaderMap,
    ) -> Self {
        let query_keys = url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
            .map(|(key, _)| key.into_owned())
            .collect();
        Self {
            server,
            method: method.as_str().to_owned(),
            path: uri.path().to_owned(),
            query_keys,
            headers: redacted_headers(headers),
        }
    }

    /// Completes the record with the status sent and the fault applied.
    pub fn finish(self, status: u16, fault: Option<&str>) -> RequestRecord {
        RequestRecord {
            server: self.server,
            method: self.method,
            path: self.path,
            query_keys: self.query_keys,
            status,
            headers: self.headers,
            fault: fault.map(str::to_owned),
        }
    }
}

fn redacted_headers(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            let name = name.as_str().to_ascii_lowercase();
            let shown = if SECRET_HEADERS.contains(&name.as_str()) {
                REDACTED.to_owned()
            } else {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            };
            (name, shown)
        })
        .collect()
}

/// Records kept in arrival order, at most [`MAX_RECORDS`].
#[derive(Default)]
pub(crate) struct RequestLog {
    records: Mutex<VecDeque<RequestRecord>>,
}

impl RequestLog {
    pub fn push(&self, record: RequestRecord) {
        let mut records = self.lock();
        if records.len() == MAX_RECORDS {
            records.pop_front();
        }
        records.push_back(record);
    }

    pub fn snapshot(&self) -> Vec<RequestRecord> {
        self.lock().iter().cloned().collect()
    }

    pub fn clear(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<RequestRecord>> {
        self.records
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

//! The transfer client.

/// Uploads and downloads over signed URLs with one shared `reqwest::Client`. Cheap to clone.
///
/// Give it a client without default headers: reqwest adds a client's default headers to every
/// request, and this type cannot remove them.
#[derive(Clone, Debug)]
pub struct Transfer {
    pub(crate) http: reqwest::Client,
}

impl Transfer {
    /// Wraps `http`. Timeouts and proxies are whatever `http` was built with.
    pub fn new(http: reqwest::Client) -> Self {
        Self { http }
    }
}

//! Preconditions of a PUT, as Amazon S3 conditional writes define them.

use reqwest::header::{IF_MATCH, IF_NONE_MATCH};

/// A precondition that the store checks before it writes an object.
///
/// The headers are not part of a presigned URL's signature, and S3 accepts unsigned extra
/// headers on a presigned PUT. A store that does not implement conditional writes may ignore
/// them and write anyway, so a caller that needs the guarantee must still check the result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WriteCondition {
    /// Write only if the stored object's ETag is this one (`If-Match`), for example the ETag of
    /// the object as it was read. Pass the ETag verbatim, quotes included.
    IfMatch(String),
    /// Write only if no object is stored under the key (`If-None-Match: *`).
    IfAbsent,
}

impl WriteCondition {
    /// Adds the condition's header to `request`.
    pub(crate) fn apply(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match self {
            Self::IfMatch(etag) => request.header(IF_MATCH, etag),
            Self::IfAbsent => request.header(IF_NONE_MATCH, "*"),
        }
    }
}

//! Streaming PUT and size-capped GET against signed storage URLs.
//!
//! The crate handles signed URLs and bytes and has no PERS logic. It never adds an
//! `Authorization` or `x-project-key` header: a request carries only the headers set here
//! (`Content-Type` and `Content-Length` on PUT, and `If-Match` or `If-None-Match` on a
//! conditional PUT) and the default headers of the `reqwest::Client` it was given, which should
//! have none. A [`SignedUrl`]'s query string is a credential, so `Debug`, `Display`, logs and
//! errors show only `scheme://host[:port]/path`.

mod condition;
mod error;
mod get;
mod probe;
mod put;
mod retry_after;
mod s3_error;
mod signed_url;
mod transfer;

pub use condition::WriteCondition;
pub use error::TransferError;
pub use get::StoredObject;
pub use probe::ObjectProbe;
pub use put::PutOutcome;
pub use signed_url::SignedUrl;
pub use transfer::Transfer;

//! Streaming PUT and size-capped GET against signed storage URLs.
//!
//! The crate knows signed URLs and bytes, not PERS: it never adds an `Authorization` or
//! `x-project-key` header, and every request carries only the headers set here
//! (`Content-Type` and `Content-Length` on PUT). A [`SignedUrl`]'s query string is a
//! credential, so `Debug`, `Display`, logs and errors show only `scheme://host[:port]/path`.

mod error;
mod get;
mod put;
mod s3_error;
mod signed_url;
mod transfer;

pub use error::TransferError;
pub use put::PutOutcome;
pub use signed_url::SignedUrl;
pub use transfer::Transfer;

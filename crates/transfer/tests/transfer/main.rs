//! Integration tests of pers-transfer: against loopback servers with scripted replies, and
//! against the sandbox's signature-checking S3 store.
#![allow(clippy::unwrap_used, missing_docs)]

mod get;
mod put;
mod sandbox;
mod signed_url;
mod support;

use pers_transfer::{SignedUrl, Transfer};

use support::MockServer;

/// Query parameters that stand in for a real signature.
pub const QUERY: &str = "X-Amz-Credential=AKIA%2Fsecret&X-Amz-Signature=cafebabesecret";

pub fn signed_url(server: &MockServer, path: &str) -> SignedUrl {
    SignedUrl::parse(&format!("{}{path}?{QUERY}", server.url)).unwrap()
}

pub fn transfer() -> Transfer {
    Transfer::new(reqwest::Client::new())
}

/// Asserts that neither `Display` nor `Debug` of `value` contains the signature.
pub fn assert_no_query<T: std::fmt::Display + std::fmt::Debug>(value: &T) {
    let shown = format!("{value} {value:?}");
    assert!(!shown.contains("cafebabe"), "signature leaked: {shown}");
    assert!(!shown.contains("X-Amz"), "query leaked: {shown}");
}

//! Whole flows of the core against the sandbox on a free port: sign in, upload, list, download.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod sign_in;
mod support;

mod control;
mod crash;
mod faults;
mod names;
mod shared_manifest;
mod upload_corpus;
mod upload_rules;

//! Integration tests of the sandbox: each module covers one operation, against a sandbox started
//! in-process on free ports with a temporary data dir.

#![allow(clippy::unwrap_used)]

mod binary;
mod businesses;
mod campaigns;
mod common;
mod conditional_writes;
mod contract;
mod entities;
mod entity_storage_url;
mod faults;
mod page_envelopes;
mod problems;
mod refresh;
mod request_log;
mod restart;
mod sign_in;
mod signed_urls;
mod storage_faults;
mod tokens;

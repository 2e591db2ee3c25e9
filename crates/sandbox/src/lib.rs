//! A local PERS-compatible API with an identity provider and an embedded S3 store.
//!
//! [`start`] runs two loopback servers in the current tokio runtime:
//!
//! - the API server: `POST /identity/v1/accounts:signInWithPassword` (a Firebase-style identity
//!   provider) and the PERS operations under `/v2` (auth, campaigns, tokens, businesses and
//!   signed storage URLs), with RFC 7807 problem bodies for every error;
//! - the S3 store: s3s-fs over `data_dir/store`, which checks SigV4 signatures, so expired,
//!   tampered and wrong-method URLs and wrong content types are rejected as real S3 would.
//!
//! The data dir contains `seed.json` (the demo tenant, businesses, campaigns, tokens, redemptions,
//! users and accounts), `keys.json` (project key, token signing key and store credentials, mode
//! 0600) and the stored objects. Everything is created on first start and reused afterwards.
//!
//! For tests, [`Sandbox::faults`] (or the `/__sandbox` endpoints on the API server, guarded by
//! the control token of the startup line) injects failures, latency and dropped connections,
//! shortens token and signed URL lifetimes, sets the rate limit (10,000 `/v2` requests per hour
//! per project key by default), chooses the [`PageEnvelope`] of list pages, turns strict refresh
//! on and reads the request log of both servers. Refresh tokens are single-use: a refresh
//! that reuses one is rejected with 401 `REFRESH_TOKEN_REUSED`.
//!
//! Logging uses `tracing`. The sandbox never logs tokens, keys or signed URL query strings, but
//! s3s logs each request URI at debug, signature included: an embedding application should keep
//! the `s3s` and `s3s_fs` targets at `info` or above.

mod claims;
mod conditional;
mod config;
mod control;
mod data_file;
mod error;
mod info;
mod jwt;
mod keys;
mod model;
mod page_envelope;
mod presign;
mod problem;
mod refresh_rotation;
mod routes;
mod sandbox;
mod seed;
mod session;
mod state;
mod storage_request;
mod store;

pub use config::{
    DEFAULT_ACCESS_TOKEN_TTL, DEFAULT_REFRESH_TOKEN_TTL, DEFAULT_SIGNED_URL_TTL, SandboxConfig,
};
pub use control::{
    CONTROL_TOKEN_HEADER, DEFAULT_RATE_LIMIT, DEFAULT_RATE_WINDOW, Fault, Faults, REDACTED,
    RequestRecord, Route, ServerKind,
};
pub use error::SandboxError;
pub use info::{DemoAccount, SandboxInfo};
pub use page_envelope::PageEnvelope;
pub use sandbox::{Sandbox, start};

//! Client for the PERS REST API v2, as used by the asset manager.
//!
//! Terms:
//! - The *project key* (`x-project-key`) names the tenant and goes on every request.
//! - An *identity token* comes from the identity provider (Firebase Auth's REST API, see
//!   [`identity`]) and is exchanged for a PERS [`Session`] by [`ApiClient::create_session`].
//! - A session contains a PERS access token (a JWT sent as `Authorization: Bearer`) and a refresh
//!   token. Every call taking a `&Session` refreshes the pair shortly before the token's `exp`
//!   (see [`REFRESH_MARGIN`]) and once on a 401, then retries once. Concurrent calls share one
//!   refresh. A rejected refresh ends the session with an error for which
//!   [`ApiError::is_session_expired`] is true. A refresh may replace the refresh token, and
//!   [`Session::refresh_token_updates`] sends each new one to the caller that stores it.
//! - Idempotent calls (`GET` reads and listings, `POST /files/entity-storage-url`) are retried
//!   on 429, 502, 503, 504 and transport errors, as [`RetryPolicy`] describes.
//!   [`build_http_client`] builds a `reqwest` client with connect and request timeouts.
//! - A [`SignedUrl`] is an S3 presigned URL for one entity file. Its query string is a
//!   credential, so `Debug` and `Display` show only the scheme, host and path.
//!
//! Secrets ([`Secret`], [`SignedUrl`], tokens inside [`Session`]) never appear in `Debug`
//! output, logs or error messages.

mod auth;
mod business;
mod campaign;
mod client;
mod entities;
mod entity;
mod error;
mod files;
mod http;
pub mod identity;
mod image;
mod lenient;
mod listing;
mod pager;
mod pagination;
mod problem;
mod redemption;
mod response;
mod retry;
mod retry_after;
mod secret;
mod session;
mod storage;
mod tenant;
mod token;
mod user;

pub use business::Business;
pub use campaign::Campaign;
pub use client::ApiClient;
pub use entity::{EntitySummary, EntityType};
pub use error::{ApiError, BusinessOption, SESSION_EXPIRED_CODE};
pub use http::{
    CONNECT_TIMEOUT, REQUEST_TIMEOUT, build_http_client, build_http_client_with_timeouts,
};
pub use image::{ImageUpdate, ImageUpdateSupport};
pub use pager::{ListItem, MAX_PAGES, PAGE_LIMIT, Pager};
pub use redemption::{Redemption, RedemptionType};
pub use retry::{RETRY_STATUSES, RetryPolicy};
pub use secret::Secret;
pub use session::{AuthType, REFRESH_MARGIN, RefreshTokenUpdate, Session};
pub use storage::{SignedUrl, SignedUrlMethod, StorageUrlRequest};
pub use tenant::Tenant;
pub use token::{Token, TokenMetadata};
pub use user::User;

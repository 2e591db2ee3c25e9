//! Settings for one sandbox instance.

use std::path::PathBuf;
use std::time::Duration;

use crate::control::{DEFAULT_RATE_LIMIT, DEFAULT_RATE_WINDOW};
use crate::page_envelope::PageEnvelope;

/// Default lifetime of a presigned storage URL: 15 minutes.
pub const DEFAULT_SIGNED_URL_TTL: Duration = Duration::from_secs(15 * 60);

/// Default lifetime of an access token: 15 minutes, as PERS documents.
pub const DEFAULT_ACCESS_TOKEN_TTL: Duration = Duration::from_secs(15 * 60);

/// Default lifetime of a refresh token: 1 day, as PERS documents.
pub const DEFAULT_REFRESH_TOKEN_TTL: Duration = Duration::from_secs(24 * 60 * 60);

/// Default [`SandboxConfig::fault_seed`].
pub const DEFAULT_FAULT_SEED: u64 = 0x5EED;

/// Settings for [`crate::start`].
#[derive(Clone, Debug)]
pub struct SandboxConfig {
    /// Port of the API server on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Folder for the seed data, generated keys and stored objects. It is created when missing.
    pub data_dir: PathBuf,
    /// Lifetime of presigned storage URLs. At least 1 second; values over 7 days are capped at
    /// 7 days, the limit of real S3.
    pub signed_url_ttl: Duration,
    /// Lifetime of access tokens issued by `/v2/auth/token` and `/v2/auth/refresh`.
    pub access_token_ttl: Duration,
    /// Lifetime of refresh tokens.
    pub refresh_token_ttl: Duration,
    /// `/v2` requests allowed per project key in each `rate_window`; later ones get 429.
    pub rate_limit: u32,
    /// Length of the rate limit window.
    pub rate_window: Duration,
    /// Seed of the generator that picks which store requests a percentage fault hits, so a
    /// run with the same seed and request order hits the same requests.
    pub fault_seed: u64,
    /// Shape of paginated list responses.
    pub page_envelope: PageEnvelope,
    /// Whether `POST /v2/auth/refresh` requires `accessToken` besides `refreshToken`.
    pub strict_refresh: bool,
    /// Whether a refresh token can be exchanged only once (rotation). On by default; off
    /// serves a provider that accepts the same refresh token until it expires.
    pub single_use_refresh_tokens: bool,
}

impl SandboxConfig {
    /// Creates a configuration for `data_dir` with port 0 (a free port), the default
    /// lifetimes (15 minutes for signed URLs and access tokens, 1 day for refresh tokens) and
    /// the documented rate limit of 10,000 requests per hour, [`PageEnvelope::DataPagination`]
    /// strict refresh off and single-use refresh tokens.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            port: 0,
            data_dir: data_dir.into(),
            signed_url_ttl: DEFAULT_SIGNED_URL_TTL,
            access_token_ttl: DEFAULT_ACCESS_TOKEN_TTL,
            refresh_token_ttl: DEFAULT_REFRESH_TOKEN_TTL,
            rate_limit: DEFAULT_RATE_LIMIT,
            rate_window: DEFAULT_RATE_WINDOW,
            fault_seed: DEFAULT_FAULT_SEED,
            page_envelope: PageEnvelope::default(),
            strict_refresh: false,
            single_use_refresh_tokens: true,
        }
    }
}

//! Requests and results the front ends exchange with the core.

use pers_api::{AuthType, EntityType};
use serde::{Deserialize, Serialize};

/// The environment and credentials the sign-in screen sends.
#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignInRequest {
    /// `sandbox`, `production` or `custom`; with the project key it scopes the local catalog.
    pub environment: String,
    /// The PERS API base URL, for example `https://api.pers.ninja/v2`.
    pub base_url: String,
    /// The identity provider's `accounts:signInWithPassword` URL; unused with a provider token.
    #[serde(default)]
    pub identity_url: String,
    /// The tenant's project key (`x-project-key`).
    pub project_key: String,
    /// The account's email; unused with a provider token, except for display.
    #[serde(default)]
    pub email: String,
    /// The account's password; used once and not kept.
    #[serde(default)]
    pub password: String,
    /// A token from the tenant's own identity provider, pasted by the user. When set, it is
    /// exchanged at `POST /auth/token` as it is, and the email and password are not used.
    #[serde(default)]
    pub provider_token: Option<String>,
    /// `tenant` for tenant admins, `business` for business staff.
    pub kind: AuthType,
    /// The business to act for, when the account belongs to several.
    #[serde(default)]
    pub business_id: Option<String>,
}

impl std::fmt::Debug for SignInRequest {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("SignInRequest")
            .field("environment", &self.environment)
            .field("base_url", &self.base_url)
            .field("email", &self.email)
            .field("kind", &self.kind)
            .field("business_id", &self.business_id)
            .field(
                "provider_token",
                &self.provider_token.as_ref().map(|_| "<redacted>"),
            )
            .finish_non_exhaustive()
    }
}

/// The signed-in account and its environment.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    /// The environment given at sign-in.
    pub environment: String,
    /// The API base URL.
    pub base_url: String,
    /// The signed-in account's email.
    pub email: String,
    /// The session kind.
    pub kind: AuthType,
    /// The business a staff session acts for.
    pub business_id: Option<String>,
    /// That business's display name, when it could be read.
    pub business_name: Option<String>,
}

/// An entity that files belong to.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EntityRef {
    /// The entity type, as the files endpoint names it.
    pub entity_type: EntityType,
    /// The entity id.
    pub id: String,
}

impl std::fmt::Display for EntityRef {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "{}/{}", self.entity_type.as_str(), self.id)
    }
}

/// The source of a gallery listing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum GallerySource {
    /// The shared manifest on the server, as every user sees it.
    Shared,
    /// The local catalog, because the shared manifest could not be read.
    Local,
}

/// An entity's assets.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Gallery {
    /// The assets, newest first.
    pub items: Vec<GalleryItem>,
    /// The source of the list.
    pub source: GallerySource,
    /// A sentence for the user when the list may be incomplete.
    pub notice: Option<String>,
}

/// One asset of a gallery.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GalleryItem {
    /// The stored name with extension.
    pub file_name: String,
    /// The name the file had when it was dropped.
    pub original_name: String,
    /// The stored content type.
    pub content_type: String,
    /// The stored size, in bytes.
    pub size_bytes: u64,
    /// Width in pixels, for images.
    pub width: Option<u32>,
    /// Height in pixels, for images.
    pub height: Option<u32>,
    /// When it was uploaded, RFC 3339.
    pub uploaded_at: String,
    /// Who uploaded it.
    pub uploaded_by: Option<String>,
    /// Hex SHA-256 of the stored bytes.
    pub sha256: String,
    /// The cache key of its thumbnail, when one could be made.
    pub thumbnail_key: Option<String>,
    /// The reason there is no thumbnail, when there is none.
    pub thumbnail_error: Option<String>,
}

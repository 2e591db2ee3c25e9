//! The response shapes that the PERS API v2 documentation gives for the endpoints the asset
//! manager uses.
//!
//! Field names, JSON types and required marks follow its DTO descriptions (TokenDTO, UserDTO and
//! the others; PERS doc versions 1.8 to 2.3.8). Types the documentation leaves out are
//! those of its examples: ids, names, URLs and dates are strings, flags are booleans. A field
//! is `Required` only where the documentation marks it so, or where a response is only its fields
//! (the token pair, the signed URL). Objects the documentation leaves open are not checked here:
//! the paginated envelope (`PaginatedResponseDTO`, field names not published), the
//! `MULTIPLE_CONTEXT_SELECTION_REQUIRED` payload and the TokenMetadataDTO fields.

use super::shape::Kind::{
    Array, Bool, NullableArray, NullableNumber, NullableString, Number, Object, String,
};
use super::shape::Presence::{Optional, Required};
use super::shape::Shape;

/// `POST /auth/token` and `POST /auth/refresh`: `{accessToken, refreshToken}`.
pub const TOKEN_PAIR: Shape = Shape {
    name: "TokenPair",
    fields: &[
        ("accessToken", String, Required),
        ("refreshToken", String, Required),
    ],
    sandbox_extras: &[],
};

/// `POST /files/entity-storage-url`: `{signedUrl}` and no other field.
pub const SIGNED_URL: Shape = Shape {
    name: "EntityStorageUrl",
    fields: &[("signedUrl", String, Required)],
    sandbox_extras: &[],
};

/// RFC 7807 `StructuredError`. The documentation lists every field but marks only `details` as
/// optional. `target` comes with validation errors only and `userMessage` is from an older
/// revision, so both are optional here, and so is `domain`, which the sandbox does not send.
pub const PROBLEM: Shape = Shape {
    name: "StructuredError",
    fields: &[
        ("status", Number, Required),
        ("title", String, Required),
        ("detail", String, Required),
        ("message", String, Required),
        ("code", String, Required),
        ("category", String, Required),
        ("timestamp", String, Required),
        ("correlationId", String, Required),
        ("retryable", Bool, Required),
        ("domain", String, Optional),
        ("details", Object, Optional),
        ("target", String, Optional),
        ("userMessage", String, Optional),
    ],
    sandbox_extras: &[],
};

/// A campaign of `GET /campaigns` (1.8 example, confirmed in part for 2.x).
pub const CAMPAIGN: Shape = Shape {
    name: "Campaign",
    fields: &[
        ("id", String, Required),
        ("name", String, Optional),
        ("description", String, Optional),
        ("beneficiaryAccountAddress", String, Optional),
        ("startDate", String, Optional),
        ("endDate", String, Optional),
        ("imageUrl", String, Optional),
        ("externalUrl", String, Optional),
        ("isActive", Bool, Optional),
        ("isTestnet", Bool, Optional),
        ("trigger", Object, Optional),
        ("tokenUnits", Array, Optional),
    ],
    // `businessId` is the owner, a documented query parameter of GET /campaigns; the sandbox
    // sends it so tenant sessions can find campaign owners without GET /businesses.
    sandbox_extras: &["businessId", "createdAt"],
};

/// TokenDTO of `GET /tokens` (2.0.2 and 2.0.7).
pub const TOKEN: Shape = Shape {
    name: "TokenDTO",
    fields: &[
        ("id", String, Required),
        ("contractAddress", String, Required),
        ("metadata", NullableArray, Optional),
        ("abi", Object, Required),
        ("chainId", Number, Required),
        ("abiUrl", Object, Required),
        ("name", String, Optional),
        ("symbol", String, Optional),
        ("decimals", NullableNumber, Optional),
        ("isActive", Bool, Optional),
        ("isGallery", Bool, Optional),
        ("type", String, Optional),
    ],
    sandbox_extras: &[],
};

/// A redemption of `GET /redemptions` and `GET /redemptions/{id}` (2.0.7 example).
pub const REDEMPTION: Shape = Shape {
    name: "Redemption",
    fields: &[
        ("id", String, Required),
        ("name", String, Optional),
        ("description", String, Optional),
        ("imageUrl", String, Optional),
        ("isActive", Bool, Optional),
        ("creditTokenAmount", Number, Optional),
        ("type", Object, Optional),
        ("tokenUnits", Array, Optional),
        ("order", Number, Optional),
        ("supply", Object, Optional),
        ("maxPerUser", Number, Optional),
        ("minUserStatusType", Object, Optional),
        ("countryCodeRestrictions", Array, Optional),
        ("tags", Array, Optional),
    ],
    sandbox_extras: &[],
};

/// The `type` object of a redemption, as in `GET /redemptions/types`: `{id:number, name,
/// description, imageUrl}`.
pub const REDEMPTION_TYPE: Shape = Shape {
    name: "RedemptionType",
    fields: &[
        ("id", Number, Optional),
        ("name", String, Optional),
        ("description", String, Optional),
        ("imageUrl", String, Optional),
    ],
    sandbox_extras: &[],
};

/// A business of `GET /businesses/me` and `GET /businesses/{id}` (2.0.7 to 2.2.2). The image
/// field's JSON name is not published; the documentation calls `imageUrl` the most likely.
pub const BUSINESS: Shape = Shape {
    name: "Business",
    fields: &[
        ("id", String, Required),
        ("email", NullableString, Optional),
        ("accountAddress", String, Optional),
        ("businessLegalName", String, Optional),
        ("displayName", String, Optional),
        ("description", String, Optional),
        ("website", String, Optional),
        ("imageUrl", String, Optional),
        ("currentSigningAccountId", String, Optional),
        ("wallets", Array, Optional),
    ],
    // The documentation lists no active flag for businesses; the sandbox sends one like the other
    // entities, and the client reads it as optional.
    sandbox_extras: &["isActive"],
};

/// TenantDTO of `GET /tenants/{id}` and `GET /tenants/public`.
pub const TENANT: Shape = Shape {
    name: "TenantDTO",
    fields: &[
        ("id", String, Required),
        ("projectName", String, Optional),
        ("acronym", String, Optional),
        ("createdAt", String, Optional),
        ("projectDescription", String, Optional),
        ("projectWebsite", String, Optional),
        ("projectEmail", String, Optional),
        ("projectImageUrl", String, Optional),
        ("projectApiKey", String, Optional),
        ("testnetProjectApiKey", String, Optional),
        ("stripeApiKey", String, Optional),
        ("stripeWebhookSecret", String, Optional),
    ],
    sandbox_extras: &[],
};

/// UserDTO of the admin listing `GET /users` (2.2.2). It has no image field.
pub const USER: Shape = Shape {
    name: "UserDTO",
    fields: &[
        ("id", String, Required),
        ("email", NullableString, Optional),
        ("identifierEmail", String, Optional),
        ("firstName", String, Optional),
        ("lastName", String, Optional),
        ("externalId", String, Optional),
        ("accountAddress", String, Optional),
        ("instagramAccountId", String, Optional),
        ("googleAccountName", String, Optional),
        ("customData", Object, Optional),
        ("publicProfile", Object, Optional),
        ("isActive", Bool, Optional),
        ("currentSigningAccountId", String, Optional),
        ("wallets", Array, Optional),
        ("createdAt", String, Optional),
        ("updatedAt", String, Optional),
    ],
    sandbox_extras: &[],
};

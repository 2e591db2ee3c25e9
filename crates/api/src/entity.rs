//! Entity types of the storage endpoint and the summary shown in entity pickers.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Kind of entity a stored file belongs to, as `entityType` in `POST /files/entity-storage-url`.
#[derive(Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, Debug)]
#[serde(rename_all = "lowercase")]
pub enum EntityType {
    /// A token contract.
    Token,
    /// A campaign.
    Campaign,
    /// A redemption offer.
    Redemption,
    /// A business.
    Business,
    /// The tenant (project) itself.
    Tenant,
    /// A user account.
    User,
}

impl EntityType {
    /// Returns the wire name, such as `"campaign"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Token => "token",
            Self::Campaign => "campaign",
            Self::Redemption => "redemption",
            Self::Business => "business",
            Self::Tenant => "tenant",
            Self::User => "user",
        }
    }
}

impl fmt::Display for EntityType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One entity as shown in a picker, whatever its type.
#[derive(Serialize, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub struct EntitySummary {
    /// Kind of entity.
    pub entity_type: EntityType,
    /// Entity id, used as `entityId` for its files.
    pub id: String,
    /// Name to show; falls back to another field or the id when the entity has no name.
    pub display_name: String,
    /// Longer description, when the entity has one.
    pub description: Option<String>,
    /// Current image URL, when the entity has one.
    pub image_url: Option<String>,
    /// Whether the entity is active, when the server sends it.
    pub is_active: Option<bool>,
}

/// Returns the first value that is present and not blank.
pub(crate) fn first_non_blank<'a>(values: &[Option<&'a str>]) -> Option<&'a str> {
    values
        .iter()
        .flatten()
        .copied()
        .find(|value| !value.trim().is_empty())
}

//! The business DTO of `GET /businesses/me`.

use serde::Deserialize;

use crate::entity::{EntitySummary, EntityType, first_non_blank};
use crate::lenient;

/// A business as returned by `GET /businesses/me`. Unknown fields are ignored.
#[derive(Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Business {
    /// Business id; a numeric id is kept as its decimal text.
    #[serde(deserialize_with = "lenient::id")]
    pub id: String,
    /// Public name.
    #[serde(default)]
    pub display_name: Option<String>,
    /// Legal name.
    #[serde(default)]
    pub business_legal_name: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Contact email.
    #[serde(default)]
    pub email: Option<String>,
    /// Website URL.
    #[serde(default)]
    pub website: Option<String>,
    /// Image URL, read from `imageUrl` or `image`.
    // NOTE: the PERS docs describe "the image of the business" without its JSON name;
    // `imageUrl` matches campaigns and the sandbox.
    #[serde(default, alias = "image")]
    pub image_url: Option<String>,
    /// Blockchain account address.
    #[serde(default)]
    pub account_address: Option<String>,
    /// Whether the business is active.
    #[serde(default)]
    pub is_active: Option<bool>,
}

impl Business {
    /// Summarises the business. The display name is `displayName`, else the legal name, else
    /// the email, else the id.
    pub fn summary(&self) -> EntitySummary {
        let name = first_non_blank(&[
            self.display_name.as_deref(),
            self.business_legal_name.as_deref(),
            self.email.as_deref(),
        ]);
        EntitySummary {
            entity_type: EntityType::Business,
            id: self.id.clone(),
            display_name: name.unwrap_or(&self.id).to_owned(),
            description: self.description.clone(),
            image_url: self.image_url.clone(),
            is_active: self.is_active,
        }
    }
}

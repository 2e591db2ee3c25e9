//! The campaign DTO of `GET /campaigns`.

use serde::Deserialize;

use crate::entity::{EntitySummary, EntityType, first_non_blank};
use crate::lenient;

/// A campaign as returned by `GET /campaigns`. Unknown fields are ignored.
#[derive(Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Campaign {
    /// Campaign id; a numeric id is kept as its decimal text.
    #[serde(deserialize_with = "lenient::id")]
    pub id: String,
    /// Campaign name.
    #[serde(default)]
    pub name: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Image URL.
    #[serde(default)]
    pub image_url: Option<String>,
    /// Link to an external page.
    #[serde(default)]
    pub external_url: Option<String>,
    /// Whether the campaign is active.
    #[serde(default)]
    pub is_active: Option<bool>,
    /// Whether the campaign runs on a test network.
    #[serde(default)]
    pub is_testnet: Option<bool>,
    /// Start date as sent (ISO 8601 text).
    #[serde(default, deserialize_with = "lenient::optional_string")]
    pub start_date: Option<String>,
    /// End date as sent (ISO 8601 text).
    #[serde(default, deserialize_with = "lenient::optional_string")]
    pub end_date: Option<String>,
    /// Id of the business running the campaign.
    #[serde(default, deserialize_with = "lenient::optional_string")]
    pub business_id: Option<String>,
    /// Creation time as sent (ISO 8601 text).
    #[serde(default, deserialize_with = "lenient::optional_string")]
    pub created_at: Option<String>,
}

impl Campaign {
    /// Summarises the campaign; the display name is the name, else the id.
    pub fn summary(&self) -> EntitySummary {
        let name = first_non_blank(&[self.name.as_deref()]).unwrap_or(&self.id);
        EntitySummary {
            entity_type: EntityType::Campaign,
            id: self.id.clone(),
            display_name: name.to_owned(),
            description: self.description.clone(),
            image_url: self.image_url.clone(),
            is_active: self.is_active,
        }
    }
}

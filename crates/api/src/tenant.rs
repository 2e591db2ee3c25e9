//! The tenant DTO of `GET /tenants/{id}` and `GET /tenants/public`.

use serde::Deserialize;

use crate::entity::{EntitySummary, EntityType, first_non_blank};
use crate::lenient;

/// The tenant (project). Only display fields are read: key fields such as `projectApiKey` and
/// the Stripe secrets are never decoded, so they cannot leak through this type.
#[derive(Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Tenant {
    /// Tenant id, the `entityId` of tenant files.
    #[serde(deserialize_with = "lenient::id")]
    pub id: String,
    /// Project name, the display name.
    #[serde(default)]
    pub project_name: Option<String>,
    /// Short name.
    #[serde(default)]
    pub acronym: Option<String>,
    /// Description.
    #[serde(default)]
    pub project_description: Option<String>,
    /// Website URL.
    #[serde(default)]
    pub project_website: Option<String>,
    /// Contact email; only admins receive it.
    #[serde(default)]
    pub project_email: Option<String>,
    /// Image URL of the project.
    #[serde(default)]
    pub project_image_url: Option<String>,
    /// Creation time as sent (ISO 8601 text).
    #[serde(default, deserialize_with = "lenient::optional_string")]
    pub created_at: Option<String>,
}

impl Tenant {
    /// Summarises the tenant. The display name is the project name, else the acronym, else the
    /// id.
    pub fn summary(&self) -> EntitySummary {
        let name = first_non_blank(&[self.project_name.as_deref(), self.acronym.as_deref()]);
        EntitySummary {
            entity_type: EntityType::Tenant,
            id: self.id.clone(),
            display_name: name.unwrap_or(&self.id).to_owned(),
            description: self.project_description.clone(),
            image_url: self.project_image_url.clone(),
            is_active: None,
        }
    }
}

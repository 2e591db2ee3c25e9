//! The user DTO of the admin listing `GET /users`.

use serde::Deserialize;

use crate::entity::{EntitySummary, EntityType, first_non_blank};
use crate::lenient;

/// An end user as returned by `GET /users`. PERS users have no image field.
#[derive(Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// User id; a numeric id is kept as its decimal text.
    #[serde(deserialize_with = "lenient::id")]
    pub id: String,
    /// Email, when the user has one.
    #[serde(default)]
    pub email: Option<String>,
    /// The internal email PERS assigns, such as `user123@user.pers.internal`.
    #[serde(default)]
    pub identifier_email: Option<String>,
    /// First name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default)]
    pub last_name: Option<String>,
    /// Id in the tenant's own systems.
    #[serde(default, deserialize_with = "lenient::optional_string")]
    pub external_id: Option<String>,
    /// Whether the user is active.
    #[serde(default)]
    pub is_active: Option<bool>,
    /// Creation time as sent (ISO 8601 text).
    #[serde(default, deserialize_with = "lenient::optional_string")]
    pub created_at: Option<String>,
}

impl User {
    /// Summarises the user. The display name is the first and last name, else the email, else
    /// the identifier email, else the id. The image is always `None`.
    pub fn summary(&self) -> EntitySummary {
        let full_name = [self.first_name.as_deref(), self.last_name.as_deref()]
            .into_iter()
            .flatten()
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let name = first_non_blank(&[
            Some(full_name.as_str()),
            self.email.as_deref(),
            self.identifier_email.as_deref(),
        ]);
        EntitySummary {
            entity_type: EntityType::User,
            id: self.id.clone(),
            display_name: name.unwrap_or(&self.id).to_owned(),
            description: None,
            image_url: None,
            is_active: self.is_active,
        }
    }
}

//! The redemption DTO of `GET /redemptions`.

use serde::Deserialize;

use crate::entity::{EntitySummary, EntityType, first_non_blank};
use crate::lenient;

/// A redemption offer as returned by `GET /redemptions` and `GET /redemptions/{id}`. Unknown
/// fields (`tokenUnits`, `supply`, …) are ignored.
#[derive(Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Redemption {
    /// Redemption id; a numeric id is kept as its decimal text.
    #[serde(deserialize_with = "lenient::id")]
    pub id: String,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Image URL of this offer.
    #[serde(default)]
    pub image_url: Option<String>,
    /// Whether the offer is active.
    #[serde(default)]
    pub is_active: Option<bool>,
    /// The redemption type, which has an image of its own. A value that is not an object is
    /// read as `None`.
    #[serde(
        default,
        rename = "type",
        deserialize_with = "lenient::optional_object"
    )]
    pub redemption_type: Option<RedemptionType>,
}

/// The type of a redemption offer.
#[derive(Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RedemptionType {
    /// Type id (a number in PERS 2.0.7), kept as text.
    #[serde(default, deserialize_with = "lenient::optional_string")]
    pub id: Option<String>,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Image URL of the type.
    #[serde(default)]
    pub image_url: Option<String>,
}

impl Redemption {
    /// Summarises the redemption. The display name is the name, else the id; the image is the
    /// offer's own, else its type's.
    pub fn summary(&self) -> EntitySummary {
        let name = first_non_blank(&[self.name.as_deref()]).unwrap_or(&self.id);
        let type_image = self
            .redemption_type
            .as_ref()
            .and_then(|kind| kind.image_url.as_deref());
        let image = first_non_blank(&[self.image_url.as_deref(), type_image]);
        EntitySummary {
            entity_type: EntityType::Redemption,
            id: self.id.clone(),
            display_name: name.to_owned(),
            description: self.description.clone(),
            image_url: image.map(str::to_owned),
            is_active: self.is_active,
        }
    }
}

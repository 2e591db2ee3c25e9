//! The token DTO of `GET /tokens`.

use serde::Deserialize;

use crate::entity::{EntitySummary, EntityType, first_non_blank};
use crate::lenient;

/// A token contract as returned by `GET /tokens`. Unknown fields (`abi`, `abiUrl`, …) are
/// ignored.
#[derive(Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Token {
    /// Token id; a numeric id is kept as its decimal text.
    #[serde(deserialize_with = "lenient::id")]
    pub id: String,
    /// Contract address.
    #[serde(default)]
    pub contract_address: Option<String>,
    /// Token name.
    #[serde(default)]
    pub name: Option<String>,
    /// Token symbol.
    #[serde(default)]
    pub symbol: Option<String>,
    /// Decimals (ERC-20 only).
    #[serde(default, deserialize_with = "lenient::optional_u64")]
    pub decimals: Option<u64>,
    /// Chain id.
    #[serde(default, deserialize_with = "lenient::optional_u64")]
    pub chain_id: Option<u64>,
    /// Contract standard, such as `ERC20`.
    #[serde(default, rename = "type")]
    pub token_type: Option<String>,
    /// Whether the token is active.
    #[serde(default)]
    pub is_active: Option<bool>,
    /// Whether the token is shown in the gallery.
    #[serde(default)]
    pub is_gallery: Option<bool>,
    /// Metadata entries; `null` (point tokens) becomes an empty list.
    #[serde(default, deserialize_with = "metadata_list")]
    pub metadata: Vec<TokenMetadata>,
}

/// One metadata entry of a token, where token images live.
#[derive(Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TokenMetadata {
    /// Name of this metadata entry.
    #[serde(default)]
    pub name: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Image URL, read from `imageUrl` or `image`.
    #[serde(default, alias = "image")]
    pub image_url: Option<String>,
}

impl Token {
    /// Summarises the token. The display name is the name, else the symbol, else the id, and
    /// the image and description come from the first metadata entry that has them.
    pub fn summary(&self) -> EntitySummary {
        let name = first_non_blank(&[self.name.as_deref(), self.symbol.as_deref()]);
        let image = self
            .metadata
            .iter()
            .find_map(|entry| non_blank(&entry.image_url));
        let description = self
            .metadata
            .iter()
            .find_map(|entry| non_blank(&entry.description));
        EntitySummary {
            entity_type: EntityType::Token,
            id: self.id.clone(),
            display_name: name.unwrap_or(&self.id).to_owned(),
            description,
            image_url: image,
            is_active: self.is_active,
        }
    }
}

fn non_blank(value: &Option<String>) -> Option<String> {
    first_non_blank(&[value.as_deref()]).map(str::to_owned)
}

/// Deserializes `metadata`, accepting `null` and skipping entries that are not objects.
fn metadata_list<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<TokenMetadata>, D::Error> {
    let value = serde_json::Value::deserialize(deserializer)?;
    let serde_json::Value::Array(entries) = value else {
        return Ok(Vec::new());
    };
    Ok(entries
        .into_iter()
        .filter_map(|entry| serde_json::from_value(entry).ok())
        .collect())
}

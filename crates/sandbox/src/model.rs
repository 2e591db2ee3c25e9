//! The sandbox's data: one tenant with its businesses, campaigns, tokens, redemptions, users and
//! sign-in accounts. Entities serialise to the PERS DTO field names (camelCase).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Everything the API serves, loaded from `seed.json` in the data dir.
#[derive(Serialize, Deserialize, Clone)]
#[serde(rename_all = "camelCase")]
pub(crate) struct World {
    pub tenant: Tenant,
    pub businesses: Vec<Business>,
    pub campaigns: Vec<Campaign>,
    pub tokens: Vec<Token>,
    pub redemptions: Vec<Redemption>,
    pub users: Vec<User>,
    pub accounts: Vec<Account>,
}

/// A PERS tenant (project), as in TenantDTO.
#[derive(Serialize, Deserialize, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Tenant {
    pub id: String,
    pub project_name: String,
    pub project_description: String,
    pub project_website: String,
    pub project_email: String,
    pub project_image_url: String,
    pub created_at: String,
}

/// A business, as in BusinessDTO.
#[derive(Serialize, Deserialize, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Business {
    pub id: String,
    pub display_name: String,
    pub business_legal_name: String,
    pub description: String,
    pub email: String,
    pub website: String,
    pub image_url: String,
    pub account_address: String,
    pub is_active: bool,
}

/// A campaign, owned by one business.
#[derive(Serialize, Deserialize, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Campaign {
    pub id: String,
    pub name: String,
    pub description: String,
    pub image_url: String,
    pub external_url: String,
    pub is_active: bool,
    pub is_testnet: bool,
    pub start_date: String,
    pub end_date: String,
    pub business_id: String,
    pub created_at: String,
}

/// A token contract, as in TokenDTO.
#[derive(Serialize, Deserialize, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Token {
    pub id: String,
    pub contract_address: String,
    pub name: String,
    pub symbol: String,
    pub decimals: Option<u8>,
    pub chain_id: u64,
    #[serde(rename = "type")]
    pub token_type: String,
    pub is_active: bool,
    pub is_gallery: bool,
    pub abi: Value,
    pub abi_url: Value,
    pub metadata: Vec<TokenMetadata>,
}

/// One metadata entry of a token; the token's images live here.
#[derive(Serialize, Deserialize, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TokenMetadata {
    pub name: String,
    pub description: String,
    pub image_url: String,
}

/// A redemption offer.
#[derive(Serialize, Deserialize, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Redemption {
    pub id: String,
    pub name: String,
    pub description: String,
    pub image_url: String,
    pub is_active: bool,
    /// The redemption type, with its own image. Absent in data dirs created before it existed.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub redemption_type: Option<RedemptionType>,
}

/// The type of a redemption offer, as in `GET /redemptions/types`.
#[derive(Serialize, Deserialize, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RedemptionType {
    pub id: u64,
    pub name: String,
    pub description: String,
    pub image_url: String,
}

/// An end user of the loyalty program.
#[derive(Serialize, Deserialize, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct User {
    pub id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub is_active: bool,
    pub created_at: String,
}

/// An identity-provider account that can sign in. Not `Debug`, because it contains the password.
#[derive(Serialize, Deserialize, Clone)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Account {
    pub id: String,
    pub email: String,
    pub password: String,
    pub display_name: String,
    pub label: String,
    /// `"tenant"` or `"business"`: the session kind the account is meant for.
    pub kind: String,
    pub tenant_admin: bool,
    pub memberships: Vec<Membership>,
}

/// A business membership of an account, with its role (`OWNER|ADMIN|EDITOR|VIEWER`).
#[derive(Serialize, Deserialize, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Membership {
    pub business_id: String,
    pub role: String,
}

impl World {
    /// Finds an account by email, ignoring ASCII case.
    pub fn account_by_email(&self, email: &str) -> Option<&Account> {
        self.accounts
            .iter()
            .find(|account| account.email.eq_ignore_ascii_case(email))
    }

    /// Finds an account by id.
    pub fn account(&self, id: &str) -> Option<&Account> {
        self.accounts.iter().find(|account| account.id == id)
    }

    /// Finds a business by id.
    pub fn business(&self, id: &str) -> Option<&Business> {
        self.businesses.iter().find(|business| business.id == id)
    }

    /// Finds a redemption by id.
    pub fn redemption(&self, id: &str) -> Option<&Redemption> {
        self.redemptions
            .iter()
            .find(|redemption| redemption.id == id)
    }

    /// Finds a campaign by id.
    pub fn campaign(&self, id: &str) -> Option<&Campaign> {
        self.campaigns.iter().find(|campaign| campaign.id == id)
    }
}

impl Account {
    /// Returns the membership of this account in `business_id`, if any.
    pub fn membership(&self, business_id: &str) -> Option<&Membership> {
        self.memberships
            .iter()
            .find(|membership| membership.business_id == business_id)
    }
}

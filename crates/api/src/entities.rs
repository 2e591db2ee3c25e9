//! Listing and reading redemptions, users, businesses and the tenant.

use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::business::Business;
use crate::client::ApiClient;
use crate::entity::{EntitySummary, EntityType};
use crate::error::ApiError;
use crate::pager::Pager;
use crate::redemption::Redemption;
use crate::response::{BodySecrecy, excerpt};
use crate::session::{AuthType, Session};
use crate::tenant::Tenant;
use crate::user::User;

const REDEMPTIONS_PATH: &str = "/redemptions";
const USERS_PATH: &str = "/users";
const BUSINESSES_PATH: &str = "/businesses";
const TENANT_PUBLIC_PATH: &str = "/tenants/public";

/// Fields that may wrap a single object in a response: `{"data": {...}}`.
const OBJECT_WRAPPERS: [&str; 5] = ["data", "business", "redemption", "tenant", "user"];

impl ApiClient {
    /// Returns a pager over `GET /redemptions`. Admins see every redemption; other sessions
    /// see the active ones, as the server decides.
    pub fn redemption_pages(&self, session: &Session) -> Pager<Redemption> {
        Pager::new(self, session, REDEMPTIONS_PATH)
    }

    /// Lists every redemption the session may see, walking all pages.
    pub async fn list_redemptions(&self, session: &Session) -> Result<Vec<Redemption>, ApiError> {
        self.redemption_pages(session).collect_all().await
    }

    /// Returns one redemption (`GET /redemptions/{id}`).
    pub async fn redemption(&self, session: &Session, id: &str) -> Result<Redemption, ApiError> {
        let path = format!("{REDEMPTIONS_PATH}/{id}");
        self.get_object(session, &path).await
    }

    /// Returns a pager over the admin listing `GET /users`; business sessions get the server's
    /// 403 when the first page is read.
    pub fn user_pages(&self, session: &Session) -> Pager<User> {
        Pager::new(self, session, USERS_PATH)
    }

    /// Lists every user, walking all pages (tenant sessions only).
    pub async fn list_users(&self, session: &Session) -> Result<Vec<User>, ApiError> {
        self.user_pages(session).collect_all().await
    }

    /// Returns one business (`GET /businesses/{id}`).
    pub async fn business(&self, session: &Session, id: &str) -> Result<Business, ApiError> {
        let path = format!("{BUSINESSES_PATH}/{id}");
        self.get_object(session, &path).await
    }

    /// Lists the businesses the session may manage.
    ///
    /// A business session gets its own business (`GET /businesses/me`). A tenant session walks
    /// the tenant-wide `GET /businesses`; when the server returns 404 (it has no such list), it
    /// reads each business that owns a campaign with `GET /businesses/{id}` instead.
    pub async fn list_businesses(&self, session: &Session) -> Result<Vec<Business>, ApiError> {
        if session.auth_type() != AuthType::Tenant {
            return Ok(vec![self.business_me(session).await?]);
        }
        let pager: Pager<Business> = Pager::new(self, session, BUSINESSES_PATH);
        match pager.collect_all().await {
            Err(error) if error.status() == Some(404) => {
                tracing::info!("GET /businesses is not available; reading campaign owners");
                self.campaign_owners(session).await
            }
            other => other,
        }
    }

    async fn campaign_owners(&self, session: &Session) -> Result<Vec<Business>, ApiError> {
        let mut ids: Vec<String> = Vec::new();
        for campaign in self.list_campaigns(session).await? {
            if let Some(id) = campaign.business_id
                && !ids.contains(&id)
            {
                ids.push(id);
            }
        }
        let mut businesses = Vec::with_capacity(ids.len());
        for id in ids {
            businesses.push(self.business(session, &id).await?);
        }
        Ok(businesses)
    }

    /// Returns the session's tenant: `GET /tenants/{id}` with the access token's `tenantId`
    /// claim, else (no claim, or a 404) `GET /tenants/public`.
    pub async fn tenant(&self, session: &Session) -> Result<Tenant, ApiError> {
        if let Some(id) = session.tenant_id() {
            match self.get_object(session, &format!("/tenants/{id}")).await {
                Err(error) if error.status() == Some(404) => {
                    tracing::info!(tenant_id = %id, "GET /tenants/{{id}} not found; using /tenants/public");
                }
                other => return other,
            }
        }
        self.get_object(session, TENANT_PUBLIC_PATH).await
    }

    /// Lists the entities of `entity_type` that the session may see, as summaries for a picker.
    pub async fn list_entities(
        &self,
        session: &Session,
        entity_type: EntityType,
    ) -> Result<Vec<EntitySummary>, ApiError> {
        Ok(match entity_type {
            EntityType::Campaign => summaries(self.list_campaigns(session).await?, |e| e.summary()),
            EntityType::Token => summaries(self.list_tokens(session).await?, |e| e.summary()),
            EntityType::Redemption => {
                summaries(self.list_redemptions(session).await?, |e| e.summary())
            }
            EntityType::Business => {
                summaries(self.list_businesses(session).await?, |e| e.summary())
            }
            EntityType::Tenant => vec![self.tenant(session).await?.summary()],
            EntityType::User => summaries(self.list_users(session).await?, |e| e.summary()),
        })
    }

    /// Reads one object from `GET {path}`, accepting it bare or wrapped in one of
    /// [`OBJECT_WRAPPERS`].
    pub(crate) async fn get_object<T: DeserializeOwned>(
        &self,
        session: &Session,
        path: &str,
    ) -> Result<T, ApiError> {
        let url = self.endpoint(path);
        let response = self.send_retrying(session, Method::GET, url, path, None);
        let value: Value = response.await?.json(path, BodySecrecy::Public)?;
        decode_object(value, path)
    }
}

/// Decodes `value`, or the object under one of [`OBJECT_WRAPPERS`] when `value` has no `id`.
pub(crate) fn decode_object<T: DeserializeOwned>(value: Value, path: &str) -> Result<T, ApiError> {
    let wrapped = OBJECT_WRAPPERS
        .iter()
        .find_map(|key| value.get(*key).filter(|inner| inner.is_object()));
    let object = match wrapped {
        Some(inner) if value.get("id").is_none() => inner.clone(),
        _ => value,
    };
    serde_json::from_value(object.clone()).map_err(|error| {
        tracing::warn!(path, %error, "object did not decode");
        ApiError::UnexpectedResponse {
            status: 200,
            path: path.to_owned(),
            excerpt: excerpt(object.to_string().as_bytes()),
        }
    })
}

fn summaries<T>(items: Vec<T>, summary: impl Fn(&T) -> EntitySummary) -> Vec<EntitySummary> {
    items.iter().map(summary).collect()
}

//! Entity listing: campaigns (paged), tokens and the current business.

use std::collections::HashSet;

use reqwest::Method;
use serde_json::Value;

use crate::business::Business;
use crate::campaign::Campaign;
use crate::client::ApiClient;
use crate::error::ApiError;
use crate::pager::{ListItem, Pager, list_page};
use crate::response::BodySecrecy;
use crate::session::{AuthType, Session};
use crate::token::Token;

const CAMPAIGNS_PATH: &str = "/campaigns";
const TOKENS_PATH: &str = "/tokens";
const BUSINESS_ME_PATH: &str = "/businesses/me";

impl ApiClient {
    /// Lists the campaigns the session may see, walking `GET /campaigns?page=N&limit=50` with
    /// [`Pager`] to the end.
    ///
    /// Business sessions get their own business's campaigns, active and inactive; tenant
    /// sessions get every campaign.
    #[tracing::instrument(skip_all, fields(auth_type = ?session.auth_type()), err)]
    pub async fn list_campaigns(&self, session: &Session) -> Result<Vec<Campaign>, ApiError> {
        self.campaign_pages(session).collect_all().await
    }

    /// Returns a pager over `GET /campaigns`; nothing is sent until its first page is read.
    pub fn campaign_pages(&self, session: &Session) -> Pager<Campaign> {
        Pager::new(self, session, CAMPAIGNS_PATH)
    }

    /// Lists the tokens the session may see (`GET /tokens`).
    ///
    /// Tenant sessions also request `GET /tokens?active=false` and merge both lists by id,
    /// because the docs leave open whether `active=false` means "inactive only" or "all".
    /// Items that do not decode as a [`Token`] are skipped with a warning.
    #[tracing::instrument(skip_all, fields(auth_type = ?session.auth_type()), err)]
    pub async fn list_tokens(&self, session: &Session) -> Result<Vec<Token>, ApiError> {
        let mut tokens = Vec::new();
        let mut seen_ids = HashSet::new();
        let queries: &[Option<&str>] = match session.auth_type() {
            AuthType::Tenant => &[None, Some("false")],
            AuthType::Business | AuthType::User => &[None],
        };
        for active in queries {
            let mut url = self.endpoint(TOKENS_PATH);
            if let Some(active) = active {
                url.query_pairs_mut().append_pair("active", active);
            }
            let response = self.send_retrying(session, Method::GET, url, TOKENS_PATH, None);
            let value: Value = response.await?.json(TOKENS_PATH, BodySecrecy::Public)?;
            let page = list_page(value, TOKENS_PATH)?;
            collect_new(&page.items, &mut seen_ids, &mut tokens);
        }
        tracing::debug!(tokens = tokens.len(), "tokens listed");
        Ok(tokens)
    }

    /// Returns the session's business (`GET /businesses/me`). Accepts the business object
    /// itself or one wrapped in `data` or `business`. Tenant sessions get the server's 403.
    #[tracing::instrument(skip_all, fields(business_id = ?session.business_id()), err)]
    pub async fn business_me(&self, session: &Session) -> Result<Business, ApiError> {
        let url = self.endpoint(BUSINESS_ME_PATH);
        let response = self.send_retrying(session, Method::GET, url, BUSINESS_ME_PATH, None);
        let value: Value = response
            .await?
            .json(BUSINESS_ME_PATH, BodySecrecy::Public)?;
        let wrapped = ["data", "business"].iter().find_map(|key| value.get(*key));
        let object = match wrapped {
            Some(inner) if value.get("id").is_none() => inner.clone(),
            _ => value,
        };
        serde_json::from_value(object.clone()).map_err(|error| {
            tracing::warn!(%error, "business did not decode");
            unexpected(BUSINESS_ME_PATH, &object)
        })
    }
}

fn unexpected(path: &str, value: &Value) -> ApiError {
    ApiError::UnexpectedResponse {
        status: 200,
        path: path.to_owned(),
        excerpt: crate::response::excerpt(value.to_string().as_bytes()),
    }
}

/// Decodes `items` and appends those whose id is new.
fn collect_new<T: ListItem>(items: &[Value], seen_ids: &mut HashSet<String>, out: &mut Vec<T>) {
    for (index, item) in items.iter().enumerate() {
        match serde_json::from_value::<T>(item.clone()) {
            Ok(entity) if seen_ids.insert(entity.item_id().to_owned()) => out.push(entity),
            Ok(_) => {}
            Err(error) => tracing::warn!(index, %error, "skipping a list item that did not decode"),
        }
    }
}

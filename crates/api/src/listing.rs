//! Entity listing: campaigns (paged), tokens and the current business.

use std::collections::HashSet;

use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::business::Business;
use crate::campaign::Campaign;
use crate::client::ApiClient;
use crate::error::ApiError;
use crate::pagination::{Page, has_next_page, parse_page};
use crate::response::BodySecrecy;
use crate::session::{AuthType, Session};
use crate::token::Token;

const CAMPAIGNS_PATH: &str = "/campaigns";
const TOKENS_PATH: &str = "/tokens";
const BUSINESS_ME_PATH: &str = "/businesses/me";

/// Page size requested from `GET /campaigns`.
const CAMPAIGN_PAGE_LIMIT: u64 = 50;

/// Maximum number of campaign pages read, so a server that always reports another page
/// cannot keep the client looping.
const MAX_CAMPAIGN_PAGES: u64 = 1000;

impl ApiClient {
    /// Lists the campaigns the session may see, walking `GET /campaigns?page=N&limit=50`.
    ///
    /// Accepts the legacy bare array and paged objects (see the `pagination` module), and
    /// drops duplicate ids. Items that do not decode as a [`Campaign`] are skipped with a
    /// warning. Stops after [`MAX_CAMPAIGN_PAGES`] pages with a warning.
    #[tracing::instrument(skip_all, fields(auth_type = ?session.auth_type()), err)]
    pub async fn list_campaigns(&self, session: &Session) -> Result<Vec<Campaign>, ApiError> {
        let mut campaigns = Vec::new();
        let mut seen_ids = HashSet::new();
        for page_number in 1..=MAX_CAMPAIGN_PAGES {
            let page = self.campaign_page(session, page_number).await?;
            let new_items = collect_new(&page.items, &mut seen_ids, &mut campaigns);
            let collected = campaigns.len();
            if !has_next_page(
                &page,
                page_number,
                CAMPAIGN_PAGE_LIMIT,
                new_items,
                collected,
            ) {
                tracing::debug!(
                    pages = page_number,
                    campaigns = collected,
                    "campaigns listed"
                );
                return Ok(campaigns);
            }
        }
        tracing::warn!(
            pages = MAX_CAMPAIGN_PAGES,
            campaigns = campaigns.len(),
            "campaign listing stopped at the page cap; later pages were not read"
        );
        Ok(campaigns)
    }

    async fn campaign_page(&self, session: &Session, page_number: u64) -> Result<Page, ApiError> {
        let mut url = self.endpoint(CAMPAIGNS_PATH);
        url.query_pairs_mut()
            .append_pair("page", &page_number.to_string())
            .append_pair("limit", &CAMPAIGN_PAGE_LIMIT.to_string());
        let response = self.send_with_session(session, Method::GET, url, CAMPAIGNS_PATH, None);
        let value: Value = response.await?.json(CAMPAIGNS_PATH, BodySecrecy::Public)?;
        list_page(value, CAMPAIGNS_PATH)
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
            let response = self.send_with_session(session, Method::GET, url, TOKENS_PATH, None);
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
        let response = self.send_with_session(session, Method::GET, url, BUSINESS_ME_PATH, None);
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

fn list_page(value: Value, path: &str) -> Result<Page, ApiError> {
    let excerpt_source = value.to_string();
    parse_page(value).map_err(|reason| {
        tracing::warn!(path, reason, "list response has an unknown shape");
        ApiError::UnexpectedResponse {
            status: 200,
            path: path.to_owned(),
            excerpt: crate::response::excerpt(excerpt_source.as_bytes()),
        }
    })
}

fn unexpected(path: &str, value: &Value) -> ApiError {
    ApiError::UnexpectedResponse {
        status: 200,
        path: path.to_owned(),
        excerpt: crate::response::excerpt(value.to_string().as_bytes()),
    }
}

/// Decodes `items` and appends those whose id is new; returns how many were appended.
fn collect_new<T: DeserializeOwned + HasId>(
    items: &[Value],
    seen_ids: &mut HashSet<String>,
    out: &mut Vec<T>,
) -> usize {
    let mut appended = 0;
    for (index, item) in items.iter().enumerate() {
        match serde_json::from_value::<T>(item.clone()) {
            Ok(entity) if seen_ids.insert(entity.id().to_owned()) => {
                out.push(entity);
                appended += 1;
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(index, %error, "skipping a list item that did not decode"),
        }
    }
    appended
}

/// Entities listed with de-duplication by id.
trait HasId {
    fn id(&self) -> &str;
}

impl HasId for Campaign {
    fn id(&self) -> &str {
        &self.id
    }
}

impl HasId for Token {
    fn id(&self) -> &str {
        &self.id
    }
}

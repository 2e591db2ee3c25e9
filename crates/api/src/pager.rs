//! Lazy walking of paged list endpoints.

use std::collections::HashSet;
use std::marker::PhantomData;

use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::client::ApiClient;
use crate::error::ApiError;
use crate::pagination::{Page, has_next_page, parse_page};
use crate::response::{BodySecrecy, excerpt};
use crate::session::Session;

/// Page size the pagers request unless [`ApiClient::with_page_limit`] sets another.
pub const PAGE_LIMIT: u64 = 50;

/// Maximum number of pages a pager reads, so a server that always reports another page cannot
/// keep the client looping.
pub const MAX_PAGES: u64 = 1000;

/// An entity DTO that list endpoints return, identified by its id.
pub trait ListItem: DeserializeOwned {
    /// Returns the entity id, used to drop duplicates across pages.
    fn item_id(&self) -> &str;
}

/// Walks `GET {path}?page=N&limit=L` one page at a time, from page 1, with the client's
/// [`ApiClient::page_limit`] as `L` (50 by default).
///
/// Each page is the legacy bare array or a paged object (see the `pagination` module). Items
/// that do not decode as `T` are skipped with a warning, and ids already returned are dropped.
/// The walk ends after an empty page, a page with no new item (a server that ignores `page`),
/// the last page by the metadata, a short page without metadata, or [`MAX_PAGES`] pages.
pub struct Pager<T> {
    client: ApiClient,
    session: Session,
    path: &'static str,
    next_page: Option<u64>,
    seen_ids: HashSet<String>,
    returned: usize,
    item: PhantomData<fn() -> T>,
}

impl<T: ListItem> Pager<T> {
    pub(crate) fn new(client: &ApiClient, session: &Session, path: &'static str) -> Self {
        Self {
            client: client.clone(),
            session: session.clone(),
            path,
            next_page: Some(1),
            seen_ids: HashSet::new(),
            returned: 0,
            item: PhantomData,
        }
    }

    /// Fetches the next page and returns its new items, or `None` when the walk is over.
    ///
    /// An error leaves the pager at the same page, so calling again retries it.
    pub async fn next_page(&mut self) -> Result<Option<Vec<T>>, ApiError> {
        let Some(page_number) = self.next_page else {
            return Ok(None);
        };
        let page = self.fetch(page_number).await?;
        let items = self.decode_new(&page.items);
        self.returned += items.len();
        let limit = self.client.page_limit();
        let more = has_next_page(&page, page_number, limit, items.len(), self.returned);
        self.next_page = match (more, page_number < MAX_PAGES) {
            (true, true) => Some(page_number + 1),
            (true, false) => {
                tracing::warn!(
                    path = self.path,
                    pages = MAX_PAGES,
                    "stopped at the page cap"
                );
                None
            }
            (false, _) => None,
        };
        Ok(Some(items))
    }

    /// Walks every remaining page and returns all items.
    pub async fn collect_all(mut self) -> Result<Vec<T>, ApiError> {
        let mut all = Vec::new();
        while let Some(items) = self.next_page().await? {
            all.extend(items);
        }
        tracing::debug!(path = self.path, items = all.len(), "list walked");
        Ok(all)
    }

    async fn fetch(&self, page_number: u64) -> Result<Page, ApiError> {
        let mut url = self.client.endpoint(self.path);
        url.query_pairs_mut()
            .append_pair("page", &page_number.to_string())
            .append_pair("limit", &self.client.page_limit().to_string());
        let response = self
            .client
            .send_retrying(&self.session, Method::GET, url, self.path, None)
            .await?;
        let value: Value = response.json(self.path, BodySecrecy::Public)?;
        list_page(value, self.path)
    }

    fn decode_new(&mut self, items: &[Value]) -> Vec<T> {
        let mut decoded = Vec::new();
        for (index, item) in items.iter().enumerate() {
            match serde_json::from_value::<T>(item.clone()) {
                Ok(entity) if self.seen_ids.insert(entity.item_id().to_owned()) => {
                    decoded.push(entity);
                }
                Ok(_) => {}
                Err(error) => {
                    tracing::warn!(path = self.path, index, %error, "skipping a list item that did not decode");
                }
            }
        }
        decoded
    }
}

/// Splits a list response into items and metadata, or fails with the body's excerpt.
pub(crate) fn list_page(value: Value, path: &str) -> Result<Page, ApiError> {
    let excerpt_source = value.to_string();
    parse_page(value).map_err(|reason| {
        tracing::warn!(path, reason, "list response has an unknown shape");
        ApiError::UnexpectedResponse {
            status: 200,
            path: path.to_owned(),
            excerpt: excerpt(excerpt_source.as_bytes()),
        }
    })
}

macro_rules! list_item {
    ($($type:ty),*) => {$(
        impl ListItem for $type {
            fn item_id(&self) -> &str {
                &self.id
            }
        }
    )*};
}

list_item!(
    crate::Campaign,
    crate::Token,
    crate::Redemption,
    crate::User,
    crate::Business
);

//! List responses: the legacy bare array, or one page in the sandbox's [`PageEnvelope`].

use std::collections::HashMap;

use serde::Serialize;
use serde_json::{Value, json};

use crate::page_envelope::{PageEnvelope, PageRequest};
use crate::problem::Problem;
use crate::routes::query::optional_count;

/// Largest accepted `limit`.
pub(crate) const MAX_PAGE_LIMIT: u64 = 100;

/// `limit` used when only `page` is sent.
pub(crate) const DEFAULT_PAGE_LIMIT: u64 = 20;

/// The `page` (1-based) and `limit` query parameters.
pub(crate) struct PageQuery {
    page: Option<u64>,
    limit: Option<u64>,
}

impl PageQuery {
    /// Reads `page` and `limit`; 400 when either is not an integer in range.
    pub fn parse(params: &HashMap<String, String>) -> Result<Self, Problem> {
        Ok(Self {
            page: optional_count(params, "page", u64::from(u32::MAX))?,
            limit: optional_count(params, "limit", MAX_PAGE_LIMIT)?,
        })
    }

    /// Returns `items` as a bare array without `page` and `limit`, otherwise the requested
    /// page in `envelope`.
    pub fn respond<T: Serialize>(&self, items: &[T], envelope: PageEnvelope) -> Value {
        if self.page.is_none() && self.limit.is_none() {
            return json!(items);
        }
        let request = PageRequest {
            page: self.page.unwrap_or(1),
            limit: self.limit.unwrap_or(DEFAULT_PAGE_LIMIT),
        };
        envelope.render(items, request)
    }
}

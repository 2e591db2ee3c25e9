//! List responses: the legacy bare array, or one page of the paginated object.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::{Value, json};

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

    /// Returns `items` as a bare array without `page` and `limit`, otherwise as
    /// `{data, pagination:{page, limit, total, totalPages, hasNext}}`.
    pub fn respond<T: Serialize>(&self, items: &[T]) -> Value {
        if self.page.is_none() && self.limit.is_none() {
            return json!(items);
        }
        paginate(
            items,
            self.page.unwrap_or(1),
            self.limit.unwrap_or(DEFAULT_PAGE_LIMIT),
        )
    }
}

fn paginate<T: Serialize>(items: &[T], page: u64, limit: u64) -> Value {
    let total = items.len() as u64;
    let total_pages = total.div_ceil(limit);
    let start = usize::try_from((page - 1).saturating_mul(limit)).unwrap_or(usize::MAX);
    let data: Vec<&T> = items
        .iter()
        .skip(start)
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
        .collect();
    json!({
        "data": data,
        "pagination": {
            "page": page,
            "limit": limit,
            "total": total,
            "totalPages": total_pages,
            "hasNext": page < total_pages,
        }
    })
}

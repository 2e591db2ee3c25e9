//! Reading list responses whose envelope the PERS documentation leaves open.
//!
//! A list response is a bare array (the legacy shape), or an object holding the array under
//! `data`, `items` or `results`, or under its only array-valued field. Paging metadata
//! (a next-page flag, the page count, the item count and the page size, each under several
//! names) is read from the object itself or from its `pagination` or `meta` object.

use serde_json::{Map, Value};

/// Preferred names of the array field, in order.
const ARRAY_FIELDS: [&str; 3] = ["data", "items", "results"];

/// Names of the nested object that may hold paging metadata.
const META_FIELDS: [&str; 2] = ["pagination", "meta"];

/// One page of a list response.
#[derive(Debug, Default)]
pub(crate) struct Page {
    pub(crate) items: Vec<Value>,
    pub(crate) has_next: Option<bool>,
    pub(crate) total_pages: Option<u64>,
    pub(crate) total: Option<u64>,
    /// Page size the server reports, which may be lower than the requested `limit`.
    pub(crate) limit: Option<u64>,
}

/// Splits a list response into its items and metadata, or returns why it is not a list.
pub(crate) fn parse_page(value: Value) -> Result<Page, &'static str> {
    let mut object = match value {
        Value::Array(items) => {
            return Ok(Page {
                items,
                ..Page::default()
            });
        }
        Value::Object(object) => object,
        _ => return Err("expected a JSON array or an object holding one"),
    };
    let Some(items) = take_array(&mut object) else {
        return Err("the object holds no array of items");
    };
    Ok(Page {
        items,
        has_next: find_meta(&object, &["hasNext", "hasNextPage", "hasMore"])
            .and_then(Value::as_bool),
        total_pages: find_meta(&object, &["totalPages", "pageCount"]).and_then(as_count),
        total: find_meta(&object, &["total", "totalCount", "totalItems", "totalDocs"])
            .and_then(as_count),
        limit: find_meta(&object, &["limit", "itemsPerPage", "perPage", "pageSize"])
            .and_then(as_count)
            .filter(|limit| *limit > 0),
    })
}

fn take_array(object: &mut Map<String, Value>) -> Option<Vec<Value>> {
    for field in ARRAY_FIELDS {
        if let Some(Value::Array(_)) = object.get(field) {
            return match object.remove(field) {
                Some(Value::Array(items)) => Some(items),
                _ => None,
            };
        }
    }
    let array_fields: Vec<String> = object
        .iter()
        .filter(|(_, value)| value.is_array())
        .map(|(key, _)| key.clone())
        .collect();
    match array_fields.as_slice() {
        [only] => match object.remove(only) {
            Some(Value::Array(items)) => Some(items),
            _ => None,
        },
        _ => None,
    }
}

fn find_meta<'a>(object: &'a Map<String, Value>, names: &[&str]) -> Option<&'a Value> {
    let nested = META_FIELDS
        .iter()
        .filter_map(|field| object.get(*field)?.as_object());
    std::iter::once(object)
        .chain(nested)
        .find_map(|candidate| names.iter().find_map(|name| candidate.get(*name)))
}

fn as_count(value: &Value) -> Option<u64> {
    match value {
        Value::Number(number) => number.as_u64(),
        Value::String(text) => text.parse().ok(),
        _ => None,
    }
}

/// Decides whether to request the page after `page_number`.
///
/// Stops on an empty page and on a page that added no new item (a server that ignores
/// `page`). Otherwise the next-page flag wins, then the page count, then the item count, and
/// without them a page shorter than the page size is the last. The page size is the one the
/// server reports, else the requested `limit`.
pub(crate) fn has_next_page(
    page: &Page,
    page_number: u64,
    limit: u64,
    new_items: usize,
    collected: usize,
) -> bool {
    if page.items.is_empty() || new_items == 0 {
        return false;
    }
    if let Some(has_next) = page.has_next {
        return has_next;
    }
    if let Some(total_pages) = page.total_pages {
        return page_number < total_pages;
    }
    if let Some(total) = page.total {
        return (collected as u64) < total;
    }
    page.items.len() as u64 >= page.limit.unwrap_or(limit)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use serde_json::json;

    use super::*;

    #[test]
    fn has_next_page_flag_is_read() {
        let page = parse_page(json!({ "data": [1, 2], "hasNextPage": false })).unwrap();

        assert_eq!(page.has_next, Some(false));
        assert!(!has_next_page(&page, 1, 2, 2, 2));
    }

    #[test]
    fn total_docs_is_read() {
        let page = parse_page(json!({ "docs": [1, 2], "totalDocs": 2 })).unwrap();

        assert_eq!(page.items.len(), 2);
        assert_eq!(page.total, Some(2));
        assert!(!has_next_page(&page, 1, 2, 2, 2));
    }

    #[test]
    fn reported_page_size_wins() {
        let capped = json!({ "data": [1, 2], "meta": { "itemsPerPage": 2 } });
        let page = parse_page(capped).unwrap();

        assert_eq!(page.limit, Some(2));
        assert!(
            has_next_page(&page, 1, 50, 2, 2),
            "a full page of the server's size is not the last"
        );
    }

    #[test]
    fn short_page_without_metadata_ends() {
        let page = parse_page(json!({ "data": [1] })).unwrap();

        assert!(!has_next_page(&page, 1, 2, 1, 1));
    }
}

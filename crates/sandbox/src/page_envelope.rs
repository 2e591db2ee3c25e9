//! The envelope of paginated list responses, chosen per sandbox because PERS does not publish
//! the field names of its `PaginatedResponseDTO`.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// Shape of a list response to a request with `page` or `limit`.
///
/// Set it with [`crate::SandboxConfig::page_envelope`] or, on a running sandbox, with
/// [`crate::Faults::set_page_envelope`]. A request without `page` and `limit` always gets the
/// legacy bare array of every item, whatever the envelope. As a fault switch the names are
/// camelCase, such as `{"kind": "pageEnvelope", "envelope": "itemsTotal"}`.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum PageEnvelope {
    /// `{data, pagination: {page, limit, total, totalPages, hasNext}}`, the default.
    ///
    /// NOTE: this default is a guess, because no published PERS page names the fields.
    #[default]
    DataPagination,
    /// `{items, total, page, limit}`.
    ItemsTotal,
    /// `{results, meta: {currentPage, itemsPerPage, totalItems, totalPages}}`, with the meta
    /// names of the NestJS pagination packages.
    ResultsMeta,
    /// `{data, total, hasNextPage}`.
    DataHasNextPage,
    /// `{data, page, limit}` without a total or a next-page flag, so only a page shorter than
    /// `limit` (or an empty one) shows the end.
    DataOnly,
    /// The page's items as a bare array, without metadata.
    BareArray,
    /// Every item as a bare array, as a server without pagination returns it: `page` and
    /// `limit` are ignored, so each page repeats the first.
    IgnorePaging,
}

/// One requested page: 1-based `page`, `limit` items per page.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PageRequest {
    pub page: u64,
    pub limit: u64,
}

impl PageEnvelope {
    /// Builds the response for page `request` of `items`.
    pub(crate) fn render<T: Serialize>(self, items: &[T], request: PageRequest) -> Value {
        let PageRequest { page, limit } = request;
        let total = items.len() as u64;
        let total_pages = total.div_ceil(limit);
        let has_next = page < total_pages;
        let data = page_items(items, request);
        match self {
            Self::DataPagination => json!({
                "data": data,
                "pagination": {
                    "page": page,
                    "limit": limit,
                    "total": total,
                    "totalPages": total_pages,
                    "hasNext": has_next,
                }
            }),
            Self::ItemsTotal => {
                json!({ "items": data, "total": total, "page": page, "limit": limit })
            }
            Self::ResultsMeta => json!({
                "results": data,
                "meta": {
                    "currentPage": page,
                    "itemsPerPage": limit,
                    "totalItems": total,
                    "totalPages": total_pages,
                }
            }),
            Self::DataHasNextPage => {
                json!({ "data": data, "total": total, "hasNextPage": has_next })
            }
            Self::DataOnly => json!({ "data": data, "page": page, "limit": limit }),
            Self::BareArray => json!(data),
            Self::IgnorePaging => json!(items),
        }
    }
}

fn page_items<T>(items: &[T], request: PageRequest) -> Vec<&T> {
    let start = (request.page - 1).saturating_mul(request.limit);
    let start = usize::try_from(start).unwrap_or(usize::MAX);
    let limit = usize::try_from(request.limit).unwrap_or(usize::MAX);
    items.iter().skip(start).take(limit).collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const ITEMS: [u32; 5] = [1, 2, 3, 4, 5];

    fn render(envelope: PageEnvelope, page: u64) -> Value {
        envelope.render(&ITEMS, PageRequest { page, limit: 2 })
    }

    #[test]
    fn data_pagination_reports_next() {
        let body = render(PageEnvelope::DataPagination, 3);

        assert_eq!(body["data"], json!([5]));
        assert_eq!(body["pagination"]["total"], 5);
        assert_eq!(body["pagination"]["totalPages"], 3);
        assert_eq!(body["pagination"]["hasNext"], false);
    }

    #[test]
    fn items_total_has_top_level_counts() {
        let body = render(PageEnvelope::ItemsTotal, 2);

        assert_eq!(body["items"], json!([3, 4]));
        assert_eq!(body["total"], 5);
        assert_eq!(body["page"], 2);
        assert_eq!(body["limit"], 2);
    }

    #[test]
    fn results_meta_uses_nest_names() {
        let body = render(PageEnvelope::ResultsMeta, 1);

        assert_eq!(body["results"], json!([1, 2]));
        assert_eq!(body["meta"]["totalItems"], 5);
        assert_eq!(body["meta"]["itemsPerPage"], 2);
        assert_eq!(body["meta"]["currentPage"], 1);
    }

    #[test]
    fn data_has_next_page_flag() {
        assert_eq!(
            render(PageEnvelope::DataHasNextPage, 2)["hasNextPage"],
            true
        );
        assert_eq!(
            render(PageEnvelope::DataHasNextPage, 3)["hasNextPage"],
            false
        );
    }

    #[test]
    fn data_only_has_no_total() {
        let body = render(PageEnvelope::DataOnly, 2);

        assert_eq!(body["data"], json!([3, 4]));
        assert!(body.get("total").is_none());
        assert!(body.get("hasNext").is_none());
    }

    #[test]
    fn bare_array_is_the_page() {
        assert_eq!(render(PageEnvelope::BareArray, 2), json!([3, 4]));
        assert_eq!(render(PageEnvelope::BareArray, 4), json!([]));
    }

    #[test]
    fn ignore_paging_repeats_everything() {
        assert_eq!(render(PageEnvelope::IgnorePaging, 2), json!(ITEMS));
    }

    #[test]
    fn envelope_names_are_camel_case() {
        let name = serde_json::to_value(PageEnvelope::DataHasNextPage).unwrap();
        let parsed: PageEnvelope = serde_json::from_value(json!("itemsTotal")).unwrap();

        assert_eq!(name, json!("dataHasNextPage"));
        assert_eq!(parsed, PageEnvelope::ItemsTotal);
    }
}

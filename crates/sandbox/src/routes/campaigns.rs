//! `GET /v2/campaigns`: campaigns visible to the caller, paginated or as a legacy array.

use axum::Json;
use axum::extract::{RawQuery, State};
use serde_json::{Value, json};

use crate::model::Campaign;
use crate::problem::Problem;
use crate::routes::query::{optional_bool, optional_count, query_params};
use crate::session::Caller;
use crate::state::AppState;

/// Largest accepted `limit`.
const MAX_PAGE_LIMIT: u64 = 100;

/// `limit` used when only `page` is sent.
const DEFAULT_PAGE_LIMIT: u64 = 20;

/// Lists campaigns.
///
/// Tenant admins see all campaigns, filtered by `active=true|false` when given. Business
/// sessions see their own business's campaigns, active and inactive. Project-key-only callers
/// see active campaigns. With `page` (1-based) or `limit` the response is
/// `{data, pagination:{page, limit, total, totalPages, hasNext}}`, otherwise a bare array.
pub(crate) async fn list_campaigns(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(raw_query): RawQuery,
) -> Result<Json<Value>, Problem> {
    let params = query_params(raw_query.as_deref());
    let active = optional_bool(&params, "active")?;
    let page = optional_count(&params, "page", u64::from(u32::MAX))?;
    let limit = optional_count(&params, "limit", MAX_PAGE_LIMIT)?;

    let visible: Vec<&Campaign> = state
        .world
        .campaigns
        .iter()
        .filter(|campaign| is_visible(&caller, active, campaign))
        .collect();

    if page.is_none() && limit.is_none() {
        return Ok(Json(json!(visible)));
    }
    Ok(Json(paginate(
        &visible,
        page.unwrap_or(1),
        limit.unwrap_or(DEFAULT_PAGE_LIMIT),
    )))
}

fn is_visible(caller: &Caller, active: Option<bool>, campaign: &Campaign) -> bool {
    match caller {
        Caller::Public => campaign.is_active,
        Caller::Business { business_id, .. } => &campaign.business_id == business_id,
        Caller::Tenant(_) => active.is_none_or(|active| campaign.is_active == active),
    }
}

fn paginate(items: &[&Campaign], page: u64, limit: u64) -> Value {
    let total = items.len() as u64;
    let total_pages = total.div_ceil(limit);
    let start = usize::try_from((page - 1).saturating_mul(limit)).unwrap_or(usize::MAX);
    let data: Vec<&&Campaign> = items
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

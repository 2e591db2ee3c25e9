//! `GET /v2/campaigns`: campaigns visible to the caller, paginated or as a legacy array.

use axum::Json;
use axum::extract::{RawQuery, State};
use serde_json::Value;

use crate::model::Campaign;
use crate::problem::Problem;
use crate::routes::listing::PageQuery;
use crate::routes::query::{optional_bool, query_params};
use crate::session::Caller;
use crate::state::AppState;

/// Lists campaigns.
///
/// Tenant admins see all campaigns, filtered by `active=true|false` when given. Business
/// sessions see their own business's campaigns, active and inactive. Project-key-only callers
/// see active campaigns. With `page` (1-based) or `limit` the response is one page in the
/// sandbox's page envelope, otherwise a bare array.
pub(crate) async fn list_campaigns(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(raw_query): RawQuery,
) -> Result<Json<Value>, Problem> {
    let params = query_params(raw_query.as_deref());
    let active = optional_bool(&params, "active")?;
    let pages = PageQuery::parse(&params)?;

    let world = state.world();
    let visible: Vec<&Campaign> = world
        .campaigns
        .iter()
        .filter(|campaign| is_visible(&caller, active, campaign))
        .collect();

    Ok(Json(pages.respond(&visible, state.control.page_envelope())))
}

fn is_visible(caller: &Caller, active: Option<bool>, campaign: &Campaign) -> bool {
    match caller {
        Caller::Public => campaign.is_active,
        Caller::Business { business_id, .. } => &campaign.business_id == business_id,
        Caller::Tenant(_) => active.is_none_or(|active| campaign.is_active == active),
    }
}

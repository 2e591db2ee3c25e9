//! The pager against the sandbox serving each page envelope it can: every shape is walked to
//! the end, by its own end signal, without duplicates and without extra requests.

use std::collections::HashSet;

use pers_api::Campaign;
use pers_sandbox::PageEnvelope;

use crate::sandbox::{Running, start_with};

/// Number of seeded campaigns visible to a tenant admin.
const SEEDED_CAMPAIGNS: usize = 6;

async fn sandbox_serving(envelope: PageEnvelope) -> Running {
    start_with(|config| config.page_envelope = envelope).await
}

/// Lists campaigns as the tenant admin with `limit` per page, and returns them with the number
/// of `GET /v2/campaigns` requests it took.
async fn walk(running: &Running, limit: u64) -> (Vec<Campaign>, usize) {
    let session = running.tenant_session().await;
    let client = running.client.clone().with_page_limit(limit);
    running.sandbox.faults().clear_requests();
    let campaigns = client.list_campaigns(&session).await.unwrap();
    (campaigns, running.requests_to("/v2/campaigns").len())
}

fn assert_complete(campaigns: &[Campaign], envelope: PageEnvelope) {
    let ids: HashSet<&str> = campaigns
        .iter()
        .map(|campaign| campaign.id.as_str())
        .collect();
    assert_eq!(campaigns.len(), SEEDED_CAMPAIGNS, "{envelope:?}");
    assert_eq!(ids.len(), SEEDED_CAMPAIGNS, "{envelope:?}: no duplicates");
}

/// With 4 per page the last page is short, so every shape ends after two requests: by its
/// flag, page count or total, by the short page, or (a server ignoring `page`) by a second
/// page with no new id.
#[tokio::test]
async fn every_envelope_walks_to_end() {
    let envelopes = [
        PageEnvelope::DataPagination,
        PageEnvelope::ItemsTotal,
        PageEnvelope::ResultsMeta,
        PageEnvelope::DataHasNextPage,
        PageEnvelope::DataOnly,
        PageEnvelope::BareArray,
        PageEnvelope::IgnorePaging,
    ];
    for envelope in envelopes {
        let running = sandbox_serving(envelope).await;

        let (campaigns, requests) = walk(&running, 4).await;

        assert_complete(&campaigns, envelope);
        assert_eq!(requests, 2, "{envelope:?}");
    }
}

/// With 3 per page the last page is full. Shapes with a flag, a page count or a total stop
/// there; shapes without metadata need one more, empty, page to see the end.
#[tokio::test]
async fn full_last_page_needs_metadata() {
    let cases = [
        (PageEnvelope::DataPagination, 2),
        (PageEnvelope::ItemsTotal, 2),
        (PageEnvelope::ResultsMeta, 2),
        (PageEnvelope::DataHasNextPage, 2),
        (PageEnvelope::DataOnly, 3),
        (PageEnvelope::BareArray, 3),
    ];
    for (envelope, expected_requests) in cases {
        let running = sandbox_serving(envelope).await;

        let (campaigns, requests) = walk(&running, 3).await;

        assert_complete(&campaigns, envelope);
        assert_eq!(requests, expected_requests, "{envelope:?}");
    }
}

#[tokio::test]
async fn one_item_pages_walk_every_page() {
    let running = sandbox_serving(PageEnvelope::ResultsMeta).await;

    let (campaigns, requests) = walk(&running, 1).await;

    assert_complete(&campaigns, PageEnvelope::ResultsMeta);
    assert_eq!(requests, SEEDED_CAMPAIGNS);
}

#[tokio::test]
async fn pager_fetches_pages_lazily() {
    let running = sandbox_serving(PageEnvelope::ItemsTotal).await;
    let session = running.tenant_session().await;
    let client = running.client.clone().with_page_limit(2);
    running.sandbox.faults().clear_requests();

    let mut pager = client.campaign_pages(&session);
    let before_reading = running.requests_to("/v2/campaigns").len();
    let first = pager.next_page().await.unwrap().unwrap();
    let after_one_page = running.requests_to("/v2/campaigns").len();

    assert_eq!(before_reading, 0, "creating the pager sends nothing");
    assert_eq!(first.len(), 2);
    assert_eq!(after_one_page, 1);
    let query_keys = &running.requests_to("/v2/campaigns")[0].query_keys;
    assert!(query_keys.iter().any(|key| key == "page"), "{query_keys:?}");
    assert!(
        query_keys.iter().any(|key| key == "limit"),
        "{query_keys:?}"
    );
}

#[tokio::test]
async fn other_lists_read_every_envelope() {
    for envelope in [PageEnvelope::ItemsTotal, PageEnvelope::DataOnly] {
        let running = sandbox_serving(envelope).await;
        let session = running.tenant_session().await;
        let client = running.client.clone().with_page_limit(1);

        let redemptions = client.list_redemptions(&session).await.unwrap();
        let users = client.list_users(&session).await.unwrap();

        assert_eq!(redemptions.len(), 3, "{envelope:?}: all redemptions");
        assert_eq!(users.len(), 2, "{envelope:?}");
    }
}

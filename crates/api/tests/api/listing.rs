//! Campaign paging in every accepted shape, tokens and the current business.

use pers_api::{ApiError, AuthType, EntityType};
use serde_json::{Value, json};

use crate::support::{MockServer, Recorded, Reply};
use crate::{client_for, tenant_session, token_reply};

fn campaign(index: u64) -> Value {
    json!({ "id": format!("c{index}"), "name": format!("Campaign {index}"), "isActive": true })
}

fn campaigns(range: std::ops::Range<u64>) -> Vec<Value> {
    range.map(campaign).collect()
}

fn page_number(request: &Recorded) -> u64 {
    request
        .query_param("page")
        .and_then(|page| page.parse().ok())
        .unwrap_or(0)
}

/// Starts a server that signs in and serves `GET /v2/campaigns` from `page(n)`.
async fn campaign_server(page: fn(u64) -> Value) -> MockServer {
    MockServer::start(move |request: Recorded| async move {
        match request.path() {
            "/v2/auth/token" => token_reply(),
            "/v2/campaigns" => Reply::json(200, &page(page_number(&request))),
            _ => Reply::json(404, &json!({ "status": 404, "code": "NOT_FOUND" })),
        }
    })
    .await
}

async fn list_from(server: &MockServer) -> Result<Vec<pers_api::Campaign>, ApiError> {
    let client = client_for(server);
    let session = tenant_session(&client).await;
    client.list_campaigns(&session).await
}

#[tokio::test]
async fn paged_object_walks_all_pages() {
    let server = campaign_server(|page| {
        let start = (page - 1) * 50;
        let end = (start + 50).min(120);
        let has_next = page < 3;
        let pagination = json!({
            "page": page, "limit": 50, "total": 120, "totalPages": 3, "hasNext": has_next
        });
        json!({ "data": campaigns(start..end), "pagination": pagination })
    })
    .await;

    let listed = list_from(&server).await.unwrap();

    assert_eq!(listed.len(), 120);
    assert_eq!(listed[0].id, "c0");
    assert_eq!(listed[119].id, "c119");
    let requests = server.requests_to("/v2/campaigns");
    assert_eq!(requests.len(), 3);
    for (index, request) in requests.iter().enumerate() {
        assert_eq!(request.query_param("page"), Some((index + 1).to_string()));
        assert_eq!(request.query_param("limit").as_deref(), Some("50"));
    }
}

#[tokio::test]
async fn bare_array_is_one_page() {
    let server = campaign_server(|_| Value::Array(campaigns(0..3))).await;

    let listed = list_from(&server).await.unwrap();

    assert_eq!(listed.len(), 3);
    assert_eq!(server.requests_to("/v2/campaigns").len(), 1);
}

#[tokio::test]
async fn server_ignoring_page_stops_without_duplicates() {
    let server = campaign_server(|_| Value::Array(campaigns(0..50))).await;

    let listed = list_from(&server).await.unwrap();

    assert_eq!(listed.len(), 50, "the repeated second page adds nothing");
    assert_eq!(server.requests_to("/v2/campaigns").len(), 2);
}

#[tokio::test]
async fn full_bare_array_pages_continue() {
    let server = campaign_server(|page| {
        let start = (page - 1) * 50;
        Value::Array(campaigns(start..(start + 50).min(70)))
    })
    .await;

    let listed = list_from(&server).await.unwrap();

    assert_eq!(listed.len(), 70);
    assert_eq!(server.requests_to("/v2/campaigns").len(), 2);
}

#[tokio::test]
async fn other_array_key_is_accepted() {
    let server = campaign_server(|_| json!({ "campaigns": campaigns(0..2), "count": 2 })).await;

    let listed = list_from(&server).await.unwrap();

    assert_eq!(listed.len(), 2);
}

#[tokio::test]
async fn items_with_total_stop_at_total() {
    let server = campaign_server(|page| {
        let start = (page - 1) * 50;
        json!({ "items": campaigns(start..(start + 50).min(100)), "total": 100 })
    })
    .await;

    let listed = list_from(&server).await.unwrap();

    assert_eq!(listed.len(), 100);
    assert_eq!(
        server.requests_to("/v2/campaigns").len(),
        2,
        "total reached after page 2"
    );
}

#[tokio::test]
async fn has_next_false_stops_on_full_page() {
    let server = campaign_server(|page| {
        json!({ "results": campaigns((page - 1) * 50..page * 50), "meta": { "hasNext": false } })
    })
    .await;

    let listed = list_from(&server).await.unwrap();

    assert_eq!(listed.len(), 50);
    assert_eq!(server.requests_to("/v2/campaigns").len(), 1);
}

#[tokio::test]
async fn has_next_true_continues_on_short_page() {
    let server = campaign_server(|page| {
        let items = campaigns((page - 1) * 20..page * 20);
        json!({ "data": items, "pagination": { "hasNext": page < 2 } })
    })
    .await;

    let listed = list_from(&server).await.unwrap();

    assert_eq!(
        listed.len(),
        40,
        "a server capping limit at 20 still gets walked"
    );
}

#[tokio::test]
async fn item_without_id_is_skipped() {
    let server =
        campaign_server(|_| json!([{ "id": "c1" }, { "name": "no id" }, { "id": 7 }])).await;

    let listed = list_from(&server).await.unwrap();

    let ids: Vec<&str> = listed.iter().map(|campaign| campaign.id.as_str()).collect();
    assert_eq!(ids, ["c1", "7"]);
}

#[tokio::test]
async fn object_without_array_is_unexpected() {
    let server = campaign_server(|_| json!({ "data": { "nested": true }, "total": 1 })).await;

    let error = list_from(&server).await.unwrap_err();

    assert!(
        matches!(error, ApiError::UnexpectedResponse { status: 200, .. }),
        "got {error:?}"
    );
}

#[tokio::test]
async fn campaign_summary_uses_name_and_image() {
    let server = campaign_server(|_| {
        json!([{
            "id": "c1", "name": "Spring", "description": "Double stamps",
            "imageUrl": "https://img.example/c1.png", "isActive": false, "unknownField": [1, 2]
        }])
    })
    .await;

    let listed = list_from(&server).await.unwrap();
    let summary = listed[0].summary();

    assert_eq!(summary.entity_type, EntityType::Campaign);
    assert_eq!(summary.display_name, "Spring");
    assert_eq!(summary.description.as_deref(), Some("Double stamps"));
    assert_eq!(
        summary.image_url.as_deref(),
        Some("https://img.example/c1.png")
    );
    assert_eq!(summary.is_active, Some(false));
}

fn tokens_body(request: &Recorded) -> Value {
    if request.query_param("active").as_deref() == Some("false") {
        return json!([{ "id": "t3", "symbol": "OLD", "isActive": false, "metadata": null }]);
    }
    json!([
        { "id": "t1", "name": "Coffee Stamp", "symbol": "CST", "chainId": 137,
          "abi": {}, "metadata": [{ "name": "m", "imageUrl": "https://img.example/t1.png" }] },
        { "id": "t2", "name": "", "symbol": "BEAN", "chainId": "80002",
          "metadata": [{ "description": "Beans" , "image": "https://img.example/t2.png" }] },
        { "id": "t3", "symbol": "OLD", "isActive": false }
    ])
}

#[tokio::test]
async fn tenant_tokens_merge_active_and_inactive() {
    let server = MockServer::start(|request: Recorded| async move {
        match request.path() {
            "/v2/auth/token" => token_reply(),
            _ => Reply::json(200, &tokens_body(&request)),
        }
    })
    .await;
    let client = client_for(&server);
    let session = tenant_session(&client).await;

    let tokens = client.list_tokens(&session).await.unwrap();

    let ids: Vec<&str> = tokens.iter().map(|token| token.id.as_str()).collect();
    assert_eq!(
        ids,
        ["t1", "t2", "t3"],
        "t3 appears in both lists but once in the result"
    );
    assert_eq!(server.requests_to("/v2/tokens").len(), 2);
    assert_eq!(
        tokens[1].chain_id,
        Some(80002),
        "a numeric string chain id is accepted"
    );

    let first = tokens[0].summary();
    assert_eq!(first.display_name, "Coffee Stamp");
    assert_eq!(
        first.image_url.as_deref(),
        Some("https://img.example/t1.png")
    );
    let second = tokens[1].summary();
    assert_eq!(
        second.display_name, "BEAN",
        "a blank name falls back to the symbol"
    );
    assert_eq!(
        second.image_url.as_deref(),
        Some("https://img.example/t2.png")
    );
    assert_eq!(second.description.as_deref(), Some("Beans"));
    assert_eq!(tokens[2].summary().image_url, None);
}

#[tokio::test]
async fn business_tokens_request_once() {
    let server = MockServer::start(|request: Recorded| async move {
        match request.path() {
            "/v2/auth/token" => token_reply(),
            _ => Reply::json(200, &tokens_body(&request)),
        }
    })
    .await;
    let client = client_for(&server);
    let session = client
        .create_session(&"id-token".into(), AuthType::Business, Some("b1"))
        .await
        .unwrap();

    let tokens = client.list_tokens(&session).await.unwrap();

    assert_eq!(tokens.len(), 3);
    let requests = server.requests_to("/v2/tokens");
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].query_param("active"), None);
}

#[tokio::test]
async fn business_me_accepts_plain_and_wrapped() {
    let business = json!({
        "id": "b1", "displayName": "", "businessLegalName": "Bean There Ltd",
        "imageUrl": "https://img.example/b1.png", "isActive": true
    });
    for body in [business.clone(), json!({ "data": business.clone() })] {
        let server = crate::server_replying(Reply::json(200, &body)).await;
        let client = client_for(&server);
        let session = tenant_session(&client).await;

        let found = client.business_me(&session).await.unwrap();

        assert_eq!(found.id, "b1");
        let summary = found.summary();
        assert_eq!(summary.entity_type, EntityType::Business);
        assert_eq!(
            summary.display_name, "Bean There Ltd",
            "blank displayName falls back"
        );
        assert_eq!(
            summary.image_url.as_deref(),
            Some("https://img.example/b1.png")
        );
        assert_eq!(server.requests_to("/v2/businesses/me").len(), 1);
    }
}

//! `GET /v2/campaigns`.

use reqwest::StatusCode;
use serde_json::Value;

use crate::common::{self, ADMIN, BARISTA, HARBOUR_ID, problem};

fn active_flags(campaigns: &[Value]) -> Vec<bool> {
    campaigns
        .iter()
        .map(|campaign| campaign["isActive"].as_bool().unwrap())
        .collect()
}

#[tokio::test]
async fn paginated_object_and_legacy_array() {
    let sandbox = common::start().await;
    let token = sandbox.access_token(ADMIN, "tenant", None).await;

    let legacy: Value = sandbox
        .get("/campaigns", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    let all = legacy
        .as_array()
        .expect("without page and limit the response is a bare array");
    assert_eq!(all.len(), 6);

    let first: Value = sandbox
        .get("/campaigns?page=1&limit=4", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(first["data"].as_array().unwrap().len(), 4);
    assert_eq!(first["pagination"]["page"], 1);
    assert_eq!(first["pagination"]["limit"], 4);
    assert_eq!(first["pagination"]["total"], 6);
    assert_eq!(first["pagination"]["totalPages"], 2);
    assert_eq!(first["pagination"]["hasNext"], true);

    let second: Value = sandbox
        .get("/campaigns?page=2&limit=4", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(second["data"].as_array().unwrap().len(), 2);
    assert_eq!(second["pagination"]["hasNext"], false);
    assert_ne!(first["data"][0]["id"], second["data"][0]["id"]);
}

#[tokio::test]
async fn campaign_fields() {
    let sandbox = common::start().await;
    let campaigns: Value = sandbox.get("/campaigns", None).await.json().await.unwrap();
    let campaign = &campaigns[0];
    for field in [
        "id",
        "name",
        "description",
        "imageUrl",
        "externalUrl",
        "startDate",
        "endDate",
        "businessId",
        "createdAt",
    ] {
        assert!(
            campaign[field].is_string(),
            "campaign field {field} must be a string"
        );
    }
    assert!(campaign["isActive"].is_boolean());
    assert!(campaign["isTestnet"].is_boolean());
}

#[tokio::test]
async fn business_sees_own_including_inactive() {
    let sandbox = common::start().await;
    let token = sandbox.access_token(BARISTA, "business", None).await;
    let campaigns: Value = sandbox
        .get("/campaigns?active=true", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    let campaigns = campaigns.as_array().unwrap();

    assert_eq!(campaigns.len(), 3);
    assert!(
        campaigns
            .iter()
            .all(|campaign| campaign["businessId"] == HARBOUR_ID)
    );
    assert!(
        active_flags(campaigns).contains(&false),
        "business callers also see inactive campaigns"
    );
}

#[tokio::test]
async fn admin_sees_all_and_filters() {
    let sandbox = common::start().await;
    let token = sandbox.access_token(ADMIN, "tenant", None).await;

    let active: Value = sandbox
        .get("/campaigns?active=true", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    let active = active_flags(active.as_array().unwrap());
    assert_eq!(active.len(), 4);
    assert!(active.iter().all(|flag| *flag));

    let inactive: Value = sandbox
        .get("/campaigns?active=false", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    let inactive = active_flags(inactive.as_array().unwrap());
    assert_eq!(inactive.len(), 2);
    assert!(inactive.iter().all(|flag| !*flag));
}

#[tokio::test]
async fn project_key_only_sees_active() {
    let sandbox = common::start().await;
    let campaigns: Value = sandbox
        .get("/campaigns?active=false", None)
        .await
        .json()
        .await
        .unwrap();
    let flags = active_flags(campaigns.as_array().unwrap());
    assert_eq!(flags.len(), 4);
    assert!(flags.iter().all(|flag| *flag));
}

#[tokio::test]
async fn invalid_paging_is_rejected() {
    let sandbox = common::start().await;
    for (query, target) in [
        ("page=0&limit=10", "page"),
        ("page=1&limit=abc", "limit"),
        ("active=yes", "active"),
    ] {
        let response = sandbox.get(&format!("/campaigns?{query}"), None).await;
        let body = problem(response, StatusCode::BAD_REQUEST).await;
        assert_eq!(body["target"], target, "{query}");
    }
}

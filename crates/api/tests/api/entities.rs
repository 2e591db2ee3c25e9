//! Redemptions, users, businesses, the tenant and "set as entity image", against the sandbox
//! and a scripted server.

use pers_api::{EntityType, ImageUpdate, ImageUpdateSupport};
use serde_json::json;

use crate::sandbox::start;
use crate::support::{MockServer, Recorded, Reply};
use crate::{client_for, tenant_session, token_reply};

const TENANT_ID: &str = "902a3260-bc4b-46eb-a07a-b2c86625ba78";
const REDEMPTION_ID: &str = "907fb366-2efd-4876-bff5-837109f523e6";

#[tokio::test]
async fn admin_lists_every_entity_type() {
    let running = start().await;
    let session = running.tenant_session().await;

    for entity_type in [
        EntityType::Campaign,
        EntityType::Token,
        EntityType::Redemption,
        EntityType::Business,
        EntityType::Tenant,
        EntityType::User,
    ] {
        let listed = running
            .client
            .list_entities(&session, entity_type)
            .await
            .unwrap();
        assert!(!listed.is_empty(), "{entity_type} listed");
        assert!(
            listed
                .iter()
                .all(|summary| summary.entity_type == entity_type)
        );
        assert!(
            listed
                .iter()
                .all(|summary| !summary.display_name.trim().is_empty()),
            "{entity_type} has display names"
        );
    }
}

#[tokio::test]
async fn redemptions_by_role() {
    let running = start().await;
    let admin = running.tenant_session().await;
    let staff = running
        .business_session(&running.accounts("business")[0])
        .await;

    let all = running.client.list_redemptions(&admin).await.unwrap();
    let active = running.client.list_redemptions(&staff).await.unwrap();

    assert_eq!(all.len(), 3);
    assert!(
        all.iter()
            .any(|redemption| redemption.is_active == Some(false))
    );
    assert_eq!(active.len(), 2);
    let typed = all
        .iter()
        .find(|r| r.image_url.as_deref() == Some(""))
        .unwrap();
    assert!(
        typed.summary().image_url.unwrap().contains("/types/"),
        "an offer without an image shows its type's image"
    );
}

#[tokio::test]
async fn user_pages_walk_lazily() {
    let running = start().await;
    let session = running.tenant_session().await;
    let mut pages = running.client.user_pages(&session);
    running.sandbox.faults().clear_requests();

    let first = pages.next_page().await.unwrap().unwrap();
    let sent_after_first = running.requests_to("/v2/users").len();
    let rest = pages.next_page().await.unwrap();

    assert_eq!(first.len(), 2);
    assert_eq!(sent_after_first, 1, "one request per page read");
    assert!(rest.is_none(), "a short page is the last");
    assert!(first.iter().all(|user| user.summary().image_url.is_none()));
    assert_eq!(first[0].summary().display_name, "Ana Costa");
}

#[tokio::test]
async fn staff_business_list_is_own_business() {
    let running = start().await;
    let staff = running
        .business_session(&running.accounts("business")[0])
        .await;

    let businesses = running.client.list_businesses(&staff).await.unwrap();

    assert_eq!(businesses.len(), 1);
    assert_eq!(Some(businesses[0].id.clone()), staff.business_id());
}

#[tokio::test]
async fn business_list_falls_back_on_404() {
    let server = MockServer::start(|request: Recorded| async move {
        match request.path() {
            "/v2/auth/token" => token_reply(),
            "/v2/businesses" => {
                Reply::problem(404, &json!({ "status": 404, "code": "ROUTE_NOT_FOUND" }))
            }
            "/v2/campaigns" => Reply::json(
                200,
                &json!([
                    { "id": "c1", "businessId": "b1" },
                    { "id": "c2", "businessId": "b1" },
                    { "id": "c3", "businessId": "b2" },
                ]),
            ),
            "/v2/businesses/b1" => Reply::json(200, &json!({ "id": "b1", "displayName": "One" })),
            "/v2/businesses/b2" => Reply::json(200, &json!({ "data": { "id": "b2" } })),
            _ => Reply::json(404, &json!({ "status": 404 })),
        }
    })
    .await;
    let client = client_for(&server);
    let session = tenant_session(&client).await;

    let businesses = client.list_businesses(&session).await.unwrap();

    let ids: Vec<&str> = businesses
        .iter()
        .map(|business| business.id.as_str())
        .collect();
    assert_eq!(ids, ["b1", "b2"]);
    assert_eq!(server.requests_to("/v2/businesses/b1").len(), 1);
}

#[tokio::test]
async fn tenant_uses_claim_then_public() {
    let running = start().await;
    let session = running.tenant_session().await;

    let tenant = running.client.tenant(&session).await.unwrap();

    assert_eq!(tenant.id, TENANT_ID);
    assert!(tenant.project_email.is_some(), "admins get the full tenant");
    assert_eq!(
        running
            .requests_to(&format!("/v2/tenants/{TENANT_ID}"))
            .len(),
        1
    );
    assert!(running.requests_to("/v2/tenants/public").is_empty());
}

#[tokio::test]
async fn set_image_on_redemption_and_tenant() {
    let running = start().await;
    let session = running.tenant_session().await;
    let image = "http://127.0.0.1:9/uploaded.png";

    let redemption = running
        .client
        .set_entity_image(&session, EntityType::Redemption, REDEMPTION_ID, image)
        .await
        .unwrap();
    let tenant = running
        .client
        .set_entity_image(&session, EntityType::Tenant, TENANT_ID, image)
        .await
        .unwrap();

    let ImageUpdate::Updated(summary) = redemption else {
        panic!("redemption image must be updatable, got {redemption:?}");
    };
    assert_eq!(summary.image_url.as_deref(), Some(image));
    let ImageUpdate::Updated(summary) = tenant else {
        panic!("tenant image must be updatable, got {tenant:?}");
    };
    assert_eq!(summary.image_url.as_deref(), Some(image));
    let read_back = running
        .client
        .redemption(&session, REDEMPTION_ID)
        .await
        .unwrap();
    assert_eq!(read_back.image_url.as_deref(), Some(image));
}

#[tokio::test]
async fn set_image_elsewhere_not_available() {
    let running = start().await;
    let session = running.tenant_session().await;
    running.sandbox.faults().clear_requests();

    for entity_type in [
        EntityType::Campaign,
        EntityType::Token,
        EntityType::Business,
        EntityType::User,
    ] {
        let result = running
            .client
            .set_entity_image(&session, entity_type, "any", "https://x.test/a.png")
            .await
            .unwrap();
        let ImageUpdate::NotAvailable { reason, .. } = result else {
            panic!("{entity_type} must not be updatable");
        };
        assert!(!reason.is_empty());
        assert!(matches!(
            entity_type.image_update_support(),
            ImageUpdateSupport::NotAvailable { .. }
        ));
    }
    assert!(
        running.sandbox.faults().requests().is_empty(),
        "nothing was sent"
    );
}

#[tokio::test]
async fn staff_cannot_set_redemption_image() {
    let running = start().await;
    let staff = running
        .business_session(&running.accounts("business")[0])
        .await;

    let error = running
        .client
        .set_entity_image(
            &staff,
            EntityType::Redemption,
            REDEMPTION_ID,
            "https://x.test/a.png",
        )
        .await
        .unwrap_err();

    assert_eq!(error.status(), Some(403));
    assert_eq!(error.code(), Some("TENANT_ADMIN_REQUIRED"));
}

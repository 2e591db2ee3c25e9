//! Contract tests: the client decodes responses shaped as the PERS API v2 documentation shows
//! them, with every documented field present.

use pers_api::{
    ApiError, AuthType, Business, Campaign, EntityType, Redemption, Secret, SignedUrlMethod,
    StorageUrlRequest, Tenant, Token, User,
};
use serde_json::{Value, json};

use crate::support::{MockServer, Recorded, Reply};
use crate::{REFRESH_TOKEN, access_token, client_for, server_replying, tenant_session};

/// Returns a campaign with the fields of the documentation's 1.8 example.
fn campaign_example() -> Value {
    json!({
        "id": "c1a7f0e2-52b4-4c0e-9a57-3f1d1b0b9a10",
        "name": "Summer stamps",
        "description": "Collect a stamp with every coffee.",
        "beneficiaryAccountAddress": "0x1f9840a85d5aF5bf1D1762F925BDADdC4201F984",
        "startDate": "2025-06-01T00:00:00.000Z",
        "endDate": "2025-08-31T23:59:59.000Z",
        "imageUrl": "https://cdn.example.com/campaigns/summer.png",
        "externalUrl": "https://example.com/summer",
        "isActive": true,
        "isTestnet": false,
        "trigger": { "id": 3, "name": "PURCHASE" },
        "tokenUnits": [{ "amount": 1, "tokenMetadataIncrementalId": 2 }]
    })
}

#[test]
fn campaign_example_decodes() {
    let campaign: Campaign = serde_json::from_value(campaign_example()).unwrap();

    assert_eq!(campaign.id, "c1a7f0e2-52b4-4c0e-9a57-3f1d1b0b9a10");
    assert_eq!(campaign.name.as_deref(), Some("Summer stamps"));
    assert_eq!(
        campaign.start_date.as_deref(),
        Some("2025-06-01T00:00:00.000Z")
    );
    assert_eq!(campaign.is_active, Some(true));
    assert_eq!(campaign.is_testnet, Some(false));
    let summary = campaign.summary();
    assert_eq!(summary.entity_type, EntityType::Campaign);
    assert_eq!(summary.display_name, "Summer stamps");
    assert_eq!(
        summary.image_url.as_deref(),
        Some("https://cdn.example.com/campaigns/summer.png")
    );
}

#[test]
fn token_example_decodes() {
    // TokenDTO: abi and abiUrl are objects, decimals only for ERC-20, metadata null for point
    // tokens and an array of metadata entries otherwise.
    let point_token = json!({
        "id": "20dfa3a8-497f-47fd-970c-74bac0df755a",
        "contractAddress": "0x5FbDB2315678afecb367f032d93F642f64180aa3",
        "metadata": null,
        "abi": { "entries": [] },
        "chainId": 137,
        "abiUrl": { "url": "https://example.com/abi.json" },
        "name": "Coffee points",
        "symbol": "BEAN",
        "decimals": 18,
        "isActive": true,
        "isGallery": false,
        "type": "ERC20"
    });
    let badge = json!({
        "id": "6e1b8c43-0c2d-4e7f-9d41-2b9f3a1c5d77",
        "contractAddress": "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
        "metadata": [{ "name": "Bronze", "description": "Ten visits.", "imageUrl": "https://cdn.example.com/bronze.png" }],
        "abi": {},
        "chainId": 137,
        "abiUrl": {},
        "symbol": "BADGE",
        "isActive": false,
        "isGallery": true,
        "type": "ERC1155"
    });

    let point_token: Token = serde_json::from_value(point_token).unwrap();
    let badge: Token = serde_json::from_value(badge).unwrap();

    assert!(
        point_token.metadata.is_empty(),
        "null metadata is no entries"
    );
    assert_eq!(point_token.decimals, Some(18));
    assert_eq!(point_token.chain_id, Some(137));
    assert_eq!(point_token.token_type.as_deref(), Some("ERC20"));
    assert_eq!(point_token.summary().display_name, "Coffee points");
    assert_eq!(point_token.summary().image_url, None);
    assert_eq!(badge.decimals, None);
    assert_eq!(badge.is_gallery, Some(true));
    let summary = badge.summary();
    assert_eq!(summary.display_name, "BADGE", "no name: the symbol");
    assert_eq!(
        summary.image_url.as_deref(),
        Some("https://cdn.example.com/bronze.png")
    );
    assert_eq!(summary.is_active, Some(false));
}

#[test]
fn redemption_example_decodes() {
    // The documentation's 2.0.7 example fields, with a numeric type id.
    let example = json!({
        "id": "907fb366-2efd-4876-bff5-837109f523e6",
        "name": "Free flat white",
        "description": "Swap ten beans for a coffee.",
        "imageUrl": "",
        "isActive": true,
        "creditTokenAmount": 10,
        "type": { "id": 2, "name": "Voucher", "description": "In-store voucher", "imageUrl": "https://cdn.example.com/voucher.png" },
        "tokenUnits": [],
        "order": 1,
        "supply": { "available": 40, "total": 50 },
        "maxPerUser": 2,
        "minUserStatusType": {
            "id": 1, "name": "Regular", "description": "", "minTokenBalance": 5,
            "discountPercentage": 0, "imageUrl": "", "eligibleTokenAddresses": []
        },
        "countryCodeRestrictions": ["NOT_ES", "FR"],
        "tags": ["coffee"]
    });

    let redemption: Redemption = serde_json::from_value(example).unwrap();

    let kind = redemption.redemption_type.as_ref().unwrap();
    assert_eq!(kind.id.as_deref(), Some("2"));
    assert_eq!(kind.name.as_deref(), Some("Voucher"));
    let summary = redemption.summary();
    assert_eq!(summary.display_name, "Free flat white");
    assert_eq!(
        summary.image_url.as_deref(),
        Some("https://cdn.example.com/voucher.png"),
        "an empty imageUrl falls back to the type's image"
    );
}

#[test]
fn business_example_decodes() {
    let example = json!({
        "id": "deccfb5a-22d4-4699-95e5-645fd857c7cb",
        "email": null,
        "accountAddress": "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0",
        "businessLegalName": "Harbour Roasters Ltd",
        "displayName": "Harbour Roasters",
        "description": "Coffee by the harbour.",
        "website": "https://harbour.example.com",
        "imageUrl": "https://cdn.example.com/harbour.png",
        "currentSigningAccountId": "acc-1",
        "wallets": [{ "address": "0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9" }]
    });

    let business: Business = serde_json::from_value(example).unwrap();

    assert_eq!(business.email, None);
    assert_eq!(business.display_name.as_deref(), Some("Harbour Roasters"));
    let summary = business.summary();
    assert_eq!(summary.display_name, "Harbour Roasters");
    assert_eq!(
        summary.image_url.as_deref(),
        Some("https://cdn.example.com/harbour.png")
    );
}

#[test]
fn business_image_alias_decodes() {
    // The documentation does not publish the image field's name, so `image` is read too.
    let example =
        json!({ "id": 7, "displayName": "Seven", "image": "https://cdn.example.com/7.png" });

    let business: Business = serde_json::from_value(example).unwrap();

    assert_eq!(business.id, "7");
    assert_eq!(
        business.summary().image_url.as_deref(),
        Some("https://cdn.example.com/7.png")
    );
}

#[test]
fn tenant_example_decodes_without_keys() {
    let example = json!({
        "id": "902a3260-bc4b-46eb-a07a-b2c86625ba78",
        "projectName": "Demo Coffee Club",
        "acronym": "DCC",
        "createdAt": "2024-01-15T10:00:00.000Z",
        "projectDescription": "Loyalty for coffee shops.",
        "projectWebsite": "https://club.example.com",
        "projectEmail": "hello@club.example.com",
        "projectImageUrl": "https://cdn.example.com/club.png",
        "projectApiKey": "project-api-key-secret",
        "testnetProjectApiKey": "pk_test_testnet-key-secret",
        "stripeApiKey": "stripe-api-key-secret",
        "stripeWebhookSecret": "stripe-webhook-secret",
        "walletManagementType": "CUSTODIAL"
    });

    let tenant: Tenant = serde_json::from_value(example).unwrap();

    assert_eq!(tenant.summary().display_name, "Demo Coffee Club");
    assert_eq!(
        tenant.project_image_url.as_deref(),
        Some("https://cdn.example.com/club.png")
    );
    let debug = format!("{tenant:?}");
    assert!(!debug.contains("secret"), "keys are not decoded: {debug}");
}

#[test]
fn user_example_decodes() {
    let example = json!({
        "id": "3dad0dac-6382-43f8-abdd-6caf27976b25",
        "email": null,
        "identifierEmail": "user123@user.pers.internal",
        "firstName": "",
        "lastName": "",
        "externalId": "crm-42",
        "accountAddress": "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
        "instagramAccountId": null,
        "googleAccountName": null,
        "customData": {},
        "publicProfile": {},
        "isActive": true,
        "currentSigningAccountId": "acc-2",
        "wallets": [],
        "createdAt": "2024-02-01T09:00:00.000Z",
        "updatedAt": "2024-02-02T09:00:00.000Z"
    });

    let user: User = serde_json::from_value(example).unwrap();

    let summary = user.summary();
    assert_eq!(summary.display_name, "user123@user.pers.internal");
    assert_eq!(summary.image_url, None);
    assert_eq!(user.external_id.as_deref(), Some("crm-42"));
}

#[tokio::test]
async fn token_pair_example_decodes() {
    let server = server_replying(Reply::json(200, &json!([]))).await;
    let client = client_for(&server);

    let session = client
        .create_session(&Secret::from("firebase-id-token"), AuthType::Tenant, None)
        .await
        .unwrap();

    assert_eq!(session.refresh_token().expose(), REFRESH_TOKEN);
    assert!(session.access_token_expires_at().is_some());
}

#[tokio::test]
async fn refresh_example_decodes() {
    let server = MockServer::start(|_request: Recorded| async {
        let body = json!({ "accessToken": access_token("resumed"), "refreshToken": "refresh-2" });
        Reply::json(200, &body)
    })
    .await;
    let client = client_for(&server);

    let session = client
        .resume_session(&Secret::from(REFRESH_TOKEN), AuthType::Tenant)
        .await
        .unwrap();

    assert_eq!(session.refresh_token().expose(), "refresh-2");
    assert_eq!(server.requests_to("/v2/auth/refresh").len(), 1);
}

/// Starts a server that signs in and replies `body` with status 200 to everything else.
async fn serving(body: Value) -> MockServer {
    server_replying(Reply::json(200, &body)).await
}

#[tokio::test]
async fn campaign_list_both_shapes() {
    let legacy = serving(json!([campaign_example()])).await;
    let paged = serving(json!({
        "data": [campaign_example()],
        "pagination": { "page": 1, "limit": 50, "total": 1, "totalPages": 1, "hasNext": false }
    }))
    .await;
    for server in [legacy, paged] {
        let client = client_for(&server);
        let session = tenant_session(&client).await;

        let campaigns = client.list_campaigns(&session).await.unwrap();

        assert_eq!(campaigns.len(), 1);
        assert_eq!(campaigns[0].name.as_deref(), Some("Summer stamps"));
    }
}

#[tokio::test]
async fn signed_url_example_decodes() {
    let url = "https://s3.eu-west-1.amazonaws.com/pers.assets.prod/tenant/logo.png\
               ?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=0123abcd";
    let server = serving(json!({ "signedUrl": url })).await;
    let client = client_for(&server);
    let session = tenant_session(&client).await;
    let request = StorageUrlRequest {
        entity_type: EntityType::Tenant,
        entity_id: "902a3260-bc4b-46eb-a07a-b2c86625ba78".to_owned(),
        method: SignedUrlMethod::Put,
        file_extension: "png".to_owned(),
        file_name: Some("logo".to_owned()),
    };

    let signed = client.entity_storage_url(&session, &request).await.unwrap();

    assert_eq!(signed.expose(), url);
    assert_eq!(
        signed.to_string(),
        "https://s3.eu-west-1.amazonaws.com/pers.assets.prod/tenant/logo.png"
    );
}

#[tokio::test]
async fn problem_example_decodes() {
    let body = json!({
        "status": 404,
        "title": "Not Found",
        "detail": "User with id 42 was not found",
        "message": "User with id 42 was not found",
        "code": "USER_NOT_FOUND",
        "category": "DOMAIN_RULE",
        "timestamp": "2025-01-01T12:00:00.000Z",
        "correlationId": "pers-abc123-def456",
        "retryable": false,
        "domain": "user",
        "details": { "userId": "42" },
        "userMessage": "This user does not exist."
    });
    let server = server_replying(Reply::problem(404, &body)).await;
    let client = client_for(&server);
    let session = tenant_session(&client).await;

    let error = client.list_users(&session).await.unwrap_err();

    let ApiError::Problem {
        status,
        code,
        title,
        detail,
        correlation_id,
        retryable,
        path,
    } = &error
    else {
        panic!("expected a problem, got {error:?}");
    };
    assert_eq!(*status, 404);
    assert_eq!(code.as_deref(), Some("USER_NOT_FOUND"));
    assert_eq!(title.as_deref(), Some("Not Found"));
    assert_eq!(detail.as_deref(), Some("User with id 42 was not found"));
    assert_eq!(correlation_id.as_deref(), Some("pers-abc123-def456"));
    assert_eq!(*retryable, Some(false));
    assert_eq!(path, "/users");
    assert!(error.to_string().contains("pers-abc123-def456"), "{error}");
}

#[tokio::test]
async fn validation_problem_is_not_retryable() {
    // Without `retryable`, the documented VALIDATION category is never retryable.
    let body = json!({
        "status": 400,
        "title": "Bad Request",
        "detail": "limit must be at most 100",
        "code": "VALIDATION_ERROR",
        "category": "VALIDATION",
        "target": "limit"
    });
    let server = server_replying(Reply::problem(400, &body)).await;
    let client = client_for(&server);
    let session = tenant_session(&client).await;

    let error = client.list_users(&session).await.unwrap_err();

    let ApiError::Problem { retryable, .. } = &error else {
        panic!("expected a problem, got {error:?}");
    };
    assert_eq!(*retryable, Some(false));
    assert_eq!(error.code(), Some("VALIDATION_ERROR"));
}

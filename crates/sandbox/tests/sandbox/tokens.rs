//! `GET /v2/tokens`.

use serde_json::Value;

use crate::common::{self, ADMIN, BARISTA};

async fn token_count(sandbox: &common::TestSandbox, query: &str, bearer: Option<&str>) -> usize {
    let tokens: Value = sandbox
        .get(&format!("/tokens{query}"), bearer)
        .await
        .json()
        .await
        .unwrap();
    tokens.as_array().unwrap().len()
}

#[tokio::test]
async fn only_admin_sees_inactive() {
    let sandbox = common::start().await;
    let admin = sandbox.access_token(ADMIN, "tenant", None).await;
    let staff = sandbox.access_token(BARISTA, "business", None).await;

    assert_eq!(token_count(&sandbox, "", None).await, 3);
    assert_eq!(token_count(&sandbox, "?active=false", None).await, 3);
    assert_eq!(
        token_count(&sandbox, "?active=false", Some(&staff)).await,
        3
    );
    assert_eq!(token_count(&sandbox, "", Some(&admin)).await, 3);
    assert_eq!(
        token_count(&sandbox, "?active=false", Some(&admin)).await,
        4
    );
}

#[tokio::test]
async fn token_fields() {
    let sandbox = common::start().await;
    let tokens: Value = sandbox.get("/tokens", None).await.json().await.unwrap();
    for token in tokens.as_array().unwrap() {
        for field in ["id", "contractAddress", "name", "symbol", "type"] {
            assert!(
                token[field].is_string(),
                "token field {field} must be a string"
            );
        }
        assert!(token["chainId"].is_u64());
        assert!(token["isActive"].is_boolean());
        assert!(token["isGallery"].is_boolean());
        assert!(token["abi"].is_object());
        assert!(token["abiUrl"].is_object());
        let metadata = token["metadata"].as_array().unwrap();
        assert!(!metadata.is_empty());
        assert!(metadata.iter().all(|entry| entry["imageUrl"].is_string()));
    }
}

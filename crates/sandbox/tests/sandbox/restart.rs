//! Data survives a restart on the same data dir.

use reqwest::StatusCode;

use crate::common::{self, ADMIN, BARISTA, HARBOUR_CAMPAIGN_ID, storage_request};

#[tokio::test]
async fn restart_keeps_key_objects_and_accounts() {
    let first = common::start().await;
    let project_key = first.info().project_key.clone();
    let admin = first.access_token(ADMIN, "tenant", None).await;
    let put = storage_request("campaign", HARBOUR_CAMPAIGN_ID, "PUT", "webp", "banner");
    let url = first.signed_url(&admin, &put).await;
    let response = first
        .http
        .put(&url)
        .header("content-type", "image/webp")
        .body(b"RIFF-banner".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    let common::TestSandbox { sandbox, dir, http } = first;
    sandbox.shutdown().await;
    let config = pers_sandbox::SandboxConfig::new(dir.path());
    let second = common::TestSandbox {
        sandbox: pers_sandbox::start(config).await.unwrap(),
        dir,
        http,
    };

    assert_eq!(second.info().project_key, project_key);
    assert!(second.info().project_key.starts_with("pk_test_"));
    assert_eq!(second.info().project_key.len(), "pk_test_".len() + 64);

    let old_session = second.get("/campaigns", Some(&admin)).await;
    assert_eq!(
        old_session.status(),
        StatusCode::OK,
        "tokens from before the restart stay valid"
    );

    second.access_token(BARISTA, "business", None).await;
    let admin = second.access_token(ADMIN, "tenant", None).await;
    let get = storage_request("campaign", HARBOUR_CAMPAIGN_ID, "GET", "webp", "banner");
    let url = second.signed_url(&admin, &get).await;
    let response = second.http.get(&url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.bytes().await.unwrap().as_ref(), b"RIFF-banner");
}

#[cfg(unix)]
#[tokio::test]
async fn keys_file_is_owner_only() {
    use std::os::unix::fs::PermissionsExt;

    let sandbox = common::start().await;
    let mode = std::fs::metadata(sandbox.dir.path().join("keys.json"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

/// Returns whether a new connection to `url` fails.
async fn refuses_connections(url: &str) -> bool {
    let client = reqwest::Client::new();
    client
        .get(url)
        .send()
        .await
        .is_err_and(|error| error.is_connect())
}

#[tokio::test]
async fn shutdown_stops_both_servers() {
    let sandbox = common::start().await;
    let base_url = sandbox.info().base_url.clone();
    let storage_url = sandbox.info().storage_url.clone();
    assert!(
        !refuses_connections(&base_url).await,
        "the API serves before shutdown"
    );

    sandbox.sandbox.shutdown().await;
    assert!(
        refuses_connections(&base_url).await,
        "the API stops after shutdown"
    );
    assert!(
        refuses_connections(&storage_url).await,
        "the store stops after shutdown"
    );
}

#[tokio::test]
async fn drop_stops_both_servers() {
    let sandbox = common::start().await;
    let base_url = sandbox.info().base_url.clone();
    let storage_url = sandbox.info().storage_url.clone();
    drop(sandbox);

    // The servers stop in their own tasks, so poll a bounded number of times.
    let mut stopped = false;
    for _ in 0..100 {
        if refuses_connections(&base_url).await && refuses_connections(&storage_url).await {
            stopped = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(stopped, "dropping the sandbox stops both servers");
}

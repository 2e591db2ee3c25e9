//! Refresh against a sandbox with single-use refresh tokens and strict refresh, and the
//! session's watch channel of refresh token updates.

use pers_api::{ApiClient, AuthType, Session};
use pers_sandbox::Route;

use crate::sandbox::{Running, start, start_with};

/// Makes the next campaign listing meet a 401, so the client refreshes once and retries.
fn expire_next_listing(running: &Running) {
    let route = Route::get("/v2/campaigns");
    running.sandbox.faults().fail_next(route, 1, 401).unwrap();
}

async fn list_once(client: &ApiClient, session: &Session) {
    let campaigns = client.list_campaigns(session).await.unwrap();
    assert!(!campaigns.is_empty());
}

#[tokio::test]
async fn strict_server_accepts_client_refresh() {
    let running = start_with(|config| config.strict_refresh = true).await;
    let session = running.tenant_session().await;
    expire_next_listing(&running);

    list_once(&running.client, &session).await;

    let refreshes = running.requests_to("/v2/auth/refresh");
    assert_eq!(refreshes.len(), 1);
    assert_eq!(refreshes[0].status, 200, "both tokens were sent");
    assert_eq!(session.generation(), 2);
    assert!(!session.is_ended());
}

#[tokio::test]
async fn strict_server_rejects_resume() {
    let running = start_with(|config| config.strict_refresh = true).await;
    let session = running.tenant_session().await;

    let resumed = running
        .client
        .resume_session(&session.refresh_token(), AuthType::Tenant)
        .await;

    let error = resumed.unwrap_err();
    assert!(error.is_session_expired(), "got {error:?}");
    assert_eq!(running.requests_to("/v2/auth/refresh")[0].status, 400);
}

#[tokio::test]
async fn rotated_refresh_token_is_rejected() {
    let running = start().await;
    let session = running.tenant_session().await;
    let before_refresh = session.refresh_token();
    expire_next_listing(&running);
    list_once(&running.client, &session).await;

    let stale = running
        .client
        .resume_session(&before_refresh, AuthType::Tenant)
        .await;
    let latest = running
        .client
        .resume_session(&session.refresh_token(), AuthType::Tenant)
        .await;

    let error = stale.unwrap_err();
    assert!(error.is_session_expired(), "got {error:?}");
    assert!(
        error.to_string().contains("single-use"),
        "the server's detail is kept: {error}"
    );
    assert!(latest.is_ok(), "the rotated token resumes: {latest:?}");
}

#[tokio::test]
async fn watch_reports_refreshed_token() {
    let running = start().await;
    let session = running.tenant_session().await;
    let mut updates = session.refresh_token_updates();
    let initial = updates.borrow().clone();
    let unchanged = updates.has_changed().unwrap();
    expire_next_listing(&running);

    list_once(&running.client, &session).await;

    assert!(!unchanged, "the current token starts as seen");
    assert_eq!(initial.generation, 1);
    assert!(updates.has_changed().unwrap());
    let update = updates.borrow_and_update().clone();
    assert_eq!(update.generation, 2);
    assert!(!update.session_ended);
    assert_eq!(
        update.refresh_token.expose(),
        session.refresh_token().expose()
    );
    assert_ne!(
        update.refresh_token.expose(),
        initial.refresh_token.expose()
    );
    let debug = format!("{update:?}");
    assert!(
        !debug.contains(update.refresh_token.expose()),
        "Debug hides the token: {debug}"
    );
    let resumed = running
        .client
        .resume_session(&update.refresh_token, AuthType::Tenant)
        .await;
    assert!(resumed.is_ok(), "the reported token resumes: {resumed:?}");
}

#[tokio::test]
async fn watch_wakes_waiting_receiver() {
    let running = start().await;
    let session = running.tenant_session().await;
    let mut updates = session.refresh_token_updates();
    let waiter = tokio::spawn(async move {
        updates.changed().await.unwrap();
        updates.borrow_and_update().generation
    });
    expire_next_listing(&running);

    list_once(&running.client, &session).await;

    let generation = tokio::time::timeout(std::time::Duration::from_secs(10), waiter)
        .await
        .expect("the waiting receiver was woken")
        .unwrap();
    assert_eq!(generation, 2);
}

#[tokio::test]
async fn watch_reports_ended_session() {
    let running = start().await;
    let session = running.tenant_session().await;
    let mut updates = session.refresh_token_updates();
    let faults = running.sandbox.faults();
    faults
        .fail_next(Route::new("POST", "/v2/auth/refresh"), 1, 401)
        .unwrap();
    expire_next_listing(&running);

    let error = running.client.list_campaigns(&session).await.unwrap_err();

    assert!(error.is_session_expired(), "got {error:?}");
    assert!(updates.has_changed().unwrap());
    let update = updates.borrow_and_update().clone();
    assert!(update.session_ended);
    assert_eq!(update.generation, 1, "no new pair was received");
}

#[tokio::test]
async fn clones_share_one_channel() {
    let running = start().await;
    let session = running.tenant_session().await;
    let clone = session.clone();
    let mut updates = session.refresh_token_updates();
    expire_next_listing(&running);

    list_once(&running.client, &clone).await;

    assert!(updates.has_changed().unwrap());
    assert_eq!(updates.borrow_and_update().generation, 2);
}

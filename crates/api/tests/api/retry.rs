//! Retries of idempotent calls against the sandbox's fault switches, counted through its
//! request log, and `Retry-After` dates against a scripted server.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use pers_api::{
    ApiClient, ApiError, EntityType, RetryPolicy, Secret, SignedUrlMethod, StorageUrlRequest,
};
use pers_sandbox::{Fault, RequestRecord, Route};
use serde_json::json;

use crate::sandbox::{Running, start};
use crate::support::{MockServer, Recorded, Reply};
use crate::{client_for, token_reply};

const CAMPAIGNS: &str = "/v2/campaigns";
const STORAGE_URL: &str = "/v2/files/entity-storage-url";

/// Returns a policy with millisecond pauses, so tests spend no time in backoff.
fn quick_policy(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        max_total_wait: Duration::from_secs(5),
    }
}

/// Returns a client of the sandbox with `policy` on `http`.
fn sandbox_client(running: &Running, http: reqwest::Client, policy: RetryPolicy) -> ApiClient {
    let info = running.sandbox.info();
    let project_key = Secret::new(info.project_key.clone());
    let client = ApiClient::new(http, &info.base_url, project_key).unwrap();
    client.with_retry_policy(policy)
}

/// Signs in as the tenant admin and returns a quick-retrying client and the session, with the
/// request log emptied.
async fn signed_in(max_attempts: u32) -> (Running, ApiClient, pers_api::Session) {
    let running = start().await;
    let session = running.tenant_session().await;
    let client = sandbox_client(&running, running.http.clone(), quick_policy(max_attempts));
    running.sandbox.faults().clear_requests();
    (running, client, session)
}

fn faults_of(records: &[RequestRecord]) -> Vec<Option<&str>> {
    records
        .iter()
        .map(|record| record.fault.as_deref())
        .collect()
}

fn storage_request(entity_id: &str) -> StorageUrlRequest {
    StorageUrlRequest {
        entity_type: EntityType::Redemption,
        entity_id: entity_id.to_owned(),
        method: SignedUrlMethod::Put,
        file_extension: "png".to_owned(),
        file_name: Some("retry".to_owned()),
    }
}

#[tokio::test]
async fn unavailable_is_retried_until_success() {
    let (running, client, session) = signed_in(4).await;
    let faults = running.sandbox.faults();
    faults.fail_next(Route::get(CAMPAIGNS), 2, 503).unwrap();

    let campaigns = client.list_campaigns(&session).await.unwrap();

    assert!(!campaigns.is_empty());
    let requests = running.requests_to(CAMPAIGNS);
    assert_eq!(requests.len(), 3, "two failures and one success");
    assert_eq!(
        faults_of(&requests),
        [Some("failNext"), Some("failNext"), None]
    );
    assert_eq!(requests[2].status, 200);
}

#[tokio::test]
async fn gateway_statuses_are_retried() {
    let (running, client, session) = signed_in(2).await;
    let faults = running.sandbox.faults();
    for status in [429, 502, 503, 504] {
        faults.clear_requests();
        faults.fail_next(Route::get(CAMPAIGNS), 1, status).unwrap();

        let listed = client.list_campaigns(&session).await;

        assert!(listed.is_ok(), "status {status}: {listed:?}");
        assert_eq!(running.requests_to(CAMPAIGNS).len(), 2, "status {status}");
    }
}

#[tokio::test]
async fn attempt_cap_returns_last_status() {
    let (running, client, session) = signed_in(3).await;
    let faults = running.sandbox.faults();
    faults.fail_next(Route::get(CAMPAIGNS), 10, 503).unwrap();

    let error = client.list_campaigns(&session).await.unwrap_err();

    assert_eq!(error.status(), Some(503));
    assert_eq!(error.code(), Some("SANDBOX_FAULT"));
    assert_eq!(running.requests_to(CAMPAIGNS).len(), 3);
}

#[tokio::test]
async fn other_errors_fail_fast() {
    let (running, client, session) = signed_in(4).await;
    let faults = running.sandbox.faults();
    for status in [400, 403, 404, 409, 422, 500] {
        faults.clear_requests();
        faults.fail_next(Route::get(CAMPAIGNS), 1, status).unwrap();

        let error = client.list_campaigns(&session).await.unwrap_err();

        assert_eq!(error.status(), Some(status));
        let message = error.to_string();
        assert!(message.contains(&status.to_string()), "{message}");
        assert_eq!(running.requests_to(CAMPAIGNS).len(), 1, "status {status}");
    }
}

#[tokio::test]
async fn retry_after_seconds_is_waited() {
    let (running, client, session) = signed_in(4).await;
    let faults = running.sandbox.faults();
    faults
        .apply(Fault::FailNext {
            route: Route::get(CAMPAIGNS),
            count: 1,
            status: 429,
            retry_after_secs: Some(1),
        })
        .unwrap();

    client.list_campaigns(&session).await.unwrap();

    let requests = running.requests_to(CAMPAIGNS);
    assert_eq!(faults_of(&requests), [Some("failNext"), None]);
}

#[tokio::test]
async fn retry_after_over_budget_fails() {
    let running = start().await;
    let session = running.tenant_session().await;
    let policy = RetryPolicy {
        max_total_wait: Duration::from_secs(10),
        ..quick_policy(4)
    };
    let client = sandbox_client(&running, running.http.clone(), policy);
    let faults = running.sandbox.faults();
    faults.clear_requests();
    faults
        .apply(Fault::FailNext {
            route: Route::get(CAMPAIGNS),
            count: 1,
            status: 503,
            retry_after_secs: Some(60),
        })
        .unwrap();

    let error = client.list_campaigns(&session).await.unwrap_err();

    // A client that ignored Retry-After would back off for milliseconds and succeed.
    assert_eq!(error.status(), Some(503));
    assert_eq!(running.requests_to(CAMPAIGNS).len(), 1);
}

#[tokio::test]
async fn rate_limit_window_is_waited() {
    let (running, client, session) = signed_in(3).await;
    let faults = running.sandbox.faults();
    faults.set_rate_limit(1, Duration::from_secs(1)).unwrap();

    // Tenant sessions list tokens twice (all, then inactive), so the second request meets
    // the limit of one request per second.
    let tokens = client.list_tokens(&session).await.unwrap();

    assert!(!tokens.is_empty());
    let requests = running.requests_to("/v2/tokens");
    assert_eq!(faults_of(&requests), [None, Some("rateLimit"), None]);
    assert_eq!(requests[1].status, 429);
    assert_eq!(requests[2].query_keys, ["active"]);
}

#[tokio::test]
async fn dropped_connection_is_retried() {
    let (running, client, session) = signed_in(3).await;
    let faults = running.sandbox.faults();
    faults.drop_connection(Route::get(CAMPAIGNS), 2).unwrap();

    client.list_campaigns(&session).await.unwrap();

    let requests = running.requests_to(CAMPAIGNS);
    assert_eq!(
        faults_of(&requests),
        [Some("dropConnection"), Some("dropConnection"), None]
    );
}

#[tokio::test]
async fn dropped_connections_exhaust_attempts() {
    let (running, client, session) = signed_in(2).await;
    let faults = running.sandbox.faults();
    faults.drop_connection(Route::get(CAMPAIGNS), 5).unwrap();

    let error = client.list_campaigns(&session).await.unwrap_err();

    assert!(matches!(error, ApiError::Transport { .. }), "{error:?}");
    assert_eq!(running.requests_to(CAMPAIGNS).len(), 2);
}

/// Waits until the sandbox has logged `count` requests to `path`: a request whose client timed
/// out is logged when the server notices, which may be after the client has returned.
async fn wait_for_requests(running: &Running, path: &str, count: usize) -> Vec<RequestRecord> {
    for _ in 0..200 {
        let requests = running.requests_to(path);
        if requests.len() >= count {
            return requests;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    running.requests_to(path)
}

#[tokio::test]
async fn request_timeout_is_retried_then_fails() {
    let running = start().await;
    let session = running.tenant_session().await;
    let http = pers_api::build_http_client_with_timeouts(
        Duration::from_secs(5),
        Duration::from_millis(200),
    )
    .unwrap();
    let client = sandbox_client(&running, http, quick_policy(2));
    let faults = running.sandbox.faults();
    faults.clear_requests();
    faults
        .add_latency(Route::get(CAMPAIGNS), Duration::from_millis(1500))
        .unwrap();

    let error = client.list_campaigns(&session).await.unwrap_err();

    let ApiError::Transport { source, .. } = &error else {
        panic!("expected a transport error, got {error:?}");
    };
    assert!(source.is_timeout(), "{error}");
    assert!(error.to_string().contains("timed out"), "{error}");
    let requests = wait_for_requests(&running, CAMPAIGNS, 2).await;
    assert_eq!(requests.len(), 2, "both attempts reached the server");
    assert_eq!(faults_of(&requests), [Some("clientClosed"); 2]);
    assert_eq!(requests[0].status, 0);
}

#[tokio::test]
async fn storage_url_is_retried() {
    let (running, client, session) = signed_in(3).await;
    let redemptions = client.list_redemptions(&session).await.unwrap();
    let faults = running.sandbox.faults();
    faults.clear_requests();
    faults
        .fail_next(Route::new("POST", STORAGE_URL), 1, 503)
        .unwrap();

    let signed = client
        .entity_storage_url(&session, &storage_request(&redemptions[0].id))
        .await
        .unwrap();

    assert!(signed.expose().contains("X-Amz-Signature"));
    let requests = running.requests_to(STORAGE_URL);
    assert_eq!(faults_of(&requests), [Some("failNext"), None]);
}

#[tokio::test]
async fn image_update_is_not_retried() {
    let (running, client, session) = signed_in(3).await;
    let redemptions = client.list_redemptions(&session).await.unwrap();
    let path = format!("/v2/redemptions/{}", redemptions[0].id);
    let faults = running.sandbox.faults();
    faults.clear_requests();
    faults.fail_next(Route::new("PUT", &path), 1, 503).unwrap();

    let image = "https://cdn.example.com/image.png";
    let result = client
        .set_entity_image(&session, EntityType::Redemption, &redemptions[0].id, image)
        .await;

    assert_eq!(result.unwrap_err().status(), Some(503));
    assert_eq!(running.requests_to(&path).len(), 1);
}

#[tokio::test]
async fn refresh_is_not_retried() {
    let (running, client, session) = signed_in(3).await;
    let faults = running.sandbox.faults();
    faults.fail_next(Route::get(CAMPAIGNS), 1, 401).unwrap();
    faults
        .fail_next(Route::new("POST", "/v2/auth/refresh"), 1, 503)
        .unwrap();

    let error = client.list_campaigns(&session).await.unwrap_err();

    assert_eq!(error.status(), Some(401), "{error}");
    assert_eq!(running.requests_to("/v2/auth/refresh").len(), 1);
    assert_eq!(running.requests_to(CAMPAIGNS).len(), 1);
    assert!(
        !session.is_ended(),
        "a refresh that failed on 503 keeps the session"
    );
    client.list_campaigns(&session).await.unwrap();
}

#[tokio::test]
async fn never_policy_sends_once() {
    let running = start().await;
    let session = running.tenant_session().await;
    let client = sandbox_client(&running, running.http.clone(), RetryPolicy::never());
    let faults = running.sandbox.faults();
    faults.clear_requests();
    faults.fail_next(Route::get(CAMPAIGNS), 1, 503).unwrap();

    let error = client.list_campaigns(&session).await.unwrap_err();

    assert_eq!(error.status(), Some(503));
    assert_eq!(running.requests_to(CAMPAIGNS).len(), 1);
}

/// Formats `time` as an IMF-fixdate, such as `Sun, 06 Nov 1994 08:49:37 GMT`.
fn http_date(time: SystemTime) -> String {
    let secs = time
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let days = secs / 86_400;
    let (year, month, day) = civil_from_days(days);
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(days % 7) as usize];
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month_name = months[(month - 1) as usize];
    let (hours, minutes, seconds) = (secs % 86_400 / 3600, secs % 3600 / 60, secs % 60);
    format!("{weekday}, {day:02} {month_name} {year} {hours:02}:{minutes:02}:{seconds:02} GMT")
}

/// Converts days since 1970-01-01 into (year, month, day), after Howard Hinnant's
/// `civil_from_days`.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let shifted = days + 719_468;
    let era = shifted / 146_097;
    let day_of_era = shifted - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

/// Starts a server whose first `GET /v2/campaigns` gets 503 with `Retry-After: retry_after`
/// and whose later ones get an empty list.
async fn unavailable_once(retry_after: String) -> (MockServer, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let server = MockServer::start(move |request: Recorded| {
        let counter = Arc::clone(&counter);
        let retry_after = retry_after.clone();
        async move {
            if request.path() == "/v2/auth/token" {
                return token_reply();
            }
            if counter.fetch_add(1, Ordering::SeqCst) == 0 {
                let body = json!({ "status": 503, "title": "Service Unavailable" });
                return Reply::problem(503, &body).with_header("retry-after", &retry_after);
            }
            Reply::json(200, &json!([]))
        }
    })
    .await;
    (server, calls)
}

#[tokio::test]
async fn retry_after_date_in_future_over_budget() {
    let in_an_hour = http_date(SystemTime::now() + Duration::from_secs(3600));
    let (server, calls) = unavailable_once(in_an_hour).await;
    let client = client_for(&server).with_retry_policy(quick_policy(4));
    let session = crate::tenant_session(&client).await;

    let error = client.list_campaigns(&session).await.unwrap_err();

    assert_eq!(error.status(), Some(503));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn retry_after_date_in_past_retries() {
    let an_hour_ago = http_date(SystemTime::now() - Duration::from_secs(3600));
    let (server, calls) = unavailable_once(an_hour_ago).await;
    // With no time to wait, only the past date, which requests no pause, allows the retry.
    let policy = RetryPolicy {
        max_total_wait: Duration::ZERO,
        ..quick_policy(2)
    };
    let client = client_for(&server).with_retry_policy(policy);
    let session = crate::tenant_session(&client).await;

    let campaigns = client.list_campaigns(&session).await.unwrap();

    assert!(campaigns.is_empty());
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[test]
fn default_policy_values() {
    let policy = RetryPolicy::default();
    assert_eq!(policy.max_attempts, 4);
    assert_eq!(policy.base_delay, Duration::from_millis(500));
    assert_eq!(policy.max_delay, Duration::from_secs(8));
    assert_eq!(policy.max_total_wait, Duration::from_secs(30));
    assert_eq!(pers_api::RETRY_STATUSES, [429, 502, 503, 504]);
}

#[test]
fn http_client_builds() {
    assert!(pers_api::build_http_client().is_ok());
    assert_eq!(pers_api::CONNECT_TIMEOUT, Duration::from_secs(10));
    assert_eq!(pers_api::REQUEST_TIMEOUT, Duration::from_secs(30));
}

//! Faults: injected statuses, resets, rejected URLs, expired sessions, and a soak run.

use std::time::Duration;

use pers_library::{ErrorCode, UploadEvent};
use pers_sandbox::Route;

use crate::support::{
    check_event_stream, done_files, failed_files, quick_retries, sign_in_request,
    signed_in_world_with, stored_objects, write_distinct_pngs,
};

const SIGN_PATH: &str = "/v2/files/entity-storage-url";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transient_storage_faults_are_retried() {
    let world = signed_in_world_with("business", quick_retries).await;
    let dir = tempfile::tempdir().unwrap();
    let paths = write_distinct_pngs(dir.path(), 0, 4);
    let faults = world.sandbox.faults();
    faults
        .apply(pers_sandbox::Fault::StorageFailure {
            method: Some("PUT".to_owned()),
            status: 503,
            percent: 100,
            count: Some(3),
            retry_after_secs: None,
        })
        .unwrap();
    faults
        .apply(pers_sandbox::Fault::StorageFailure {
            method: Some("PUT".to_owned()),
            status: 403,
            percent: 100,
            count: Some(1),
            retry_after_secs: None,
        })
        .unwrap();
    faults
        .apply(pers_sandbox::Fault::StorageReset {
            method: Some("PUT".to_owned()),
            percent: 100,
            count: Some(2),
            after_bytes: 10,
        })
        .unwrap();
    faults
        .fail_next(Route::new("POST", SIGN_PATH), 2, 429)
        .unwrap();

    let events = world
        .library
        .upload(world.entity.clone(), paths.clone())
        .await
        .unwrap();

    check_event_stream(&events, paths.len());
    assert!(
        failed_files(&events).is_empty(),
        "{:?}",
        failed_files(&events)
    );
    assert_eq!(stored_objects(&world.sandbox_dir, &world.entity).len(), 4);
    let faulted = faults
        .requests()
        .iter()
        .filter(|record| record.fault.is_some())
        .count();
    assert!(faulted >= 8, "every injected fault was hit, {faulted} seen");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attempt_cap_fails_with_last_reason() {
    let world = signed_in_world_with("business", |config| {
        quick_retries(config);
        config.max_attempts = 3;
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let paths = write_distinct_pngs(dir.path(), 10, 1);
    let faults = world.sandbox.faults();
    faults.fail_storage(Some("PUT"), 503, 100).unwrap();

    let events = world
        .library
        .upload(world.entity.clone(), paths.clone())
        .await
        .unwrap();
    let failed = failed_files(&events);
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].1, ErrorCode::Server);
    assert!(
        failed[0].2.contains("503"),
        "the last reason is given: {}",
        failed[0].2
    );
    assert!(events.iter().any(|event| matches!(
        event,
        UploadEvent::FileFailed {
            retryable: true,
            ..
        }
    )));
    let puts = faults
        .requests()
        .iter()
        .filter(|record| record.method == "PUT" && record.status == 503)
        .count();
    assert_eq!(puts, 3, "three attempts, then the file fails");

    faults.clear();
    let retried = world
        .library
        .upload(world.entity.clone(), paths)
        .await
        .unwrap();
    assert_eq!(done_files(&retried).len(), 1, "retrying the file stores it");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_session_waits_for_sign_in() {
    let world = signed_in_world_with("business", quick_retries).await;
    let faults = world.sandbox.faults();
    faults
        .set_token_lifetimes(Duration::from_secs(1), Duration::from_secs(1))
        .unwrap();
    let request = sign_in_request(&world.sandbox, "business");
    world.library.sign_in(request.clone()).await.unwrap();
    // Both tokens of this session expire, so its refresh is rejected.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    faults.clear();

    let dir = tempfile::tempdir().unwrap();
    let paths = write_distinct_pngs(dir.path(), 20, 3);
    let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
    let sink: pers_library::ProgressSink = std::sync::Arc::new(move |event| {
        let _ = sender.send(event);
    });
    world
        .library
        .start_upload(world.entity.clone(), paths.clone(), sink)
        .unwrap();

    let mut events = Vec::new();
    loop {
        let event = tokio::time::timeout(Duration::from_secs(30), receiver.recv())
            .await
            .expect("the job reports the expiry")
            .unwrap();
        let expired = matches!(event, UploadEvent::SessionExpired { .. });
        events.push(event);
        if expired {
            break;
        }
    }
    assert!(
        world.library.session_info().is_none(),
        "the expired session is no longer current"
    );
    world.library.sign_in(request).await.unwrap();
    while let Some(event) = receiver.recv().await {
        let finished = matches!(event, UploadEvent::Finished { .. });
        events.push(event);
        if finished {
            break;
        }
    }
    check_event_stream(&events, paths.len());
    assert!(
        events
            .iter()
            .any(|event| matches!(event, UploadEvent::SessionResumed { .. }))
    );
    assert_eq!(done_files(&events).len(), 3, "{:?}", failed_files(&events));
}

/// The soak run: 10 % of PUTs return 503, 2 % of store connections reset mid-body, signed URLs
/// expire after 5 s and access tokens after 30 s. Set `PERS_SOAK_FILES` for a larger batch, and
/// `PERS_SOAK_SIGN_LATENCY_MS` to delay each URL signing so that the batch outlives the access
/// token (200 files at 400 ms take about 40 s).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soak_under_faults_loses_nothing() {
    let count: u32 = std::env::var("PERS_SOAK_FILES")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(40);
    let world = signed_in_world_with("business", |config| {
        quick_retries(config);
        config.max_attempts = 10;
    })
    .await;
    let faults = world.sandbox.faults();
    faults
        .set_rate_limit(1_000_000, Duration::from_secs(3600))
        .unwrap();
    faults.fail_storage(Some("PUT"), 503, 10).unwrap();
    faults.reset_storage(None, 2, 100).unwrap();
    faults
        .expire_signed_urls_after(Duration::from_secs(5))
        .unwrap();
    faults
        .set_token_lifetimes(Duration::from_secs(30), Duration::from_secs(3600))
        .unwrap();
    let sign_latency_ms: u64 = std::env::var("PERS_SOAK_SIGN_LATENCY_MS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(0);
    if sign_latency_ms > 0 {
        faults
            .add_latency(
                pers_sandbox::Route::new("POST", "/v2/files/entity-storage-url"),
                Duration::from_millis(sign_latency_ms),
            )
            .unwrap();
    }
    world
        .library
        .sign_in(sign_in_request(&world.sandbox, "business"))
        .await
        .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let paths = write_distinct_pngs(dir.path(), 1000, count);
    let started = std::time::Instant::now();
    let events = world
        .library
        .upload(world.entity.clone(), paths.clone())
        .await
        .unwrap();
    let elapsed = started.elapsed();

    check_event_stream(&events, paths.len());
    assert!(
        failed_files(&events).is_empty(),
        "{:?}",
        failed_files(&events)
    );
    faults.clear();
    let gallery = world.library.gallery(&world.entity).await.unwrap();
    assert_eq!(
        gallery.items.len(),
        count as usize,
        "one manifest entry per file"
    );
    assert_eq!(
        stored_objects(&world.sandbox_dir, &world.entity).len(),
        count as usize,
        "one object per file"
    );
    let requests = faults.requests();
    let injected = requests
        .iter()
        .filter(|record| record.fault.is_some())
        .count();
    let refreshes = requests
        .iter()
        .filter(|record| record.path == "/v2/auth/refresh" && record.status == 200)
        .count();
    let expired_urls = requests
        .iter()
        .filter(|record| record.server == pers_sandbox::ServerKind::Storage && record.status == 403)
        .count();
    println!(
        "soak: {count} files stored in {:.1} s, {injected} injected faults, {refreshes} token \
         refreshes and {expired_urls} rejected signed URLs survived",
        elapsed.as_secs_f64()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn storage_retry_after_is_waited_out() {
    let world = signed_in_world_with("business", quick_retries).await;
    let dir = tempfile::tempdir().unwrap();
    let paths = write_distinct_pngs(dir.path(), 30, 1);
    let faults = world.sandbox.faults();
    let retry_after = Duration::from_secs(2);
    faults
        .apply(pers_sandbox::Fault::StorageFailure {
            method: Some("PUT".to_owned()),
            status: 429,
            percent: 100,
            count: Some(1),
            retry_after_secs: Some(retry_after.as_secs()),
        })
        .unwrap();

    // Each attempt reports the Uploading stage just before its PUT.
    let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
    let sink: pers_library::ProgressSink = std::sync::Arc::new(move |event| {
        let _ = sender.send((std::time::Instant::now(), event));
    });
    world
        .library
        .start_upload(world.entity.clone(), paths, sink)
        .unwrap();
    let mut events = Vec::new();
    let mut uploads_started = Vec::new();
    while let Some((at, event)) = receiver.recv().await {
        if let UploadEvent::FileStage {
            stage: pers_library::Stage::Uploading,
            ..
        } = event
        {
            uploads_started.push(at);
        }
        let finished = matches!(event, UploadEvent::Finished { .. });
        events.push(event);
        if finished {
            break;
        }
    }

    check_event_stream(&events, 1);
    assert_eq!(done_files(&events).len(), 1, "{:?}", failed_files(&events));
    let throttled = faults
        .requests()
        .iter()
        .filter(|record| record.method == "PUT" && record.status == 429)
        .count();
    assert_eq!(throttled, 1, "the first PUT met the 429");
    assert_eq!(uploads_started.len(), 2, "one retry after the 429");
    let waited = uploads_started[1] - uploads_started[0];
    // The configured backoff is at most 200 ms, so only the header explains a longer pause.
    assert!(
        waited >= retry_after,
        "the retry waited {waited:?}, less than the Retry-After of {retry_after:?}"
    );
}

//! Control: cancelling files and batches, pausing and resuming.

use std::sync::Arc;
use std::time::Duration;

use pers_library::{ErrorCode, JobId, UploadEvent};

use crate::support::{
    check_event_stream, done_files, failed_files, signed_in_world, write_distinct_pngs,
};

/// Starts a job that is paused before its first step, and returns its id and event receiver.
fn start_paused(
    world: &crate::support::World,
    paths: Vec<std::path::PathBuf>,
) -> (JobId, tokio::sync::mpsc::UnboundedReceiver<UploadEvent>) {
    let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
    let sink: pers_library::ProgressSink = Arc::new(move |event| {
        let _ = sender.send(event);
    });
    let job = world
        .library
        .start_upload(world.entity.clone(), paths, sink)
        .unwrap();
    world.library.pause_job(job).unwrap();
    (job, receiver)
}

async fn until_finished(
    receiver: &mut tokio::sync::mpsc::UnboundedReceiver<UploadEvent>,
) -> Vec<UploadEvent> {
    let mut events = Vec::new();
    loop {
        let event = tokio::time::timeout(Duration::from_secs(60), receiver.recv())
            .await
            .expect("the job finishes")
            .unwrap();
        let finished = matches!(event, UploadEvent::Finished { .. });
        events.push(event);
        if finished {
            return events;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelled_batch_records_nothing() {
    let world = signed_in_world("business").await;
    let files = tempfile::tempdir().unwrap();
    let paths = write_distinct_pngs(files.path(), 0, 6);
    let (job, mut receiver) = start_paused(&world, paths);
    world.library.cancel_job(job).unwrap();
    let events = until_finished(&mut receiver).await;

    check_event_stream(&events, 6);
    let failed = failed_files(&events);
    assert_eq!(failed.len(), 6, "every file is cancelled");
    assert!(
        failed
            .iter()
            .all(|(_, code, _)| *code == ErrorCode::Cancelled)
    );
    let gallery = world.library.gallery(&world.entity).await.unwrap();
    assert!(gallery.items.is_empty(), "nothing is recorded");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelled_file_leaves_the_rest() {
    let world = signed_in_world("business").await;
    let files = tempfile::tempdir().unwrap();
    let paths = write_distinct_pngs(files.path(), 0, 3);
    let (job, mut receiver) = start_paused(&world, paths);
    world.library.cancel_file(job, 1).unwrap();
    world.library.resume_job(job).unwrap();
    let events = until_finished(&mut receiver).await;

    check_event_stream(&events, 3);
    let failed = failed_files(&events);
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].0, 1, "only file 1 is cancelled");
    assert_eq!(done_files(&events).len(), 2);
    assert!(
        events
            .iter()
            .any(|event| matches!(event, UploadEvent::Paused { .. }))
    );
    assert!(
        events
            .iter()
            .any(|event| matches!(event, UploadEvent::Resumed { .. }))
    );
    let gallery = world.library.gallery(&world.entity).await.unwrap();
    assert_eq!(gallery.items.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paused_job_sends_nothing() {
    let world = signed_in_world("business").await;
    let files = tempfile::tempdir().unwrap();
    let (job, mut receiver) = start_paused(&world, write_distinct_pngs(files.path(), 0, 2));
    tokio::time::sleep(Duration::from_millis(500)).await;
    let puts = world
        .sandbox
        .faults()
        .requests()
        .iter()
        .filter(|record| record.method == "PUT")
        .count();
    assert_eq!(puts, 0, "a paused job uploads nothing");
    world.library.resume_job(job).unwrap();
    let events = until_finished(&mut receiver).await;
    assert_eq!(done_files(&events).len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_job_is_an_error() {
    let world = signed_in_world("business").await;
    let error = world.library.cancel_job(9999).unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidInput);
}

/// A second library over the same data dir, as a second process would open it, neither lists
/// nor resumes a job that the first one runs. The crash harness covers the other half: the lock
/// of a killed process is released, so its jobs resume.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn job_of_other_process_is_left_alone() {
    let world = signed_in_world("business").await;
    let files = tempfile::tempdir().unwrap();
    let paths = write_distinct_pngs(files.path(), 40, 3);
    let (job, _receiver) = start_paused(&world, paths);

    let other =
        pers_library::Library::open(pers_library::LibraryConfig::new(&world.library_dir)).unwrap();
    other
        .sign_in(crate::support::sign_in_request(&world.sandbox, "business"))
        .await
        .unwrap();
    assert!(
        other.unfinished_jobs().unwrap().is_empty(),
        "job {job} runs elsewhere"
    );
    let ignored: pers_library::ProgressSink = Arc::new(|_| {});
    assert!(other.resume_jobs(ignored).unwrap().is_empty());

    world.library.cancel_job(job).unwrap();
}

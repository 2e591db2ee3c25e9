//! The shared manifest under concurrent writers, removals, and a server that does not store it.

use std::sync::Arc;

use pers_library::{GallerySource, Library, LibraryConfig, UploadEvent};

use crate::support::{
    check_event_stream, done_files, failed_files, sign_in_request, signed_in_world,
    signed_in_world_with, write_distinct_pngs,
};

async fn second_library(world: &crate::support::World, dir: &std::path::Path) -> Library {
    let library = Library::open(LibraryConfig::new(dir)).unwrap();
    library
        .sign_in(sign_in_request(&world.sandbox, "business"))
        .await
        .unwrap();
    library
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_libraries_upload_fifty_each() {
    let world = signed_in_world("business").await;
    let other_dir = tempfile::tempdir().unwrap();
    let other = second_library(&world, other_dir.path()).await;
    let files = tempfile::tempdir().unwrap();
    let first_batch = write_distinct_pngs(files.path(), 0, 50);
    let second_batch = write_distinct_pngs(files.path(), 50, 50);

    let (first, second) = tokio::join!(
        world.library.upload(world.entity.clone(), first_batch),
        other.upload(world.entity.clone(), second_batch),
    );
    let (first, second) = (first.unwrap(), second.unwrap());
    check_event_stream(&first, 50);
    check_event_stream(&second, 50);
    assert!(
        failed_files(&first).is_empty(),
        "{:?}",
        failed_files(&first)
    );
    assert!(
        failed_files(&second).is_empty(),
        "{:?}",
        failed_files(&second)
    );

    let reader_dir = tempfile::tempdir().unwrap();
    let reader = second_library(&world, reader_dir.path()).await;
    let gallery = reader.gallery(&world.entity).await.unwrap();
    assert_eq!(gallery.source, GallerySource::Shared);
    assert_eq!(
        gallery.items.len(),
        100,
        "the shared manifest has every entry"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn removal_survives_concurrent_upload() {
    let world = signed_in_world("business").await;
    let files = tempfile::tempdir().unwrap();
    let first = world
        .library
        .upload(
            world.entity.clone(),
            write_distinct_pngs(files.path(), 0, 1),
        )
        .await
        .unwrap();
    let removed_name = done_files(&first)[0].1.clone();

    let other_dir = tempfile::tempdir().unwrap();
    let other = second_library(&world, other_dir.path()).await;
    let batch = write_distinct_pngs(files.path(), 1, 20);
    let (removal, upload) = tokio::join!(
        world.library.remove(&world.entity, &removed_name),
        other.upload(world.entity.clone(), batch),
    );
    removal.unwrap();
    assert!(failed_files(&upload.unwrap()).is_empty());

    let reader_dir = tempfile::tempdir().unwrap();
    let reader = second_library(&world, reader_dir.path()).await;
    let gallery = reader.gallery(&world.entity).await.unwrap();
    let names: Vec<&str> = gallery
        .items
        .iter()
        .map(|item| item.file_name.as_str())
        .collect();
    assert!(
        !names.contains(&removed_name.as_str()),
        "the removal is kept"
    );
    assert_eq!(gallery.items.len(), 20, "the concurrent upload is kept");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_manifest_falls_back_to_catalog() {
    let world = signed_in_world("business").await;
    let faults = world.sandbox.faults();
    let switch = faults.clone();
    let sink: pers_library::ProgressSink = Arc::new(move |event| {
        // The object is stored by now; only the manifest write meets the fault.
        if let UploadEvent::FileStage {
            stage: pers_library::Stage::Recording,
            ..
        } = event
        {
            switch.fail_storage(Some("PUT"), 403, 100).unwrap();
        }
    });
    let files = tempfile::tempdir().unwrap();
    let paths = write_distinct_pngs(files.path(), 0, 1);
    let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
    let forward: pers_library::ProgressSink = Arc::new(move |event: UploadEvent| {
        sink(event.clone());
        let _ = sender.send(event);
    });
    world
        .library
        .start_upload(world.entity.clone(), paths, forward)
        .unwrap();
    let mut events = Vec::new();
    while let Some(event) = receiver.recv().await {
        let finished = matches!(event, UploadEvent::Finished { .. });
        events.push(event);
        if finished {
            break;
        }
    }
    check_event_stream(&events, 1);
    assert!(
        events
            .iter()
            .any(|event| matches!(event, UploadEvent::FileDone { shared: false, .. })),
        "the file is stored but not shared: {events:?}"
    );

    let gallery = world.library.gallery(&world.entity).await.unwrap();
    assert_eq!(gallery.source, GallerySource::Local);
    assert_eq!(gallery.items.len(), 1, "the catalog lists the upload");
    let notice = gallery.notice.expect("the gallery says why");
    assert!(notice.contains("not shared"), "{notice}");

    faults.clear();
    let later = world
        .library
        .upload(
            world.entity.clone(),
            write_distinct_pngs(files.path(), 1, 1),
        )
        .await
        .unwrap();
    assert_eq!(done_files(&later).len(), 1);
    let gallery = world.library.gallery(&world.entity).await.unwrap();
    assert_eq!(
        gallery.source,
        GallerySource::Shared,
        "the next write shares it"
    );
    assert_eq!(gallery.items.len(), 2);
}

/// Files that finish together share manifest rounds: a batch writes the manifest fewer times
/// than it has files, and still lists every file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_shares_manifest_rounds() {
    let world = signed_in_world_with("business", |config| config.upload_concurrency = 8).await;
    let dir = tempfile::tempdir().unwrap();
    let paths = write_distinct_pngs(dir.path(), 300, 24);
    world.sandbox.faults().clear_requests();

    let events = world
        .library
        .upload(world.entity.clone(), paths.clone())
        .await
        .unwrap();

    assert_eq!(done_files(&events).len(), paths.len());
    let manifest_puts = manifest_writes(&world);
    assert!(manifest_puts >= 1, "the manifest was written");
    assert!(
        manifest_puts < paths.len(),
        "{manifest_puts} manifest writes for {} files",
        paths.len()
    );
    let gallery = world.library.gallery(&world.entity).await.unwrap();
    assert_eq!(gallery.items.len(), paths.len());
}

/// Tells whether the sandbox logged `record` for the shared manifest.
fn is_manifest(record: &pers_sandbox::RequestRecord) -> bool {
    record.path.contains("pers-asset-manifest")
}

/// Tells whether `record` is a GET of the whole object, not a one-byte ranged GET.
fn is_full_read(record: &pers_sandbox::RequestRecord) -> bool {
    record.method == "GET" && !record.headers.iter().any(|(name, _)| name == "range")
}

/// Counts the PUTs of the shared manifest that the sandbox logged.
fn manifest_writes(world: &crate::support::World) -> usize {
    let requests = world.sandbox.faults().requests();
    requests
        .iter()
        .filter(|record| is_manifest(record) && record.method == "PUT")
        .count()
}

/// Counts the GETs of the shared manifest that requested the whole object, not one byte.
fn full_manifest_reads(world: &crate::support::World) -> usize {
    let requests = world.sandbox.faults().requests();
    requests
        .iter()
        .filter(|record| is_manifest(record) && is_full_read(record))
        .count()
}

/// Rounds after the first write on top of the version this process wrote. The manifest is
/// downloaded in full only where someone else may have changed it (the job's start; the
/// sandbox enforces write conditions, so no settle pass is needed), not once or twice per
/// round, so a large manifest costs little per file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn later_rounds_skip_the_full_manifest_read() {
    let world = signed_in_world_with("business", |config| config.upload_concurrency = 4).await;
    let dir = tempfile::tempdir().unwrap();
    let first = write_distinct_pngs(dir.path(), 400, 12);
    world
        .library
        .upload(world.entity.clone(), first.clone())
        .await
        .unwrap();
    world.sandbox.faults().clear_requests();

    let second = write_distinct_pngs(dir.path(), 500, 12);
    let events = world
        .library
        .upload(world.entity.clone(), second.clone())
        .await
        .unwrap();

    assert_eq!(done_files(&events).len(), second.len());
    let manifest_puts = manifest_writes(&world);
    assert!(
        manifest_puts >= 2,
        "{manifest_puts} manifest writes; the test needs two rounds"
    );
    let full_reads = full_manifest_reads(&world);
    assert!(
        full_reads <= 1,
        "{full_reads} full manifest reads for {manifest_puts} writes (the job's start only)"
    );
    let gallery = world.library.gallery(&world.entity).await.unwrap();
    assert_eq!(gallery.items.len(), first.len() + second.len());
}

/// When another client writes between two rounds, the next round finds the ETag changed,
/// reads the manifest in full and keeps the other client's entries. The store ignores write
/// conditions here, so only that check can keep them: a round written on top of this
/// process's last version without it would drop them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn round_after_another_writer_keeps_its_entries() {
    let world = signed_in_world("business").await;
    world
        .sandbox
        .faults()
        .set_ignore_write_conditions(true)
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let other_dir = tempfile::tempdir().unwrap();
    let other = second_library(&world, other_dir.path()).await;

    let first = write_distinct_pngs(dir.path(), 600, 2);
    world
        .library
        .upload(world.entity.clone(), first.clone())
        .await
        .unwrap();
    let theirs = write_distinct_pngs(dir.path(), 700, 3);
    let their_events = other
        .upload(world.entity.clone(), theirs.clone())
        .await
        .unwrap();
    assert_eq!(done_files(&their_events).len(), theirs.len());
    let mine = write_distinct_pngs(dir.path(), 800, 2);
    world
        .library
        .upload(world.entity.clone(), mine.clone())
        .await
        .unwrap();

    let fresh_dir = tempfile::tempdir().unwrap();
    let reader = second_library(&world, fresh_dir.path()).await;
    let gallery = reader.gallery(&world.entity).await.unwrap();
    assert_eq!(gallery.items.len(), first.len() + theirs.len() + mine.len());
}

/// Whether a job reads the manifest again after its last write. The settle pass runs only on
/// storage that ignores write conditions, and a rejected check write (412) shows that the
/// sandbox enforces them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settle_pass_only_without_conditions() {
    for ignore_conditions in [false, true] {
        let world = signed_in_world("business").await;
        let faults = world.sandbox.faults();
        faults
            .set_ignore_write_conditions(ignore_conditions)
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let paths = write_distinct_pngs(dir.path(), 900, 3);
        faults.clear_requests();

        let events = world
            .library
            .upload(world.entity.clone(), paths.clone())
            .await
            .unwrap();

        assert_eq!(done_files(&events).len(), paths.len());
        let requests = faults.requests();
        let check_rejected = requests
            .iter()
            .any(|record| is_manifest(record) && record.method == "PUT" && record.status == 412);
        assert_eq!(
            check_rejected, !ignore_conditions,
            "ignore: {ignore_conditions}"
        );
        let last_write = requests
            .iter()
            .rposition(|record| {
                is_manifest(record) && record.method == "PUT" && record.status == 200
            })
            .unwrap();
        let read_after = requests[last_write..]
            .iter()
            .any(|record| is_manifest(record) && is_full_read(record));
        assert_eq!(read_after, ignore_conditions, "ignore: {ignore_conditions}");
    }
}

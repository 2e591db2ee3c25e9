//! Names: the same file stored once, and names that differ only in case, Unicode normalisation
//! or special characters kept apart and returned unchanged.

use std::collections::{HashMap, HashSet};

use pers_library::GallerySource;

use crate::support::{
    check_event_stream, corpus_dir, distinct_png, done_files, failed_files, files_under,
    signed_in_world,
};

/// Uploads `paths` and checks that every file is stored under a distinct name, that the gallery
/// lists each original name unchanged, and that download returns the prepared bytes.
async fn upload_and_round_trip(world: &crate::support::World, paths: Vec<std::path::PathBuf>) {
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
    let stored: HashMap<u32, String> = done_files(&events)
        .into_iter()
        .map(|(file_id, name, _)| (file_id, name))
        .collect();
    let distinct: HashSet<&String> = stored.values().collect();
    assert_eq!(distinct.len(), paths.len(), "every name is its own entry");
    let prepared = files_under(&world.library_dir.join("prepared"));
    assert!(
        prepared.is_empty(),
        "prepared outputs are deleted once recorded: {prepared:?}"
    );

    let gallery = world.library.gallery(&world.entity).await.unwrap();
    assert_eq!(gallery.source, GallerySource::Shared);
    let listed: HashMap<&str, &str> = gallery
        .items
        .iter()
        .map(|item| (item.file_name.as_str(), item.original_name.as_str()))
        .collect();
    for (file_id, file_name) in &stored {
        let path = &paths[*file_id as usize];
        let original = path.file_name().unwrap().to_str().unwrap();
        assert_eq!(
            listed.get(file_name.as_str()).copied(),
            Some(original),
            "{file_name} lists its original name byte for byte"
        );
        assert!(file_name.is_ascii(), "{file_name} is an ASCII derived name");

        let prepared = pers_imaging::prepare(
            &std::fs::read(path).unwrap(),
            &pers_imaging::Preset::default(),
            &pers_imaging::Limits::default(),
        )
        .unwrap();
        let downloaded = world
            .library
            .download(&world.entity, file_name)
            .await
            .unwrap();
        assert!(
            downloaded == prepared.bytes,
            "{original}: download returns the stored bytes"
        );
        let preview = world
            .library
            .preview(&world.entity, file_name)
            .await
            .unwrap();
        assert!(
            world.library.cached_image(&preview).is_some(),
            "{original}: preview is cached"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn special_names_round_trip() {
    let world = signed_in_world("business").await;
    let dir = tempfile::tempdir().unwrap();
    let names = [
        "a b.png",
        "a+b.png",
        "a&b=c.png",
        "100%.png",
        "time 10:30.png",
        "caf\u{e9}.png",
        "cafe\u{301}.png",
        "日本.png",
        "party 🎉.png",
        "Logo.png",
        "logo.png",
    ];
    // One content for all: only the names tell the files apart.
    let bytes = distinct_png(7);
    let paths: Vec<_> = names
        .iter()
        .map(|name| {
            let path = dir.path().join(name);
            std::fs::write(&path, &bytes).unwrap();
            path
        })
        .collect();
    upload_and_round_trip(&world, paths).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corpus_names_round_trip() {
    let Some(dir) = corpus_dir("made/names") else {
        return;
    };
    let world = signed_in_world("business").await;
    let paths = files_under(&dir);
    assert_eq!(
        paths.len(),
        7,
        "made/names holds seven files, NFC and NFD café among them"
    );
    upload_and_round_trip(&world, paths).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corpus_duplicates_stored_once() {
    let Some(dir) = corpus_dir("made/dup") else {
        return;
    };
    let world = signed_in_world("business").await;
    let paths = files_under(&dir);
    let events = world
        .library
        .upload(world.entity.clone(), paths.clone())
        .await
        .unwrap();
    check_event_stream(&events, paths.len());
    let done = done_files(&events);
    assert_eq!(
        done.len(),
        3,
        "a/Logo.png, a/logo.png and b/logo.png are done"
    );
    let already = done.iter().filter(|(_, _, already)| *already).count();
    assert_eq!(already, 1, "b/logo.png is a/logo.png again: stored once");
    let gallery = world.library.gallery(&world.entity).await.unwrap();
    let originals: Vec<&str> = gallery
        .items
        .iter()
        .map(|item| item.original_name.as_str())
        .collect();
    assert_eq!(gallery.items.len(), 2, "{originals:?}");
    assert!(originals.contains(&"Logo.png"), "{originals:?}");
    assert!(originals.contains(&"logo.png"), "{originals:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pdf_is_stored_unchanged() {
    let world = signed_in_world("business").await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("terms & conditions.pdf");
    let body = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
    std::fs::write(&path, body).unwrap();
    let events = world
        .library
        .upload(world.entity.clone(), vec![path])
        .await
        .unwrap();
    check_event_stream(&events, 1);
    let done = done_files(&events);
    assert_eq!(done.len(), 1, "{:?}", failed_files(&events));
    let file_name = &done[0].1;
    assert!(file_name.ends_with(".pdf"), "{file_name}");

    let gallery = world.library.gallery(&world.entity).await.unwrap();
    assert_eq!(gallery.items[0].content_type, "application/pdf");
    assert_eq!(gallery.items[0].original_name, "terms & conditions.pdf");
    let downloaded = world
        .library
        .download(&world.entity, file_name)
        .await
        .unwrap();
    assert_eq!(downloaded, body, "the PDF is stored byte for byte");
}

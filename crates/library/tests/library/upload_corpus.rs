//! Uploading every file of the real-photo corpus and reading the stored bytes back.

use std::collections::HashMap;

use pers_imaging::{ImagingError, Limits, Preset};
use pers_library::{GallerySource, UploadEvent};

use crate::support::{check_event_stream, corpus_dir, files_under, signed_in_world};

/// What the pipeline must do with a corpus file.
enum Expected {
    Stored,
    Rejected(&'static str),
}

/// `corrupted.jpg`'s entropy data is broken, and every other real photo is stored.
fn expected_outcome(path: &std::path::Path) -> Expected {
    let bytes = std::fs::read(path).unwrap();
    match pers_imaging::prepare(&bytes, &Preset::default(), &Limits::default()) {
        Ok(_) => Expected::Stored,
        Err(ImagingError::Unsupported { .. }) => Expected::Rejected("not supported"),
        Err(ImagingError::NotAnImage) => Expected::Rejected("not an image"),
        Err(_) => Expected::Rejected(""),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_real_photo_is_stored_as_prepared() {
    let Some(dir) = corpus_dir("real") else {
        return;
    };
    let world = signed_in_world("business").await;
    let paths = files_under(&dir);
    assert!(paths.len() >= 20, "the real corpus has its photos");

    let events = world
        .library
        .upload(world.entity.clone(), paths.clone())
        .await
        .unwrap();
    check_event_stream(&events, paths.len());

    let mut stored_names = HashMap::new();
    for event in &events {
        match event {
            UploadEvent::FileDone {
                file_id, file_name, ..
            } => {
                stored_names.insert(*file_id as usize, file_name.clone());
            }
            UploadEvent::FileFailed {
                file_id, message, ..
            } => {
                let path = &paths[*file_id as usize];
                let name = path.file_name().unwrap().to_string_lossy();
                assert!(
                    message.contains(name.as_ref()),
                    "the message names the file: {message}"
                );
                match expected_outcome(path) {
                    Expected::Stored => panic!("{} failed: {message}", path.display()),
                    Expected::Rejected(reason) => assert!(message.contains(reason), "{message}"),
                }
            }
            _ => {}
        }
    }
    for (id, path) in paths.iter().enumerate() {
        if matches!(expected_outcome(path), Expected::Stored) {
            assert!(
                stored_names.contains_key(&id),
                "{} was expected to be stored",
                path.display()
            );
        }
    }

    let gallery = world.library.gallery(&world.entity).await.unwrap();
    assert_eq!(gallery.source, GallerySource::Shared);
    let distinct: std::collections::HashSet<&String> = stored_names.values().collect();
    assert_eq!(
        gallery.items.len(),
        distinct.len(),
        "one gallery item per stored object"
    );
    for item in &gallery.items {
        assert!(
            item.thumbnail_key.is_some(),
            "{} has a thumbnail: {:?}",
            item.file_name,
            item.thumbnail_error
        );
    }

    for (id, file_name) in &stored_names {
        let source = std::fs::read(&paths[*id]).unwrap();
        let prepared =
            pers_imaging::prepare(&source, &Preset::default(), &Limits::default()).unwrap();
        let stored = world
            .library
            .download(&world.entity, file_name)
            .await
            .unwrap();
        assert!(
            stored == prepared.bytes,
            "{file_name}: the stored bytes are the prepared output"
        );
    }
}

/// Animated GIF keeps every frame resized; animated WebP is uploaded unchanged; and the
/// stored bytes are what was prepared.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn animations_keep_every_frame() {
    let Some(dir) = corpus_dir("made/anim") else {
        return;
    };
    let world = signed_in_world("business").await;
    let paths = vec![dir.join("anim_3frames.gif"), dir.join("anim_3frames.webp")];

    let events = world
        .library
        .upload(world.entity.clone(), paths.clone())
        .await
        .unwrap();
    check_event_stream(&events, paths.len());

    let animations: HashMap<u32, Option<pers_library::Animation>> = events
        .iter()
        .filter_map(|event| match event {
            UploadEvent::FilePrepared {
                file_id, animation, ..
            } => Some((*file_id, *animation)),
            _ => None,
        })
        .collect();
    assert_eq!(
        animations.get(&0),
        Some(&Some(pers_library::Animation::Resized { frames: 3 })),
        "{animations:?}"
    );
    assert_eq!(
        animations.get(&1),
        Some(&Some(pers_library::Animation::PassedThrough { frames: 3 })),
        "{animations:?}"
    );
    let webp = std::fs::read(&paths[1]).unwrap();
    let gallery = world.library.gallery(&world.entity).await.unwrap();
    assert_eq!(gallery.items.len(), 2, "both animations are stored");
    let stored_webp = gallery
        .items
        .iter()
        .find(|item| item.file_name.ends_with(".webp"))
        .expect("the WebP keeps its format");
    assert!(
        stored_webp.size_bytes <= webp.len() as u64,
        "only metadata is removed from a passed-through file"
    );
}

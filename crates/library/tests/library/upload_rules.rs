//! Upload rules: rejected files do not stop a batch, repeated content is stored once, galleries persist.

use pers_library::{ErrorCode, Library, LibraryConfig, UploadEvent};

use crate::support::{check_event_stream, sign_in_request, signed_in_world};

/// A 2x2 PNG made in code, with a red pixel so its content hash differs from other fixtures.
fn tiny_png(red: u8) -> Vec<u8> {
    let mut image = image::RgbImage::new(2, 2);
    image.put_pixel(0, 0, image::Rgb([red, 10, 10]));
    let mut bytes = std::io::Cursor::new(Vec::new());
    image.write_to(&mut bytes, image::ImageFormat::Png).unwrap();
    bytes.into_inner()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_files_fail_by_name_and_the_rest_go_on() {
    let world = signed_in_world("business").await;
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.png");
    std::fs::write(&good, tiny_png(200)).unwrap();
    let text = dir.path().join("notes.png");
    std::fs::write(&text, b"this is text, not a picture").unwrap();
    let empty = dir.path().join("empty.jpg");
    std::fs::write(&empty, b"").unwrap();
    let missing = dir.path().join("missing.png");
    let paths = vec![text.clone(), good.clone(), empty.clone(), missing.clone()];

    let events = world
        .library
        .upload(world.entity.clone(), paths.clone())
        .await
        .unwrap();
    check_event_stream(&events, paths.len());

    let failures: Vec<(u32, ErrorCode, String)> = events
        .iter()
        .filter_map(|event| match event {
            UploadEvent::FileFailed {
                file_id,
                code,
                message,
                ..
            } => Some((*file_id, *code, message.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(failures.len(), 3, "three bad files fail: {failures:?}");
    for (file_id, code, message) in &failures {
        let name = paths[*file_id as usize]
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(
            message.contains(&name),
            "the message names {name}: {message}"
        );
        assert_eq!(*code, ErrorCode::InvalidInput, "{message}");
    }
    let done = events
        .iter()
        .filter(|event| matches!(event, UploadEvent::FileDone { .. }))
        .count();
    assert_eq!(done, 1, "the good file is stored");
    assert!(matches!(
        events.last(),
        Some(UploadEvent::Finished {
            done: 1,
            failed: 3,
            ..
        })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_content_is_stored_once() {
    let world = signed_in_world("business").await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("a")).unwrap();
    std::fs::create_dir_all(dir.path().join("b")).unwrap();
    let first = dir.path().join("a/logo.png");
    let second = dir.path().join("b/logo.png");
    std::fs::write(&first, tiny_png(99)).unwrap();
    std::fs::write(&second, tiny_png(99)).unwrap();

    let events = world
        .library
        .upload(world.entity.clone(), vec![first, second])
        .await
        .unwrap();
    let already: Vec<bool> = events
        .iter()
        .filter_map(|event| match event {
            UploadEvent::FileDone {
                already_uploaded, ..
            } => Some(*already_uploaded),
            _ => None,
        })
        .collect();
    assert_eq!(already.len(), 2, "both files are done");
    assert_eq!(
        already.iter().filter(|flag| **flag).count(),
        1,
        "one of them was already stored"
    );
    let gallery = world.library.gallery(&world.entity).await.unwrap();
    assert_eq!(gallery.items.len(), 1, "one object in the gallery");

    let again = world
        .library
        .upload(world.entity.clone(), vec![dir.path().join("a/logo.png")])
        .await;
    let again = again.unwrap();
    assert!(
        again.iter().any(|event| matches!(
            event,
            UploadEvent::FileDone {
                already_uploaded: true,
                ..
            }
        )),
        "a later drop of the same file is shown as already uploaded"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gallery_is_shared_between_libraries() {
    let world = signed_in_world("business").await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.png");
    std::fs::write(&path, tiny_png(17)).unwrap();
    world
        .library
        .upload(world.entity.clone(), vec![path])
        .await
        .unwrap();

    let other_dir = tempfile::tempdir().unwrap();
    let other = Library::open(LibraryConfig::new(other_dir.path())).unwrap();
    other
        .sign_in(sign_in_request(&world.sandbox, "tenant"))
        .await
        .unwrap();
    let gallery = other.gallery(&world.entity).await.unwrap();
    assert_eq!(
        gallery.items.len(),
        1,
        "an admin on another computer sees the staff upload"
    );
    assert_eq!(gallery.items[0].original_name, "shared.png");
    assert!(
        gallery.items[0].thumbnail_key.is_some(),
        "the thumbnail is made from the download"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_needs_a_session() {
    let dir = tempfile::tempdir().unwrap();
    let library = Library::open(LibraryConfig::new(dir.path())).unwrap();
    let entity = pers_library::EntityRef {
        entity_type: pers_library::EntityType::Campaign,
        id: "any".to_owned(),
    };
    let error = library.upload(entity, vec![]).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::NotSignedIn);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn predictions_match_the_prepared_output() {
    let world = signed_in_world("business").await;
    let dir = tempfile::tempdir().unwrap();
    let wide = dir.path().join("wide.png");
    image::RgbImage::from_fn(3000, 1000, |x, y| image::Rgb([x as u8, y as u8, 90]))
        .save(&wide)
        .unwrap();
    let text = dir.path().join("notes.png");
    std::fs::write(&text, b"not a picture").unwrap();
    let paths = vec![wide, text];

    let events = world
        .library
        .upload(world.entity.clone(), paths.clone())
        .await
        .unwrap();
    check_event_stream(&events, paths.len());

    let predicted: Vec<(u32, u32, u32)> = events
        .iter()
        .filter_map(|event| match event {
            UploadEvent::FilePredicted {
                file_id,
                width,
                height,
                ..
            } => Some((*file_id, *width, *height)),
            _ => None,
        })
        .collect();
    let prepared: Vec<(u32, u32, u32)> = events
        .iter()
        .filter_map(|event| match event {
            UploadEvent::FilePrepared {
                file_id,
                width,
                height,
                ..
            } => Some((*file_id, *width, *height)),
            _ => None,
        })
        .collect();
    // The text file is refused, so it has neither a prediction nor an output.
    assert_eq!(predicted.len(), 1, "{predicted:?}");
    assert_eq!(predicted, prepared);
    assert_eq!(predicted[0].0, 0);
}

/// Verification reads the stored object's size and ETag with a one-byte ranged GET, so a
/// stored file is not downloaded again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verification_reads_one_byte() {
    let world = signed_in_world("business").await;
    let dir = tempfile::tempdir().unwrap();
    let photo = dir.path().join("photo.png");
    image::RgbImage::from_fn(800, 600, |x, y| image::Rgb([x as u8, y as u8, 40]))
        .save(&photo)
        .unwrap();
    world.sandbox.faults().clear_requests();

    let events = world
        .library
        .upload(world.entity.clone(), vec![photo])
        .await
        .unwrap();
    check_event_stream(&events, 1);

    let object_gets: Vec<bool> = world
        .sandbox
        .faults()
        .requests()
        .iter()
        .filter(|record| {
            record.method == "GET"
                && record.path.contains("/photo")
                && !record.path.contains("pers-asset-manifest")
        })
        .map(|record| record.has_header("range"))
        .collect();
    assert!(!object_gets.is_empty(), "the stored file was checked");
    assert!(
        object_gets.iter().all(|ranged| *ranged),
        "every check of the file was a ranged GET: {object_gets:?}"
    );
}

/// The gallery of a business whose files the session may not manage fails with the API's
/// 403, instead of listing this computer's catalog as if the store had failed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_business_gallery_denied() {
    let world = signed_in_world("business").await;
    let own = world
        .library
        .session_info()
        .and_then(|session| session.business_id)
        .expect("a business session names its business");
    let admin_dir = tempfile::tempdir().unwrap();
    let admin =
        pers_library::Library::open(pers_library::LibraryConfig::new(admin_dir.path())).unwrap();
    admin
        .sign_in(crate::support::sign_in_request(&world.sandbox, "tenant"))
        .await
        .unwrap();
    let businesses = admin
        .list_entities(pers_library::EntityType::Business)
        .await
        .unwrap();
    let other = businesses
        .iter()
        .find(|business| business.id != own)
        .expect("the sandbox seeds two businesses");
    let entity = pers_library::EntityRef {
        entity_type: pers_library::EntityType::Business,
        id: other.id.clone(),
    };

    let result = world.library.gallery(&entity).await;

    let Err(error) = result else {
        panic!("the other business's gallery was listed");
    };
    assert!(error.is_entity_access_denied(), "{error}");
    assert!(!error.is_missing_entity(), "{error}");
}

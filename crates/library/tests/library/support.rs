//! Shared set-up: a sandbox in a temporary folder and a library signed in to it.

use std::path::PathBuf;

use pers_library::{
    AuthType, EntityRef, EntityType, Library, LibraryConfig, SignInRequest, UploadEvent,
};
use pers_sandbox::{Sandbox, SandboxConfig};
use tempfile::TempDir;

/// A running sandbox and a library signed in to it; both live as long as this value.
pub struct World {
    pub sandbox: Sandbox,
    pub library: Library,
    pub entity: EntityRef,
    pub sandbox_dir: PathBuf,
    pub library_dir: PathBuf,
    _dirs: (TempDir, TempDir),
}

/// Starts a sandbox on port 0, opens a library and signs in as the account of `kind`.
pub async fn signed_in_world(kind: &str) -> World {
    signed_in_world_with(kind, |_| {}).await
}

/// Library settings for fault tests: short retry pauses, so tests spend little time waiting.
pub fn quick_retries(config: &mut LibraryConfig) {
    config.retry_base_delay = std::time::Duration::from_millis(20);
    config.retry_max_delay = std::time::Duration::from_millis(200);
    config.max_attempts = 8;
}

/// Like [`signed_in_world`], with library settings changed by `configure`.
pub async fn signed_in_world_with(kind: &str, configure: impl FnOnce(&mut LibraryConfig)) -> World {
    let sandbox_dir = tempfile::tempdir().unwrap();
    let library_dir = tempfile::tempdir().unwrap();
    let sandbox = pers_sandbox::start(SandboxConfig::new(sandbox_dir.path()))
        .await
        .unwrap();
    let mut config = LibraryConfig::new(library_dir.path());
    configure(&mut config);
    let library = Library::open(config).unwrap();
    library
        .sign_in(sign_in_request(&sandbox, kind))
        .await
        .unwrap();
    let campaigns = library.list_entities(EntityType::Campaign).await.unwrap();
    let campaign = campaigns.first().expect("the sandbox seeds campaigns");
    let entity = EntityRef {
        entity_type: EntityType::Campaign,
        id: campaign.id.clone(),
    };
    World {
        sandbox,
        library,
        entity,
        sandbox_dir: sandbox_dir.path().to_owned(),
        library_dir: library_dir.path().to_owned(),
        _dirs: (sandbox_dir, library_dir),
    }
}

/// A small PNG made in code whose pixels, and so content hash, depend on `seed`.
pub fn distinct_png(seed: u32) -> Vec<u8> {
    let mut image = image::RgbImage::new(8, 8);
    let bytes = seed.to_le_bytes();
    for (index, pixel) in image.pixels_mut().enumerate() {
        let shade = bytes[index % 4].wrapping_add(index as u8);
        *pixel = image::Rgb([shade, bytes[(index + 1) % 4], bytes[(index + 2) % 4]]);
    }
    let mut encoded = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut encoded, image::ImageFormat::Png)
        .unwrap();
    encoded.into_inner()
}

/// Writes `count` distinct PNGs named `photo-NNN.png` into `dir` and returns their paths.
pub fn write_distinct_pngs(dir: &std::path::Path, first_seed: u32, count: u32) -> Vec<PathBuf> {
    (0..count)
        .map(|index| {
            let path = dir.join(format!("photo-{:03}.png", first_seed + index));
            std::fs::write(&path, distinct_png(first_seed + index)).unwrap();
            path
        })
        .collect()
}

/// The stored objects of `entity` in the sandbox's store folder, without the manifest.
pub fn stored_objects(sandbox_dir: &std::path::Path, entity: &EntityRef) -> Vec<PathBuf> {
    let marker = format!("entities/{}/{}/", entity.entity_type.as_str(), entity.id);
    files_under(&sandbox_dir.join("store"))
        .into_iter()
        .filter(|path| path.to_string_lossy().contains(&marker))
        .filter(|path| {
            !path
                .to_string_lossy()
                .contains(pers_library::manifest::MANIFEST_FILE_NAME)
        })
        .collect()
}

/// Files whose name says they are temporary, under `dir`.
pub fn temporary_files(dir: &std::path::Path) -> Vec<PathBuf> {
    files_under(dir)
        .into_iter()
        .filter(|path| {
            let name = path.file_name().unwrap().to_string_lossy();
            name.ends_with(".partial") || name.ends_with(".tmp")
        })
        .collect()
}

/// The `FileDone` events of a job: file id, stored name and whether it was already stored.
pub fn done_files(events: &[UploadEvent]) -> Vec<(u32, String, bool)> {
    events
        .iter()
        .filter_map(|event| match event {
            UploadEvent::FileDone {
                file_id,
                file_name,
                already_uploaded,
                ..
            } => Some((*file_id, file_name.clone(), *already_uploaded)),
            _ => None,
        })
        .collect()
}

/// The `FileFailed` events of a job: file id, code and message.
pub fn failed_files(events: &[UploadEvent]) -> Vec<(u32, pers_library::ErrorCode, String)> {
    events
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
        .collect()
}

/// Builds the sign-in request for the sandbox's first demo account of `kind`.
pub fn sign_in_request(sandbox: &Sandbox, kind: &str) -> SignInRequest {
    let info = sandbox.info();
    let account = info
        .accounts
        .iter()
        .find(|account| account.kind == kind)
        .unwrap_or_else(|| panic!("the sandbox has no {kind} account"));
    SignInRequest {
        environment: "sandbox".to_owned(),
        base_url: info.base_url.clone(),
        identity_url: info.identity_url.clone(),
        project_key: info.project_key.clone(),
        email: account.email.clone(),
        password: account.password.clone(),
        kind: if kind == "tenant" {
            AuthType::Tenant
        } else {
            AuthType::Business
        },
        business_id: None,
        provider_token: None,
    }
}

/// The shared test corpus, or `None` (with a line saying so) when this checkout has none.
pub fn corpus_dir(sub: &str) -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus")
        .join(sub);
    if dir.is_dir() {
        Some(dir)
    } else {
        println!(
            "corpus not found at {}: skipping the corpus checks",
            dir.display()
        );
        None
    }
}

/// The files directly in `dir` and its subfolders, sorted by path.
pub fn files_under(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path)
            } else {
                files.push(path)
            }
        }
    }
    files.sort();
    files
}

/// Checks the event stream's promises: one outcome per file, progress never backwards, a final tally.
pub fn check_event_stream(events: &[UploadEvent], file_count: usize) {
    let mut outcomes = vec![0u32; file_count];
    let mut last_sent = vec![0u64; file_count];
    for event in events {
        match event {
            UploadEvent::FileProgress {
                file_id,
                bytes_sent,
                bytes_total,
                ..
            } => {
                let id = *file_id as usize;
                assert!(
                    *bytes_sent >= last_sent[id] || *bytes_sent == 0,
                    "progress went backwards"
                );
                assert!(bytes_sent <= bytes_total, "more bytes sent than the total");
                last_sent[id] = *bytes_sent;
            }
            UploadEvent::FileDone { file_id, .. } | UploadEvent::FileFailed { file_id, .. } => {
                outcomes[*file_id as usize] += 1;
            }
            _ => {}
        }
    }
    assert!(
        matches!(events.first(), Some(UploadEvent::Started { .. })),
        "first event is Started"
    );
    assert!(
        matches!(events.last(), Some(UploadEvent::Finished { .. })),
        "last event is Finished"
    );
    for (id, count) in outcomes.iter().enumerate() {
        assert_eq!(*count, 1, "file {id} must get exactly one outcome");
    }
}

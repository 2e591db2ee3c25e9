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
    _dirs: (TempDir, TempDir),
}

/// Starts a sandbox on port 0, opens a library and signs in as the account of `kind`.
pub async fn signed_in_world(kind: &str) -> World {
    let sandbox_dir = tempfile::tempdir().unwrap();
    let library_dir = tempfile::tempdir().unwrap();
    let sandbox = pers_sandbox::start(SandboxConfig::new(sandbox_dir.path()))
        .await
        .unwrap();
    let library = Library::open(LibraryConfig::new(library_dir.path())).unwrap();
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
        _dirs: (sandbox_dir, library_dir),
    }
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

//! Uploads every file under a folder to a campaign of a fresh sandbox and prints the timings.
//!
//! `cargo run --release -p pers-library --example upload_folder -- ../shared/corpus/real`
//!
//! It measures the whole pipeline (prepare, sign, PUT, verify, record) for a batch, then the
//! first gallery listing, on this machine against the in-process sandbox.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::{Path, PathBuf};
use std::time::Instant;

use pers_library::{
    AuthType, EntityRef, EntityType, Library, LibraryConfig, SignInRequest, UploadEvent,
};

#[tokio::main]
async fn main() {
    let folder = std::env::args()
        .nth(1)
        .expect("usage: upload_folder FOLDER");
    let paths = files_under(Path::new(&folder));
    let input_bytes: u64 = paths
        .iter()
        .filter_map(|path| path.metadata().ok())
        .map(|m| m.len())
        .sum();

    let sandbox_dir = tempfile::tempdir().unwrap();
    let library_dir = tempfile::tempdir().unwrap();
    let sandbox = pers_sandbox::start(pers_sandbox::SandboxConfig::new(sandbox_dir.path()))
        .await
        .unwrap();
    let info = sandbox.info().clone();
    let account = info
        .accounts
        .iter()
        .find(|account| account.kind == "business")
        .unwrap();
    let library = Library::open(LibraryConfig::new(library_dir.path())).unwrap();
    library
        .sign_in(SignInRequest {
            environment: "sandbox".to_owned(),
            base_url: info.base_url.clone(),
            identity_url: info.identity_url.clone(),
            project_key: info.project_key.clone(),
            email: account.email.clone(),
            password: account.password.clone(),
            kind: AuthType::Business,
            business_id: None,
            provider_token: None,
        })
        .await
        .unwrap();
    let campaign = library
        .list_entities(EntityType::Campaign)
        .await
        .unwrap()
        .remove(0);
    let entity = EntityRef {
        entity_type: EntityType::Campaign,
        id: campaign.id,
    };

    let started = Instant::now();
    let events = library.upload(entity.clone(), paths.clone()).await.unwrap();
    let upload_secs = started.elapsed().as_secs_f64();
    let (done, failed) = match events.last() {
        Some(UploadEvent::Finished { done, failed, .. }) => (*done, *failed),
        _ => panic!("the job did not finish"),
    };
    let sent_bytes: u64 = events
        .iter()
        .filter_map(|event| match event {
            UploadEvent::FilePrepared { output_bytes, .. } => Some(*output_bytes),
            _ => None,
        })
        .sum();

    let started = Instant::now();
    let gallery = library.gallery(&entity).await.unwrap();
    let gallery_secs = started.elapsed().as_secs_f64();

    println!("files: {} ({done} stored, {failed} rejected)", paths.len());
    println!(
        "input: {:.1} MiB, prepared output: {:.1} MiB",
        mib(input_bytes),
        mib(sent_bytes)
    );
    println!("upload job: {upload_secs:.2} s");
    println!(
        "gallery listing of {} items (thumbnails cached): {gallery_secs:.3} s",
        gallery.items.len()
    );
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
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

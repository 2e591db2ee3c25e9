//! The crash harness: an uploader killed with SIGKILL at random points, restarted and resumed.
//!
//! The parent test runs the sandbox and starts this test binary again as the uploader (the
//! `crash::uploader_child` test, which does nothing unless `PERS_CRASH_CHILD` names its
//! settings). Each uploader opens the same library folder, signs in, and resumes the journaled
//! job or starts it. It is killed after a random delay, except the last one, which runs to the
//! end. Then the
//! store must hold exactly one object per file, the manifest one entry per file, every object
//! must read back with the manifest's hash, and no temporary file may be left.
//!
//! The test command runs 40 files and 5 kills. The full run is
//! `PERS_CRASH_FILES=200 PERS_CRASH_KILLS=20 cargo test -p pers-library --test library crash -- --nocapture`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use pers_library::{EntityRef, EntityType, Library, LibraryConfig, UploadEvent};
use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::support::{stored_objects, temporary_files, write_distinct_pngs};

const CHILD_ENV: &str = "PERS_CRASH_CHILD";

/// What the uploader process needs, written as JSON by the parent.
#[derive(Serialize, Deserialize)]
struct ChildSettings {
    sign_in: SignIn,
    library_dir: PathBuf,
    files: Vec<PathBuf>,
    entity_id: String,
    /// Upload attempts per file; the library's default when `None`.
    max_attempts: Option<u32>,
}

#[derive(Serialize, Deserialize)]
struct SignIn {
    base_url: String,
    identity_url: String,
    project_key: String,
    email: String,
    password: String,
}

fn env_count(name: &str, default: u32) -> u32 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_uploads_resume_exactly_once() {
    let file_count = env_count("PERS_CRASH_FILES", 40);
    let kills = env_count("PERS_CRASH_KILLS", 5);
    let world = crate::support::signed_in_world("business").await;
    let faults = world.sandbox.faults();
    faults
        .set_rate_limit(1_000_000, Duration::from_secs(3600))
        .unwrap();
    // Each file signs at least two URLs, so this keeps a batch running for several seconds
    // and the random kills land while files are still in flight.
    faults
        .add_latency(
            pers_sandbox::Route::new("POST", "/v2/files/entity-storage-url"),
            Duration::from_millis(100),
        )
        .unwrap();
    let files_dir = tempfile::tempdir().unwrap();
    let library_dir = tempfile::tempdir().unwrap();
    let files = write_distinct_pngs(files_dir.path(), 0, file_count);
    let settings_path = files_dir.path().join("child.json");
    write_settings(&world, &settings_path, library_dir.path(), files, None);

    let started = Instant::now();
    let mut killed = 0;
    for run in 0..kills {
        let mut child = spawn_uploader(&settings_path);
        let delay = rand::rng().random_range(100..900);
        tokio::time::sleep(Duration::from_millis(delay)).await;
        if child.try_wait().is_none() {
            child.kill();
            killed += 1;
        }
        let status = child.wait();
        println!("run {run}: stopped after {delay} ms ({status})");
    }
    let mut last = spawn_uploader(&settings_path);
    let status = wait_with_timeout(&mut last, Duration::from_secs(600)).await;
    assert!(status.success(), "the last uploader finishes: {status}");
    println!(
        "{file_count} files, {killed} of {kills} runs killed, {:.1} s in all",
        started.elapsed().as_secs_f64()
    );
    assert!(killed > 0, "no run was killed, so nothing was resumed");

    check_exactly_once(&world, file_count, library_dir.path()).await;
}

/// Kills the uploader once every file is prepared but none could be stored, deletes the
/// sources, and resumes: the files can then only be sent from the prepared cache.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resumed_files_are_not_prepared_again() {
    let world = crate::support::signed_in_world("business").await;
    let faults = world.sandbox.faults();
    faults.fail_storage(Some("PUT"), 503, 100).unwrap();
    let files_dir = tempfile::tempdir().unwrap();
    let library_dir = tempfile::tempdir().unwrap();
    let file_count = 5;
    let files = write_distinct_pngs(files_dir.path(), 500, file_count);
    let settings_path = files_dir.path().join("child.json");
    write_settings(
        &world,
        &settings_path,
        library_dir.path(),
        files.clone(),
        Some(1000),
    );

    let mut child = spawn_uploader(&settings_path);
    let prepared_dir = library_dir.path().join("prepared");
    let deadline = Instant::now() + Duration::from_secs(60);
    while prepared_outputs(&prepared_dir) < file_count as usize {
        assert!(
            Instant::now() < deadline,
            "the uploader prepares every file"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The journal records a file as prepared right after its output is renamed into place.
    tokio::time::sleep(Duration::from_millis(300)).await;
    child.kill();
    child.wait();
    for file in &files {
        std::fs::remove_file(file).unwrap();
    }
    faults.clear();

    let mut resumed = spawn_uploader(&settings_path);
    let status = wait_with_timeout(&mut resumed, Duration::from_secs(120)).await;
    assert!(status.success(), "the resumed uploader finishes: {status}");
    check_exactly_once(&world, file_count, library_dir.path()).await;
}

fn prepared_outputs(dir: &Path) -> usize {
    if !dir.is_dir() {
        return 0;
    }
    crate::support::files_under(dir)
        .iter()
        .filter(|path| !path.to_string_lossy().ends_with(".partial"))
        .count()
}

async fn check_exactly_once(world: &crate::support::World, file_count: u32, library_dir: &Path) {
    let objects = stored_objects(&world.sandbox_dir, &world.entity);
    assert_eq!(objects.len(), file_count as usize, "one object per file");
    let gallery = world.library.gallery(&world.entity).await.unwrap();
    assert_eq!(gallery.source, pers_library::GallerySource::Shared);
    assert_eq!(
        gallery.items.len(),
        file_count as usize,
        "one entry per file"
    );
    for item in &gallery.items {
        // `download` checks the bytes against the manifest's SHA-256.
        let bytes = world
            .library
            .download(&world.entity, &item.file_name)
            .await
            .unwrap();
        assert_eq!(bytes.len() as u64, item.size_bytes, "{}", item.file_name);
    }
    let leftovers = temporary_files(library_dir);
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    let prepared = crate::support::files_under(&library_dir.join("prepared"));
    assert!(prepared.is_empty(), "prepared outputs left: {prepared:?}");
}

fn write_settings(
    world: &crate::support::World,
    path: &Path,
    library_dir: &Path,
    files: Vec<PathBuf>,
    max_attempts: Option<u32>,
) {
    let request = crate::support::sign_in_request(&world.sandbox, "business");
    let settings = ChildSettings {
        sign_in: SignIn {
            base_url: request.base_url,
            identity_url: request.identity_url,
            project_key: request.project_key,
            email: request.email,
            password: request.password,
        },
        library_dir: library_dir.to_owned(),
        files,
        entity_id: world.entity.id.clone(),
        max_attempts,
    };
    std::fs::write(path, serde_json::to_vec(&settings).unwrap()).unwrap();
}

/// An uploader process, killed when dropped so that a failing test leaves none behind.
struct Uploader(Child);

impl Uploader {
    fn try_wait(&mut self) -> Option<std::process::ExitStatus> {
        self.0.try_wait().unwrap()
    }

    fn kill(&mut self) {
        self.0.kill().unwrap();
    }

    fn wait(&mut self) -> std::process::ExitStatus {
        self.0.wait().unwrap()
    }
}

impl Drop for Uploader {
    fn drop(&mut self) {
        if self.0.try_wait().ok().flatten().is_none() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

fn spawn_uploader(settings: &Path) -> Uploader {
    let child = Command::new(std::env::current_exe().unwrap())
        .args(["crash::uploader_child", "--exact", "--nocapture"])
        .env(CHILD_ENV, settings)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    Uploader(child)
}

async fn wait_with_timeout(child: &mut Uploader, timeout: Duration) -> std::process::ExitStatus {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait() {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "the uploader did not finish within {timeout:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The uploader process; a no-op unless started by the harness.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploader_child() {
    let Ok(settings_path) = std::env::var(CHILD_ENV) else {
        return;
    };
    let settings: ChildSettings =
        serde_json::from_slice(&std::fs::read(&settings_path).unwrap()).unwrap();
    let mut config = LibraryConfig::new(&settings.library_dir);
    if let Some(max_attempts) = settings.max_attempts {
        config.max_attempts = max_attempts;
    }
    let library = Library::open(config).unwrap();
    let sign_in = &settings.sign_in;
    library
        .sign_in(pers_library::SignInRequest {
            environment: "sandbox".to_owned(),
            base_url: sign_in.base_url.clone(),
            identity_url: sign_in.identity_url.clone(),
            project_key: sign_in.project_key.clone(),
            email: sign_in.email.clone(),
            password: sign_in.password.clone(),
            provider_token: None,
            kind: pers_library::AuthType::Business,
            business_id: None,
        })
        .await
        .unwrap();

    let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
    let sink: pers_library::ProgressSink = Arc::new(move |event| {
        let _ = sender.send(event);
    });
    let mut jobs = library.resume_jobs(Arc::clone(&sink)).unwrap();
    let started_marker = settings.library_dir.join("batch-started");
    if jobs.is_empty() && !started_marker.exists() {
        let entity = EntityRef {
            entity_type: EntityType::Campaign,
            id: settings.entity_id.clone(),
        };
        jobs.push(
            library
                .start_upload(entity, settings.files.clone(), sink)
                .unwrap(),
        );
        std::fs::write(&started_marker, b"").unwrap();
    }
    let mut unfinished = jobs.len();
    while unfinished > 0 {
        match receiver.recv().await {
            Some(UploadEvent::Finished { .. }) => unfinished -= 1,
            Some(_) => {}
            None => break,
        }
    }
}

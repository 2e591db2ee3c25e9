//! Helper of `scripts/bench-transfer.sh`: starts a sandbox, makes test files, signs PUT URLs
//! for `curl`, and sends files through `pers-transfer` alone.
//!
//! Subcommands:
//! - `serve --data-dir DIR --info FILE`: starts a sandbox on a free loopback port, writes its
//!   startup JSON to FILE and serves until Ctrl-C or SIGTERM. The rate limit is raised to
//!   1,000,000 requests per hour, because one run sends several thousand API requests.
//! - `make-images --dir DIR --count N`: writes N distinct 640x480 JPEGs.
//! - `make-pdfs --dir DIR --count N --bytes B [--first I]`: writes N distinct PDFs of B bytes,
//!   numbered from I (default 0), which the core uploads unchanged.
//! - `presign --info FILE --entity TYPE/ID --dir DIR`: signs as the demo tenant admin one PUT
//!   URL per file of DIR, named after the file, and prints `PATH URL` lines.
//! - `put --info FILE --entity TYPE/ID --file PATH`: signs one PUT URL and sends PATH with
//!   `Transfer::put_file`, the streaming PUT that uploads use.
//! - `put-many --list FILE --concurrency N`: sends each `PATH URL` line of FILE with
//!   `Transfer::put_file`, N at a time.
#![allow(clippy::unwrap_used, missing_docs)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Parser, Subcommand};
use pers_api::{
    ApiClient, AuthType, EntityType, Secret, Session, SignedUrlMethod, StorageUrlRequest,
};
use pers_sandbox::SandboxConfig;
use pers_transfer::Transfer;

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    command: Step,
}

#[derive(Subcommand)]
enum Step {
    Serve {
        #[arg(long)]
        data_dir: PathBuf,
        #[arg(long)]
        info: PathBuf,
    },
    MakeImages {
        #[arg(long)]
        dir: PathBuf,
        #[arg(long)]
        count: u32,
    },
    MakePdfs {
        #[arg(long)]
        dir: PathBuf,
        #[arg(long)]
        count: u32,
        #[arg(long)]
        bytes: usize,
        /// Index of the first file, so that two calls can make files that differ.
        #[arg(long, default_value_t = 0)]
        first: u32,
    },
    Presign {
        #[arg(long)]
        info: PathBuf,
        #[arg(long)]
        entity: String,
        #[arg(long)]
        dir: PathBuf,
    },
    Put {
        #[arg(long)]
        info: PathBuf,
        #[arg(long)]
        entity: String,
        #[arg(long)]
        file: PathBuf,
    },
    PutMany {
        #[arg(long)]
        list: PathBuf,
        #[arg(long)]
        concurrency: usize,
    },
}

#[tokio::main]
async fn main() {
    match Cli::parse().command {
        Step::Serve { data_dir, info } => serve(data_dir, &info).await,
        Step::MakeImages { dir, count } => make_images(&dir, count),
        Step::MakePdfs {
            dir,
            count,
            bytes,
            first,
        } => make_pdfs(&dir, first..first + count, bytes),
        Step::Presign { info, entity, dir } => presign(&info, &entity, &dir).await,
        Step::Put { info, entity, file } => put(&info, &entity, &file).await,
        Step::PutMany { list, concurrency } => put_many(&list, concurrency).await,
    }
}

async fn serve(data_dir: PathBuf, info_path: &Path) {
    let mut config = SandboxConfig::new(data_dir);
    config.rate_limit = 1_000_000;
    config.signed_url_ttl = std::time::Duration::from_secs(3600);
    // The script keeps the CLI's session in the environment, which cannot take a rotated
    // refresh token.
    config.single_use_refresh_tokens = false;
    let sandbox = pers_sandbox::start(config).await.unwrap();
    let info = serde_json::to_string(sandbox.info()).unwrap();
    std::fs::write(info_path, info).unwrap();
    let mut terminate =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).unwrap();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate.recv() => {}
    }
    sandbox.shutdown().await;
}

fn make_images(dir: &Path, count: u32) {
    std::fs::create_dir_all(dir).unwrap();
    for index in 0..count {
        let image = image::RgbImage::from_fn(640, 480, |x, y| {
            image::Rgb([(x + index) as u8, (y * 2) as u8, (index * 7) as u8])
        });
        let path = dir.join(format!("photo-{index:04}.jpg"));
        image
            .save_with_format(&path, image::ImageFormat::Jpeg)
            .unwrap();
    }
}

fn make_pdfs(dir: &Path, indexes: std::ops::Range<u32>, bytes: usize) {
    std::fs::create_dir_all(dir).unwrap();
    let head = b"%PDF-1.4\n";
    let tail = b"\n%%EOF\n";
    for index in indexes {
        let mut body = Vec::with_capacity(bytes);
        body.extend_from_slice(head);
        let filler = bytes.saturating_sub(head.len() + tail.len());
        let mut state = u64::from(index).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        for _ in 0..filler {
            // A xorshift sequence, so every file has other bytes and another hash.
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            body.push(b'a' + (state % 26) as u8);
        }
        body.extend_from_slice(tail);
        std::fs::write(dir.join(format!("doc-{index:04}.pdf")), body).unwrap();
    }
}

struct Signer {
    api: ApiClient,
    session: Session,
    entity_type: EntityType,
    entity_id: String,
}

impl Signer {
    async fn sign_in(info_path: &Path, entity: &str) -> Signer {
        let info: serde_json::Value =
            serde_json::from_slice(&std::fs::read(info_path).unwrap()).unwrap();
        let text = |value: &serde_json::Value| value.as_str().unwrap().to_owned();
        let admin = info["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|account| account["kind"] == "tenant")
            .unwrap();
        let http = reqwest::Client::new();
        let identity = pers_api::identity::sign_in_with_password(
            &http,
            &text(&info["identity_url"]),
            &text(&admin["email"]),
            &text(&admin["password"]),
        )
        .await
        .unwrap();
        let project_key = Secret::new(text(&info["project_key"]));
        let api = ApiClient::new(http, &text(&info["base_url"]), project_key).unwrap();
        let session = api
            .create_session(&identity.id_token, AuthType::Tenant, None)
            .await
            .unwrap();
        let (entity_type, entity_id) = entity.split_once('/').unwrap();
        let entity_type = serde_json::from_value(entity_type.into()).unwrap();
        Signer {
            api,
            session,
            entity_type,
            entity_id: entity_id.to_owned(),
        }
    }

    async fn put_url(&self, path: &Path) -> String {
        let request = StorageUrlRequest {
            entity_type: self.entity_type,
            entity_id: self.entity_id.clone(),
            method: SignedUrlMethod::Put,
            file_extension: extension(path),
            file_name: Some(path.file_stem().unwrap().to_string_lossy().into_owned()),
        };
        let url = self
            .api
            .entity_storage_url(&self.session, &request)
            .await
            .unwrap();
        url.expose().to_owned()
    }
}

async fn presign(info: &Path, entity: &str, dir: &Path) {
    let signer = Signer::sign_in(info, entity).await;
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    paths.sort();
    let mut stdout = std::io::stdout().lock();
    for path in paths {
        let url = signer.put_url(&path).await;
        writeln!(stdout, "{} {url}", path.display()).unwrap();
    }
}

async fn put(info: &Path, entity: &str, file: &Path) {
    let signer = Signer::sign_in(info, entity).await;
    let url = pers_transfer::SignedUrl::parse(&signer.put_url(file).await).unwrap();
    let transfer = Transfer::new(reqwest::Client::new());
    transfer
        .put_file(&url, file, content_type(file), &|_| {})
        .await
        .unwrap();
}

async fn put_many(list: &Path, concurrency: usize) {
    let text = std::fs::read_to_string(list).unwrap();
    let jobs: Vec<(PathBuf, String)> = text
        .lines()
        .map(|line| {
            let (path, url) = line.split_once(' ').unwrap();
            (PathBuf::from(path), url.to_owned())
        })
        .collect();
    let transfer = Arc::new(Transfer::new(reqwest::Client::new()));
    let slots = Arc::new(tokio::sync::Semaphore::new(concurrency));
    let mut tasks = Vec::new();
    for (path, url) in jobs {
        let permit = Arc::clone(&slots).acquire_owned().await.unwrap();
        let transfer = Arc::clone(&transfer);
        tasks.push(tokio::spawn(async move {
            let url = pers_transfer::SignedUrl::parse(&url).unwrap();
            transfer
                .put_file(&url, &path, content_type(&path), &|_| {})
                .await
                .unwrap();
            drop(permit);
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
}

fn extension(path: &Path) -> String {
    path.extension()
        .unwrap()
        .to_string_lossy()
        .to_ascii_lowercase()
}

/// Returns the content type that the sandbox signs PUT URLs with for this extension.
fn content_type(path: &Path) -> &'static str {
    match extension(path).as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        _ => "application/octet-stream",
    }
}

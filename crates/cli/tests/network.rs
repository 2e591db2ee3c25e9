//! Runs the network commands of `pers-assets` against a sandbox started in each test.
//!
//! The session is kept with `PERS_CLI_SESSION_STORE=env`, so no test touches the OS keychain
//! except the one that checks the error when none is available.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use pers_sandbox::{Sandbox, SandboxConfig};
use tempfile::TempDir;

const STATUS_USAGE: i32 = 2;
const STATUS_AUTH: i32 = 3;
const STATUS_PARTIAL: i32 = 4;
const STATUS_NETWORK: i32 = 5;

/// A sandbox, a CLI data dir, and the session text once signed in.
struct World {
    sandbox: Sandbox,
    data_dir: TempDir,
    _sandbox_dir: TempDir,
    session: Option<String>,
}

impl World {
    /// Starts a sandbox that accepts a refresh token more than once, because the tests keep
    /// the session in the environment, which cannot take a rotated token.
    async fn start() -> World {
        World::start_with(false).await
    }

    /// Starts a sandbox whose refresh tokens are single-use when `single_use_refresh_tokens`.
    async fn start_with(single_use_refresh_tokens: bool) -> World {
        let sandbox_dir = tempfile::tempdir().unwrap();
        let config = SandboxConfig {
            single_use_refresh_tokens,
            ..SandboxConfig::new(sandbox_dir.path())
        };
        let sandbox = pers_sandbox::start(config).await.unwrap();
        World {
            sandbox,
            data_dir: tempfile::tempdir().unwrap(),
            _sandbox_dir: sandbox_dir,
            session: None,
        }
    }

    fn account(&self, email_prefix: &str) -> (String, String) {
        let account = self
            .sandbox
            .info()
            .accounts
            .iter()
            .find(|account| account.email.starts_with(email_prefix))
            .unwrap();
        (account.email.clone(), account.password.clone())
    }

    /// Returns the arguments of `login` before the credentials.
    fn login_args(&self) -> Vec<String> {
        let info = self.sandbox.info();
        strings(&[
            "--env",
            &info.base_url,
            "--project-key",
            &info.project_key,
            "login",
        ])
    }

    /// Signs in as the tenant admin and keeps the session for the next commands.
    async fn sign_in_admin(&mut self) {
        let (email, password) = self.account("admin@");
        let mut args = self.login_args();
        args.extend(strings(&["--email", &email, "--password", &password]));
        let output = self.run(args).await;
        assert_status(&output, 0);
        self.session = Some(session_line(&output));
    }

    /// Runs the binary with this world's data dir and session, off the async runtime's
    /// threads, because the sandbox serves on them.
    async fn run(&self, args: Vec<String>) -> Output {
        let mut command = self.command();
        command.args(args);
        tokio::task::spawn_blocking(move || command.output().unwrap())
            .await
            .unwrap()
    }

    fn command(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_pers-assets"));
        for variable in [
            "PERS_ENV",
            "PERS_PROJECT_KEY",
            "PERS_IDENTITY_URL",
            "PERS_PASSWORD",
            "PERS_PROVIDER_TOKEN",
            "PERS_CLI_SESSION",
        ] {
            command.env_remove(variable);
        }
        command
            .env("PERS_CLI_SESSION_STORE", "env")
            .env("PERS_CLI_DATA_DIR", self.data_dir.path());
        if let Some(session) = &self.session {
            command.env("PERS_CLI_SESSION", session);
        }
        command
    }

    /// Delays each signing request by `millis`. Each file signs two URLs, so a batch then runs
    /// long enough for a test to stop it midway.
    fn slow_signing(&self, millis: u64) {
        self.sandbox
            .faults()
            .add_latency(
                pers_sandbox::Route::new("POST", "/v2/files/entity-storage-url"),
                std::time::Duration::from_millis(millis),
            )
            .unwrap();
    }

    /// Starts `upload ENTITY PATHS --concurrency 1` in the background with piped output.
    fn spawn_upload(&self, entity: &str, paths: &[PathBuf]) -> std::process::Child {
        let mut command = self.command();
        command
            .args(["upload", entity, "--concurrency", "1"])
            .args(paths)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        command.spawn().unwrap()
    }

    async fn first_campaign(&self) -> String {
        let output = self.run(strings(&["entities", "campaign"])).await;
        assert_status(&output, 0);
        let text = stdout(&output);
        let line = text.lines().next().unwrap();
        format!("campaign/{}", line.split('\t').next().unwrap())
    }
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|arg| (*arg).to_owned()).collect()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Asserts that the command exited with `status`, showing its stderr otherwise.
#[track_caller]
fn assert_status(output: &Output, status: i32) {
    assert_eq!(
        output.status.code(),
        Some(status),
        "status {:?}: {}",
        output.status.code(),
        stderr(output)
    );
}

/// Asserts that the command's stderr contains `text`.
#[track_caller]
fn assert_stderr_has(output: &Output, text: &str) {
    let text_seen = stderr(output);
    assert!(text_seen.contains(text), "{text_seen}");
}

/// Asserts that the command's stdout contains `text`.
#[track_caller]
fn assert_stdout_has(output: &Output, text: &str) {
    let text_seen = stdout(output);
    assert!(text_seen.contains(text), "{text_seen}");
}

/// Returns the value of the `PERS_CLI_SESSION=…` line that `login` prints.
fn session_line(output: &Output) -> String {
    let text = stdout(output);
    let line = text
        .lines()
        .find_map(|line| line.strip_prefix("PERS_CLI_SESSION="))
        .unwrap_or_else(|| panic!("no PERS_CLI_SESSION line in {text:?}"));
    line.to_owned()
}

fn json_lines(output: &Output) -> Vec<serde_json::Value> {
    stdout(output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect()
}

/// Writes `count` distinct PNGs named `{prefix} {index}.png`.
fn write_pngs(dir: &Path, prefix: &str, count: u8) -> Vec<PathBuf> {
    (0..count)
        .map(|index| write_png(dir, &format!("{prefix} {index}.png"), index * 20))
        .collect()
}

/// Writes a small PNG whose pixels depend on `seed`.
fn write_png(dir: &Path, name: &str, seed: u8) -> PathBuf {
    let image = image::RgbImage::from_fn(16, 12, |x, y| {
        image::Rgb([seed, (x * 16) as u8, (y * 20) as u8])
    });
    let path = dir.join(name);
    image
        .save_with_format(&path, image::ImageFormat::Png)
        .unwrap();
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_entities_logout() {
    let mut world = World::start().await;
    world.sign_in_admin().await;

    let listed = world.run(strings(&["entities", "campaign"])).await;
    assert_status(&listed, 0);
    let text = stdout(&listed);
    assert!(!text.is_empty(), "the sandbox seeds campaigns");
    for line in text.lines() {
        assert_eq!(line.split('\t').count(), 3, "id, state, name: {line}");
    }

    let json = world
        .run(strings(&["--json", "entities", "campaign"]))
        .await;
    assert_status(&json, 0);
    let entities = json_lines(&json);
    assert_eq!(entities.len(), text.lines().count());
    assert!(
        entities
            .iter()
            .all(|entity| entity["entityType"] == "campaign")
    );

    let logout = world.run(strings(&["logout"])).await;
    assert_status(&logout, 0);
    assert!(stdout(&logout).contains("unset PERS_CLI_SESSION"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_json_prints_session() {
    let world = World::start().await;
    let (email, password) = world.account("admin@");
    let mut args = world.login_args();
    args.insert(0, "--json".to_owned());
    args.extend(strings(&["--email", &email, "--password", &password]));

    let output = world.run(args).await;

    assert_status(&output, 0);
    let lines = json_lines(&output);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["email"], email.as_str());
    assert_eq!(lines[0]["kind"], "tenant");
    let export = lines[0]["export"].as_str().unwrap();
    assert!(export.starts_with("PERS_CLI_SESSION="), "{export}");
    assert!(
        !stderr(&output).contains(&password),
        "the password is not echoed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_exits_auth() {
    let world = World::start().await;
    let (email, _) = world.account("admin@");
    let mut args = world.login_args();
    args.insert(0, "--json".to_owned());
    args.extend(strings(&[
        "--email",
        &email,
        "--password",
        "not-the-password",
    ]));

    let output = world.run(args).await;

    assert_status(&output, STATUS_AUTH);
    assert!(
        !stderr(&output).contains("not-the-password"),
        "{}",
        stderr(&output)
    );
    let lines = json_lines(&output);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["error"], "INVALID_CREDENTIALS");
    assert_eq!(lines[0]["exitStatus"], STATUS_AUTH);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn business_picker_needs_business() {
    let world = World::start().await;
    let (email, password) = world.account("manager@");
    let mut args = world.login_args();
    args.extend(strings(&[
        "--email",
        &email,
        "--password",
        &password,
        "--kind",
        "business",
    ]));

    let picker = world.run(args.clone()).await;

    assert_status(&picker, STATUS_AUTH);
    let message = stderr(&picker);
    assert!(message.contains("--business ID"), "{message}");
    let option_lines: Vec<&str> = message
        .lines()
        .filter(|line| line.starts_with("  "))
        .collect();
    assert!(
        option_lines.len() >= 2,
        "two businesses are listed: {message}"
    );
    let business_id = option_lines[0]
        .trim()
        .split('\t')
        .next()
        .unwrap()
        .to_owned();

    args.extend(strings(&["--business", &business_id]));
    let chosen = world.run(args).await;
    assert_status(&chosen, 0);
    assert_stderr_has(&chosen, "signed in as");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provider_token_login() {
    let world = World::start().await;
    let (email, password) = world.account("admin@");
    let http = reqwest::Client::new();
    let identity = pers_api::identity::sign_in_with_password(
        &http,
        &world.sandbox.info().identity_url,
        &email,
        &password,
    )
    .await
    .unwrap();
    let mut args = world.login_args();
    args.extend(strings(&["--token", identity.id_token.expose()]));

    let output = world.run(args).await;

    assert_status(&output, 0);
    assert!(!session_line(&output).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_ls_get_round_trip() {
    let mut world = World::start().await;
    world.sign_in_admin().await;
    let entity = world.first_campaign().await;
    let files = tempfile::tempdir().unwrap();
    let paths: Vec<PathBuf> = (0..3)
        .map(|seed| write_png(files.path(), &format!("photo {seed}.png"), seed * 40))
        .collect();

    let mut args = strings(&["upload", &entity, "--concurrency", "2"]);
    args.extend(paths.iter().map(|path| path.display().to_string()));
    let uploaded = world.run(args).await;
    assert_status(&uploaded, 0);
    assert!(
        !stderr(&uploaded).contains('\r'),
        "no progress line when piped"
    );
    let stored = stdout(&uploaded);
    assert_eq!(
        stored
            .lines()
            .filter(|line| line.starts_with("stored "))
            .count(),
        3,
        "{stored}"
    );

    let listed = world.run(strings(&["ls", &entity])).await;
    assert_status(&listed, 0);
    let listing = stdout(&listed);
    assert_eq!(listing.lines().count(), 3, "{listing}");
    let first: Vec<&str> = listing.lines().next().unwrap().split('\t').collect();
    let (name, size) = (first[0], first[1].parse::<usize>().unwrap());
    assert!(
        first[3].starts_with("photo "),
        "original name kept: {first:?}"
    );

    let target = files.path().join("downloaded.png");
    let target_arg = target.display().to_string();
    let got = world
        .run(strings(&["get", &entity, name, "-o", &target_arg]))
        .await;
    assert_status(&got, 0);
    let bytes = std::fs::read(&target).unwrap();
    assert_eq!(bytes.len(), size);
    assert!(
        image::load_from_memory(&bytes).is_ok(),
        "the download is an image"
    );

    let unknown = world
        .run(strings(&["get", &entity, "nope.png", "-o", &target_arg]))
        .await;
    assert_status(&unknown, STATUS_USAGE);
    assert_stderr_has(&unknown, "pers-assets ls");

    let again = world
        .run(strings(&[
            "--json",
            "upload",
            &entity,
            &paths[0].display().to_string(),
        ]))
        .await;
    assert_status(&again, 0);
    let events = json_lines(&again);
    assert_eq!(events.first().unwrap()["event"], "started");
    let done = events
        .iter()
        .find(|event| event["event"] == "fileDone")
        .unwrap();
    assert_eq!(done["alreadyUploaded"], true);
    let finished = events.last().unwrap();
    assert_eq!(finished["event"], "finished");
    assert_eq!(finished["done"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_in_fresh_data_dir() {
    let mut world = World::start().await;
    world.sign_in_admin().await;
    let entity = world.first_campaign().await;
    let files = tempfile::tempdir().unwrap();
    let path = write_png(files.path(), "logo.png", 7);
    let uploaded = world
        .run(strings(&["upload", &entity, &path.display().to_string()]))
        .await;
    assert_status(&uploaded, 0);
    let stored = stdout(&uploaded);
    let name = stored.trim().rsplit(" as ").next().unwrap().to_owned();
    // Another data dir has no catalog yet, so `get` reads the shared manifest first.
    world.data_dir = tempfile::tempdir().unwrap();

    let target = files.path().join("copy.png");
    let got = world
        .run(strings(&[
            "get",
            &entity,
            &name,
            "-o",
            &target.display().to_string(),
        ]))
        .await;

    assert_status(&got, 0);
    assert!(target.is_file());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_file_exits_partial() {
    let mut world = World::start().await;
    world.sign_in_admin().await;
    let entity = world.first_campaign().await;
    let files = tempfile::tempdir().unwrap();
    let good = write_png(files.path(), "good.png", 1);
    let bad = files.path().join("broken.png");
    std::fs::write(&bad, b"this is not an image").unwrap();

    let output = world
        .run(strings(&[
            "upload",
            &entity,
            &good.display().to_string(),
            &bad.display().to_string(),
        ]))
        .await;

    assert_status(&output, STATUS_PARTIAL);
    assert_stdout_has(&output, "stored good.png");
    let message = stderr(&output);
    assert!(message.contains("failed broken.png"), "{message}");
    assert!(
        !message.contains("broken.png: broken.png"),
        "name once: {message}"
    );
    assert!(message.contains("1 of 2 files failed"), "{message}");
}

/// Files that fail only because the API could not be reached give status 5, not 4, so a
/// script can tell a server outage from bad files.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_gone_mid_upload_exits_network() {
    let mut world = World::start().await;
    world.sign_in_admin().await;
    let entity = world.first_campaign().await;
    let files = tempfile::tempdir().unwrap();
    let paths = write_pngs(files.path(), "cut", 3);
    world.slow_signing(400);
    let child = world.spawn_upload(&entity, &paths);
    // The check of the entity and the first file's signing take about a second.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    world.sandbox.shutdown().await;

    let output = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();

    assert_status(&output, STATUS_NETWORK);
    let message = stderr(&output);
    assert!(message.contains("failed cut"), "{message}");
    assert!(
        message.contains("because the API or storage could not be reached"),
        "{message}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_need_session() {
    let world = World::start().await;
    for args in [
        strings(&["entities", "campaign"]),
        strings(&["ls", "campaign/1"]),
        strings(&["get", "campaign/1", "a.png", "-o", "a.png"]),
    ] {
        let output = world.run(args.clone()).await;
        assert_eq!(
            output.status.code(),
            Some(STATUS_AUTH),
            "{args:?}: {}",
            stderr(&output)
        );
        assert_stderr_has(&output, "pers-assets login");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_arguments_are_named() {
    let mut world = World::start().await;
    world.sign_in_admin().await;
    let files = tempfile::tempdir().unwrap();
    let image = write_png(files.path(), "a.png", 3).display().to_string();
    let missing = files.path().join("missing.png").display().to_string();
    let folder = files.path().display().to_string();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (strings(&["upload", "planet/1", &image]), "planet"),
        (strings(&["upload", "campaign", &image]), "TYPE/ID"),
        (strings(&["upload", "campaign/1", &missing]), "missing.png"),
        (strings(&["upload", "campaign/1", &folder]), "is not a file"),
        (
            strings(&["upload", "campaign/1", &image, "--concurrency", "0"]),
            "--concurrency",
        ),
        (strings(&["upload", "campaign/1"]), "FILES"),
        (strings(&["entities", "planet"]), "planet"),
        (
            strings(&["--env", "sandbox", "entities", "campaign"]),
            "--env sandbox",
        ),
        (
            strings(&["login", "--email", "a@b.test", "--password", "x"]),
            "--env",
        ),
        (
            strings(&["--env", "http://127.0.0.1:9/v2", "login", "--token", "t"]),
            "--project-key",
        ),
    ];
    for (args, named) in cases {
        let output = world.run(args.clone()).await;
        assert_eq!(
            output.status.code(),
            Some(STATUS_USAGE),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains(named),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_env_than_session() {
    let mut world = World::start().await;
    world.sign_in_admin().await;

    let output = world
        .run(strings(&[
            "--env",
            "https://api.example.test/v2",
            "entities",
            "campaign",
        ]))
        .await;

    assert_status(&output, STATUS_USAGE);
    assert_stderr_has(&output, "the saved session is for");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_api_exits_network() {
    let world = World::start().await;
    // A port this test bound and released, so nothing listens on it.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let base_url = format!("http://127.0.0.1:{port}/v2");

    let output = world
        .run(strings(&[
            "--env",
            &base_url,
            "--project-key",
            "pk_test",
            "login",
            "--email",
            "admin@demo.pers.test",
            "--password",
            "x",
        ]))
        .await;

    assert_status(&output, STATUS_NETWORK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_session_store_rejected() {
    let world = World::start().await;
    let mut command = world.command();
    command
        .env("PERS_CLI_SESSION_STORE", "file")
        .args(["entities", "campaign"]);

    let output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();

    assert_status(&output, STATUS_USAGE);
    assert_stderr_has(&output, "PERS_CLI_SESSION_STORE=file");
}

/// Without a reachable Secret Service the default store fails with a message that names the
/// way out. The D-Bus address points at a socket that does not exist, so a keychain of the
/// machine running the test is never touched.
#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_keychain_says_what_to_do() {
    let world = World::start().await;
    let (email, password) = world.account("admin@");
    let mut command = world.command();
    let socket = world.data_dir.path().join("no-bus");
    command
        .env_remove("PERS_CLI_SESSION_STORE")
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            format!("unix:path={}", socket.display()),
        )
        .args(world.login_args())
        .args(["--email", &email, "--password", &password]);

    let output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();

    assert_status(&output, STATUS_AUTH);
    assert_stderr_has(&output, "PERS_CLI_SESSION_STORE=env");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejected_refresh_exits_auth() {
    let mut world = World::start().await;
    world.sign_in_admin().await;
    let refresh = pers_sandbox::Route::new("POST", "/v2/auth/refresh");
    world.sandbox.faults().fail_next(refresh, 1, 401).unwrap();

    let output = world.run(strings(&["entities", "campaign"])).await;

    assert_status(&output, STATUS_AUTH);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_error_exits_failed() {
    let mut world = World::start().await;
    world.sign_in_admin().await;
    let campaigns = pers_sandbox::Route::get("/v2/campaigns");
    world.sandbox.faults().fail_next(campaigns, 1, 500).unwrap();

    let output = world
        .run(strings(&["--json", "entities", "campaign"]))
        .await;

    assert_status(&output, 1);
    let lines = json_lines(&output);
    assert_eq!(lines.last().unwrap()["error"], "SERVER");
}

/// Against a server that accepts each refresh token once, the env store's second command
/// fails with the auth status and the server's reason, instead of a vague error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn env_store_meets_rotation() {
    let mut world = World::start_with(true).await;
    world.sign_in_admin().await;

    let first = world.run(strings(&["entities", "campaign"])).await;
    assert_status(&first, 0);
    let second = world.run(strings(&["entities", "campaign"])).await;

    assert_status(&second, 3);
    assert_stderr_has(&second, "single-use");
}

/// A reader that goes away before the listing is printed (`| head -0`) ends the command
/// quietly with status 0, not with a panic.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_stdout_exits_quietly() {
    let mut world = World::start().await;
    world.sign_in_admin().await;
    let mut command = world.command();
    command
        .args(["entities", "campaign"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());

    let output = tokio::task::spawn_blocking(move || {
        let mut child = command.spawn().unwrap();
        // Closing the read end at once makes the listing's write meet a closed pipe.
        drop(child.stdout.take());
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap();

    let errors = String::from_utf8_lossy(&output.stderr);
    assert!(!errors.contains("panicked"), "{errors}");
    assert_eq!(output.status.code(), Some(0), "{errors}");
}

/// An upload killed with SIGKILL mid-batch is finished by `resume`: the next `upload` warns of
/// the unfinished files, `resume` stores the rest, and the gallery lists each file once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resume_finishes_killed_upload() {
    let mut world = World::start().await;
    world.sign_in_admin().await;
    let entity = world.first_campaign().await;
    let files = tempfile::tempdir().unwrap();
    let paths = write_pngs(files.path(), "batch", 12);
    world.slow_signing(250);

    let mut child = world.spawn_upload(&entity, &paths);
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    child.kill().unwrap();
    tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    world.sandbox.faults().clear();

    let extra = write_png(files.path(), "extra.png", 250);
    let next = world
        .run(strings(&["upload", &entity, &extra.display().to_string()]))
        .await;
    assert_status(&next, 0);
    let warning = stderr(&next);
    assert!(warning.contains("unfinished"), "{warning}");
    assert!(warning.contains("pers-assets resume"), "{warning}");

    let resumed = world.run(strings(&["resume"])).await;
    assert_status(&resumed, 0);
    let listed = world.run(strings(&["ls", &entity])).await;
    assert_status(&listed, 0);
    let listing = stdout(&listed);
    let mut originals: Vec<&str> = listing
        .lines()
        .map(|line| line.split('\t').nth(3).unwrap())
        .collect();
    originals.sort_unstable();
    let mut expected: Vec<String> = (0..12).map(|seed| format!("batch {seed}.png")).collect();
    expected.push("extra.png".to_owned());
    expected.sort_unstable();
    assert_eq!(originals, expected);

    let again = world.run(strings(&["resume"])).await;
    assert_status(&again, 0);
    assert_stdout_has(&again, "no unfinished uploads");
}

/// With the session in a real OS keychain and single-use refresh tokens, four commands started
/// at once all succeed: each one whose resume meets a token that another already exchanged
/// reads the keychain again. Runs only when `PERS_SECRET_SERVICE_TEST=1`, which
/// `scripts/secret-service-test.sh` sets after starting a throwaway Secret Service.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keychain_parallel_commands() {
    if std::env::var("PERS_SECRET_SERVICE_TEST").as_deref() != Ok("1") {
        println!("skipped: set PERS_SECRET_SERVICE_TEST=1 with a Secret Service running");
        return;
    }
    let world = World::start_with(true).await;
    let (email, password) = world.account("admin@");
    let keychain_command = || {
        let mut command = world.command();
        command.env_remove("PERS_CLI_SESSION_STORE");
        command
    };
    let mut login = keychain_command();
    login
        .args(world.login_args())
        .args(["--email", &email, "--password", &password]);
    let logged_in = tokio::task::spawn_blocking(move || login.output().unwrap())
        .await
        .unwrap();
    assert_status(&logged_in, 0);

    let children: Vec<std::process::Child> = (0..4)
        .map(|_| {
            let mut command = keychain_command();
            command
                .args(["entities", "campaign"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped());
            command.spawn().unwrap()
        })
        .collect();
    let outputs = tokio::task::spawn_blocking(move || {
        children
            .into_iter()
            .map(|child| child.wait_with_output().unwrap())
            .collect::<Vec<Output>>()
    })
    .await
    .unwrap();
    for output in &outputs {
        assert_eq!(output.status.code(), Some(0), "{}", stderr(output));
        assert!(
            !stdout(output).is_empty(),
            "each command lists the campaigns"
        );
    }

    let mut logout = keychain_command();
    logout.arg("logout");
    let logged_out = tokio::task::spawn_blocking(move || logout.output().unwrap())
        .await
        .unwrap();
    assert_status(&logged_out, 0);
}

/// Ctrl-C (SIGINT) during an upload cancels the files not yet stored, lists them as cancelled
/// rather than failed, and exits with 130.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interrupted_upload_exits_130() {
    let mut world = World::start().await;
    world.sign_in_admin().await;
    let entity = world.first_campaign().await;
    let files = tempfile::tempdir().unwrap();
    let paths = write_pngs(files.path(), "slow", 10);
    world.slow_signing(300);
    let child = world.spawn_upload(&entity, &paths);
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;

    let signal = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(signal.success());
    let output = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();

    assert_status(&output, 130);
    assert_stderr_has(&output, "cancelled slow");
    assert_stderr_has(&output, "interrupted:");
    assert!(
        !stderr(&output).contains("failed slow"),
        "{}",
        stderr(&output)
    );
}

/// An entity the server does not know is named with exit status 2 before any file is
/// prepared, by `upload` and by `ls`, instead of failing each file or listing an empty gallery.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_entity_is_named() {
    let mut world = World::start().await;
    world.sign_in_admin().await;
    let files = tempfile::tempdir().unwrap();
    let image = write_png(files.path(), "a.png", 9).display().to_string();

    let uploaded = world
        .run(strings(&["upload", "campaign/no-such-campaign", &image]))
        .await;
    assert_status(&uploaded, STATUS_USAGE);
    assert_stderr_has(&uploaded, "campaign/no-such-campaign");
    assert_stderr_has(&uploaded, "pers-assets entities campaign");
    assert!(
        !stderr(&uploaded).contains("failed a.png"),
        "{}",
        stderr(&uploaded)
    );

    let listed = world
        .run(strings(&["ls", "campaign/no-such-campaign"]))
        .await;
    assert_status(&listed, STATUS_USAGE);
    assert_stderr_has(&listed, "campaign/no-such-campaign");
}

//! `pers-sandbox`: runs the sandbox until SIGINT or SIGTERM.
//!
//! Prints one JSON line with the sandbox's addresses, project key and demo accounts on stdout;
//! logs go to stderr (filter with `RUST_LOG`, default `info`).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use pers_sandbox::SandboxConfig;

const USAGE: &str = "usage: pers-sandbox --port N --data-dir DIR [--signed-url-ttl-secs S] \
                     [--access-token-ttl-secs S]

  --port N                   API port on 127.0.0.1; 0 picks a free one
  --data-dir DIR             folder for seed data, keys and stored objects
  --signed-url-ttl-secs S    lifetime of signed storage URLs in seconds (default 900, max 604800)
  --access-token-ttl-secs S  lifetime of access tokens in seconds (default 900)";

/// Exit code for invalid command-line arguments.
const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    let config = match parse_args(std::env::args().skip(1)) {
        Ok(Some(config)) => config,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("pers-sandbox: {message}\n\n{USAGE}");
            return ExitCode::from(EXIT_USAGE);
        }
    };

    init_logging();

    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("pers-sandbox: failed to start the tokio runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(config))
}

/// Logs to stderr, filtered by `RUST_LOG` (default `info`).
///
/// s3s logs each request's URI at debug, and a presigned URI contains its signature, so debug
/// and trace events of the s3s crates are dropped whatever `RUST_LOG` says, a directive naming
/// one of their modules included.
fn init_logging() {
    use std::io::IsTerminal;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    use tracing_subscriber::{EnvFilter, Layer};

    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let secret_safe = tracing_subscriber::filter::filter_fn(|metadata| {
        let crate_name = metadata.target().split("::").next().unwrap_or_default();
        *metadata.level() <= tracing::Level::INFO || !matches!(crate_name, "s3s" | "s3s_fs")
    });
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_filter(filter)
        .with_filter(secret_safe);
    tracing_subscriber::registry().with(layer).init();
}

async fn run(config: SandboxConfig) -> ExitCode {
    let sandbox = match pers_sandbox::start(config).await {
        Ok(sandbox) => sandbox,
        Err(error) => {
            tracing::error!(%error, "sandbox failed to start");
            eprintln!("pers-sandbox: {error}");
            return ExitCode::FAILURE;
        }
    };

    if let Err(error) = print_info(sandbox.info()) {
        eprintln!("pers-sandbox: failed to write the startup line to stdout: {error}");
        sandbox.shutdown().await;
        return ExitCode::FAILURE;
    }

    if let Err(error) = wait_for_signal().await {
        tracing::error!(%error, "failed to listen for shutdown signals; stopping");
    }
    tracing::info!("shutdown signal received");
    sandbox.shutdown().await;
    ExitCode::SUCCESS
}

fn print_info(info: &pers_sandbox::SandboxInfo) -> std::io::Result<()> {
    let line = serde_json::to_string(info).map_err(std::io::Error::other)?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{line}")?;
    stdout.flush()
}

#[cfg(unix)]
async fn wait_for_signal() -> std::io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut terminate = signal(SignalKind::terminate())?;
    tokio::select! {
        result = tokio::signal::ctrl_c() => result,
        _ = terminate.recv() => Ok(()),
    }
}

#[cfg(not(unix))]
async fn wait_for_signal() -> std::io::Result<()> {
    tokio::signal::ctrl_c().await
}

/// Parses the arguments; `Ok(None)` means `--help` was requested.
fn parse_args(args: impl Iterator<Item = String>) -> Result<Option<SandboxConfig>, String> {
    let mut port = None;
    let mut data_dir = None;
    let mut signed_url_ttl = None;
    let mut access_token_ttl = None;

    let mut args = args;
    while let Some(arg) = args.next() {
        let (name, inline_value) = match arg.split_once('=') {
            Some((name, value)) => (name.to_owned(), Some(value.to_owned())),
            None => (arg, None),
        };
        if name == "--help" || name == "-h" {
            return Ok(None);
        }
        let mut value = || {
            inline_value
                .clone()
                .or_else(|| args.next())
                .ok_or(format!("{name} needs a value"))
        };
        match name.as_str() {
            "--port" => port = Some(parse_number::<u16>(&name, &value()?)?),
            "--data-dir" => data_dir = Some(PathBuf::from(value()?)),
            "--signed-url-ttl-secs" => signed_url_ttl = Some(parse_secs(&name, &value()?)?),
            "--access-token-ttl-secs" => access_token_ttl = Some(parse_secs(&name, &value()?)?),
            _ => return Err(format!("unknown argument {name:?}")),
        }
    }

    let port = port.ok_or("--port is required")?;
    let data_dir = data_dir.ok_or("--data-dir is required")?;
    let mut config = SandboxConfig::new(data_dir);
    config.port = port;
    if let Some(ttl) = signed_url_ttl {
        config.signed_url_ttl = ttl;
    }
    if let Some(ttl) = access_token_ttl {
        config.access_token_ttl = ttl;
    }
    Ok(Some(config))
}

fn parse_number<T: std::str::FromStr>(name: &str, value: &str) -> Result<T, String> {
    value
        .parse()
        .map_err(|_| format!("{name} must be a non-negative integer, got {value:?}"))
}

fn parse_secs(name: &str, value: &str) -> Result<Duration, String> {
    let secs: u64 = parse_number(name, value)?;
    if secs == 0 {
        return Err(format!("{name} must be at least 1"));
    }
    Ok(Duration::from_secs(secs))
}

//! The desktop shell of the PERS Asset Manager.
//!
//! The shell is a set of thin adapters between the webview and the core (`pers-library`).
//! Each command calls one core function, upload progress goes over a per-job
//! [`tauri::ipc::Channel`], and the `pers-asset` URI scheme serves cached images. Files arrive
//! by native drag-and-drop or the file dialog. On start the shell opens the library and starts
//! the embedded sandbox in the background, so the sandbox environment needs no server.
//!
//! [`build_app`] is generic over the runtime, so tests drive the same commands on Tauri's mock
//! runtime.

pub mod asset_protocol;
pub mod commands;
pub mod error;
pub mod keychain;
mod logging;
pub mod options;
pub mod remember;
mod sandbox;
pub mod state;

use std::path::PathBuf;

use pers_library::{Library, LibraryConfig};
use tauri::{App, Builder, Manager, Runtime, WebviewWindowBuilder};

use crate::keychain::Keychain;
use crate::options::ShellOptions;
use crate::remember::RememberState;
use crate::sandbox::SandboxState;
use crate::state::AppState;

/// Label of the one window, as in `tauri.conf.json` and `capabilities/default.json`.
pub const MAIN_WINDOW: &str = "main";

/// Runs the app with the options from the environment until its window closes.
///
/// Exits the process with status 1 when the app cannot start (no data dir, catalog failure).
pub fn run() {
    let builder = build_app_with(Builder::default(), ShellOptions::from_env());
    if let Err(error) = builder.run(context()) {
        eprintln!("PERS Asset Manager failed to start: {error}");
        std::process::exit(1);
    }
}

/// Returns the context generated from `tauri.conf.json`, for any runtime.
pub fn context<R: Runtime>() -> tauri::Context<R> {
    tauri::generate_context!()
}

/// Adds the shell's commands, URI scheme and setup to `builder`, with options from the
/// environment (see [`ShellOptions::from_env`]).
pub fn build_app<R: Runtime>(builder: Builder<R>) -> Builder<R> {
    build_app_with(builder, ShellOptions::from_env())
}

/// Same as [`build_app`] with explicit options, for tests.
pub fn build_app_with<R: Runtime>(builder: Builder<R>, options: ShellOptions) -> Builder<R> {
    builder
        .invoke_handler(tauri::generate_handler![
            commands::session::sandbox_info,
            commands::session::sign_in,
            commands::session::sign_out,
            commands::session::session_info,
            commands::session::resume_session,
            commands::session::keychain_status,
            commands::entities::list_entities,
            commands::entities::gallery,
            commands::upload::start_upload,
            commands::upload::resume_jobs,
            commands::upload::pause_job,
            commands::upload::resume_job,
            commands::upload::cancel_job,
            commands::upload::cancel_file,
            commands::dialog::pick_files,
            commands::entities::preview,
            commands::entities::entity_image_support,
            commands::entities::set_entity_image,
        ])
        .register_asynchronous_uri_scheme_protocol(asset_protocol::SCHEME, asset_protocol::handle)
        .setup(move |app| setup(app, options))
}

/// Starts logging, opens the library, starts the sandbox in the background and then creates
/// the window, so no command can run before the state exists.
fn setup<R: Runtime>(
    app: &mut App<R>,
    options: ShellOptions,
) -> Result<(), Box<dyn std::error::Error>> {
    let (data_dir, log_dir) = app_dirs(app, &options)?;
    let guard = logging::init(&log_dir);
    app.manage(guard);
    tracing::info!(data_dir = %data_dir.display(), "starting PERS Asset Manager");
    for warning in &options.warnings {
        tracing::warn!("{warning}");
    }

    let mut config = LibraryConfig::new(data_dir.join("library"));
    if let Some(count) = options.prepare_concurrency {
        config.prepare_concurrency = count;
    }
    if let Some(count) = options.upload_concurrency {
        config.upload_concurrency = count;
    }
    let library = Library::open(config)?;
    let keychain = options
        .keychain
        .clone()
        .unwrap_or_else(|| Keychain::os(format!("session {}", data_dir.display())));
    app.manage(AppState {
        library,
        sandbox: SandboxState::new(),
        remember: RememberState::new(keychain),
        options,
    });

    let handle = app.handle().clone();
    let sandbox_dir = data_dir.join("sandbox");
    tauri::async_runtime::spawn(async move {
        handle.state::<AppState>().sandbox.start(sandbox_dir).await;
    });

    create_main_window(app)?;
    Ok(())
}

/// Returns the data dir and the log dir. With a data dir override, logs go to its `logs`
/// folder, so an e2e run finds them next to its data. Otherwise they go to the platform's app
/// log dir.
fn app_dirs<R: Runtime>(
    app: &App<R>,
    options: &ShellOptions,
) -> Result<(PathBuf, PathBuf), tauri::Error> {
    match &options.data_dir {
        Some(data_dir) => Ok((data_dir.clone(), data_dir.join("logs"))),
        None => Ok((app.path().app_data_dir()?, app.path().app_log_dir()?)),
    }
}

fn create_main_window<R: Runtime>(app: &App<R>) -> Result<(), tauri::Error> {
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|window| window.label == MAIN_WINDOW)
        .ok_or_else(|| missing_window_error(app.config().identifier.as_str()))?
        .clone();
    WebviewWindowBuilder::from_config(app.handle(), &config)?.build()?;
    Ok(())
}

fn missing_window_error(identifier: &str) -> tauri::Error {
    let message = format!("tauri.conf.json of {identifier} has no window labelled {MAIN_WINDOW}");
    tauri::Error::Io(std::io::Error::other(message))
}

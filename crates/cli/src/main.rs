//! `pers-assets`: the PERS asset manager's command line.
//!
//! `prepare` and `predict` run the image pipeline of `pers-imaging` on one file and exit with
//! status 1 when it fails. The network commands (`login`, `logout`, `entities`, `upload`,
//! `resume`, `ls`, `get`) go through `pers-library`, the core the desktop app uses. They exit with the
//! statuses of [`error`]: 0 ok, 1 failed, 2 invalid argument, 3 not signed in or sign-in
//! rejected, 4 some files of an upload failed, 5 network, 130 interrupted with Ctrl-C. Clap's
//! own checks exit with 2.

/// Prints a line to standard output like `println!`. When the reader has gone (a closed pipe,
/// as with `| head`), the command ends quietly with status 0 instead of panicking.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::output::print_line(format_args!($($arg)*))
    };
}

mod args;
mod connect;
mod entities;
mod error;
mod gallery;
mod login;
mod output;
mod prepare;
mod progress;
mod session_store;
mod upload;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};
use crate::connect::Context;
use crate::error::CommandError;
use crate::output::Output;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PERS_LOG")
                // The core's and the API client's errors reach the user as the command's own
                // message, so by default only this binary and the image pipeline log.
                .unwrap_or_else(|_| {
                    tracing_subscriber::EnvFilter::new("pers_assets=warn,pers_imaging=warn")
                }),
        )
        .with_writer(std::io::stderr)
        .init();

    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Prepare(options) => prepare::run(options),
        Command::Predict(options) => prepare::predict(options),
        _ => return run_network_command(&cli),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("pers-assets: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Runs a command that goes through the core on a Tokio runtime, and prints its failure.
fn run_network_command(cli: &Cli) -> ExitCode {
    let output = Output {
        json: cli.global.json,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("pers-assets: the async runtime could not start: {error}");
            return ExitCode::from(error::EXIT_FAILED);
        }
    };
    match runtime.block_on(dispatch(cli, &output)) {
        Ok(()) => ExitCode::from(error::EXIT_OK),
        Err(error) => {
            eprintln!("pers-assets: {error}");
            if output.json {
                output.json_line(&serde_json::json!({
                    "error": error.code(),
                    "message": error.to_string(),
                    "exitStatus": error.exit_status(),
                }));
            }
            error.exit_code()
        }
    }
}

async fn dispatch(cli: &Cli, output: &Output) -> Result<(), CommandError> {
    let context = Context::new(&cli.global)?;
    let global = &cli.global;
    match &cli.command {
        Command::Login(args) => login::login(&context, global, args, output).await,
        Command::Logout => login::logout(&context, output).await,
        Command::Entities(args) => entities::entities(&context, global, args, output).await,
        Command::Upload(args) => upload::upload(&context, global, args, output).await,
        Command::Resume(args) => upload::resume(&context, global, args, output).await,
        Command::Ls(args) => gallery::ls(&context, global, args, output).await,
        Command::Get(args) => gallery::get(&context, global, args, output).await,
        Command::Prepare(_) | Command::Predict(_) => Ok(()),
    }
}

//! `pers-assets`: the PERS asset manager's command line.
//!
//! `pers-assets prepare IN -o OUT` runs the upload pipeline of `pers-imaging` on one file.
//! On failure it prints the reason to stderr and exits with status 1. Invalid arguments exit
//! with status 2.

mod args;
mod prepare;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PERS_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();

    let cli = Cli::parse();
    let result = match cli.command {
        Command::Prepare(options) => prepare::run(&options),
        Command::Predict(options) => prepare::predict(&options),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("pers-assets: {error}");
            ExitCode::FAILURE
        }
    }
}

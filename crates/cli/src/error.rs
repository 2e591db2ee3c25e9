//! Failures of the network commands and the exit status each one gives.

use std::path::PathBuf;
use std::process::ExitCode;

use pers_library::{BusinessOption, ErrorCode, LibraryError};

/// Exit status of a run that succeeded.
pub(crate) const EXIT_OK: u8 = 0;
/// Exit status of a failure that no other status describes: a server error, a rejected
/// request, a local disk or database failure.
pub(crate) const EXIT_FAILED: u8 = 1;
/// Exit status of an invalid argument or input, the same status clap uses for its own checks.
pub(crate) const EXIT_USAGE: u8 = 2;
/// Exit status when no session is saved, the credentials were rejected, the session expired,
/// a business must be picked, or the session store is not available.
pub(crate) const EXIT_AUTH: u8 = 3;
/// Exit status of an upload in which at least one file failed; the other files are stored.
pub(crate) const EXIT_PARTIAL: u8 = 4;
/// Exit status when the API or storage could not be reached or the connection failed.
pub(crate) const EXIT_NETWORK: u8 = 5;
/// Exit status of an upload stopped with Ctrl-C, 128 plus the number of SIGINT, as shells use.
pub(crate) const EXIT_INTERRUPTED: u8 = 130;

/// A failed network command, printed as one line on stderr.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CommandError {
    /// An argument or its combination with others is not valid.
    #[error("{0}")]
    Usage(String),

    /// The core failed.
    #[error("{0}")]
    Library(#[from] LibraryError),

    /// The account belongs to several businesses and none was given.
    #[error(
        "this account belongs to {} businesses: pick one with --business ID (listed above)",
        options.len()
    )]
    BusinessRequired {
        /// The businesses to choose from.
        options: Vec<BusinessOption>,
    },

    /// There is no saved session.
    #[error("not signed in: run `pers-assets login` first")]
    NoSession,

    /// The saved session is for another API than `--env`.
    #[error(
        "the saved session is for {saved}, not {requested}: run `pers-assets login --env \
         {requested}` to sign in there"
    )]
    OtherEnvironment {
        /// The saved session's base URL.
        saved: String,
        /// The `--env` given.
        requested: String,
    },

    /// The session store could not be used.
    #[error("{0}")]
    SessionStore(String),

    /// The session expired during an upload and the upload was stopped.
    #[error(
        "the session expired during the upload: run `pers-assets login` again, then repeat the \
         upload (files already stored are skipped)"
    )]
    SessionExpired,

    /// Some files of an upload failed.
    #[error("{failed} of {total} files failed (listed above); repeat the upload to retry them")]
    PartialUpload {
        /// Files that failed.
        failed: u32,
        /// Files in the upload.
        total: u32,
    },

    /// Every file of an upload that failed did so because the API or storage could not be
    /// reached. The other files are stored.
    #[error(
        "{failed} of {total} files failed because the API or storage could not be reached \
         (listed above): check that the server runs and the network is up, then repeat the \
         upload (files already stored are skipped)"
    )]
    Unreachable {
        /// Files that failed.
        failed: u32,
        /// Files in the upload.
        total: u32,
    },

    /// Ctrl-C stopped the upload, and the files not yet stored were cancelled.
    #[error(
        "interrupted: {cancelled} of {total} files were cancelled and not stored; repeat the \
         upload to send them (files already stored are skipped)"
    )]
    Interrupted {
        /// Files cancelled.
        cancelled: u32,
        /// Files in the upload.
        total: u32,
    },

    /// A local file could not be written.
    #[error("{}: writing failed: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

impl CommandError {
    /// Returns the exit status of this failure.
    pub(crate) fn exit_status(&self) -> u8 {
        match self {
            CommandError::Usage(_) | CommandError::OtherEnvironment { .. } => EXIT_USAGE,
            CommandError::Library(error) => library_status(error),
            CommandError::BusinessRequired { .. }
            | CommandError::NoSession
            | CommandError::SessionStore(_)
            | CommandError::SessionExpired => EXIT_AUTH,
            CommandError::PartialUpload { .. } => EXIT_PARTIAL,
            CommandError::Unreachable { .. } => EXIT_NETWORK,
            CommandError::Interrupted { .. } => EXIT_INTERRUPTED,
            CommandError::Write { .. } => EXIT_FAILED,
        }
    }

    /// Returns the code that `--json` output names, as the core's [`ErrorCode`] spells them
    /// where one applies.
    pub(crate) fn code(&self) -> &'static str {
        match self {
            CommandError::Usage(_) | CommandError::OtherEnvironment { .. } => "USAGE",
            CommandError::Library(error) => library_code(error.code()),
            CommandError::BusinessRequired { .. } => "BUSINESS_SELECTION_REQUIRED",
            CommandError::NoSession | CommandError::SessionExpired => "NOT_SIGNED_IN",
            CommandError::SessionStore(_) => "SESSION_STORE",
            CommandError::PartialUpload { .. } => "PARTIAL_UPLOAD",
            CommandError::Unreachable { .. } => "NETWORK",
            CommandError::Interrupted { .. } => "CANCELLED",
            CommandError::Write { .. } => "INTERNAL",
        }
    }

    /// Returns the exit code for the process.
    pub(crate) fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.exit_status())
    }
}

fn library_status(error: &LibraryError) -> u8 {
    match error.code() {
        ErrorCode::NotSignedIn
        | ErrorCode::InvalidCredentials
        | ErrorCode::BusinessSelectionRequired => EXIT_AUTH,
        ErrorCode::Network => EXIT_NETWORK,
        ErrorCode::InvalidInput => EXIT_USAGE,
        ErrorCode::Server | ErrorCode::Rejected | ErrorCode::Cancelled | ErrorCode::Internal => {
            EXIT_FAILED
        }
    }
}

fn library_code(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::NotSignedIn => "NOT_SIGNED_IN",
        ErrorCode::InvalidCredentials => "INVALID_CREDENTIALS",
        ErrorCode::BusinessSelectionRequired => "BUSINESS_SELECTION_REQUIRED",
        ErrorCode::Network => "NETWORK",
        ErrorCode::Server => "SERVER",
        ErrorCode::Rejected => "REJECTED",
        ErrorCode::InvalidInput => "INVALID_INPUT",
        ErrorCode::Cancelled => "CANCELLED",
        ErrorCode::Internal => "INTERNAL",
    }
}

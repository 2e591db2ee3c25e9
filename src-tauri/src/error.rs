//! The error every command returns, serialised for the front end as `{code, message}`.

use std::path::PathBuf;

use pers_library::{ErrorCode, LibraryError};
use serde::ser::{Serialize, SerializeStruct, Serializer};

/// A failed command. The front end reads `code` to decide what to do and shows `message`.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// The core failed; its code and message pass through unchanged.
    #[error(transparent)]
    Library(#[from] LibraryError),

    /// The embedded sandbox failed to start or has stopped, so the sandbox environment is
    /// unavailable for this run of the app.
    #[error(
        "the local sandbox is not running ({reason}); restart the app, or sign in to another \
         environment"
    )]
    SandboxUnavailable {
        /// The sandbox's own error message.
        reason: String,
    },

    /// The task running a command panicked or was cancelled, which is a bug.
    #[error("{command} failed unexpectedly ({reason}); try again, or restart the app")]
    TaskFailed {
        /// The command's name.
        command: &'static str,
        /// The panic message or cancellation.
        reason: String,
    },

    /// A chosen file's path is not valid UTF-8, so it cannot be passed to the front end.
    #[error("the path {} is not valid UTF-8; rename the file or its folder and try again", path.display())]
    NonUtf8Path {
        /// The path, as the file dialog returned it.
        path: PathBuf,
    },
}

/// Codes that only the shell produces, next to the core's [`ErrorCode`].
#[derive(Clone, Copy, Debug, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
enum ShellErrorCode {
    /// The front end then offers the other environments instead of the sandbox.
    SandboxUnavailable,
}

#[derive(serde::Serialize)]
#[serde(untagged)]
enum Code {
    Library(ErrorCode),
    Shell(ShellErrorCode),
}

impl CommandError {
    fn code(&self) -> Code {
        match self {
            CommandError::Library(error) => Code::Library(error.code()),
            CommandError::SandboxUnavailable { .. } => {
                Code::Shell(ShellErrorCode::SandboxUnavailable)
            }
            CommandError::NonUtf8Path { .. } => Code::Library(ErrorCode::InvalidInput),
            CommandError::TaskFailed { .. } => Code::Library(ErrorCode::Internal),
        }
    }
}

impl Serialize for CommandError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut state = serializer.serialize_struct("CommandError", 2)?;
        state.serialize_field("code", &self.code())?;
        state.serialize_field("message", &sentence(&self.to_string()))?;
        state.end()
    }
}

/// Capitalises the first letter, because the core writes messages in lower case for chaining.
fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn serializes_code_and_sentence() {
        let error = CommandError::from(LibraryError::NotSignedIn);

        let value = serde_json::to_value(&error).unwrap();

        assert_eq!(value["code"], "NOT_SIGNED_IN");
        assert_eq!(value["message"], "Not signed in: sign in first");
    }

    #[test]
    fn sandbox_failure_has_its_own_code() {
        let error = CommandError::SandboxUnavailable {
            reason: "port in use".into(),
        };

        let value = serde_json::to_value(&error).unwrap();

        assert_eq!(value["code"], "SANDBOX_UNAVAILABLE");
        assert!(value["message"].as_str().unwrap().contains("port in use"));
    }

    #[test]
    fn non_utf8_path_is_invalid_input() {
        let error = CommandError::NonUtf8Path {
            path: PathBuf::from("/tmp/x"),
        };

        assert_eq!(
            serde_json::to_value(&error).unwrap()["code"],
            "INVALID_INPUT"
        );
    }
}

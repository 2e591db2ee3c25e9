//! The error every command returns, serialised for the front end as `{code, message}`, plus
//! `businesses` when the code is `BUSINESS_SELECTION_REQUIRED`.

use std::path::PathBuf;

use pers_library::{BusinessOption, ErrorCode, LibraryError};
use serde::ser::{Serialize, SerializeStruct, Serializer};

use crate::keychain::KeychainError;

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

    /// The OS keychain failed while the saved session was read.
    #[error(transparent)]
    Keychain(#[from] KeychainError),

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
    /// The front end shows the sign-in screen with the message.
    KeychainFailed,
}

/// A business the account may act for, as the sign-in screen's business picker lists it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BusinessChoice {
    /// The id to send back as `SignInRequest.business_id`.
    pub business_id: String,
    /// The business's public name, when the server sent one.
    pub display_name: Option<String>,
    /// The account's role there (`OWNER`, `ADMIN`, `EDITOR`, `VIEWER`), when the server sent one.
    pub role: Option<String>,
}

impl From<&BusinessOption> for BusinessChoice {
    fn from(option: &BusinessOption) -> Self {
        BusinessChoice {
            business_id: option.business_id.clone(),
            display_name: option.display_name.clone(),
            role: option.role.clone(),
        }
    }
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
            CommandError::Keychain(_) => Code::Shell(ShellErrorCode::KeychainFailed),
            CommandError::NonUtf8Path { .. } => Code::Library(ErrorCode::InvalidInput),
            CommandError::TaskFailed { .. } => Code::Library(ErrorCode::Internal),
        }
    }

    /// Returns the businesses to choose from when the code is `BUSINESS_SELECTION_REQUIRED`
    /// (empty when the server listed none), and `None` for every other error.
    pub fn business_choices(&self) -> Option<Vec<BusinessChoice>> {
        let CommandError::Library(error) = self else {
            return None;
        };
        if error.code() != ErrorCode::BusinessSelectionRequired {
            return None;
        }
        let options = error.business_options().unwrap_or_default();
        Some(options.iter().map(BusinessChoice::from).collect())
    }
}

impl Serialize for CommandError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let businesses = self.business_choices();
        let fields = if businesses.is_some() { 3 } else { 2 };
        let mut state = serializer.serialize_struct("CommandError", fields)?;
        state.serialize_field("code", &self.code())?;
        state.serialize_field("message", &sentence(&self.to_string()))?;
        if let Some(businesses) = businesses {
            state.serialize_field("businesses", &businesses)?;
        }
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
        assert!(
            value.get("businesses").is_none(),
            "only a business selection lists businesses: {value}"
        );
    }

    #[test]
    fn business_choice_serializes_camel_case() {
        let option = BusinessOption {
            business_id: "b-1".into(),
            display_name: Some("Harbour Roasters".into()),
            role: None,
        };

        let value = serde_json::to_value(BusinessChoice::from(&option)).unwrap();

        assert_eq!(
            value,
            serde_json::json!({ "businessId": "b-1", "displayName": "Harbour Roasters", "role": null })
        );
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
    fn keychain_failure_has_its_own_code() {
        let error = CommandError::from(KeychainError::Failed {
            action: "read",
            reason: "locked".into(),
        });

        let value = serde_json::to_value(&error).unwrap();

        assert_eq!(value["code"], "KEYCHAIN_FAILED");
        assert_eq!(
            value["message"],
            "The OS keychain failed to read the saved session (locked)"
        );
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

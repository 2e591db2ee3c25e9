//! Errors of the application core, and the codes the front ends act on.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// The kinds of failure a front end treats differently.
///
/// A variant exists only when some front end acts on it; everything else is
/// told apart by its message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    /// No session: the user must sign in first.
    NotSignedIn,
    /// The identity provider or PERS rejected the credentials.
    InvalidCredentials,
    /// The account belongs to several businesses: pick one of
    /// [`LibraryError::business_options`] and sign in again with it.
    BusinessSelectionRequired,
    /// The server could not be reached or the connection failed.
    Network,
    /// The server returned an error that is not the user's fault.
    Server,
    /// The server refused the request (permissions, validation).
    Rejected,
    /// The input (a file, a field) is not acceptable.
    InvalidInput,
    /// The user cancelled the file or its batch.
    Cancelled,
    /// A bug or an unexpected local failure (disk, database).
    Internal,
}

/// Errors returned by [`crate::Library`].
#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    /// An operation needs a session and there is none.
    #[error("not signed in: sign in first")]
    NotSignedIn,

    /// A call to the PERS API or the identity provider failed.
    #[error("{context}: {source}")]
    Api {
        /// The operation that failed, for example "listing campaigns".
        context: String,
        /// The underlying API error, boxed because it is large.
        #[source]
        source: Box<pers_api::ApiError>,
    },

    /// A transfer to or from the storage host failed.
    #[error("{context}: {source}")]
    Transfer {
        /// The operation that failed, for example "uploading logo.png".
        context: String,
        /// The underlying transfer error, boxed because it is large.
        #[source]
        source: Box<pers_transfer::TransferError>,
    },

    /// An image could not be prepared.
    #[error("{name}: {source}")]
    Imaging {
        /// The file's name as the user knows it.
        name: String,
        /// The underlying imaging error.
        #[source]
        source: pers_imaging::ImagingError,
    },

    /// A local file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file that failed.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },

    /// The local catalog database failed.
    #[error("the local catalog failed while {context}: {source}")]
    Catalog {
        /// The catalog operation that failed.
        context: &'static str,
        /// The underlying SQLite error.
        #[source]
        source: rusqlite::Error,
    },

    /// The shared manifest on the server is not valid JSON of the expected shape.
    #[error(
        "the shared asset manifest of {entity} is not valid ({reason}); \
         the gallery shows the local catalog instead"
    )]
    InvalidManifest {
        /// The entity, as `type/id`.
        entity: String,
        /// What is wrong with it.
        reason: String,
    },

    /// The shared manifest did not keep this upload after several attempts.
    #[error(
        "could not record {file_name} in the shared manifest of {entity} after {attempts} attempts: \
         another upload kept overwriting it; retry the file"
    )]
    ManifestConflict {
        /// The entity, as `type/id`.
        entity: String,
        /// The derived file name that was not kept.
        file_name: String,
        /// How many read-merge-write rounds were tried.
        attempts: u32,
    },

    /// The stored object, read back after the upload, does not match what was sent.
    #[error(
        "{file_name} was not stored as sent (expected {expected}, storage returned {actual}); \
         retry the file"
    )]
    VerificationFailed {
        /// The derived file name with extension.
        file_name: String,
        /// Size and SHA-256 of the bytes sent.
        expected: String,
        /// Size and SHA-256 of the bytes read back, or that there was no object.
        actual: String,
    },

    /// The user cancelled the file or its batch before it was recorded.
    #[error("{name}: cancelled before it was stored; add it again to upload it")]
    Cancelled {
        /// The file's name as the user knows it.
        name: String,
    },

    /// The request is not valid, for example an entity type the app cannot list yet.
    #[error("{0}")]
    InvalidRequest(String),
}

impl LibraryError {
    /// Returns the code a front end uses to decide how to show this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            LibraryError::NotSignedIn => ErrorCode::NotSignedIn,
            LibraryError::Api { source, .. } => api_code(source),
            LibraryError::Transfer { source, .. } => transfer_code(source),
            LibraryError::Imaging { .. } | LibraryError::InvalidRequest(_) => {
                ErrorCode::InvalidInput
            }
            LibraryError::Io { .. } => ErrorCode::InvalidInput,
            LibraryError::Catalog { .. } => ErrorCode::Internal,
            LibraryError::Cancelled { .. } => ErrorCode::Cancelled,
            LibraryError::InvalidManifest { .. }
            | LibraryError::ManifestConflict { .. }
            | LibraryError::VerificationFailed { .. } => ErrorCode::Server,
        }
    }

    /// Returns the businesses to choose from when the sign-in needs a business picked.
    pub fn business_options(&self) -> Option<&[pers_api::BusinessOption]> {
        match self {
            LibraryError::Api { source, .. } => match source.as_ref() {
                pers_api::ApiError::MultipleContextSelectionRequired { options, .. } => {
                    Some(options)
                }
                _ => None,
            },
            _ => None,
        }
    }

    /// Tells whether the API returned 404 for a request about an entity, as it does for a
    /// request for a signed URL of an entity that does not exist or that the session may not see.
    // NOTE: any 404 of the API counts, so a base URL that reaches no PERS route reads as a
    // missing entity too; the message repeats the API's own detail.
    pub fn is_missing_entity(&self) -> bool {
        match self {
            LibraryError::Api { source, .. } => source.status() == Some(404),
            _ => false,
        }
    }

    /// Tells whether the error is the API's 403 to a request for an entity's signed URL: the
    /// session may see the entity but not manage its files.
    pub fn is_entity_access_denied(&self) -> bool {
        match self {
            LibraryError::Api { source, .. } => source.status() == Some(403),
            _ => false,
        }
    }

    /// Tells whether trying the same operation again may succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            LibraryError::Api { source, .. } => {
                matches!(api_code(source), ErrorCode::Network | ErrorCode::Server)
            }
            LibraryError::Transfer { source, .. } => source.is_retryable(),
            LibraryError::ManifestConflict { .. }
            | LibraryError::VerificationFailed { .. }
            | LibraryError::Cancelled { .. } => true,
            _ => false,
        }
    }

    pub(crate) fn api(context: impl Into<String>, source: pers_api::ApiError) -> Self {
        LibraryError::Api {
            context: context.into(),
            source: Box::new(source),
        }
    }

    pub(crate) fn transfer(
        context: impl Into<String>,
        source: pers_transfer::TransferError,
    ) -> Self {
        LibraryError::Transfer {
            context: context.into(),
            source: Box::new(source),
        }
    }

    pub(crate) fn catalog(context: &'static str) -> impl FnOnce(rusqlite::Error) -> Self {
        move |source| LibraryError::Catalog { context, source }
    }
}

fn api_code(error: &pers_api::ApiError) -> ErrorCode {
    use pers_api::ApiError;
    match error {
        ApiError::InvalidCredentials => ErrorCode::InvalidCredentials,
        ApiError::Transport { .. } => ErrorCode::Network,
        ApiError::InvalidBaseUrl { .. } => ErrorCode::InvalidInput,
        ApiError::MultipleContextSelectionRequired { .. } => ErrorCode::BusinessSelectionRequired,
        ApiError::Problem { status, .. } | ApiError::UnexpectedResponse { status, .. } => {
            status_code(*status)
        }
    }
}

fn transfer_code(error: &pers_transfer::TransferError) -> ErrorCode {
    use pers_transfer::TransferError;
    match error {
        TransferError::Transport { .. } => ErrorCode::Network,
        TransferError::Rejected { status, .. } => status_code(*status),
        TransferError::NotFound { .. } | TransferError::TooLarge { .. } => ErrorCode::Rejected,
        TransferError::InvalidUrl { .. } | TransferError::InvalidResponse { .. } => {
            ErrorCode::Server
        }
        TransferError::Io { .. } => ErrorCode::InvalidInput,
    }
}

fn status_code(status: u16) -> ErrorCode {
    match status {
        401 => ErrorCode::NotSignedIn,
        400..=499 if status != 408 && status != 429 => ErrorCode::Rejected,
        _ => ErrorCode::Server,
    }
}

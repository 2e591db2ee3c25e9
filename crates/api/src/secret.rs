//! A string that must never appear in logs, `Debug` output or error messages.

use std::fmt;

use serde::Deserialize;

/// A secret value such as an access token, a refresh token, a password or a project key.
///
/// `Debug` prints `Secret(<redacted>)`, and the type implements neither `Display` nor
/// `Serialize`, so the value leaves the process only where code calls [`Secret::expose`].
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps `value`.
    pub fn new(value: String) -> Self {
        Self(value)
    }

    /// Returns the secret value, for the one place that has to send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

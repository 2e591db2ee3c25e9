//! Settings read from the environment at start, so tests and e2e runs can redirect the app.

use std::ffi::OsString;
use std::path::PathBuf;

use crate::keychain::Keychain;

/// Overrides the data dir (library, sandbox and logs) when set.
pub const DATA_DIR_VAR: &str = "PERS_ASSET_MANAGER_DATA_DIR";

/// When set, `pick_files` returns these paths, separated like `PATH` (`:` on Unix, `;` on
/// Windows), instead of opening the file dialog. This is the scripted file picker of e2e tests.
pub const PICK_FILES_VAR: &str = "PERS_ASSET_MANAGER_PICK_FILES";

/// How many files are prepared at once, when set (1 to [`MAX_CONCURRENCY`]); default: the
/// number of cores.
pub const PREPARE_CONCURRENCY_VAR: &str = "PERS_ASSET_MANAGER_PREPARE_CONCURRENCY";

/// How many files are uploaded at once, when set (1 to [`MAX_CONCURRENCY`]); default 4.
pub const UPLOAD_CONCURRENCY_VAR: &str = "PERS_ASSET_MANAGER_UPLOAD_CONCURRENCY";

/// Largest accepted value of the two concurrency settings.
pub const MAX_CONCURRENCY: usize = 64;

/// Start-up settings of the shell.
#[derive(Clone, Debug, Default)]
pub struct ShellOptions {
    /// Root of the app's data; `None` uses the platform's app data dir.
    pub data_dir: Option<PathBuf>,
    /// Paths that `pick_files` returns in place of the dialog; `None` opens the dialog.
    pub scripted_pick: Option<Vec<PathBuf>>,
    /// Where "remember me" saves the session; `None` uses the OS keychain, with an account
    /// named after the data dir.
    pub keychain: Option<Keychain>,
    /// Files prepared at once; `None` keeps the library's default.
    pub prepare_concurrency: Option<usize>,
    /// Files uploaded at once; `None` keeps the library's default.
    pub upload_concurrency: Option<usize>,
    /// Settings that were invalid and replaced by their defaults, as messages, logged once
    /// logging has started.
    pub warnings: Vec<String>,
}

impl ShellOptions {
    /// Reads [`DATA_DIR_VAR`], [`PICK_FILES_VAR`] and the two concurrency variables. Empty
    /// values count as unset. An invalid concurrency is reported on standard error with the
    /// value and kept in [`ShellOptions::warnings`] for the log, and the default is used.
    pub fn from_env() -> Self {
        let mut warnings = Vec::new();
        let prepare_concurrency = concurrency_from_env(PREPARE_CONCURRENCY_VAR, &mut warnings);
        let upload_concurrency = concurrency_from_env(UPLOAD_CONCURRENCY_VAR, &mut warnings);
        ShellOptions {
            data_dir: non_empty(std::env::var_os(DATA_DIR_VAR)).map(PathBuf::from),
            scripted_pick: non_empty(std::env::var_os(PICK_FILES_VAR))
                .map(|value| std::env::split_paths(&value).collect()),
            keychain: None,
            prepare_concurrency,
            upload_concurrency,
            warnings,
        }
    }
}

fn concurrency_from_env(name: &str, warnings: &mut Vec<String>) -> Option<usize> {
    let value = non_empty(std::env::var_os(name))?;
    match parse_concurrency(&value.to_string_lossy()) {
        Ok(count) => Some(count),
        Err(message) => {
            let warning = format!("{name}: {message}; using the default");
            eprintln!("PERS Asset Manager: {warning}");
            warnings.push(warning);
            None
        }
    }
}

/// Parses a concurrency setting: a whole number from 1 to [`MAX_CONCURRENCY`].
pub fn parse_concurrency(value: &str) -> Result<usize, String> {
    match value.trim().parse::<usize>() {
        Ok(count) if (1..=MAX_CONCURRENCY).contains(&count) => Ok(count),
        _ => Err(format!(
            "invalid value {value:?}: set a whole number from 1 to {MAX_CONCURRENCY}"
        )),
    }
}

fn non_empty(value: Option<OsString>) -> Option<OsString> {
    value.filter(|value| !value.is_empty())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn concurrency_accepts_range() {
        assert_eq!(parse_concurrency("1"), Ok(1));
        assert_eq!(parse_concurrency(" 8 "), Ok(8));
        assert_eq!(parse_concurrency("64"), Ok(MAX_CONCURRENCY));
    }

    #[test]
    fn concurrency_rejects_others() {
        for value in ["0", "65", "-1", "two", "1.5", ""] {
            let message = parse_concurrency(value).unwrap_err();
            assert!(message.contains(&format!("{value:?}")), "{message}");
            assert!(message.contains("1 to 64"), "{message}");
        }
    }
}

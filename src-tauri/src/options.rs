//! Settings read from the environment at start, so tests and e2e runs can redirect the app.

use std::ffi::OsString;
use std::path::PathBuf;

use crate::keychain::Keychain;

/// Overrides the data dir (library, sandbox and logs) when set.
pub const DATA_DIR_VAR: &str = "PERS_ASSET_MANAGER_DATA_DIR";

/// When set, `pick_files` returns these paths, separated like `PATH` (`:` on Unix, `;` on
/// Windows), instead of opening the file dialog. This is the scripted file picker of e2e tests.
pub const PICK_FILES_VAR: &str = "PERS_ASSET_MANAGER_PICK_FILES";

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
}

impl ShellOptions {
    /// Reads [`DATA_DIR_VAR`] and [`PICK_FILES_VAR`]. Empty values count as unset.
    pub fn from_env() -> Self {
        ShellOptions {
            data_dir: non_empty(std::env::var_os(DATA_DIR_VAR)).map(PathBuf::from),
            scripted_pick: non_empty(std::env::var_os(PICK_FILES_VAR))
                .map(|value| std::env::split_paths(&value).collect()),
            keychain: None,
        }
    }
}

fn non_empty(value: Option<OsString>) -> Option<OsString> {
    value.filter(|value| !value.is_empty())
}

//! JSON files in the data dir: read when present, otherwise generated and written once.

use std::fs;
use std::io::Write;
use std::path::Path;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::SandboxError;

/// Permissions of a written file.
#[derive(Clone, Copy)]
pub(crate) enum FileMode {
    /// The default permissions of the process.
    Default,
    /// Readable and writable by the owner only (0600 on Unix; the default elsewhere).
    OwnerOnly,
}

/// Reads the JSON file at `path`, or writes `generate()` there when the file does not exist.
///
/// Fails when the file exists but is not valid JSON for `T`, or when it cannot be written.
pub(crate) fn load_or_create<T, F>(
    path: &Path,
    mode: FileMode,
    generate: F,
) -> Result<T, SandboxError>
where
    T: Serialize + DeserializeOwned,
    F: FnOnce() -> T,
{
    match fs::read(path) {
        Ok(bytes) => {
            serde_json::from_slice(&bytes).map_err(|source| SandboxError::InvalidDataFile {
                path: path.to_path_buf(),
                source,
            })
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let value = generate();
            write_json(path, &value, mode)?;
            tracing::info!(path = %path.display(), "created data file");
            Ok(value)
        }
        Err(source) => Err(SandboxError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Writes `value` as pretty JSON to a temporary file beside `path`, then renames it into place so
/// a crash never leaves a half-written file.
pub(crate) fn write_json<T: Serialize>(
    path: &Path,
    value: &T,
    mode: FileMode,
) -> Result<(), SandboxError> {
    let io_error = |source| SandboxError::Io {
        path: path.to_path_buf(),
        source,
    };
    let bytes =
        serde_json::to_vec_pretty(value).map_err(|source| SandboxError::InvalidDataFile {
            path: path.to_path_buf(),
            source,
        })?;

    let temporary = path.with_extension("json.tmp");
    let mut file = open_for_write(&temporary, mode).map_err(io_error)?;
    file.write_all(&bytes).map_err(io_error)?;
    file.sync_all().map_err(io_error)?;
    drop(file);

    fs::rename(&temporary, path).map_err(io_error)
}

fn open_for_write(path: &Path, mode: FileMode) -> std::io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);

    #[cfg(unix)]
    if let FileMode::OwnerOnly = mode {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = mode;

    options.open(path)
}

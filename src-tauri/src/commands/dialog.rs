//! The native file dialog, with a scripted replacement for e2e tests.

use std::path::PathBuf;

use tauri::State;

use crate::error::CommandError;
use crate::state::AppState;

/// Extensions of the formats the core accepts, offered as the dialog's default filter: the
/// images it decodes, and PDF documents, which it uploads unchanged.
const IMAGE_EXTENSIONS: &[&str] = &[
    "jpg", "jpeg", "png", "webp", "gif", "bmp", "tif", "tiff", "ico", "heic", "heif", "avif",
    "svg", "pdf",
];

/// Returns each of [`IMAGE_EXTENSIONS`] in lower and upper case. GTK 3 matches filter patterns
/// case-sensitively, and cameras and phones name files `IMG_0001.JPG` or `IMG_0001.HEIC`.
fn filter_extensions() -> Vec<String> {
    IMAGE_EXTENSIONS
        .iter()
        .flat_map(|extension| [extension.to_string(), extension.to_uppercase()])
        .collect()
}

/// Lets the user choose files and returns their paths; empty when the dialog is cancelled.
///
/// When `PERS_ASSET_MANAGER_PICK_FILES` was set at start, returns those paths without a dialog.
/// Fails with `INVALID_INPUT` when a chosen path is not valid UTF-8.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn pick_files(state: State<'_, AppState>) -> Result<Vec<String>, CommandError> {
    let paths = match &state.options.scripted_pick {
        Some(paths) => paths.clone(),
        None => open_dialog().await,
    };
    tracing::info!(files = paths.len(), "files picked");
    paths.into_iter().map(path_to_string).collect()
}

async fn open_dialog() -> Vec<PathBuf> {
    let handles = rfd::AsyncFileDialog::new()
        .set_title("Add images")
        .add_filter("Images and PDF documents", &filter_extensions())
        .add_filter("All files", &["*"])
        .pick_files()
        .await;
    handles
        .unwrap_or_default()
        .into_iter()
        .map(|handle| handle.path().to_path_buf())
        .collect()
}

fn path_to_string(path: PathBuf) -> Result<String, CommandError> {
    path.into_os_string()
        .into_string()
        .map_err(|raw| CommandError::NonUtf8Path {
            path: PathBuf::from(raw),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_has_both_cases() {
        let extensions = filter_extensions();
        assert!(extensions.iter().any(|extension| extension == "heic"));
        assert!(extensions.iter().any(|extension| extension == "HEIC"));
        assert!(extensions.iter().any(|extension| extension == "JPG"));
        assert_eq!(extensions.len(), IMAGE_EXTENSIONS.len() * 2);
    }
}

//! Upload jobs, with progress sent over a per-job channel.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use pers_library::{EntityRef, JobId, ProgressSink, UploadEvent};
use tauri::State;
use tauri::ipc::Channel;

use crate::error::CommandError;
use crate::state::AppState;

/// Starts uploading `paths` to `entity` and returns the job id at once; every progress event of
/// the job goes to `on_event`. Fails only when no user is signed in, because each file's own
/// failure arrives as a `fileFailed` event.
#[tauri::command]
#[tracing::instrument(skip(state, paths, on_event), fields(files = paths.len()), err)]
pub async fn start_upload(
    state: State<'_, AppState>,
    entity: EntityRef,
    paths: Vec<String>,
    on_event: Channel<UploadEvent>,
) -> Result<JobId, CommandError> {
    let paths = paths.into_iter().map(PathBuf::from).collect();
    Ok(state
        .library
        .start_upload(entity, paths, channel_sink(on_event))?)
}

/// Wraps `channel` as the core's progress sink. A send that fails (the window was closed or
/// reloaded) is logged once per job, and the job goes on.
fn channel_sink(channel: Channel<UploadEvent>) -> ProgressSink {
    let warned = AtomicBool::new(false);
    Arc::new(move |event| {
        if let Err(error) = channel.send(event)
            && !warned.swap(true, Ordering::Relaxed)
        {
            tracing::warn!(%error, "upload progress could not reach the window");
        }
    })
}

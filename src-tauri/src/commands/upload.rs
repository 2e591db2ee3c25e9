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

/// Resumes the signed-in environment's unfinished jobs from the journal (those a crash or a
/// quit interrupted) and returns their ids. The events of all of them go to `on_event`, each
/// job starting with a `started` event that names its entity. A job already running is left
/// as it is. Fails when no user is signed in or the journal cannot be read.
#[tauri::command]
#[tracing::instrument(skip(state, on_event), err)]
pub async fn resume_jobs(
    state: State<'_, AppState>,
    on_event: Channel<UploadEvent>,
) -> Result<Vec<JobId>, CommandError> {
    Ok(state.library.resume_jobs(channel_sink(on_event))?)
}

/// Pauses a running job: no new step starts and steps in flight finish.
#[tauri::command]
#[tracing::instrument(skip(state), err)]
pub fn pause_job(state: State<'_, AppState>, job_id: JobId) -> Result<(), CommandError> {
    Ok(state.library.pause_job(job_id)?)
}

/// Resumes a paused job.
#[tauri::command]
#[tracing::instrument(skip(state), err)]
pub fn resume_job(state: State<'_, AppState>, job_id: JobId) -> Result<(), CommandError> {
    Ok(state.library.resume_job(job_id)?)
}

/// Cancels every file of a job that is not yet being recorded; each reports `fileFailed` with
/// the code `CANCELLED`.
#[tauri::command]
#[tracing::instrument(skip(state), err)]
pub fn cancel_job(state: State<'_, AppState>, job_id: JobId) -> Result<(), CommandError> {
    Ok(state.library.cancel_job(job_id)?)
}

/// Cancels one file of a job, unless it is already being recorded.
#[tauri::command]
#[tracing::instrument(skip(state), err)]
pub fn cancel_file(
    state: State<'_, AppState>,
    job_id: JobId,
    file_id: u32,
) -> Result<(), CommandError> {
    Ok(state.library.cancel_file(job_id, file_id)?)
}

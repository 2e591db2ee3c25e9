//! The `upload` and `resume` commands.

use std::collections::HashSet;
use std::io::IsTerminal;
use std::sync::Arc;

use pers_library::{JobId, Library, ProgressSink, RememberedSession, UploadEvent};
use tokio::sync::mpsc::UnboundedReceiver;

use crate::args::{GlobalArgs, PresetArgs, ResumeArgs, UploadArgs};
use crate::connect::Context;
use crate::entities::{entity_error, parse_entity};
use crate::error::CommandError;
use crate::output::Output;
use crate::progress::Progress;

/// Uploads the files to the entity and waits until every file is stored or failed.
///
/// Ctrl-C cancels the files not yet being recorded. An expired session cancels the upload
/// too, because no sign-in can happen during the command. Fails with
/// [`CommandError::PartialUpload`] when any file failed.
pub(crate) async fn upload(
    context: &Context,
    global: &GlobalArgs,
    args: &UploadArgs,
    output: &Output,
) -> Result<(), CommandError> {
    let entity = parse_entity(&args.entity)?;
    check_files(args)?;
    let (library, mut remembered) =
        signed_in(context, global, args.concurrency, &args.preset).await?;
    library
        .check_entity(&entity)
        .await
        .map_err(|error| entity_error(&entity, error))?;
    warn_of_unfinished(&library);
    let (sink, receiver) = event_channel();
    let job_id = library.start_upload(entity, args.files.clone(), sink)?;
    let mut progress = Progress::new(*output, std::io::stderr().is_terminal());
    let ending = follow_jobs(&library, &[job_id], receiver, &mut progress).await;
    context.save_refreshed(&library, &mut remembered).await?;
    outcome(ending, &progress)
}

/// Resumes the uploads that earlier commands left unfinished in this data dir, and waits
/// until each of their files is stored or failed. Prints a line and succeeds when there are
/// none. Uploads that another command of the same data dir still runs are left to it. Fails
/// like [`upload`].
pub(crate) async fn resume(
    context: &Context,
    global: &GlobalArgs,
    args: &ResumeArgs,
    output: &Output,
) -> Result<(), CommandError> {
    let (library, mut remembered) =
        signed_in(context, global, args.concurrency, &args.preset).await?;
    let (sink, receiver) = event_channel();
    let job_ids = library.resume_jobs(sink)?;
    if job_ids.is_empty() {
        if !output.json {
            say!("no unfinished uploads in this data dir");
        }
        context.save_refreshed(&library, &mut remembered).await?;
        return Ok(());
    }
    let mut progress = Progress::new(*output, std::io::stderr().is_terminal());
    let ending = follow_jobs(&library, &job_ids, receiver, &mut progress).await;
    context.save_refreshed(&library, &mut remembered).await?;
    outcome(ending, &progress)
}

/// Opens the core with the upload options and resumes the saved session in it.
async fn signed_in(
    context: &Context,
    global: &GlobalArgs,
    concurrency: u16,
    preset: &PresetArgs,
) -> Result<(Library, RememberedSession), CommandError> {
    let preset = preset.to_preset();
    context
        .signed_in_library(global, |config| {
            config.upload_concurrency = usize::from(concurrency);
            config.preset = preset;
        })
        .await
}

/// Tells the user on stderr about uploads that an earlier command left unfinished.
fn warn_of_unfinished(library: &Library) {
    let unfinished = match library.unfinished_jobs() {
        Ok(unfinished) => unfinished,
        Err(error) => {
            tracing::warn!(%error, "the journal could not be read for unfinished uploads");
            return;
        }
    };
    let open_files: usize = unfinished.iter().map(|job| job.open_files).sum();
    if open_files > 0 {
        let files = if open_files == 1 { "file" } else { "files" };
        eprintln!(
            "pers-assets: an earlier upload left {open_files} {files} unfinished; \
             run `pers-assets resume` to finish them"
        );
    }
}

/// Returns a sink for the core's events and the receiver that gets them in order.
fn event_channel() -> (ProgressSink, UnboundedReceiver<UploadEvent>) {
    let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
    let sink: ProgressSink = Arc::new(move |event| {
        let _ = sender.send(event);
    });
    (sink, receiver)
}

/// Maps how the jobs ended and what failed to the command's result.
fn outcome(ending: JobEnding, progress: &Progress) -> Result<(), CommandError> {
    match ending {
        JobEnding::SessionExpired => Err(CommandError::SessionExpired),
        JobEnding::Interrupted if progress.cancelled() > 0 => Err(CommandError::Interrupted {
            cancelled: progress.cancelled(),
            total: progress.files(),
        }),
        JobEnding::Finished | JobEnding::Interrupted
            if progress.failed() > 0 && progress.unreachable() == progress.failed() =>
        {
            Err(CommandError::Unreachable {
                failed: progress.failed(),
                total: progress.files(),
            })
        }
        JobEnding::Finished | JobEnding::Interrupted if progress.failed() > 0 => {
            Err(CommandError::PartialUpload {
                failed: progress.failed(),
                total: progress.files(),
            })
        }
        JobEnding::Finished | JobEnding::Interrupted => Ok(()),
    }
}

/// The end of the event stream of a command's jobs.
enum JobEnding {
    /// Every file ended.
    Finished,
    /// Ctrl-C cancelled the files not yet being recorded, and every file ended.
    Interrupted,
    /// The session expired and the jobs were cancelled.
    SessionExpired,
}

/// Prints the events of `job_ids` until each has sent `Finished`, cancelling them all on
/// Ctrl-C or an expired session.
async fn follow_jobs(
    library: &Library,
    job_ids: &[JobId],
    mut receiver: UnboundedReceiver<UploadEvent>,
    progress: &mut Progress,
) -> JobEnding {
    let mut running: HashSet<JobId> = job_ids.iter().copied().collect();
    let mut expired = false;
    let mut interrupted = false;
    while !running.is_empty() {
        let event = tokio::select! {
            event = receiver.recv() => event,
            _ = tokio::signal::ctrl_c(), if !interrupted => {
                interrupted = true;
                progress.notice("pers-assets: cancelling the upload");
                cancel_all(library, &running);
                continue;
            }
        };
        let Some(event) = event else {
            break;
        };
        progress.handle(&event);
        match event {
            UploadEvent::SessionExpired { .. } if !expired => {
                expired = true;
                cancel_all(library, &running);
            }
            UploadEvent::Finished { job_id, .. } => {
                running.remove(&job_id);
            }
            _ => {}
        }
    }
    if expired {
        JobEnding::SessionExpired
    } else if interrupted {
        JobEnding::Interrupted
    } else {
        JobEnding::Finished
    }
}

fn cancel_all(library: &Library, job_ids: &HashSet<JobId>) {
    for job_id in job_ids {
        cancel(library, *job_id);
    }
}

fn cancel(library: &Library, job_id: JobId) {
    if let Err(error) = library.cancel_job(job_id) {
        tracing::warn!(job = job_id, %error, "the upload job could not be cancelled");
    }
}

/// Rejects paths that are not readable regular files before anything is queued.
fn check_files(args: &UploadArgs) -> Result<(), CommandError> {
    for path in &args.files {
        match std::fs::metadata(path) {
            Ok(metadata) if metadata.is_file() => {}
            Ok(_) => {
                return Err(CommandError::Usage(format!(
                    "{} is not a file: pass the files themselves, for example {}/*.jpg",
                    path.display(),
                    path.display()
                )));
            }
            Err(error) => {
                return Err(CommandError::Usage(format!(
                    "{}: {error}; check the path",
                    path.display()
                )));
            }
        }
    }
    Ok(())
}

//! The `upload` command.

use std::io::IsTerminal;
use std::sync::Arc;

use pers_library::{JobId, Library, ProgressSink, UploadEvent};

use crate::args::{GlobalArgs, UploadArgs};
use crate::connect::Context;
use crate::entities::parse_entity;
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
    let preset = args.preset.to_preset();
    let concurrency = usize::from(args.concurrency);
    let (library, mut remembered) = context
        .signed_in_library(global, |config| {
            config.upload_concurrency = concurrency;
            config.preset = preset;
        })
        .await?;
    let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
    let sink: ProgressSink = Arc::new(move |event| {
        let _ = sender.send(event);
    });
    let job_id = library.start_upload(entity, args.files.clone(), sink)?;
    let live = std::io::stderr().is_terminal();
    let mut progress = Progress::new(*output, live);
    let ending = follow_job(&library, job_id, receiver, &mut progress).await;
    context.save_refreshed(&library, &mut remembered).await?;
    match ending {
        JobEnding::SessionExpired => Err(CommandError::SessionExpired),
        JobEnding::Finished if progress.failed() > 0 => Err(CommandError::PartialUpload {
            failed: progress.failed(),
            total: progress.files(),
        }),
        JobEnding::Finished => Ok(()),
    }
}

/// The end of a job's event stream.
enum JobEnding {
    /// Every file ended.
    Finished,
    /// The session expired and the job was cancelled.
    SessionExpired,
}

/// Prints the job's events until `Finished`, cancelling the job on Ctrl-C or an expired
/// session.
async fn follow_job(
    library: &Library,
    job_id: JobId,
    mut receiver: tokio::sync::mpsc::UnboundedReceiver<UploadEvent>,
    progress: &mut Progress,
) -> JobEnding {
    let mut expired = false;
    let mut interrupted = false;
    loop {
        let event = tokio::select! {
            event = receiver.recv() => event,
            _ = tokio::signal::ctrl_c(), if !interrupted => {
                interrupted = true;
                eprintln!("pers-assets: cancelling the upload");
                cancel(library, job_id);
                continue;
            }
        };
        let Some(event) = event else {
            break;
        };
        progress.handle(&event);
        match event {
            UploadEvent::SessionExpired { .. } => {
                expired = true;
                cancel(library, job_id);
            }
            UploadEvent::Finished { .. } => break,
            _ => {}
        }
    }
    if expired {
        JobEnding::SessionExpired
    } else {
        JobEnding::Finished
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

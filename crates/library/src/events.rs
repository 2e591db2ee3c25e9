//! Progress events of an upload job.
//!
//! One job reports through one stream of events, in order: `Started`, then
//! per file any number of `FileStage`, `FilePrepared` and `FileProgress`,
//! ending in `FileDone` or `FileFailed`, and last `Finished`. A file's one
//! `FilePredicted`, when it has one, comes at any point before `Finished`. Every queued
//! file gets exactly one `FileDone` or `FileFailed`; a cancelled file gets
//! `FileFailed` with [`crate::ErrorCode::Cancelled`]. `SessionExpired`,
//! `SessionResumed`, `Paused` and `Resumed` concern the whole job and may come
//! at any point between `Started` and `Finished`. A resumed job (after a
//! restart) starts again with `Started` and repeats the outcome of files that
//! had already ended.

use std::sync::Arc;

use serde::Serialize;

/// Identifies an upload job within one run of the app.
pub type JobId = u64;

/// Receives a job's events; called from the job's tasks, so it must be quick.
pub type ProgressSink = Arc<dyn Fn(UploadEvent) + Send + Sync>;

/// A stage of one file's way through the pipeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Stage {
    /// Reading, decoding, orienting, resizing and encoding.
    Preparing,
    /// Asking the API for a signed upload URL.
    Signing,
    /// Sending the bytes to storage.
    Uploading,
    /// Checking what storage kept.
    Verifying,
    /// Writing the shared manifest and the local catalog.
    Recording,
}

/// A file as the job queued it.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueuedFile {
    /// The file's index within the job.
    pub file_id: u32,
    /// The file's name, without folders.
    pub name: String,
    /// The full path, for display and for retrying.
    pub path: String,
    /// The size on disk, when it could be read.
    pub size_bytes: Option<u64>,
}

/// The treatment that turned an animated source into the uploaded file. Every frame is kept
/// either way.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Animation {
    /// Every frame was resized to the preset and re-encoded (animated GIF).
    Resized {
        /// Frames in the output, as in the source.
        frames: u32,
    },
    /// The source was uploaded unchanged but for its metadata, so its size does not follow
    /// the preset (animated WebP and APNG).
    PassedThrough {
        /// Frames in the source.
        frames: u32,
    },
}

impl From<pers_imaging::AnimationHandling> for Animation {
    fn from(handling: pers_imaging::AnimationHandling) -> Self {
        match handling {
            pers_imaging::AnimationHandling::Resized { frames } => Animation::Resized { frames },
            pers_imaging::AnimationHandling::PassedThrough { frames } => {
                Animation::PassedThrough { frames }
            }
        }
    }
}

/// One event of an upload job.
#[derive(Clone, Debug, Serialize)]
#[serde(
    tag = "event",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum UploadEvent {
    /// The job accepted its files.
    Started {
        /// The job.
        job_id: JobId,
        /// The entity the job uploads to, so a front end can place a resumed job.
        entity: crate::EntityRef,
        /// Every file, in the order given.
        files: Vec<QueuedFile>,
        /// The sum of the sizes on disk, when every size could be read.
        total_bytes: Option<u64>,
    },
    /// A file entered a stage.
    FileStage {
        /// The job.
        job_id: JobId,
        /// The file.
        file_id: u32,
        /// The stage it entered.
        stage: Stage,
    },
    /// The expected output of a file, from its header, before it is prepared. Comes at most
    /// once per file, at any point after `Started` and before `Finished`, so it may follow the
    /// file's `FilePrepared`, whose figures then win. Files whose output cannot be predicted
    /// (documents, unreadable or refused files) get none.
    FilePredicted {
        /// The job.
        job_id: JobId,
        /// The file.
        file_id: u32,
        /// Width of the output, in pixels; exact unless preparing fails.
        width: u32,
        /// Height of the output, in pixels; exact unless preparing fails.
        height: u32,
        /// Estimated size of the output, in bytes.
        estimated_bytes: u64,
        /// Content type the output is expected to have.
        content_type: String,
    },
    /// A file was prepared; the sizes are those of what will be uploaded.
    FilePrepared {
        /// The job.
        job_id: JobId,
        /// The file.
        file_id: u32,
        /// Size of the prepared output, in bytes.
        output_bytes: u64,
        /// Width of the output, in pixels.
        width: u32,
        /// Height of the output, in pixels.
        height: u32,
        /// Content type of the output.
        content_type: String,
        /// The treatment of an animated source; `None` for still images and documents.
        animation: Option<Animation>,
    },
    /// Bytes of a file were sent.
    FileProgress {
        /// The job.
        job_id: JobId,
        /// The file.
        file_id: u32,
        /// Bytes sent so far; never decreases within one attempt.
        bytes_sent: u64,
        /// Bytes to send in all.
        bytes_total: u64,
    },
    /// A file is stored and recorded.
    FileDone {
        /// The job.
        job_id: JobId,
        /// The file.
        file_id: u32,
        /// The stored name with extension.
        file_name: String,
        /// Set when the same file (same bytes under the same name) was already stored, so
        /// nothing was sent.
        already_uploaded: bool,
        /// Set when the shared manifest lists the file. When unset, the server did not store
        /// the manifest, so only this computer's catalog lists it until a later upload shares it.
        shared: bool,
    },
    /// A file failed; nothing of it is recorded.
    FileFailed {
        /// The job.
        job_id: JobId,
        /// The file.
        file_id: u32,
        /// The error code, as [`crate::ErrorCode`] serialises it.
        code: crate::ErrorCode,
        /// What went wrong and what to do, naming the file.
        message: String,
        /// Set when retrying the file may succeed.
        retryable: bool,
    },
    /// The session ended and could not be refreshed; the job waits, and nothing is dropped,
    /// until the user signs in again to the same environment.
    SessionExpired {
        /// The job.
        job_id: JobId,
    },
    /// A new sign-in ended the wait of [`UploadEvent::SessionExpired`]; the job goes on.
    SessionResumed {
        /// The job.
        job_id: JobId,
    },
    /// The job was paused: no new step starts, and steps in flight finish.
    Paused {
        /// The job.
        job_id: JobId,
    },
    /// The job was resumed after [`UploadEvent::Paused`].
    Resumed {
        /// The job.
        job_id: JobId,
    },
    /// Every file is done or failed.
    Finished {
        /// The job.
        job_id: JobId,
        /// Files stored (including those already stored).
        done: u32,
        /// Files that failed.
        failed: u32,
    },
}

//! The upload's progress: one updating line on a terminal, plain lines when piped, or the
//! core's events as JSON lines with `--json`.

use std::collections::HashMap;
use std::io::Write;
use std::time::{Duration, Instant};

use pers_library::{ErrorCode, JobId, UploadEvent};

use crate::output::{Output, printable};

/// Shortest time between two redraws of the progress line.
const REDRAW_INTERVAL: Duration = Duration::from_millis(100);

/// Prints the events of the command's upload jobs and counts their outcome.
pub(crate) struct Progress {
    output: Output,
    /// Set when the updating line is drawn, which needs stderr to be a terminal.
    live: bool,
    /// Original names by job and file id.
    names: HashMap<(JobId, u32), String>,
    sent: HashMap<(JobId, u32), u64>,
    files: u32,
    done: u32,
    failed: u32,
    /// Files that failed because the API or storage could not be reached.
    unreachable: u32,
    cancelled: u32,
    last_draw: Option<Instant>,
}

impl Progress {
    /// Returns a printer for `output`; `live` draws the updating line on stderr.
    pub(crate) fn new(output: Output, live: bool) -> Progress {
        Progress {
            output,
            live: live && !output.json,
            names: HashMap::new(),
            sent: HashMap::new(),
            files: 0,
            done: 0,
            failed: 0,
            unreachable: 0,
            cancelled: 0,
            last_draw: None,
        }
    }

    /// Prints one event.
    pub(crate) fn handle(&mut self, event: &UploadEvent) {
        if self.output.json {
            self.output.json_line(event);
        }
        match event {
            UploadEvent::Started { job_id, files, .. } => {
                self.files += files.len() as u32;
                for file in files {
                    self.names
                        .insert((*job_id, file.file_id), file.name.clone());
                }
            }
            UploadEvent::FileProgress {
                job_id,
                file_id,
                bytes_sent,
                ..
            } => {
                self.sent.insert((*job_id, *file_id), *bytes_sent);
                self.redraw(false);
            }
            UploadEvent::FileDone {
                job_id,
                file_id,
                file_name,
                already_uploaded,
                shared,
            } => {
                self.done += 1;
                let verb = if *already_uploaded {
                    "already stored"
                } else {
                    "stored"
                };
                let local = if *shared {
                    ""
                } else {
                    " (in this computer's catalog only: the server did not store the manifest)"
                };
                let line = format!(
                    "{verb} {} as {file_name}{local}",
                    self.name(*job_id, *file_id)
                );
                self.print_line(&line, false);
            }
            UploadEvent::FileFailed {
                job_id,
                file_id,
                code: ErrorCode::Cancelled,
                ..
            } => {
                self.cancelled += 1;
                let line = format!("cancelled {}", self.name(*job_id, *file_id));
                self.print_line(&line, true);
            }
            UploadEvent::FileFailed {
                job_id,
                file_id,
                message,
                code,
                ..
            } => {
                self.failed += 1;
                if *code == pers_library::ErrorCode::Network {
                    self.unreachable += 1;
                }
                let raw_name = self
                    .names
                    .get(&(*job_id, *file_id))
                    .map_or("?", String::as_str);
                // The core's messages about one file usually start with its name already.
                let reason = message
                    .strip_prefix(raw_name)
                    .and_then(|rest| rest.strip_prefix(": "))
                    .unwrap_or(message);
                let line = format!(
                    "pers-assets: failed {}: {}",
                    printable(raw_name),
                    printable(reason)
                );
                self.print_line(&line, true);
            }
            UploadEvent::SessionExpired { .. } => {
                self.print_line(
                    "pers-assets: the session expired; stopping the upload",
                    true,
                );
            }
            UploadEvent::Finished { .. } => self.clear(),
            UploadEvent::FileStage { .. }
            | UploadEvent::FilePredicted { .. }
            | UploadEvent::FilePrepared { .. }
            | UploadEvent::SessionResumed { .. }
            | UploadEvent::Paused { .. }
            | UploadEvent::Resumed { .. } => self.redraw(false),
        }
    }

    /// Returns the number of files that failed so far.
    pub(crate) fn failed(&self) -> u32 {
        self.failed
    }

    /// Returns the number of files that failed so far because the API or storage could not
    /// be reached.
    pub(crate) fn unreachable(&self) -> u32 {
        self.unreachable
    }

    /// Returns the number of files cancelled so far.
    pub(crate) fn cancelled(&self) -> u32 {
        self.cancelled
    }

    /// Returns the number of files in the jobs.
    pub(crate) fn files(&self) -> u32 {
        self.files
    }

    /// Returns the file's original name with its control characters escaped.
    fn name(&self, job_id: JobId, file_id: u32) -> std::borrow::Cow<'_, str> {
        self.names
            .get(&(job_id, file_id))
            .map_or(std::borrow::Cow::Borrowed("?"), |name| printable(name))
    }

    /// Prints a message on stderr above the progress line, also with `--json`.
    pub(crate) fn notice(&mut self, message: &str) {
        self.clear();
        eprintln!("{message}");
        self.redraw(true);
    }

    /// Prints a lasting line (stdout, or stderr for errors) above the progress line.
    fn print_line(&mut self, line: &str, error: bool) {
        if self.output.json {
            return;
        }
        self.clear();
        if error {
            eprintln!("{line}");
        } else {
            say!("{line}");
            self.output.flush();
        }
        self.redraw(true);
    }

    fn redraw(&mut self, force: bool) {
        if !self.live {
            return;
        }
        let now = Instant::now();
        let due = self
            .last_draw
            .is_none_or(|last| now.duration_since(last) >= REDRAW_INTERVAL);
        if !force && !due {
            return;
        }
        self.last_draw = Some(now);
        let sent: u64 = self.sent.values().sum();
        // Only the sent bytes are shown, because the job's total is the size of the source
        // files and prepared images are smaller.
        let bytes = format!("{} MiB sent", mebibytes(sent));
        let failed = if self.failed > 0 {
            format!(", {} failed", self.failed)
        } else {
            String::new()
        };
        let ended = self.done + self.failed + self.cancelled;
        let mut stderr = std::io::stderr().lock();
        let _ = write!(
            stderr,
            "\r\x1b[2K{ended}/{} files, {bytes}{failed}",
            self.files
        );
        let _ = stderr.flush();
    }

    fn clear(&mut self) {
        if self.live {
            let mut stderr = std::io::stderr().lock();
            let _ = write!(stderr, "\r\x1b[2K");
            let _ = stderr.flush();
        }
    }
}

fn mebibytes(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / (1024.0 * 1024.0))
}

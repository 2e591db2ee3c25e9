//! Cancel and pause switches of running upload jobs.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use crate::events::{JobId, ProgressSink};

/// The switches of one running job.
pub(crate) struct JobControl {
    cancel: CancellationToken,
    files: Mutex<HashMap<u32, CancellationToken>>,
    paused: watch::Sender<bool>,
}

impl JobControl {
    pub fn new() -> Arc<Self> {
        Arc::new(JobControl {
            cancel: CancellationToken::new(),
            files: Mutex::new(HashMap::new()),
            paused: watch::Sender::new(false),
        })
    }

    /// Returns the token that cancels one file; cancelling the job cancels it too.
    ///
    /// The token is created on first use, so a file cancelled before it starts stays cancelled.
    pub fn file_token(&self, file_id: u32) -> CancellationToken {
        let mut files = self
            .files
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        files
            .entry(file_id)
            .or_insert_with(|| self.cancel.child_token())
            .clone()
    }

    pub fn cancel_job(&self) {
        self.cancel.cancel();
        // A paused job must wake up to see that it is cancelled.
        self.paused.send_replace(false);
    }

    pub fn cancel_file(&self, file_id: u32) {
        self.file_token(file_id).cancel();
    }

    /// Pauses or resumes the job; returns whether that changed anything.
    pub fn set_paused(&self, paused: bool) -> bool {
        self.paused.send_if_modified(|current| {
            let changed = *current != paused;
            *current = paused;
            changed
        })
    }

    /// Waits until the job is not paused.
    pub async fn wait_unpaused(&self) {
        let mut receiver = self.paused.subscribe();
        // The sender lives as long as `self`, so the wait can only end by a resume.
        let _ = receiver.wait_for(|paused| !*paused).await;
    }
}

/// The running jobs of one library, by id, with the sink each reports to.
#[derive(Default)]
pub(crate) struct JobRegistry {
    jobs: Mutex<HashMap<JobId, (Arc<JobControl>, ProgressSink)>>,
}

impl JobRegistry {
    pub fn insert(&self, job_id: JobId, control: Arc<JobControl>, sink: ProgressSink) {
        self.lock().insert(job_id, (control, sink));
    }

    pub fn remove(&self, job_id: JobId) {
        self.lock().remove(&job_id);
    }

    pub fn get(&self, job_id: JobId) -> Option<Arc<JobControl>> {
        self.lock()
            .get(&job_id)
            .map(|(control, _)| Arc::clone(control))
    }

    pub fn sink(&self, job_id: JobId) -> Option<ProgressSink> {
        self.lock().get(&job_id).map(|(_, sink)| Arc::clone(sink))
    }

    pub fn contains(&self, job_id: JobId) -> bool {
        self.lock().contains_key(&job_id)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<JobId, (Arc<JobControl>, ProgressSink)>> {
        self.jobs
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancelling_the_job_cancels_its_files() {
        let control = JobControl::new();
        let early = control.file_token(3);
        control.cancel_job();
        assert!(early.is_cancelled());
        assert!(control.file_token(4).is_cancelled());
    }

    #[test]
    fn cancelling_a_file_leaves_the_others() {
        let control = JobControl::new();
        control.cancel_file(1);
        assert!(control.file_token(1).is_cancelled());
        assert!(!control.file_token(2).is_cancelled());
    }

    #[test]
    fn pause_reports_changes() {
        let control = JobControl::new();
        assert!(control.set_paused(true));
        assert!(!control.set_paused(true));
        assert!(control.set_paused(false));
    }
}

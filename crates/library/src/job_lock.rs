//! Which process runs a journaled job: an exclusive lock on one file per job.
//!
//! Several processes can share a data dir (two `pers-assets` commands, say), and each finds the
//! other's running jobs unfinished in the journal. A process takes the lock of a job before
//! it runs it, and the OS releases the lock when the process ends, also when it is killed. A
//! job whose lock another process holds is running there, so it is neither listed as
//! unfinished nor resumed.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

use crate::error::LibraryError;
use crate::events::JobId;

/// The held lock of one job; dropping it releases the lock.
pub(crate) struct JobLock {
    file: File,
    path: PathBuf,
}

impl JobLock {
    /// Takes the lock of `job_id` in `dir` without waiting. Returns `None` when another
    /// process, or another open of the same data dir in this one, has it. Fails when the
    /// lock file cannot be created.
    pub fn try_acquire(dir: &Path, job_id: JobId) -> Result<Option<JobLock>, LibraryError> {
        let path = dir.join(format!("{job_id}.lock"));
        let io_error = |source| LibraryError::Io {
            path: path.clone(),
            source,
        };
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io_error)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(JobLock { file, path })),
            Err(TryLockError::WouldBlock) => Ok(None),
            Err(TryLockError::Error(source)) => Err(io_error(source)),
        }
    }

    /// Tells whether another process runs `job_id`, by trying its lock and letting it go.
    pub fn held_elsewhere(dir: &Path, job_id: JobId) -> Result<bool, LibraryError> {
        Ok(Self::try_acquire(dir, job_id)?.is_none())
    }

    /// Deletes the lock file of a job that has finished, then releases the lock.
    pub fn release_finished(self) {
        if let Err(error) = std::fs::remove_file(&self.path) {
            tracing::debug!(%error, path = %self.path.display(), "could not delete a job's lock file");
        }
        drop(self.file);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn second_holder_is_refused_until_release() {
        let dir = tempfile::tempdir().unwrap();
        let first = JobLock::try_acquire(dir.path(), 7).unwrap();
        assert!(first.is_some());
        assert!(JobLock::try_acquire(dir.path(), 7).unwrap().is_none());
        assert!(JobLock::held_elsewhere(dir.path(), 7).unwrap());
        assert!(!JobLock::held_elsewhere(dir.path(), 8).unwrap());

        first.unwrap().release_finished();

        assert!(!JobLock::held_elsewhere(dir.path(), 7).unwrap());
    }
}

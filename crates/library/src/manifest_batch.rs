//! Writing the entries of several files in one manifest update.
//!
//! Files finish their uploads at about the same time, and each one's entry must reach the
//! shared manifest. Instead of one read-merge-write-verify round per file, a file queues its
//! entry and then waits for either the scope's writer lock or the outcome of a round that took
//! its entry. The task that gets the lock writes every queued entry in one round and hands the
//! outcome to the others.

use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

use crate::error::LibraryError;
use crate::manifest::ManifestEntry;

/// The outcome of one round, shared by every file whose entry it wrote.
pub(crate) type RoundResult = Result<(), Arc<LibraryError>>;

/// An entry waiting for the next round, with where to send that round's outcome.
pub(crate) struct PendingEntry {
    pub entry: ManifestEntry,
    pub done: oneshot::Sender<RoundResult>,
}

/// The entries of one scope that wait for a round.
#[derive(Default)]
pub(crate) struct PendingEntries {
    entries: Mutex<Vec<PendingEntry>>,
}

impl PendingEntries {
    /// Queues `entry` and returns the receiver of the outcome of the round that writes it.
    pub fn push(&self, entry: ManifestEntry) -> oneshot::Receiver<RoundResult> {
        let (done, outcome) = oneshot::channel();
        self.lock().push(PendingEntry { entry, done });
        outcome
    }

    /// Takes every queued entry; call it while holding the scope's writer lock.
    pub fn take(&self) -> Vec<PendingEntry> {
        std::mem::take(&mut *self.lock())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<PendingEntry>> {
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Sends `result` to every entry of the round.
pub(crate) fn finish_round(batch: Vec<PendingEntry>, result: &RoundResult) {
    for pending in batch {
        // A receiver that is gone belongs to a file that was cancelled meanwhile.
        let _ = pending.done.send(result.clone());
    }
}

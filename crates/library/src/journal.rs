//! The job journal: each upload job and the stage of each of its files, in SQLite.
//!
//! The journal is written before and after every step that matters for
//! exactly-once delivery, so an app that is killed resumes on its next start
//! where it stopped. A prepared file is not prepared again. A file whose
//! upload may or may not have reached storage is read back first, and sent
//! again only when storage does not have it; a second PUT under the same
//! derived name would replace the object with identical bytes. The shared
//! manifest, not the journal, is the record of what is stored.
//!
//! It lives beside the catalog as `journal.sqlite3`, in WAL mode, and every
//! write is its own transaction.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::error::{ErrorCode, LibraryError};
use crate::events::{JobId, QueuedFile};
use crate::types::EntityRef;

/// The schema version this build creates; stored in `PRAGMA user_version`.
const SCHEMA_VERSION: i64 = 1;

/// The stage of one file in the pipeline, as the journal records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FileStage {
    /// Accepted, nothing done yet.
    Queued,
    /// Being read and prepared.
    Preparing,
    /// The prepared output is in the prepared cache.
    Prepared,
    /// A signed URL is being requested.
    Signing,
    /// The bytes are being sent; they may or may not have reached storage.
    Uploading,
    /// The stored object is being read back and checked.
    Verifying,
    /// Stored, checked and in the manifest.
    Recorded,
    /// Failed, with the reason in the outcome.
    Failed,
    /// Already stored under the same derived name, so nothing was sent.
    Skipped,
    /// Cancelled by the user before it was recorded.
    Cancelled,
}

impl FileStage {
    /// Tells whether the file has reached an end and needs no more work.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            FileStage::Recorded | FileStage::Failed | FileStage::Skipped | FileStage::Cancelled
        )
    }

    fn as_str(self) -> &'static str {
        match self {
            FileStage::Queued => "queued",
            FileStage::Preparing => "preparing",
            FileStage::Prepared => "prepared",
            FileStage::Signing => "signing",
            FileStage::Uploading => "uploading",
            FileStage::Verifying => "verifying",
            FileStage::Recorded => "recorded",
            FileStage::Failed => "failed",
            FileStage::Skipped => "skipped",
            FileStage::Cancelled => "cancelled",
        }
    }

    fn parse(value: &str) -> FileStage {
        const ALL: [FileStage; 10] = [
            FileStage::Queued,
            FileStage::Preparing,
            FileStage::Prepared,
            FileStage::Signing,
            FileStage::Uploading,
            FileStage::Verifying,
            FileStage::Recorded,
            FileStage::Failed,
            FileStage::Skipped,
            FileStage::Cancelled,
        ];
        // An unknown stage (written by a newer build) is treated as not started.
        ALL.into_iter()
            .find(|stage| stage.as_str() == value)
            .unwrap_or(FileStage::Queued)
    }
}

/// A prepared output kept in the prepared cache, with what the upload needs to know about it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PreparedRecord {
    /// The file to send: in the prepared cache, or the source itself for pass-through files.
    pub path: String,
    /// Set when `path` is the user's own file, sent unchanged; it is never deleted.
    pub pass_through: bool,
    /// Hex SHA-256 of the bytes to send.
    pub sha256: String,
    /// Size of the bytes to send.
    pub size_bytes: u64,
    /// The derived `fileName`, without extension.
    pub file_name: String,
    /// The `fileExtension`, without a dot.
    pub extension: String,
    /// The content type sent with the PUT, which storage checks against the signature.
    pub upload_content_type: String,
    /// The content type of the file itself, kept in the manifest.
    pub content_type: String,
    /// Width in pixels, for images.
    pub width: Option<u32>,
    /// Height in pixels, for images.
    pub height: Option<u32>,
    /// The treatment of an animated source; `None` for still images and documents. Records
    /// journaled before this field existed read as `None`.
    #[serde(default)]
    pub animation: Option<crate::events::Animation>,
    /// Hex MD5 of the bytes to send, compared with the ETag storage returns. Records journaled
    /// before this field existed read as `None`, and the file is hashed again when checked.
    #[serde(default)]
    pub md5: Option<String>,
}

/// The end a file reached, kept so a resumed job reports it again.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    /// Stored and recorded.
    Done {
        /// The stored name with extension.
        file_name: String,
        /// Set when nothing was sent because the file was already stored.
        already_uploaded: bool,
        /// Set when the shared manifest contains the entry. Otherwise only the local catalog does.
        shared: bool,
    },
    /// Failed or cancelled.
    Failed {
        /// The error code.
        code: ErrorCode,
        /// The message shown to the user.
        message: String,
        /// Set when retrying may succeed.
        retryable: bool,
    },
}

/// One file of a journaled job.
#[derive(Clone, Debug)]
pub struct JournalFile {
    /// The file as it was queued.
    pub file: QueuedFile,
    /// Its last recorded stage.
    pub stage: FileStage,
    /// How many upload attempts were used so far.
    pub attempts: u32,
    /// The prepared output, once prepared.
    pub prepared: Option<PreparedRecord>,
    /// The end it reached, for terminal stages.
    pub outcome: Option<Outcome>,
}

/// A journaled job that has not finished.
#[derive(Clone, Debug)]
pub struct JournalJob {
    /// The job id.
    pub job_id: JobId,
    /// The environment key of the session that started it.
    pub environment: String,
    /// The entity the files go to.
    pub entity: EntityRef,
    /// Its files, by file id.
    pub files: Vec<JournalFile>,
}

/// A handle to the journal database.
pub struct Journal {
    connection: Mutex<Connection>,
}

impl Journal {
    /// Opens or creates the journal at `path`.
    ///
    /// Fails when the file cannot be opened or its tables cannot be created.
    pub fn open(path: &Path) -> Result<Self, LibraryError> {
        let connection = Connection::open(path).map_err(LibraryError::catalog("opening"))?;
        connection
            .pragma_update(None, "journal_mode", "WAL")
            .map_err(LibraryError::catalog("enabling WAL"))?;
        // NORMAL keeps every committed transaction across an application crash; only a power
        // loss may lose the last ones, which the next run then redoes idempotently.
        connection
            .pragma_update(None, "synchronous", "NORMAL")
            .map_err(LibraryError::catalog("setting synchronous mode"))?;
        connection
            .busy_timeout(std::time::Duration::from_secs(5))
            .map_err(LibraryError::catalog("setting the busy timeout"))?;
        migrate(&connection)?;
        Ok(Journal {
            connection: Mutex::new(connection),
        })
    }

    /// Records a new job and its queued files in one transaction and returns its id.
    pub fn create_job(
        &self,
        environment: &str,
        entity: &EntityRef,
        files: &[QueuedFile],
    ) -> Result<JobId, LibraryError> {
        let mut connection = self.lock();
        let transaction = connection
            .transaction()
            .map_err(LibraryError::catalog("starting a journal transaction"))?;
        transaction
            .execute(
                "INSERT INTO jobs (environment, entity_type, entity_id, state, created_ms)
                 VALUES (?1, ?2, ?3, 'running', ?4)",
                params![
                    environment,
                    entity.entity_type.as_str(),
                    entity.id,
                    crate::now_ms() as i64
                ],
            )
            .map_err(LibraryError::catalog("recording a job"))?;
        let job_id = transaction.last_insert_rowid();
        for file in files {
            transaction
                .execute(
                    "INSERT INTO job_files (job_id, file_id, path, name, size_bytes, stage, attempts)
                     VALUES (?1, ?2, ?3, ?4, ?5, 'queued', 0)",
                    params![
                        job_id,
                        file.file_id,
                        file.path,
                        file.name,
                        file.size_bytes.map(|size| size as i64)
                    ],
                )
                .map_err(LibraryError::catalog("recording a queued file"))?;
        }
        transaction
            .commit()
            .map_err(LibraryError::catalog("committing a job"))?;
        Ok(job_id as JobId)
    }

    /// Records that a file entered `stage`.
    pub fn set_stage(
        &self,
        job_id: JobId,
        file_id: u32,
        stage: FileStage,
    ) -> Result<(), LibraryError> {
        self.execute(
            "UPDATE job_files SET stage = ?3 WHERE job_id = ?1 AND file_id = ?2",
            params![job_id as i64, file_id, stage.as_str()],
            "recording a file stage",
        )
    }

    /// Records the prepared output of a file and moves it to [`FileStage::Prepared`].
    pub fn set_prepared(
        &self,
        job_id: JobId,
        file_id: u32,
        prepared: &PreparedRecord,
    ) -> Result<(), LibraryError> {
        let json = serde_json::to_string(prepared).unwrap_or_default();
        self.execute(
            "UPDATE job_files SET stage = 'prepared', prepared_json = ?3
             WHERE job_id = ?1 AND file_id = ?2",
            params![job_id as i64, file_id, json],
            "recording a prepared file",
        )
    }

    /// Records the number of upload attempts used so far.
    pub fn set_attempts(
        &self,
        job_id: JobId,
        file_id: u32,
        attempts: u32,
    ) -> Result<(), LibraryError> {
        self.execute(
            "UPDATE job_files SET attempts = ?3 WHERE job_id = ?1 AND file_id = ?2",
            params![job_id as i64, file_id, attempts],
            "recording upload attempts",
        )
    }

    /// Records how a file ended, in the terminal `stage`.
    pub fn finish_file(
        &self,
        job_id: JobId,
        file_id: u32,
        stage: FileStage,
        outcome: &Outcome,
    ) -> Result<(), LibraryError> {
        let json = serde_json::to_string(outcome).unwrap_or_default();
        self.execute(
            "UPDATE job_files SET stage = ?3, outcome_json = ?4 WHERE job_id = ?1 AND file_id = ?2",
            params![job_id as i64, file_id, stage.as_str(), json],
            "recording a file outcome",
        )
    }

    /// Marks a job finished, so it is not resumed.
    pub fn finish_job(&self, job_id: JobId) -> Result<(), LibraryError> {
        self.execute(
            "UPDATE jobs SET state = 'finished' WHERE job_id = ?1",
            params![job_id as i64],
            "finishing a job",
        )
    }

    /// Returns the unfinished jobs of `environment`, oldest first.
    pub fn unfinished_jobs(&self, environment: &str) -> Result<Vec<JournalJob>, LibraryError> {
        let heads = self.unfinished_heads(environment)?;
        let mut jobs = Vec::with_capacity(heads.len());
        for (job_id, entity) in heads {
            let files = self.files(job_id)?;
            jobs.push(JournalJob {
                job_id,
                environment: environment.to_owned(),
                entity,
                files,
            });
        }
        Ok(jobs)
    }

    /// Returns the prepared-cache paths that a file still needs: those of unfinished files of
    /// unfinished jobs.
    pub fn live_prepared_paths(&self) -> Result<Vec<String>, LibraryError> {
        let connection = self.lock();
        let mut statement = connection
            .prepare(
                "SELECT prepared_json FROM job_files
                 WHERE prepared_json IS NOT NULL
                 AND stage NOT IN ('recorded', 'skipped', 'cancelled', 'failed')
                 AND job_id IN (SELECT job_id FROM jobs WHERE state = 'running')",
            )
            .map_err(LibraryError::catalog("reading prepared files"))?;
        let rows = statement
            .query_map([], |row| row.get::<_, String>(0))
            .map_err(LibraryError::catalog("reading prepared files"))?;
        let mut paths = Vec::new();
        for row in rows {
            let json = row.map_err(LibraryError::catalog("reading a prepared file"))?;
            if let Ok(record) = serde_json::from_str::<PreparedRecord>(&json) {
                paths.push(record.path);
            }
        }
        Ok(paths)
    }

    /// Deletes finished jobs created more than `max_age_ms` milliseconds ago, and their files.
    pub fn prune_finished(&self, max_age_ms: u64) -> Result<(), LibraryError> {
        let cutoff = crate::now_ms().saturating_sub(max_age_ms) as i64;
        let mut connection = self.lock();
        let transaction = connection
            .transaction()
            .map_err(LibraryError::catalog("starting a journal transaction"))?;
        transaction
            .execute(
                "DELETE FROM job_files WHERE job_id IN
                 (SELECT job_id FROM jobs WHERE state = 'finished' AND created_ms < ?1)",
                params![cutoff],
            )
            .map_err(LibraryError::catalog("pruning finished job files"))?;
        transaction
            .execute(
                "DELETE FROM jobs WHERE state = 'finished' AND created_ms < ?1",
                params![cutoff],
            )
            .map_err(LibraryError::catalog("pruning finished jobs"))?;
        transaction
            .commit()
            .map_err(LibraryError::catalog("committing the pruning"))
    }

    /// Returns the highest job id used so far, 0 when there is none.
    pub fn last_job_id(&self) -> Result<JobId, LibraryError> {
        let connection = self.lock();
        let last: Option<i64> = connection
            .query_row("SELECT MAX(job_id) FROM jobs", [], |row| row.get(0))
            .optional()
            .map_err(LibraryError::catalog("reading job ids"))?
            .flatten();
        Ok(last.unwrap_or(0) as JobId)
    }

    fn unfinished_heads(&self, environment: &str) -> Result<Vec<(JobId, EntityRef)>, LibraryError> {
        let connection = self.lock();
        let mut statement = connection
            .prepare(
                "SELECT job_id, entity_type, entity_id FROM jobs
                 WHERE state = 'running' AND environment = ?1 ORDER BY job_id",
            )
            .map_err(LibraryError::catalog("reading unfinished jobs"))?;
        let rows = statement
            .query_map(params![environment], |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                ))
            })
            .map_err(LibraryError::catalog("reading unfinished jobs"))?;
        let mut heads = Vec::new();
        for row in rows {
            let (job_id, entity_type, entity_id) =
                row.map_err(LibraryError::catalog("reading a job"))?;
            let parsed = serde_json::from_value(serde_json::Value::String(entity_type.clone()));
            let Ok(entity_type) = parsed else {
                tracing::warn!(job = job_id, %entity_type, "skipping a job of an unknown entity type");
                continue;
            };
            let entity = EntityRef {
                entity_type,
                id: entity_id,
            };
            heads.push((job_id as JobId, entity));
        }
        Ok(heads)
    }

    fn files(&self, job_id: JobId) -> Result<Vec<JournalFile>, LibraryError> {
        let connection = self.lock();
        let mut statement = connection
            .prepare(
                "SELECT file_id, path, name, size_bytes, stage, attempts, prepared_json, outcome_json
                 FROM job_files WHERE job_id = ?1 ORDER BY file_id",
            )
            .map_err(LibraryError::catalog("reading job files"))?;
        let rows = statement
            .query_map(params![job_id as i64], read_file_row)
            .map_err(LibraryError::catalog("reading job files"))?;
        rows.collect::<Result<Vec<_>, _>>()
            .map_err(LibraryError::catalog("reading a job file"))
    }

    fn execute(
        &self,
        sql: &str,
        values: impl rusqlite::Params,
        context: &'static str,
    ) -> Result<(), LibraryError> {
        // The few statements of the journal run for every file several times, so each is
        // parsed once per connection.
        self.lock()
            .prepare_cached(sql)
            .and_then(|mut statement| statement.execute(values))
            .map_err(LibraryError::catalog(context))?;
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        // Each write is one statement or one transaction, so a panic leaves SQLite consistent.
        self.connection
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn read_file_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<JournalFile> {
    let prepared: Option<String> = row.get(6)?;
    let outcome: Option<String> = row.get(7)?;
    Ok(JournalFile {
        file: QueuedFile {
            file_id: row.get(0)?,
            path: row.get(1)?,
            name: row.get(2)?,
            size_bytes: row.get::<_, Option<i64>>(3)?.map(|size| size as u64),
        },
        stage: FileStage::parse(&row.get::<_, String>(4)?),
        attempts: row.get(5)?,
        prepared: prepared.and_then(|json| serde_json::from_str(&json).ok()),
        outcome: outcome.and_then(|json| serde_json::from_str(&json).ok()),
    })
}

fn migrate(connection: &Connection) -> Result<(), LibraryError> {
    let version: i64 = connection
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(LibraryError::catalog("reading the journal schema version"))?;
    if version >= SCHEMA_VERSION {
        return Ok(());
    }
    connection
        .execute_batch(
            "CREATE TABLE IF NOT EXISTS jobs (
                job_id INTEGER PRIMARY KEY AUTOINCREMENT,
                environment TEXT NOT NULL,
                entity_type TEXT NOT NULL,
                entity_id TEXT NOT NULL,
                state TEXT NOT NULL,
                created_ms INTEGER NOT NULL
            );
            CREATE TABLE IF NOT EXISTS job_files (
                job_id INTEGER NOT NULL REFERENCES jobs (job_id),
                file_id INTEGER NOT NULL,
                path TEXT NOT NULL,
                name TEXT NOT NULL,
                size_bytes INTEGER,
                stage TEXT NOT NULL,
                attempts INTEGER NOT NULL,
                prepared_json TEXT,
                outcome_json TEXT,
                PRIMARY KEY (job_id, file_id)
            );
            PRAGMA user_version = 1;",
        )
        .map_err(LibraryError::catalog("creating the journal tables"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn entity() -> EntityRef {
        EntityRef {
            entity_type: pers_api::EntityType::Campaign,
            id: "c1".to_owned(),
        }
    }

    fn queued(file_id: u32) -> QueuedFile {
        QueuedFile {
            file_id,
            name: format!("f{file_id}.png"),
            path: format!("/tmp/f{file_id}.png"),
            size_bytes: Some(10),
        }
    }

    #[test]
    fn stages_survive_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.sqlite3");
        let journal = Journal::open(&path).unwrap();
        let job = journal
            .create_job("env", &entity(), &[queued(0), queued(1)])
            .unwrap();
        journal.set_stage(job, 1, FileStage::Uploading).unwrap();
        drop(journal);

        let reopened = Journal::open(&path).unwrap();
        let jobs = reopened.unfinished_jobs("env").unwrap();
        assert_eq!(jobs.len(), 1);
        assert_eq!(jobs[0].files[0].stage, FileStage::Queued);
        assert_eq!(jobs[0].files[1].stage, FileStage::Uploading);
        assert_eq!(jobs[0].entity, entity());
    }

    #[test]
    fn finished_jobs_are_not_resumed() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::open(&dir.path().join("journal.sqlite3")).unwrap();
        let job = journal.create_job("env", &entity(), &[queued(0)]).unwrap();
        journal.finish_job(job).unwrap();
        assert!(journal.unfinished_jobs("env").unwrap().is_empty());
    }

    #[test]
    fn other_environments_are_not_resumed() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::open(&dir.path().join("journal.sqlite3")).unwrap();
        journal.create_job("env", &entity(), &[queued(0)]).unwrap();
        assert!(journal.unfinished_jobs("other").unwrap().is_empty());
    }

    #[test]
    fn outcome_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::open(&dir.path().join("journal.sqlite3")).unwrap();
        let job = journal.create_job("env", &entity(), &[queued(0)]).unwrap();
        let outcome = Outcome::Done {
            file_name: "a-1.png".to_owned(),
            already_uploaded: false,
            shared: true,
        };
        journal
            .finish_file(job, 0, FileStage::Recorded, &outcome)
            .unwrap();
        let files = &journal.unfinished_jobs("env").unwrap()[0].files;
        assert_eq!(files[0].stage, FileStage::Recorded);
        assert_eq!(files[0].outcome.as_ref(), Some(&outcome));
    }

    #[test]
    fn pruning_keeps_unfinished_jobs() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::open(&dir.path().join("journal.sqlite3")).unwrap();
        let finished = journal.create_job("env", &entity(), &[queued(0)]).unwrap();
        journal.finish_job(finished).unwrap();
        let running = journal.create_job("env", &entity(), &[queued(0)]).unwrap();
        journal.prune_finished(0).unwrap();
        let jobs = journal.unfinished_jobs("env").unwrap();
        assert_eq!(jobs.len(), 1);
        assert_eq!(jobs[0].job_id, running);
        assert!(journal.last_job_id().unwrap() >= running);
    }

    #[test]
    fn job_ids_keep_growing() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::open(&dir.path().join("journal.sqlite3")).unwrap();
        let first = journal.create_job("env", &entity(), &[]).unwrap();
        let second = journal.create_job("env", &entity(), &[]).unwrap();
        assert!(second > first);
        assert_eq!(journal.last_job_id().unwrap(), second);
    }
}

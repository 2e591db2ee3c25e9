//! The local catalog: a SQLite cache of each entity's manifest.
//!
//! The catalog lets the gallery open at once and offline, and stands in for
//! the shared manifest when the server cannot store or return it. Entries the
//! server did not store in the shared manifest are marked unshared until a
//! later write shares them. It lives in one file in the app data dir, in WAL
//! mode.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::LibraryError;
use crate::manifest::{Manifest, ManifestEntry};

/// The schema version this build creates; stored in `PRAGMA user_version`.
const SCHEMA_VERSION: i64 = 2;

/// The entity an operation is about, within one environment.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CatalogScope {
    /// The environment and tenant, as a stable key (see `Library::sign_in`).
    pub environment: String,
    /// The entity type, as the API spells it.
    pub entity_type: String,
    /// The entity id.
    pub entity_id: String,
}

/// A handle to the catalog database.
pub struct Catalog {
    connection: Mutex<Connection>,
}

impl Catalog {
    /// Opens or creates the catalog at `path`, creating its tables.
    pub fn open(path: &Path) -> Result<Self, LibraryError> {
        let connection = Connection::open(path).map_err(LibraryError::catalog("opening"))?;
        connection
            .pragma_update(None, "journal_mode", "WAL")
            .map_err(LibraryError::catalog("enabling WAL"))?;
        // The catalog is a cache of the shared manifest, so a commit lost to a power cut costs
        // a later download, and WAL keeps the file consistent without a sync per commit.
        connection
            .pragma_update(None, "synchronous", "NORMAL")
            .map_err(LibraryError::catalog("setting synchronous mode"))?;
        connection
            .busy_timeout(std::time::Duration::from_secs(5))
            .map_err(LibraryError::catalog("setting the busy timeout"))?;
        migrate(&connection)?;
        Ok(Catalog {
            connection: Mutex::new(connection),
        })
    }

    /// Merges `manifest` into the cached entries of `scope`, so no cached entry is lost.
    pub fn merge_manifest(
        &self,
        scope: &CatalogScope,
        manifest: &Manifest,
    ) -> Result<(), LibraryError> {
        let before = self.manifest(scope)?;
        let mut cached = before.clone();
        cached.merge(manifest);
        let mut connection = self.lock();
        let transaction = connection
            .transaction()
            .map_err(LibraryError::catalog("starting a transaction"))?;
        // Only new and changed entries are written, so merging a large manifest after each
        // upload costs a read of the cache, not a write of every entry.
        for (key, entry) in &cached.entries {
            if before.entries.get(key) != Some(entry) {
                upsert_entry(&transaction, scope, key, entry)?;
            }
        }
        transaction
            .commit()
            .map_err(LibraryError::catalog("committing the manifest"))
    }

    /// Merges one entry into the cached entries of `scope`.
    pub fn merge_entry(
        &self,
        scope: &CatalogScope,
        entry: &ManifestEntry,
    ) -> Result<(), LibraryError> {
        self.merge_entries(scope, std::slice::from_ref(entry))
    }

    /// Merges `entries` into the cached entries of `scope`, reading only the rows of their keys,
    /// so that recording a few entries costs the same in a catalog of any size.
    pub fn merge_entries(
        &self,
        scope: &CatalogScope,
        entries: &[ManifestEntry],
    ) -> Result<(), LibraryError> {
        let mut connection = self.lock();
        let transaction = connection
            .transaction()
            .map_err(LibraryError::catalog("starting a transaction"))?;
        for entry in entries {
            let key = entry.key();
            let present = cached_entry(&transaction, scope, &key)?;
            let wins = present
                .as_ref()
                .is_none_or(|present| present != entry && entry.wins_over(present));
            if wins {
                upsert_entry(&transaction, scope, &key, entry)?;
            }
        }
        transaction
            .commit()
            .map_err(LibraryError::catalog("committing entries"))
    }

    /// Returns the cached manifest of `scope`; empty when nothing is cached.
    pub fn manifest(&self, scope: &CatalogScope) -> Result<Manifest, LibraryError> {
        let connection = self.lock();
        let mut statement = connection
            .prepare_cached(
                "SELECT entry_json FROM manifest_entries \
                 WHERE environment = ?1 AND entity_type = ?2 AND entity_id = ?3",
            )
            .map_err(LibraryError::catalog("reading entries"))?;
        let rows = statement
            .query_map(
                params![scope.environment, scope.entity_type, scope.entity_id],
                |row| row.get::<_, String>(0),
            )
            .map_err(LibraryError::catalog("reading entries"))?;
        let mut manifest = Manifest::new();
        for row in rows {
            let json = row.map_err(LibraryError::catalog("reading an entry"))?;
            match serde_json::from_str::<ManifestEntry>(&json) {
                Ok(entry) => manifest.merge_entry(entry),
                Err(error) => tracing::warn!(%error, "skipping an unreadable catalog entry"),
            }
        }
        Ok(manifest)
    }

    /// Notes that the shared manifest of `scope` does not hold the entry `key` yet.
    pub fn mark_unshared(&self, scope: &CatalogScope, key: &str) -> Result<(), LibraryError> {
        self.lock()
            .execute(
                "INSERT OR IGNORE INTO unshared_entries (environment, entity_type, entity_id, entry_key)
                 VALUES (?1, ?2, ?3, ?4)",
                params![scope.environment, scope.entity_type, scope.entity_id, key],
            )
            .map_err(LibraryError::catalog("noting an unshared entry"))?;
        Ok(())
    }

    /// Forgets the unshared marks of every entry that `shared` holds in the same or a newer
    /// version, and returns the keys still unshared.
    pub fn settle_unshared(
        &self,
        scope: &CatalogScope,
        shared: &Manifest,
    ) -> Result<Vec<String>, LibraryError> {
        let unshared = self.unshared_keys(scope)?;
        if unshared.is_empty() {
            return Ok(Vec::new());
        }
        let cached = self.manifest(scope)?;
        let mut still_unshared = Vec::new();
        for key in unshared {
            let is_shared = cached
                .entries
                .get(&key)
                .is_none_or(|entry| shared.contains_at_least(entry));
            if is_shared {
                self.lock()
                    .execute(
                        "DELETE FROM unshared_entries WHERE environment = ?1 AND entity_type = ?2
                         AND entity_id = ?3 AND entry_key = ?4",
                        params![scope.environment, scope.entity_type, scope.entity_id, key],
                    )
                    .map_err(LibraryError::catalog("clearing an unshared entry"))?;
            } else {
                still_unshared.push(key);
            }
        }
        Ok(still_unshared)
    }

    fn unshared_keys(&self, scope: &CatalogScope) -> Result<Vec<String>, LibraryError> {
        let connection = self.lock();
        let mut statement = connection
            .prepare_cached(
                "SELECT entry_key FROM unshared_entries \
                 WHERE environment = ?1 AND entity_type = ?2 AND entity_id = ?3",
            )
            .map_err(LibraryError::catalog("reading unshared entries"))?;
        let rows = statement
            .query_map(
                params![scope.environment, scope.entity_type, scope.entity_id],
                |row| row.get::<_, String>(0),
            )
            .map_err(LibraryError::catalog("reading unshared entries"))?;
        rows.collect::<Result<Vec<_>, _>>()
            .map_err(LibraryError::catalog("reading an unshared entry"))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (each write is a transaction).
        self.connection
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn migrate(connection: &Connection) -> Result<(), LibraryError> {
    let version: i64 = connection
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(LibraryError::catalog("reading the schema version"))?;
    if version >= SCHEMA_VERSION {
        return Ok(());
    }
    connection
        .execute_batch(
            "CREATE TABLE IF NOT EXISTS manifest_entries (
                environment TEXT NOT NULL,
                entity_type TEXT NOT NULL,
                entity_id TEXT NOT NULL,
                entry_key TEXT NOT NULL,
                entry_json TEXT NOT NULL,
                PRIMARY KEY (environment, entity_type, entity_id, entry_key)
            );
            CREATE TABLE IF NOT EXISTS unshared_entries (
                environment TEXT NOT NULL,
                entity_type TEXT NOT NULL,
                entity_id TEXT NOT NULL,
                entry_key TEXT NOT NULL,
                PRIMARY KEY (environment, entity_type, entity_id, entry_key)
            );
            PRAGMA user_version = 2;",
        )
        .map_err(LibraryError::catalog("creating tables"))
}

/// Reads the cached entry `key` of `scope`; `None` when there is none or it cannot be read.
fn cached_entry(
    connection: &Connection,
    scope: &CatalogScope,
    key: &str,
) -> Result<Option<ManifestEntry>, LibraryError> {
    let json = connection
        .prepare_cached(
            "SELECT entry_json FROM manifest_entries \
             WHERE environment = ?1 AND entity_type = ?2 AND entity_id = ?3 AND entry_key = ?4",
        )
        .and_then(|mut statement| {
            statement
                .query_row(
                    params![scope.environment, scope.entity_type, scope.entity_id, key],
                    |row| row.get::<_, String>(0),
                )
                .optional()
        })
        .map_err(LibraryError::catalog("reading an entry"))?;
    Ok(
        json.and_then(|json| match serde_json::from_str::<ManifestEntry>(&json) {
            Ok(entry) => Some(entry),
            Err(error) => {
                tracing::warn!(%error, "replacing an unreadable catalog entry");
                None
            }
        }),
    )
}

fn upsert_entry(
    connection: &Connection,
    scope: &CatalogScope,
    key: &str,
    entry: &ManifestEntry,
) -> Result<(), LibraryError> {
    let json = serde_json::to_string(entry).unwrap_or_default();
    connection
        .prepare_cached(
            "INSERT INTO manifest_entries (environment, entity_type, entity_id, entry_key, entry_json)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (environment, entity_type, entity_id, entry_key)
             DO UPDATE SET entry_json = excluded.entry_json",
        )
        .and_then(|mut statement| {
            statement.execute(params![
                scope.environment,
                scope.entity_type,
                scope.entity_id,
                key,
                json
            ])
        })
        .map_err(LibraryError::catalog("writing an entry"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn scope() -> CatalogScope {
        CatalogScope {
            environment: "sandbox".to_owned(),
            entity_type: "campaign".to_owned(),
            entity_id: "c1".to_owned(),
        }
    }

    fn entry(name: &str) -> ManifestEntry {
        ManifestEntry {
            file_name: name.to_owned(),
            file_extension: "jpg".to_owned(),
            original_name: format!("{name}.jpg"),
            content_type: "image/jpeg".to_owned(),
            size_bytes: 3,
            width: None,
            height: None,
            sha256: "ab".repeat(32),
            uploaded_at: "2026-12-04T10:00:00Z".to_owned(),
            uploaded_by: Some("staff@example.test".to_owned()),
            updated_at_ms: 1,
            removed: false,
        }
    }

    #[test]
    fn entries_survive_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("catalog.sqlite3");
        Catalog::open(&path)
            .unwrap()
            .merge_entry(&scope(), &entry("a"))
            .unwrap();
        let reopened = Catalog::open(&path).unwrap();
        assert_eq!(reopened.manifest(&scope()).unwrap().entries.len(), 1);
    }

    #[test]
    fn unshared_marks_clear_once_shared() {
        let dir = tempfile::tempdir().unwrap();
        let catalog = Catalog::open(&dir.path().join("catalog.sqlite3")).unwrap();
        let local = entry("a");
        catalog.merge_entry(&scope(), &local).unwrap();
        catalog.mark_unshared(&scope(), &local.key()).unwrap();
        let empty = Manifest::new();
        assert_eq!(
            catalog.settle_unshared(&scope(), &empty).unwrap(),
            vec![local.key()]
        );
        let mut shared = Manifest::new();
        shared.merge_entry(local);
        assert!(
            catalog
                .settle_unshared(&scope(), &shared)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn scopes_are_separate() {
        let dir = tempfile::tempdir().unwrap();
        let catalog = Catalog::open(&dir.path().join("catalog.sqlite3")).unwrap();
        catalog.merge_entry(&scope(), &entry("a")).unwrap();
        let other = CatalogScope {
            entity_id: "c2".to_owned(),
            ..scope()
        };
        assert!(catalog.manifest(&other).unwrap().entries.is_empty());
    }

    #[test]
    fn merging_entries_keeps_the_newer_version() {
        let dir = tempfile::tempdir().unwrap();
        let catalog = Catalog::open(&dir.path().join("catalog.sqlite3")).unwrap();
        let older = entry("a");
        let newer = ManifestEntry {
            updated_at_ms: 2,
            removed: true,
            ..older.clone()
        };
        catalog
            .merge_entries(&scope(), &[newer.clone(), entry("b")])
            .unwrap();
        catalog.merge_entries(&scope(), &[older]).unwrap();

        let cached = catalog.manifest(&scope()).unwrap();
        assert_eq!(cached.entries.len(), 2);
        assert_eq!(cached.entries.get(&newer.key()), Some(&newer));
    }
}

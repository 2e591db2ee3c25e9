//! The shared manifest: the list of an entity's assets, stored beside them.
//!
//! PERS has no endpoint that lists stored files, so every client keeps the
//! list itself in one JSON file per entity, written through the same signed
//! URLs as the assets. Updates are read, merge, conditional write, then read
//! again to verify (`manifest_store` documents which guarantee holds on
//! which store). The merge is a union keyed by file name where the newer
//! `updatedAt` wins, and removals are kept as tombstones.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The `fileName` under which the manifest itself is stored (without extension).
pub const MANIFEST_FILE_NAME: &str = "pers-asset-manifest";

/// The extension of the stored manifest; the storage serves it as `application/json`.
pub const MANIFEST_EXTENSION: &str = "json";

/// The content type the manifest is uploaded with.
pub const MANIFEST_CONTENT_TYPE: &str = "application/json";

/// The manifest format version this build writes and reads.
pub const MANIFEST_VERSION: u32 = 1;

/// Maximum size of a manifest accepted from the server, in bytes.
pub const MAX_MANIFEST_BYTES: u64 = 16 * 1024 * 1024;

/// One entity's manifest.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    /// The format version; readers accept this version and older ones.
    pub version: u32,
    /// Entries keyed by the stored file name with extension, for example `logo-0123456789ab.png`.
    pub entries: BTreeMap<String, ManifestEntry>,
}

/// One asset, or the tombstone of a removed one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManifestEntry {
    /// The derived `fileName` sent to the API, without extension.
    pub file_name: String,
    /// The `fileExtension` sent to the API, without a dot.
    pub file_extension: String,
    /// The name of the file the user dropped, unchanged.
    pub original_name: String,
    /// The content type the object was stored with.
    pub content_type: String,
    /// Size of the stored object, in bytes.
    pub size_bytes: u64,
    /// Width of the stored image in pixels, when it is an image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    /// Height of the stored image in pixels, when it is an image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    /// Hex SHA-256 of the stored bytes.
    pub sha256: String,
    /// When the asset was first uploaded, RFC 3339.
    pub uploaded_at: String,
    /// Who uploaded it (the signed-in email), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uploaded_by: Option<String>,
    /// When this entry last changed, in milliseconds since the Unix epoch; the newer entry wins a merge.
    pub updated_at_ms: u64,
    /// Set when the asset was removed; the entry stays as a tombstone so the removal survives merges.
    #[serde(default)]
    pub removed: bool,
}

impl ManifestEntry {
    /// Returns the key of this entry in [`Manifest::entries`]: the stored name with its extension.
    pub fn key(&self) -> String {
        format!("{}.{}", self.file_name, self.file_extension)
    }

    pub(crate) fn wins_over(&self, other: &ManifestEntry) -> bool {
        (self.updated_at_ms, self.removed, &self.sha256)
            > (other.updated_at_ms, other.removed, &other.sha256)
    }
}

impl Manifest {
    /// Creates an empty manifest of the current version.
    pub fn new() -> Self {
        Manifest {
            version: MANIFEST_VERSION,
            entries: BTreeMap::new(),
        }
    }

    /// Parses a stored manifest.
    ///
    /// Fails with a short reason when the JSON is malformed or the version is newer than this build.
    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        let manifest: Manifest =
            serde_json::from_slice(bytes).map_err(|error| format!("invalid JSON: {error}"))?;
        if manifest.version > MANIFEST_VERSION {
            return Err(format!(
                "written by a newer app (format version {}, this app reads up to {MANIFEST_VERSION}); \
                 update the app",
                manifest.version
            ));
        }
        Ok(manifest)
    }

    /// Serialises the manifest as pretty-printed JSON.
    pub fn to_json(&self) -> Vec<u8> {
        // Serialising a map of plain structs cannot fail.
        serde_json::to_vec_pretty(self).unwrap_or_default()
    }

    /// Merges `entry` in, keeping whichever of it and the present entry is newer.
    pub fn merge_entry(&mut self, entry: ManifestEntry) {
        let key = entry.key();
        match self.entries.get(&key) {
            Some(present) if !entry.wins_over(present) => {}
            _ => {
                self.entries.insert(key, entry);
            }
        }
    }

    /// Merges every entry of `other` in.
    pub fn merge(&mut self, other: &Manifest) {
        for entry in other.entries.values() {
            self.merge_entry(entry.clone());
        }
    }

    /// Tells whether this manifest contains `entry` or a newer version of it.
    pub fn contains_at_least(&self, entry: &ManifestEntry) -> bool {
        self.entries
            .get(&entry.key())
            .is_some_and(|present| present == entry || present.wins_over(entry))
    }

    /// Returns the live (not removed) entries, newest upload first.
    pub fn live_entries(&self) -> Vec<&ManifestEntry> {
        let mut live: Vec<&ManifestEntry> = self
            .entries
            .values()
            .filter(|entry| !entry.removed)
            .collect();
        live.sort_by(|a, b| {
            b.uploaded_at
                .cmp(&a.uploaded_at)
                .then(a.file_name.cmp(&b.file_name))
        });
        live
    }

    /// Finds a live entry with this content hash, if the content is already stored.
    pub fn live_entry_with_hash(&self, sha256: &str) -> Option<&ManifestEntry> {
        self.entries
            .values()
            .find(|entry| !entry.removed && entry.sha256 == sha256)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn entry(name: &str, updated_at_ms: u64) -> ManifestEntry {
        ManifestEntry {
            file_name: name.to_owned(),
            file_extension: "png".to_owned(),
            original_name: format!("{name}.png"),
            content_type: "image/png".to_owned(),
            size_bytes: 10,
            width: Some(1),
            height: Some(1),
            sha256: "00".repeat(32),
            uploaded_at: "2026-12-04T10:00:00Z".to_owned(),
            uploaded_by: None,
            updated_at_ms,
            removed: false,
        }
    }

    #[test]
    fn merge_is_a_union() {
        let mut left = Manifest::new();
        left.merge_entry(entry("a", 1));
        let mut right = Manifest::new();
        right.merge_entry(entry("b", 1));
        left.merge(&right);
        assert_eq!(left.entries.len(), 2);
    }

    #[test]
    fn newer_entry_wins() {
        let mut manifest = Manifest::new();
        manifest.merge_entry(entry("a", 5));
        let mut older = entry("a", 3);
        older.original_name = "older.png".to_owned();
        manifest.merge_entry(older);
        assert_eq!(manifest.entries["a.png"].original_name, "a.png");
    }

    #[test]
    fn tombstone_survives_older_upload() {
        let mut manifest = Manifest::new();
        let mut removed = entry("a", 9);
        removed.removed = true;
        manifest.merge_entry(removed);
        manifest.merge_entry(entry("a", 4));
        assert!(manifest.entries["a.png"].removed);
        assert!(manifest.live_entries().is_empty());
    }

    #[test]
    fn merge_order_does_not_matter() {
        let entries = [entry("a", 1), entry("a", 2), entry("b", 1)];
        let mut forward = Manifest::new();
        let mut backward = Manifest::new();
        for item in &entries {
            forward.merge_entry(item.clone());
        }
        for item in entries.iter().rev() {
            backward.merge_entry(item.clone());
        }
        assert_eq!(forward, backward);
    }

    #[test]
    fn parse_round_trips() {
        let mut manifest = Manifest::new();
        manifest.merge_entry(entry("a", 1));
        assert_eq!(Manifest::parse(&manifest.to_json()).unwrap(), manifest);
    }

    #[test]
    fn parse_rejects_newer_version() {
        let json = br#"{"version": 99, "entries": {}}"#;
        let error = Manifest::parse(json).unwrap_err();
        assert!(error.contains("newer app"), "{error}");
    }

    #[test]
    fn parse_rejects_garbage() {
        assert!(Manifest::parse(b"<html>").is_err());
    }
}

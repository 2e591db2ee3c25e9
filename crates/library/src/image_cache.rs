//! Thumbnails and previews on disk, addressed by content hash.
//!
//! Keys look like `thumb/<sha256>` and `preview/<sha256>`, where the hash is
//! that of the stored object. The webview fetches them through the app's URI
//! scheme, so image bytes never cross the JSON bridge.

use std::path::{Path, PathBuf};

use crate::error::LibraryError;

/// Counts the cache writes of this process, to name each write's partial file.
static PARTIAL_WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Long edge of gallery thumbnails, in pixels.
pub const THUMBNAIL_MAX_EDGE_PX: u32 = 320;

/// An image read from the cache, ready to serve.
#[derive(Clone, Debug)]
pub struct CachedImage {
    /// The encoded image.
    pub bytes: Vec<u8>,
    /// Its content type, for example `image/jpeg`.
    pub content_type: &'static str,
}

/// Which rendition of an asset a cache entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rendition {
    /// A small tile for the gallery grid.
    Thumbnail,
    /// The stored object itself, for the larger preview.
    Preview,
}

impl Rendition {
    fn folder(self) -> &'static str {
        match self {
            Rendition::Thumbnail => "thumb",
            Rendition::Preview => "preview",
        }
    }
}

/// The folder of cached renditions.
pub struct ImageCache {
    root: PathBuf,
}

const EXTENSIONS: [(&str, &str); 4] = [
    ("jpg", "image/jpeg"),
    ("png", "image/png"),
    ("webp", "image/webp"),
    ("gif", "image/gif"),
];

impl ImageCache {
    /// Opens the cache under `root`, creating its folders.
    pub fn open(root: &Path) -> Result<Self, LibraryError> {
        for rendition in [Rendition::Thumbnail, Rendition::Preview] {
            let folder = root.join(rendition.folder());
            std::fs::create_dir_all(&folder).map_err(|source| LibraryError::Io {
                path: folder,
                source,
            })?;
        }
        Ok(ImageCache {
            root: root.to_owned(),
        })
    }

    /// Returns the key of a rendition, for example `thumb/<sha256>`.
    pub fn key(rendition: Rendition, sha256: &str) -> String {
        format!("{}/{sha256}", rendition.folder())
    }

    /// Returns the key of the rendition if it is cached.
    pub fn cached_key(&self, rendition: Rendition, sha256: &str) -> Option<String> {
        self.find(rendition, sha256)
            .map(|_| Self::key(rendition, sha256))
    }

    /// Stores a rendition, replacing any earlier one, and returns its key.
    ///
    /// The file is written under a temporary name and renamed, so a reader never sees half of it.
    pub fn store(
        &self,
        rendition: Rendition,
        sha256: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Result<String, LibraryError> {
        let extension = EXTENSIONS
            .iter()
            .find(|(_, known)| *known == content_type)
            .map_or("bin", |(extension, _)| *extension);
        let folder = self.root.join(rendition.folder());
        let final_path = folder.join(format!("{sha256}.{extension}"));
        // Two files with the same prepared bytes can be cached at once, so each write has a
        // partial file of its own. The renames then replace one identical file with another.
        let writer = PARTIAL_WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let partial_path = folder.join(format!(
            "{sha256}.{extension}.{}-{writer}.partial",
            std::process::id()
        ));
        std::fs::write(&partial_path, bytes)
            .and_then(|()| std::fs::rename(&partial_path, &final_path))
            .map_err(|source| LibraryError::Io {
                path: final_path,
                source,
            })?;
        Ok(Self::key(rendition, sha256))
    }

    /// Deletes renditions left half-written by a crash.
    pub fn remove_partial_files(&self) {
        for rendition in [Rendition::Thumbnail, Rendition::Preview] {
            let Ok(entries) = std::fs::read_dir(self.root.join(rendition.folder())) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path
                    .extension()
                    .is_some_and(|extension| extension == "partial")
                    && let Err(error) = std::fs::remove_file(&path)
                {
                    tracing::warn!(%error, path = %path.display(), "could not delete a partial cache file");
                }
            }
        }
    }

    /// Reads a cached rendition by key; `None` for an unknown or malformed key.
    pub fn read(&self, key: &str) -> Option<CachedImage> {
        let (folder, sha256) = key.split_once('/')?;
        let rendition = match folder {
            "thumb" => Rendition::Thumbnail,
            "preview" => Rendition::Preview,
            _ => return None,
        };
        let (path, content_type) = self.find(rendition, sha256)?;
        let bytes = std::fs::read(path).ok()?;
        Some(CachedImage {
            bytes,
            content_type,
        })
    }

    fn find(&self, rendition: Rendition, sha256: &str) -> Option<(PathBuf, &'static str)> {
        if !is_sha256_hex(sha256) {
            return None;
        }
        let folder = self.root.join(rendition.folder());
        EXTENSIONS.iter().find_map(|(extension, content_type)| {
            let path = folder.join(format!("{sha256}.{extension}"));
            path.is_file().then_some((path, *content_type))
        })
    }
}

/// Tells whether `value` is 64 lowercase hex digits, so it can never name a path outside the cache.
fn is_sha256_hex(value: &str) -> bool {
    value.len() == 64
        && value
            .bytes()
            .all(|byte| matches!(byte, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const HASH: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn same_image_stored_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let cache = std::sync::Arc::new(ImageCache::open(dir.path()).unwrap());
        let writers: Vec<_> = (0..8)
            .map(|_| {
                let cache = std::sync::Arc::clone(&cache);
                std::thread::spawn(move || {
                    for _ in 0..50 {
                        cache
                            .store(Rendition::Thumbnail, HASH, "image/png", b"png")
                            .unwrap();
                    }
                })
            })
            .collect();
        for writer in writers {
            writer.join().unwrap();
        }

        let key = ImageCache::key(Rendition::Thumbnail, HASH);
        assert_eq!(cache.read(&key).unwrap().bytes, b"png");
        let leftovers = std::fs::read_dir(dir.path().join(Rendition::Thumbnail.folder()))
            .unwrap()
            .count();
        assert_eq!(leftovers, 1, "no partial file is left");
    }

    #[test]
    fn stored_image_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ImageCache::open(dir.path()).unwrap();
        let key = cache
            .store(Rendition::Thumbnail, HASH, "image/png", b"png")
            .unwrap();
        let image = cache.read(&key).unwrap();
        assert_eq!(image.bytes, b"png");
        assert_eq!(image.content_type, "image/png");
    }

    #[test]
    fn traversal_keys_are_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ImageCache::open(dir.path()).unwrap();
        assert!(cache.read("thumb/../../etc/passwd").is_none());
        assert!(cache.read("other/0123").is_none());
        assert!(cache.read("thumb").is_none());
    }
}

//! Preparing one file for upload, into the prepared cache.
//!
//! Images are decoded, oriented, resized and encoded by `pers-imaging`, and the
//! output is written to `data_dir/prepared/` under a temporary name and then
//! renamed, so a crash never leaves half an output under the final name. PDF
//! documents are sent unchanged from where they are, so nothing is copied.
//! A resumed file reuses its output after checking its hash, so it is not
//! encoded again.

use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::LibraryError;
use crate::events::JobId;
use crate::journal::PreparedRecord;

/// The magic bytes that start every PDF file.
const PDF_MAGIC: &[u8] = b"%PDF-";

/// Suffix of outputs still being written; such files are deleted when the library opens.
pub(crate) const PARTIAL_SUFFIX: &str = ".partial";

/// Size of the reads that hash a file, in bytes.
const HASH_CHUNK_BYTES: usize = 256 * 1024;

/// The library settings that preparing uses.
#[derive(Clone)]
pub(crate) struct PrepareSettings {
    pub preset: pers_imaging::Preset,
    pub limits: pers_imaging::Limits,
    pub max_document_bytes: u64,
    pub prepared_dir: PathBuf,
}

/// Returns the content type storage expects for a PUT of `extension`.
///
/// Storage signs the upload URL with the type its extension maps to, so the PUT must send that
/// type: `png`, `jpg`/`jpeg`, `webp`, `gif` and `json` have their own, and everything else,
/// PDF included, is `application/octet-stream`.
pub(crate) fn storage_content_type(extension: &str) -> &'static str {
    match extension {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "json" => "application/json",
        _ => "application/octet-stream",
    }
}

/// Prepares the file at `path` (shown to the user as `name`) and returns what to upload.
///
/// Runs on a blocking thread. Fails with [`LibraryError::Io`] when the file cannot be read, with
/// [`LibraryError::Imaging`] when it is not an accepted image or is too large, and with
/// [`LibraryError::InvalidRequest`] for folders and documents over the maximum size.
pub(crate) fn prepare_file(
    path: &Path,
    name: &str,
    job_id: JobId,
    file_id: u32,
    settings: &PrepareSettings,
) -> Result<PreparedRecord, LibraryError> {
    let io_error = |source| LibraryError::Io {
        path: path.to_owned(),
        source,
    };
    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        // Queued paths are kept as UTF-8 text, with U+FFFD in place of invalid bytes, so a
        // name that was not UTF-8 no longer names the file.
        Err(error)
            if error.kind() == std::io::ErrorKind::NotFound
                && path.to_string_lossy().contains('\u{FFFD}') =>
        {
            return Err(LibraryError::InvalidRequest(format!(
                "{name}: the file name is not valid UTF-8, so the file cannot be read; rename \
                 it and add it again"
            )));
        }
        Err(error) => return Err(io_error(error)),
    };
    if !metadata.is_file() {
        return Err(LibraryError::InvalidRequest(format!(
            "{name}: not a file; add image or PDF files, not folders"
        )));
    }
    if starts_with(path, PDF_MAGIC).map_err(io_error)? {
        return prepare_document(path, name, metadata.len(), settings);
    }
    if metadata.len() > settings.limits.max_file_bytes {
        let source = pers_imaging::ImagingError::FileTooLarge {
            bytes: metadata.len(),
            max_bytes: settings.limits.max_file_bytes,
        };
        return Err(LibraryError::Imaging {
            name: name.to_owned(),
            source,
        });
    }
    prepare_image(path, name, job_id, file_id, settings)
}

/// Tells whether a recorded output can be sent as it is: it exists and still has its hash.
pub(crate) fn is_reusable(record: &PreparedRecord) -> bool {
    let path = Path::new(&record.path);
    match hash_file(path) {
        Ok(digests) => digests.sha256 == record.sha256 && digests.size == record.size_bytes,
        Err(_) => false,
    }
}

/// Deletes a prepared output that is no longer needed; pass-through sources are never deleted.
pub(crate) fn discard(record: &PreparedRecord) {
    if record.pass_through {
        return;
    }
    if let Err(error) = std::fs::remove_file(&record.path)
        && error.kind() != std::io::ErrorKind::NotFound
    {
        tracing::warn!(%error, path = %record.path, "could not delete a prepared file");
    }
}

/// Deletes every output of `job_id` left in `dir`: those of files that failed or were skipped
/// after a restart, and partial ones.
pub(crate) fn clean_job_outputs(dir: &Path, job_id: JobId) {
    let prefix = format!("{job_id}-");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(&prefix)
            && let Err(error) = std::fs::remove_file(entry.path())
        {
            tracing::warn!(%error, path = %entry.path().display(), "could not delete a prepared file");
        }
    }
}

/// Deletes every partial output, and every output that no journaled file needs.
pub(crate) fn clean_prepared_dir(dir: &Path, needed: &[String]) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let keep = needed.iter().any(|needed| Path::new(needed) == path);
        if keep {
            continue;
        }
        match std::fs::remove_file(&path) {
            Ok(()) => tracing::debug!(path = %path.display(), "deleted a leftover prepared file"),
            Err(error) => {
                tracing::warn!(%error, path = %path.display(), "could not delete a leftover prepared file")
            }
        }
    }
}

fn prepare_document(
    path: &Path,
    name: &str,
    size: u64,
    settings: &PrepareSettings,
) -> Result<PreparedRecord, LibraryError> {
    if size > settings.max_document_bytes {
        return Err(LibraryError::InvalidRequest(format!(
            "{name}: the document is {size} bytes, more than the maximum of {} bytes; \
             split or compress it",
            settings.max_document_bytes
        )));
    }
    let io_error = |source| LibraryError::Io {
        path: path.to_owned(),
        source,
    };
    if !has_pdf_structure(path, size).map_err(io_error)? {
        return Err(LibraryError::InvalidRequest(format!(
            "{name}: not a valid PDF (it starts like one but has no version header or no %%EOF \
             end marker); export the document again, or drop an image"
        )));
    }
    let FileDigests { sha256, md5, size } = hash_file(path).map_err(io_error)?;
    let extension = "pdf";
    Ok(PreparedRecord {
        path: path.to_string_lossy().into_owned(),
        pass_through: true,
        file_name: crate::naming::derived_file_name(name, &sha256),
        sha256,
        size_bytes: size,
        extension: extension.to_owned(),
        upload_content_type: storage_content_type(extension).to_owned(),
        content_type: "application/pdf".to_owned(),
        width: None,
        height: None,
        animation: None,
        md5: Some(md5),
    })
}

/// Number of bytes at the end of a PDF searched for its `%%EOF` marker, as PDF readers do.
const PDF_TRAILER_SEARCH_BYTES: u64 = 1024;

/// Checks the frame of a PDF: a `%PDF-d.d` version header and an `%%EOF` marker near the end.
///
/// This rejects a file that only starts with the magic bytes; it does not validate the body.
fn has_pdf_structure(path: &Path, size: u64) -> std::io::Result<bool> {
    use std::io::{Read, Seek, SeekFrom};

    let mut file = std::fs::File::open(path)?;
    let mut header = [0u8; 8];
    if file.read_exact(&mut header).is_err() {
        return Ok(false);
    }
    let version_ok = header[5].is_ascii_digit() && header[6] == b'.' && header[7].is_ascii_digit();
    let tail_len = size.min(PDF_TRAILER_SEARCH_BYTES);
    file.seek(SeekFrom::Start(size - tail_len))?;
    let mut tail = Vec::with_capacity(tail_len as usize);
    file.take(tail_len).read_to_end(&mut tail)?;
    let has_end_marker = tail.windows(5).any(|window| window == b"%%EOF");
    Ok(version_ok && has_end_marker)
}

fn prepare_image(
    path: &Path,
    name: &str,
    job_id: JobId,
    file_id: u32,
    settings: &PrepareSettings,
) -> Result<PreparedRecord, LibraryError> {
    let bytes = std::fs::read(path).map_err(|source| LibraryError::Io {
        path: path.to_owned(),
        source,
    })?;
    let image =
        pers_imaging::prepare(&bytes, &settings.preset, &settings.limits).map_err(|source| {
            LibraryError::Imaging {
                name: name.to_owned(),
                source,
            }
        })?;
    let sha256 = hex::encode(Sha256::digest(&image.bytes));
    let md5 = hex::encode(md5::Md5::digest(&image.bytes));
    let extension = image.format.extension();
    let output = settings
        .prepared_dir
        .join(format!("{job_id}-{file_id}-{}.{extension}", &sha256[..16]));
    write_atomically(&output, &image.bytes)?;
    Ok(PreparedRecord {
        path: output.to_string_lossy().into_owned(),
        pass_through: false,
        file_name: crate::naming::derived_file_name(name, &sha256),
        sha256,
        size_bytes: image.bytes.len() as u64,
        extension: extension.to_owned(),
        upload_content_type: storage_content_type(extension).to_owned(),
        content_type: image.format.content_type().to_owned(),
        width: Some(image.width),
        height: Some(image.height),
        animation: image.animation.map(Into::into),
        md5: Some(md5),
    })
}

/// Writes `bytes` under a temporary name, syncs it and renames it to `path`.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), LibraryError> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(PARTIAL_SUFFIX);
    let partial = PathBuf::from(partial);
    let write = || -> std::io::Result<()> {
        let mut file = std::fs::File::create(&partial)?;
        std::io::Write::write_all(&mut file, bytes)?;
        file.sync_all()?;
        std::fs::rename(&partial, path)
    };
    write().map_err(|source| LibraryError::Io {
        path: path.to_owned(),
        source,
    })
}

fn starts_with(path: &Path, magic: &[u8]) -> std::io::Result<bool> {
    let mut head = vec![0; magic.len()];
    let mut file = std::fs::File::open(path)?;
    let mut filled = 0;
    while filled < head.len() {
        let count = file.read(&mut head[filled..])?;
        if count == 0 {
            return Ok(false);
        }
        filled += count;
    }
    Ok(head == magic)
}

/// The hex digests and the size of a file, from one read of it.
pub(crate) struct FileDigests {
    /// Hex SHA-256, which names the file in storage and the manifest.
    pub sha256: String,
    /// Hex MD5, which a single-part S3 ETag is.
    pub md5: String,
    /// Size in bytes.
    pub size: u64,
}

/// Returns the SHA-256, the MD5 and the size of the file at `path`, reading it once in chunks.
pub(crate) fn hash_file(path: &Path) -> std::io::Result<FileDigests> {
    let mut file = std::fs::File::open(path)?;
    let mut sha256 = Sha256::new();
    let mut md5 = md5::Md5::new();
    let mut buffer = vec![0; HASH_CHUNK_BYTES];
    let mut size = 0u64;
    loop {
        let count = file.read(&mut buffer)?;
        if count == 0 {
            break;
        }
        sha256.update(&buffer[..count]);
        md5.update(&buffer[..count]);
        size += count as u64;
    }
    Ok(FileDigests {
        sha256: hex::encode(sha256.finalize()),
        md5: hex::encode(md5.finalize()),
        size,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn settings(dir: &Path) -> PrepareSettings {
        PrepareSettings {
            preset: pers_imaging::Preset::default(),
            limits: pers_imaging::Limits::default(),
            max_document_bytes: 1024,
            prepared_dir: dir.to_owned(),
        }
    }

    #[cfg(unix)]
    #[test]
    fn non_utf8_name_rejected_by_name() {
        use std::os::unix::ffi::OsStrExt;

        let dir = tempfile::tempdir().unwrap();
        let raw = dir.path().join(std::ffi::OsStr::from_bytes(b"caf\xe9.pdf"));
        std::fs::write(&raw, b"%PDF-1.4\n%%EOF\n").unwrap();
        // The path as the queue keeps it.
        let queued = PathBuf::from(raw.to_string_lossy().into_owned());
        let result = prepare_file(&queued, "caf\u{FFFD}.pdf", 1, 0, &settings(dir.path()));
        let Err(LibraryError::InvalidRequest(message)) = result else {
            panic!("expected InvalidRequest, got {result:?}");
        };
        assert!(message.contains("not valid UTF-8"), "{message}");
        assert!(message.contains("rename"), "{message}");
    }

    #[test]
    fn pdf_is_passed_through() {
        let dir = tempfile::tempdir().unwrap();
        let pdf = dir.path().join("terms.pdf");
        std::fs::write(&pdf, b"%PDF-1.4\n%%EOF\n").unwrap();
        let record = prepare_file(&pdf, "terms.pdf", 1, 0, &settings(dir.path())).unwrap();
        assert!(record.pass_through);
        assert_eq!(record.content_type, "application/pdf");
        assert_eq!(record.upload_content_type, "application/octet-stream");
        assert_eq!(record.extension, "pdf");
        assert!(is_reusable(&record));
    }

    #[test]
    fn file_that_only_starts_like_pdf_is_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let fake = dir.path().join("fake_pdf.png");
        std::fs::write(&fake, b"%PDF-1.4\n<html><script>alert(1)</script>").unwrap();
        let error = prepare_file(&fake, "fake_pdf.png", 1, 0, &settings(dir.path())).unwrap_err();
        assert!(error.to_string().contains("not a valid PDF"), "{error}");
        assert!(error.to_string().contains("fake_pdf.png"), "{error}");
    }

    #[test]
    fn magic_bytes_alone_are_not_a_pdf() {
        let dir = tempfile::tempdir().unwrap();
        let short = dir.path().join("short.pdf");
        std::fs::write(&short, b"%PDF-").unwrap();
        let error = prepare_file(&short, "short.pdf", 1, 0, &settings(dir.path())).unwrap_err();
        assert!(error.to_string().contains("not a valid PDF"), "{error}");
    }

    #[test]
    fn large_pdf_is_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let pdf = dir.path().join("big.pdf");
        let mut body = b"%PDF-1.4\n".to_vec();
        body.resize(2048, b' ');
        std::fs::write(&pdf, body).unwrap();
        let error = prepare_file(&pdf, "big.pdf", 1, 0, &settings(dir.path())).unwrap_err();
        assert!(
            error.to_string().contains("maximum of 1024 bytes"),
            "{error}"
        );
    }

    #[test]
    fn changed_source_is_not_reusable() {
        let dir = tempfile::tempdir().unwrap();
        let pdf = dir.path().join("terms.pdf");
        std::fs::write(&pdf, b"%PDF-1.4\n%%EOF\n").unwrap();
        let record = prepare_file(&pdf, "terms.pdf", 1, 0, &settings(dir.path())).unwrap();
        std::fs::write(&pdf, b"%PDF-1.5\n%%EOF\n").unwrap();
        assert!(!is_reusable(&record));
    }

    #[test]
    fn job_cleaning_keeps_other_jobs() {
        let dir = tempfile::tempdir().unwrap();
        let mine = dir.path().join("12-0-abc.png");
        let other = dir.path().join("123-0-abc.png");
        std::fs::write(&mine, b"x").unwrap();
        std::fs::write(&other, b"x").unwrap();
        clean_job_outputs(dir.path(), 12);
        assert!(!mine.exists());
        assert!(other.exists());
    }

    #[test]
    fn cleaning_keeps_needed_outputs() {
        let dir = tempfile::tempdir().unwrap();
        let needed = dir.path().join("1-0-abc.png");
        let stale = dir.path().join("1-1-def.png");
        let partial = dir.path().join("1-2-0a1.png.partial");
        for path in [&needed, &stale, &partial] {
            std::fs::write(path, b"x").unwrap();
        }
        clean_prepared_dir(dir.path(), &[needed.to_string_lossy().into_owned()]);
        assert!(needed.exists());
        assert!(!stale.exists());
        assert!(!partial.exists());
    }
}

//! Validation of `POST /v2/files/entity-storage-url` requests, and the object keys and content
//! types derived from them.

use crate::presign::BUCKET_NAME;
use crate::problem::{Problem, quoted};

/// Maximum length of `fileExtension`, without the leading dot.
pub(crate) const MAX_EXTENSION_CHARS: usize = 10;

/// Maximum length of `fileName` in bytes. With the extension the key's last segment stays under
/// the 255-byte file name limit of the file systems s3s-fs writes to.
pub(crate) const MAX_FILE_NAME_BYTES: usize = 200;

/// Maximum object key length, in bytes, that the embedded store accepts.
///
/// s3s-fs 0.14.1 writes each object's metadata to one file in the store root named
/// `.bucket-{b64(bucket)}.object-{b64(key)}.metadata.json` (URL-safe base64 without padding), and
/// a file name may have at most 255 bytes. With the bucket name [`BUCKET_NAME`] this allows keys
/// of 157 bytes, so long file names on entities with long ids are rejected here instead of
/// failing in the store with 500.
pub(crate) const MAX_OBJECT_KEY_BYTES: usize = max_object_key_bytes();

const fn max_object_key_bytes() -> usize {
    const MAX_FILE_NAME_BYTES_ON_DISK: usize = 255;
    let fixed = ".bucket-".len() + ".object-".len() + ".metadata.json".len();
    let bucket_chars = (BUCKET_NAME.len() * 4).div_ceil(3);
    let key_chars = MAX_FILE_NAME_BYTES_ON_DISK - fixed - bucket_chars;
    key_chars * 3 / 4
}

/// Entity kinds that can own files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EntityType {
    Token,
    Campaign,
    Redemption,
    Business,
    Tenant,
    User,
}

impl EntityType {
    /// Parses the API name (`token`, `campaign`, …); 400 for anything else.
    pub fn parse(value: &str) -> Result<Self, Problem> {
        match value {
            "token" => Ok(Self::Token),
            "campaign" => Ok(Self::Campaign),
            "redemption" => Ok(Self::Redemption),
            "business" => Ok(Self::Business),
            "tenant" => Ok(Self::Tenant),
            "user" => Ok(Self::User),
            _ => Err(Problem::validation(
                "entityType",
                format!(
                    "entityType {} is invalid; use token, campaign, redemption, business, \
                     tenant or user",
                    quoted(value)
                ),
            )),
        }
    }

    /// Returns the API name, also used as the key segment.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Token => "token",
            Self::Campaign => "campaign",
            Self::Redemption => "redemption",
            Self::Business => "business",
            Self::Tenant => "tenant",
            Self::User => "user",
        }
    }
}

/// Checks `fileExtension` and returns it lowercased without a leading dot.
///
/// It must be 1 to [`MAX_EXTENSION_CHARS`] ASCII letters or digits after the optional dot.
pub(crate) fn normalize_extension(value: &str) -> Result<String, Problem> {
    let extension = value.strip_prefix('.').unwrap_or(value);
    if extension.is_empty() {
        return Err(Problem::validation(
            "fileExtension",
            "fileExtension is required, for example \"png\"",
        ));
    }
    if extension.len() > MAX_EXTENSION_CHARS
        || !extension.chars().all(|c| c.is_ascii_alphanumeric())
    {
        return Err(Problem::validation(
            "fileExtension",
            format!(
                "fileExtension {} is invalid; use 1 to {MAX_EXTENSION_CHARS} letters or digits",
                quoted(value)
            ),
        ));
    }
    Ok(extension.to_ascii_lowercase())
}

/// Checks `fileName`: at most [`MAX_FILE_NAME_BYTES`] bytes, not empty, not `.` or `..`, and no
/// `/`, `\` or control characters.
pub(crate) fn validate_file_name(value: &str) -> Result<(), Problem> {
    let invalid =
        |reason: &str| Problem::validation("fileName", format!("fileName is invalid: {reason}"));
    if value.is_empty() {
        return Err(invalid("it is empty; omit it to get a generated name"));
    }
    if value.len() > MAX_FILE_NAME_BYTES {
        return Err(invalid(&format!(
            "it is longer than {MAX_FILE_NAME_BYTES} bytes"
        )));
    }
    if value == "." || value == ".." {
        return Err(invalid("it must not be . or .."));
    }
    if value
        .chars()
        .any(|c| c == '/' || c == '\\' || c.is_control())
    {
        return Err(invalid("it must not contain /, \\ or control characters"));
    }
    Ok(())
}

/// Returns the `Content-Type` an upload with this (normalized) extension must send.
pub(crate) fn content_type_for(extension: &str) -> &'static str {
    match extension {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "json" => "application/json",
        _ => "application/octet-stream",
    }
}

/// Builds `entities/{entityType}/{entityId}/{fileName}.{extension}`.
///
/// Fails with 400 (`target` `fileName`) when the key is longer than [`MAX_OBJECT_KEY_BYTES`].
pub(crate) fn object_key(
    entity_type: EntityType,
    entity_id: &str,
    file_name: &str,
    extension: &str,
) -> Result<String, Problem> {
    let key = format!(
        "entities/{}/{entity_id}/{file_name}.{extension}",
        entity_type.as_str()
    );
    if key.len() > MAX_OBJECT_KEY_BYTES {
        let max_name_bytes = MAX_OBJECT_KEY_BYTES.saturating_sub(key.len() - file_name.len());
        return Err(Problem::validation(
            "fileName",
            format!(
                "fileName is too long for this entity: the sandbox store accepts object keys of at \
                 most {MAX_OBJECT_KEY_BYTES} bytes, so fileName may have at most \
                 {max_name_bytes} bytes here"
            ),
        ));
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn extension_strips_dot_and_lowercases() {
        assert_eq!(normalize_extension(".PNG").unwrap(), "png");
        assert_eq!(normalize_extension("webp").unwrap(), "webp");
    }

    #[test]
    fn extension_rejects_bad_values() {
        for value in ["", ".", "p g", "png/", "abcdefghijk", "tar.gz", "pn\u{e9}"] {
            assert!(
                normalize_extension(value).is_err(),
                "{value:?} must be rejected"
            );
        }
    }

    #[test]
    fn file_name_rules() {
        assert!(validate_file_name("logo 2024 (final)").is_ok());
        assert!(validate_file_name(&"a".repeat(MAX_FILE_NAME_BYTES)).is_ok());
        for value in ["", ".", "..", "a/b", "a\\b", "a\nb", "a\u{7f}"] {
            assert!(
                validate_file_name(value).is_err(),
                "{value:?} must be rejected"
            );
        }
        assert!(validate_file_name(&"a".repeat(MAX_FILE_NAME_BYTES + 1)).is_err());
    }

    #[test]
    fn max_object_key_matches_store_layout() {
        // 255 - 30 fixed bytes - 15 base64 characters of "pers-assets" leaves 210 characters.
        assert_eq!(MAX_OBJECT_KEY_BYTES, 157);
    }

    #[test]
    fn object_key_length_limit() {
        let id = "907fb366-2efd-4876-bff5-837109f523e6";
        let fixed = "entities/redemption//.png".len() + id.len();
        let longest = "a".repeat(MAX_OBJECT_KEY_BYTES - fixed);
        assert!(object_key(EntityType::Redemption, id, &longest, "png").is_ok());
        let too_long = format!("{longest}a");
        assert!(object_key(EntityType::Redemption, id, &too_long, "png").is_err());
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type_for("jpeg"), "image/jpeg");
        assert_eq!(content_type_for("bin"), "application/octet-stream");
    }
}

//! Derived storage names for uploaded files.
//!
//! The `fileName` sent to the API is not the user's name: it is an ASCII slug
//! of the original name, a short hash of the content and a short hash of the
//! original name, `{slug}-{content}-{name}`. The same file (same bytes under
//! the same name) always gets the same derived name, which makes retries,
//! resumed uploads and repeated drops idempotent, and no character that needs
//! escaping ever reaches a signed URL or object key.
//!
//! The name hash is taken over the exact UTF-8 bytes of the original name,
//! with no case folding and no Unicode normalisation. So `logo.png` and
//! `Logo.png`, or `café.png` written in NFC (`e9`) and in NFD (`e` followed by
//! U+0301), are distinct files with distinct derived names and distinct
//! manifest keys, even when their bytes are identical. The manifest keeps each
//! original name unchanged in `originalName`.

use sha2::{Digest, Sha256};

/// Maximum length of the slug part of a derived name, in bytes.
pub const MAX_SLUG_BYTES: usize = 48;

/// Number of hex digits of the content hash kept in a derived name.
pub const NAME_HASH_HEX_DIGITS: usize = 12;

/// Number of hex digits of the SHA-256 of the original name kept in a derived name.
pub const ORIGINAL_NAME_HASH_HEX_DIGITS: usize = 8;

/// Derives the storage file name (without extension) for `original_name` and
/// the hex SHA-256 of the prepared bytes.
///
/// The slug keeps ASCII letters and digits, lowercased, and folds every other
/// run of characters into one `-`; a name with nothing left becomes `file`.
pub fn derived_file_name(original_name: &str, sha256_hex: &str) -> String {
    let stem = original_stem(original_name);
    let slug = slugify(stem);
    let hash_len = NAME_HASH_HEX_DIGITS.min(sha256_hex.len());
    let name_hash = hex::encode(Sha256::digest(original_name.as_bytes()));
    format!(
        "{slug}-{}-{}",
        &sha256_hex[..hash_len],
        &name_hash[..ORIGINAL_NAME_HASH_HEX_DIGITS]
    )
}

fn original_stem(name: &str) -> &str {
    match name.rfind('.') {
        Some(dot) if dot > 0 => &name[..dot],
        _ => name,
    }
}

fn slugify(stem: &str) -> String {
    let mut slug = String::new();
    let mut pending_dash = false;
    for character in stem.chars() {
        if character.is_ascii_alphanumeric() {
            if pending_dash && !slug.is_empty() {
                slug.push('-');
            }
            pending_dash = false;
            if slug.len() >= MAX_SLUG_BYTES {
                break;
            }
            slug.push(character.to_ascii_lowercase());
        } else {
            pending_dash = true;
        }
    }
    if slug.is_empty() {
        "file".to_owned()
    } else {
        slug
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    /// The derived name without its trailing original-name hash.
    fn without_name_hash(derived: &str) -> &str {
        &derived[..derived.len() - ORIGINAL_NAME_HASH_HEX_DIGITS - 1]
    }

    #[test]
    fn slug_keeps_ascii_words() {
        let derived = derived_file_name("Summer Sale 2026.JPG", HASH);
        assert_eq!(without_name_hash(&derived), "summer-sale-2026-0123456789ab");
    }

    #[test]
    fn special_characters_fold_to_dashes() {
        let derived = derived_file_name("a&b=c+d%e.png", HASH);
        assert_eq!(without_name_hash(&derived), "a-b-c-d-e-0123456789ab");
    }

    #[test]
    fn name_without_ascii_becomes_file() {
        let cjk = derived_file_name("日本.png", HASH);
        assert_eq!(without_name_hash(&cjk), "file-0123456789ab");
        let dot = derived_file_name(".png", HASH);
        assert_eq!(without_name_hash(&dot), "png-0123456789ab");
    }

    #[test]
    fn accents_are_dropped_not_escaped() {
        let derived = derived_file_name("café.png", HASH);
        assert_eq!(without_name_hash(&derived), "caf-0123456789ab");
        assert!(derived.is_ascii());
    }

    #[test]
    fn long_names_are_capped() {
        let name = format!("{}.png", "x".repeat(300));
        let derived = derived_file_name(&name, HASH);
        let expected =
            MAX_SLUG_BYTES + 1 + NAME_HASH_HEX_DIGITS + 1 + ORIGINAL_NAME_HASH_HEX_DIGITS;
        assert_eq!(derived.len(), expected);
    }

    #[test]
    fn same_name_and_content_is_stable() {
        assert_eq!(
            derived_file_name("logo.png", HASH),
            derived_file_name("logo.png", HASH)
        );
    }

    #[test]
    fn case_and_normalisation_give_distinct_names() {
        let nfc = derived_file_name("caf\u{e9}.png", HASH);
        let nfd = derived_file_name("cafe\u{301}.png", HASH);
        assert_ne!(nfc, nfd, "NFC and NFD spellings are distinct files");
        assert_ne!(
            derived_file_name("Logo.png", HASH),
            derived_file_name("logo.png", HASH),
            "names differing in case are distinct files"
        );
    }
}

//! Derived storage names for uploaded files.
//!
//! The `fileName` sent to the API is not the user's name: it is an ASCII slug
//! of the original name plus a short content hash. The same content always
//! gets the same name, which makes retries and repeated drops idempotent, and
//! no character that needs escaping ever reaches a signed URL or object key.

/// Maximum length of the slug part of a derived name, in bytes.
pub const MAX_SLUG_BYTES: usize = 48;

/// Number of hex digits of the content hash kept in a derived name.
pub const NAME_HASH_HEX_DIGITS: usize = 12;

/// Derives the storage file name (without extension) for `original_name` and
/// the hex SHA-256 of the prepared bytes.
///
/// The slug keeps ASCII letters and digits, lowercased, and folds every other
/// run of characters into one `-`; a name with nothing left becomes `file`.
pub fn derived_file_name(original_name: &str, sha256_hex: &str) -> String {
    let stem = original_stem(original_name);
    let slug = slugify(stem);
    let hash_len = NAME_HASH_HEX_DIGITS.min(sha256_hex.len());
    format!("{slug}-{}", &sha256_hex[..hash_len])
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

    #[test]
    fn slug_keeps_ascii_words() {
        assert_eq!(
            derived_file_name("Summer Sale 2026.JPG", HASH),
            "summer-sale-2026-0123456789ab"
        );
    }

    #[test]
    fn special_characters_fold_to_dashes() {
        assert_eq!(
            derived_file_name("a&b=c+d%e.png", HASH),
            "a-b-c-d-e-0123456789ab"
        );
    }

    #[test]
    fn name_without_ascii_becomes_file() {
        assert_eq!(derived_file_name("日本.png", HASH), "file-0123456789ab");
        assert_eq!(derived_file_name(".png", HASH), "png-0123456789ab");
    }

    #[test]
    fn accents_are_dropped_not_escaped() {
        assert_eq!(derived_file_name("café.png", HASH), "caf-0123456789ab");
    }

    #[test]
    fn long_names_are_capped() {
        let name = format!("{}.png", "x".repeat(300));
        let derived = derived_file_name(&name, HASH);
        assert_eq!(derived.len(), MAX_SLUG_BYTES + 1 + NAME_HASH_HEX_DIGITS);
    }
}

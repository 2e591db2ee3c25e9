//! The EXIF block written under [`MetadataPolicy::KeepCopyright`](crate::MetadataPolicy).

use std::io::Cursor;

use exif::experimental::Writer;
use exif::{In, Tag};

/// Builds an EXIF block (a TIFF structure without the `Exif\0\0` prefix) holding only the
/// Artist and Copyright fields of the source's EXIF data `source_exif`.
///
/// Returns `None` when the source EXIF cannot be read or has neither field, so nothing is
/// written. Every other field, GPS and the orientation included, is left out.
pub(crate) fn copyright_exif(source_exif: &[u8]) -> Option<Vec<u8>> {
    let exif = match exif::Reader::new().read_raw(source_exif.to_vec()) {
        Ok(exif) => exif,
        Err(error) => {
            tracing::debug!(%error, "source EXIF unreadable, so no copyright fields are kept");
            return None;
        }
    };
    let kept: Vec<&exif::Field> = [Tag::Artist, Tag::Copyright]
        .into_iter()
        .filter_map(|tag| exif.get_field(tag, In::PRIMARY))
        .collect();
    if kept.is_empty() {
        return None;
    }
    let mut writer = Writer::new();
    for field in kept {
        writer.push_field(field);
    }
    let mut output = Cursor::new(Vec::new());
    match writer.write(&mut output, false) {
        Ok(()) => Some(output.into_inner()),
        Err(error) => {
            tracing::warn!(%error, "writing the copyright EXIF failed, so none is kept");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn exif_with(fields: &[exif::Field]) -> Vec<u8> {
        let mut writer = Writer::new();
        for field in fields {
            writer.push_field(field);
        }
        let mut output = Cursor::new(Vec::new());
        writer.write(&mut output, true).unwrap();
        output.into_inner()
    }

    fn ascii(tag: Tag, text: &str) -> exif::Field {
        exif::Field {
            tag,
            ifd_num: In::PRIMARY,
            value: exif::Value::Ascii(vec![text.as_bytes().to_vec()]),
        }
    }

    #[test]
    fn keeps_only_artist_and_copyright() {
        let source = exif_with(&[
            ascii(Tag::Artist, "Ada"),
            ascii(Tag::Copyright, "(c) Ada"),
            ascii(Tag::Make, "Nikon"),
        ]);
        let kept = copyright_exif(&source).unwrap();
        let parsed = exif::Reader::new().read_raw(kept).unwrap();
        let tags: Vec<Tag> = parsed.fields().map(|field| field.tag).collect();
        assert_eq!(tags, vec![Tag::Artist, Tag::Copyright]);
    }

    #[test]
    fn nothing_kept_without_fields() {
        let source = exif_with(&[ascii(Tag::Make, "Nikon")]);
        assert!(copyright_exif(&source).is_none());
        assert!(copyright_exif(b"not a tiff").is_none());
    }
}

//! Structural work on JPEG data: the truncation check the decoder does not make, and
//! inserting an EXIF segment into encoded output.

/// Returns false when the JPEG data has a start-of-scan marker but no end-of-image marker
/// after it, which is how a truncated file looks.
///
/// zune-jpeg, as `image` 0.25 configures it, decodes such a file and fills the missing rows
/// with grey, so this check is what turns truncation into an error. Data without a
/// start-of-scan marker returns true here and is left to the decoder to reject.
pub(crate) fn has_end_of_image(bytes: &[u8]) -> bool {
    let Some(scan_start) = find_first_scan(bytes) else {
        return true;
    };
    // Entropy-coded data stuffs every 0xFF data byte as FF 00, so FF D9 can only be a marker.
    // The search runs from the end, where the marker of a complete file is.
    bytes[scan_start..]
        .windows(2)
        .rev()
        .any(|pair| pair == [0xFF, 0xD9])
}

/// Returns `jpeg` with `exif` (a TIFF structure) inserted as an `Exif\0\0` APP1 segment
/// after SOI and the JFIF APP0 segment if there is one.
///
/// Returns `None` when `jpeg` does not start with SOI or `exif` is too long for one segment
/// (65,527 bytes after the prefix).
pub(crate) fn insert_exif(jpeg: &[u8], exif: &[u8]) -> Option<Vec<u8>> {
    const PREFIX: &[u8] = b"Exif\0\0";
    if !jpeg.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    // The length field counts itself (2 bytes), the prefix and the data.
    let length = u16::try_from(2 + PREFIX.len() + exif.len()).ok()?;
    let mut position = 2;
    if jpeg.get(2..4) == Some(&[0xFF, 0xE0]) {
        let high = *jpeg.get(4)?;
        let low = *jpeg.get(5)?;
        position = 4 + usize::from(u16::from_be_bytes([high, low]));
    }
    let (head, tail) = jpeg.split_at_checked(position)?;
    let mut output = Vec::with_capacity(jpeg.len() + usize::from(length) + 2);
    output.extend_from_slice(head);
    output.extend_from_slice(&[0xFF, 0xE1]);
    output.extend_from_slice(&length.to_be_bytes());
    output.extend_from_slice(PREFIX);
    output.extend_from_slice(exif);
    output.extend_from_slice(tail);
    Some(output)
}

/// Names the coding of a JPEG that the decoders here do not support (lossless, hierarchical,
/// arithmetic, or samples of other than 8 bits), read from its frame header.
///
/// Returns `None` for baseline, extended and progressive 8-bit JPEGs, and when no frame header
/// comes before the first scan, which the decoder then rejects.
pub(crate) fn unsupported_coding(bytes: &[u8]) -> Option<String> {
    let (marker, precision) = frame_header(bytes)?;
    let coding = match marker {
        0xC3 => "lossless coding",
        0xC5..=0xC7 => "hierarchical coding",
        0xC9..=0xCB => "arithmetic coding",
        0xCD..=0xCF => "hierarchical arithmetic coding",
        _ if precision != 8 => return Some(format!("{precision}-bit samples")),
        _ => return None,
    };
    Some(format!("{coding} (SOF{})", marker - 0xC0))
}

/// Returns the SOF marker of the first frame header before the first scan, and its sample
/// precision in bits (8 when the header is cut before it, which the decoder then rejects).
fn frame_header(bytes: &[u8]) -> Option<(u8, u8)> {
    find_segment(bytes, |position, marker| {
        // 0xC4 (DHT), 0xC8 (JPG) and 0xCC (DAC) share the range but are not frames.
        let is_frame = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        is_frame.then(|| (marker, bytes.get(position + 4).copied().unwrap_or(8)))
    })
}

/// Returns the offset of the first SOS marker.
fn find_first_scan(bytes: &[u8]) -> Option<usize> {
    find_segment(bytes, |position, marker| {
        (marker == 0xDA).then_some(position)
    })
}

/// Walks the marker segments after SOI up to the first SOS, and returns the first value that
/// `visit` returns for a segment's offset and marker.
///
/// Walking by segment length skips an EXIF thumbnail inside APP1, whose own SOS and EOI would
/// otherwise be found first.
fn find_segment<T>(bytes: &[u8], mut visit: impl FnMut(usize, u8) -> Option<T>) -> Option<T> {
    let mut position = 2;
    loop {
        // Markers may be preceded by any number of 0xFF fill bytes.
        while bytes.get(position) == Some(&0xFF) && bytes.get(position + 1) == Some(&0xFF) {
            position += 1;
        }
        if bytes.get(position) != Some(&0xFF) {
            return None;
        }
        let marker = *bytes.get(position + 1)?;
        if let Some(found) = visit(position, marker) {
            return Some(found);
        }
        match marker {
            0xDA => return None,
            // TEM and RST0..RST7 stand alone, without a length.
            0x01 | 0xD0..=0xD7 => position += 2,
            _ => {
                let high = *bytes.get(position + 2)?;
                let low = *bytes.get(position + 3)?;
                position += 2 + usize::from(u16::from_be_bytes([high, low]));
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const HEADER: [u8; 6] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x02];

    #[test]
    fn end_of_image_after_scan() {
        let mut bytes = HEADER.to_vec();
        bytes.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x02, 0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD9]);
        assert!(has_end_of_image(&bytes));
    }

    #[test]
    fn truncated_after_scan() {
        let mut bytes = HEADER.to_vec();
        bytes.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x02, 0x12, 0xFF, 0x00, 0x34]);
        assert!(!has_end_of_image(&bytes));
    }

    #[test]
    fn thumbnail_end_marker_ignored() {
        // An APP1 segment holding FF DA .. FF D9, like an EXIF thumbnail, then a cut main scan.
        let mut bytes = vec![
            0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x08, 0xFF, 0xDA, 0x01, 0xFF, 0xD9, 0x00,
        ];
        bytes.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x02, 0x12, 0x34]);
        assert!(!has_end_of_image(&bytes));
    }

    #[test]
    fn exif_after_jfif() {
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x03, 0x4A, 0xFF, 0xD9];
        let output = insert_exif(&jpeg, &[1, 2]).unwrap();
        assert_eq!(&output[..7], &jpeg[..7]);
        assert_eq!(&output[7..11], &[0xFF, 0xE1, 0x00, 0x0A]);
        assert_eq!(&output[11..17], b"Exif\0\0");
        assert_eq!(&output[17..19], &[1, 2]);
        assert_eq!(&output[19..], &[0xFF, 0xD9]);
    }

    #[test]
    fn exif_too_long_rejected() {
        let jpeg = [0xFF, 0xD8, 0xFF, 0xD9];
        assert!(insert_exif(&jpeg, &vec![0; 65_528]).is_none());
        assert!(insert_exif(&jpeg, &vec![0; 65_527]).is_some());
        assert!(insert_exif(b"not a jpeg", &[]).is_none());
    }

    /// Builds SOI, an APP0 segment and a frame header with `marker` and `precision`.
    fn with_frame(marker: u8, precision: u8) -> Vec<u8> {
        let mut bytes = HEADER.to_vec();
        bytes.extend_from_slice(&[
            0xFF, marker, 0x00, 0x0B, precision, 0, 8, 0, 8, 1, 1, 0x11, 0,
        ]);
        bytes.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x02]);
        bytes
    }

    #[test]
    fn unsupported_codings_named() {
        let cases = [
            (0xC0, 8, None),
            (0xC1, 8, None),
            (0xC2, 8, None),
            (0xC1, 12, Some("12-bit samples")),
            (0xC3, 16, Some("lossless coding (SOF3)")),
            (0xC5, 8, Some("hierarchical coding (SOF5)")),
            (0xC9, 8, Some("arithmetic coding (SOF9)")),
            (0xCA, 8, Some("arithmetic coding (SOF10)")),
            (0xCF, 8, Some("hierarchical arithmetic coding (SOF15)")),
        ];
        for (marker, precision, expected) in cases {
            assert_eq!(
                unsupported_coding(&with_frame(marker, precision)).as_deref(),
                expected,
                "marker {marker:#04x}, {precision} bits"
            );
        }
        // A DHT segment before the frame header is skipped, not read as a frame.
        let mut bytes = HEADER.to_vec();
        bytes.extend_from_slice(&[0xFF, 0xC4, 0x00, 0x03, 0x00]);
        bytes.extend_from_slice(&with_frame(0xC3, 8)[HEADER.len()..]);
        assert_eq!(
            unsupported_coding(&bytes).as_deref(),
            Some("lossless coding (SOF3)")
        );
    }

    #[test]
    fn no_scan_left_to_decoder() {
        assert!(has_end_of_image(&[0xFF, 0xD8, 0xFF]));
    }
}

//! Metadata: outputs carry no EXIF, GPS or other APPn metadata.

use std::io::Cursor;

use pers_imaging::OutputFormat;

use crate::fixtures::{card, oriented_card_jpeg};
use crate::support::{corpus, prepare_ok, read};

/// Returns the marker and payload of every segment before the first SOS of a JPEG.
fn header_segments(jpeg: &[u8]) -> Vec<(u8, &[u8])> {
    let mut segments = Vec::new();
    let mut position = 2; // after SOI
    while position + 4 <= jpeg.len() && jpeg[position] == 0xFF {
        let marker = jpeg[position + 1];
        let length = usize::from(u16::from_be_bytes([jpeg[position + 2], jpeg[position + 3]]));
        let payload = &jpeg[position + 4..(position + 2 + length).min(jpeg.len())];
        segments.push((marker, payload));
        if marker == 0xDA {
            break;
        }
        position += 2 + length;
    }
    segments
}

/// Asserts that a prepared JPEG has no EXIF by three independent checks.
fn assert_no_exif(jpeg: &[u8], name: &str) {
    let exif = exif::Reader::new().read_from_container(&mut Cursor::new(jpeg));
    match exif {
        Err(exif::Error::NotFound(_)) => {}
        Err(error) => panic!("{name}: kamadak-exif failed on the output: {error}"),
        Ok(_) => panic!("{name}: kamadak-exif found EXIF in the output"),
    }

    let segments = header_segments(jpeg);
    assert!(
        segments.iter().any(|(marker, _)| *marker == 0xDA),
        "{name}: no SOS found"
    );
    for (marker, payload) in &segments {
        assert_ne!(*marker, 0xE1, "{name}: APP1 segment present");
        let has_gps = payload.windows(3).any(|window| window == b"GPS");
        assert!(!has_gps, "{name}: segment {marker:#04x} contains \"GPS\"");
    }

    let has_exif_header = jpeg.windows(6).any(|window| window == b"Exif\0\0");
    assert!(!has_exif_header, "{name}: \"Exif\\0\\0\" bytes present");
}

#[test]
fn built_card_exif_removed() {
    let bytes = oriented_card_jpeg(&card(60, 40), 6);
    assert!(
        exif::Reader::new()
            .read_from_container(&mut Cursor::new(&bytes))
            .is_ok()
    );
    let prepared = prepare_ok(&bytes, "built card");
    assert_eq!(prepared.format, OutputFormat::Jpeg);
    assert_no_exif(&prepared.bytes, "built card");
}

#[test]
fn corpus_photos_exif_removed() {
    let Some(corpus) = corpus() else { return };
    let files = [
        "made/orientation/card_orient6_gps.jpg",
        "real/DSCN0010.jpg",
        "real/exif-samples/HMD_Nokia_8.3_5G.jpg",
        "real/exif-samples/67-0_length_string.jpg",
    ];
    for file in files {
        let bytes = read(&corpus, file);
        let source_has_gps = exif::Reader::new()
            .read_from_container(&mut Cursor::new(&bytes))
            .map(|exif| {
                exif.get_field(exif::Tag::GPSLatitude, exif::In::PRIMARY)
                    .is_some()
            });
        assert!(
            matches!(source_has_gps, Ok(true)),
            "{file}: source has no GPS latitude"
        );

        let prepared = prepare_ok(&bytes, file);
        assert_eq!(prepared.format, OutputFormat::Jpeg, "{file}");
        assert_no_exif(&prepared.bytes, file);
    }
}

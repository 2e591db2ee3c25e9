//! Metadata: outputs carry no EXIF, GPS or other APPn metadata, except the copyright fields
//! when the preset keeps them.

use std::io::Cursor;

use pers_imaging::{FormatChoice, Limits, MetadataPolicy, OutputFormat, Preset};

use crate::fixtures::{card, jpeg, oriented_card_jpeg, stored_for, with_app1};
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
pub fn assert_no_exif(jpeg: &[u8], name: &str) {
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

/// Builds an EXIF APP1 segment with Artist, Copyright, Make and Orientation 6.
pub fn copyright_app1() -> Vec<u8> {
    let ascii = |tag, text: &str| exif::Field {
        tag,
        ifd_num: exif::In::PRIMARY,
        value: exif::Value::Ascii(vec![text.as_bytes().to_vec()]),
    };
    let fields = [
        ascii(exif::Tag::Artist, "Ada Lovelace"),
        ascii(exif::Tag::Copyright, "(c) 2026 Ada Lovelace"),
        ascii(exif::Tag::Make, "Analytical Engines"),
        exif::Field {
            tag: exif::Tag::Orientation,
            ifd_num: exif::In::PRIMARY,
            value: exif::Value::Short(vec![6]),
        },
    ];
    let mut writer = exif::experimental::Writer::new();
    for field in &fields {
        writer.push_field(field);
    }
    let mut tiff = Cursor::new(Vec::new());
    writer.write(&mut tiff, false).unwrap();
    let payload: Vec<u8> = b"Exif\0\0".iter().chain(tiff.get_ref()).copied().collect();
    let mut segment = vec![0xFF, 0xE1];
    segment.extend_from_slice(&u16::try_from(payload.len() + 2).unwrap().to_be_bytes());
    segment.extend_from_slice(&payload);
    segment
}

fn keep_copyright(format: FormatChoice) -> Preset {
    Preset {
        metadata: MetadataPolicy::KeepCopyright,
        format,
        ..Preset::default()
    }
}

pub fn field_text(exif: &exif::Exif, tag: exif::Tag) -> Option<String> {
    let field = exif.get_field(tag, exif::In::PRIMARY)?;
    Some(field.display_value().to_string())
}

#[test]
fn built_copyright_kept_when_asked() {
    let source = with_app1(&jpeg(&stored_for(&card(60, 40), 6)), &copyright_app1());
    for format in [FormatChoice::Jpeg, FormatChoice::Png] {
        let prepared =
            pers_imaging::prepare(&source, &keep_copyright(format), &Limits::default()).unwrap();
        assert_eq!((prepared.width, prepared.height), (60, 40), "{format:?}");
        let exif = exif::Reader::new()
            .read_from_container(&mut Cursor::new(&prepared.bytes))
            .unwrap_or_else(|error| panic!("{format:?}: no EXIF in the output: {error}"));
        assert_eq!(
            field_text(&exif, exif::Tag::Artist).as_deref(),
            Some("\"Ada Lovelace\""),
            "{format:?}"
        );
        assert!(
            field_text(&exif, exif::Tag::Copyright).is_some_and(|text| text.contains("2026")),
            "{format:?}"
        );
        assert_eq!(field_text(&exif, exif::Tag::Make), None, "{format:?}");
        assert_eq!(
            field_text(&exif, exif::Tag::Orientation),
            None,
            "{format:?}"
        );
    }

    let stripped = prepare_ok(&source, "copyright card, default preset");
    assert_no_exif(&stripped.bytes, "copyright card, default preset");
}

#[test]
fn corpus_keep_copyright_drops_gps() {
    let Some(corpus) = corpus() else { return };
    let file = "made/orientation/card_orient6_gps.jpg";
    let preset = keep_copyright(FormatChoice::Auto);
    let prepared = pers_imaging::prepare(&read(&corpus, file), &preset, &Limits::default());
    // The file has no Artist or Copyright, so nothing at all is kept.
    assert_no_exif(&prepared.unwrap().bytes, file);
}

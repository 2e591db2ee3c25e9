//! Decoding of format variants: CMYK and progressive JPEG, WebP, GIF, TIFF, BMP, ICO.

use image::{Rgb, RgbImage};
use pers_imaging::SourceFormat;

use crate::fixtures::{BLUE, GREEN, RED, YELLOW};
use crate::support::{close, corpus, decode_output, prepare_ok, read};

/// Per-channel tolerance for the corner colours of a card made by another encoder.
const TOLERANCE: u8 = 48;

/// Asserts the card's corner colours 32 pixels in from each corner of a 480x320 output.
fn assert_card_corners(image: &RgbImage, name: &str) {
    let expected: [(u32, u32, Rgb<u8>); 4] = [
        (32, 32, RED),
        (447, 32, GREEN),
        (32, 287, BLUE),
        (447, 287, YELLOW),
    ];
    for (x, y, colour) in expected {
        let actual = *image.get_pixel(x, y);
        assert!(
            close(actual, colour, TOLERANCE),
            "{name}: pixel at ({x}, {y}) is {actual:?}, expected about {colour:?}"
        );
    }
}

#[test]
fn corpus_jpeg_variants_cards() {
    let Some(corpus) = corpus() else { return };
    for file in [
        "made/jpeg/cmyk_imagemagick.jpg",
        "made/jpeg/progressive.jpg",
    ] {
        let prepared = prepare_ok(&read(&corpus, file), file);
        assert_eq!(prepared.source_format, SourceFormat::Jpeg, "{file}");
        assert_eq!((prepared.width, prepared.height), (480, 320), "{file}");
        assert_card_corners(&decode_output(&prepared), file);
    }
}

#[test]
fn corpus_formats_sniffed() {
    let Some(corpus) = corpus() else { return };
    let cases = [
        ("suites/image-rs/webp/simple-rgb.webp", SourceFormat::Webp),
        ("suites/image-rs/webp/lossy_alpha.webp", SourceFormat::Webp),
        ("suites/image-rs/gif/alpha_gif_a.gif", SourceFormat::Gif),
        ("suites/image-rs/tiff/rgb-3c-16b.tiff", SourceFormat::Tiff),
        ("real/exif-samples/Picoawards.tiff", SourceFormat::Tiff),
        ("suites/image-rs/bmp/rgba32.bmp", SourceFormat::Bmp),
        (
            "suites/image-rs/bmp/Info_8_Bit_Top_Down.bmp",
            SourceFormat::Bmp,
        ),
        ("suites/image-rs/ico/png-32bpp-alpha.ico", SourceFormat::Ico),
        (
            "suites/image-rs/ico/multiple_entries_with_different_bit_depth.ico",
            SourceFormat::Ico,
        ),
    ];
    for (file, format) in cases {
        let prepared = prepare_ok(&read(&corpus, file), file);
        assert_eq!(prepared.source_format, format, "{file}");
        assert!(
            image::load_from_memory(&prepared.bytes).is_ok(),
            "{file}: output unreadable"
        );
    }
}

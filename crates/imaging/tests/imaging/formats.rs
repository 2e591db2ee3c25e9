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

#[test]
fn corpus_svg_rasterised() {
    let Some(corpus) = corpus() else { return };
    let file = "made/vector/card.svg";
    let prepared = prepare_ok(&read(&corpus, file), file);
    assert_eq!(prepared.source_format, SourceFormat::Svg);
    assert_eq!((prepared.width, prepared.height), (480, 320), "{file}");
    assert_card_corners(&decode_output(&prepared), file);

    // Only the inline rectangle is drawn: the remote and file:// images resolve to nothing.
    let file = "made/vector/external_ref_and_script.svg";
    let prepared = prepare_ok(&read(&corpus, file), file);
    assert_eq!((prepared.width, prepared.height), (200, 100));
    let corner = decode_output(&prepared).get_pixel(2, 2).0;
    assert!(
        close(Rgb(corner), Rgb([255, 224, 224]), 6),
        "{file}: {corner:?}"
    );

    let file = "real/gnome-backgrounds/blobs-l.svg";
    let prepared = prepare_ok(&read(&corpus, file), file);
    assert_eq!((prepared.width, prepared.height), (1600, 1600), "{file}");
}

#[test]
fn built_svg_local_file_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let red = dir.path().join("red.png");
    let red_png = image::RgbImage::from_pixel(8, 8, Rgb([255, 0, 0]));
    red_png.save(&red).unwrap();
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"20\">\
         <rect width=\"40\" height=\"20\" fill=\"#ffffff\"/>\
         <image width=\"40\" height=\"20\" href=\"{}\"/></svg>",
        red.display()
    );
    let prepared = prepare_ok(svg.as_bytes(), "svg with a local image");
    assert_eq!((prepared.width, prepared.height), (40, 20));
    let pixel = decode_output(&prepared).get_pixel(20, 10).0;
    assert!(
        pixel.iter().all(|&value| value > 245),
        "the local file was drawn: {pixel:?}"
    );
}

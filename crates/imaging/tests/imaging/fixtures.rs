//! Inputs built in code, so the crate's tests run without the corpus.

use std::io::Cursor;

use image::metadata::Orientation;
use image::{DynamicImage, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};

/// Top-left corner colour of the test card.
pub const RED: Rgb<u8> = Rgb([220, 30, 30]);
/// Top-right corner colour.
pub const GREEN: Rgb<u8> = Rgb([30, 170, 60]);
/// Bottom-left corner colour.
pub const BLUE: Rgb<u8> = Rgb([30, 60, 210]);
/// Bottom-right corner colour.
pub const YELLOW: Rgb<u8> = Rgb([240, 200, 20]);
const BACKGROUND: Rgb<u8> = Rgb([235, 235, 235]);

/// Draws a `width`x`height` card with a coloured square of a quarter of the height in each
/// corner: red top-left, green top-right, blue bottom-left, yellow bottom-right. Every one of
/// orientation other than 1 moves at least two corner colours, so any error shows.
pub fn card(width: u32, height: u32) -> RgbImage {
    let square = height / 4;
    RgbImage::from_fn(width, height, |x, y| {
        let left = x < square;
        let right = x >= width - square;
        let top = y < square;
        let bottom = y >= height - square;
        match (left, right, top, bottom) {
            (true, _, true, _) => RED,
            (_, true, true, _) => GREEN,
            (true, _, _, true) => BLUE,
            (_, true, _, true) => YELLOW,
            _ => BACKGROUND,
        }
    })
}

/// Returns the stored pixels that display as `upright` once EXIF `orientation` is applied.
pub fn stored_for(upright: &RgbImage, orientation: u8) -> RgbImage {
    // Orientations 6 and 8 are each other's inverse, and the other six are their own.
    let inverse = match orientation {
        6 => 8,
        8 => 6,
        other => other,
    };
    let mut image = DynamicImage::ImageRgb8(upright.clone());
    image.apply_orientation(Orientation::from_exif(inverse).unwrap());
    image.into_rgb8()
}

/// Encodes `image` as JPEG at quality 95.
pub fn jpeg(image: &RgbImage) -> Vec<u8> {
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 95)
        .encode_image(image)
        .unwrap();
    bytes
}

/// Encodes `image` as PNG.
pub fn png(image: &DynamicImage) -> Vec<u8> {
    let mut bytes = Cursor::new(Vec::new());
    image.write_to(&mut bytes, ImageFormat::Png).unwrap();
    bytes.into_inner()
}

/// Builds a minimal EXIF APP1 segment: a big-endian TIFF header and one IFD with one entry,
/// the Orientation tag (0x0112, SHORT) set to `orientation`.
pub fn exif_orientation_segment(orientation: u16) -> Vec<u8> {
    let mut payload = Vec::new();
    payload.extend_from_slice(b"Exif\0\0");
    payload.extend_from_slice(b"MM\0\x2a\0\0\0\x08"); // TIFF header, IFD0 at offset 8
    payload.extend_from_slice(&1u16.to_be_bytes()); // one entry
    payload.extend_from_slice(&0x0112u16.to_be_bytes());
    payload.extend_from_slice(&3u16.to_be_bytes()); // type SHORT
    payload.extend_from_slice(&1u32.to_be_bytes()); // count 1
    payload.extend_from_slice(&orientation.to_be_bytes());
    payload.extend_from_slice(&[0, 0]); // value padding to 4 bytes
    payload.extend_from_slice(&0u32.to_be_bytes()); // no next IFD

    let length = u16::try_from(payload.len() + 2).unwrap();
    let mut segment = vec![0xFF, 0xE1];
    segment.extend_from_slice(&length.to_be_bytes());
    segment.extend_from_slice(&payload);
    segment
}

/// Inserts an APP1 segment right after the SOI marker of a JPEG.
pub fn with_app1(jpeg: &[u8], segment: &[u8]) -> Vec<u8> {
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8], "not a JPEG");
    let mut bytes = jpeg[..2].to_vec();
    bytes.extend_from_slice(segment);
    bytes.extend_from_slice(&jpeg[2..]);
    bytes
}

/// Encodes the card as a JPEG stored for `orientation`, with that orientation in its EXIF.
pub fn oriented_card_jpeg(upright: &RgbImage, orientation: u8) -> Vec<u8> {
    let stored = stored_for(upright, orientation);
    with_app1(
        &jpeg(&stored),
        &exif_orientation_segment(u16::from(orientation)),
    )
}

/// Encodes a 1x1 opaque orange PNG.
pub fn pixel_png() -> Vec<u8> {
    png(&DynamicImage::ImageRgb8(RgbImage::from_pixel(
        1,
        1,
        Rgb([255, 128, 0]),
    )))
}

/// Encodes a 64x64 RGBA PNG: a transparent background with an opaque blue square in the middle.
pub fn translucent_png() -> Vec<u8> {
    let image = RgbaImage::from_fn(64, 64, |x, y| {
        if (16..48).contains(&x) && (16..48).contains(&y) {
            Rgba([0, 0, 255, 255])
        } else {
            Rgba([0, 0, 0, 0])
        }
    });
    png(&DynamicImage::ImageRgba8(image))
}

/// Builds a PNG whose IHDR declares `width`x`height` 8-bit RGBA, followed by an IDAT holding an
/// empty zlib stream and IEND: a header with no pixel data behind it.
pub fn header_only_png(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]); // depth 8, RGBA, deflate, adaptive, no interlace
    let empty_zlib = [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01];

    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    push_chunk(&mut bytes, b"IHDR", &ihdr);
    push_chunk(&mut bytes, b"IDAT", &empty_zlib);
    push_chunk(&mut bytes, b"IEND", &[]);
    bytes
}

fn push_chunk(png: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    png.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
    let typed: Vec<u8> = kind.iter().chain(data).copied().collect();
    png.extend_from_slice(&typed);
    png.extend_from_slice(&crc32(&typed).to_be_bytes());
}

/// CRC-32 (ISO-HDLC, the PNG chunk checksum), computed bit by bit.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = u32::MAX;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

#[test]
fn crc32_check_value() {
    // The standard check value of CRC-32/ISO-HDLC.
    assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
}

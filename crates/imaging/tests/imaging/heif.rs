//! HEIC and AVIF: decoded through libheif, upright, in sRGB, without metadata by default.
//!
//! The built fixtures are AVIF files encoded here with libheif and libaom, because no HEVC
//! encoder is installed. The corpus adds an HEIC card and two iPhone photos.

use std::io::Cursor;

use image::{DynamicImage, Rgb, RgbImage, RgbaImage};
use libheif_rs::{
    ColorSpace, CompressionFormat, EncoderQuality, EncodingOptions, HeifContext, Image,
    ImageOrientation, LibHeif, RgbChroma,
};
use pers_imaging::{
    FormatChoice, ImagingError, Limits, MetadataPolicy, OutputFormat, Preset, SourceFormat,
};

use crate::fixtures::{BLUE, GREEN, RED, YELLOW, card, exif_orientation_segment, stored_for};
use crate::metadata::{assert_no_exif, copyright_app1, field_text};
use crate::support::{close, corpus, decode_output, mean_abs_diff, prepare_ok, read};

/// Per-channel tolerance for a sampled corner colour after AVIF and JPEG encoding.
const CORNER_TOLERANCE: u8 = 40;

/// Pixels of an AVIF fixture, with or without alpha.
enum Pixels<'a> {
    Rgb(&'a RgbImage),
    Rgba(&'a RgbaImage),
}

/// Encodes `pixels` as a lossy AVIF with libaom. `orientation` (1 to 8, EXIF numbering) is
/// written as the `irot` and `imir` properties, and `exif`, an "Exif\0\0" payload, as the
/// image's EXIF block.
fn avif(pixels: Pixels<'_>, orientation: u8, exif: Option<&[u8]>) -> Vec<u8> {
    let image = heif_image(pixels);
    let lib = LibHeif::new();
    let mut context = HeifContext::new().unwrap();
    let mut encoder = lib.encoder_for_format(CompressionFormat::Av1).unwrap();
    encoder.set_quality(EncoderQuality::Lossy(90)).unwrap();
    let mut options = EncodingOptions::new().unwrap();
    options.set_image_orientation(heif_orientation(orientation));
    let handle = context
        .encode_image(&image, &mut encoder, Some(options))
        .unwrap();
    if let Some(exif) = exif {
        context.add_exif_metadata(&handle, exif).unwrap();
    }
    context.write_to_bytes().unwrap()
}

/// Encodes `tiles`, `rows` rows of equal tiles in row order, as one grid image coded with
/// AV1, the layout iPhones use for HEIC photos.
fn avif_grid(tiles: &[RgbImage], rows: u16) -> Vec<u8> {
    let images: Vec<Image> = tiles
        .iter()
        .map(|tile| heif_image(Pixels::Rgb(tile)))
        .collect();
    let lib = LibHeif::new();
    let mut context = HeifContext::new().unwrap();
    let mut encoder = lib.encoder_for_format(CompressionFormat::Av1).unwrap();
    encoder.set_quality(EncoderQuality::Lossy(90)).unwrap();
    context
        .encode_grid(
            &images,
            std::num::NonZeroU16::new(rows).unwrap(),
            &mut encoder,
            None,
        )
        .unwrap();
    context.write_to_bytes().unwrap()
}

/// Copies `pixels` into a libheif image with one interleaved 8-bit plane.
fn heif_image(pixels: Pixels<'_>) -> Image {
    let (width, height, chroma, raw, channels) = match pixels {
        Pixels::Rgb(image) => (
            image.width(),
            image.height(),
            RgbChroma::Rgb,
            image.as_raw(),
            3,
        ),
        Pixels::Rgba(image) => (
            image.width(),
            image.height(),
            RgbChroma::Rgba,
            image.as_raw(),
            4,
        ),
    };
    let mut image = Image::new(width, height, ColorSpace::Rgb(chroma)).unwrap();
    image
        .create_plane(libheif_rs::Channel::Interleaved, width, height, 8)
        .unwrap();
    let planes = image.planes_mut();
    let plane = planes.interleaved.unwrap();
    let row_bytes = width as usize * channels;
    for (row, source) in plane
        .data
        .chunks_mut(plane.stride)
        .zip(raw.chunks(row_bytes))
    {
        row[..row_bytes].copy_from_slice(source);
    }
    image
}

fn heif_orientation(orientation: u8) -> ImageOrientation {
    match orientation {
        1 => ImageOrientation::Normal,
        2 => ImageOrientation::FlipHorizontally,
        3 => ImageOrientation::Rotate180,
        4 => ImageOrientation::FlipVertically,
        5 => ImageOrientation::Rotate90CwThenFlipHorizontally,
        6 => ImageOrientation::Rotate90Cw,
        7 => ImageOrientation::Rotate90CwThenFlipVertically,
        8 => ImageOrientation::Rotate270Cw,
        other => panic!("no orientation {other}"),
    }
}

/// Checks the corner samples of a card: red top-left, green top-right, blue bottom-left,
/// yellow bottom-right.
fn assert_card_upright(image: &RgbImage, inset: u32, name: &str) {
    let right = image.width() - 1 - inset;
    let bottom = image.height() - 1 - inset;
    let corners = [
        ("top-left", (inset, inset), RED),
        ("top-right", (right, inset), GREEN),
        ("bottom-left", (inset, bottom), BLUE),
        ("bottom-right", (right, bottom), YELLOW),
    ];
    for (corner, (x, y), expected) in corners {
        let actual = *image.get_pixel(x, y);
        assert!(
            close(actual, expected, CORNER_TOLERANCE),
            "{name}: {corner} pixel at ({x}, {y}) is {actual:?}, expected about {expected:?}"
        );
    }
}

#[test]
fn built_avif_all_orientations() {
    let upright = card(96, 64);
    for orientation in 1..=8u8 {
        let name = format!("AVIF card, orientation {orientation}");
        let stored = stored_for(&upright, orientation);
        let prepared = prepare_ok(&avif(Pixels::Rgb(&stored), orientation, None), &name);
        assert_eq!(prepared.source_format, SourceFormat::Avif, "{name}");
        assert_eq!(prepared.format, OutputFormat::Jpeg, "{name}");
        assert_eq!((prepared.width, prepared.height), (96, 64), "{name}");
        assert_card_upright(&decode_output(&prepared), 6, &name);
    }
}

#[test]
fn built_avif_exif_orientation_not_applied_twice() {
    // A phone writes the turn twice: as `irot` and as EXIF orientation 6. Only one applies.
    let upright = card(96, 64);
    let stored = stored_for(&upright, 6);
    let segment = exif_orientation_segment(6);
    let source = avif(Pixels::Rgb(&stored), 6, Some(&segment[4..]));
    let prepared = prepare_ok(&source, "AVIF with irot and EXIF orientation 6");
    assert_eq!((prepared.width, prepared.height), (96, 64));
    assert_card_upright(&decode_output(&prepared), 6, "AVIF with irot and EXIF 6");
}

#[test]
fn built_avif_alpha_kept_or_flattened() {
    let source = RgbaImage::from_fn(64, 64, |x, _| {
        if x < 32 {
            image::Rgba([0, 0, 200, 0])
        } else {
            image::Rgba([0, 0, 200, 255])
        }
    });
    let bytes = avif(Pixels::Rgba(&source), 1, None);

    let prepared = prepare_ok(&bytes, "translucent AVIF");
    assert_eq!(prepared.format, OutputFormat::Png);
    let output = image::load_from_memory(&prepared.bytes).unwrap().to_rgba8();
    assert!(
        output.get_pixel(8, 32).0[3] < 16,
        "left half stays transparent"
    );
    assert!(
        output.get_pixel(56, 32).0[3] > 240,
        "right half stays opaque"
    );

    let jpeg = Preset {
        format: FormatChoice::Jpeg,
        ..Preset::default()
    };
    let flattened = pers_imaging::prepare(&bytes, &jpeg, &Limits::default()).unwrap();
    let output = decode_output(&flattened);
    let left = *output.get_pixel(8, 32);
    assert!(
        close(left, Rgb([255, 255, 255]), 24),
        "transparent half flattened on white, got {left:?}"
    );
}

#[test]
fn built_avif_metadata_stripped_or_copyright_kept() {
    let stored = stored_for(&card(96, 64), 6);
    let app1 = copyright_app1();
    let source = avif(Pixels::Rgb(&stored), 6, Some(&app1[4..]));

    let stripped = prepare_ok(&source, "AVIF with copyright EXIF");
    assert_no_exif(&stripped.bytes, "AVIF with copyright EXIF, default preset");

    let preset = Preset {
        metadata: MetadataPolicy::KeepCopyright,
        format: FormatChoice::Jpeg,
        ..Preset::default()
    };
    let kept = pers_imaging::prepare(&source, &preset, &Limits::default()).unwrap();
    let exif = exif::Reader::new()
        .read_from_container(&mut Cursor::new(&kept.bytes))
        .unwrap_or_else(|error| panic!("no EXIF in the output: {error}"));
    assert_eq!(
        field_text(&exif, exif::Tag::Artist).as_deref(),
        Some("\"Ada Lovelace\"")
    );
    assert_eq!(field_text(&exif, exif::Tag::Make), None);
    assert_eq!(field_text(&exif, exif::Tag::Orientation), None);
}

#[test]
fn built_avif_pixel_limit_from_header() {
    let bytes = avif(Pixels::Rgb(&card(96, 64)), 1, None);
    let limits = Limits {
        max_pixels: 96 * 64 - 1,
        ..Limits::default()
    };
    let result = pers_imaging::prepare(&bytes, &Preset::default(), &limits);
    assert!(
        matches!(
            result,
            Err(ImagingError::TooManyPixels {
                width: 96,
                height: 64,
                ..
            })
        ),
        "{result:?}"
    );
    let predicted = pers_imaging::predict_output(&bytes, &Preset::default(), &limits);
    assert!(
        matches!(predicted, Err(ImagingError::TooManyPixels { .. })),
        "{predicted:?}"
    );
}

#[test]
fn huge_declared_size_named() {
    let mut bytes = avif(Pixels::Rgb(&card(96, 64)), 1, None);
    // The `ispe` box: type, 4 bytes of version and flags, then width and height.
    let start = bytes
        .windows(4)
        .position(|window| window == b"ispe")
        .unwrap()
        + 8;
    bytes[start..start + 8].copy_from_slice(&[0xFF; 8]);

    for result in [
        pers_imaging::prepare(&bytes, &Preset::default(), &Limits::default()).map(|_| ()),
        pers_imaging::predict_output(&bytes, &Preset::default(), &Limits::default()).map(|_| ()),
    ] {
        let Err(error) = result else {
            panic!("an AVIF declaring 4294967295x4294967295 was accepted");
        };
        assert!(
            matches!(
                error,
                ImagingError::TooManyPixels {
                    width: u32::MAX,
                    height: u32::MAX,
                    ..
                }
            ),
            "{error:?}"
        );
    }
}

#[test]
fn built_avif_prediction_matches_output() {
    let stored = stored_for(&card(300, 200), 6);
    let bytes = avif(Pixels::Rgb(&stored), 6, None);
    let preset = Preset {
        max_edge: 150,
        ..Preset::default()
    };
    let predicted = pers_imaging::predict_output(&bytes, &preset, &Limits::default()).unwrap();
    let prepared = pers_imaging::prepare(&bytes, &preset, &Limits::default()).unwrap();
    assert_eq!(
        (predicted.width, predicted.height),
        (prepared.width, prepared.height)
    );
    assert_eq!((predicted.width, predicted.height), (150, 100));
    assert_eq!(
        (predicted.source_width, predicted.source_height),
        (300, 200)
    );
    assert_eq!(predicted.format, prepared.format);
}

#[test]
fn damaged_avif_rejected() {
    let bytes = avif(Pixels::Rgb(&card(96, 64)), 1, None);
    let cuts = [bytes.len() / 2, 40, bytes.len() - 8];
    for cut in cuts {
        let result = pers_imaging::prepare(&bytes[..cut], &Preset::default(), &Limits::default());
        let Err(error) = &result else {
            panic!("AVIF cut at {cut} of {} bytes was prepared", bytes.len());
        };
        assert!(
            matches!(
                error,
                ImagingError::Decode {
                    format: SourceFormat::Avif,
                    ..
                }
            ),
            "cut at {cut}: {error:?}"
        );
        assert!(
            error.to_string().contains("AVIF data could not be decoded"),
            "cut at {cut}: {error}"
        );
    }
}

#[test]
fn built_avif_grid_assembled() {
    let tiles = [RED, GREEN, BLUE, YELLOW].map(|colour| RgbImage::from_pixel(64, 64, colour));
    let prepared = prepare_ok(&avif_grid(&tiles, 2), "2x2 AVIF grid");
    assert_eq!((prepared.width, prepared.height), (128, 128));
    assert_card_upright(&decode_output(&prepared), 16, "2x2 AVIF grid");
}

#[test]
fn corpus_truncated_iphone_rejected() {
    let Some(corpus) = corpus() else { return };
    for file in [
        "real/exif-samples/IMG_5195.HEIC",
        "real/exif-samples/iphone_13_pro_max.HEIC",
    ] {
        let bytes = read(&corpus, file);
        for percent in [30, 50, 90] {
            let cut = bytes.len() * percent / 100;
            let result =
                pers_imaging::prepare(&bytes[..cut], &Preset::default(), &Limits::default());
            let Err(error) = result else {
                panic!("{file} cut at {percent} % was prepared");
            };
            assert!(
                matches!(
                    error,
                    ImagingError::Decode {
                        format: SourceFormat::Heic,
                        ..
                    }
                ),
                "{file} cut at {percent} %: {error:?}"
            );
            assert!(
                !error.to_string().contains('\n'),
                "{file}: message on one line: {error}"
            );
        }
    }
}

#[test]
fn corpus_heif_cards_upright() {
    let Some(corpus) = corpus() else { return };
    let reference = image::load_from_memory(&read(&corpus, "made/orientation/card_upright.png"))
        .unwrap()
        .to_rgb8();
    for (file, format) in [
        ("made/heic/card.heic", SourceFormat::Heic),
        ("made/heic/card.avif", SourceFormat::Avif),
    ] {
        let prepared = prepare_ok(&read(&corpus, file), file);
        assert_eq!(prepared.source_format, format, "{file}");
        assert_eq!((prepared.width, prepared.height), (480, 320), "{file}");
        let output = decode_output(&prepared);
        let diff = mean_abs_diff(&output, &reference);
        println!("{file}: mean abs diff {diff:.2} from card_upright.png");
        assert!(diff < 6.0, "{file}: mean abs diff {diff:.2} from upright");
    }
}

#[test]
fn corpus_iphone_photos() {
    let Some(corpus) = corpus() else { return };
    // 2566x3313 with a Display P3 profile and GPS, and 4032x3024 stored with `irot` and
    // EXIF orientation 6, which shows as 3024x4032 when the turn is applied once.
    for (file, source_size, output_size) in [
        (
            "real/exif-samples/IMG_5195.HEIC",
            (2566, 3313),
            (1239, 1600),
        ),
        (
            "real/exif-samples/iphone_13_pro_max.HEIC",
            (3024, 4032),
            (1200, 1600),
        ),
    ] {
        let bytes = read(&corpus, file);
        let prepared = prepare_ok(&bytes, file);
        assert_eq!(prepared.source_format, SourceFormat::Heic, "{file}");
        assert_eq!(
            (prepared.source_width, prepared.source_height),
            source_size,
            "{file}"
        );
        assert_eq!((prepared.width, prepared.height), output_size, "{file}");
        assert_eq!(prepared.format, OutputFormat::Jpeg, "{file}");
        assert_no_exif(&prepared.bytes, file);

        let predicted =
            pers_imaging::predict_output(&bytes, &Preset::default(), &Limits::default()).unwrap();
        assert_eq!((predicted.width, predicted.height), output_size, "{file}");
    }
}

#[test]
fn corpus_display_p3_converted() {
    let Some(corpus) = corpus() else { return };
    // The same decoded pixels read as Display P3 and converted to sRGB differ from the
    // pixels taken as sRGB, so the conversion shows as a difference from a plain decode.
    let file = "real/exif-samples/IMG_5195.HEIC";
    let bytes = read(&corpus, file);
    let context = HeifContext::read_from_bytes(&bytes).unwrap();
    let handle = context.primary_image_handle().unwrap();
    let profile = handle.color_profile_raw();
    assert!(
        profile.is_some(),
        "{file}: expected an embedded ICC profile"
    );

    let preset = Preset {
        max_edge: 256,
        format: FormatChoice::Png,
        ..Preset::default()
    };
    let prepared = pers_imaging::prepare(&bytes, &preset, &Limits::default()).unwrap();
    let converted = decode_output(&prepared);
    let plain = LibHeif::new()
        .decode(&handle, ColorSpace::Rgb(RgbChroma::Rgb), None)
        .unwrap();
    let plane = plain.planes().interleaved.unwrap();
    let width = plane.width;
    let height = plane.height;
    let mut packed = Vec::new();
    for row in plane.data.chunks(plane.stride).take(height as usize) {
        packed.extend_from_slice(&row[..width as usize * 3]);
    }
    let plain = DynamicImage::ImageRgb8(RgbImage::from_raw(width, height, packed).unwrap())
        .resize_exact(
            converted.width(),
            converted.height(),
            image::imageops::FilterType::Lanczos3,
        )
        .to_rgb8();
    let diff = mean_abs_diff(&converted, &plain);
    println!("{file}: mean abs diff {diff:.2} between converted and unconverted");
    assert!(
        diff > 1.0,
        "{file}: output equals the unconverted pixels (diff {diff:.2})"
    );
}

/// Writes `frames` as an AVIF image sequence (a `moov` track, no still image) through
/// libheif's C API, one second per frame.
#[allow(unsafe_code)]
fn avif_sequence(frames: &[RgbImage]) -> Vec<u8> {
    use std::ffi::c_void;
    use std::ptr;

    use libheif_sys as lh;

    /// Appends the bytes libheif writes to the `Vec<u8>` passed as `userdata`.
    unsafe extern "C" fn append(
        _context: *mut lh::heif_context,
        data: *const c_void,
        size: usize,
        userdata: *mut c_void,
    ) -> lh::heif_error {
        // SAFETY: libheif passes `size` readable bytes at `data`, and `userdata` is the
        // `Vec<u8>` given to `heif_context_write` below, alive for the whole call.
        unsafe {
            let output = &mut *userdata.cast::<Vec<u8>>();
            output.extend_from_slice(std::slice::from_raw_parts(data.cast::<u8>(), size));
        }
        lh::heif_error {
            code: lh::heif_error_code_heif_error_Ok,
            subcode: lh::heif_suberror_code_heif_suberror_Unspecified,
            message: c"".as_ptr(),
        }
    }

    fn check(error: lh::heif_error) {
        assert_eq!(
            error.code,
            lh::heif_error_code_heif_error_Ok,
            "libheif error"
        );
    }

    let _init = LibHeif::new();
    let (width, height) = frames[0].dimensions();
    let mut output = Vec::new();
    // SAFETY: every pointer passed to libheif comes from libheif and is released once, and
    // each plane copy stays within the stride and height that libheif reports.
    unsafe {
        let context = lh::heif_context_alloc();
        // libheif 1.23 dereferences the sequence options in `heif_track_encode_sequence_image`
        // even though its documentation allows NULL, so they are passed explicitly.
        let sequence_options = lh::heif_sequence_encoding_options_alloc();
        let mut track = ptr::null_mut();
        check(lh::heif_context_add_visual_sequence_track(
            context,
            u16::try_from(width).unwrap(),
            u16::try_from(height).unwrap(),
            lh::heif_track_type_4cc_heif_track_type_image_sequence,
            ptr::null(),
            sequence_options,
            &mut track,
        ));
        let mut encoder = ptr::null_mut();
        check(lh::heif_context_get_encoder_for_format(
            context,
            lh::heif_compression_format_heif_compression_AV1,
            &mut encoder,
        ));
        for frame in frames {
            let mut image = ptr::null_mut();
            check(lh::heif_image_create(
                i32::try_from(width).unwrap(),
                i32::try_from(height).unwrap(),
                lh::heif_colorspace_heif_colorspace_RGB,
                lh::heif_chroma_heif_chroma_interleaved_RGB,
                &mut image,
            ));
            check(lh::heif_image_add_plane(
                image,
                lh::heif_channel_heif_channel_interleaved,
                i32::try_from(width).unwrap(),
                i32::try_from(height).unwrap(),
                8,
            ));
            let mut stride = 0usize;
            let data = lh::heif_image_get_plane2(
                image,
                lh::heif_channel_heif_channel_interleaved,
                &mut stride,
            );
            let row_bytes = width as usize * 3;
            for (y, row) in frame.as_raw().chunks(row_bytes).enumerate() {
                ptr::copy_nonoverlapping(row.as_ptr(), data.add(y * stride), row_bytes);
            }
            lh::heif_image_set_duration(image, 90_000);
            check(lh::heif_track_encode_sequence_image(
                track,
                image,
                encoder,
                sequence_options,
            ));
            lh::heif_image_release(image);
        }
        check(lh::heif_track_encode_end_of_sequence(track, encoder));
        lh::heif_track_release(track);
        let mut writer = lh::heif_writer {
            writer_api_version: 1,
            write: Some(append),
        };
        check(lh::heif_context_write(
            context,
            &mut writer,
            ptr::from_mut(&mut output).cast::<c_void>(),
        ));
        // The encoder is released only after the write, because libheif 1.23 still uses it
        // when it finalises the track there, despite the end-of-sequence call.
        lh::heif_encoder_release(encoder);
        lh::heif_sequence_encoding_options_release(sequence_options);
        lh::heif_context_free(context);
    }
    output
}

#[test]
fn built_avif_sequence_rejected() {
    let frames = [
        RgbImage::from_pixel(32, 32, Rgb([220, 30, 30])),
        RgbImage::from_pixel(32, 32, Rgb([30, 170, 60])),
        RgbImage::from_pixel(32, 32, Rgb([30, 60, 210])),
    ];
    let bytes = avif_sequence(&frames);
    assert_eq!(pers_imaging::sniff(&bytes), Some(SourceFormat::Avif));

    let result = pers_imaging::prepare(&bytes, &Preset::default(), &Limits::default());
    let Err(error) = result else {
        panic!("an AVIF sequence was prepared as a still image");
    };
    assert!(
        matches!(
            error,
            ImagingError::AnimatedSequence {
                format: SourceFormat::Avif
            }
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("animation"), "{error}");

    let predicted = pers_imaging::predict_output(&bytes, &Preset::default(), &Limits::default());
    assert!(
        matches!(predicted, Err(ImagingError::AnimatedSequence { .. })),
        "{predicted:?}"
    );
}

#[test]
#[allow(unsafe_code)]
fn security_limits_layout_matches_library() {
    use libheif_sys as lh;

    let _init = LibHeif::new();
    // SAFETY: libheif returns a pointer to its static global limits, valid for the process.
    let global = unsafe { &*lh::heif_get_global_security_limits() };
    // libheif copies the fields that the `version` of a caller's struct names. The bindings'
    // struct has the fields of version 4 (the last two below), so it must not be older than
    // the library's, or libheif reads past the end of the copy that libheif-rs passes in.
    let bindings_version = 4;
    let lh::heif_security_limits {
        max_bad_pixels,
        max_iso23001_17_pixel_size_bytes,
        ..
    } = *global;
    println!(
        "libheif limits version {}, max_bad_pixels {max_bad_pixels}, \
         max_iso23001_17_pixel_size_bytes {max_iso23001_17_pixel_size_bytes}",
        global.version
    );
    assert!(
        global.version <= bindings_version,
        "libheif's security limits are version {}, newer than the bindings' {bindings_version}",
        global.version
    );
}

//! Bad input: every rejection has the right variant, and nothing panics.

use std::path::Path;

use pers_imaging::{ImagingError, Limits, Preset, SourceFormat};

use crate::fixtures::{card, header_only_png, jpeg};
use crate::support::{corpus, prepare_ok, read};

fn prepare_default(bytes: &[u8]) -> Result<pers_imaging::PreparedImage, ImagingError> {
    pers_imaging::prepare(bytes, &Preset::default(), &Limits::default())
}

#[test]
fn empty_input() {
    assert!(matches!(prepare_default(&[]), Err(ImagingError::Empty)));
    assert_eq!(ImagingError::Empty.to_string(), "the file is empty");
}

#[test]
fn text_not_an_image() {
    let result = prepare_default(b"just some text, certainly not pixels\n");
    assert!(
        matches!(result, Err(ImagingError::NotAnImage)),
        "{result:?}"
    );
}

#[test]
fn file_over_byte_limit() {
    let bytes = jpeg(&card(60, 40));
    let limits = Limits {
        max_file_bytes: 100,
        ..Limits::default()
    };
    let result = pers_imaging::prepare(&bytes, &Preset::default(), &limits);
    let Err(ImagingError::FileTooLarge {
        bytes: size,
        max_bytes,
    }) = result
    else {
        panic!("expected FileTooLarge, got {result:?}");
    };
    assert_eq!(size, bytes.len() as u64);
    assert_eq!(max_bytes, 100);
}

#[test]
fn built_bomb_too_many_pixels() {
    let result = prepare_default(&header_only_png(100_000, 100_000));
    let Err(ImagingError::TooManyPixels {
        width,
        height,
        max_pixels,
    }) = result
    else {
        panic!("expected TooManyPixels, got {result:?}");
    };
    assert_eq!((width, height), (100_000, 100_000));
    assert_eq!(max_pixels, Limits::default().max_pixels);
}

#[test]
fn built_long_side_too_large() {
    // 40000x2 is only 80,000 pixels, so the side limit is what rejects it.
    let result = prepare_default(&header_only_png(40_000, 2));
    let Err(ImagingError::DimensionTooLarge {
        width,
        height,
        max_dimension,
    }) = result
    else {
        panic!("expected DimensionTooLarge, got {result:?}");
    };
    assert_eq!((width, height), (40_000, 2));
    assert_eq!(max_dimension, Limits::default().max_dimension);
}

#[test]
fn built_header_only_png_decode_error() {
    let result = prepare_default(&header_only_png(16, 16));
    assert!(
        matches!(
            result,
            Err(ImagingError::Decode {
                format: SourceFormat::Png,
                ..
            })
        ),
        "{result:?}"
    );
}

#[test]
fn pixel_limit_from_limits() {
    let limits = Limits {
        max_pixels: 100,
        ..Limits::default()
    };
    let result = pers_imaging::prepare(&jpeg(&card(60, 40)), &Preset::default(), &limits);
    let Err(error @ ImagingError::TooManyPixels { .. }) = result else {
        panic!("expected TooManyPixels, got {result:?}");
    };
    assert!(
        error.to_string().contains("maximum of 100 pixels"),
        "{error}"
    );
}

#[test]
fn corpus_named_cases() {
    let Some(corpus) = corpus() else { return };

    let result = prepare_default(&read(&corpus, "made/broken/empty.png"));
    assert!(
        matches!(result, Err(ImagingError::Empty)),
        "empty.png: {result:?}"
    );

    let result = prepare_default(&read(&corpus, "made/mislabeled/photo.png"));
    assert!(
        matches!(result, Err(ImagingError::NotAnImage)),
        "photo.png: {result:?}"
    );

    let prepared = prepare_ok(
        &read(&corpus, "made/mislabeled/png_named.jpg"),
        "png_named.jpg",
    );
    assert_eq!(prepared.source_format, SourceFormat::Png);

    let result = prepare_default(&read(&corpus, "made/bomb/ihdr_100000x100000.png"));
    assert!(
        matches!(
            result,
            Err(ImagingError::TooManyPixels {
                width: 100_000,
                height: 100_000,
                ..
            })
        ),
        "ihdr_100000x100000.png: {result:?}"
    );

    let result = prepare_default(&read(&corpus, "suites/jpeg/max_size.jpg"));
    assert!(
        matches!(result, Err(ImagingError::TooManyPixels { .. })),
        "max_size.jpg: {result:?}"
    );

    let result = prepare_default(&read(&corpus, "made/broken/soi_only.jpg"));
    assert!(
        matches!(
            result,
            Err(ImagingError::Decode {
                format: SourceFormat::Jpeg,
                ..
            })
        ),
        "soi_only.jpg: {result:?}"
    );
}

#[test]
fn corpus_truncated_jpeg() {
    let Some(corpus) = corpus() else { return };
    let file = "made/broken/truncated_50pct.jpg";
    let result = prepare_default(&read(&corpus, file));
    let Err(
        error @ ImagingError::Decode {
            format: SourceFormat::Jpeg,
            ..
        },
    ) = result
    else {
        panic!("{file}: expected a JPEG decode error, got {result:?}");
    };
    assert!(error.to_string().contains("truncated"), "{file}: {error}");

    // The intact file it was cut from decodes.
    prepare_ok(
        &read(&corpus, "made/broken/baseline_reference.jpg"),
        "baseline_reference.jpg",
    );
}

#[test]
fn corpus_pngsuite() {
    let Some(corpus) = corpus() else { return };
    let folder = corpus.join("suites/pngsuite");
    let mut checked = 0;
    for path in png_files(&folder) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let result = prepare_default(&std::fs::read(&path).unwrap());
        if name.starts_with('x') {
            assert!(result.is_err(), "{name}: corrupt file was accepted");
        } else if let Err(error) = result {
            panic!("{name}: valid file was rejected: {error}");
        }
        checked += 1;
    }
    assert!(checked > 150, "only {checked} PngSuite files found");
}

fn png_files(folder: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "png"))
        .collect();
    files.sort();
    files
}

/// Every corpus file goes through `prepare` and `thumbnail` without a panic escaping, and
/// without a decoder panic being caught either.
#[test]
fn corpus_no_panics() {
    let Some(corpus) = corpus() else { return };
    let mut files = Vec::new();
    collect_files(&corpus, &mut files);
    assert!(files.len() > 300, "only {} corpus files found", files.len());

    let mut caught_panics = Vec::new();
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let result = prepare_default(&bytes);
        let name = path.strip_prefix(&corpus).unwrap().display().to_string();
        match &result {
            Ok(prepared) => println!("{name}: ok {}x{}", prepared.width, prepared.height),
            Err(error) => println!("{name}: {error}"),
        }
        if let Err(ImagingError::Decode { reason, .. }) = &result
            && reason == "the decoder failed on malformed data"
        {
            caught_panics.push(name.clone());
        }
        let _ = pers_imaging::thumbnail(&bytes, 256, &Limits::default());
    }
    assert!(
        caught_panics.is_empty(),
        "decoders panicked on: {caught_panics:?}"
    );
}

fn collect_files(folder: &Path, files: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_files(&path, files);
        } else {
            files.push(path);
        }
    }
}

#[test]
fn built_truncated_jpeg_rejected() {
    let bytes = jpeg(&card(600, 400));
    let result = prepare_default(&bytes[..bytes.len() / 2]);
    let Err(
        error @ ImagingError::Decode {
            format: SourceFormat::Jpeg,
            ..
        },
    ) = result
    else {
        panic!("expected a JPEG decode error, got {result:?}");
    };
    assert!(error.to_string().contains("truncated"), "{error}");
}

#[test]
fn corpus_corrupt_jpeg_rejected() {
    let Some(corpus) = corpus() else { return };
    for file in [
        "real/exif-samples/corrupted.jpg",
        "made/broken/bitflip_32bytes.jpg",
    ] {
        let bytes = read(&corpus, file);
        let first = prepare_default(&bytes);
        let Err(
            error @ ImagingError::Decode {
                format: SourceFormat::Jpeg,
                ..
            },
        ) = &first
        else {
            panic!("{file}: expected a JPEG decode error, got {first:?}");
        };
        assert!(
            error.to_string().contains("corrupt JPEG data"),
            "{file}: {error}"
        );
        // The outcome is the same on every run.
        let second = prepare_default(&bytes);
        assert_eq!(format!("{first:?}"), format!("{second:?}"), "{file}");
    }
}

#[test]
fn corpus_corrupt_jpeg_scaled_rejected() {
    let Some(corpus) = corpus() else { return };
    // Thumbnail sizes make the decoder work at 1/2 to 1/8 scale, which uses another decoder.
    for file in [
        "real/exif-samples/corrupted.jpg",
        "made/broken/bitflip_32bytes.jpg",
        "made/broken/truncated_50pct.jpg",
    ] {
        let bytes = read(&corpus, file);
        for max_edge in [64, 256, 600] {
            let result = pers_imaging::thumbnail(&bytes, max_edge, &Limits::default());
            assert!(
                matches!(
                    result,
                    Err(ImagingError::Decode {
                        format: SourceFormat::Jpeg,
                        ..
                    })
                ),
                "{file} at {max_edge} px: {result:?}"
            );
        }
    }
}

/// Returns the position of the end-of-image marker, which `jpeg()` writes last.
fn end_of_image(bytes: &[u8]) -> usize {
    assert_eq!(&bytes[bytes.len() - 2..], &[0xFF, 0xD9]);
    bytes.len() - 2
}

#[test]
fn built_jpeg_stray_bytes_accepted() {
    // libjpeg warns about bytes between the scan data and a marker, and zune-jpeg's strict
    // mode then decides that the image itself is intact.
    let mut bytes = jpeg(&card(400, 300));
    let end = end_of_image(&bytes);
    bytes.splice(end..end, [0x12, 0x34, 0x56]);
    for max_edge in [1600, 100, 20] {
        let result = pers_imaging::thumbnail(&bytes, max_edge, &Limits::default());
        let Ok(prepared) = &result else {
            panic!("{max_edge} px: expected an image, got {result:?}");
        };
        assert_eq!(prepared.width, max_edge.min(400), "{max_edge} px");
    }
}

#[test]
fn built_jpeg_stray_marker_rejected() {
    // A restart marker in the middle of a scan without a restart interval is damage at every
    // scale. The pixels are noise, so the scan data is dense and the marker cuts into it.
    let noise = image::RgbImage::from_fn(400, 300, |x, y| {
        let value = (x.wrapping_mul(7919) ^ y.wrapping_mul(104_729)).wrapping_mul(2_654_435_761);
        image::Rgb([(value >> 24) as u8, (value >> 16) as u8, (value >> 8) as u8])
    });
    let mut bytes = jpeg(&noise);
    let middle = end_of_image(&bytes) / 2;
    bytes.splice(middle..middle + 2, [0xFF, 0xD3]);
    for max_edge in [1600, 100, 20] {
        let result = pers_imaging::thumbnail(&bytes, max_edge, &Limits::default());
        assert!(
            matches!(
                result,
                Err(ImagingError::Decode {
                    format: SourceFormat::Jpeg,
                    ..
                })
            ),
            "{max_edge} px: {result:?}"
        );
    }
}

#[test]
fn corpus_partial_progressive_rejected() {
    let Some(corpus) = corpus() else { return };
    let bytes = read(&corpus, "suites/jpeg/partial_progressive.jpg");
    for max_edge in [1600, 64] {
        let result = pers_imaging::thumbnail(&bytes, max_edge, &Limits::default());
        let Err(error @ ImagingError::Decode { .. }) = &result else {
            panic!("{max_edge} px: expected a decode error, got {result:?}");
        };
        assert!(
            error.to_string().contains("premature end of data segment"),
            "{max_edge} px: {error}"
        );
    }
}

#[test]
fn corpus_jpeg_codings_named() {
    let Some(corpus) = corpus() else { return };
    for (file, coding) in [
        ("suites/jpeg/MR4.jpg", "lossless coding (SOF3)"),
        ("suites/jpeg/testimgari.jpg", "arithmetic coding (SOF9)"),
        ("suites/jpeg/monkey12.jpg", "12-bit samples"),
    ] {
        let bytes = read(&corpus, file);
        for result in [
            prepare_default(&bytes).map(|_| ()),
            pers_imaging::predict_output(&bytes, &Preset::default(), &Limits::default())
                .map(|_| ()),
        ] {
            let Err(error) = result else {
                panic!("{file} was accepted");
            };
            assert!(
                matches!(
                    error,
                    ImagingError::Decode {
                        format: SourceFormat::Jpeg,
                        ..
                    }
                ),
                "{file}: {error:?}"
            );
            assert!(error.to_string().contains(coding), "{file}: {error}");
        }
    }
}

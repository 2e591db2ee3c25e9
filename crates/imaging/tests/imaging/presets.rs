//! Presets: fit modes, upscaling, output formats, several outputs and predicted sizes.

use image::GenericImageView;
use pers_imaging::{
    BoxSize, Fit, FormatChoice, ImagingError, Limits, OutputFormat, PRESET_NAMES, Preset,
    SourceFormat,
};

use crate::fixtures::{BLUE, GREEN, RED, YELLOW, card, jpeg, pixel_png, translucent_png};
use crate::support::{close, corpus, read};

fn boxed(fit: Fit, width: u32, height: u32) -> Preset {
    Preset {
        size: Some(BoxSize { width, height }),
        fit,
        ..Preset::default()
    }
}

fn prepare(bytes: &[u8], preset: &Preset) -> pers_imaging::PreparedImage {
    pers_imaging::prepare(bytes, preset, &Limits::default()).unwrap()
}

#[test]
fn cover_crops_centre_square() {
    // A 400x200 card: red and blue on the left, green and yellow on the right. A centre
    // square crop cuts off the outer 100 px on each side, so no corner colour remains.
    let prepared = prepare(&jpeg(&card(400, 200)), &boxed(Fit::Cover, 100, 100));
    assert_eq!((prepared.width, prepared.height), (100, 100));
    let decoded = image::load_from_memory(&prepared.bytes).unwrap().to_rgb8();
    for (x, y) in [(2, 2), (97, 2), (2, 97), (97, 97)] {
        let pixel = *decoded.get_pixel(x, y);
        for corner in [RED, GREEN, BLUE, YELLOW] {
            assert!(
                !close(pixel, corner, 40),
                "({x}, {y}) is {pixel:?}, a corner colour"
            );
        }
    }
}

#[test]
fn contain_keeps_aspect() {
    let prepared = prepare(&jpeg(&card(400, 200)), &boxed(Fit::Contain, 100, 100));
    assert_eq!((prepared.width, prepared.height), (100, 50));
}

#[test]
fn pad_jpeg_uses_background() {
    let preset = Preset {
        background: [0, 0, 0],
        ..boxed(Fit::Pad, 100, 100)
    };
    let prepared = prepare(&jpeg(&card(400, 200)), &preset);
    assert_eq!(prepared.format, OutputFormat::Jpeg);
    assert_eq!((prepared.width, prepared.height), (100, 100));
    let decoded = image::load_from_memory(&prepared.bytes).unwrap().to_rgb8();
    let margin = decoded.get_pixel(50, 5).0;
    assert!(margin.iter().all(|&value| value < 16), "margin {margin:?}");
    let corner = *decoded.get_pixel(3, 28);
    assert!(close(corner, RED, 48), "content top-left {corner:?}");
}

#[test]
fn pad_png_margins_transparent() {
    let preset = Preset {
        format: FormatChoice::Png,
        ..boxed(Fit::Pad, 100, 100)
    };
    let prepared = prepare(&jpeg(&card(400, 200)), &preset);
    assert_eq!(prepared.format, OutputFormat::Png);
    let decoded = image::load_from_memory(&prepared.bytes).unwrap().to_rgba8();
    assert_eq!(decoded.dimensions(), (100, 100));
    assert_eq!(
        decoded.get_pixel(50, 5).0[3],
        0,
        "margin is not transparent"
    );
    assert_eq!(decoded.get_pixel(50, 50).0[3], 255, "content is not opaque");
}

#[test]
fn upscale_only_when_asked() {
    let prepared = prepare(&pixel_png(), &boxed(Fit::Contain, 64, 64));
    assert_eq!((prepared.width, prepared.height), (1, 1));
    let preset = Preset {
        upscale: true,
        ..boxed(Fit::Contain, 64, 64)
    };
    let prepared = prepare(&pixel_png(), &preset);
    assert_eq!((prepared.width, prepared.height), (64, 64));
}

#[test]
fn oversized_output_rejected() {
    let upscaled = |max_edge| Preset {
        max_edge,
        upscale: true,
        ..Preset::default()
    };
    let cases = [
        ("max edge 4000000000, upscaled", upscaled(4_000_000_000)),
        ("max edge 60000, upscaled", upscaled(60_000)),
        (
            "12000x12000 box, upscaled",
            Preset {
                upscale: true,
                ..boxed(Fit::Contain, 12_000, 12_000)
            },
        ),
        ("20000x20000 pad", boxed(Fit::Pad, 20_000, 20_000)),
    ];
    for (name, preset) in cases {
        for result in [
            pers_imaging::prepare(&pixel_png(), &preset, &Limits::default()).map(|_| ()),
            pers_imaging::predict_output(&pixel_png(), &preset, &Limits::default()).map(|_| ()),
        ] {
            let Err(error) = result else {
                panic!("{name}: accepted");
            };
            assert!(
                matches!(error, ImagingError::OutputTooLarge { .. }),
                "{name}: {error:?}"
            );
            assert!(
                error.to_string().contains("choose a smaller size"),
                "{name}: {error}"
            );
        }
    }

    // At the limits the output is still made.
    let limits = Limits {
        max_pixels: 64 * 64,
        max_dimension: 64,
        ..Limits::default()
    };
    let prepared = pers_imaging::prepare(&pixel_png(), &upscaled(64), &limits).unwrap();
    assert_eq!((prepared.width, prepared.height), (64, 64));
}

#[test]
fn format_choices() {
    let opaque_png = crate::fixtures::png(&image::DynamicImage::ImageRgb8(card(60, 40)));
    let cases = [
        (jpeg(&card(60, 40)), FormatChoice::Auto, OutputFormat::Jpeg),
        (translucent_png(), FormatChoice::Auto, OutputFormat::Png),
        (opaque_png.clone(), FormatChoice::Keep, OutputFormat::Png),
        (opaque_png, FormatChoice::Auto, OutputFormat::Jpeg),
        (translucent_png(), FormatChoice::Jpeg, OutputFormat::Jpeg),
        (jpeg(&card(60, 40)), FormatChoice::Png, OutputFormat::Png),
        (jpeg(&card(60, 40)), FormatChoice::Webp, OutputFormat::Webp),
        (translucent_png(), FormatChoice::Webp, OutputFormat::Webp),
    ];
    for (bytes, choice, expected) in cases {
        let preset = Preset {
            format: choice,
            ..Preset::default()
        };
        let prepared = prepare(&bytes, &preset);
        assert_eq!(prepared.format, expected, "{choice:?}");
        let sniffed = pers_imaging::sniff(&prepared.bytes);
        let expected_source = match expected {
            OutputFormat::Jpeg => SourceFormat::Jpeg,
            OutputFormat::Png => SourceFormat::Png,
            OutputFormat::Webp => SourceFormat::Webp,
            OutputFormat::Gif => SourceFormat::Gif,
        };
        assert_eq!(
            sniffed,
            Some(expected_source),
            "{choice:?}: bytes are not {expected}"
        );
    }
}

#[test]
fn webp_keeps_alpha() {
    let preset = Preset {
        format: FormatChoice::Webp,
        ..Preset::default()
    };
    let prepared = prepare(&translucent_png(), &preset);
    let decoded = image::load_from_memory(&prepared.bytes).unwrap().to_rgba8();
    assert_eq!(decoded.get_pixel(0, 0).0[3], 0, "corner is not transparent");
    assert!(decoded.get_pixel(32, 32).0[2] > 200, "centre is not blue");
}

#[test]
fn quality_changes_size() {
    let bytes = jpeg(&card(600, 400));
    let size = |jpeg_quality| {
        let preset = Preset {
            jpeg_quality,
            ..Preset::default()
        };
        prepare(&bytes, &preset).bytes.len()
    };
    assert!(size(30) < size(95), "quality 30 is not smaller than 95");
}

#[test]
fn many_outputs_one_decode() {
    let bytes = jpeg(&card(2000, 1000));
    let presets = [
        Preset::default(),
        Preset::named("thumbnail").unwrap(),
        Preset::named("token").unwrap(),
    ];
    let outputs = pers_imaging::prepare_many(&bytes, &presets, &Limits::default()).unwrap();
    let sizes: Vec<(u32, u32)> = outputs.iter().map(|o| (o.width, o.height)).collect();
    assert_eq!(sizes, vec![(1600, 800), (256, 128), (512, 512)]);
    for output in &outputs {
        let decoded = image::load_from_memory(&output.bytes).unwrap();
        assert_eq!(decoded.dimensions(), (output.width, output.height));
    }
}

#[test]
fn named_presets_resolve() {
    assert_eq!(PRESET_NAMES.len(), 6);
    let banner = Preset::named("campaign-banner").unwrap();
    assert_eq!(
        banner.size,
        Some(BoxSize {
            width: 1600,
            height: 900
        })
    );
    assert_eq!(banner.fit, Fit::Cover);
    assert!(Preset::named("no-such-preset").is_none());
}

#[test]
fn prediction_matches_output() {
    let sources = [
        jpeg(&card(2000, 1000)),
        crate::fixtures::oriented_card_jpeg(&card(600, 300), 6),
        translucent_png(),
        pixel_png(),
    ];
    for (index, bytes) in sources.iter().enumerate() {
        for name in PRESET_NAMES {
            let preset = Preset::named(name).unwrap();
            let predicted =
                pers_imaging::predict_output(bytes, &preset, &Limits::default()).unwrap();
            let prepared = prepare(bytes, &preset);
            let label = format!("source {index}, preset {name}");
            assert_eq!(
                (predicted.width, predicted.height),
                (prepared.width, prepared.height),
                "{label}"
            );
            assert_eq!(predicted.format, prepared.format, "{label}");
            assert_eq!(
                (predicted.source_width, predicted.source_height),
                (prepared.source_width, prepared.source_height),
                "{label}"
            );
        }
    }
}

#[test]
fn prediction_rejects_bomb_header() {
    let bytes = crate::fixtures::header_only_png(100_000, 100_000);
    let result = pers_imaging::predict_output(&bytes, &Preset::default(), &Limits::default());
    assert!(
        matches!(
            result,
            Err(pers_imaging::ImagingError::TooManyPixels { .. })
        ),
        "{result:?}"
    );
}

#[test]
fn corpus_prediction_estimates_bytes() {
    let Some(corpus) = corpus() else { return };
    // The estimate is for photos, so it is checked on photos, within a factor of 2.5.
    for file in [
        "real/exif-samples/42_IndexError.jpg",
        "real/exif-samples/canon_hdr_NO.jpg",
        "real/exif-orientation/Landscape_6.jpg",
        "real/DSCN0010.jpg",
    ] {
        let bytes = read(&corpus, file);
        let preset = Preset::default();
        let predicted = pers_imaging::predict_output(&bytes, &preset, &Limits::default()).unwrap();
        let prepared = prepare(&bytes, &preset);
        assert_eq!(
            (predicted.width, predicted.height),
            (prepared.width, prepared.height)
        );
        let actual = prepared.bytes.len() as f64;
        let ratio = predicted.estimated_bytes as f64 / actual;
        println!(
            "{file}: estimated {} bytes, actual {actual}",
            predicted.estimated_bytes
        );
        assert!(
            (0.4..2.5).contains(&ratio),
            "{file}: estimate off by {ratio:.2}x"
        );
    }
}

#[test]
fn corpus_odd_sizes_every_fit() {
    let Some(corpus) = corpus() else { return };
    for file in [
        "made/dims/wide_20000x1.png",
        "made/dims/pixel_1x1.png",
        "made/dims/wide_17000x100.png",
    ] {
        let bytes = read(&corpus, file);
        for fit in [Fit::Contain, Fit::Cover, Fit::Pad] {
            for format in [FormatChoice::Jpeg, FormatChoice::Png, FormatChoice::Webp] {
                let preset = Preset {
                    format,
                    ..boxed(fit, 300, 200)
                };
                let label = format!("{file}, {fit:?}, {format:?}");
                let prepared = pers_imaging::prepare(&bytes, &preset, &Limits::default())
                    .unwrap_or_else(|error| panic!("{label}: {error}"));
                assert!(prepared.width >= 1 && prepared.height >= 1, "{label}");
                assert!(prepared.width <= 300 && prepared.height <= 200, "{label}");
            }
        }
    }
}

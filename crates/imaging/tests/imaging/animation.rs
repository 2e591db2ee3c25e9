//! Animated GIF resized frame by frame, animated WebP and APNG passed through.

use std::io::Cursor;
use std::time::Duration;

use image::codecs::gif::{GifDecoder, GifEncoder, Repeat};
use image::{AnimationDecoder, Delay, Frame, Rgba, RgbaImage};
use pers_imaging::{
    AnimationHandling, BoxSize, Fit, FormatChoice, ImagingError, Limits, OutputFormat,
    PreparedImage, Preset, SourceFormat,
};

use crate::support::{corpus, prepare_ok, read};

const RED: Rgba<u8> = Rgba([255, 0, 0, 255]);
const GREEN: Rgba<u8> = Rgba([0, 255, 0, 255]);
const BLUE: Rgba<u8> = Rgba([0, 0, 255, 255]);

/// Decodes every frame of a GIF output with its delay in milliseconds.
fn gif_frames(bytes: &[u8]) -> Vec<(RgbaImage, u32)> {
    let decoder = GifDecoder::new(Cursor::new(bytes)).unwrap();
    decoder
        .into_frames()
        .map(|frame| {
            let frame = frame.unwrap();
            let (numerator, denominator) = frame.delay().numer_denom_ms();
            (frame.into_buffer(), numerator / denominator)
        })
        .collect()
}

/// Reads the loop count of a GIF with the gif crate, which reports `Finite(0)` when the file
/// has no NETSCAPE2.0 extension and so plays once.
fn gif_repeat(bytes: &[u8]) -> gif::Repeat {
    let mut options = gif::DecodeOptions::new();
    options.skip_frame_decoding(true);
    let mut decoder = options.read_info(Cursor::new(bytes)).unwrap();
    while let Ok(Some(_)) = decoder.next_frame_info() {}
    decoder.repeat()
}

/// Builds a `width`x`height` GIF with one solid frame per colour, each shown for its delay.
fn built_gif(
    width: u32,
    height: u32,
    frames: &[(Rgba<u8>, u64)],
    repeat: Option<Repeat>,
) -> Vec<u8> {
    let mut bytes = Vec::new();
    {
        let mut encoder = GifEncoder::new(&mut bytes);
        if let Some(repeat) = repeat {
            encoder.set_repeat(repeat).unwrap();
        }
        for &(colour, milliseconds) in frames {
            let buffer = RgbaImage::from_pixel(width, height, colour);
            let delay = Delay::from_saturating_duration(Duration::from_millis(milliseconds));
            encoder
                .encode_frame(Frame::from_parts(buffer, 0, 0, delay))
                .unwrap();
        }
    }
    bytes
}

/// Builds a `width`x`height` APNG with one solid RGBA frame per colour and a tEXt chunk.
fn built_apng(width: u32, height: u32, colours: &[Rgba<u8>]) -> Vec<u8> {
    let mut bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut bytes, width, height);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        let frames = u32::try_from(colours.len()).unwrap();
        encoder.set_animated(frames, 0).unwrap();
        encoder
            .add_text_chunk("Author".to_owned(), "someone private".to_owned())
            .unwrap();
        let mut writer = encoder.write_header().unwrap();
        for colour in colours {
            let frame = RgbaImage::from_pixel(width, height, *colour);
            writer.write_image_data(frame.as_raw()).unwrap();
        }
        writer.finish().unwrap();
    }
    bytes
}

fn centre(image: &RgbaImage) -> Rgba<u8> {
    *image.get_pixel(image.width() / 2, image.height() / 2)
}

fn close_to(actual: Rgba<u8>, expected: Rgba<u8>) -> bool {
    actual
        .0
        .iter()
        .zip(expected.0)
        .all(|(&a, e)| a.abs_diff(e) <= 40)
}

fn prepare_with(bytes: &[u8], preset: &Preset, limits: &Limits) -> PreparedImage {
    pers_imaging::prepare(bytes, preset, limits).unwrap()
}

#[test]
fn corpus_animations_keep_frames() {
    let Some(corpus) = corpus() else { return };
    let cases = [
        (
            "made/anim/anim_3frames.gif",
            Some(AnimationHandling::Resized { frames: 3 }),
        ),
        (
            "suites/image-rs/gif/any-disposal.gif",
            Some(AnimationHandling::Resized { frames: 5 }),
        ),
        (
            "suites/image-rs/gif/mixed-disposal.gif",
            Some(AnimationHandling::Resized { frames: 5 }),
        ),
        (
            "made/anim/anim_3frames.webp",
            Some(AnimationHandling::PassedThrough { frames: 3 }),
        ),
        (
            "suites/image-rs/webp/anim.webp",
            Some(AnimationHandling::PassedThrough { frames: 6 }),
        ),
        (
            "suites/png-extra/basic_f20.png",
            Some(AnimationHandling::PassedThrough { frames: 20 }),
        ),
        ("suites/image-rs/gif/interlaced.gif", None),
        ("suites/image-rs/webp/simple-rgb.webp", None),
        ("made/dims/pixel_1x1.png", None),
    ];
    for (file, expected) in cases {
        let prepared = prepare_ok(&read(&corpus, file), file);
        assert_eq!(prepared.animation, expected, "{file}");
        let frames = expected.map(|handling| match handling {
            AnimationHandling::Resized { frames } | AnimationHandling::PassedThrough { frames } => {
                frames
            }
        });
        assert_eq!(prepared.animated_frames, frames, "{file}");
    }
}

#[test]
fn corpus_gif_frames_resized() {
    let Some(corpus) = corpus() else { return };
    let file = "made/anim/anim_3frames.gif";
    let source = read(&corpus, file);
    let preset = Preset {
        max_edge: 64,
        ..Preset::default()
    };
    let prepared = prepare_with(&source, &preset, &Limits::default());
    assert_eq!(prepared.format, OutputFormat::Gif);
    assert!(prepared.width.max(prepared.height) <= 64, "{prepared:?}");
    let frames = gif_frames(&prepared.bytes);
    assert_eq!(frames.len(), 3);
    // The frames are solid red, green and blue in turn, 500 ms each, and the file loops.
    let colours = [
        Rgba([220, 30, 30, 255]),
        Rgba([30, 170, 60, 255]),
        Rgba([30, 70, 210, 255]),
    ];
    for ((image, delay), colour) in frames.iter().zip(colours) {
        assert_eq!(image.dimensions(), (prepared.width, prepared.height));
        // The centre has the frame number in white, so a corner is sampled.
        let corner = *image.get_pixel(3, 3);
        assert!(close_to(corner, colour), "{corner:?}, expected {colour:?}");
        assert_eq!(*delay, 500);
    }
    assert_eq!(gif_repeat(&prepared.bytes), gif::Repeat::Infinite);
}

#[test]
fn corpus_passthrough_frames_intact() {
    let Some(corpus) = corpus() else { return };
    let file = "made/anim/anim_3frames.webp";
    let source = read(&corpus, file);
    let prepared = prepare_ok(&source, file);
    assert_eq!(prepared.format, OutputFormat::Webp);
    assert_eq!(prepared.source_format, SourceFormat::Webp);
    assert_eq!(
        (prepared.width, prepared.height),
        (prepared.source_width, prepared.source_height)
    );
    let decoder = image::codecs::webp::WebPDecoder::new(Cursor::new(&prepared.bytes)).unwrap();
    let frames: Vec<Frame> = decoder.into_frames().collect::<Result<_, _>>().unwrap();
    assert_eq!(frames.len(), 3);
    let first = frames[0].buffer();
    let corner = *first.get_pixel(3, 3);
    assert!(close_to(corner, Rgba([220, 30, 30, 255])), "{corner:?}");

    let file = "suites/png-extra/basic_f20.png";
    let source = read(&corpus, file);
    let prepared = prepare_ok(&source, file);
    assert_eq!(prepared.format, OutputFormat::Png);
    let decoder = image::codecs::png::PngDecoder::new(Cursor::new(&prepared.bytes)).unwrap();
    let frames = decoder.apng().unwrap().into_frames().count();
    assert_eq!(frames, 20);
}

#[test]
fn built_gif_delays_and_loops() {
    let source = built_gif(
        400,
        200,
        &[(RED, 100), (GREEN, 200), (BLUE, 300), (RED, 400)],
        Some(Repeat::Finite(3)),
    );
    let preset = Preset {
        max_edge: 100,
        ..Preset::default()
    };
    let prepared = prepare_with(&source, &preset, &Limits::default());
    assert_eq!(
        prepared.animation,
        Some(AnimationHandling::Resized { frames: 4 })
    );
    assert_eq!((prepared.width, prepared.height), (100, 50));
    assert_eq!((prepared.source_width, prepared.source_height), (400, 200));
    let frames = gif_frames(&prepared.bytes);
    let delays: Vec<u32> = frames.iter().map(|(_, delay)| *delay).collect();
    assert_eq!(delays, [100, 200, 300, 400]);
    assert!(close_to(centre(&frames[1].0), GREEN));
    assert_eq!(gif_repeat(&prepared.bytes), gif::Repeat::Finite(3));
}

#[test]
fn built_gif_without_loop_plays_once() {
    let source = built_gif(40, 40, &[(RED, 100), (BLUE, 100)], None);
    assert_eq!(gif_repeat(&source), gif::Repeat::Finite(0));
    let prepared = prepare_ok(&source, "two-frame GIF");
    assert_eq!(gif_repeat(&prepared.bytes), gif::Repeat::Finite(0));
}

#[test]
fn built_gif_cover_and_pad() {
    let source = built_gif(300, 100, &[(RED, 100), (BLUE, 100)], Some(Repeat::Infinite));
    let boxed = |fit| Preset {
        size: Some(BoxSize {
            width: 60,
            height: 60,
        }),
        fit,
        // Animated output is GIF whatever format the preset requests.
        format: FormatChoice::Jpeg,
        ..Preset::default()
    };
    let outputs = pers_imaging::prepare_many(
        &source,
        &[boxed(Fit::Cover), boxed(Fit::Pad)],
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(outputs.len(), 2);
    for prepared in &outputs {
        assert_eq!(prepared.format, OutputFormat::Gif);
        assert_eq!((prepared.width, prepared.height), (60, 60));
        assert_eq!(gif_frames(&prepared.bytes).len(), 2);
    }
    // Pad leaves transparent margins above and below the 60x20 content.
    let padded = &gif_frames(&outputs[1].bytes)[0].0;
    assert_eq!(padded.get_pixel(30, 2).0[3], 0);
    assert!(close_to(*padded.get_pixel(30, 30), RED));
}

#[test]
fn built_gif_pixel_total_rejected() {
    let source = built_gif(100, 100, &[(RED, 100), (GREEN, 100), (BLUE, 100)], None);
    let limits = Limits {
        max_pixels: 25_000,
        ..Limits::default()
    };
    let result = pers_imaging::prepare(&source, &Preset::default(), &limits);
    let Err(error @ ImagingError::AnimationTooLarge { frames: 3, .. }) = result else {
        panic!("expected AnimationTooLarge, got {result:?}");
    };
    let message = error.to_string();
    assert!(message.contains("30000 pixels in all"), "{message}");
    assert!(message.contains("maximum of 25000"), "{message}");
}

#[test]
fn built_gif_upscaled_total_rejected() {
    let source = built_gif(10, 10, &[(RED, 100), (GREEN, 100), (BLUE, 100)], None);
    let limits = Limits {
        max_pixels: 25_000,
        ..Limits::default()
    };
    let preset = Preset {
        max_edge: 100,
        upscale: true,
        ..Preset::default()
    };
    let result = pers_imaging::prepare(&source, &preset, &limits);
    let Err(error @ ImagingError::AnimationTooLarge { frames: 3, .. }) = result else {
        panic!("expected AnimationTooLarge, got {result:?}");
    };
    let message = error.to_string();
    assert!(message.contains("output frames of 100x100"), "{message}");
    assert!(message.contains("30000 pixels in all"), "{message}");
}

#[test]
fn built_gif_truncated_rejected() {
    let source = built_gif(64, 64, &[(RED, 100), (GREEN, 100), (BLUE, 100)], None);
    let cut = &source[..source.len() * 2 / 3];
    let result = pers_imaging::prepare(cut, &Preset::default(), &Limits::default());
    assert!(
        matches!(
            result,
            Err(ImagingError::Decode {
                format: SourceFormat::Gif,
                ..
            })
        ),
        "{result:?}"
    );
}

#[test]
fn built_apng_text_stripped() {
    let source = built_apng(32, 16, &[RED, GREEN, BLUE]);
    assert!(source.windows(4).any(|window| window == b"tEXt"));
    let prepared = prepare_ok(&source, "three-frame APNG");
    assert_eq!(
        prepared.animation,
        Some(AnimationHandling::PassedThrough { frames: 3 })
    );
    assert_eq!(prepared.format, OutputFormat::Png);
    assert!(!prepared.bytes.windows(4).any(|window| window == b"tEXt"));
    assert!(
        !prepared
            .bytes
            .windows(15)
            .any(|window| window == b"someone private")
    );
    assert_eq!(
        prepared.bytes.len(),
        source.len() - (12 + "Author\0someone private".len())
    );
    let decoder = image::codecs::png::PngDecoder::new(Cursor::new(&prepared.bytes)).unwrap();
    let frames: Vec<Frame> = decoder
        .apng()
        .unwrap()
        .into_frames()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(frames.len(), 3);
    assert!(close_to(centre(frames[2].buffer()), BLUE));
}

#[test]
fn built_apng_over_limit_rejected() {
    let source = built_apng(32, 16, &[RED, GREEN]);
    let limits = Limits {
        max_passthrough_bytes: 100,
        ..Limits::default()
    };
    let result = pers_imaging::prepare(&source, &Preset::default(), &limits);
    let Err(
        error @ ImagingError::AnimationTooLarge {
            format: SourceFormat::Png,
            frames: 2,
            ..
        },
    ) = result
    else {
        panic!("expected AnimationTooLarge, got {result:?}");
    };
    let message = error.to_string();
    assert!(message.contains("only up to 100 bytes"), "{message}");
}

#[test]
fn animated_prediction_matches() {
    let source = built_gif(400, 200, &[(RED, 100), (BLUE, 100)], None);
    let preset = Preset {
        max_edge: 100,
        ..Preset::default()
    };
    let predicted = pers_imaging::predict_output(&source, &preset, &Limits::default()).unwrap();
    let prepared = prepare_with(&source, &preset, &Limits::default());
    assert_eq!(predicted.format, OutputFormat::Gif);
    assert_eq!(
        (predicted.width, predicted.height),
        (prepared.width, prepared.height)
    );

    let source = built_apng(32, 16, &[RED, GREEN]);
    let predicted = pers_imaging::predict_output(&source, &preset, &Limits::default()).unwrap();
    assert_eq!(predicted.format, OutputFormat::Png);
    assert_eq!((predicted.width, predicted.height), (32, 16));
}

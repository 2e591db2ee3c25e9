//! Resizing: long edge capped, never upscaled, aspect kept, alpha kept in PNG.

use image::GenericImageView;
use pers_imaging::{Limits, OutputFormat, Preset, SourceFormat};

use crate::fixtures::{card, jpeg, pixel_png, translucent_png};
use crate::support::{corpus, prepare_ok, read};

#[test]
fn built_pixel_stays_1x1() {
    let prepared = prepare_ok(&pixel_png(), "1x1 png");
    assert_eq!((prepared.width, prepared.height), (1, 1));
    assert_eq!(prepared.format, OutputFormat::Jpeg);
    assert_eq!(prepared.source_format, SourceFormat::Png);
}

#[test]
fn built_large_card_downscaled() {
    let prepared = prepare_ok(&jpeg(&card(2000, 1000)), "2000x1000 card");
    assert_eq!((prepared.width, prepared.height), (1600, 800));
    assert_eq!(
        (prepared.source_width, prepared.source_height),
        (2000, 1000)
    );
    let decoded = image::load_from_memory(&prepared.bytes).unwrap();
    assert_eq!(decoded.dimensions(), (1600, 800));
}

#[test]
fn built_translucent_png_keeps_alpha() {
    let prepared = prepare_ok(&translucent_png(), "translucent png");
    assert_eq!(prepared.format, OutputFormat::Png);
    let decoded = image::load_from_memory(&prepared.bytes).unwrap().to_rgba8();
    assert_eq!(
        decoded.get_pixel(0, 0).0[3],
        0,
        "corner should stay transparent"
    );
    assert_eq!(
        decoded.get_pixel(32, 32).0,
        [0, 0, 255, 255],
        "centre should stay blue"
    );
}

#[test]
fn built_translucent_thumbnail_edges() {
    let prepared = pers_imaging::thumbnail(&translucent_png(), 16, &Limits::default()).unwrap();
    assert_eq!((prepared.width, prepared.height), (16, 16));
    assert_eq!(prepared.format, OutputFormat::Png);
    let decoded = image::load_from_memory(&prepared.bytes).unwrap().to_rgba8();
    // Pixels that mix the blue square with transparent ones must stay blue, not darken:
    // premultiplied resampling gives colour only from the opaque neighbours.
    for pixel in decoded.pixels().filter(|pixel| pixel.0[3] > 0) {
        assert!(pixel.0[2] > 200, "edge pixel darkened: {pixel:?}");
    }
}

#[test]
fn thumbnail_uses_max_edge() {
    let prepared = pers_imaging::thumbnail(&jpeg(&card(600, 400)), 256, &Limits::default());
    let prepared = prepared.unwrap();
    assert_eq!((prepared.width, prepared.height), (256, 171));
    assert_eq!(prepared.format, OutputFormat::Jpeg);
}

#[test]
fn preset_max_edge_applies() {
    let preset = Preset {
        max_edge: 100,
        jpeg_quality: 50,
        ..Preset::default()
    };
    let prepared = pers_imaging::prepare(&jpeg(&card(300, 30)), &preset, &Limits::default());
    let prepared = prepared.unwrap();
    assert_eq!((prepared.width, prepared.height), (100, 10));
}

#[test]
fn corpus_sizes() {
    let Some(corpus) = corpus() else { return };
    // The shorter side is rounded to the nearest pixel: 100 * 1600 / 17000 = 9.41 gives 9.
    let cases = [
        ("real/exif-samples/42_IndexError.jpg", (1600, 1200)),
        ("real/gnome-backgrounds/wood-d.webp", (1600, 1600)),
        ("real/DSCN0010.jpg", (640, 480)),
        ("made/dims/pixel_1x1.png", (1, 1)),
        ("made/dims/wide_20000x1.png", (1600, 1)),
        ("made/dims/wide_17000x100.png", (1600, 9)),
    ];
    for (file, expected) in cases {
        let prepared = prepare_ok(&read(&corpus, file), file);
        assert_eq!((prepared.width, prepared.height), expected, "{file}");
        let decoded = image::load_from_memory(&prepared.bytes).unwrap();
        assert_eq!(decoded.dimensions(), expected, "{file}: encoded size");
    }
}

#[test]
fn corpus_alpha_png_kept() {
    let Some(corpus) = corpus() else { return };
    let file = "made/alpha/rgba_transparent_border_64.png";
    let bytes = read(&corpus, file);
    let prepared = prepare_ok(&bytes, file);
    assert_eq!(prepared.format, OutputFormat::Png);
    assert_eq!((prepared.width, prepared.height), (64, 64));
    // Without a resize the PNG round trip is lossless, so every RGBA value must survive.
    let source = image::load_from_memory(&bytes).unwrap().to_rgba8();
    let decoded = image::load_from_memory(&prepared.bytes).unwrap().to_rgba8();
    assert!(
        decoded.pixels().any(|pixel| pixel.0[3] == 0),
        "no transparent pixel left"
    );
    assert!(
        decoded.pixels().any(|pixel| pixel.0[3] == 128),
        "no half-transparent pixel left"
    );
    assert!(decoded == source, "RGBA pixels changed");
}

#[test]
fn corpus_deep_png_to_8bit() {
    let Some(corpus) = corpus() else { return };
    let file = "made/deep/rgba16_gradient.png";
    let prepared = prepare_ok(&read(&corpus, file), file);
    assert_eq!(
        prepared.format,
        OutputFormat::Png,
        "16-bit RGBA ramps include alpha"
    );
    let decoded = image::load_from_memory(&prepared.bytes).unwrap();
    assert_eq!(decoded.color(), image::ColorType::Rgba8);

    let file = "made/deep/gray16_gradient.png";
    let prepared = prepare_ok(&read(&corpus, file), file);
    assert_eq!(prepared.format, OutputFormat::Jpeg);
    let decoded = image::load_from_memory(&prepared.bytes).unwrap().to_luma8();
    // A smooth ramp changes little between neighbours, but swapped bytes would give noise.
    let row: Vec<u8> = (0..decoded.width())
        .map(|x| decoded.get_pixel(x, 64).0[0])
        .collect();
    let max_step = row
        .windows(2)
        .map(|pair| pair[0].abs_diff(pair[1]))
        .max()
        .unwrap();
    assert!(max_step <= 8, "grey ramp has a step of {max_step}");
}

#[test]
fn corpus_12mp_timing() {
    let Some(corpus) = corpus() else { return };
    let file = "real/exif-samples/42_IndexError.jpg";
    let bytes = read(&corpus, file);
    let started = std::time::Instant::now();
    let prepared = prepare_ok(&bytes, file);
    // Printed for information only; no assertion on time.
    println!("{file}: prepare() took {:?}", started.elapsed());
    assert_eq!(
        (prepared.source_width, prepared.source_height),
        (4032, 3024)
    );
}

#[test]
fn built_jpeg_scaled_decode() {
    use crate::fixtures::{BLUE, GREEN, RED, YELLOW, oriented_card_jpeg};
    use crate::support::{close, decode_output};

    // 2400x1600 to a 100 px box is a 24x reduction, decoded at 1/8 scale.
    let upright = card(2400, 1600);
    for orientation in [1, 6] {
        let bytes = oriented_card_jpeg(&upright, orientation);
        let preset = Preset {
            max_edge: 100,
            ..Preset::default()
        };
        let predicted = pers_imaging::predict_output(&bytes, &preset, &Limits::default()).unwrap();
        let prepared = pers_imaging::prepare(&bytes, &preset, &Limits::default()).unwrap();
        assert_eq!(
            (prepared.width, prepared.height),
            (100, 67),
            "{orientation}"
        );
        assert_eq!(
            (predicted.width, predicted.height),
            (100, 67),
            "{orientation}"
        );
        assert_eq!(
            (prepared.source_width, prepared.source_height),
            (2400, 1600),
            "{orientation}"
        );
        let output = decode_output(&prepared);
        let corners = [(5, 5, RED), (94, 5, GREEN), (5, 61, BLUE), (94, 61, YELLOW)];
        for (x, y, colour) in corners {
            let actual = *output.get_pixel(x, y);
            assert!(
                close(actual, colour, 30),
                "orientation {orientation}: ({x}, {y}) is {actual:?}, expected {colour:?}"
            );
        }
    }
}

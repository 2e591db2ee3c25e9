//! Colour: ICC profiles converted to sRGB, CMYK and YCCK not inverted, 16-bit rounding,
//! alpha flattened onto the background for JPEG output.

use image::RgbImage;
use pers_imaging::{FormatChoice, Limits, OutputFormat, Preset};

use crate::support::{corpus, mean_abs_diff, read};

/// A preset that keeps the size and writes lossless PNG, so only colour handling changes
/// the pixels.
fn lossless() -> Preset {
    Preset {
        format: FormatChoice::Png,
        ..Preset::default()
    }
}

fn prepare_rgb(bytes: &[u8], preset: &Preset, name: &str) -> RgbImage {
    let prepared = pers_imaging::prepare(bytes, preset, &Limits::default())
        .unwrap_or_else(|error| panic!("{name}: {error}"));
    image::load_from_memory(&prepared.bytes).unwrap().to_rgb8()
}

fn channel_means(image: &RgbImage) -> [f64; 3] {
    let mut sums = [0.0; 3];
    for pixel in image.pixels() {
        for (sum, value) in sums.iter_mut().zip(pixel.0) {
            *sum += f64::from(value);
        }
    }
    let count = f64::from(image.width() * image.height());
    sums.map(|sum| sum / count)
}

/// Mean of max(R, G, B) - min(R, G, B) over all pixels, a simple measure of saturation.
fn mean_chroma(image: &RgbImage) -> f64 {
    let total: u64 = image
        .pixels()
        .map(|pixel| {
            let [r, g, b] = pixel.0;
            u64::from(r.max(g).max(b) - r.min(g).min(b))
        })
        .sum();
    total as f64 / f64::from(image.width() * image.height())
}

/// Upper bound on the mean difference from the sRGB chart after an ICC conversion. Converted
/// charts measured 1.05 (Adobe RGB, JPEG) and 0.66 (ProPhoto, PNG); the same files decoded
/// without conversion measure more, which the test checks.
const CHART_MAX_MEAN_DIFF: f64 = 2.5;

#[test]
fn corpus_icc_charts_match_srgb() {
    let Some(corpus) = corpus() else { return };
    let reference = image::load_from_memory(&read(&corpus, "made/color/chart_srgb_reference.png"))
        .unwrap()
        .to_rgb8();
    for file in [
        "made/color/chart_adobergb.jpg",
        "made/color/chart_prophoto.png",
    ] {
        let bytes = read(&corpus, file);
        let output = prepare_rgb(&bytes, &lossless(), file);
        let diff = mean_abs_diff(&output, &reference);
        println!("{file}: mean abs diff {diff:.2} from the sRGB chart");
        assert!(
            diff < CHART_MAX_MEAN_DIFF,
            "{file}: mean abs diff {diff:.2}"
        );

        let unconverted = image::load_from_memory(&bytes).unwrap().to_rgb8();
        let unconverted_diff = mean_abs_diff(&unconverted, &reference);
        println!("{file}: without conversion {unconverted_diff:.2}");
        assert!(
            unconverted_diff > CHART_MAX_MEAN_DIFF,
            "{file}: the threshold would not catch a missing conversion"
        );
    }
}

#[test]
fn corpus_wrong_tag_is_honoured() {
    let Some(corpus) = corpus() else { return };
    let reference = image::load_from_memory(&read(&corpus, "made/color/chart_srgb_reference.png"))
        .unwrap()
        .to_rgb8();
    let file = "made/color/chart_srgb_pixels_tagged_adobergb.jpg";
    let output = prepare_rgb(&read(&corpus, file), &lossless(), file);
    let (output_chroma, reference_chroma) = (mean_chroma(&output), mean_chroma(&reference));
    println!("{file}: chroma {output_chroma:.2}, reference {reference_chroma:.2}");
    assert!(
        output_chroma > reference_chroma + 1.0,
        "{file}: the Adobe RGB tag was not applied"
    );
}

#[test]
fn corpus_cmyk_not_inverted() {
    let Some(corpus) = corpus() else { return };
    // Expected means: ImageMagick 6.9 `convert -colorspace sRGB` for the untagged files and
    // libvips 8.14 `vipsthumbnail --export-profile srgb` for the SWOP-tagged YCCK file.
    // An inverted decode moves every mean by more than 80 levels.
    let cases = [
        ("suites/jpeg/jpg-cmyk-1.jpg", [127.5, 127.5, 43.8], 4.0),
        ("suites/jpeg/jpg-cmyk-2.jpg", [252.3, 251.8, 251.8], 4.0),
        ("suites/jpeg/ycck.jpg", [120.6, 122.1, 114.7], 6.0),
        ("made/jpeg/cmyk_imagemagick.jpg", [202.1, 200.8, 197.2], 4.0),
    ];
    for (file, expected, tolerance) in cases {
        let output = prepare_rgb(&read(&corpus, file), &lossless(), file);
        let means = channel_means(&output);
        println!("{file}: channel means {means:.1?}");
        for (channel, (mean, expected)) in means.iter().zip(expected).enumerate() {
            assert!(
                (mean - expected).abs() <= tolerance,
                "{file}: channel {channel} mean {mean:.1}, expected {expected} ± {tolerance}"
            );
        }
    }
}

#[test]
fn corpus_broken_profiles_ignored() {
    let Some(corpus) = corpus() else { return };
    for file in [
        "suites/png-extra/broken_iccp.png",
        "suites/jpeg/icc_missing_chunk.jpeg",
        "suites/jpeg/jpg-srgb-icc.jpg",
        "suites/image-rs/bmp/rgb24prof.bmp",
    ] {
        let bytes = read(&corpus, file);
        let output = prepare_rgb(&bytes, &lossless(), file);
        assert!(output.width() > 0, "{file}");
    }
}

#[test]
fn corpus_16bit_rounded() {
    let Some(corpus) = corpus() else { return };
    let file = "made/deep/rgba16_gradient.png";
    let bytes = read(&corpus, file);
    let source = image::load_from_memory(&bytes).unwrap().to_rgba16();
    let prepared = pers_imaging::prepare(&bytes, &lossless(), &Limits::default()).unwrap();
    assert_eq!(prepared.format, OutputFormat::Png);
    let output = image::load_from_memory(&prepared.bytes).unwrap().to_rgba8();
    assert_eq!(output.dimensions(), source.dimensions());
    let rounded = |value: u16| ((u32::from(value) * 255 + 32_767) / 65_535) as u8;
    let mismatches = source
        .as_raw()
        .iter()
        .zip(output.as_raw())
        .filter(|&(&wide, &narrow)| rounded(wide) != narrow)
        .count();
    assert_eq!(mismatches, 0, "{file}: samples not rounded to nearest");
    // Truncation would differ from rounding on about half the samples, so check the source
    // has values where the two differ.
    let truncation_differs = source
        .as_raw()
        .iter()
        .filter(|&&wide| (u32::from(wide) * 255 / 65_535) as u8 != rounded(wide))
        .count();
    assert!(
        truncation_differs > 1000,
        "source does not tell rounding from truncation"
    );
}

#[test]
fn corpus_alpha_flattened_white() {
    let Some(corpus) = corpus() else { return };
    let file = "made/alpha/rgba_transparent_border_64.png";
    let bytes = read(&corpus, file);
    let jpeg = Preset {
        format: FormatChoice::Jpeg,
        jpeg_quality: 95,
        ..Preset::default()
    };
    let prepared = pers_imaging::prepare(&bytes, &jpeg, &Limits::default()).unwrap();
    assert_eq!(prepared.format, OutputFormat::Jpeg);
    let output = image::load_from_memory(&prepared.bytes).unwrap().to_rgb8();
    // (10, 10) is transparent black in the source, and (1, 1) is in the 50 % red border.
    let clear = output.get_pixel(10, 10).0;
    assert!(
        clear.iter().all(|&value| value > 245),
        "{clear:?} is not white"
    );
    let border = output.get_pixel(1, 1).0;
    assert!(border[0] > 235, "border {border:?} lost its red");
    assert!(
        (100..160).contains(&border[1]),
        "border {border:?} is not half red on white"
    );
    let centre = output.get_pixel(32, 32).0;
    assert!(
        centre[2] > 180 && centre[0] < 60,
        "centre {centre:?} is not blue"
    );

    let black = Preset {
        background: [0, 0, 0],
        ..jpeg
    };
    let prepared = pers_imaging::prepare(&bytes, &black, &Limits::default()).unwrap();
    let output = image::load_from_memory(&prepared.bytes).unwrap().to_rgb8();
    let clear = output.get_pixel(10, 10).0;
    assert!(
        clear.iter().all(|&value| value < 10),
        "{clear:?} is not black"
    );
}

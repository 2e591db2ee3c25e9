//! Feeds arbitrary bytes through `prepare_many` with a small box and every fit and output
//! format, and through `predict_output`. Errors are expected. Panics, hangs and aborts are
//! the failures the fuzzer reports.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pers_imaging::{BoxSize, Fit, FormatChoice, Limits, Preset};

fuzz_target!(|data: &[u8]| {
    // Small limits keep each run fast and its memory bounded, because the parsers are the
    // code of interest here.
    let limits = Limits {
        max_file_bytes: 1 << 20,
        max_pixels: 4_000_000,
        max_dimension: 8_000,
        max_passthrough_bytes: 1 << 20,
    };
    let boxed = |fit, format| Preset {
        size: Some(BoxSize {
            width: 64,
            height: 48,
        }),
        fit,
        format,
        ..Preset::default()
    };
    let presets = [
        boxed(Fit::Contain, FormatChoice::Auto),
        boxed(Fit::Cover, FormatChoice::Webp),
        boxed(Fit::Pad, FormatChoice::Png),
    ];
    let _ = pers_imaging::predict_output(data, &presets[0], &limits);
    let _ = pers_imaging::prepare_many(data, &presets, &limits);
});

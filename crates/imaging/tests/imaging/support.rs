//! Corpus lookup and pixel comparison helpers.

use std::path::PathBuf;

use image::{Rgb, RgbImage};
use pers_imaging::{Limits, PreparedImage, Preset};

/// Returns the corpus folder, or prints why the corpus checks are skipped and returns `None`.
///
/// The folder is `$PERS_IMAGING_CORPUS` when it is set, for checkouts such as git worktrees
/// that have no `shared` folder beside them, else `../shared/corpus` beside the repository.
pub fn corpus() -> Option<PathBuf> {
    let repo_root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let path = std::env::var_os("PERS_IMAGING_CORPUS")
        .map_or_else(|| repo_root.join("../shared/corpus"), PathBuf::from);
    if path.is_dir() {
        Some(path)
    } else {
        println!(
            "corpus not found at {}: skipping corpus checks",
            path.display()
        );
        None
    }
}

/// Reads a corpus file, panicking with its path when it is missing.
pub fn read(corpus: &std::path::Path, relative: &str) -> Vec<u8> {
    let path = corpus.join(relative);
    std::fs::read(&path).unwrap_or_else(|error| panic!("reading {}: {error}", path.display()))
}

/// Runs `prepare` with the default preset and limits, panicking with `name` on error.
pub fn prepare_ok(bytes: &[u8], name: &str) -> PreparedImage {
    pers_imaging::prepare(bytes, &Preset::default(), &Limits::default())
        .unwrap_or_else(|error| panic!("{name}: prepare failed: {error}"))
}

/// Decodes a prepared output back to 8-bit RGB.
pub fn decode_output(prepared: &PreparedImage) -> RgbImage {
    image::load_from_memory(&prepared.bytes).unwrap().to_rgb8()
}

/// Mean absolute difference per channel, 0 to 255, of two images of the same size.
pub fn mean_abs_diff(a: &RgbImage, b: &RgbImage) -> f64 {
    assert_eq!(
        a.dimensions(),
        b.dimensions(),
        "compared images differ in size"
    );
    let total: u64 = a
        .as_raw()
        .iter()
        .zip(b.as_raw())
        .map(|(&x, &y)| u64::from(x.abs_diff(y)))
        .sum();
    total as f64 / a.as_raw().len() as f64
}

/// Returns true when every channel of `actual` is within `tolerance` of `expected`.
pub fn close(actual: Rgb<u8>, expected: Rgb<u8>, tolerance: u8) -> bool {
    actual
        .0
        .iter()
        .zip(expected.0)
        .all(|(&a, e)| a.abs_diff(e) <= tolerance)
}

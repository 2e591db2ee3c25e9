//! The expected outcome of every corpus image: stored, refused with a reason, or (where the
//! corpus notes allow either) one of the two without a panic.

use std::path::{Path, PathBuf};

use pers_imaging::{Limits, Preset};

use crate::support::corpus;

/// What preparing a corpus file must give.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expected {
    /// An output within the preset's size.
    Stored,
    /// An error with a message.
    Refused,
    /// Either of the two: the corpus notes allow both, or name no behaviour.
    Either,
}

/// Files refused by name: corrupt, truncated, bombs, JPEG codings without a decoder here
/// (lossless, arithmetic, 12-bit), and files that are not images.
const REFUSED: &[&str] = &[
    "made/bomb/ihdr_100000x100000.png",
    "made/broken/empty.png",
    "made/broken/soi_only.jpg",
    "made/broken/truncated_50pct.jpg",
    "made/mislabeled/photo.png",
    "real/exif-samples/corrupted.jpg",
    "suites/image-rs/bad/bmp/Bad_height.bmp",
    "suites/image-rs/bad/bmp/Bad_reallybig.bmp",
    "suites/image-rs/bad/bmp/Bad_shortfile.bmp",
    "suites/image-rs/bad/ico/Bad_smile-incorrect-image-length.ico",
    "suites/jpeg/MR4.jpg",
    "suites/jpeg/invalid-dimensions.jpg",
    "suites/jpeg/max_size.jpg",
    "suites/jpeg/missing-sof.jpg",
    "suites/jpeg/missing-sos.jpg",
    "suites/jpeg/monkey12.jpg",
    "suites/jpeg/null_height.jpg",
    "suites/jpeg/testimgari.jpg",
    "suites/png-extra/x_consecutive_idat.png",
    "suites/png-extra/x_ihdr_missing.png",
    "suites/png-extra/x_unexpected_eof.png",
];

/// Files whose notes allow refusing or decoding, or name no behaviour beyond "no crash".
const EITHER: &[&str] = &[
    // Corrupt data that a decoder may read as garbage with a warning, or refuse.
    "made/broken/bitflip_32bytes.jpg",
    // A progressive JPEG whose scan data ends early. pers-imaging refuses it, because the
    // missing blocks would come out grey (tested in `bad_input`).
    "suites/jpeg/partial_progressive.jpg",
    "suites/jpeg/dc-predictor-overflow.jpg",
    "suites/jpeg/derive-huffman-codes-overflow.jpg",
    "suites/png-extra/invalid_palette_index.png",
    "suites/image-rs/gif/oob.gif",
    "suites/image-rs/bmp/pal4rlecut.bmp",
    "suites/image-rs/bmp/rle_overflow.bmp",
    // A metadata bomb: ignoring the chunk and refusing the file are both allowed.
    "made/bomb/itxt_1mib_zeros_1x1.png",
    // JPEG and TIFF codings that the notes list without an expected outcome.
    "suites/jpeg/16bit-qtables.jpg",
    "suites/jpeg/progressive-missing-ac.jpg",
    "suites/image-rs/tiff/fax4.tiff",
    "suites/image-rs/tiff/ycbcr_jpeg_8bit.tif",
    "suites/image-rs/tiff/cmyk_u8_edge_case.tif",
];

/// Returns the expected outcome of the corpus file at `relative`, or `None` for files that
/// are not test images (notes, licenses, build scripts).
fn expected(relative: &str) -> Option<Expected> {
    let name = relative.rsplit('/').next().unwrap_or(relative);
    let is_note = relative.starts_with("licenses/")
        || [".md", ".README", ".LICENSE", ".txt", ".sh", ".py", ".toml"]
            .iter()
            .any(|suffix| name.ends_with(suffix));
    if is_note {
        return None;
    }
    if REFUSED.contains(&relative) {
        return Some(Expected::Refused);
    }
    if EITHER.contains(&relative) {
        return Some(Expected::Either);
    }
    // PngSuite's corrupt files are the ones whose names start with `x`.
    if relative.starts_with("suites/pngsuite/") && name.starts_with('x') {
        return Some(Expected::Refused);
    }
    Some(Expected::Stored)
}

#[test]
fn corpus_outcomes_match_notes() {
    let Some(corpus) = corpus() else { return };
    let mut files = Vec::new();
    collect(&corpus, &mut files);
    let preset = Preset::default();
    let limits = Limits::default();

    let mut checked = 0;
    let mut wrong = Vec::new();
    for path in &files {
        let relative = path
            .strip_prefix(&corpus)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let Some(expected) = expected(&relative) else {
            continue;
        };
        checked += 1;
        let bytes = std::fs::read(path).unwrap();
        let result = pers_imaging::prepare(&bytes, &preset, &limits);
        let outcome = match &result {
            Ok(prepared) => format!("stored {}x{}", prepared.width, prepared.height),
            Err(error) => format!("refused: {error}"),
        };
        println!("{relative}: {outcome}");
        let matches = match (&result, expected) {
            (Ok(prepared), Expected::Stored | Expected::Either) => {
                let longest = prepared.width.max(prepared.height);
                prepared.width >= 1 && prepared.height >= 1 && longest <= preset.max_edge
            }
            (Err(error), Expected::Refused | Expected::Either) => !error.to_string().is_empty(),
            _ => false,
        };
        if !matches {
            wrong.push(format!("{relative}: expected {expected:?}, got {outcome}"));
        }
    }
    assert!(checked > 300, "only {checked} corpus images found");
    assert!(
        wrong.is_empty(),
        "{} of {checked} corpus images had another outcome:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// Every name in the two lists is a file of the corpus, so a renamed file cannot leave a rule
/// that matches nothing.
#[test]
fn corpus_outcome_lists_name_real_files() {
    let Some(corpus) = corpus() else { return };
    for relative in REFUSED.iter().chain(EITHER) {
        assert!(
            corpus.join(relative).is_file(),
            "{relative} is not in the corpus"
        );
    }
}

fn collect(folder: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, files);
        } else {
            files.push(path);
        }
    }
    files.sort();
}

//! Runs the `pers-assets` binary on files built here and on the shared corpus.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use image::{Rgb, RgbImage};

fn run(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pers-assets"))
        .args(args)
        .output()
        .unwrap()
}

fn run_strs(args: &[&str]) -> Output {
    let args: Vec<&std::ffi::OsStr> = args.iter().map(std::ffi::OsStr::new).collect();
    run(&args)
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Writes a `width`x`height` JPEG with a horizontal gradient into `dir`.
fn write_jpeg(dir: &Path, name: &str, width: u32, height: u32) -> PathBuf {
    let image = RgbImage::from_fn(width, height, |x, _| Rgb([(x % 256) as u8, 90, 160]));
    let path = dir.join(name);
    image
        .save_with_format(&path, image::ImageFormat::Jpeg)
        .unwrap();
    path
}

fn corpus() -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
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

#[test]
fn prepare_max_edge() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_jpeg(dir.path(), "photo.jpg", 800, 400);
    let output = dir.path().join("out.jpg");
    let result = run(&[
        "prepare".as_ref(),
        input.as_os_str(),
        "-o".as_ref(),
        output.as_os_str(),
        "--max-edge".as_ref(),
        "200".as_ref(),
    ]);
    assert!(result.status.success(), "{}", stderr(&result));
    let decoded = image::open(&output).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (200, 100));
    assert!(
        stdout(&result).contains("200x100 JPEG"),
        "{}",
        stdout(&result)
    );
}

#[test]
fn prepare_preset_cover_webp() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_jpeg(dir.path(), "photo.jpg", 800, 400);
    let output = dir.path().join("token.jpg");
    let result = run(&[
        "prepare".as_ref(),
        input.as_os_str(),
        "-o".as_ref(),
        output.as_os_str(),
        "--preset".as_ref(),
        "token".as_ref(),
        "--format".as_ref(),
        "webp".as_ref(),
        "--quality".as_ref(),
        "60".as_ref(),
    ]);
    assert!(result.status.success(), "{}", stderr(&result));
    // The extension follows the output format, so token.jpg becomes token.webp.
    assert!(!output.exists(), "the .jpg name was kept for WebP bytes");
    let written = dir.path().join("token.webp");
    let decoded = image::open(&written).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (400, 400));
}

#[test]
fn prepare_fit_pad_box() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_jpeg(dir.path(), "photo.jpg", 800, 400);
    let output = dir.path().join("padded.png");
    let result = run(&[
        "prepare".as_ref(),
        input.as_os_str(),
        "-o".as_ref(),
        output.as_os_str(),
        "--width".as_ref(),
        "300".as_ref(),
        "--height".as_ref(),
        "300".as_ref(),
        "--fit".as_ref(),
        "pad".as_ref(),
        "--format".as_ref(),
        "png".as_ref(),
    ]);
    assert!(result.status.success(), "{}", stderr(&result));
    let decoded = image::open(&output).unwrap().to_rgba8();
    assert_eq!(decoded.dimensions(), (300, 300));
    assert_eq!(
        decoded.get_pixel(150, 10).0[3],
        0,
        "margin is not transparent"
    );
}

#[test]
fn text_file_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("photo.png");
    std::fs::write(&input, "this is a text file\n").unwrap();
    let output = dir.path().join("out.jpg");
    let result = run(&[
        "prepare".as_ref(),
        input.as_os_str(),
        "-o".as_ref(),
        output.as_os_str(),
    ]);
    assert_eq!(result.status.code(), Some(1));
    let message = stderr(&result);
    assert!(message.contains("photo.png"), "{message}");
    assert!(message.contains("not an image"), "{message}");
    assert!(
        !output.exists(),
        "an output was written for a rejected input"
    );
}

#[test]
fn missing_input_rejected() {
    let result = run_strs(&["prepare", "/nonexistent/in.jpg", "-o", "/tmp/never.jpg"]);
    assert_eq!(result.status.code(), Some(1));
    let message = stderr(&result);
    assert!(
        message.contains("/nonexistent/in.jpg: reading failed"),
        "{message}"
    );
}

#[test]
fn bad_arguments_rejected() {
    let cases: [&[&str]; 4] = [
        &["prepare", "in.jpg"],
        &["prepare", "in.jpg", "-o", "out.jpg", "--fit", "stretch"],
        &["prepare", "in.jpg", "-o", "out.jpg", "--quality", "0"],
        &[
            "prepare",
            "in.jpg",
            "-o",
            "o.jpg",
            "--preset",
            "token",
            "--max-edge",
            "5",
        ],
    ];
    for args in cases {
        let result = run_strs(args);
        assert_eq!(
            result.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&result)
        );
    }
}

#[test]
fn predict_prints_size() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_jpeg(dir.path(), "photo.jpg", 2000, 1000);
    let result = run(&[
        "predict".as_ref(),
        input.as_os_str(),
        "--preset".as_ref(),
        "campaign-banner".as_ref(),
    ]);
    assert!(result.status.success(), "{}", stderr(&result));
    assert!(
        stdout(&result).contains("1600x900 JPEG"),
        "{}",
        stdout(&result)
    );
}

#[test]
fn prepare_to_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_jpeg(dir.path(), "photo.jpg", 200, 100);
    let result = run(&[
        "prepare".as_ref(),
        input.as_os_str(),
        "-o".as_ref(),
        "-".as_ref(),
    ]);
    assert!(result.status.success(), "{}", stderr(&result));
    assert!(
        result.stdout.starts_with(&[0xFF, 0xD8, 0xFF]),
        "a JPEG on stdout"
    );
    assert!(
        stderr(&result).contains("200x100 JPEG"),
        "{}",
        stderr(&result)
    );
    // The command runs in the test's working directory.
    assert!(
        !std::path::Path::new("-.jpg").exists(),
        "no file named -.jpg"
    );
}

#[test]
fn prepare_keeps_input_file() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_jpeg(dir.path(), "photo.jpg", 200, 100);
    let original = std::fs::read(&input).unwrap();
    let link = dir.path().join("link.jpg");
    std::fs::hard_link(&input, &link).unwrap();

    for output in [&input, &link] {
        let result = run(&[
            "prepare".as_ref(),
            input.as_os_str(),
            "-o".as_ref(),
            output.as_os_str(),
        ]);
        assert_eq!(result.status.code(), Some(1), "{}", stderr(&result));
        assert!(
            stderr(&result).contains("would replace the input file"),
            "{}",
            stderr(&result)
        );
        assert_eq!(
            std::fs::read(&input).unwrap(),
            original,
            "the input is unchanged"
        );
    }
}

#[test]
fn corpus_mislabeled_and_broken() {
    let Some(corpus) = corpus() else { return };
    let dir = tempfile::tempdir().unwrap();

    // PNG bytes named .jpg: decoded as PNG, and a .png name given to a PNG output.
    let input = corpus.join("made/mislabeled/png_named.jpg");
    let output = dir.path().join("named.png");
    let result = run(&[
        "prepare".as_ref(),
        input.as_os_str(),
        "-o".as_ref(),
        output.as_os_str(),
        "--format".as_ref(),
        "keep".as_ref(),
    ]);
    assert!(result.status.success(), "{}", stderr(&result));
    assert!(stdout(&result).contains("from PNG"), "{}", stdout(&result));

    // An iPhone HEIC, stored landscape and turned by its container, comes out portrait.
    let input = corpus.join("real/exif-samples/iphone_13_pro_max.HEIC");
    let output = dir.path().join("iphone.jpg");
    let result = run(&[
        "prepare".as_ref(),
        input.as_os_str(),
        "-o".as_ref(),
        output.as_os_str(),
    ]);
    assert!(result.status.success(), "{}", stderr(&result));
    assert!(
        stdout(&result).contains("1200x1600 JPEG"),
        "{}",
        stdout(&result)
    );
    assert!(stdout(&result).contains("from HEIC"), "{}", stdout(&result));

    for (file, reason) in [
        ("made/broken/truncated_50pct.jpg", "truncated"),
        (
            "made/bomb/ihdr_100000x100000.png",
            "maximum of 100000000 pixels",
        ),
        ("made/broken/empty.png", "the file is empty"),
        ("made/mislabeled/photo.png", "not an image"),
    ] {
        let input = corpus.join(file);
        let output = dir.path().join("out.jpg");
        let result = run(&[
            "prepare".as_ref(),
            input.as_os_str(),
            "-o".as_ref(),
            output.as_os_str(),
        ]);
        assert_eq!(result.status.code(), Some(1), "{file}");
        let message = stderr(&result);
        assert!(message.contains(reason), "{file}: {message}");
    }
}

/// A device that never ends, such as /dev/zero, reports length 0. The read stops past the
/// size limit and fails by name instead of filling the memory.
#[cfg(target_os = "linux")]
#[test]
fn endless_input_rejected() {
    let result = run(&["predict".as_ref(), "/dev/zero".as_ref()]);

    assert_eq!(result.status.code(), Some(1), "{}", stderr(&result));
    let message = stderr(&result);
    assert!(message.contains("/dev/zero"), "{message}");
    assert!(message.contains("larger than the maximum"), "{message}");
}

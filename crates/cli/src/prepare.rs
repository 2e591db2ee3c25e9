//! The `prepare` and `predict` subcommands.

use std::path::{Path, PathBuf};

use pers_imaging::{ImagingError, Limits, OutputFormat};

use crate::args::{PredictArgs, PrepareArgs};

/// Failure of a subcommand, printed as one line.
#[derive(thiserror::Error, Debug)]
pub(crate) enum CliError {
    /// The input could not be read.
    #[error("{}: reading failed: {source}", path.display())]
    Read {
        /// The input path.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The output could not be written.
    #[error("{}: writing failed: {source}", path.display())]
    Write {
        /// The output path.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The output path names the input file, which writing would replace.
    #[error(
        "{}: the output would replace the input file: choose another path with -o",
        path.display()
    )]
    OutputIsInput {
        /// The output path.
        path: PathBuf,
    },
    /// The image pipeline rejected the input.
    #[error("{}: {source}", path.display())]
    Imaging {
        /// The input path.
        path: PathBuf,
        /// The pipeline's reason.
        source: ImagingError,
    },
}

/// Prepares `args.input` and writes the result, printing what was written to stdout.
pub(crate) fn run(args: &PrepareArgs) -> Result<(), CliError> {
    let bytes = read_input(&args.input, &Limits::default())?;
    let preset = args.preset.to_preset();
    let prepared =
        pers_imaging::prepare(&bytes, &preset, &Limits::default()).map_err(|source| {
            CliError::Imaging {
                path: args.input.clone(),
                source,
            }
        })?;
    let to_stdout = args.output == Path::new("-");
    let output = if to_stdout {
        args.output.clone()
    } else {
        with_extension_for(&args.output, prepared.format)
    };
    if is_same_file(&args.input, &output) {
        return Err(CliError::OutputIsInput { path: output });
    }
    let written = if to_stdout {
        let mut stdout = std::io::stdout().lock();
        std::io::Write::write_all(&mut stdout, &prepared.bytes)
            .and_then(|()| std::io::Write::flush(&mut stdout))
    } else {
        std::fs::write(&output, &prepared.bytes)
    };
    written.map_err(|source| CliError::Write {
        path: output.clone(),
        source,
    })?;
    let frames = match prepared.animation {
        Some(pers_imaging::AnimationHandling::Resized { frames }) => {
            format!(", {frames} frames, all resized")
        }
        Some(pers_imaging::AnimationHandling::PassedThrough { frames }) => {
            format!(", {frames} frames, passed through unchanged")
        }
        None => String::new(),
    };
    let summary = format!(
        "{}x{} {}, {} bytes (from {} {}x{}{frames})",
        prepared.width,
        prepared.height,
        prepared.format,
        prepared.bytes.len(),
        prepared.source_format,
        prepared.source_width,
        prepared.source_height,
    );
    if to_stdout {
        // The image went to stdout, so the summary goes to stderr.
        eprintln!("pers-assets: stdout: {summary}");
    } else {
        say!("{}: {summary}", output.display());
    }
    Ok(())
}

/// Prints the predicted output of `args.input` without decoding its pixels.
pub(crate) fn predict(args: &PredictArgs) -> Result<(), CliError> {
    let bytes = read_input(&args.input, &Limits::default())?;
    let preset = args.preset.to_preset();
    let predicted =
        pers_imaging::predict_output(&bytes, &preset, &Limits::default()).map_err(|source| {
            CliError::Imaging {
                path: args.input.clone(),
                source,
            }
        })?;
    say!(
        "{}: {}x{} {}, about {} bytes (from {} {}x{})",
        args.input.display(),
        predicted.width,
        predicted.height,
        predicted.format,
        predicted.estimated_bytes,
        predicted.source_format,
        predicted.source_width,
        predicted.source_height,
    );
    Ok(())
}

/// Returns true when `output_path` exists and is the file `input_path` names, also through
/// another name such as a symbolic or hard link.
fn is_same_file(input_path: &Path, output_path: &Path) -> bool {
    let metadata = (
        std::fs::metadata(input_path),
        std::fs::metadata(output_path),
    );
    let (Ok(input), Ok(output)) = metadata else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        input.dev() == output.dev() && input.ino() == output.ino()
    }
    #[cfg(not(unix))]
    {
        // NOTE: without inode numbers a hard link to the input is not detected.
        let _ = (input, output);
        let canonical = |path: &Path| std::fs::canonicalize(path).ok();
        canonical(input_path) == canonical(output_path)
    }
}

/// Reads the input, rejecting a file over `limits.max_file_bytes` before reading it.
fn read_input(path: &Path, limits: &Limits) -> Result<Vec<u8>, CliError> {
    let read_error = |source| CliError::Read {
        path: path.to_owned(),
        source,
    };
    let too_large = |bytes| CliError::Imaging {
        path: path.to_owned(),
        source: ImagingError::FileTooLarge {
            bytes,
            max_bytes: limits.max_file_bytes,
        },
    };
    let length = std::fs::metadata(path).map_err(read_error)?.len();
    if length > limits.max_file_bytes {
        return Err(too_large(length));
    }
    // Devices and pipes report a length of 0, so the read itself stops one byte past the
    // limit: /dev/zero or an endless pipe fails instead of filling the memory.
    let file = std::fs::File::open(path).map_err(read_error)?;
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(file, limits.max_file_bytes.saturating_add(1)),
        &mut bytes,
    )
    .map_err(read_error)?;
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Returns `path` with the extension of `format`, unless it already has a matching one
/// (`.jpeg` is accepted for JPEG).
fn with_extension_for(path: &Path, format: OutputFormat) -> PathBuf {
    let current = path
        .extension()
        .map(|extension| extension.to_string_lossy().to_ascii_lowercase());
    let matches = match (current.as_deref(), format) {
        (Some("jpg" | "jpeg"), OutputFormat::Jpeg) => true,
        (Some(extension), format) => extension == format.extension(),
        (None, _) => false,
    };
    if matches {
        path.to_owned()
    } else {
        path.with_extension(format.extension())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extension_follows_format() {
        let cases = [
            ("out.jpg", OutputFormat::Jpeg, "out.jpg"),
            ("out.JPEG", OutputFormat::Jpeg, "out.JPEG"),
            ("out.jpg", OutputFormat::Png, "out.png"),
            ("out", OutputFormat::Webp, "out.webp"),
            ("dir.v2/out.png", OutputFormat::Png, "dir.v2/out.png"),
        ];
        for (path, format, expected) in cases {
            assert_eq!(
                with_extension_for(Path::new(path), format),
                PathBuf::from(expected),
                "{path} as {format}"
            );
        }
    }
}

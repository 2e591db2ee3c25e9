//! The error type of every operation in this crate.

use crate::format::{OutputFormat, SourceFormat};

/// Reason an input was rejected or could not be prepared.
///
/// Messages are sentences without the file name, which the caller adds. Every limit in a
/// message is the value of the [`Limits`](crate::Limits) field that was exceeded.
#[derive(thiserror::Error, Debug)]
pub enum ImagingError {
    /// The input has no bytes.
    #[error("the file is empty")]
    Empty,

    /// The leading bytes match no known image signature.
    #[error(
        "not an image: the content matches no supported format \
         (JPEG, PNG, WebP, GIF, BMP, TIFF, ICO, HEIC, AVIF, SVG)"
    )]
    NotAnImage,

    /// The input is an image in a format this crate recognises but does not decode.
    #[error("{format} is not supported: {hint}")]
    Unsupported {
        /// The recognised format.
        format: SourceFormat,
        /// Action the user can take instead, for example "export as JPEG or PNG".
        hint: &'static str,
    },

    /// The input is an image sequence (an animated HEIF or AVIF file). It is rejected so that
    /// the animation is never reduced to one frame.
    #[error(
        "the {format} file is an animation, which is not supported in {format}: export it as \
         an animated GIF or WebP, or as a still image"
    )]
    AnimatedSequence {
        /// The sniffed format of the input, HEIC or AVIF.
        format: SourceFormat,
    },

    /// The input is larger than [`Limits::max_file_bytes`](crate::Limits::max_file_bytes).
    #[error(
        "the file is {} ({bytes} bytes), larger than the maximum of {} ({max_bytes} bytes): \
         export a smaller file",
        format_mib(*.bytes),
        format_mib(*.max_bytes)
    )]
    FileTooLarge {
        /// Size of the input in bytes.
        bytes: u64,
        /// The limit in bytes.
        max_bytes: u64,
    },

    /// The header declares more pixels than [`Limits::max_pixels`](crate::Limits::max_pixels).
    #[error(
        "the image is {width}x{height} pixels ({} pixels), more than the maximum of \
         {max_pixels} pixels: resize it before importing",
        u64::from(*.width) * u64::from(*.height)
    )]
    TooManyPixels {
        /// Width declared in the header.
        width: u32,
        /// Height declared in the header.
        height: u32,
        /// The limit on width times height.
        max_pixels: u64,
    },

    /// A side declared in the header is longer than
    /// [`Limits::max_dimension`](crate::Limits::max_dimension).
    #[error(
        "the image is {width}x{height} pixels, and sides longer than {max_dimension} pixels \
         are not supported: resize it before importing"
    )]
    DimensionTooLarge {
        /// Width declared in the header.
        width: u32,
        /// Height declared in the header.
        height: u32,
        /// The limit on either side.
        max_dimension: u32,
    },

    /// The output that a preset requests is larger than the limits allow for an image, which
    /// can happen when it upscales or pads to a large box.
    #[error(
        "the output would be {width}x{height} pixels, more than the maximum of {max_pixels} \
         pixels or {max_dimension} pixels a side: choose a smaller size"
    )]
    OutputTooLarge {
        /// Output width the preset requests.
        width: u32,
        /// Output height the preset requests.
        height: u32,
        /// The limit on width times height, [`Limits::max_pixels`](crate::Limits::max_pixels).
        max_pixels: u64,
        /// The limit on either side,
        /// [`Limits::max_dimension`](crate::Limits::max_dimension).
        max_dimension: u32,
    },

    /// An animation over the limits for the way it is prepared: a GIF whose frames contain more
    /// than [`Limits::max_pixels`](crate::Limits::max_pixels) pixels in all, or an animated
    /// WebP or APNG larger than
    /// [`Limits::max_passthrough_bytes`](crate::Limits::max_passthrough_bytes).
    #[error(
        "the {format} animation of {frames} frames cannot be prepared: {reason}. Export a \
         shorter or smaller animation, or a still image"
    )]
    AnimationTooLarge {
        /// The sniffed format of the input.
        format: SourceFormat,
        /// Number of frames in the source.
        frames: u32,
        /// The limit that was exceeded, with the input's value and the maximum.
        reason: String,
    },

    /// The data is corrupt, truncated or uses a feature the decoder lacks.
    #[error("the {format} data could not be decoded: {reason}. Re-export the file and try again")]
    Decode {
        /// The sniffed format of the input.
        format: SourceFormat,
        /// The decoder's description of the failure.
        reason: String,
    },

    /// Encoding the output failed.
    #[error("encoding the {format} output failed: {reason}")]
    Encode {
        /// The output format being written.
        format: OutputFormat,
        /// The encoder's description of the failure.
        reason: String,
    },
}

/// Formats a byte count in mebibytes with one decimal, for example "50.0 MiB".
fn format_mib(bytes: u64) -> String {
    // f64 is exact for integers below 2^53, far above any file size in practice.
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn animated_sequence_message() {
        let error = ImagingError::AnimatedSequence {
            format: SourceFormat::Avif,
        };
        assert_eq!(
            error.to_string(),
            "the AVIF file is an animation, which is not supported in AVIF: export it as an \
             animated GIF or WebP, or as a still image"
        );
    }

    #[test]
    fn limit_messages_name_values() {
        let error = ImagingError::FileTooLarge {
            bytes: 60 * 1024 * 1024,
            max_bytes: 50 * 1024 * 1024,
        };
        let message = error.to_string();
        assert!(message.contains("60.0 MiB"), "{message}");
        assert!(message.contains("50.0 MiB"), "{message}");
        assert!(message.contains("52428800 bytes"), "{message}");

        let error = ImagingError::TooManyPixels {
            width: 100_000,
            height: 100_000,
            max_pixels: 100_000_000,
        };
        let message = error.to_string();
        assert!(message.contains("100000x100000"), "{message}");
        assert!(message.contains("10000000000 pixels"), "{message}");
        assert!(message.contains("maximum of 100000000 pixels"), "{message}");
    }
}

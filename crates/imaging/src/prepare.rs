//! The preparation pipeline: check, decode, orient, resize, encode.

use std::fmt;

use image::GenericImageView;

use crate::decode::decode;
use crate::encode::encode;
use crate::error::ImagingError;
use crate::format::{OutputFormat, SourceFormat, sniff};
use crate::options::{Limits, Preset};
use crate::resize::Pixels;

/// JPEG quality of [`thumbnail`] output.
const THUMBNAIL_JPEG_QUALITY: u8 = 80;

/// An upright, resized image re-encoded without metadata.
#[derive(Clone)]
pub struct PreparedImage {
    /// The encoded output.
    pub bytes: Vec<u8>,
    /// Encoding of `bytes`: PNG when the source has transparency, JPEG otherwise.
    pub format: OutputFormat,
    /// Output width in pixels.
    pub width: u32,
    /// Output height in pixels.
    pub height: u32,
    /// Format sniffed from the input bytes.
    pub source_format: SourceFormat,
    /// Source width as displayed, after the EXIF orientation was applied.
    pub source_width: u32,
    /// Source height as displayed, after the EXIF orientation was applied.
    pub source_height: u32,
    /// EXIF orientation (1 to 8) that was applied to the pixels. A missing or out-of-range
    /// tag is reported as 1.
    pub orientation_applied: u8,
    /// Frame count of an animated source with more than one frame, `None` for still images.
    ///
    /// Only the first frame is prepared, so a caller can warn that the animation is lost.
    /// For APNG the prepared frame is the default image, which is the first frame unless the
    /// file stores a separate still image for viewers without APNG support.
    pub animated_frames: Option<u32>,
}

impl fmt::Debug for PreparedImage {
    /// Prints the length of `bytes` in place of their content.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreparedImage")
            .field("bytes", &format_args!("<{} bytes>", self.bytes.len()))
            .field("format", &self.format)
            .field("width", &self.width)
            .field("height", &self.height)
            .field("source_format", &self.source_format)
            .field("source_width", &self.source_width)
            .field("source_height", &self.source_height)
            .field("orientation_applied", &self.orientation_applied)
            .field("animated_frames", &self.animated_frames)
            .finish()
    }
}

/// Prepares an image for upload: upright, at most `preset.max_edge` on the longer side, JPEG
/// at `preset.jpeg_quality` or PNG when there is transparency, with no metadata.
///
/// # Errors
///
/// In the order they are checked: [`ImagingError::FileTooLarge`], [`ImagingError::Empty`],
/// [`ImagingError::NotAnImage`], [`ImagingError::Unsupported`] (HEIC, AVIF, SVG), then from
/// the header [`ImagingError::TooManyPixels`] and [`ImagingError::DimensionTooLarge`], then
/// [`ImagingError::Decode`] for corrupt or truncated data (including a decoder panic, which is
/// caught) and [`ImagingError::Encode`].
pub fn prepare(
    bytes: &[u8],
    preset: &Preset,
    limits: &Limits,
) -> Result<PreparedImage, ImagingError> {
    run_pipeline(bytes, preset.max_edge, preset.jpeg_quality, limits)
}

/// Prepares a gallery thumbnail: the [`prepare`] pipeline with a longer side of at most
/// `max_edge` and JPEG quality 80 (PNG when there is transparency).
///
/// # Errors
///
/// The same as [`prepare`].
pub fn thumbnail(
    bytes: &[u8],
    max_edge: u32,
    limits: &Limits,
) -> Result<PreparedImage, ImagingError> {
    run_pipeline(bytes, max_edge, THUMBNAIL_JPEG_QUALITY, limits)
}

fn run_pipeline(
    bytes: &[u8],
    max_edge: u32,
    jpeg_quality: u8,
    limits: &Limits,
) -> Result<PreparedImage, ImagingError> {
    let source_format = check_input(bytes, limits)?;
    let image_format =
        source_format
            .decoder_format()
            .map_err(|hint| ImagingError::Unsupported {
                format: source_format,
                hint,
            })?;

    let decoded = decode(bytes, source_format, image_format, limits)?;
    // TODO: convert from the embedded ICC profile to sRGB here. Until then colours are used as
    // decoded, so Adobe RGB, Display P3 or ProPhoto sources come out desaturated.
    let (source_width, source_height) = decoded.image.dimensions();

    let pixels = Pixels::from_image(decoded.image);
    let planned_format = match pixels {
        Pixels::Rgb(_) => OutputFormat::Jpeg,
        Pixels::Rgba(_) => OutputFormat::Png,
    };
    let pixels = pixels
        .fit_within(max_edge)
        .map_err(|error| ImagingError::Encode {
            format: planned_format,
            reason: format!("resizing failed: {error}"),
        })?;
    let (width, height) = pixels.dimensions();
    let (bytes, format) = encode(&pixels, jpeg_quality)?;

    tracing::debug!(
        %source_format, source_width, source_height, width, height, %format,
        orientation = decoded.orientation, "prepared image"
    );
    Ok(PreparedImage {
        bytes,
        format,
        width,
        height,
        source_format,
        source_width,
        source_height,
        orientation_applied: decoded.orientation,
        animated_frames: decoded.animated_frames,
    })
}

/// Checks size and emptiness, then sniffs the format.
fn check_input(bytes: &[u8], limits: &Limits) -> Result<SourceFormat, ImagingError> {
    // usize is at most 64 bits on every supported target.
    let length = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if length > limits.max_file_bytes {
        return Err(ImagingError::FileTooLarge {
            bytes: length,
            max_bytes: limits.max_file_bytes,
        });
    }
    if bytes.is_empty() {
        return Err(ImagingError::Empty);
    }
    sniff(bytes).ok_or(ImagingError::NotAnImage)
}

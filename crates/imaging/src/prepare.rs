//! The preparation pipeline: check, decode, orient, resize, encode.

use std::fmt;

use crate::animation::{self, AnimationHandling};
use crate::decode::{Decoded, catch_decoder_panic, decode};
use crate::encode::{EncodeSettings, encode};
use crate::error::ImagingError;
use crate::format::{OutputFormat, SourceFormat, sniff};
use crate::geometry::{self, Plan};
use crate::options::{FormatChoice, Limits, MetadataPolicy, Preset};
use crate::resize::Pixels;
use crate::{color, compose, heif, metadata, svg};

/// JPEG quality of [`thumbnail`] output.
const THUMBNAIL_JPEG_QUALITY: u8 = 80;

/// An upright, resized image in sRGB, re-encoded with only the metadata its preset keeps.
#[derive(Clone)]
pub struct PreparedImage {
    /// The encoded output.
    pub bytes: Vec<u8>,
    /// Encoding of `bytes`, as the preset's [`FormatChoice`] picked it.
    pub format: OutputFormat,
    /// Output width in pixels.
    pub width: u32,
    /// Output height in pixels.
    pub height: u32,
    /// Format sniffed from the input bytes.
    pub source_format: SourceFormat,
    /// Source width as displayed, after the EXIF orientation was applied, before any crop.
    pub source_width: u32,
    /// Source height as displayed, after the EXIF orientation was applied.
    pub source_height: u32,
    /// EXIF orientation (1 to 8) that was applied to the pixels. A missing or out-of-range
    /// tag is reported as 1.
    pub orientation_applied: u8,
    /// Frame count of an animated source with more than one frame, `None` for still images.
    /// Every frame is kept, as [`animation`](Self::animation) records.
    pub animated_frames: Option<u32>,
    /// Treatment of an animated source, `None` for still images.
    pub animation: Option<AnimationHandling>,
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
            .field("animation", &self.animation)
            .finish()
    }
}

/// Prepares an image for upload with one preset. See [`prepare_many`] for the steps.
///
/// With the default preset the output is upright, at most 1600 px on the longer side, JPEG
/// at quality 85 or PNG when there is transparency, in sRGB, with no metadata.
///
/// # Errors
///
/// In the order they are checked: [`ImagingError::FileTooLarge`], [`ImagingError::Empty`],
/// [`ImagingError::NotAnImage`], [`ImagingError::AnimatedSequence`] (HEIC, AVIF), then from
/// the header [`ImagingError::TooManyPixels`] and [`ImagingError::DimensionTooLarge`], then
/// [`ImagingError::Decode`] for corrupt or truncated data (including a decoder panic, which is
/// caught), [`ImagingError::OutputTooLarge`] when the preset requests an output over the same
/// limits, and [`ImagingError::Encode`].
pub fn prepare(
    bytes: &[u8],
    preset: &Preset,
    limits: &Limits,
) -> Result<PreparedImage, ImagingError> {
    let mut outputs = prepare_many(bytes, std::slice::from_ref(preset), limits)?;
    // `prepare_many` returns one output per preset, so there is exactly one.
    outputs.pop().ok_or_else(|| ImagingError::Encode {
        format: OutputFormat::Jpeg,
        reason: "no output was produced".to_owned(),
    })
}

/// Prepares one output per preset from a single decode of `bytes`, in the order of `presets`.
///
/// The steps: check the size, sniff the format, check the header dimensions against `limits`,
/// decode, apply the EXIF orientation and convert to 8 bits per channel. Then for each preset:
/// crop and resample as its [`Fit`](crate::Fit) says, convert from the embedded ICC profile to
/// sRGB, pick the output format, flatten transparency onto the preset's background for JPEG,
/// pad, and encode with only the metadata the preset keeps.
///
/// A source with more than one frame is never reduced to one: an animated GIF is resized
/// frame by frame into an animated GIF, and an animated WebP or APNG is passed through with
/// its metadata chunks removed. [`PreparedImage::animation`] records which.
///
/// # Errors
///
/// The same as [`prepare`], and [`ImagingError::AnimationTooLarge`] for an animation over
/// the limits. The first failing output fails the whole call.
pub fn prepare_many(
    bytes: &[u8],
    presets: &[Preset],
    limits: &Limits,
) -> Result<Vec<PreparedImage>, ImagingError> {
    let source_format = check_input(bytes, limits)?;
    if let Some(animation) = animation::probe(bytes, source_format) {
        return animation::prepare_animation(bytes, source_format, &animation, presets, limits);
    }
    let decoded = match source_format {
        SourceFormat::Svg => decode_svg(bytes, limits)?,
        SourceFormat::Heic | SourceFormat::Avif => {
            catch_decoder_panic(source_format, || heif::decode(bytes, source_format, limits))?
        }
        _ => {
            let image_format =
                source_format
                    .decoder_format()
                    .map_err(|hint| ImagingError::Unsupported {
                        format: source_format,
                        hint,
                    })?;
            decode(bytes, source_format, image_format, limits, presets)?
        }
    };
    let source = Source::new(decoded, source_format);
    presets
        .iter()
        .map(|preset| source.render(preset, limits))
        .collect()
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
    let preset = Preset {
        max_edge,
        jpeg_quality: THUMBNAIL_JPEG_QUALITY,
        ..Preset::default()
    };
    prepare(bytes, &preset, limits)
}

fn decode_svg(bytes: &[u8], limits: &Limits) -> Result<Decoded, ImagingError> {
    let image = catch_decoder_panic(SourceFormat::Svg, || svg::rasterise(bytes, limits))?;
    Ok(Decoded {
        display_size: (image.width(), image.height()),
        scale: 1.0,
        image,
        orientation: 1,
        icc_profile: None,
        exif: None,
    })
}

/// A decoded, upright source in 8-bit pixels, shared by every output.
struct Source {
    /// Pixels as decoded, smaller than `display_size` after a scaled JPEG decode.
    pixels: Pixels,
    /// Width and height of the source as displayed, at full scale.
    display_size: (u32, u32),
    /// Factor from `display_size` to `pixels`, 1.0 unless a JPEG was decoded at N/8.
    scale: f64,
    format: SourceFormat,
    orientation: u8,
    icc_profile: Option<Vec<u8>>,
    exif: Option<Vec<u8>>,
}

impl Source {
    fn new(decoded: Decoded, format: SourceFormat) -> Self {
        Self {
            pixels: Pixels::from_image(decoded.image),
            display_size: decoded.display_size,
            scale: decoded.scale,
            format,
            orientation: decoded.orientation,
            icc_profile: decoded.icc_profile,
            exif: decoded.exif,
        }
    }

    fn render(&self, preset: &Preset, limits: &Limits) -> Result<PreparedImage, ImagingError> {
        let (source_width, source_height) = self.display_size;
        let plan = geometry::plan(source_width, source_height, preset);
        geometry::check_output(&plan, limits)?;
        let plan = plan.scaled_to(self.scale, self.pixels.dimensions());
        let format = choose_format(preset.format, self.format, self.pixels.has_alpha());
        let mut pixels = self
            .pixels
            .resample(&plan)
            .map_err(|error| ImagingError::Encode {
                format,
                reason: format!("resizing failed: {error}"),
            })?;
        if let Some(icc) = &self.icc_profile {
            color::convert_to_srgb(&mut pixels, icc);
        }
        let pixels = finish_pixels(pixels, &plan, format, preset.background);
        let (width, height) = pixels.dimensions();
        let exif = match preset.metadata {
            MetadataPolicy::StripAll => None,
            MetadataPolicy::KeepCopyright => {
                self.exif.as_deref().and_then(metadata::copyright_exif)
            }
        };
        let settings = EncodeSettings {
            format,
            jpeg_quality: preset.jpeg_quality,
            webp_quality: preset.webp_quality,
            exif,
        };
        let bytes = encode(&pixels, settings)?;
        tracing::debug!(
            source_format = %self.format, source_width, source_height, width, height,
            %format, orientation = self.orientation, "prepared image"
        );
        Ok(PreparedImage {
            bytes,
            format,
            width,
            height,
            source_format: self.format,
            source_width,
            source_height,
            orientation_applied: self.orientation,
            animated_frames: None,
            animation: None,
        })
    }
}

/// Picks the output encoding for a `choice`, given the source format and whether its pixels
/// have transparency.
pub(crate) fn choose_format(
    choice: FormatChoice,
    source: SourceFormat,
    has_alpha: bool,
) -> OutputFormat {
    let automatic = if has_alpha {
        OutputFormat::Png
    } else {
        OutputFormat::Jpeg
    };
    match choice {
        FormatChoice::Auto => automatic,
        FormatChoice::Keep => match source {
            SourceFormat::Jpeg => OutputFormat::Jpeg,
            SourceFormat::Png => OutputFormat::Png,
            SourceFormat::Webp => OutputFormat::Webp,
            _ => automatic,
        },
        FormatChoice::Jpeg => OutputFormat::Jpeg,
        FormatChoice::Png => OutputFormat::Png,
        FormatChoice::Webp => OutputFormat::Webp,
    }
}

/// Pads to the plan's canvas and, for JPEG, flattens transparency onto `background`.
fn finish_pixels(pixels: Pixels, plan: &Plan, format: OutputFormat, background: [u8; 3]) -> Pixels {
    let [red, green, blue] = background;
    let fill = match format {
        OutputFormat::Jpeg => [red, green, blue, u8::MAX],
        OutputFormat::Png | OutputFormat::Webp | OutputFormat::Gif => [0, 0, 0, 0],
    };
    let pixels = compose::pad(pixels, plan.canvas, fill);
    match format {
        OutputFormat::Jpeg => Pixels::Rgb(compose::flatten(pixels, background)),
        OutputFormat::Png | OutputFormat::Webp | OutputFormat::Gif => pixels,
    }
}

/// Checks size and emptiness, then sniffs the format.
pub(crate) fn check_input(bytes: &[u8], limits: &Limits) -> Result<SourceFormat, ImagingError> {
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

//! Animated GIF, WebP and APNG: the frame count and canvas read from the container, and the
//! choice between resizing every frame and passing the file through unchanged.

use std::io::Cursor;

use crate::decode::{catch_decoder_panic, check_dimensions};
use crate::error::ImagingError;
use crate::format::{OutputFormat, SourceFormat};
use crate::options::{Limits, Preset};
use crate::prepare::PreparedImage;
use crate::{gif_animation, passthrough};

/// Treatment of an animated source. Every frame is kept in both cases.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AnimationHandling {
    /// Every frame was resized to the preset and the result re-encoded as an animated
    /// GIF with the source's frame delays and loop count. Used for GIF sources.
    Resized {
        /// Number of frames in the output, the same as in the source.
        frames: u32,
    },
    /// The source file is the output, with only its metadata chunks removed (EXIF, XMP and
    /// PNG text chunks), so its size does not follow the preset. Used for animated WebP and
    /// APNG, which are rejected with [`ImagingError::AnimationTooLarge`] when the result is
    /// larger than [`Limits::max_passthrough_bytes`].
    PassedThrough {
        /// Number of frames in the source.
        frames: u32,
    },
}

/// Frame count, canvas size and loop count of a source with more than one frame.
pub(crate) struct Animation {
    /// Number of frames, at least 2.
    pub frames: u32,
    /// Canvas width in pixels, as declared in the header.
    pub width: u32,
    /// Canvas height in pixels.
    pub height: u32,
    /// GIF loop count from the NETSCAPE2.0 extension. `None` for a GIF without one, which
    /// plays once, and for other formats.
    pub repeat: Option<gif::Repeat>,
}

/// Reads the frame count of an animated GIF, WebP or APNG without decoding its pixels.
///
/// Returns `None` for still images, for formats that cannot be animated and when the
/// container cannot be read, which leaves the error to the still-image decoder. For GIF, a
/// read error part-way through counts the frames up to it.
pub(crate) fn probe(bytes: &[u8], format: SourceFormat) -> Option<Animation> {
    let animation = match format {
        SourceFormat::Gif => probe_gif(bytes),
        SourceFormat::Webp => probe_webp(bytes),
        SourceFormat::Png => probe_apng(bytes),
        _ => None,
    }?;
    (animation.frames > 1).then_some(animation)
}

/// Prepares one output per preset from an animated source: GIF frame by frame, WebP and
/// APNG passed through.
///
/// # Errors
///
/// [`ImagingError::TooManyPixels`] and [`ImagingError::DimensionTooLarge`] for the canvas,
/// [`ImagingError::AnimationTooLarge`] over the limits, [`ImagingError::Decode`] for a
/// corrupt frame or container, and [`ImagingError::Encode`].
pub(crate) fn prepare_animation(
    bytes: &[u8],
    format: SourceFormat,
    animation: &Animation,
    presets: &[Preset],
    limits: &Limits,
) -> Result<Vec<PreparedImage>, ImagingError> {
    check_dimensions(animation.width, animation.height, limits)?;
    if animation.width == 0 || animation.height == 0 {
        return Err(ImagingError::Decode {
            format,
            reason: format!(
                "the header declares an empty {}x{} canvas",
                animation.width, animation.height
            ),
        });
    }
    catch_decoder_panic(format, || match format {
        SourceFormat::Gif => gif_animation::resize_frames(bytes, animation, presets, limits),
        _ => pass_through(bytes, format, animation, presets.len(), limits),
    })
}

/// Returns `count` copies of the source without its metadata chunks.
fn pass_through(
    bytes: &[u8],
    format: SourceFormat,
    animation: &Animation,
    count: usize,
    limits: &Limits,
) -> Result<Vec<PreparedImage>, ImagingError> {
    let output_format = match format {
        SourceFormat::Webp => OutputFormat::Webp,
        _ => OutputFormat::Png,
    };
    let stripped = passthrough::strip_metadata(bytes, format)
        .map_err(|reason| ImagingError::Decode { format, reason })?;
    // usize is at most 64 bits on every supported target.
    let length = u64::try_from(stripped.len()).unwrap_or(u64::MAX);
    if length > limits.max_passthrough_bytes {
        return Err(ImagingError::AnimationTooLarge {
            format,
            frames: animation.frames,
            reason: format!(
                "the file is {length} bytes, and animations are uploaded unchanged only up to \
                 {} bytes",
                limits.max_passthrough_bytes
            ),
        });
    }
    tracing::debug!(%format, frames = animation.frames, bytes = length, "animation passed through");
    let prepared = PreparedImage {
        bytes: stripped,
        format: output_format,
        width: animation.width,
        height: animation.height,
        source_format: format,
        source_width: animation.width,
        source_height: animation.height,
        orientation_applied: 1,
        animated_frames: Some(animation.frames),
        animation: Some(AnimationHandling::PassedThrough {
            frames: animation.frames,
        }),
    };
    Ok(vec![prepared; count])
}

fn probe_gif(bytes: &[u8]) -> Option<Animation> {
    let mut options = gif::DecodeOptions::new();
    // Skipping LZW decoding makes each step read only the frame descriptor and skip its data.
    options.skip_frame_decoding(true);
    let mut decoder = options.read_info(Cursor::new(bytes)).ok()?;
    let mut frames = 0u32;
    while let Ok(Some(_)) = decoder.next_frame_info() {
        frames = frames.saturating_add(1);
    }
    // gif 0.14 reports `Finite(0)` when the file has no NETSCAPE2.0 extension.
    let repeat = match decoder.repeat() {
        gif::Repeat::Finite(0) => None,
        repeat => Some(repeat),
    };
    Some(Animation {
        frames,
        width: u32::from(decoder.width()),
        height: u32::from(decoder.height()),
        repeat,
    })
}

fn probe_webp(bytes: &[u8]) -> Option<Animation> {
    let decoder = image_webp::WebPDecoder::new(Cursor::new(bytes)).ok()?;
    let (width, height) = decoder.dimensions();
    Some(Animation {
        // `num_frames` is 0 for a still image.
        frames: decoder.num_frames(),
        width,
        height,
        repeat: None,
    })
}

fn probe_apng(bytes: &[u8]) -> Option<Animation> {
    let reader = png::Decoder::new(Cursor::new(bytes)).read_info().ok()?;
    let info = reader.info();
    let frames = info
        .animation_control()
        .map_or(1, |control| control.num_frames);
    Some(Animation {
        frames,
        width: info.width,
        height: info.height,
        repeat: None,
    })
}

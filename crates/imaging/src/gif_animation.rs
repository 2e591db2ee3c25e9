//! Animated GIF resized frame by frame and re-encoded as an animated GIF.

use std::io::Cursor;

use image::codecs::gif::{GifDecoder, GifEncoder, Repeat};
use image::{AnimationDecoder, Frame, RgbaImage};

use crate::animation::{Animation, AnimationHandling};
use crate::compose;
use crate::error::ImagingError;
use crate::format::{OutputFormat, SourceFormat};
use crate::geometry::{self, Plan};
use crate::options::{Limits, Preset};
use crate::prepare::PreparedImage;
use crate::resize::Pixels;

/// NeuQuant sampling factor of the GIF encoder, from 1 (best palette, slowest) to 30. gif
/// 0.14 uses an exact palette instead whenever a frame has at most 256 colours.
const QUANTIZE_SPEED: i32 = 10;

/// Alpha at or above which a resized pixel is opaque in the output, because GIF has only
/// fully transparent and fully opaque pixels.
const OPAQUE_THRESHOLD: u8 = 128;

/// Resizes every frame of an animated GIF for each preset and encodes one GIF per preset.
///
/// Each frame is composited onto the canvas following the GIF's disposal methods, then
/// cropped, resampled and padded for [`Preset::fit`], so only one canvas-sized frame is decoded at
/// a time. The output keeps every frame's delay and the loop count, and is always GIF
/// whatever [`Preset::format`] asks for, because the other output formats are still images.
///
/// # Errors
///
/// [`ImagingError::AnimationTooLarge`] when canvas pixels times frames is over
/// [`Limits::max_pixels`], checked before any frame is decoded, [`ImagingError::Decode`] for
/// a corrupt frame, and [`ImagingError::Encode`].
pub(crate) fn resize_frames(
    bytes: &[u8],
    animation: &Animation,
    presets: &[Preset],
    limits: &Limits,
) -> Result<Vec<PreparedImage>, ImagingError> {
    check_total_pixels(animation, limits)?;
    let decode_error = |error: image::ImageError| ImagingError::Decode {
        format: SourceFormat::Gif,
        reason: error.to_string(),
    };
    let mut decoder = GifDecoder::new(Cursor::new(bytes)).map_err(decode_error)?;
    image::ImageDecoder::set_limits(&mut decoder, limits.decoder_limits(true))
        .map_err(decode_error)?;

    let plans: Vec<Plan> = presets
        .iter()
        .map(|preset| geometry::plan(animation.width.max(1), animation.height.max(1), preset))
        .collect();
    for plan in &plans {
        geometry::check_output(plan, limits)?;
        check_output_frames(plan, animation, limits)?;
    }
    let mut outputs: Vec<Vec<Frame>> = plans.iter().map(|_| Vec::new()).collect();
    for frame in decoder.into_frames() {
        let frame = frame.map_err(decode_error)?;
        let delay = frame.delay();
        let canvas = Pixels::Rgba(frame.into_buffer());
        for (plan, frames) in plans.iter().zip(&mut outputs) {
            let resized = resize_frame(&canvas, plan)?;
            frames.push(Frame::from_parts(resized, 0, 0, delay));
        }
    }

    let decoded_frames = outputs.first().map_or(0, Vec::len);
    let frame_count = u32::try_from(decoded_frames).unwrap_or(u32::MAX);
    if frame_count != animation.frames {
        // The probe and the decoder read the same container, so this means corrupt data.
        return Err(ImagingError::Decode {
            format: SourceFormat::Gif,
            reason: format!(
                "the file lists {} frames but {frame_count} could be decoded",
                animation.frames
            ),
        });
    }
    plans
        .iter()
        .zip(outputs)
        .map(|(plan, frames)| finish(plan, frames, animation))
        .collect()
}

/// Rejects an animation whose frames together contain more than [`Limits::max_pixels`] pixels.
fn check_total_pixels(animation: &Animation, limits: &Limits) -> Result<(), ImagingError> {
    check_frame_pixels(
        animation,
        (animation.width, animation.height),
        "frames",
        limits,
    )
}

/// Rejects a plan whose frames together hold more than [`Limits::max_pixels`], the limit on
/// the source's frames, because an upscaled animation keeps every frame in memory.
fn check_output_frames(
    plan: &Plan,
    animation: &Animation,
    limits: &Limits,
) -> Result<(), ImagingError> {
    check_frame_pixels(animation, plan.canvas, "output frames", limits)
}

/// Rejects `animation.frames` frames of `size` (width, height) whose pixels add up to more
/// than [`Limits::max_pixels`]. `label` names the frames in the message.
fn check_frame_pixels(
    animation: &Animation,
    (width, height): (u32, u32),
    label: &str,
    limits: &Limits,
) -> Result<(), ImagingError> {
    let total = (u64::from(width) * u64::from(height)).saturating_mul(u64::from(animation.frames));
    if total <= limits.max_pixels {
        return Ok(());
    }
    Err(ImagingError::AnimationTooLarge {
        format: SourceFormat::Gif,
        frames: animation.frames,
        reason: format!(
            "{} {label} of {width}x{height} pixels are {total} pixels in all, more than the \
             maximum of {} pixels",
            animation.frames, limits.max_pixels
        ),
    })
}

/// Crops, resamples and pads one composited frame, then makes every pixel fully opaque or
/// fully transparent.
fn resize_frame(canvas: &Pixels, plan: &Plan) -> Result<RgbaImage, ImagingError> {
    let resized = canvas
        .resample(plan)
        .map_err(|error| ImagingError::Encode {
            format: OutputFormat::Gif,
            reason: format!("resizing a frame failed: {error}"),
        })?;
    let padded = compose::pad(resized, plan.canvas, [0, 0, 0, 0]);
    let mut rgba = match padded {
        Pixels::Rgba(image) => image,
        Pixels::Rgb(image) => image::DynamicImage::ImageRgb8(image).into_rgba8(),
    };
    for pixel in rgba.pixels_mut() {
        pixel.0[3] = if pixel.0[3] >= OPAQUE_THRESHOLD {
            u8::MAX
        } else {
            0
        };
    }
    Ok(rgba)
}

fn finish(
    plan: &Plan,
    frames: Vec<Frame>,
    animation: &Animation,
) -> Result<PreparedImage, ImagingError> {
    let encode_error = |error: image::ImageError| ImagingError::Encode {
        format: OutputFormat::Gif,
        reason: error.to_string(),
    };
    let frame_count = animation.frames;
    let mut bytes = Vec::new();
    {
        let mut encoder = GifEncoder::new_with_speed(&mut bytes, QUANTIZE_SPEED);
        match animation.repeat {
            Some(gif::Repeat::Infinite) => encoder.set_repeat(Repeat::Infinite),
            Some(gif::Repeat::Finite(count)) => encoder.set_repeat(Repeat::Finite(count)),
            None => Ok(()),
        }
        .map_err(encode_error)?;
        encoder.encode_frames(frames).map_err(encode_error)?;
    }
    let (width, height) = plan.canvas;
    tracing::debug!(frames = frame_count, width, height, "animated GIF resized");
    Ok(PreparedImage {
        bytes,
        format: OutputFormat::Gif,
        width,
        height,
        source_format: SourceFormat::Gif,
        source_width: animation.width,
        source_height: animation.height,
        orientation_applied: 1,
        animated_frames: Some(frame_count),
        animation: Some(AnimationHandling::Resized {
            frames: frame_count,
        }),
    })
}

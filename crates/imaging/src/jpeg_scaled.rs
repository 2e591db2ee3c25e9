//! Scaled JPEG decoding: the IDCT produces 1/2, 1/4 or 1/8 of each side, so a large YCbCr or
//! greyscale photo is not decoded at full size for a small output.

use std::io::Cursor;

use image::{DynamicImage, GrayImage, RgbImage};

use crate::error::ImagingError;
use crate::format::SourceFormat;
use crate::geometry;
use crate::options::Preset;

/// Picks the scale denominator (1, 2, 4 or 8) for decoding an upright `width`x`height` JPEG
/// for every preset in `presets`.
///
/// The scaled decode leaves at least a factor of two for the Lanczos resample, so the DCT
/// scaling, which is close to a box filter, adds no visible aliasing. libvips 8.14's
/// `vipsthumbnail` picks the same factors (its `VIPS_INFO` output on a 6000x4000 JPEG: 1 for
/// 1600 px, 2 for 1500 px, 4 for 700 px, 8 for 256 px). The preset that reduces least decides.
pub(crate) fn choose_shrink(width: u32, height: u32, presets: &[Preset]) -> u32 {
    let reduction = presets
        .iter()
        .map(|preset| {
            let plan = geometry::plan(width.max(1), height.max(1), preset);
            let [_, _, crop_width, crop_height] = plan.crop;
            let (content_width, content_height) = plan.content;
            let horizontal = crop_width / f64::from(content_width.max(1));
            let vertical = crop_height / f64::from(content_height.max(1));
            horizontal.min(vertical)
        })
        .fold(f64::INFINITY, f64::min);
    match reduction {
        r if r >= 16.0 => 8,
        r if r >= 8.0 => 4,
        r if r >= 4.0 => 2,
        _ => 1,
    }
}

/// Decodes a baseline or progressive YCbCr or greyscale JPEG at 1/`shrink` of its stored
/// `width`x`height`, rounding each side up.
///
/// jpeg-decoder's format errors (such as an invalid Huffman code) are reported as corrupt
/// data in [`ImagingError::Decode`]. Truncation was already rejected by the caller.
// NOTE: jpeg-decoder has no strict mode like zune-jpeg's, so damage that it decodes through
// silently may pass here. The corpus' corrupt JPEGs are rejected on this path too (tested).
pub(crate) fn decode_scaled(
    bytes: &[u8],
    width: u32,
    height: u32,
    shrink: u32,
) -> Result<DynamicImage, ImagingError> {
    let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(bytes));
    decoder.read_info().map_err(decode_error)?;
    let requested_width = u16::try_from(width.div_ceil(shrink)).unwrap_or(u16::MAX);
    let requested_height = u16::try_from(height.div_ceil(shrink)).unwrap_or(u16::MAX);
    let (scaled_width, scaled_height) = decoder
        .scale(requested_width, requested_height)
        .map_err(decode_error)?;
    let pixels = decoder.decode().map_err(decode_error)?;
    let info = decoder.info().ok_or_else(|| ImagingError::Decode {
        format: SourceFormat::Jpeg,
        reason: "the decoder returned no image information".to_owned(),
    })?;
    let (scaled_width, scaled_height) = (u32::from(scaled_width), u32::from(scaled_height));
    let image = match info.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => {
            RgbImage::from_raw(scaled_width, scaled_height, pixels).map(DynamicImage::ImageRgb8)
        }
        jpeg_decoder::PixelFormat::L8 => {
            GrayImage::from_raw(scaled_width, scaled_height, pixels).map(DynamicImage::ImageLuma8)
        }
        other => {
            return Err(ImagingError::Decode {
                format: SourceFormat::Jpeg,
                reason: format!("scaled decoding does not support {other:?} pixels"),
            });
        }
    };
    image.ok_or_else(|| ImagingError::Decode {
        format: SourceFormat::Jpeg,
        reason: format!(
            "the decoder returned fewer pixels than the scaled {scaled_width}x{scaled_height} size"
        ),
    })
}

fn decode_error(error: jpeg_decoder::Error) -> ImagingError {
    let message = error.to_string();
    let reason = match error {
        jpeg_decoder::Error::Format(_) => format!("corrupt JPEG data ({message})"),
        _ => message,
    };
    ImagingError::Decode {
        format: SourceFormat::Jpeg,
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(max_edge: u32) -> Preset {
        Preset {
            max_edge,
            ..Preset::default()
        }
    }

    #[test]
    fn shrink_leaves_factor_two() {
        assert_eq!(choose_shrink(6000, 4000, &[edge(256)]), 8);
        assert_eq!(choose_shrink(6000, 4000, &[edge(1600)]), 1);
        assert_eq!(choose_shrink(6000, 4000, &[edge(1500)]), 2);
        assert_eq!(choose_shrink(6000, 4000, &[edge(700)]), 4);
        assert_eq!(choose_shrink(400, 300, &[edge(1600)]), 1);
    }

    #[test]
    fn shrink_follows_largest_output() {
        assert_eq!(choose_shrink(6000, 4000, &[edge(256), edge(1600)]), 1);
        assert_eq!(choose_shrink(6000, 4000, &[edge(256), edge(700)]), 4);
    }
}

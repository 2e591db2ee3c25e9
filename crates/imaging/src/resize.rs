//! Conversion to 8-bit RGB or RGBA and downscaling with `fast_image_resize`.

use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
use image::{DynamicImage, RgbImage, RgbaImage};

/// 8-bit pixels ready for resizing and encoding.
pub(crate) enum Pixels {
    /// Opaque image: every alpha value, if there was an alpha channel, was 255.
    Rgb(RgbImage),
    /// Image with at least one pixel whose alpha is below 255.
    Rgba(RgbaImage),
}

impl Pixels {
    /// Converts any decoded layout to 8 bits per channel, expanding grey to RGB. An alpha
    /// channel is kept only when some pixel is not fully opaque.
    pub(crate) fn from_image(image: DynamicImage) -> Self {
        // NOTE: 16-bit samples are rounded to 8 bits by `image`'s conversion, without dither.
        if !image.color().has_alpha() {
            return Self::Rgb(image.into_rgb8());
        }
        let rgba = image.into_rgba8();
        let translucent = rgba.pixels().any(|pixel| pixel.0[3] < u8::MAX);
        if translucent {
            Self::Rgba(rgba)
        } else {
            Self::Rgb(DynamicImage::ImageRgba8(rgba).into_rgb8())
        }
    }

    /// Returns (width, height).
    pub(crate) fn dimensions(&self) -> (u32, u32) {
        match self {
            Self::Rgb(image) => image.dimensions(),
            Self::Rgba(image) => image.dimensions(),
        }
    }

    /// Downscales so the longer side is at most `max_edge`, keeping the aspect ratio.
    ///
    /// Returns the pixels unchanged when they already fit. Uses a Lanczos3 convolution, with
    /// alpha premultiplied before resampling and divided out after, so that transparent
    /// pixels do not darken their neighbours.
    pub(crate) fn fit_within(self, max_edge: u32) -> Result<Self, fast_image_resize::ResizeError> {
        let (width, height) = self.dimensions();
        let (target_width, target_height) = target_size(width, height, max_edge);
        if (target_width, target_height) == (width, height) {
            return Ok(self);
        }
        // `mul_div_alpha` makes the resizer premultiply and unpremultiply with its `MulDiv`.
        let options = ResizeOptions::new()
            .resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3))
            .use_alpha(true);
        let mut resizer = Resizer::new();
        match self {
            Self::Rgb(source) => {
                let mut target = RgbImage::new(target_width, target_height);
                resizer.resize(&source, &mut target, &options)?;
                Ok(Self::Rgb(target))
            }
            Self::Rgba(source) => {
                let mut target = RgbaImage::new(target_width, target_height);
                resizer.resize(&source, &mut target, &options)?;
                Ok(Self::Rgba(target))
            }
        }
    }
}

/// Computes the size that fits `width`x`height` within `max_edge` on the longer side.
///
/// Never upscales. The shorter side is rounded to the nearest pixel (17000x100 at 1600 gives
/// 1600x9, from 9.41) and is at least 1. A `max_edge` of 0 is treated as 1.
pub(crate) fn target_size(width: u32, height: u32, max_edge: u32) -> (u32, u32) {
    let max_edge = max_edge.max(1);
    let long_edge = width.max(height);
    if long_edge <= max_edge {
        return (width, height);
    }
    let scale = |side: u32| {
        let scaled = (u64::from(side) * u64::from(max_edge) + u64::from(long_edge) / 2)
            / u64::from(long_edge);
        // `scaled` is at most `max_edge`, so it fits in u32.
        u32::try_from(scaled).unwrap_or(max_edge).max(1)
    };
    (scale(width), scale(height))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_size_cases() {
        let cases = [
            ((4032, 3024, 1600), (1600, 1200)),
            ((3024, 4032, 1600), (1200, 1600)),
            ((1800, 1200, 1600), (1600, 1067)),
            ((20_000, 1, 1600), (1600, 1)),
            ((1, 20_000, 1600), (1, 1600)),
            ((17_000, 100, 1600), (1600, 9)),
            ((1, 1, 1600), (1, 1)),
            ((1600, 1600, 1600), (1600, 1600)),
            ((480, 320, 0), (1, 1)),
        ];
        for ((width, height, max_edge), expected) in cases {
            assert_eq!(
                target_size(width, height, max_edge),
                expected,
                "{width}x{height} within {max_edge}"
            );
        }
    }
}

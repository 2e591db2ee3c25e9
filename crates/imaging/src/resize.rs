//! Conversion to 8-bit RGB or RGBA and resampling with `fast_image_resize`.

use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
use image::{DynamicImage, RgbImage, RgbaImage};

use crate::geometry::Plan;

/// 8-bit pixels ready for resizing and encoding.
#[derive(Clone)]
pub(crate) enum Pixels {
    /// Opaque image: every alpha value, if there was an alpha channel, was 255.
    Rgb(RgbImage),
    /// Image with at least one pixel whose alpha is below 255.
    Rgba(RgbaImage),
}

impl Pixels {
    /// Converts any decoded layout to 8 bits per channel, expanding grey to RGB. An alpha
    /// channel is kept only when some pixel is not fully opaque.
    ///
    /// 16-bit samples are rounded to the nearest 8-bit value (`image` 0.25 computes
    /// `round(v * 255 / 65535)`), without dither.
    pub(crate) fn from_image(image: DynamicImage) -> Self {
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

    /// Returns true when some pixel is not fully opaque.
    pub(crate) fn has_alpha(&self) -> bool {
        matches!(self, Self::Rgba(_))
    }

    /// Resamples the `plan.crop` region of the pixels to `plan.content`.
    ///
    /// Returns a copy of the pixels when the plan keeps them as they are. Uses a Lanczos3
    /// convolution (SIMD where the CPU has it), with alpha premultiplied before resampling and
    /// divided out after, so that transparent pixels do not darken their neighbours.
    pub(crate) fn resample(&self, plan: &Plan) -> Result<Self, fast_image_resize::ResizeError> {
        let (width, height) = self.dimensions();
        if plan.is_identity(width, height) {
            return Ok(self.clone());
        }
        let [left, top, crop_width, crop_height] = plan.crop;
        // `use_alpha` makes the resizer premultiply and unpremultiply with its `MulDiv`.
        let options = ResizeOptions::new()
            .resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3))
            .crop(left, top, crop_width, crop_height)
            .use_alpha(true);
        let (target_width, target_height) = plan.content;
        let mut resizer = Resizer::new();
        match self {
            Self::Rgb(source) => {
                let mut target = RgbImage::new(target_width, target_height);
                resizer.resize(source, &mut target, &options)?;
                Ok(Self::Rgb(target))
            }
            Self::Rgba(source) => {
                let mut target = RgbaImage::new(target_width, target_height);
                resizer.resize(source, &mut target, &options)?;
                Ok(Self::Rgba(target))
            }
        }
    }
}

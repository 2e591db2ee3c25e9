//! Output geometry: the crop, resized size and canvas size that a preset gives a source.

use crate::error::ImagingError;
use crate::options::{BoxSize, Fit, Limits, Preset};

/// Where the output pixels come from and how large they are.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Plan {
    /// Region of the upright source that is resampled: left, top, width, height in pixels.
    pub crop: [f64; 4],
    /// Size the cropped region is resampled to.
    pub content: (u32, u32),
    /// Size of the output. Larger than `content` only for [`Fit::Pad`], which centres the
    /// content on it.
    pub canvas: (u32, u32),
}

impl Plan {
    /// Scales the crop by `scale`, the factor from the full source size to a source decoded at
    /// a reduced scale, whose size is `decoded`. The content and canvas sizes stay the same.
    ///
    /// The crop is scaled by the exact decoding factor, not by the ratio of the rounded-up
    /// decoded size to the full size. libjpeg decodes a 3005-row JPEG at 1/2 to 1503 rows whose
    /// last row stands for one source row, so the whole image is 1502.5 rows there.
    pub(crate) fn scaled_to(self, scale: f64, decoded: (u32, u32)) -> Self {
        if scale == 1.0 {
            return self;
        }
        let [left, top, width, height] = self.crop;
        let (left, top) = (left * scale, top * scale);
        // The clamp removes the rounding error of the products, which can put the far edge a
        // fraction of a pixel outside the decoded image and make the resizer reject the crop.
        let width = (width * scale).min(f64::from(decoded.0) - left);
        let height = (height * scale).min(f64::from(decoded.1) - top);
        Self {
            crop: [left, top, width, height],
            ..self
        }
    }

    /// Returns true when the resampling step keeps a `width`x`height` source as it is.
    pub(crate) fn is_identity(&self, width: u32, height: u32) -> bool {
        self.content == (width, height)
            && self.crop == [0.0, 0.0, f64::from(width), f64::from(height)]
    }
}

/// Rejects a plan whose output is over the pixel count or side limits that inputs have, so
/// that an upscaling or padding preset cannot make the resizer allocate more than a decoder
/// could.
pub(crate) fn check_output(plan: &Plan, limits: &Limits) -> Result<(), ImagingError> {
    let (width, height) = plan.canvas;
    let pixels = u64::from(width) * u64::from(height);
    if pixels > limits.max_pixels || width > limits.max_dimension || height > limits.max_dimension {
        return Err(ImagingError::OutputTooLarge {
            width,
            height,
            max_pixels: limits.max_pixels,
            max_dimension: limits.max_dimension,
        });
    }
    Ok(())
}

/// Returns the box of `preset`: its `size`, or a square of `max_edge`. Sides of 0 become 1.
pub(crate) fn output_box(preset: &Preset) -> BoxSize {
    let size = preset.size.unwrap_or(BoxSize {
        width: preset.max_edge,
        height: preset.max_edge,
    });
    BoxSize {
        width: size.width.max(1),
        height: size.height.max(1),
    }
}

/// Plans the output of an upright `width`x`height` source, both at least 1, for `preset`.
pub(crate) fn plan(width: u32, height: u32, preset: &Preset) -> Plan {
    let target = output_box(preset);
    let whole = [0.0, 0.0, f64::from(width), f64::from(height)];
    match preset.fit {
        Fit::Contain => {
            let content = contain(width, height, target, preset.upscale);
            Plan {
                crop: whole,
                content,
                canvas: content,
            }
        }
        Fit::Pad => Plan {
            crop: whole,
            content: contain(width, height, target, preset.upscale),
            canvas: (target.width, target.height),
        },
        Fit::Cover => cover(width, height, target, preset.upscale),
    }
}

/// Fits `width`x`height` inside `target`, keeping the aspect ratio.
///
/// The limiting side takes the box's length exactly. The other side is rounded to the nearest
/// pixel (17000x100 in a 1600 box gives 1600x9, from 9.41) and is at least 1.
fn contain(width: u32, height: u32, target: BoxSize, upscale: bool) -> (u32, u32) {
    let width_limits =
        u64::from(target.width) * u64::from(height) <= u64::from(target.height) * u64::from(width);
    let (source_long, target_long) = if width_limits {
        (width, target.width)
    } else {
        (height, target.height)
    };
    if target_long >= source_long && !upscale {
        return (width, height);
    }
    let scale = |side: u32, limit: u32| {
        let scaled = (u64::from(side) * u64::from(target_long) + u64::from(source_long) / 2)
            / u64::from(source_long);
        u32::try_from(scaled).unwrap_or(limit).clamp(1, limit)
    };
    if width_limits {
        (target.width, scale(height, target.height))
    } else {
        (scale(width, target.width), target.height)
    }
}

/// Covers `target` with the centre of the source, cropping the overflowing side.
fn cover(width: u32, height: u32, target: BoxSize, upscale: bool) -> Plan {
    let (w, h) = (f64::from(width), f64::from(height));
    let (box_w, box_h) = (f64::from(target.width), f64::from(target.height));
    // The region of the source with the box's aspect ratio, as large as the source allows.
    let (crop_w, crop_h) = if box_w * h >= box_h * w {
        (w, (w * box_h / box_w).min(h))
    } else {
        ((h * box_w / box_h).min(w), h)
    };
    let crop = [(w - crop_w) / 2.0, (h - crop_h) / 2.0, crop_w, crop_h];
    let content = if upscale || crop_w >= box_w {
        (target.width, target.height)
    } else {
        // Without upscaling, the crop is taken at the source's resolution.
        (round_side(crop_w), round_side(crop_h))
    };
    Plan {
        crop,
        content,
        canvas: content,
    }
}

fn round_side(length: f64) -> u32 {
    // Lengths here are at most a u32 source side, so the cast cannot overflow.
    (length.round() as u32).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn preset(fit: Fit, width: u32, height: u32, upscale: bool) -> Preset {
        Preset {
            size: Some(BoxSize { width, height }),
            fit,
            upscale,
            ..Preset::default()
        }
    }

    #[test]
    fn scaled_crop_exact_factor() {
        // 4571x3429 decoded at 1/2 is 2286x1715 pixels, the last column and row standing for
        // one source pixel each.
        let full = plan(4571, 3429, &Preset::default());
        let [left, top, width, height] = full.scaled_to(0.5, (2286, 1715)).crop;
        assert_eq!([left, top], [0.0, 0.0]);
        assert_eq!(width, 2285.5);
        assert_eq!(height, 1714.5);
    }

    #[test]
    fn scaled_crop_inside_decoded() {
        let scale = 0.1;
        let full = plan(1001, 1001, &Preset::default());
        let [left, top, width, height] = full.scaled_to(scale, (100, 100)).crop;
        assert!(left + width <= 100.0, "{width}");
        assert!(top + height <= 100.0, "{height}");
    }

    #[test]
    fn contain_default_box() {
        let cases = [
            ((4032, 3024), (1600, 1200)),
            ((3024, 4032), (1200, 1600)),
            ((1800, 1200), (1600, 1067)),
            ((20_000, 1), (1600, 1)),
            ((1, 20_000), (1, 1600)),
            ((17_000, 100), (1600, 9)),
            ((1, 1), (1, 1)),
            ((1600, 1600), (1600, 1600)),
        ];
        for ((width, height), expected) in cases {
            let plan = plan(width, height, &Preset::default());
            assert_eq!(plan.content, expected, "{width}x{height}");
            assert_eq!(plan.canvas, expected, "{width}x{height}");
        }
    }

    #[test]
    fn contain_max_edge_zero() {
        let preset = Preset {
            max_edge: 0,
            ..Preset::default()
        };
        assert_eq!(plan(480, 320, &preset).content, (1, 1));
    }

    #[test]
    fn contain_wide_box() {
        let plan = plan(1000, 1000, &preset(Fit::Contain, 400, 200, false));
        assert_eq!(plan.content, (200, 200));
        let plan2 = super::plan(4000, 1000, &preset(Fit::Contain, 400, 200, false));
        assert_eq!(plan2.content, (400, 100));
    }

    #[test]
    fn contain_upscale_only_when_asked() {
        assert_eq!(
            plan(1, 1, &preset(Fit::Contain, 64, 64, false)).content,
            (1, 1)
        );
        assert_eq!(
            plan(1, 1, &preset(Fit::Contain, 64, 64, true)).content,
            (64, 64)
        );
        assert_eq!(
            plan(100, 50, &preset(Fit::Contain, 400, 400, true)).content,
            (400, 200)
        );
    }

    #[test]
    fn cover_crops_centre() {
        let plan = plan(1000, 500, &preset(Fit::Cover, 200, 200, false));
        assert_eq!(plan.content, (200, 200));
        assert_eq!(plan.crop, [250.0, 0.0, 500.0, 500.0]);

        let tall = super::plan(300, 900, &preset(Fit::Cover, 400, 100, true));
        assert_eq!(tall.content, (400, 100));
        assert_eq!(tall.crop, [0.0, 412.5, 300.0, 75.0]);
    }

    #[test]
    fn cover_small_source_not_upscaled() {
        let plan = plan(100, 100, &preset(Fit::Cover, 400, 200, false));
        assert_eq!(plan.content, (100, 50));
        assert_eq!(plan.crop, [0.0, 25.0, 100.0, 50.0]);
    }

    #[test]
    fn pad_fills_box() {
        let plan = plan(1000, 500, &preset(Fit::Pad, 300, 300, false));
        assert_eq!(plan.content, (300, 150));
        assert_eq!(plan.canvas, (300, 300));
        let small = super::plan(10, 10, &preset(Fit::Pad, 300, 200, false));
        assert_eq!(small.content, (10, 10));
        assert_eq!(small.canvas, (300, 200));
    }
}

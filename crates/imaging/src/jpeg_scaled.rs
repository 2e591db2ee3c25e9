//! Scaled JPEG decoding: the IDCT produces 1/2, 1/4 or 1/8 of each side, so a large YCbCr or
//! greyscale photo is not decoded at full size for a small output.

use image::{DynamicImage, GrayImage, RgbImage};

use crate::error::ImagingError;
use crate::format::SourceFormat;
use crate::geometry;
use crate::options::Preset;
use crate::turbo;

/// Text of libjpeg's JWRN_HIT_MARKER warning (jerror.h in libjpeg-turbo 2.1): a marker or
/// the end of the data came before the scan's last block.
const MISSING_DATA_WARNING: &str = "premature end of data segment";

/// Picks the decoding scale, in eighths (1 to 8), for an upright `width`x`height` JPEG and
/// every preset in `presets`. The preset that reduces least decides.
pub(crate) fn choose_scale(width: u32, height: u32, presets: &[Preset]) -> u32 {
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
    scale_for_reduction(reduction)
}

/// Returns the decoding scale, in eighths, for a source that is `reduction` times larger than
/// its output: 1 (1/8) from 16x, 2 (1/4) from 8x, 4 (1/2) from 3x, else 8 (full size).
///
/// 1/4 and 1/8 leave at least 2x for the Lanczos3 resample, because libjpeg's reduced IDCT
/// filters less well than Lanczos3 and aliases fine texture when little is left after it.
/// 1/2 leaves at least 1.5x. At 1600 px from 24 MP (1.9x left) it costs 0.003 SSIM and
/// takes 0.16 s where full size takes 0.22 s. Measured with the SSIM of `scripts/bench-imaging.sh` (against
/// libvips 8.14's `vips thumbnail` output of the same size, which itself decodes at 1/2, 1/4
/// or 1/8 from 4x, 8x and 16x), on a smooth 6000x4500 JPEG upscaled from the corpus' 12 MP
/// photo, that photo (4032x3024), and a 7008x3005 JPEG of sea waves upscaled from
/// `real/exif-samples/HMD_Nokia_8.3_5G.jpg`:
///
/// | output | reduction | chosen | SSIM | other scale | SSIM |
/// |---|---|---|---|---|---|
/// | 1600 px from 12 MP | 2.52 | full | 0.993 | 1/2 | 0.987 |
/// | 1600 px from 24 MP | 3.75 | 1/2 | 0.990 | full | 0.992 |
/// | 1600 px, waves | 4.38 | 1/2 | 0.969 | full | 0.968 |
/// | 1000 px from 24 MP | 6.0 | 1/2 | 0.994 | 1/4 | 0.987 |
/// | 1000 px, waves | 7.0 | 1/2 | 0.976 | 1/4 | 0.973 |
/// | 700 px, waves | 10.0 | 1/4 | 0.982 | 1/8 | 0.960 |
/// | 480 px from 24 MP | 12.5 | 1/4 | 0.993 | 1/8 | 0.986 |
/// | 400 px, waves | 17.5 | 1/8 | 0.957 | full | 0.953 |
/// | 256 px from 24 MP | 23.4 | 1/8 | 0.983 | full | 0.983 |
///
/// On the waves, libvips' own full-size Lanczos3 (`vips resize`) scores 0.968 against
/// `vips thumbnail` at 1600 px, so values below 0.97 there come from the reference. For
/// 1600 px from 24 MP, libjpeg-turbo 2.1's scales without SIMD code were slower than 1/2
/// (0.16 s): 5/8 took 0.19 s and 3/4 0.21 s, against 0.22 s at full size. 3/8 (0.14 s) left
/// only 1.4x for the resample and scored 0.979 before the crop was scaled exactly.
fn scale_for_reduction(reduction: f64) -> u32 {
    match reduction {
        r if r >= 16.0 => 1,
        r if r >= 8.0 => 2,
        r if r >= 3.0 => 4,
        _ => 8,
    }
}

/// Decodes a baseline or progressive YCbCr or greyscale JPEG at `eighths`/8 of its stored
/// `width`x`height` (zune-jpeg's reading of the header) with libjpeg-turbo, rounding each
/// side up.
///
/// Returns `Ok(None)` when the caller must decode with zune-jpeg in strict mode instead:
/// when libjpeg-turbo cannot read the header (such as a chroma subsampling TurboJPEG 2.1 does
/// not name), and when decoding stops at a libjpeg warning other than missing data. libjpeg
/// warns both for damage (a bit flip shows as "148 extraneous bytes before marker 0xd9")
/// and for harmless quirks (a few stray bytes before a marker, as some Motion-JPEG encoders
/// write), and zune-jpeg's strict mode tells the two apart: it rejects bad Huffman codes.
///
/// # Errors
///
/// [`ImagingError::Decode`] with "corrupt JPEG data" for a fatal libjpeg error, for scan
/// data that ends before its last block (libjpeg's "premature end of data segment", which it
/// would fill with grey, and zune-jpeg in strict mode accepts), for a progressive JPEG with
/// more than 500 scans, and for headers whose sizes disagree between the two decoders.
pub(crate) fn decode_scaled(
    bytes: &[u8],
    width: u32,
    height: u32,
    eighths: u32,
) -> Result<Option<DynamicImage>, ImagingError> {
    let header = match turbo::read_header(bytes) {
        Ok(header) => header,
        Err(error) => {
            tracing::debug!(reason = %error.message, "libjpeg-turbo cannot read the header, so zune-jpeg decodes");
            return Ok(None);
        }
    };
    if (header.width, header.height) != (width, height) {
        return Err(corrupt(format!(
            "the header gives {}x{} to libjpeg-turbo and {width}x{height} to zune-jpeg",
            header.width, header.height
        )));
    }
    let layout = if header.gray {
        turbo::Layout::Gray
    } else {
        turbo::Layout::Rgb
    };
    let (pixels, scaled_width, scaled_height) = match turbo::decompress(
        bytes, header, eighths, layout,
    ) {
        Ok(decoded) => decoded,
        Err(error) if error.warning && !error.message.contains(MISSING_DATA_WARNING) => {
            tracing::debug!(warning = %error.message, "libjpeg warned, so zune-jpeg decodes in strict mode");
            return Ok(None);
        }
        Err(error) => return Err(corrupt(error.message)),
    };
    let image = match layout {
        turbo::Layout::Rgb => {
            RgbImage::from_raw(scaled_width, scaled_height, pixels).map(DynamicImage::ImageRgb8)
        }
        turbo::Layout::Gray => {
            GrayImage::from_raw(scaled_width, scaled_height, pixels).map(DynamicImage::ImageLuma8)
        }
    };
    image.map(Some).ok_or_else(|| ImagingError::Decode {
        format: SourceFormat::Jpeg,
        reason: format!(
            "the decoder returned fewer pixels than the scaled {scaled_width}x{scaled_height} size"
        ),
    })
}

fn corrupt(message: String) -> ImagingError {
    let message = message.trim_end_matches('.');
    ImagingError::Decode {
        format: SourceFormat::Jpeg,
        reason: format!("corrupt JPEG data ({message})"),
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
    fn scale_per_reduction() {
        assert_eq!(choose_scale(6000, 4000, &[edge(256)]), 1);
        assert_eq!(choose_scale(6000, 4000, &[edge(1600)]), 4);
        assert_eq!(choose_scale(4000, 3000, &[edge(1600)]), 8);
        assert_eq!(choose_scale(6000, 4000, &[edge(700)]), 2);
        assert_eq!(choose_scale(6000, 4000, &[edge(375)]), 1);
        assert_eq!(choose_scale(6000, 4000, &[edge(400)]), 2);
        assert_eq!(choose_scale(400, 300, &[edge(1600)]), 8);
    }

    #[test]
    fn scale_follows_largest_output() {
        assert_eq!(choose_scale(6000, 4000, &[edge(256), edge(2400)]), 8);
        assert_eq!(choose_scale(6000, 4000, &[edge(256), edge(700)]), 2);
    }
}

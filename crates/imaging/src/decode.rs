//! Header checks, decoding with limits, and EXIF orientation.

use std::io::Cursor;
use std::panic::{self, AssertUnwindSafe};

use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageReader};

use crate::error::ImagingError;
use crate::format::SourceFormat;
use crate::jpeg_decode::decode_jpeg;
use crate::jpeg_scaled::choose_scale;
use crate::options::{Limits, Preset};

/// Reason given when a decoder panics on malformed data.
const PANIC_REASON: &str = "the decoder failed on malformed data";

/// A decoded image, already turned upright.
pub(crate) struct Decoded {
    /// Pixels as displayed, after the orientation was applied. Smaller than
    /// `display_size` when a JPEG was decoded at a reduced scale.
    pub image: DynamicImage,
    /// Width and height of the source as displayed, at full scale.
    pub display_size: (u32, u32),
    /// Factor from `display_size` to the decoded pixels: 1.0, or N/8 after a scaled JPEG
    /// decode.
    pub scale: f64,
    /// EXIF orientation that was applied, 1 to 8.
    pub orientation: u8,
    /// Embedded ICC profile not yet applied to `image`.
    pub icc_profile: Option<Vec<u8>>,
    /// EXIF data as a TIFF structure, without the `Exif\0\0` prefix.
    pub exif: Option<Vec<u8>>,
}

/// Decodes `bytes` of a sniffed, decodable `format` and applies its EXIF orientation.
///
/// The header dimensions are checked against `limits` before the pixel buffer is allocated.
/// A JPEG is decoded at the smallest scale that still serves every preset in `presets`.
/// A panic inside a decoder is caught and returned as [`ImagingError::Decode`], which needs
/// the default `panic = "unwind"` profile setting.
pub(crate) fn decode(
    bytes: &[u8],
    format: SourceFormat,
    image_format: image::ImageFormat,
    limits: &Limits,
    presets: &[Preset],
) -> Result<Decoded, ImagingError> {
    catch_decoder_panic(format, || {
        if format == SourceFormat::Jpeg {
            decode_jpeg_upright(bytes, limits, presets)
        } else {
            decode_unguarded(bytes, format, image_format, limits)
        }
    })
}

/// Runs `decode_step` and turns a panic inside it into [`ImagingError::Decode`].
pub(crate) fn catch_decoder_panic<T>(
    format: SourceFormat,
    decode_step: impl FnOnce() -> Result<T, ImagingError>,
) -> Result<T, ImagingError> {
    // The decode step only reads its inputs, so nothing observable is left half-updated when
    // it panics. The default panic hook still prints the panic message to stderr.
    let outcome = panic::catch_unwind(AssertUnwindSafe(decode_step));
    outcome.unwrap_or_else(|_| {
        tracing::warn!(%format, "image decoder panicked, so the input is rejected");
        Err(ImagingError::Decode {
            format,
            reason: PANIC_REASON.to_owned(),
        })
    })
}

fn decode_unguarded(
    bytes: &[u8],
    format: SourceFormat,
    image_format: image::ImageFormat,
    limits: &Limits,
) -> Result<Decoded, ImagingError> {
    let to_decode_error = |error: image::ImageError| ImagingError::Decode {
        format,
        reason: clean_reason(&error.to_string()),
    };

    // The dimension limits are left out here, so that an oversized header is reported with
    // its size by `check_dimensions` and not as a bare decoder limit error.
    let mut reader = ImageReader::with_format(Cursor::new(bytes), image_format);
    reader.limits(limits.decoder_limits(false));
    let mut decoder = reader.into_decoder().map_err(to_decode_error)?;

    let (width, height) = decoder.dimensions();
    check_dimensions(width, height, limits)?;
    if width == 0 || height == 0 {
        return Err(ImagingError::Decode {
            format,
            reason: format!("the header declares an empty {width}x{height} image"),
        });
    }
    decoder
        .set_limits(limits.decoder_limits(true))
        .map_err(to_decode_error)?;

    let orientation = read_orientation(&mut decoder, format);
    let icc_profile = decoder.icc_profile().ok().flatten();
    let exif = decoder.exif_metadata().ok().flatten();
    let mut image = DynamicImage::from_decoder(decoder).map_err(to_decode_error)?;
    image.apply_orientation(orientation);

    Ok(Decoded {
        display_size: (image.width(), image.height()),
        scale: 1.0,
        image,
        orientation: orientation.to_exif(),
        icc_profile,
        exif,
    })
}

fn decode_jpeg_upright(
    bytes: &[u8],
    limits: &Limits,
    presets: &[Preset],
) -> Result<Decoded, ImagingError> {
    let decoded = decode_jpeg(bytes, limits, |width, height| {
        choose_scale(width, height, presets)
    })?;
    let orientation = exif_orientation(decoded.exif.as_deref());
    let mut image = decoded.image;
    image.apply_orientation(orientation);
    let (stored_width, stored_height) = decoded.stored_size;
    let display_size = if orientation.to_exif() > 4 {
        (stored_height, stored_width)
    } else {
        (stored_width, stored_height)
    };
    Ok(Decoded {
        image,
        display_size,
        scale: f64::from(decoded.scale_eighths) / 8.0,
        orientation: orientation.to_exif(),
        icc_profile: decoded.icc_profile,
        exif: decoded.exif,
    })
}

/// Reads the orientation from EXIF data. Missing, out-of-range or unreadable counts as 1.
pub(crate) fn exif_orientation(exif: Option<&[u8]>) -> Orientation {
    exif.and_then(Orientation::from_exif_chunk)
        .unwrap_or(Orientation::NoTransforms)
}

/// Puts a decoder message on one line without a final period, so it reads as a clause
/// inside [`ImagingError::Decode`]'s message.
fn clean_reason(message: &str) -> String {
    let one_line = message.split_whitespace().collect::<Vec<_>>().join(" ");
    one_line.trim_end_matches('.').to_owned()
}

/// Rejects header dimensions over the pixel count or side limits, pixel count first.
pub(crate) fn check_dimensions(
    width: u32,
    height: u32,
    limits: &Limits,
) -> Result<(), ImagingError> {
    let pixels = u64::from(width) * u64::from(height);
    if pixels > limits.max_pixels {
        return Err(ImagingError::TooManyPixels {
            width,
            height,
            max_pixels: limits.max_pixels,
        });
    }
    if width > limits.max_dimension || height > limits.max_dimension {
        return Err(ImagingError::DimensionTooLarge {
            width,
            height,
            max_dimension: limits.max_dimension,
        });
    }
    Ok(())
}

/// Reads the EXIF orientation. A missing, out-of-range (0 or above 8) or unreadable tag
/// counts as 1, because the pixels are still usable as stored.
fn read_orientation(decoder: &mut impl ImageDecoder, format: SourceFormat) -> Orientation {
    match decoder.orientation() {
        Ok(orientation) => orientation,
        Err(error) => {
            tracing::debug!(%format, %error, "EXIF orientation unreadable, so orientation 1 is used");
            Orientation::NoTransforms
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_reason_one_line() {
        assert_eq!(
            clean_reason("Not enough bytes,\n expected 1.\n"),
            "Not enough bytes, expected 1"
        );
    }

    #[test]
    fn decoder_panic_becomes_decode_error() {
        let result: Result<(), _> =
            catch_decoder_panic(SourceFormat::Gif, || panic!("simulated decoder bug"));
        let Err(ImagingError::Decode { format, reason }) = result else {
            panic!("expected a decode error, got {result:?}");
        };
        assert_eq!(format, SourceFormat::Gif);
        assert_eq!(reason, PANIC_REASON);
    }

    #[test]
    fn pixel_limit_checked_first() {
        let limits = Limits::default();
        let result = check_dimensions(100_000, 100_000, &limits);
        assert!(
            matches!(result, Err(ImagingError::TooManyPixels { .. })),
            "{result:?}"
        );
        let result = check_dimensions(30_001, 1, &limits);
        assert!(
            matches!(result, Err(ImagingError::DimensionTooLarge { .. })),
            "{result:?}"
        );
        assert!(check_dimensions(30_000, 3_333, &limits).is_ok());
    }
}

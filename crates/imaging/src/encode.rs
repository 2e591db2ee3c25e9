//! JPEG, PNG and WebP encoding from pixels, with an optional EXIF block and nothing else.

use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{ExtendedColorType, ImageEncoder};

use crate::error::ImagingError;
use crate::format::OutputFormat;
use crate::jpeg;
use crate::resize::Pixels;
use crate::turbo::{self, Layout};

/// Longest side libwebp 1.x encodes.
pub(crate) const WEBP_MAX_SIDE: u32 = 16_383;

/// Encoder settings for one output.
pub(crate) struct EncodeSettings {
    /// The output encoding.
    pub format: OutputFormat,
    /// JPEG quality, 1 to 100.
    pub jpeg_quality: u8,
    /// Lossy WebP quality, 1 to 100.
    pub webp_quality: u8,
    /// EXIF block (TIFF structure) to embed, for JPEG and PNG only.
    pub exif: Option<Vec<u8>>,
}

/// Encodes `pixels`, which must already be opaque RGB for JPEG.
///
/// Only pixels and `settings.exif` are passed to the encoders, so the output has no XMP, IPTC
/// or ICC data. JPEG is encoded by libjpeg-turbo, which writes a JFIF APP0 segment, with the
/// EXIF block in an APP1 segment after it. WebP output never carries
/// EXIF, because the `webp` crate's simple encoder writes no metadata chunks.
pub(crate) fn encode(pixels: &Pixels, settings: EncodeSettings) -> Result<Vec<u8>, ImagingError> {
    let (width, height) = pixels.dimensions();
    let (samples, color) = match pixels {
        Pixels::Rgb(image) => (image.as_raw(), ExtendedColorType::Rgb8),
        Pixels::Rgba(image) => (image.as_raw(), ExtendedColorType::Rgba8),
    };
    let format = settings.format;
    let mut bytes = Vec::new();
    match format {
        OutputFormat::Jpeg => {
            let Pixels::Rgb(_) = pixels else {
                return Err(encode_error(
                    format,
                    "JPEG output needs opaque pixels".to_owned(),
                ));
            };
            bytes = turbo::compress(samples, width, height, Layout::Rgb, settings.jpeg_quality)
                .map_err(|error| encode_error(format, error.message))?;
            if let Some(exif) = settings.exif {
                bytes = jpeg::insert_exif(&bytes, &exif).unwrap_or_else(|| {
                    tracing::warn!(
                        exif_bytes = exif.len(),
                        "the EXIF block does not fit in one JPEG segment, so it is dropped"
                    );
                    bytes
                });
            }
        }
        OutputFormat::Png => {
            let mut encoder = PngEncoder::new_with_quality(
                &mut bytes,
                CompressionType::Default,
                FilterType::Adaptive,
            );
            if let Some(exif) = settings.exif {
                set_exif(&mut encoder, exif);
            }
            encoder
                .write_image(samples, width, height, color)
                .map_err(|error| encode_error(format, error.to_string()))?;
        }
        OutputFormat::Webp => bytes = encode_webp(pixels, settings.webp_quality)?,
        // Still images never pick GIF, but a one-frame GIF is still a valid output.
        OutputFormat::Gif => {
            image::codecs::gif::GifEncoder::new(&mut bytes)
                .encode(samples, width, height, color)
                .map_err(|error| encode_error(format, error.to_string()))?;
        }
    }
    Ok(bytes)
}

fn set_exif(encoder: &mut impl ImageEncoder, exif: Vec<u8>) {
    if let Err(error) = encoder.set_exif_metadata(exif) {
        tracing::warn!(%error, "the encoder does not take EXIF, so the copyright is dropped");
    }
}

fn encode_webp(pixels: &Pixels, quality: u8) -> Result<Vec<u8>, ImagingError> {
    let (width, height) = pixels.dimensions();
    if width > WEBP_MAX_SIDE || height > WEBP_MAX_SIDE {
        return Err(encode_error(
            OutputFormat::Webp,
            format!(
                "the output is {width}x{height} pixels, and WebP allows at most \
                 {WEBP_MAX_SIDE} pixels per side: choose JPEG or PNG, or a smaller size"
            ),
        ));
    }
    let encoder = match pixels {
        Pixels::Rgb(image) => webp::Encoder::from_rgb(image.as_raw(), width, height),
        Pixels::Rgba(image) => webp::Encoder::from_rgba(image.as_raw(), width, height),
    };
    let quality = f32::from(quality.clamp(1, 100));
    let memory = encoder
        .encode_simple(false, quality)
        .map_err(|error| encode_error(OutputFormat::Webp, format!("{error:?}")))?;
    Ok(memory.to_vec())
}

fn encode_error(format: OutputFormat, reason: String) -> ImagingError {
    ImagingError::Encode { format, reason }
}

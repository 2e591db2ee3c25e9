//! JPEG and PNG encoding from pixels only, so no metadata reaches the output.

use image::ExtendedColorType;
use image::ImageEncoder;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};

use crate::error::ImagingError;
use crate::format::OutputFormat;
use crate::resize::Pixels;

/// Encodes opaque pixels as JPEG at `jpeg_quality` and translucent ones as PNG.
///
/// Nothing but pixels is passed to the encoders, so the output has no EXIF, XMP, IPTC or ICC
/// data. `image`'s JPEG encoder writes only a JFIF APP0 segment.
pub(crate) fn encode(
    pixels: &Pixels,
    jpeg_quality: u8,
) -> Result<(Vec<u8>, OutputFormat), ImagingError> {
    let mut bytes = Vec::new();
    match pixels {
        Pixels::Rgb(image) => {
            let (width, height) = image.dimensions();
            JpegEncoder::new_with_quality(&mut bytes, jpeg_quality)
                .encode(image.as_raw(), width, height, ExtendedColorType::Rgb8)
                .map_err(|error| encode_error(OutputFormat::Jpeg, &error))?;
            Ok((bytes, OutputFormat::Jpeg))
        }
        Pixels::Rgba(image) => {
            let (width, height) = image.dimensions();
            PngEncoder::new_with_quality(
                &mut bytes,
                CompressionType::Default,
                FilterType::Adaptive,
            )
            .write_image(image.as_raw(), width, height, ExtendedColorType::Rgba8)
            .map_err(|error| encode_error(OutputFormat::Png, &error))?;
            Ok((bytes, OutputFormat::Png))
        }
    }
}

fn encode_error(format: OutputFormat, error: &image::ImageError) -> ImagingError {
    ImagingError::Encode {
        format,
        reason: error.to_string(),
    }
}

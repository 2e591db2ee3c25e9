//! Output prediction from the header alone, before any pixel is decoded.

use std::io::Cursor;

use image::{ImageDecoder, ImageReader};
use zune_core::bytestream::ZCursor;
use zune_core::options::DecoderOptions;

use crate::animation::{self, Animation};
use crate::decode::{check_dimensions, exif_orientation};
use crate::error::ImagingError;
use crate::format::{OutputFormat, SourceFormat};
use crate::geometry;
use crate::options::{Limits, Preset};
use crate::prepare::{check_input, choose_format};
use crate::{heif, svg};

/// What [`prepare`](crate::prepare) will produce for an input, read from its header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PredictedOutput {
    /// Output width in pixels. Exact: `prepare` produces this width.
    pub width: u32,
    /// Output height in pixels. Exact.
    pub height: u32,
    /// Output encoding. Exact, except for [`FormatChoice::Auto`](crate::FormatChoice::Auto)
    /// on a source whose header has an alpha channel but whose pixels are all opaque:
    /// this predicts PNG, and `prepare` writes JPEG.
    pub format: OutputFormat,
    /// Estimated size of the encoded output in bytes, from the pixel count and typical
    /// compression ratios of photographs. Flat graphics usually come out smaller.
    pub estimated_bytes: u64,
    /// Format sniffed from the input bytes.
    pub source_format: SourceFormat,
    /// Source width as displayed, after the EXIF orientation.
    pub source_width: u32,
    /// Source height as displayed, after the EXIF orientation.
    pub source_height: u32,
}

/// Predicts the output of [`prepare`](crate::prepare) for `bytes` and `preset` from the file
/// header, without decoding pixels, so a caller can show output sizes before the work starts.
///
/// # Errors
///
/// The checks of [`prepare`](crate::prepare) that need only the header, in the same order:
/// file size, empty, not an image, unsupported format, pixel and side limits, and
/// [`ImagingError::Decode`] when the header cannot be read. An input that passes may still
/// fail later in `prepare` because of corrupt pixel data.
pub fn predict_output(
    bytes: &[u8],
    preset: &Preset,
    limits: &Limits,
) -> Result<PredictedOutput, ImagingError> {
    let source_format = check_input(bytes, limits)?;
    if let Some(animation) = animation::probe(bytes, source_format) {
        return predict_animation(bytes, source_format, &animation, preset, limits);
    }
    let header = read_header(bytes, source_format, limits)?;
    check_dimensions(header.width, header.height, limits)?;
    if header.width == 0 || header.height == 0 {
        return Err(ImagingError::Decode {
            format: source_format,
            reason: format!(
                "the header declares an empty {}x{} image",
                header.width, header.height
            ),
        });
    }
    let (source_width, source_height) = if header.orientation > 4 {
        (header.height, header.width)
    } else {
        (header.width, header.height)
    };
    let plan = geometry::plan(source_width, source_height, preset);
    geometry::check_output(&plan, limits)?;
    let format = choose_format(preset.format, source_format, header.has_alpha);
    let (width, height) = plan.canvas;
    Ok(PredictedOutput {
        width,
        height,
        format,
        estimated_bytes: estimate_bytes(width, height, format, preset),
        source_format,
        source_width,
        source_height,
    })
}

/// Predicts an animated source: GIF resized frame by frame, WebP and APNG passed through.
fn predict_animation(
    bytes: &[u8],
    source_format: SourceFormat,
    animation: &Animation,
    preset: &Preset,
    limits: &Limits,
) -> Result<PredictedOutput, ImagingError> {
    let (source_width, source_height) = (animation.width, animation.height);
    check_dimensions(source_width, source_height, limits)?;
    let (width, height, format, estimated_bytes) = if source_format == SourceFormat::Gif {
        let plan = geometry::plan(source_width.max(1), source_height.max(1), preset);
        geometry::check_output(&plan, limits)?;
        let (width, height) = plan.canvas;
        let frame_bytes = estimate_bytes(width, height, OutputFormat::Gif, preset);
        let all_frames = frame_bytes.saturating_mul(u64::from(animation.frames));
        (width, height, OutputFormat::Gif, all_frames)
    } else {
        let format = if source_format == SourceFormat::Webp {
            OutputFormat::Webp
        } else {
            OutputFormat::Png
        };
        // The output is the source without its metadata chunks, so at most its length.
        let length = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        (source_width, source_height, format, length)
    };
    Ok(PredictedOutput {
        width,
        height,
        format,
        estimated_bytes,
        source_format,
        source_width,
        source_height,
    })
}

/// Stored dimensions, EXIF orientation and alpha, as declared in a header.
struct Header {
    width: u32,
    height: u32,
    orientation: u8,
    has_alpha: bool,
}

fn read_header(
    bytes: &[u8],
    format: SourceFormat,
    limits: &Limits,
) -> Result<Header, ImagingError> {
    if format == SourceFormat::Jpeg {
        return read_jpeg_header(bytes);
    }
    if format == SourceFormat::Svg {
        let (width, height) = svg::planned_size(bytes, limits)?;
        return Ok(Header {
            width,
            height,
            orientation: 1,
            has_alpha: true,
        });
    }
    if matches!(format, SourceFormat::Heic | SourceFormat::Avif) {
        let header = heif::read_header(bytes, format, limits)?;
        // libheif reports the size after the container's rotation, and EXIF orientation
        // is not applied to HEIF.
        return Ok(Header {
            width: header.width,
            height: header.height,
            orientation: 1,
            has_alpha: header.has_alpha,
        });
    }
    let image_format = format
        .decoder_format()
        .map_err(|hint| ImagingError::Unsupported { format, hint })?;
    let to_error = |error: image::ImageError| ImagingError::Decode {
        format,
        reason: error.to_string(),
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), image_format);
    reader.no_limits();
    let mut decoder = reader.into_decoder().map_err(to_error)?;
    let (width, height) = decoder.dimensions();
    let orientation = decoder
        .orientation()
        .map_or(1, image::metadata::Orientation::to_exif);
    Ok(Header {
        width,
        height,
        orientation,
        has_alpha: decoder.color_type().has_alpha(),
    })
}

fn read_jpeg_header(bytes: &[u8]) -> Result<Header, ImagingError> {
    if let Some(coding) = crate::jpeg::unsupported_coding(bytes) {
        return Err(crate::jpeg_decode::unsupported_coding_error(&coding));
    }
    let options = DecoderOptions::new_safe()
        .set_max_width(usize::MAX)
        .set_max_height(usize::MAX);
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(bytes), options);
    decoder
        .decode_headers()
        .map_err(|error| ImagingError::Decode {
            format: SourceFormat::Jpeg,
            reason: error.to_string().trim_matches('"').to_owned(),
        })?;
    let (width, height) = decoder.dimensions().unwrap_or((0, 0));
    Ok(Header {
        width: u32::try_from(width).unwrap_or(u32::MAX),
        height: u32::try_from(height).unwrap_or(u32::MAX),
        orientation: exif_orientation(decoder.exif().map(Vec::as_slice)).to_exif(),
        has_alpha: false,
    })
}

/// Estimates the encoded size from bits per pixel measured on photographs.
///
/// NOTE: the JPEG figures are typical of libjpeg-style encoders on camera photos (about 1.9
/// bits per pixel at quality 85), WebP is taken as 70 % of JPEG and PNG as 16 bits per pixel
/// (24 with alpha). Screenshots and logos often compress several times better.
fn estimate_bytes(width: u32, height: u32, format: OutputFormat, preset: &Preset) -> u64 {
    const HEADER_BYTES: f64 = 700.0;
    let pixels = f64::from(width) * f64::from(height);
    let bits_per_pixel = match format {
        OutputFormat::Jpeg => jpeg_bits_per_pixel(preset.jpeg_quality),
        OutputFormat::Webp => 0.7 * jpeg_bits_per_pixel(preset.webp_quality),
        OutputFormat::Png => 16.0,
        // NOTE: an estimate for one frame of a flat-coloured GIF. Photographic frames come
        // out larger.
        OutputFormat::Gif => 4.0,
    };
    // The estimate is far below 2^53, so the conversion back to an integer is exact enough.
    (pixels * bits_per_pixel / 8.0 + HEADER_BYTES).round() as u64
}

/// Bits per pixel of a photo at JPEG `quality`, interpolated between measured points.
fn jpeg_bits_per_pixel(quality: u8) -> f64 {
    const POINTS: [(f64, f64); 6] = [
        (1.0, 0.15),
        (50.0, 0.9),
        (75.0, 1.3),
        (85.0, 1.9),
        (95.0, 3.5),
        (100.0, 6.5),
    ];
    let quality = f64::from(quality.clamp(1, 100));
    POINTS
        .windows(2)
        .find(|pair| quality <= pair[1].0)
        .map_or(POINTS[5].1, |pair| {
            let [(q0, b0), (q1, b1)] = [pair[0], pair[1]];
            b0 + (b1 - b0) * (quality - q0) / (q1 - q0)
        })
}

//! JPEG decoding with zune-jpeg in strict mode, with CMYK and YCCK converted through ICC.

use image::{DynamicImage, RgbImage};
use zune_core::bytestream::ZCursor;
use zune_core::colorspace::ColorSpace;
use zune_core::options::DecoderOptions;
use zune_jpeg::JpegDecoder;

use crate::decode::{check_dimensions, exif_orientation};
use crate::error::ImagingError;
use crate::format::SourceFormat;
use crate::jpeg;
use crate::options::Limits;
use crate::{color, jpeg_scaled};

/// Reason given for JPEG data that ends before its end-of-image marker.
const TRUNCATED_JPEG_REASON: &str = "the file is truncated: the data ends before the JPEG \
                                     end-of-image marker";

/// A decoded JPEG as stored, before the EXIF orientation is applied.
pub(crate) struct DecodedJpeg {
    /// Pixels in the colour space of `icc_profile`, or sRGB when it is `None`.
    pub image: DynamicImage,
    /// ICC profile still to be applied. `None` when there is none or it was already applied.
    pub icc_profile: Option<Vec<u8>>,
    /// EXIF data as a TIFF structure, without the `Exif\0\0` prefix.
    pub exif: Option<Vec<u8>>,
    /// Stored width and height in the header, before scaling and orientation.
    pub stored_size: (u32, u32),
    /// Decoding scale in eighths: 8 for full size, 4 for 1/2 and so on.
    pub scale_eighths: u32,
}

/// Decodes a JPEG, rejecting corrupt or truncated data.
///
/// zune-jpeg (strict mode) reads the header, whose dimensions are checked against `limits`
/// before any pixel buffer is allocated. `choose_scale` gets the upright size and returns the
/// decoding scale in eighths (1, 2, 4 or 8). A YCbCr or greyscale JPEG is then decoded at that
/// scale by libjpeg-turbo ([`jpeg_scaled::decode_scaled`]). When libjpeg-turbo cannot read
/// the header or warns of anything but missing data, zune-jpeg in strict mode decodes it at
/// full size and decides whether it is corrupt. CMYK and YCCK are decoded at full size by
/// zune-jpeg and converted to sRGB through the embedded CMYK profile, or without one through
/// zune-jpeg's own conversion. 12-bit and lossless JPEGs fail with [`ImagingError::Decode`].
pub(crate) fn decode_jpeg(
    bytes: &[u8],
    limits: &Limits,
    choose_scale: impl FnOnce(u32, u32) -> u32,
) -> Result<DecodedJpeg, ImagingError> {
    if let Some(coding) = jpeg::unsupported_coding(bytes) {
        return Err(unsupported_coding_error(&coding));
    }
    let header_options = DecoderOptions::new_safe()
        .set_strict_mode(true)
        .set_max_width(usize::MAX)
        .set_max_height(usize::MAX);
    let mut decoder = JpegDecoder::new_with_options(ZCursor::new(bytes), header_options);
    decoder.decode_headers().map_err(decode_error)?;
    let (width, height) = decoder.dimensions().unwrap_or((0, 0));
    let width = u32::try_from(width).unwrap_or(u32::MAX);
    let height = u32::try_from(height).unwrap_or(u32::MAX);
    check_dimensions(width, height, limits)?;
    if width == 0 || height == 0 {
        return Err(ImagingError::Decode {
            format: SourceFormat::Jpeg,
            reason: format!("the header declares an empty {width}x{height} image"),
        });
    }
    if !jpeg::has_end_of_image(bytes) {
        return Err(ImagingError::Decode {
            format: SourceFormat::Jpeg,
            reason: TRUNCATED_JPEG_REASON.to_owned(),
        });
    }

    let input = decoder.input_colorspace().unwrap_or(ColorSpace::YCbCr);
    let icc_profile = decoder.icc_profile();
    let exif = decoder.exif().cloned();
    let cmyk = matches!(input, ColorSpace::CMYK | ColorSpace::YCCK);
    let (upright_width, upright_height) = if exif_orientation(exif.as_deref()).to_exif() > 4 {
        (height, width)
    } else {
        (width, height)
    };
    let eighths = choose_scale(upright_width, upright_height);
    let scaled = if cmyk {
        None
    } else {
        jpeg_scaled::decode_scaled(bytes, width, height, eighths)?
    };
    if let Some(image) = scaled {
        return Ok(DecodedJpeg {
            image,
            icc_profile,
            exif,
            stored_size: (width, height),
            scale_eighths: eighths,
        });
    }
    let cmyk_profile = icc_profile
        .as_deref()
        .filter(|_| cmyk)
        .and_then(color::cmyk_profile);
    // zune-jpeg passes 4-channel data through only in the colour space it is stored in.
    let output = match input {
        ColorSpace::Luma => ColorSpace::Luma,
        ColorSpace::YCCK if cmyk_profile.is_some() => ColorSpace::YCCK,
        _ if cmyk_profile.is_some() => ColorSpace::CMYK,
        _ => ColorSpace::RGB,
    };
    let max_side = usize::try_from(limits.max_dimension).unwrap_or(usize::MAX);
    decoder.set_options(
        decoder
            .options()
            .set_max_width(max_side)
            .set_max_height(max_side)
            .jpeg_set_out_colorspace(output),
    );
    let mut pixels = decoder.decode().map_err(decode_error)?;
    if output == ColorSpace::YCCK {
        ycck_to_cmyk(&mut pixels);
    }

    let (image, icc_profile) = match (output, cmyk_profile) {
        (ColorSpace::CMYK | ColorSpace::YCCK, Some(profile)) => {
            let rgb =
                color::cmyk_to_srgb(&pixels, &profile).map_err(|reason| ImagingError::Decode {
                    format: SourceFormat::Jpeg,
                    reason,
                })?;
            (rgb_image(width, height, rgb)?, None)
        }
        (ColorSpace::Luma, _) => (luma_image(width, height, pixels)?, icc_profile),
        // A CMYK profile cannot apply to the RGB that zune-jpeg made without one.
        _ if cmyk => (rgb_image(width, height, pixels)?, None),
        _ => (rgb_image(width, height, pixels)?, icc_profile),
    };
    Ok(DecodedJpeg {
        image,
        icc_profile,
        exif,
        stored_size: (width, height),
        scale_eighths: 8,
    })
}

/// Converts Adobe YCCK samples to Adobe CMYK in place.
///
/// Y, Cb and Cr give the C, M and Y inks through the JFIF YCbCr to RGB matrix, and K is
/// stored inverted. The result is stored inverted like Adobe CMYK (255 is no ink), which
/// matched libvips 8.16 with lcms2 on the SWOP-tagged sample within 8 levels on average.
fn ycck_to_cmyk(samples: &mut [u8]) {
    for pixel in samples.chunks_exact_mut(4) {
        let y = f32::from(pixel[0]);
        let cb = f32::from(pixel[1]) - 128.0;
        let cr = f32::from(pixel[2]) - 128.0;
        let channels = [
            y + 1.402 * cr,
            y - 0.344_136 * cb - 0.714_136 * cr,
            y + 1.772 * cb,
        ];
        for (sample, value) in pixel.iter_mut().zip(channels) {
            // Clamped to 0..=255 first, so the cast cannot truncate.
            *sample = u8::MAX - value.round().clamp(0.0, 255.0) as u8;
        }
    }
}

fn rgb_image(width: u32, height: u32, pixels: Vec<u8>) -> Result<DynamicImage, ImagingError> {
    RgbImage::from_raw(width, height, pixels)
        .map(DynamicImage::ImageRgb8)
        .ok_or_else(|| short_buffer(width, height))
}

fn luma_image(width: u32, height: u32, pixels: Vec<u8>) -> Result<DynamicImage, ImagingError> {
    image::GrayImage::from_raw(width, height, pixels)
        .map(DynamicImage::ImageLuma8)
        .ok_or_else(|| short_buffer(width, height))
}

fn short_buffer(width: u32, height: u32) -> ImagingError {
    ImagingError::Decode {
        format: SourceFormat::Jpeg,
        reason: format!("the decoder returned fewer pixels than the {width}x{height} header"),
    }
}

/// Builds the error for a JPEG coding that [`jpeg::unsupported_coding`] names.
pub(crate) fn unsupported_coding_error(coding: &str) -> ImagingError {
    ImagingError::Decode {
        format: SourceFormat::Jpeg,
        reason: format!(
            "it uses {coding}, and only 8-bit baseline and progressive JPEGs are supported"
        ),
    }
}

fn decode_error(error: zune_jpeg::errors::DecodeErrors) -> ImagingError {
    let message = error.to_string();
    let message = message.trim().trim_matches('"').trim_end_matches('.');
    let reason = if message.contains("Bad Huffman")
        || message.contains("marker in bit stream")
        || message.contains("Exhausted data")
    {
        format!("corrupt JPEG data ({message})")
    } else {
        message.to_owned()
    };
    ImagingError::Decode {
        format: SourceFormat::Jpeg,
        reason,
    }
}

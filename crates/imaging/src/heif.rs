//! HEIC and AVIF decoding with libheif, built from the sources bundled with `libheif-sys` and
//! linked against the system's libde265 (HEVC) and dav1d or libaom (AV1).
//!
//! libheif applies the container's rotation and mirror properties (`irot`, `imir`) and crop
//! (`clap`) while decoding. An EXIF orientation tag in a HEIF file is not applied: iPhones
//! write the same turn both as `irot` and as EXIF orientation, and applying both would turn
//! the image twice.

use image::{DynamicImage, RgbImage, RgbaImage};
use libheif_rs::{
    ColorProfile as _, ColorProfileNCLX, ColorSpace, DecodingOptions, HeifContext, HeifError,
    ImageHandle, LibHeif, RgbChroma, SecurityLimits, color_profile_types,
};
use moxcms::{
    CicpColorPrimaries, CicpProfile, ColorProfile, MatrixCoefficients, TransferCharacteristics,
};

use crate::decode::{Decoded, check_dimensions};
use crate::error::ImagingError;
use crate::format::SourceFormat;
use crate::options::{Limits, MAX_BYTES_PER_PIXEL};

/// Stored size and alpha of the primary image, read without decoding it.
pub(crate) struct HeifHeader {
    /// Width after the container's rotation and crop, as displayed.
    pub width: u32,
    /// Height after the container's rotation and crop.
    pub height: u32,
    /// Whether the primary image has an alpha plane.
    pub has_alpha: bool,
}

/// Reads the primary image's displayed size and alpha from the HEIF boxes.
pub(crate) fn read_header(
    bytes: &[u8],
    format: SourceFormat,
    limits: &Limits,
) -> Result<HeifHeader, ImagingError> {
    let context = open(bytes, format, limits)?;
    let (handle, (width, height)) = primary_image(&context, format)?;
    Ok(HeifHeader {
        width,
        height,
        has_alpha: handle.has_alpha_channel(),
    })
}

/// Returns the displayed size, or when libheif reports none (it gives 0x0 for a size it
/// cannot represent), the stored size from the `ispe` box, so that the limit check names it.
fn declared_size(handle: &ImageHandle) -> (u32, u32) {
    let (width, height) = (handle.width(), handle.height());
    if width != 0 && height != 0 {
        return (width, height);
    }
    // libheif returns the `ispe` box's unsigned 32-bit fields as C ints, so a side above
    // 2^31 - 1 comes back negative. Reinterpreting the bits restores the stored value.
    let stored = |side: i32| u32::from_ne_bytes(side.to_ne_bytes());
    (stored(handle.ispe_width()), stored(handle.ispe_height()))
}

/// Decodes the primary image of a HEIC or AVIF file into 8-bit RGB or RGBA, upright.
///
/// The displayed size is checked against `limits` before anything is decoded. Images with
/// more than 8 bits per sample are reduced to 8 bits by libheif. An image sequence
/// (animated AVIF or HEIF) is rejected, so that it is never reduced to one frame.
pub(crate) fn decode(
    bytes: &[u8],
    format: SourceFormat,
    limits: &Limits,
) -> Result<Decoded, ImagingError> {
    let context = open(bytes, format, limits)?;
    let (handle, (width, height)) = primary_image(&context, format)?;
    check_dimensions(width, height, limits)?;
    if width == 0 || height == 0 {
        return Err(ImagingError::Decode {
            format,
            reason: format!("the header declares an empty {width}x{height} image"),
        });
    }

    let has_alpha = handle.has_alpha_channel();
    let chroma = if has_alpha {
        RgbChroma::Rgba
    } else {
        RgbChroma::Rgb
    };
    let mut options = DecodingOptions::new().ok_or_else(|| ImagingError::Decode {
        format,
        reason: "libheif could not allocate its decoding options".to_owned(),
    })?;
    options.set_convert_hdr_to_8bit(true);
    // Without strict decoding, libheif fills the tiles of a grid image whose data is missing
    // (a truncated iPhone photo) with a flat colour and only records a warning, so a damaged
    // file would be uploaded as if it were whole.
    options.set_strict_decoding(true);
    let decoded = LibHeif::new()
        .decode(&handle, ColorSpace::Rgb(chroma), Some(options))
        .map_err(|error| decode_error(format, &error))?;
    let image = copy_pixels(&decoded, has_alpha).ok_or_else(|| ImagingError::Decode {
        format,
        reason: format!(
            "libheif returned no {}-bit interleaved plane of {width}x{height} pixels",
            if has_alpha { 32 } else { 24 }
        ),
    })?;

    Ok(Decoded {
        display_size: (image.width(), image.height()),
        scale: 1.0,
        image,
        orientation: 1,
        icc_profile: color_profile(&handle),
        exif: exif(&handle),
    })
}

/// Parses the boxes of `bytes` under libheif's limits, set from `limits`, and rejects an
/// image sequence.
fn open<'a>(
    bytes: &'a [u8],
    format: SourceFormat,
    limits: &Limits,
) -> Result<HeifContext<'a>, ImagingError> {
    let mut context = HeifContext::new().map_err(|error| decode_error(format, &error))?;
    let mut heif_limits = SecurityLimits::new();
    heif_limits.set_max_image_size_pixels(limits.max_pixels);
    // The decoder's intermediate planes (YCbCr, then RGB) stay within twice the widest
    // decoded buffer allowed for other formats.
    heif_limits.set_max_total_memory(
        limits
            .max_pixels
            .saturating_mul(MAX_BYTES_PER_PIXEL)
            .saturating_mul(2),
    );
    context
        .set_security_limits(&heif_limits)
        .map_err(|error| decode_error(format, &error))?;
    context
        .read_bytes(bytes)
        .map_err(|error| decode_error(format, &error))?;
    if context.has_sequence() {
        return Err(ImagingError::AnimatedSequence { format });
    }
    Ok(context)
}

/// Returns the primary image and its declared size.
fn primary_image(
    context: &HeifContext<'_>,
    format: SourceFormat,
) -> Result<(ImageHandle, (u32, u32)), ImagingError> {
    let handle = context
        .primary_image_handle()
        .map_err(|error| decode_error(format, &error))?;
    let size = declared_size(&handle);
    Ok((handle, size))
}

/// Copies the interleaved plane of `image` into an `image` buffer without row padding.
fn copy_pixels(image: &libheif_rs::Image, has_alpha: bool) -> Option<DynamicImage> {
    let plane = image.planes().interleaved?;
    let channels: usize = if has_alpha { 4 } else { 3 };
    let row_bytes = usize::try_from(plane.width).ok()?.checked_mul(channels)?;
    if plane.stride < row_bytes {
        return None;
    }
    let rows = usize::try_from(plane.height).ok()?;
    let mut packed = Vec::with_capacity(row_bytes.checked_mul(rows)?);
    for row in plane.data.chunks(plane.stride).take(rows) {
        packed.extend_from_slice(row.get(..row_bytes)?);
    }
    if has_alpha {
        RgbaImage::from_raw(plane.width, plane.height, packed).map(DynamicImage::ImageRgba8)
    } else {
        RgbImage::from_raw(plane.width, plane.height, packed).map(DynamicImage::ImageRgb8)
    }
}

/// Returns the image's ICC profile, or one built from its CICP (`nclx`) colour description
/// when that is not sRGB. `None` means sRGB.
fn color_profile(handle: &ImageHandle) -> Option<Vec<u8>> {
    if let Some(raw) = handle.color_profile_raw()
        && [color_profile_types::PROF, color_profile_types::R_ICC].contains(&raw.profile_type())
    {
        return Some(raw.data);
    }
    let nclx = handle.color_profile_nclx()?;
    cicp_profile(&nclx)
}

/// Builds an ICC profile for a CICP colour description, or `None` when it is sRGB or
/// unspecified, or when moxcms cannot express it.
fn cicp_profile(nclx: &ColorProfileNCLX) -> Option<Vec<u8>> {
    // Codes from ITU-T H.273. Primaries 1 (BT.709, as sRGB) and 2 (unspecified) count as sRGB.
    // So do transfer 1, 6 and 14 (the BT.709 curve, which cameras use for sRGB content), 2 and
    // 13 (sRGB).
    let primaries = nclx.color_primaries() as u8;
    let transfer = nclx.transfer_characteristics() as u8;
    let srgb_primaries = matches!(primaries, 1 | 2);
    let srgb_transfer = matches!(transfer, 1 | 2 | 6 | 13 | 14);
    if srgb_primaries && srgb_transfer {
        return None;
    }
    let cicp = CicpProfile {
        color_primaries: CicpColorPrimaries::try_from(primaries).ok()?,
        transfer_characteristics: TransferCharacteristics::try_from(transfer).ok()?,
        // The pixels reach moxcms as RGB, after libheif's matrix conversion.
        matrix_coefficients: MatrixCoefficients::Identity,
        full_range: true,
    };
    match ColorProfile::new_from_cicp(cicp).encode() {
        Ok(icc) => Some(icc),
        Err(error) => {
            tracing::warn!(
                primaries,
                transfer,
                %error,
                "CICP colour description not convertible, so the pixels are taken as sRGB"
            );
            None
        }
    }
}

/// Returns the first EXIF block as a TIFF structure, without the offset that HEIF puts
/// before it.
fn exif(handle: &ImageHandle) -> Option<Vec<u8>> {
    let mut ids = [0; 1];
    if handle.metadata_block_ids(&mut ids, b"Exif") == 0 {
        return None;
    }
    let block = handle.metadata(ids[0]).ok()?;
    // ISO/IEC 23008-12, A.2.1: a 32-bit big-endian offset from the end of this field to the
    // TIFF header, usually 6 to skip an "Exif\0\0" prefix.
    let offset_field = block.get(..4)?;
    let offset = u32::from_be_bytes(offset_field.try_into().ok()?);
    let start = 4usize.checked_add(usize::try_from(offset).ok()?)?;
    block
        .get(start..)
        .filter(|tiff| tiff.len() >= 8)
        .map(<[u8]>::to_vec)
}

fn decode_error(format: SourceFormat, error: &HeifError) -> ImagingError {
    // libheif's messages can span lines, and the reason is a clause inside one sentence.
    let message = error
        .message
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let reason = if message.is_empty() {
        format!("libheif error {:?}", error.sub_code)
    } else {
        message.trim_end_matches('.').to_owned()
    };
    ImagingError::Decode { format, reason }
}

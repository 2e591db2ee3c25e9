//! ICC colour management with moxcms: embedded profiles converted to sRGB.

use moxcms::{ColorProfile, DataColorSpace, Layout, TransformOptions};

use crate::resize::Pixels;

/// Parses `icc` and returns it when it is a CMYK profile.
pub(crate) fn cmyk_profile(icc: &[u8]) -> Option<ColorProfile> {
    let profile = parse(icc)?;
    (profile.color_space == DataColorSpace::Cmyk).then_some(profile)
}

/// Converts 8-bit CMYK samples, as zune-jpeg outputs them for Adobe JPEGs, to sRGB RGB.
///
/// Adobe applications write CMYK JPEGs inverted (255 is no ink), and zune-jpeg passes the
/// stored values through, so each sample is inverted before the ICC transform.
pub(crate) fn cmyk_to_srgb(cmyk: &[u8], profile: &ColorProfile) -> Result<Vec<u8>, String> {
    let transform = profile
        .create_transform_8bit(
            Layout::Rgba,
            &ColorProfile::new_srgb(),
            Layout::Rgb,
            TransformOptions::default(),
        )
        .map_err(|error| format!("the CMYK colour profile could not be applied: {error}"))?;
    let inks: Vec<u8> = cmyk.iter().map(|&sample| u8::MAX - sample).collect();
    let mut rgb = vec![0; cmyk.len() / 4 * 3];
    transform
        .transform(&inks, &mut rgb)
        .map_err(|error| format!("the CMYK colour profile could not be applied: {error}"))?;
    Ok(rgb)
}

/// Converts `pixels` from the colour space of the ICC profile `icc` to sRGB, in place.
///
/// RGB and greyscale profiles are applied. A profile that cannot be parsed, or whose colour
/// space does not match the pixels (for example CMYK), is ignored with a warning, and the
/// pixels are taken as sRGB.
pub(crate) fn convert_to_srgb(pixels: &mut Pixels, icc: &[u8]) {
    let Some(profile) = parse(icc) else {
        return;
    };
    let result = match profile.color_space {
        DataColorSpace::Rgb => convert_rgb(pixels, &profile),
        DataColorSpace::Gray => convert_gray(pixels, &profile),
        other => Err(format!("a {other:?} profile does not apply to RGB pixels")),
    };
    if let Err(reason) = result {
        tracing::warn!(%reason, "ICC profile ignored, so the pixels are taken as sRGB");
    }
}

fn parse(icc: &[u8]) -> Option<ColorProfile> {
    match ColorProfile::new_from_slice(icc) {
        Ok(profile) => Some(profile),
        Err(error) => {
            tracing::warn!(%error, "ICC profile invalid, so the pixels are taken as sRGB");
            None
        }
    }
}

fn convert_rgb(pixels: &mut Pixels, profile: &ColorProfile) -> Result<(), String> {
    let (layout, samples) = match pixels {
        Pixels::Rgb(image) => (Layout::Rgb, &mut **image),
        Pixels::Rgba(image) => (Layout::Rgba, &mut **image),
    };
    let transform = profile
        .create_transform_8bit(layout, &ColorProfile::new_srgb(), layout, options())
        .map_err(|error| error.to_string())?;
    let source = samples.to_vec();
    transform
        .transform(&source, samples)
        .map_err(|error| error.to_string())
}

/// Applies a greyscale profile to the grey values of pixels that were expanded to RGB, so
/// all three channels of each pixel are equal.
fn convert_gray(pixels: &mut Pixels, profile: &ColorProfile) -> Result<(), String> {
    let (channels, samples) = match pixels {
        Pixels::Rgb(image) => (3, &mut **image),
        Pixels::Rgba(image) => (4, &mut **image),
    };
    let grey: Vec<u8> = samples
        .chunks_exact(channels)
        .map(|pixel| pixel[0])
        .collect();
    let transform = profile
        .create_transform_8bit(
            Layout::Gray,
            &ColorProfile::new_srgb(),
            Layout::Rgb,
            options(),
        )
        .map_err(|error| error.to_string())?;
    let mut rgb = vec![0; grey.len() * 3];
    transform
        .transform(&grey, &mut rgb)
        .map_err(|error| error.to_string())?;
    for (pixel, converted) in samples.chunks_exact_mut(channels).zip(rgb.chunks_exact(3)) {
        pixel[..3].copy_from_slice(converted);
    }
    Ok(())
}

fn options() -> TransformOptions {
    TransformOptions::default()
}

//! Alpha flattening onto a background and padding to the output box.

use image::{Rgb, RgbImage, Rgba, RgbaImage};

use crate::resize::Pixels;

/// Composites translucent pixels over the opaque sRGB `background`, for outputs without
/// alpha. Opaque pixels are returned unchanged.
///
/// The blend is done on the sRGB-encoded values, as browsers composite, not in linear light.
pub(crate) fn flatten(pixels: Pixels, background: [u8; 3]) -> RgbImage {
    let rgba = match pixels {
        Pixels::Rgb(image) => return image,
        Pixels::Rgba(image) => image,
    };
    let (width, height) = rgba.dimensions();
    RgbImage::from_fn(width, height, |x, y| {
        let Rgba([r, g, b, a]) = *rgba.get_pixel(x, y);
        let alpha = u32::from(a);
        let blend = |channel: u8, back: u8| {
            let mixed = u32::from(channel) * alpha + u32::from(back) * (255 - alpha);
            // (mixed + 127) / 255 is at most 255.
            u8::try_from((mixed + 127) / 255).unwrap_or(u8::MAX)
        };
        Rgb([
            blend(r, background[0]),
            blend(g, background[1]),
            blend(b, background[2]),
        ])
    })
}

/// Centres `pixels` on a `canvas` filled with `fill`, which is transparent when its alpha
/// is 0. Returns the pixels unchanged when they already have the canvas size.
pub(crate) fn pad(pixels: Pixels, canvas: (u32, u32), fill: [u8; 4]) -> Pixels {
    if pixels.dimensions() == canvas {
        return pixels;
    }
    let (width, height) = pixels.dimensions();
    let left = i64::from((canvas.0 - width.min(canvas.0)) / 2);
    let top = i64::from((canvas.1 - height.min(canvas.1)) / 2);
    if fill[3] == u8::MAX {
        let mut output = RgbImage::from_pixel(canvas.0, canvas.1, Rgb([fill[0], fill[1], fill[2]]));
        image::imageops::overlay(
            &mut output,
            &flatten(pixels, [fill[0], fill[1], fill[2]]),
            left,
            top,
        );
        return Pixels::Rgb(output);
    }
    let content = match pixels {
        Pixels::Rgb(image) => image::DynamicImage::ImageRgb8(image).into_rgba8(),
        Pixels::Rgba(image) => image,
    };
    let mut output = RgbaImage::from_pixel(canvas.0, canvas.1, Rgba(fill));
    image::imageops::replace(&mut output, &content, left, top);
    Pixels::Rgba(output)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flatten_half_red_on_white() {
        let image = RgbaImage::from_pixel(1, 1, Rgba([255, 0, 0, 128]));
        let flat = flatten(Pixels::Rgba(image), [255, 255, 255]);
        assert_eq!(flat.get_pixel(0, 0).0, [255, 127, 127]);
    }

    #[test]
    fn flatten_transparent_is_background() {
        let image = RgbaImage::from_pixel(1, 1, Rgba([0, 0, 0, 0]));
        let flat = flatten(Pixels::Rgba(image), [10, 20, 30]);
        assert_eq!(flat.get_pixel(0, 0).0, [10, 20, 30]);
    }

    #[test]
    fn pad_centres_content() {
        let content = Pixels::Rgb(RgbImage::from_pixel(2, 1, Rgb([0, 0, 0])));
        let Pixels::Rgba(padded) = pad(content, (4, 3), [0, 0, 0, 0]) else {
            panic!("transparent padding must give RGBA");
        };
        assert_eq!(padded.dimensions(), (4, 3));
        assert_eq!(padded.get_pixel(1, 1).0, [0, 0, 0, 255]);
        assert_eq!(padded.get_pixel(0, 1).0[3], 0);
        assert_eq!(padded.get_pixel(1, 0).0[3], 0);
    }
}

//! Frame counting for animated GIF, WebP and APNG, read from the container.

use std::io::Cursor;

use crate::format::SourceFormat;

/// Counts the frames of an animated source without decoding their pixels.
///
/// Returns `None` for formats that cannot be animated and when the container cannot be read.
/// For GIF, a read error part-way through returns the frames counted up to it.
pub(crate) fn count_frames(bytes: &[u8], format: SourceFormat) -> Option<u32> {
    match format {
        SourceFormat::Gif => count_gif_frames(bytes),
        SourceFormat::Webp => count_webp_frames(bytes),
        SourceFormat::Png => count_apng_frames(bytes),
        _ => None,
    }
}

fn count_gif_frames(bytes: &[u8]) -> Option<u32> {
    let mut options = gif::DecodeOptions::new();
    // Skipping LZW decoding makes each step read only the frame descriptor and skip its data.
    options.skip_frame_decoding(true);
    let mut decoder = options.read_info(Cursor::new(bytes)).ok()?;
    let mut frames = 0u32;
    while let Ok(Some(_)) = decoder.next_frame_info() {
        frames = frames.saturating_add(1);
    }
    Some(frames)
}

fn count_webp_frames(bytes: &[u8]) -> Option<u32> {
    let decoder = image_webp::WebPDecoder::new(Cursor::new(bytes)).ok()?;
    // `num_frames` is 0 for a still image.
    Some(decoder.num_frames().max(1))
}

fn count_apng_frames(bytes: &[u8]) -> Option<u32> {
    let reader = png::Decoder::new(Cursor::new(bytes)).read_info().ok()?;
    let frames = reader
        .info()
        .animation_control()
        .map_or(1, |control| control.num_frames);
    Some(frames)
}

//! Output presets and input limits.

/// Output size and quality for [`prepare`](crate::prepare).
#[derive(Clone, Debug)]
pub struct Preset {
    /// Maximum length in pixels of the longer side of the output. Smaller images are never
    /// upscaled. Default 1600. A value of 0 is treated as 1.
    pub max_edge: u32,
    /// JPEG quality from 1 to 100, used when the output is JPEG. Default 85. Values outside
    /// the range are clamped by the encoder.
    pub jpeg_quality: u8,
}

impl Default for Preset {
    fn default() -> Self {
        Self {
            max_edge: 1600,
            jpeg_quality: 85,
        }
    }
}

/// Bounds on the input, checked before any pixel buffer is allocated.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Maximum input size in bytes. Default 50 MiB.
    pub max_file_bytes: u64,
    /// Maximum width times height declared in the header. Default 100,000,000 (100 MP).
    pub max_pixels: u64,
    /// Maximum width or height in pixels declared in the header. Default 30,000.
    pub max_dimension: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_file_bytes: 50 * 1024 * 1024,
            max_pixels: 100_000_000,
            max_dimension: 30_000,
        }
    }
}

impl Limits {
    /// Builds the decoder's own limits, a backstop behind the header checks.
    ///
    /// `max_alloc` allows a decoded buffer of `max_pixels` at 8 bytes per pixel (16-bit RGBA,
    /// the widest layout the enabled decoders produce apart from 32-bit float TIFF), so a
    /// float TIFF near `max_pixels` is rejected by the decoder instead.
    pub(crate) fn decoder_limits(&self, with_dimensions: bool) -> image::Limits {
        const MAX_BYTES_PER_PIXEL: u64 = 8;
        let mut limits = image::Limits::no_limits();
        limits.max_alloc = Some(self.max_pixels.saturating_mul(MAX_BYTES_PER_PIXEL));
        if with_dimensions {
            limits.max_image_width = Some(self.max_dimension);
            limits.max_image_height = Some(self.max_dimension);
        }
        limits
    }
}

//! Output presets, fit modes, output format choices and input limits.

/// Output size, fit, format, quality and metadata for [`prepare`](crate::prepare).
///
/// `Preset { max_edge, jpeg_quality, ..Preset::default() }` gives the original behaviour: the
/// longer side at most `max_edge`, JPEG for opaque images and PNG when there is transparency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preset {
    /// Maximum length in pixels of the longer side of the output, used when `size` is `None`
    /// as the box `max_edge` x `max_edge`. Default 1600. A value of 0 is treated as 1.
    pub max_edge: u32,
    /// JPEG quality from 1 to 100, used when the output is JPEG. Default 85. Values outside
    /// the range are clamped.
    pub jpeg_quality: u8,
    /// Box the output is fitted to with `fit`. Default `None`, which means a square box of
    /// `max_edge`.
    pub size: Option<BoxSize>,
    /// How the source is fitted to the box. Default [`Fit::Contain`].
    pub fit: Fit,
    /// Whether a source smaller than the box may be enlarged. Default `false`.
    pub upscale: bool,
    /// Encoding of the output. Default [`FormatChoice::Auto`].
    pub format: FormatChoice,
    /// Lossy WebP quality from 1 to 100, used when the output is WebP. Default 80. Values
    /// outside the range are clamped.
    pub webp_quality: u8,
    /// sRGB colour that transparent pixels are flattened onto for JPEG output, and that
    /// [`Fit::Pad`] fills the margins with for JPEG output. Default white.
    pub background: [u8; 3],
    /// Metadata copied from the source into the output. Default [`MetadataPolicy::StripAll`].
    pub metadata: MetadataPolicy,
}

impl Default for Preset {
    fn default() -> Self {
        Self {
            max_edge: 1600,
            jpeg_quality: 85,
            size: None,
            fit: Fit::Contain,
            upscale: false,
            format: FormatChoice::Auto,
            webp_quality: 80,
            background: [255, 255, 255],
            metadata: MetadataPolicy::StripAll,
        }
    }
}

/// Width and height of an output box in pixels. A side of 0 is treated as 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct BoxSize {
    /// Box width in pixels.
    pub width: u32,
    /// Box height in pixels.
    pub height: u32,
}

/// How the source is fitted to the output box.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Fit {
    /// Scale to fit inside the box, keeping the aspect ratio. The output may be smaller than
    /// the box on one side.
    #[default]
    Contain,
    /// Scale to cover the box and crop the centre, so the output has the box's aspect ratio.
    /// Without upscaling, a source smaller than the box is cropped to the box's aspect ratio
    /// at its own resolution.
    Cover,
    /// Scale as [`Fit::Contain`], then extend to exactly the box size with margins on both
    /// sides: transparent for PNG and WebP output, [`Preset::background`] for JPEG.
    Pad,
}

/// Output encoding requested by a [`Preset`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum FormatChoice {
    /// JPEG for opaque images, PNG when some pixel is not fully opaque.
    #[default]
    Auto,
    /// The source's format when it is JPEG, PNG or WebP, otherwise as [`FormatChoice::Auto`].
    Keep,
    /// Always JPEG. Transparency is flattened onto [`Preset::background`].
    Jpeg,
    /// Always PNG.
    Png,
    /// Always lossy WebP at [`Preset::webp_quality`], with alpha when the image has any.
    Webp,
}

/// Metadata written to the output.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum MetadataPolicy {
    /// No EXIF, XMP, IPTC, GPS or ICC data.
    #[default]
    StripAll,
    /// Only the EXIF Artist and Copyright fields of the source, when it has them, in a new
    /// EXIF block with nothing else. XMP and IPTC copies of these fields are not read.
    KeepCopyright,
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
    /// Maximum size in bytes of an animated WebP or APNG that is uploaded unchanged, after
    /// its metadata chunks are removed. Default 10 MiB.
    // NOTE: 10 MiB is a product choice for banner and token animations, not a limit of the
    // PERS API, which documents no maximum upload size.
    pub max_passthrough_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_file_bytes: 50 * 1024 * 1024,
            max_pixels: 100_000_000,
            max_dimension: 30_000,
            max_passthrough_bytes: 10 * 1024 * 1024,
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
        let mut limits = image::Limits::no_limits();
        limits.max_alloc = Some(self.max_pixels.saturating_mul(MAX_BYTES_PER_PIXEL));
        if with_dimensions {
            limits.max_image_width = Some(self.max_dimension);
            limits.max_image_height = Some(self.max_dimension);
        }
        limits
    }
}

/// Widest decoded pixel the decoders produce, 16-bit RGBA, apart from 32-bit float TIFF.
pub(crate) const MAX_BYTES_PER_PIXEL: u64 = 8;

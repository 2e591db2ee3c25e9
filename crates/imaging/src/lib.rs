//! Image preparation for upload: sniff, decode, orient, colour-manage, resize, re-encode.
//!
//! [`prepare`] turns the bytes of a dropped file into an upright sRGB image fitted to a
//! [`Preset`], by default with the longer side at most 1600 px. The output is JPEG, or PNG
//! when there is transparency, with no EXIF, XMP, IPTC or ICC data. [`prepare_many`] makes several
//! outputs from one decode, [`predict_output`] gives each output's size from the header
//! alone, and [`Preset::named`] has a preset per entity type. It rejects an input with an
//! [`ImagingError`] whose message states what failed and what to do. [`thumbnail`] runs the
//! same pipeline for gallery tiles.
//!
//! Formats are identified from content by [`sniff`], never from a file name. JPEG, PNG,
//! WebP, GIF, BMP, TIFF and ICO are decoded, and HEIC and AVIF through libheif (still images
//! only: an image sequence is rejected). SVG is rasterised with resvg from its inline
//! content only, with the longer side at most 4096 px. Size and pixel limits ([`Limits`]) are
//! checked from the header before any pixel buffer is allocated.
//!
//! Colour: embedded RGB and greyscale ICC profiles are converted to sRGB with moxcms after
//! resampling, as libvips' thumbnailer also does. CMYK and YCCK JPEGs go through their
//! embedded CMYK profile, or zune-jpeg's plain conversion when they have none. A profile that
//! cannot be parsed is ignored. 16-bit samples are rounded to 8 bits.
//!
//! Animations are never reduced to one frame. An animated GIF is resized frame by frame,
//! keeping its delays and loop count. An animated WebP or APNG is uploaded unchanged apart from
//! its metadata chunks, up to [`Limits::max_passthrough_bytes`]. [`PreparedImage::animation`]
//! reports which happened, as an [`AnimationHandling`].
//!
//! JPEG is decoded by libjpeg-turbo (the system library, at 1/2, 1/4 or 1/8 scale when the
//! output is small enough), and by zune-jpeg in strict mode for CMYK and YCCK and for files
//! on which libjpeg warns of anything but missing data. A truncated file, one with no
//! end-of-image marker after its scan data, scan data that ends before its last block, and
//! corrupt entropy-coded data (bad Huffman codes, stray markers) are rejected with
//! [`ImagingError::Decode`]. Damage that neither decoder detects, such as a flipped bit in a
//! coefficient, is decoded as it is.

mod animation;
mod color;
mod compose;
mod decode;
mod encode;
mod error;
mod format;
mod geometry;
mod gif_animation;
mod heif;
mod jpeg;
mod jpeg_decode;
mod jpeg_scaled;
mod metadata;
mod options;
mod passthrough;
mod predict;
mod prepare;
mod presets;
mod resize;
mod svg;
mod turbo;

pub use animation::AnimationHandling;
pub use error::ImagingError;
pub use format::{OutputFormat, SourceFormat, sniff};
pub use options::{BoxSize, Fit, FormatChoice, Limits, MetadataPolicy, Preset};
pub use predict::{PredictedOutput, predict_output};
pub use prepare::{PreparedImage, prepare, prepare_many, thumbnail};
pub use presets::PRESET_NAMES;

//! Image preparation for upload: sniff, decode, orient, resize, re-encode, strip metadata.
//!
//! [`prepare`] turns the bytes of a dropped file into an upright image whose longer side is
//! at most [`Preset::max_edge`], encoded as JPEG, or as PNG when it has transparency, with no
//! EXIF, XMP, IPTC or ICC data. It rejects an input with an [`ImagingError`] whose message
//! states what failed and what to do. [`thumbnail`] runs the same pipeline for gallery tiles.
//!
//! Formats are identified from content by [`sniff`], never from a file name. JPEG, PNG,
//! WebP, GIF, BMP, TIFF and ICO are decoded. HEIC, AVIF and SVG are recognised and rejected
//! as unsupported. Size and pixel limits ([`Limits`]) are checked from the header before any
//! pixel buffer is allocated.
//!
//! Animated GIF, WebP and APNG inputs are reduced to their first frame, and
//! [`PreparedImage::animated_frames`] reports the source's frame count.
//!
//! A truncated JPEG, one with no end-of-image marker after its scan data, is rejected with
//! [`ImagingError::Decode`]. It is never decoded with its missing rows filled in. Corrupt
//! scan data inside a complete JPEG is not detected, and it decodes with visible damage.

mod animation;
mod decode;
mod encode;
mod error;
mod format;
mod jpeg;
mod options;
mod prepare;
mod resize;

pub use error::ImagingError;
pub use format::{OutputFormat, SourceFormat, sniff};
pub use options::{Limits, Preset};
pub use prepare::{PreparedImage, prepare, thumbnail};

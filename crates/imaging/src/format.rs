//! Source and output formats, and content sniffing from magic bytes.

use std::fmt;

/// Container format of an input file, as identified by [`sniff`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SourceFormat {
    /// JPEG (JFIF or Exif), any SOF type.
    Jpeg,
    /// PNG, including APNG.
    Png,
    /// WebP (lossy, lossless or extended), including animated WebP.
    Webp,
    /// GIF 87a or 89a.
    Gif,
    /// Windows bitmap.
    Bmp,
    /// TIFF, little- or big-endian.
    Tiff,
    /// Windows icon.
    Ico,
    /// AVIF (AV1 in a HEIF container), decoded by libheif.
    Avif,
    /// HEIC or another HEIF brand, decoded by libheif.
    Heic,
    /// SVG, rasterised from its inline content.
    Svg,
}

impl SourceFormat {
    /// Returns the `image` decoder format, or for a format `image` does not decode here, a
    /// hint for the user such as "export as JPEG or PNG". SVG has its own rasteriser, so the
    /// hint for it is only used where rasterising is not possible.
    pub(crate) fn decoder_format(self) -> Result<image::ImageFormat, &'static str> {
        match self {
            Self::Jpeg => Ok(image::ImageFormat::Jpeg),
            Self::Png => Ok(image::ImageFormat::Png),
            Self::Webp => Ok(image::ImageFormat::WebP),
            Self::Gif => Ok(image::ImageFormat::Gif),
            Self::Bmp => Ok(image::ImageFormat::Bmp),
            Self::Tiff => Ok(image::ImageFormat::Tiff),
            Self::Ico => Ok(image::ImageFormat::Ico),
            // Decoded by libheif in `heif.rs`, not by `image`.
            Self::Avif | Self::Heic => Err("export as JPEG or PNG"),
            Self::Svg => Err("export as PNG"),
        }
    }
}

impl fmt::Display for SourceFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Self::Jpeg => "JPEG",
            Self::Png => "PNG",
            Self::Webp => "WebP",
            Self::Gif => "GIF",
            Self::Bmp => "BMP",
            Self::Tiff => "TIFF",
            Self::Ico => "ICO",
            Self::Avif => "AVIF",
            Self::Heic => "HEIC",
            Self::Svg => "SVG",
        };
        f.write_str(name)
    }
}

/// Encoding of a [`PreparedImage`](crate::PreparedImage).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OutputFormat {
    /// Baseline JPEG, used for opaque images.
    Jpeg,
    /// PNG, used for images with transparency.
    Png,
    /// Lossy WebP, or an animated WebP source passed through unchanged.
    Webp,
    /// Animated GIF, produced only from an animated GIF source.
    Gif,
}

impl OutputFormat {
    /// Returns the MIME type to send as `Content-Type`.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
            Self::Gif => "image/gif",
        }
    }

    /// Returns the file extension without a dot: `"jpg"`, `"png"`, `"webp"` or `"gif"`.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Webp => "webp",
            Self::Gif => "gif",
        }
    }
}

impl fmt::Display for OutputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Self::Jpeg => "JPEG",
            Self::Png => "PNG",
            Self::Webp => "WebP",
            Self::Gif => "GIF",
        };
        f.write_str(name)
    }
}

/// How far into a text file [`sniff`] looks for an `<svg` root element.
const SVG_SCAN_BYTES: usize = 4096;

/// Identifies the format from the leading bytes of the content, never from a file name.
///
/// Returns `None` when the bytes match no known signature. A match means only that the header
/// looks right, and decoding may still fail.
pub fn sniff(bytes: &[u8]) -> Option<SourceFormat> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some(SourceFormat::Jpeg);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(SourceFormat::Png);
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return Some(SourceFormat::Gif);
    }
    if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        return Some(SourceFormat::Webp);
    }
    if is_tiff(bytes) {
        return Some(SourceFormat::Tiff);
    }
    if is_bmp(bytes) {
        return Some(SourceFormat::Bmp);
    }
    if bytes.starts_with(&[0, 0, 1, 0]) && bytes.len() >= 6 && bytes[4..6] != [0, 0] {
        return Some(SourceFormat::Ico);
    }
    if let Some(format) = sniff_heif(bytes) {
        return Some(format);
    }
    if is_svg(bytes) {
        return Some(SourceFormat::Svg);
    }
    None
}

fn is_tiff(bytes: &[u8]) -> bool {
    // Classic TIFF (42) and BigTIFF (43), in both byte orders.
    [b"II*\0", b"MM\0*", b"II+\0", b"MM\0+"]
        .iter()
        .any(|magic| bytes.starts_with(*magic))
}

fn is_bmp(bytes: &[u8]) -> bool {
    // "BM" alone is two ASCII letters, so the DIB header size must also be a known one.
    const DIB_HEADER_SIZES: [u32; 7] = [12, 40, 52, 56, 64, 108, 124];
    if bytes.len() < 18 || !bytes.starts_with(b"BM") {
        return false;
    }
    let header_size = u32::from_le_bytes([bytes[14], bytes[15], bytes[16], bytes[17]]);
    DIB_HEADER_SIZES.contains(&header_size)
}

/// Identifies AVIF and HEIC from the `ftyp` box: its major brand, then its compatible brands.
fn sniff_heif(bytes: &[u8]) -> Option<SourceFormat> {
    const AVIF_BRANDS: [&[u8; 4]; 2] = [b"avif", b"avis"];
    const HEIF_BRANDS: [&[u8; 4]; 8] = [
        b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1",
    ];
    if bytes.len() < 16 || &bytes[4..8] != b"ftyp" {
        return None;
    }
    let box_size = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize;
    let end = box_size.clamp(16, bytes.len());
    // The major brand is at 8..12, the minor version at 12..16, the compatible brands after it.
    let brands: Vec<&[u8]> = std::iter::once(&bytes[8..12])
        .chain(bytes[16..end].chunks_exact(4))
        .collect();
    if brands
        .iter()
        .any(|brand| AVIF_BRANDS.iter().any(|b| b[..] == **brand))
    {
        return Some(SourceFormat::Avif);
    }
    if brands
        .iter()
        .any(|brand| HEIF_BRANDS.iter().any(|b| b[..] == **brand))
    {
        return Some(SourceFormat::Heic);
    }
    None
}

/// Recognises SVG text: an `<svg` element near the start, after an optional BOM, XML
/// declaration, comments or doctype.
fn is_svg(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(SVG_SCAN_BYTES)];
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = head.iter().position(|b| !b.is_ascii_whitespace());
    let Some(start) = start else {
        return false;
    };
    let head = &head[start..];
    if head.starts_with(b"<svg") {
        return true;
    }
    let xml_prologue = head.starts_with(b"<?xml") || head.starts_with(b"<!");
    xml_prologue && head.windows(4).any(|window| window == b"<svg")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniff_signatures() {
        let cases: [(&[u8], Option<SourceFormat>); 12] = [
            (b"\xFF\xD8\xFF\xE0", Some(SourceFormat::Jpeg)),
            (b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", Some(SourceFormat::Png)),
            (b"GIF89a\x01\0\x01\0", Some(SourceFormat::Gif)),
            (b"RIFF\x10\0\0\0WEBPVP8 ", Some(SourceFormat::Webp)),
            (b"II*\0\x08\0\0\0", Some(SourceFormat::Tiff)),
            (
                b"BM\0\0\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0",
                Some(SourceFormat::Bmp),
            ),
            (b"BMW is a car brand, not a bitmap", None),
            (b"\0\0\x01\0\x01\0\x10\x10", Some(SourceFormat::Ico)),
            (
                b"\0\0\0\x18ftypheic\0\0\0\0mif1heic",
                Some(SourceFormat::Heic),
            ),
            (
                b"\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf",
                Some(SourceFormat::Avif),
            ),
            (
                b"<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
                Some(SourceFormat::Svg),
            ),
            (b"hello, this is text", None),
        ];
        for (bytes, expected) in cases {
            assert_eq!(sniff(bytes), expected, "bytes {bytes:?}");
        }
    }

    #[test]
    fn sniff_short_inputs() {
        assert_eq!(sniff(b""), None);
        assert_eq!(sniff(b"\xFF\xD8"), None);
        assert_eq!(sniff(b"RIFF"), None);
        assert_eq!(sniff(b"\0\0\0\x18ftyp"), None);
    }

    #[test]
    fn output_format_names() {
        assert_eq!(OutputFormat::Jpeg.content_type(), "image/jpeg");
        assert_eq!(OutputFormat::Jpeg.extension(), "jpg");
        assert_eq!(OutputFormat::Png.content_type(), "image/png");
        assert_eq!(OutputFormat::Png.extension(), "png");
        assert_eq!(OutputFormat::Webp.content_type(), "image/webp");
        assert_eq!(OutputFormat::Webp.extension(), "webp");
        assert_eq!(OutputFormat::Gif.content_type(), "image/gif");
        assert_eq!(OutputFormat::Gif.extension(), "gif");
    }
}

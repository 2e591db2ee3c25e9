//! Safe wrapper over the TurboJPEG 2 API of the system libjpeg-turbo (Debian 12: 2.1.5),
//! used for scaled JPEG decoding and for JPEG encoding.
//!
//! This module contains the crate's only unsafe code. Each call passes buffers whose sizes were
//! computed here from the same dimensions that are passed to the library, and every handle
//! is destroyed exactly once by [`Handle`]'s `Drop`.

#![allow(unsafe_code)]

use std::ffi::{CStr, c_int, c_uchar, c_ulong};

use turbojpeg_sys as tj;

/// Decompression flags: a libjpeg warning (such as "premature end of data segment" or
/// "corrupt JPEG data: bad Huffman code") stops decoding and fails the call, and a
/// progressive JPEG with more than 500 scans is rejected, because each scan costs a pass
/// over the whole image.
const DECOMPRESS_FLAGS: u32 = tj::TJFLAG_STOPONWARNING | tj::TJFLAG_LIMITSCANS;

/// Pixel layout of a decoded or encoded buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Layout {
    /// Three bytes per pixel: red, green, blue.
    Rgb,
    /// One byte per pixel.
    Gray,
}

impl Layout {
    fn channels(self) -> usize {
        match self {
            Self::Rgb => 3,
            Self::Gray => 1,
        }
    }

    fn pixel_format(self) -> c_int {
        let format = match self {
            Self::Rgb => tj::TJPF_TJPF_RGB,
            Self::Gray => tj::TJPF_TJPF_GRAY,
        };
        // TJPF values are small enum constants.
        format as c_int
    }
}

/// A failed TurboJPEG call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TurboError {
    /// libjpeg-turbo's message, such as "Corrupt JPEG data: premature end of data segment".
    pub message: String,
    /// True when decoding stopped at a libjpeg warning (recoverable damage), false for a
    /// fatal error.
    pub warning: bool,
}

impl TurboError {
    fn fatal(message: String) -> Self {
        Self {
            message,
            warning: false,
        }
    }
}

/// Width, height and colour space read from a JPEG header by libjpeg-turbo.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Header {
    /// Stored width in pixels.
    pub width: u32,
    /// Stored height in pixels.
    pub height: u32,
    /// True for a single-component (greyscale) JPEG.
    pub gray: bool,
}

/// A TurboJPEG instance, destroyed on drop.
struct Handle(tj::tjhandle);

impl Handle {
    fn decompressor() -> Result<Self, TurboError> {
        // SAFETY: tjInitDecompress takes no arguments and returns a new handle or null.
        let handle = unsafe { tj::tjInitDecompress() };
        Self::checked(handle)
    }

    fn compressor() -> Result<Self, TurboError> {
        // SAFETY: tjInitCompress takes no arguments and returns a new handle or null.
        let handle = unsafe { tj::tjInitCompress() };
        Self::checked(handle)
    }

    fn checked(handle: tj::tjhandle) -> Result<Self, TurboError> {
        if handle.is_null() {
            Err(TurboError::fatal(
                "libjpeg-turbo could not create a codec instance".to_owned(),
            ))
        } else {
            Ok(Self(handle))
        }
    }

    /// Returns the message and kind of the last failed call on this handle.
    fn last_error(&self) -> TurboError {
        // SAFETY: the handle is live, and tjGetErrorStr2 returns a pointer to a NUL-terminated
        // string owned by the handle (or a thread-local one), which is copied before the
        // handle can be used again. tjGetErrorCode only reads the handle.
        let (message, code) = unsafe {
            let message = CStr::from_ptr(tj::tjGetErrorStr2(self.0));
            (
                message.to_string_lossy().trim().to_owned(),
                tj::tjGetErrorCode(self.0),
            )
        };
        TurboError {
            message,
            warning: u32::try_from(code) == Ok(tj::TJERR_TJERR_WARNING),
        }
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        // SAFETY: the handle came from tjInit* and is destroyed only here.
        unsafe {
            tj::tjDestroy(self.0);
        }
    }
}

/// Reads the header of `jpeg`.
///
/// # Errors
///
/// libjpeg-turbo's message for data that is not a JPEG, a header it cannot parse, or a
/// chroma subsampling that TurboJPEG 2.1 does not name (such as 3x1).
pub(crate) fn read_header(jpeg: &[u8]) -> Result<Header, TurboError> {
    let handle = Handle::decompressor()?;
    let length = c_ulong::try_from(jpeg.len())
        .map_err(|_| TurboError::fatal("the file is too large".to_owned()))?;
    let (mut width, mut height, mut subsampling, mut colorspace) = (0, 0, 0, 0);
    // SAFETY: `jpeg` is valid for `length` bytes and only read, and the four outputs are live
    // c_ints on the stack.
    let status = unsafe {
        tj::tjDecompressHeader3(
            handle.0,
            jpeg.as_ptr(),
            length,
            &mut width,
            &mut height,
            &mut subsampling,
            &mut colorspace,
        )
    };
    if status != 0 {
        return Err(handle.last_error());
    }
    let side = |value: c_int| {
        u32::try_from(value).map_err(|_| TurboError::fatal(format!("invalid side {value}")))
    };
    Ok(Header {
        width: side(width)?,
        height: side(height)?,
        gray: u32::try_from(colorspace) == Ok(tj::TJCS_TJCS_GRAY),
    })
}

/// Returns the size of a `width`x`height` image decoded at `eighths`/8 scale, rounded up
/// per side as libjpeg does.
pub(crate) fn scaled_size(width: u32, height: u32, eighths: u32) -> (u32, u32) {
    let scale = |side: u32| (u64::from(side) * u64::from(eighths)).div_ceil(8);
    let width = u32::try_from(scale(width)).unwrap_or(u32::MAX);
    let height = u32::try_from(scale(height)).unwrap_or(u32::MAX);
    (width, height)
}

/// Decodes `jpeg`, whose header is `header`, at `eighths`/8 of its size (1 to 8) into
/// `layout` pixels, and returns them with their width and height.
///
/// libjpeg-turbo's scaled IDCT makes the smaller image directly, so a reduced decode costs
/// a fraction of a full one. The pixel buffer is allocated only here, after the caller
/// checked `header` against its limits.
///
/// # Errors
///
/// libjpeg-turbo's message for corrupt data and for a progressive JPEG with more than 500
/// scans. Decoding stops at the first libjpeg warning, which returns an error whose
/// `warning` is true.
pub(crate) fn decompress(
    jpeg: &[u8],
    header: Header,
    eighths: u32,
    layout: Layout,
) -> Result<(Vec<u8>, u32, u32), TurboError> {
    let handle = Handle::decompressor()?;
    let (width, height) = scaled_size(header.width, header.height, eighths.clamp(1, 8));
    let too_large = || TurboError::fatal(format!("the {width}x{height} output is too large"));
    let pitch = usize::try_from(width)
        .ok()
        .and_then(|width| width.checked_mul(layout.channels()))
        .ok_or_else(too_large)?;
    let rows = usize::try_from(height).map_err(|_| too_large())?;
    let length = pitch.checked_mul(rows).ok_or_else(too_large)?;
    let c_width = c_int::try_from(width).map_err(|_| too_large())?;
    let c_height = c_int::try_from(height).map_err(|_| too_large())?;
    let c_pitch = c_int::try_from(pitch).map_err(|_| too_large())?;
    let jpeg_length = c_ulong::try_from(jpeg.len())
        .map_err(|_| TurboError::fatal("the file is too large".to_owned()))?;
    let mut pixels = vec![0_u8; length];
    // SAFETY: `jpeg` is valid for `jpeg_length` bytes and only read. `pixels` has
    // `c_pitch * c_height` bytes. TurboJPEG picks the largest scaling factor whose output fits
    // in `c_width`x`c_height` and writes at most `c_height` rows of `c_pitch` bytes, so it
    // stays inside the buffer even if its own header reading differs from `header`.
    let status = unsafe {
        tj::tjDecompress2(
            handle.0,
            jpeg.as_ptr(),
            jpeg_length,
            pixels.as_mut_ptr(),
            c_width,
            c_pitch,
            c_height,
            layout.pixel_format(),
            DECOMPRESS_FLAGS as c_int,
        )
    };
    if status != 0 {
        return Err(handle.last_error());
    }
    Ok((pixels, width, height))
}

/// Encodes `pixels` (`width`x`height`, tightly packed `layout` samples) as a baseline JPEG at
/// `quality` (1 to 100) with a JFIF segment and no other metadata.
///
/// Colour is subsampled 4:2:0 below quality 90 and kept at 4:4:4 from 90 up, the rule
/// libvips 8.14 applies by default.
///
/// # Errors
///
/// libjpeg-turbo's message, or a size message when `pixels` is shorter than the image.
pub(crate) fn compress(
    pixels: &[u8],
    width: u32,
    height: u32,
    layout: Layout,
    quality: u8,
) -> Result<Vec<u8>, TurboError> {
    let too_large = || {
        TurboError::fatal(format!(
            "the {width}x{height} image is too large for libjpeg-turbo"
        ))
    };
    let pitch = usize::try_from(width)
        .ok()
        .and_then(|width| width.checked_mul(layout.channels()))
        .ok_or_else(too_large)?;
    let needed = usize::try_from(height)
        .ok()
        .and_then(|rows| rows.checked_mul(pitch))
        .ok_or_else(too_large)?;
    if pixels.len() < needed {
        return Err(TurboError::fatal(format!(
            "{} bytes of pixels for a {width}x{height} image that needs {needed}",
            pixels.len()
        )));
    }
    let c_width = c_int::try_from(width).map_err(|_| too_large())?;
    let c_height = c_int::try_from(height).map_err(|_| too_large())?;
    let c_pitch = c_int::try_from(pitch).map_err(|_| too_large())?;
    let subsampling = match layout {
        Layout::Gray => tj::TJSAMP_TJSAMP_GRAY,
        Layout::Rgb if quality >= 90 => tj::TJSAMP_TJSAMP_444,
        Layout::Rgb => tj::TJSAMP_TJSAMP_420,
    };
    let handle = Handle::compressor()?;
    let mut output: *mut c_uchar = std::ptr::null_mut();
    let mut output_length: c_ulong = 0;
    // SAFETY: `pixels` has at least `c_pitch * c_height` bytes (checked above) and is only
    // read. With a null output pointer and no TJFLAG_NOREALLOC, TurboJPEG allocates the
    // output with tjAlloc and stores its pointer and length in the two locals.
    let status = unsafe {
        tj::tjCompress2(
            handle.0,
            pixels.as_ptr(),
            c_width,
            c_pitch,
            c_height,
            layout.pixel_format(),
            &mut output,
            &mut output_length,
            subsampling as c_int,
            c_int::from(quality.clamp(1, 100)),
            0,
        )
    };
    let result = if status == 0 && !output.is_null() {
        let length = usize::try_from(output_length).unwrap_or(0);
        // SAFETY: on success `output` points to `output_length` bytes written by TurboJPEG.
        Ok(unsafe { std::slice::from_raw_parts(output, length) }.to_vec())
    } else {
        Err(handle.last_error())
    };
    if !output.is_null() {
        // SAFETY: `output` was allocated by TurboJPEG and is freed once, after the copy.
        unsafe { tj::tjFree(output) };
    }
    result
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn scaled_size_rounds_up() {
        assert_eq!(scaled_size(6000, 4000, 8), (6000, 4000));
        assert_eq!(scaled_size(6000, 4000, 4), (3000, 2000));
        assert_eq!(scaled_size(6000, 4000, 3), (2250, 1500));
        assert_eq!(scaled_size(4031, 3023, 1), (504, 378));
        assert_eq!(scaled_size(1, 1, 1), (1, 1));
    }

    #[test]
    fn round_trip_at_half_scale() {
        let (width, height) = (64, 48);
        let pixels: Vec<u8> = (0..width * height * 3).map(|i| (i % 251) as u8).collect();
        let jpeg = compress(&pixels, width, height, Layout::Rgb, 85).unwrap();
        let header = read_header(&jpeg).unwrap();
        assert_eq!((header.width, header.height), (width, height));
        assert!(!header.gray);
        let (decoded, decoded_width, decoded_height) =
            decompress(&jpeg, header, 4, Layout::Rgb).unwrap();
        assert_eq!((decoded_width, decoded_height), (32, 24));
        assert_eq!(decoded.len(), 32 * 24 * 3);
    }

    #[test]
    fn short_pixel_buffer_rejected() {
        let result = compress(&[0; 10], 4, 4, Layout::Rgb, 85);
        assert!(result.is_err(), "{result:?}");
    }

    #[test]
    fn not_jpeg_header_rejected() {
        assert!(read_header(b"not a jpeg at all").is_err());
    }
}

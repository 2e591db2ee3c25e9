//! Metadata removal from animated WebP and APNG files that are uploaded unchanged.
//!
//! Only whole chunks are dropped and every other byte is copied, so the frames, their timing
//! and the colour chunks (ICC profile, gamma, chromaticities) stay exactly as they were.

use crate::format::SourceFormat;

const PNG_SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";

/// PNG chunks dropped: text (XMP is stored in `iTXt`), EXIF and the modification time.
const PNG_METADATA_CHUNKS: [&[u8; 4]; 5] = [b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME"];

/// WebP chunks dropped. The matching flags in the VP8X header are cleared.
const WEBP_METADATA_CHUNKS: [&[u8; 4]; 2] = [b"EXIF", b"XMP "];

/// VP8X flag bits of the EXIF and XMP chunks (WebP container specification, "Extended
/// File Format").
const VP8X_EXIF_AND_XMP_FLAGS: u8 = 0x08 | 0x04;

/// Returns `bytes` without their EXIF, XMP and text chunks, for a PNG or WebP container.
///
/// # Errors
///
/// A reason when a chunk length runs past the end of the data or the signature is missing.
/// Other formats are returned unchanged.
pub(crate) fn strip_metadata(bytes: &[u8], format: SourceFormat) -> Result<Vec<u8>, String> {
    match format {
        SourceFormat::Png => strip_png(bytes),
        SourceFormat::Webp => strip_webp(bytes),
        _ => Ok(bytes.to_vec()),
    }
}

fn strip_png(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let body = bytes
        .strip_prefix(PNG_SIGNATURE)
        .ok_or("the PNG signature is missing")?;
    let mut output = PNG_SIGNATURE.to_vec();
    let mut position = 0;
    while position < body.len() {
        let length_bytes = body
            .get(position..position + 4)
            .ok_or("a PNG chunk header is cut off")?;
        let length = u32::from_be_bytes([
            length_bytes[0],
            length_bytes[1],
            length_bytes[2],
            length_bytes[3],
        ]);
        // Length, type, data and CRC.
        let end = usize::try_from(length)
            .ok()
            .and_then(|length| position.checked_add(12)?.checked_add(length))
            .filter(|&end| end <= body.len())
            .ok_or_else(|| {
                format!("a PNG chunk of {length} bytes runs past the end of the file")
            })?;
        let chunk_type = &body[position + 4..position + 8];
        if !PNG_METADATA_CHUNKS
            .iter()
            .any(|name| &name[..] == chunk_type)
        {
            output.extend_from_slice(&body[position..end]);
        }
        position = end;
        if chunk_type == b"IEND" {
            break;
        }
    }
    Ok(output)
}

fn strip_webp(bytes: &[u8]) -> Result<Vec<u8>, String> {
    if bytes.len() < 12 || &bytes[0..4] != b"RIFF" || &bytes[8..12] != b"WEBP" {
        return Err("the RIFF WEBP header is missing".to_owned());
    }
    let declared = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]);
    // The RIFF size counts from byte 8. Bytes after it are not part of the file.
    let riff_end = usize::try_from(declared)
        .ok()
        .and_then(|size| size.checked_add(8))
        .map_or(bytes.len(), |end| end.min(bytes.len()));

    let mut chunks = Vec::with_capacity(riff_end);
    let mut position = 12;
    while position + 8 <= riff_end {
        let fourcc = &bytes[position..position + 4];
        let size = u32::from_le_bytes([
            bytes[position + 4],
            bytes[position + 5],
            bytes[position + 6],
            bytes[position + 7],
        ]);
        // Chunk payloads are padded to an even length.
        let padded = usize::try_from(size)
            .ok()
            .and_then(|size| size.checked_add(size & 1));
        let end = padded
            .and_then(|padded| position.checked_add(8)?.checked_add(padded))
            .filter(|&end| end <= riff_end)
            .ok_or_else(|| format!("a WebP chunk of {size} bytes runs past the end of the file"))?;

        if !WEBP_METADATA_CHUNKS.iter().any(|name| &name[..] == fourcc) {
            let start = chunks.len();
            chunks.extend_from_slice(&bytes[position..end]);
            if fourcc == b"VP8X" && size > 0 {
                chunks[start + 8] &= !VP8X_EXIF_AND_XMP_FLAGS;
            }
        }
        position = end;
    }

    let riff_size = u32::try_from(chunks.len() + 4)
        .map_err(|_| "the WebP file is larger than RIFF allows".to_owned())?;
    let mut output = Vec::with_capacity(chunks.len() + 12);
    output.extend_from_slice(b"RIFF");
    output.extend_from_slice(&riff_size.to_le_bytes());
    output.extend_from_slice(b"WEBP");
    output.extend_from_slice(&chunks);
    Ok(output)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png_chunk(name: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut chunk = u32::try_from(data.len())
            .unwrap_or(0)
            .to_be_bytes()
            .to_vec();
        chunk.extend_from_slice(name);
        chunk.extend_from_slice(data);
        // The CRC is copied, never checked, so any value works here.
        chunk.extend_from_slice(&[1, 2, 3, 4]);
        chunk
    }

    fn webp_chunk(name: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut chunk = name.to_vec();
        chunk.extend_from_slice(&u32::try_from(data.len()).unwrap_or(0).to_le_bytes());
        chunk.extend_from_slice(data);
        if data.len() % 2 == 1 {
            chunk.push(0);
        }
        chunk
    }

    fn riff(chunks: &[Vec<u8>]) -> Vec<u8> {
        let body: Vec<u8> = chunks.concat();
        let mut bytes = b"RIFF".to_vec();
        bytes.extend_from_slice(&u32::try_from(body.len() + 4).unwrap_or(0).to_le_bytes());
        bytes.extend_from_slice(b"WEBP");
        bytes.extend_from_slice(&body);
        bytes
    }

    #[test]
    fn png_text_and_exif_dropped() {
        let kept = [
            png_chunk(b"IHDR", &[0; 13]),
            png_chunk(b"acTL", &[0, 0, 0, 2, 0, 0, 0, 0]),
            png_chunk(b"iCCP", b"profile"),
            png_chunk(b"IDAT", b"pixels"),
            png_chunk(b"IEND", &[]),
        ];
        let mut input = PNG_SIGNATURE.to_vec();
        input.extend_from_slice(&kept[0]);
        input.extend_from_slice(&png_chunk(b"eXIf", b"MM\0*gps"));
        input.extend_from_slice(&kept[1]);
        input.extend_from_slice(&png_chunk(b"iTXt", b"XML:com.adobe.xmp"));
        input.extend_from_slice(&kept[2]);
        input.extend_from_slice(&png_chunk(b"tEXt", b"Author\0someone"));
        input.extend_from_slice(&kept[3]);
        input.extend_from_slice(&kept[4]);
        let mut expected = PNG_SIGNATURE.to_vec();
        expected.extend_from_slice(&kept.concat());
        assert_eq!(strip_png(&input), Ok(expected));
    }

    #[test]
    fn png_cut_chunk_rejected() {
        let mut input = PNG_SIGNATURE.to_vec();
        input.extend_from_slice(&png_chunk(b"IHDR", &[0; 13]));
        input.truncate(input.len() - 6);
        assert!(strip_png(&input).is_err());
    }

    #[test]
    fn webp_exif_xmp_dropped() {
        let vp8x = webp_chunk(b"VP8X", &[0x2E, 0, 0, 0, 9, 0, 0, 9, 0, 0]);
        let anim = webp_chunk(b"ANIM", &[0; 6]);
        let frame = webp_chunk(b"ANMF", b"odd");
        let input = riff(&[
            vp8x,
            webp_chunk(b"ICCP", b"profile"),
            anim.clone(),
            frame.clone(),
            webp_chunk(b"EXIF", b"MM\0*gps"),
            webp_chunk(b"XMP ", b"<x:xmpmeta/>"),
        ]);
        let output = strip_webp(&input).unwrap_or_default();
        // The ICC (0x20) and animation (0x02) flags stay set.
        let expected_vp8x = webp_chunk(b"VP8X", &[0x22, 0, 0, 0, 9, 0, 0, 9, 0, 0]);
        let expected = riff(&[expected_vp8x, webp_chunk(b"ICCP", b"profile"), anim, frame]);
        assert_eq!(output, expected);
    }

    #[test]
    fn webp_cut_chunk_rejected() {
        let mut input = riff(&[webp_chunk(b"VP8X", &[0; 10]), webp_chunk(b"ANMF", &[0; 40])]);
        input.truncate(input.len() - 10);
        assert!(strip_webp(&input).is_err());
    }
}

//! PNG: a signature, then chunks (length, type, data, CRC) from IHDR to IEND. Dropped:
//! the chunks that carry words or dates rather than pixels (eXIf, tEXt, zTXt, iTXt,
//! tIME) and anything after IEND; every other chunk is kept byte for byte.

use super::StripError;

const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
const METADATA: [&[u8; 4]; 5] = [b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME"];

/// One chunk's type and its whole bytes (length through CRC).
type Chunk<'a> = (&'a [u8], &'a [u8]);

/// The chunks from IHDR through IEND; bytes after IEND are not part of the image.
fn chunks(input: &[u8]) -> Result<Vec<Chunk<'_>>, StripError> {
    if !input.starts_with(SIGNATURE) {
        return Err(StripError::Malformed("no PNG signature"));
    }
    let mut list = Vec::new();
    let mut pos = SIGNATURE.len();
    loop {
        let head = input.get(pos..pos + 8).ok_or(StripError::Truncated)?;
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let kind = &head[4..8];
        if !kind.iter().all(u8::is_ascii_alphabetic) {
            return Err(StripError::Malformed("a chunk type that is not letters"));
        }
        if list.is_empty() && kind != b"IHDR" {
            return Err(StripError::Malformed("the first chunk is not IHDR"));
        }
        let end = pos
            .checked_add(12)
            .and_then(|p| p.checked_add(len))
            .ok_or(StripError::Truncated)?;
        let bytes = input.get(pos..end).ok_or(StripError::Truncated)?;
        list.push((kind, bytes));
        pos = end;
        if kind == b"IEND" {
            return Ok(list);
        }
    }
}

fn is_metadata(kind: &[u8]) -> bool {
    METADATA.iter().any(|m| m.as_slice() == kind)
}

/// The PNG without its text, Exif and time chunks.
pub fn strip(input: &[u8]) -> Result<Vec<u8>, StripError> {
    let kept: Vec<Chunk<'_>> = chunks(input)?
        .into_iter()
        .filter(|(kind, _)| !is_metadata(kind))
        .collect();
    if !kept.iter().any(|(kind, _)| *kind == b"IDAT") {
        return Err(StripError::Malformed("no image data"));
    }
    let mut out = SIGNATURE.to_vec();
    for (_, bytes) in &kept {
        out.extend_from_slice(bytes);
    }
    let again = chunks(&out)?;
    if again.iter().any(|(kind, _)| is_metadata(kind)) || again.len() != kept.len() {
        return Err(StripError::Malformed("metadata survived cleaning"));
    }
    Ok(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A chunk with a zero CRC: the cleaner keeps CRCs as they are and never checks them.
    fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut c = (data.len() as u32).to_be_bytes().to_vec();
        c.extend_from_slice(kind);
        c.extend_from_slice(data);
        c.extend([0xAB, 0xCD, 0xEF, 0x01]);
        c
    }

    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    fn ihdr() -> Vec<u8> {
        chunk(b"IHDR", &[0, 0, 0, 4, 0, 0, 0, 4, 8, 2, 0, 0, 0])
    }
    fn iccp() -> Vec<u8> {
        chunk(b"iCCP", b"sRGB\0\0colours")
    }
    fn idat() -> Vec<u8> {
        chunk(b"IDAT", &[0x78, 0x9C, 1, 2, 3, 4])
    }

    /// A PNG with every kind of metadata chunk, and bytes after IEND.
    pub(crate) fn sample() -> Vec<u8> {
        let mut png = SIGNATURE.to_vec();
        png.extend(ihdr());
        png.extend(iccp());
        png.extend(chunk(b"eXIf", b"MM\0*GPSLatitude"));
        png.extend(chunk(b"tEXt", b"Comment\0at home"));
        png.extend(chunk(b"zTXt", b"Raw profile\0\0xx"));
        png.extend(chunk(b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta/>"));
        png.extend(chunk(b"tIME", &[7, 234, 3, 1, 12, 0, 0]));
        png.extend(idat());
        png.extend(chunk(b"IEND", &[]));
        png.extend(b"after the end: GPS");
        png
    }

    #[test]
    fn text_exif_and_time_go_and_pixels_stay() {
        let (ihdr, iccp, idat) = (ihdr(), iccp(), idat());
        let png = sample();
        let out = strip(&png).unwrap();
        let mut expected = SIGNATURE.to_vec();
        for c in [&ihdr, &iccp, &idat, &chunk(b"IEND", &[])] {
            expected.extend(c);
        }
        assert_eq!(out, expected);
        assert!(!contains(&out, b"GPS"));
        assert_eq!(strip(&out).unwrap(), out);
    }

    #[test]
    fn damaged_files_are_refused() {
        let mut png = SIGNATURE.to_vec();
        png.extend(chunk(b"IHDR", &[0; 13]));
        png.extend(chunk(b"IDAT", &[1, 2]));
        assert_eq!(strip(&png), Err(StripError::Truncated), "no IEND");
        let mut huge = SIGNATURE.to_vec();
        huge.extend(u32::MAX.to_be_bytes());
        huge.extend(b"IHDR");
        assert_eq!(strip(&huge), Err(StripError::Truncated));
        let mut first = SIGNATURE.to_vec();
        first.extend(chunk(b"tEXt", b"a\0b"));
        assert!(strip(&first).is_err());
        let mut no_pixels = SIGNATURE.to_vec();
        no_pixels.extend(chunk(b"IHDR", &[0; 13]));
        no_pixels.extend(chunk(b"IEND", &[]));
        assert!(strip(&no_pixels).is_err());
    }
}

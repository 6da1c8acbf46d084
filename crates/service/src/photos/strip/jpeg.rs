//! JPEG: the file is a run of marker segments; the picture lives in the tables (DQT, DHT,
//! SOF…) and the entropy-coded scans after each SOS. Kept: those, APP0 (JFIF) and an
//! APP2 ICC profile (colours stay true). Dropped: APP1 (Exif with GPS, XMP), every other
//! APPn, comments, and anything after the end-of-image marker (where phones append
//! thumbnails and "motion" clips that carry their own Exif).

use super::StripError;

const SOI: u8 = 0xD8;
const EOI: u8 = 0xD9;
const SOS: u8 = 0xDA;
const APP0: u8 = 0xE0;
const APP1: u8 = 0xE1;
const APP2: u8 = 0xE2;
const APP15: u8 = 0xEF;
const COM: u8 = 0xFE;

/// One marker segment as found: its marker and its bytes from the `FF` through the scan
/// data that follows an SOS.
struct Segment<'a> {
    marker: u8,
    bytes: &'a [u8],
}

/// Whether a marker stands alone, with no length after it.
fn standalone(marker: u8) -> bool {
    matches!(marker, 0x01 | 0xD0..=0xD7)
}

/// Reads the segments from SOI to EOI; bytes after EOI are not part of the image.
fn segments(input: &[u8]) -> Result<Vec<Segment<'_>>, StripError> {
    if !input.starts_with(&[0xFF, SOI]) {
        return Err(StripError::Malformed("no start-of-image marker"));
    }
    let mut list = vec![Segment {
        marker: SOI,
        bytes: &input[..2],
    }];
    let mut pos = 2;
    loop {
        if *input.get(pos).ok_or(StripError::Truncated)? != 0xFF {
            return Err(StripError::Malformed("bytes between segments"));
        }
        // Any number of 0xFF fill bytes may precede a marker; they are not kept.
        while input.get(pos + 1) == Some(&0xFF) {
            pos += 1;
        }
        let start = pos;
        let marker = *input.get(pos + 1).ok_or(StripError::Truncated)?;
        pos += 2;
        match marker {
            EOI => {
                list.push(Segment {
                    marker,
                    bytes: &input[start..pos],
                });
                return Ok(list);
            }
            SOI | 0x00 => return Err(StripError::Malformed("unexpected marker")),
            m if standalone(m) => {}
            _ => {
                let len = input
                    .get(pos..pos + 2)
                    .map(|b| u16::from_be_bytes([b[0], b[1]]) as usize)
                    .ok_or(StripError::Truncated)?;
                if len < 2 {
                    return Err(StripError::Malformed("segment length under 2"));
                }
                pos += len;
                if pos > input.len() {
                    return Err(StripError::Truncated);
                }
                if marker == SOS {
                    pos = scan_end(input, pos)?;
                }
            }
        }
        list.push(Segment {
            marker,
            bytes: &input[start..pos],
        });
    }
}

/// Where the entropy-coded data that starts at `pos` ends: at the first marker that is
/// neither a stuffed zero (`FF 00`) nor a restart (`FF D0`..`FF D7`).
fn scan_end(input: &[u8], mut pos: usize) -> Result<usize, StripError> {
    loop {
        let at = input[pos..]
            .iter()
            .position(|&b| b == 0xFF)
            .ok_or(StripError::Truncated)?;
        pos += at;
        match input.get(pos + 1) {
            None => return Err(StripError::Truncated),
            Some(0x00 | 0xD0..=0xD7) => pos += 2,
            Some(0xFF) => pos += 1,
            Some(_) => return Ok(pos),
        }
    }
}

/// Whether a segment carries metadata rather than the picture or its colours.
fn is_metadata(segment: &Segment<'_>) -> bool {
    match segment.marker {
        APP0 => false,
        APP1 | COM => true,
        APP2 => !segment.bytes[4..].starts_with(b"ICC_PROFILE\0"),
        m => m > APP2 && m <= APP15,
    }
}

/// The JPEG without its metadata segments; everything else byte for byte.
pub fn strip(input: &[u8]) -> Result<Vec<u8>, StripError> {
    let kept: Vec<Segment<'_>> = segments(input)?
        .into_iter()
        .filter(|s| !is_metadata(s))
        .collect();
    if !kept.iter().any(|s| s.marker == SOS) {
        return Err(StripError::Malformed("no image data"));
    }
    let out: Vec<u8> = kept.iter().flat_map(|s| s.bytes.iter().copied()).collect();
    // Re-read what is handed back: it must parse, and hold no metadata.
    let again = segments(&out)?;
    if again.iter().any(is_metadata) || again.len() != kept.len() {
        return Err(StripError::Malformed("metadata survived cleaning"));
    }
    Ok(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
        let mut s = vec![0xFF, marker];
        s.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        s.extend_from_slice(payload);
        s
    }

    /// The picture's own segments: tables, frame header, one scan with stuffed bytes and
    /// a restart marker, in the order a baseline encoder writes them.
    pub(crate) fn picture() -> Vec<u8> {
        let mut p = segment(0xDB, &[0; 65]);
        p.extend(segment(0xC0, &[8, 0, 8, 0, 8, 1, 1, 0x11, 0]));
        p.extend(segment(0xC4, &[0; 20]));
        p.extend(segment(SOS, &[1, 1, 0, 0, 63, 0]));
        p.extend([0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56, 0x78]);
        p
    }

    /// A TIFF/Exif block whose GPS directory holds a latitude, as phones write it.
    pub(crate) fn exif_with_gps() -> Vec<u8> {
        let mut e = b"Exif\0\0MM\0\x2a\0\0\0\x08".to_vec();
        e.extend([0, 1, 0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 26, 0, 0, 0, 0]);
        e.extend(b"GPSLatitude 51.5007N 0.1246W");
        e
    }

    /// A JPEG as a phone sends it: JFIF, Exif with GPS, XMP, an ICC profile, a maker
    /// segment, a comment, the picture, EOI, and a trailer after it.
    pub(crate) fn phone_jpeg() -> Vec<u8> {
        let mut j = vec![0xFF, SOI];
        j.extend(segment(APP0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"));
        j.extend(segment(APP1, &exif_with_gps()));
        j.extend(segment(
            APP1,
            b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>exif:GPSLatitude</x:xmpmeta>",
        ));
        j.extend(segment(APP2, b"ICC_PROFILE\0\x01\x01colours"));
        j.extend(segment(APP2, b"MPF\0more pictures"));
        j.extend(segment(0xED, b"Photoshop 3.0\0IPTC city"));
        j.extend(segment(COM, b"taken at home"));
        j.extend(picture());
        j.extend([0xFF, EOI]);
        j.extend(b"trailer with GPSLatitude");
        j
    }

    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn metadata_goes_and_the_picture_stays_byte_for_byte() {
        let out = strip(&phone_jpeg()).unwrap();
        assert!(!contains(&out, b"GPS"), "GPS survived");
        assert!(!contains(&out, b"Exif"));
        assert!(!contains(&out, b"xmpmeta"));
        assert!(!contains(&out, b"taken at home"));
        assert!(!contains(&out, b"IPTC"));
        assert!(!contains(&out, b"MPF"));
        assert!(!contains(&out, b"trailer"));
        assert!(contains(&out, b"ICC_PROFILE\0\x01\x01colours"));
        assert!(contains(&out, b"JFIF"));
        assert!(contains(&out, &picture()), "the picture changed");
        assert!(out.starts_with(&[0xFF, SOI]) && out.ends_with(&[0xFF, EOI]));
        let markers: Vec<u8> = segments(&out).unwrap().iter().map(|s| s.marker).collect();
        assert_eq!(markers, [SOI, APP0, APP2, 0xDB, 0xC0, 0xC4, SOS, EOI]);
        assert_eq!(strip(&out).unwrap(), out, "cleaning twice changes nothing");
    }

    #[test]
    fn damaged_files_are_refused_not_passed_through() {
        let whole = phone_jpeg();
        let eoi = whole.len() - b"trailer with GPSLatitude".len();
        for cut in [3, 10, 30, eoi - 3, eoi - 1] {
            assert!(strip(&whole[..cut]).is_err(), "cut at {cut}");
        }
        let mut bad_len = vec![0xFF, SOI, 0xFF, APP1, 0, 1];
        bad_len.extend(picture());
        assert_eq!(
            strip(&bad_len),
            Err(StripError::Malformed("segment length under 2"))
        );
        let no_scan = [0xFF, SOI, 0xFF, EOI];
        assert!(strip(&no_scan).is_err());
        let mut junk = vec![0xFF, SOI, 0x00];
        junk.extend(picture());
        assert!(strip(&junk).is_err());
    }

    #[test]
    fn fill_bytes_and_progressive_scans_are_followed() {
        let mut j = vec![0xFF, SOI, 0xFF, 0xFF];
        j.extend(&picture()[1..]);
        // A second scan with its own table, as progressive files have, then metadata.
        j.extend(segment(0xC4, &[1; 8]));
        j.extend(segment(SOS, &[1, 1, 0, 0, 63, 0]));
        j.extend([0x9A, 0xBC]);
        let late = segment(APP1, b"Exif\0\0late GPS");
        j.extend(&late);
        j.extend([0xFF, EOI]);
        let out = strip(&j).unwrap();
        assert!(!contains(&out, b"late GPS"));
        assert!(contains(&out, &[0x9A, 0xBC, 0xFF, EOI]));
        assert_eq!(
            out.len(),
            j.len() - late.len() - 1,
            "the fill byte goes too"
        );
    }
}

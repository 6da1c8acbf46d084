//! What a photo is, judged by its first bytes: browsers label uploads loosely (or not at
//! all), so the bytes decide which formats are let in.

/// The image formats a clinic's cameras and phones produce and the record keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageFormat {
    Jpeg,
    Png,
    /// HEIF images (an iPhone's `.heic`): ISO base media files with an image brand.
    Heif,
}

/// The `ftyp` brands of still HEIF images (ISO/IEC 23008-12), HEVC-coded or generic.
const HEIF_BRANDS: [&[u8; 4]; 8] = [
    b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1",
];

impl ImageFormat {
    /// The format `bytes` start as, if it is one the record keeps.
    pub fn sniff(bytes: &[u8]) -> Option<ImageFormat> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            return Some(ImageFormat::Jpeg);
        }
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            return Some(ImageFormat::Png);
        }
        // An ISO-BMFF file opens with its `ftyp` box: size, "ftyp", the major brand, a
        // minor version, then compatible brands.
        if bytes.len() >= 16 && &bytes[4..8] == b"ftyp" {
            let size = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize;
            let end = size.clamp(16, bytes.len());
            let major = &bytes[8..12];
            let compatible = bytes[16..end].chunks_exact(4);
            if std::iter::once(major)
                .chain(compatible)
                .any(|brand| HEIF_BRANDS.iter().any(|b| b.as_slice() == brand))
            {
                return Some(ImageFormat::Heif);
            }
        }
        None
    }

    /// The media type the photo is served with.
    pub fn content_type(self) -> &'static str {
        match self {
            ImageFormat::Jpeg => "image/jpeg",
            ImageFormat::Png => "image/png",
            ImageFormat::Heif => "image/heic",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_by_their_bytes() {
        assert_eq!(
            ImageFormat::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 16]),
            Some(ImageFormat::Jpeg)
        );
        assert_eq!(
            ImageFormat::sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Some(ImageFormat::Png)
        );
        let mut heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec();
        assert_eq!(ImageFormat::sniff(&heic), Some(ImageFormat::Heif));
        heic[8..12].copy_from_slice(b"isom");
        assert_eq!(
            ImageFormat::sniff(&heic),
            Some(ImageFormat::Heif),
            "a compatible brand is enough"
        );
        let mp4 = b"\0\0\0\x18ftypisom\0\0\0\0isomavc1";
        assert_eq!(ImageFormat::sniff(mp4), None);
        assert_eq!(ImageFormat::sniff(b"GIF89a"), None);
        assert_eq!(ImageFormat::sniff(b"%PDF-1.7"), None);
        assert_eq!(ImageFormat::sniff(b""), None);
        assert_eq!(ImageFormat::sniff(&[0xFF, 0xD8]), None);
    }
}

//! HEIF (an iPhone's HEIC): an ISO base media file. Its `meta` box lists the items
//! (`iinf`): the picture's tiles, and an `Exif` item or a `mime` item (XMP) beside them;
//! `iloc` says where each item's bytes lie. Those bytes are overwritten with zeros, so
//! every box keeps its size and every offset stays right: the file stays valid and the
//! picture is untouched.

use super::StripError;

/// A reader over one slice that answers `Truncated` instead of panicking.
struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(data: &'a [u8], pos: usize) -> Reader<'a> {
        Reader { data, pos }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], StripError> {
        let end = self.pos.checked_add(n).ok_or(StripError::Truncated)?;
        let bytes = self.data.get(self.pos..end).ok_or(StripError::Truncated)?;
        self.pos = end;
        Ok(bytes)
    }

    /// A big-endian unsigned number of `n` bytes (0, 2, 4 or 8; 0 reads as zero).
    fn uint(&mut self, n: usize) -> Result<u64, StripError> {
        if !matches!(n, 0 | 1 | 2 | 4 | 8) {
            return Err(StripError::Malformed("a field size iloc does not allow"));
        }
        Ok(self
            .take(n)?
            .iter()
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
    }

    fn u8(&mut self) -> Result<u8, StripError> {
        Ok(self.take(1)?[0])
    }
}

/// A box as found: its type, where its contents start and where it ends.
#[derive(Clone, Copy, Debug)]
struct Bx {
    kind: [u8; 4],
    body: usize,
    end: usize,
}

/// The boxes laid one after another in `data[from..to]`.
fn boxes(data: &[u8], from: usize, to: usize) -> Result<Vec<Bx>, StripError> {
    let mut list = Vec::new();
    let mut pos = from;
    while pos < to {
        let mut r = Reader::new(&data[..to], pos);
        let size32 = r.uint(4)?;
        let kind: [u8; 4] = r.take(4)?.try_into().expect("four bytes");
        let size = match size32 {
            0 => (to - pos) as u64,
            1 => r.uint(8)?,
            n => n,
        };
        if &kind == b"uuid" {
            r.take(16)?;
        }
        let end = usize::try_from(size)
            .ok()
            .and_then(|s| pos.checked_add(s))
            .ok_or(StripError::Truncated)?;
        if end < r.pos {
            return Err(StripError::Malformed("a box smaller than its header"));
        }
        if end > to {
            return Err(StripError::Truncated);
        }
        list.push(Bx {
            kind,
            body: r.pos,
            end,
        });
        pos = end;
    }
    Ok(list)
}

fn find(list: &[Bx], kind: &[u8; 4]) -> Option<Bx> {
    list.iter().copied().find(|b| &b.kind == kind)
}

/// The ids of the items that are metadata: `Exif`, and `mime` (XMP).
fn metadata_items(data: &[u8], iinf: Bx) -> Result<Vec<u32>, StripError> {
    let mut r = Reader::new(&data[..iinf.end], iinf.body);
    let version = r.u8()?;
    r.take(3)?;
    r.uint(if version == 0 { 2 } else { 4 })?;
    let mut ids = Vec::new();
    for infe in boxes(data, r.pos, iinf.end)? {
        if &infe.kind != b"infe" {
            continue;
        }
        let mut r = Reader::new(&data[..infe.end], infe.body);
        let version = r.u8()?;
        r.take(3)?;
        // Versions 0 and 1 have no item type; the items phones write are version 2 or 3.
        if version < 2 {
            continue;
        }
        let id = r.uint(if version == 2 { 2 } else { 4 })? as u32;
        r.take(2)?;
        let kind = r.take(4)?;
        if kind == b"Exif" || kind == b"mime" {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// Where the bytes of the items `wanted` lie in the file, as ranges.
fn extents(
    data: &[u8],
    iloc: Bx,
    idat: Option<Bx>,
    wanted: &[u32],
) -> Result<Vec<std::ops::Range<usize>>, StripError> {
    let mut r = Reader::new(&data[..iloc.end], iloc.body);
    let version = r.u8()?;
    r.take(3)?;
    if version > 2 {
        return Err(StripError::Malformed(
            "an iloc version this reader does not know",
        ));
    }
    let sizes = r.u8()?;
    let (offset_size, length_size) = (usize::from(sizes >> 4), usize::from(sizes & 15));
    let sizes = r.u8()?;
    let base_size = usize::from(sizes >> 4);
    let index_size = if version == 0 {
        0
    } else {
        usize::from(sizes & 15)
    };
    let count = r.uint(if version < 2 { 2 } else { 4 })?;
    // With every field size zero an extent takes no bytes, so its count alone could keep
    // this loop busy for hours; a real file has far fewer extents than bytes.
    let mut budget = data.len() / 2 + 64;
    let mut ranges = Vec::new();
    for _ in 0..count {
        let id = r.uint(if version < 2 { 2 } else { 4 })? as u32;
        let method = if version == 0 { 0 } else { r.uint(2)? & 15 };
        let data_ref = r.uint(2)?;
        let base = r.uint(base_size)?;
        let extent_count = r.uint(2)?;
        for _ in 0..extent_count {
            budget = budget.checked_sub(1).ok_or(StripError::Malformed(
                "more extents than the file could hold",
            ))?;
            r.uint(index_size)?;
            let offset = r.uint(offset_size)?;
            let length = r.uint(length_size)?;
            // Bytes in another file (a data reference) or in another item are not here.
            if !wanted.contains(&id) || data_ref != 0 || method == 2 {
                continue;
            }
            if length == 0 {
                return Err(StripError::Malformed("a metadata item of unstated length"));
            }
            let (origin, limit) = match method {
                0 => (0, data.len()),
                1 => {
                    let idat = idat.ok_or(StripError::Malformed("an item in a missing idat"))?;
                    (idat.body, idat.end)
                }
                _ => return Err(StripError::Malformed("an unknown construction method")),
            };
            let start = base
                .checked_add(offset)
                .and_then(|o| usize::try_from(o).ok())
                .and_then(|o| o.checked_add(origin))
                .ok_or(StripError::Truncated)?;
            let end = usize::try_from(length)
                .ok()
                .and_then(|l| start.checked_add(l))
                .ok_or(StripError::Truncated)?;
            if end > limit {
                return Err(StripError::Truncated);
            }
            ranges.push(start..end);
        }
    }
    Ok(ranges)
}

/// Every byte range of the file that holds metadata.
fn metadata_ranges(data: &[u8]) -> Result<Vec<std::ops::Range<usize>>, StripError> {
    let top = boxes(data, 0, data.len())?;
    let meta = find(&top, b"meta").ok_or(StripError::Malformed("no meta box"))?;
    // `meta` is a full box: a version and flags before its children.
    let children = boxes(data, meta.body + 4, meta.end)?;
    let Some(iinf) = find(&children, b"iinf") else {
        return Ok(Vec::new());
    };
    let wanted = metadata_items(data, iinf)?;
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let iloc = find(&children, b"iloc").ok_or(StripError::Malformed("items without an iloc"))?;
    extents(data, iloc, find(&children, b"idat"), &wanted)
}

/// The HEIF with its Exif and XMP items' bytes zeroed.
pub fn strip(input: &[u8]) -> Result<Vec<u8>, StripError> {
    let mut out = input.to_vec();
    for range in metadata_ranges(input)? {
        out[range].fill(0);
    }
    // Re-read the result: the same structure, and nothing but zeros where metadata was.
    for range in metadata_ranges(&out)? {
        if out[range].iter().any(|&b| b != 0) {
            return Err(StripError::Malformed("metadata survived cleaning"));
        }
    }
    Ok(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn bx(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut b = ((body.len() + 8) as u32).to_be_bytes().to_vec();
        b.extend_from_slice(kind);
        b.extend_from_slice(body);
        b
    }

    fn full(kind: &[u8; 4], version: u8, body: &[u8]) -> Vec<u8> {
        let mut b = vec![version, 0, 0, 0];
        b.extend_from_slice(body);
        bx(kind, &b)
    }

    fn infe(id: u16, kind: &[u8; 4], extra: &[u8]) -> Vec<u8> {
        let mut b = id.to_be_bytes().to_vec();
        b.extend([0, 0]);
        b.extend_from_slice(kind);
        b.extend_from_slice(b"\0");
        b.extend_from_slice(extra);
        full(b"infe", 2, &b)
    }

    const PIXELS: &[u8] = b"hevc tile bytes";
    const EXIF: &[u8] = b"\0\0\0\x06Exif\0\0MM\0*GPSLatitude 51.5N";
    const XMP: &[u8] = b"<x:xmpmeta>GPS here</x:xmpmeta>";

    /// ftyp, meta (hdlr, iinf, iloc, idat holding the XMP), mdat holding the picture and
    /// the Exif, with iloc version 1 and 4-byte offsets; `mdat_at` is where mdat's data
    /// starts, so the offsets can point there.
    fn meta(mdat_at: u32) -> Vec<u8> {
        let mut iinf_body = 3u16.to_be_bytes().to_vec();
        iinf_body.extend(infe(1, b"hvc1", b""));
        iinf_body.extend(infe(2, b"Exif", b""));
        iinf_body.extend(infe(3, b"mime", b"application/rdf+xml\0"));
        let mut iloc = vec![0x44, 0x00];
        iloc.extend(3u16.to_be_bytes());
        let mut item = |id: u16, method: u16, offset: u32, len: usize| {
            iloc.extend(id.to_be_bytes());
            iloc.extend(method.to_be_bytes());
            iloc.extend([0, 0, 0, 1]);
            iloc.extend(offset.to_be_bytes());
            iloc.extend((len as u32).to_be_bytes());
        };
        item(1, 0, mdat_at, PIXELS.len());
        item(2, 0, mdat_at + PIXELS.len() as u32, EXIF.len());
        item(3, 1, 0, XMP.len());
        let mut body = full(b"hdlr", 0, b"\0\0\0\0pict\0\0\0\0\0\0\0\0\0\0\0\0\0");
        body.extend(full(b"iinf", 0, &iinf_body));
        body.extend(full(b"iloc", 1, &iloc));
        body.extend(bx(b"idat", XMP));
        full(b"meta", 0, &body)
    }

    pub(crate) fn heic() -> Vec<u8> {
        let ftyp = bx(b"ftyp", b"heic\0\0\0\0mif1heic");
        let probe = meta(0).len();
        let mdat_at = (ftyp.len() + probe + 8) as u32;
        let mut file = ftyp;
        file.extend(meta(mdat_at));
        let mut mdat = PIXELS.to_vec();
        mdat.extend(EXIF);
        file.extend(bx(b"mdat", &mdat));
        file
    }

    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn exif_and_xmp_items_are_zeroed_in_place() {
        let file = heic();
        assert!(contains(&file, b"GPSLatitude") && contains(&file, b"GPS here"));
        let out = strip(&file).unwrap();
        assert_eq!(out.len(), file.len(), "the structure keeps its sizes");
        assert!(!contains(&out, b"GPS"), "GPS survived");
        assert!(contains(&out, PIXELS), "the picture changed");
        assert!(contains(&out, &vec![0; EXIF.len()]));
        let changed = file.iter().zip(&out).filter(|(a, b)| a != b).count();
        assert!(
            changed <= EXIF.len() + XMP.len(),
            "only metadata bytes changed"
        );
        assert_eq!(strip(&out).unwrap(), out);
    }

    #[test]
    fn offsets_outside_the_file_and_cut_files_are_refused() {
        let file = heic();
        assert!(strip(&file[..file.len() - 4]).is_err(), "mdat cut short");
        assert!(strip(&file[..40]).is_err());
        let ftyp_only = bx(b"ftyp", b"heic\0\0\0\0mif1heic");
        assert_eq!(strip(&ftyp_only), Err(StripError::Malformed("no meta box")));
        // Point the Exif item past the end of the file.
        let mut far = bx(b"ftyp", b"heic\0\0\0\0mif1heic");
        far.extend(meta(1 << 30));
        far.extend(bx(b"mdat", PIXELS));
        assert_eq!(strip(&far), Err(StripError::Truncated));
        // An iloc whose extents take no bytes, 65535 of them per item.
        let mut iinf = 2u16.to_be_bytes().to_vec();
        iinf.extend(infe(1, b"hvc1", b""));
        iinf.extend(infe(2, b"Exif", b""));
        let mut iloc = vec![0x00, 0x00, 0xFF, 0xFF];
        for _ in 0..0xFFFF {
            iloc.extend([0, 1, 0, 0, 0xFF, 0xFF]);
        }
        let mut body = full(b"iinf", 0, &iinf);
        body.extend(full(b"iloc", 0, &iloc));
        let mut busy = bx(b"ftyp", b"heic\0\0\0\0mif1heic");
        busy.extend(full(b"meta", 0, &body));
        let started = std::time::Instant::now();
        assert_eq!(
            strip(&busy),
            Err(StripError::Malformed(
                "more extents than the file could hold"
            ))
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        let mut tiny = bx(b"ftyp", b"heic\0\0\0\0mif1heic");
        tiny.extend([0, 0, 0, 4, b'm', b'e', b't', b'a']);
        assert!(strip(&tiny).is_err());
    }
}

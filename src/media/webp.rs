//! WebP: the RIFF chunks `EXIF` and `XMP ` (flagged in `VP8X`), found by reading chunk headers
//! only; the coded image (`VP8 `, `VP8L`, `ANMF`, `ALPH`) is skipped by seeking.
//!
//! Cleaned chunks keep their length, so the RIFF size and every offset stay valid. A damaged EXIF
//! chunk is dropped whole: the RIFF size shrinks and the `VP8X` EXIF flag is cleared.

use super::{exif, xmp, ByteSource, EditPlan, Format, MediaError, MediaReport, Piece, StripMode};

const MAX_CHUNKS: usize = 1 << 20;
const MAX_META_CHUNK: u32 = 16 << 20;
const FLAG_EXIF: u8 = 0x08;

#[derive(Clone, Copy, Debug)]
struct Chunk {
    fourcc: [u8; 4],
    /// Offset of the fourcc.
    start: u64,
    len: u32,
}

impl Chunk {
    fn data_at(&self) -> u64 {
        self.start + 8
    }
    /// Header, data and the pad byte for odd sizes.
    fn total(&self) -> u64 {
        8 + u64::from(self.len) + u64::from(self.len & 1)
    }
}

fn chunks(src: &dyn ByteSource) -> Result<Vec<Chunk>, MediaError> {
    let head = src.read_exact_at(0, 12, "RIFF header")?;
    if &head[0..4] != b"RIFF" || &head[8..12] != b"WEBP" {
        return Err(MediaError::Malformed { what: "RIFF header", offset: 0, reason: "not a WebP file".into() });
    }
    let riff_len = u64::from(u32::from_le_bytes([head[4], head[5], head[6], head[7]]));
    // Chunks run to the end of the RIFF payload (or the file, if it is shorter: that is truncation).
    let end = (riff_len + 8).min(src.len());
    if riff_len + 8 > src.len() {
        return Err(MediaError::Truncated { what: "RIFF payload", offset: src.len() });
    }
    let mut out = Vec::new();
    let mut pos = 12u64;
    while pos + 8 <= end {
        if out.len() >= MAX_CHUNKS {
            return Err(MediaError::TooDeep { what: "WebP chunks", offset: pos });
        }
        let h = src.read_exact_at(pos, 8, "WebP chunk header")?;
        let c =
            Chunk { fourcc: [h[0], h[1], h[2], h[3]], start: pos, len: u32::from_le_bytes([h[4], h[5], h[6], h[7]]) };
        if pos + 8 + u64::from(c.len) > end {
            return Err(MediaError::Truncated { what: "WebP chunk", offset: pos });
        }
        out.push(c);
        pos += c.total();
    }
    if !out.iter().any(|c| matches!(&c.fourcc, b"VP8 " | b"VP8L" | b"VP8X")) {
        return Err(MediaError::Malformed { what: "WebP", offset: 12, reason: "no image chunk".into() });
    }
    Ok(out)
}

fn tiff_prefix(b: &[u8]) -> usize {
    if b.starts_with(b"Exif\0\0") {
        6
    } else {
        0
    }
}

fn meta(src: &dyn ByteSource, c: &Chunk) -> Result<Option<Vec<u8>>, MediaError> {
    if !matches!(&c.fourcc, b"EXIF" | b"XMP ") {
        return Ok(None);
    }
    if c.len > MAX_META_CHUNK {
        return Err(MediaError::CannotStrip(format!("a {} byte metadata chunk is too large to check", c.len)));
    }
    src.read_exact_at(c.data_at(), c.len as usize, "WebP chunk").map(Some)
}

/// Inspects a WebP file.
pub fn inspect(src: &dyn ByteSource, format: Format) -> Result<MediaReport, MediaError> {
    let mut report = MediaReport::new(format);
    for c in chunks(src)? {
        let Some(data) = meta(src, &c)? else { continue };
        if &c.fourcc == b"EXIF" {
            if let Err(e) = exif::inspect_tiff(&data[tiff_prefix(&data)..], &mut report) {
                report.add_residual(format!("the EXIF chunk is damaged ({e}); stripping removes it whole"));
            }
        } else {
            xmp::inspect_xmp(&data, &mut report);
        }
    }
    Ok(report)
}

/// Plans a lossless strip of a WebP file.
pub fn strip(src: &dyn ByteSource, format: Format, mode: StripMode) -> Result<EditPlan, MediaError> {
    let report = inspect(src, format)?;
    let list = chunks(src)?;
    let mut replace: Vec<(Chunk, Option<Vec<u8>>)> = Vec::new();
    let mut dropped_len = 0u64;
    let mut clear_flags = 0u8;
    let mut removed = Vec::new();
    for c in &list {
        let Some(data) = meta(src, c)? else { continue };
        if &c.fourcc == b"EXIF" {
            let p = tiff_prefix(&data);
            match exif::clean_tiff(&data[p..], mode) {
                Ok(None) => {}
                Ok(Some(t)) => {
                    let mut d = data[..p].to_vec();
                    d.extend_from_slice(&t);
                    replace.push((*c, Some(d)));
                }
                Err(_) => {
                    replace.push((*c, None));
                    dropped_len += c.total();
                    clear_flags |= FLAG_EXIF;
                    removed.push("damaged EXIF chunk".to_string());
                }
            }
        } else if let Some(clean) = xmp::clean_xmp(&data, mode) {
            replace.push((*c, Some(clean)));
        }
    }
    let mut plan = EditPlan::default();
    let mut pos = 0u64;
    if dropped_len > 0 {
        // New RIFF size, and the VP8X flags without the dropped chunk's bit.
        let head = src.read_exact_at(0, 12, "RIFF header")?;
        let riff_len = u32::from_le_bytes([head[4], head[5], head[6], head[7]]);
        let new_len = u64::from(riff_len).saturating_sub(dropped_len) as u32;
        let mut h = head.clone();
        h[4..8].copy_from_slice(&new_len.to_le_bytes());
        plan.pieces.push(Piece::Insert(h));
        pos = 12;
        if let Some(vp8x) = list.iter().find(|c| &c.fourcc == b"VP8X" && c.len >= 10) {
            if vp8x.start > pos {
                plan.pieces.push(Piece::Keep { start: pos, end: vp8x.start });
            }
            let mut v = src.read_exact_at(vp8x.start, vp8x.total() as usize, "VP8X chunk")?;
            if let Some(flags) = v.get_mut(8) {
                *flags &= !clear_flags;
            }
            plan.pieces.push(Piece::Insert(v));
            pos = vp8x.start + vp8x.total();
        }
    }
    for (c, new) in replace {
        if c.start < pos {
            continue;
        }
        if c.start > pos {
            plan.pieces.push(Piece::Keep { start: pos, end: c.start });
        }
        match new {
            Some(data) => {
                plan.pieces.push(Piece::Keep { start: c.start, end: c.start + 8 });
                plan.pieces.push(Piece::Insert(data));
                pos = c.data_at() + u64::from(c.len);
            }
            None => pos = c.start + c.total(),
        }
    }
    if pos < src.len() {
        plan.pieces.push(Piece::Keep { start: pos, end: src.len() });
    }
    super::summarise(&mut plan, &report, mode, removed);
    Ok(plan)
}

//! GIF: the XMP application extension ("XMP DataXMP"), found by walking the block structure.
//!
//! GIF has no index: image data is a chain of sub-blocks, each prefixed by its length, so finding
//! what follows an image means reading one length byte per (at most) 256 bytes; the image data
//! itself is never read. The XMP packet is cleaned at the same length: its bytes double as
//! sub-block lengths for GIF decoders, and the extension's 257-byte "magic trailer" brings any
//! such reading back to the block terminator, whatever the packet holds. An extension whose
//! trailer is damaged is dropped whole instead (GIF blocks are self-contained).

use super::{xmp, ByteSource, EditPlan, Format, MediaError, MediaReport, Piece, StripMode};

/// More blocks than any real file has (animations have a few thousand frames).
const MAX_BLOCKS: usize = 1 << 20;
const XMP_APP_ID: &[u8] = b"XMP DataXMP";
const MAX_XMP: u64 = 16 << 20;

/// Where the XMP packet of an XMP application extension lies.
struct XmpBlock {
    start: u64,
    len: u64,
    /// The whole extension (introducer to block terminator), which may be dropped as a unit.
    extension: (u64, u64),
    /// The 257-byte magic trailer is intact, so the packet may be rewritten in place.
    trailer_ok: bool,
}

/// The magic trailer that follows the packet: 0x01, then 0xFF down to 0x00.
fn magic_trailer() -> Vec<u8> {
    std::iter::once(1u8).chain((0..=255u8).rev()).collect()
}

/// Skips a chain of data sub-blocks starting at `pos`; returns the offset after the terminator.
fn skip_sub_blocks(src: &dyn ByteSource, mut pos: u64) -> Result<u64, MediaError> {
    let mut b = [0u8; 1];
    loop {
        if src.read_at(pos, &mut b)? == 0 {
            return Err(MediaError::Truncated { what: "GIF data sub-block", offset: pos });
        }
        if b[0] == 0 {
            return Ok(pos + 1);
        }
        pos += 1 + u64::from(b[0]);
    }
}

/// Walks the file and returns its XMP packets.
fn walk(src: &dyn ByteSource) -> Result<Vec<XmpBlock>, MediaError> {
    let head = src.read_exact_at(0, 13, "GIF header")?;
    if !(head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a")) {
        return Err(MediaError::Malformed { what: "GIF header", offset: 0, reason: "not a GIF".into() });
    }
    let mut pos = 13u64;
    if head[10] & 0x80 != 0 {
        pos += 3u64 << ((head[10] & 7) + 1);
    }
    let mut out = Vec::new();
    for _ in 0..MAX_BLOCKS {
        let intro = src.read_exact_at(pos, 1, "GIF block")?;
        match intro[0] {
            0x3B => return Ok(out),
            0x2C => {
                let d = src.read_exact_at(pos, 10, "GIF image descriptor")?;
                pos += 10;
                if d[9] & 0x80 != 0 {
                    pos += 3u64 << ((d[9] & 7) + 1);
                }
                // LZW minimum code size, then the image data sub-blocks.
                pos = skip_sub_blocks(src, pos + 1)?;
            }
            0x21 => {
                let h = src.read_exact_at(pos, 3, "GIF extension")?;
                let (label, first_len) = (h[1], u64::from(h[2]));
                let body = pos + 2;
                if label == 0xFF && first_len == 11 {
                    let id = src.read_exact_at(body + 1, 11, "GIF application extension")?;
                    if id == XMP_APP_ID {
                        let data_start = body + 12;
                        let end = skip_sub_blocks(src, data_start)?;
                        // The packet ends where the magic trailer (0x01 0xFF 0xFE ...) begins.
                        let span = end - 1 - data_start;
                        let packet_len = span.saturating_sub(257);
                        let trailer_ok = span >= 257
                            && src.read_exact_at(data_start + packet_len, 257, "GIF XMP trailer")? == magic_trailer();
                        out.push(XmpBlock { start: data_start, len: packet_len, extension: (pos, end), trailer_ok });
                        pos = end;
                        continue;
                    }
                }
                pos = skip_sub_blocks(src, body)?;
            }
            other => {
                return Err(MediaError::Malformed {
                    what: "GIF block",
                    offset: pos,
                    reason: format!("unknown block type 0x{other:02X}"),
                })
            }
        }
    }
    Err(MediaError::TooDeep { what: "GIF blocks", offset: pos })
}

fn packet(src: &dyn ByteSource, x: &XmpBlock) -> Result<Vec<u8>, MediaError> {
    if x.len > MAX_XMP {
        return Err(MediaError::CannotStrip(format!("a {} byte XMP packet is too large to check", x.len)));
    }
    src.read_exact_at(x.start, x.len as usize, "GIF XMP packet")
}

/// Inspects a GIF file.
pub fn inspect(src: &dyn ByteSource, format: Format) -> Result<MediaReport, MediaError> {
    let mut report = MediaReport::new(format);
    for x in walk(src)? {
        xmp::inspect_xmp(&packet(src, &x)?, &mut report);
    }
    Ok(report)
}

/// Plans a lossless strip of a GIF file.
pub fn strip(src: &dyn ByteSource, format: Format, mode: StripMode) -> Result<EditPlan, MediaError> {
    let report = inspect(src, format)?;
    let mut plan = EditPlan::default();
    let mut pos = 0u64;
    let mut removed = Vec::new();
    for x in walk(src)? {
        let Some(clean) = xmp::clean_xmp(&packet(src, &x)?, mode) else { continue };
        if x.trailer_ok {
            plan.pieces.push(Piece::Keep { start: pos, end: x.start });
            plan.pieces.push(Piece::Insert(clean));
            pos = x.start + x.len;
        } else {
            // Without the trailer, changed packet bytes would change how decoders walk the
            // sub-blocks; extensions are self-contained, so the whole block goes instead.
            plan.pieces.push(Piece::Keep { start: pos, end: x.extension.0 });
            pos = x.extension.1;
            removed.push("XMP application extension without its magic trailer".to_string());
        }
    }
    plan.pieces.push(Piece::Keep { start: pos, end: src.len() });
    super::summarise(&mut plan, &report, mode, removed);
    Ok(plan)
}

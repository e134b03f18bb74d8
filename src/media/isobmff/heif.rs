//! HEIF and AVIF image items: finding the `Exif` item and the XMP (`mime`,
//! `application/rdf+xml`) item through `iinf` (what each item is) and `iloc` (where its bytes
//! are), and handing their bytes to the shared EXIF and XMP readers and cleaners.
//!
//! Item data may be split into several extents, and may live in the file (construction method 0)
//! or in the `meta` box's `idat` (method 1); the block is read by concatenating its extents, and
//! cleaned bytes are written back extent by extent at the same offsets, so `iloc` stays valid.

use super::boxes::{BoxHeader, Cursor};
use super::{Scan, MAX_METADATA};
use crate::media::MediaError;

/// The most `iinf`/`iloc` bytes read (an iPhone grid image has ~100 items, a few KB).
const MAX_TABLE: u64 = 4 << 20;

/// What `iinf` says about an item.
struct ItemInfo {
    id: u32,
    typ: [u8; 4],
    content_type: String,
    /// `deflate`, `gzip`, ... when the item is stored compressed; empty when not.
    content_encoding: String,
}

/// Where `iloc` says an item's bytes are.
struct ItemLoc {
    id: u32,
    method: u8,
    data_ref: u16,
    base: u64,
    /// (offset, length) relative to `base`; length 0 means "to the end of the source".
    extents: Vec<(u64, u64)>,
}

pub(super) fn items(scan: &mut Scan, meta: &[BoxHeader], depth: usize) -> Result<(), MediaError> {
    let Some(iinf) = meta.iter().find(|k| k.is(b"iinf")) else {
        return Ok(());
    };
    let infos = item_infos(scan, iinf, depth)?;
    let wanted: Vec<&ItemInfo> = infos
        .iter()
        .filter(|i| {
            &i.typ == b"Exif"
                || (&i.typ == b"mime"
                    && i.content_type
                        .trim_end_matches('\0')
                        .eq_ignore_ascii_case("application/rdf+xml"))
        })
        .collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let Some(iloc) = meta.iter().find(|k| k.is(b"iloc")) else {
        return Err(MediaError::Malformed {
            what: "HEIF meta box",
            offset: iinf.start,
            reason: "metadata items are listed but there is no item location box (iloc)".into(),
        });
    };
    let locs = item_locations(scan, iloc)?;
    let idat = meta.iter().find(|k| k.is(b"idat"));
    for info in wanted {
        let is_exif = &info.typ == b"Exif";
        if !is_exif && !info.content_encoding.trim_end_matches('\0').is_empty() {
            // A compressed XMP packet cannot be checked or cleaned in place.
            let why = format!(
                "the HEIF XMP item (item {}) is stored compressed ({}); location in it could not be checked",
                info.id,
                info.content_encoding.trim_end_matches('\0')
            );
            scan.report.add_residual(why.clone());
            if scan.mode.is_some() {
                return Err(MediaError::CannotStrip(why));
            }
            continue;
        }
        let what = if is_exif {
            "HEIF Exif item"
        } else {
            "HEIF XMP item"
        };
        let Some(loc) = locs.iter().find(|l| l.id == info.id) else {
            scan.report.add_residual(format!(
                "the {what} (item {}) has no location in the file and could not be checked",
                info.id
            ));
            continue;
        };
        let spans = match resolve(scan, loc, idat, iloc.start)? {
            Some(s) => s,
            None => {
                scan.report.add_residual(format!(
                    "the {what} (item {}) is stored outside this file and could not be checked",
                    info.id
                ));
                continue;
            }
        };
        let mut data = Vec::new();
        for &(at, len) in &spans {
            data.extend_from_slice(&scan.w.read(at, len, "HEIF item")?);
        }
        if is_exif {
            // The item starts with the offset of the TIFF header from the end of that field.
            let mut c = Cursor::new(
                &data,
                spans.first().map(|s| s.0).unwrap_or(0),
                "HEIF Exif item",
            );
            let skip = c.u32()? as usize;
            // Some writers count the "Exif\0\0" marker and some do not; the TIFF header itself
            // is unmistakable, so an offset a few bytes off is corrected.
            let skip = tiff_header_near(&data, skip);
            let tiff_at = skip
                .checked_add(4)
                .filter(|t| *t < data.len())
                .ok_or_else(|| MediaError::Malformed {
                    what: "HEIF Exif item",
                    offset: spans.first().map(|s| s.0).unwrap_or(0),
                    reason: format!(
                        "TIFF header offset {skip} is past the end of the {}-byte item",
                        data.len()
                    ),
                })?;
            scan.exif(&spans, &data, tiff_at, what)?;
        } else {
            scan.xmp(&spans, &data, what)?;
        }
    }
    Ok(())
}

/// The offset (from the end of the 4-byte offset field) of the TIFF header: `skip` when a header
/// is there, else the first one found within 8 bytes either side, else `skip` unchanged.
fn tiff_header_near(data: &[u8], skip: usize) -> usize {
    let is_header = |s: usize| {
        s.checked_add(8)
            .and_then(|end| data.get(s + 4..end))
            .is_some_and(|h| h.starts_with(b"II*\0") || h.starts_with(b"MM\0*"))
    };
    if is_header(skip) {
        return skip;
    }
    (skip.saturating_sub(8)..=skip.saturating_add(8))
        .find(|s| is_header(*s))
        .unwrap_or(skip)
}

fn item_infos(
    scan: &mut Scan,
    iinf: &BoxHeader,
    depth: usize,
) -> Result<Vec<ItemInfo>, MediaError> {
    let head = scan
        .w
        .read(iinf.payload_start(), iinf.payload_len().min(8), "iinf box")?;
    let mut c = Cursor::new(&head, iinf.payload_start(), "iinf box");
    let version = c.u8()?;
    c.skip(3)?;
    let count_len = if version == 0 { 2 } else { 4 };
    c.skip(count_len)?;
    let mut out = Vec::new();
    for infe in scan.w.children_of(iinf, 4 + count_len as u64, depth)? {
        if !infe.is(b"infe") {
            continue;
        }
        let payload = scan.w.payload(&infe, MAX_TABLE, "infe box")?;
        let mut c = Cursor::new(&payload, infe.payload_start(), "infe box");
        let version = c.u8()?;
        c.skip(3)?;
        let info = if version < 2 {
            let id = u32::from(c.u16()?);
            c.skip(2)?;
            let _name = c.cstring();
            let content_type = c.cstring();
            ItemInfo {
                id,
                typ: *b"mime",
                content_type,
                content_encoding: c.cstring(),
            }
        } else {
            let id = if version == 2 {
                u32::from(c.u16()?)
            } else {
                c.u32()?
            };
            c.skip(2)?;
            let t = c.bytes(4)?;
            let typ = [t[0], t[1], t[2], t[3]];
            let _name = c.cstring();
            let (content_type, content_encoding) = if &typ == b"mime" {
                (c.cstring(), c.cstring())
            } else {
                (String::new(), String::new())
            };
            ItemInfo {
                id,
                typ,
                content_type,
                content_encoding,
            }
        };
        out.push(info);
    }
    Ok(out)
}

fn item_locations(scan: &mut Scan, iloc: &BoxHeader) -> Result<Vec<ItemLoc>, MediaError> {
    let payload = scan.w.payload(iloc, MAX_TABLE, "iloc box")?;
    let mut c = Cursor::new(&payload, iloc.payload_start(), "iloc box");
    let version = c.u8()?;
    c.skip(3)?;
    if version > 2 {
        return Err(MediaError::Malformed {
            what: "iloc box",
            offset: iloc.start,
            reason: format!("unknown version {version}"),
        });
    }
    let sizes = c.u8()?;
    let (offset_size, length_size) = (sizes >> 4, sizes & 0x0F);
    let sizes = c.u8()?;
    let base_size = sizes >> 4;
    let index_size = if version >= 1 { sizes & 0x0F } else { 0 };
    let count = if version < 2 {
        u32::from(c.u16()?)
    } else {
        c.u32()?
    };
    let mut out = Vec::new();
    for _ in 0..count {
        let id = if version < 2 {
            u32::from(c.u16()?)
        } else {
            c.u32()?
        };
        let method = if version >= 1 {
            (c.u16()? & 0x0F) as u8
        } else {
            0
        };
        let data_ref = c.u16()?;
        let base = c.sized(base_size)?;
        let extent_count = c.u16()?;
        let mut extents = Vec::with_capacity(usize::from(extent_count).min(c.remaining() / 4 + 1));
        for _ in 0..extent_count {
            if index_size > 0 {
                c.sized(index_size)?;
            }
            let off = c.sized(offset_size)?;
            let len = c.sized(length_size)?;
            extents.push((off, len));
        }
        out.push(ItemLoc {
            id,
            method,
            data_ref,
            base,
            extents,
        });
    }
    Ok(out)
}

/// The file spans holding an item's bytes, or `None` when they are not in this file (another
/// file, or constructed from other items).
fn resolve(
    scan: &Scan,
    loc: &ItemLoc,
    idat: Option<&BoxHeader>,
    iloc_at: u64,
) -> Result<Option<Vec<(u64, u64)>>, MediaError> {
    if loc.data_ref != 0 && loc.method == 0 {
        return Ok(None);
    }
    let (origin, limit) = match loc.method {
        0 => (0, scan.w.len()),
        1 => match idat {
            Some(i) => (i.payload_start(), i.end),
            None => {
                return Err(MediaError::Malformed {
                    what: "iloc box",
                    offset: iloc_at,
                    reason: format!(
                        "item {} is stored in an idat box that does not exist",
                        loc.id
                    ),
                })
            }
        },
        _ => return Ok(None),
    };
    let mut spans = Vec::with_capacity(loc.extents.len());
    let mut total = 0u64;
    for &(off, len) in &loc.extents {
        let start = origin
            .checked_add(loc.base)
            .and_then(|s| s.checked_add(off));
        let start = start.filter(|s| *s <= limit).ok_or(MediaError::Truncated {
            what: "HEIF item",
            offset: iloc_at,
        })?;
        let len = if len == 0 { limit - start } else { len };
        let end = start
            .checked_add(len)
            .filter(|e| *e <= limit)
            .ok_or(MediaError::Truncated {
                what: "HEIF item",
                offset: start,
            })?;
        total += end - start;
        if total > MAX_METADATA {
            return Err(MediaError::Malformed {
                what: "HEIF item",
                offset: start,
                reason: format!(
                    "metadata item {} is larger than {MAX_METADATA} bytes",
                    loc.id
                ),
            });
        }
        spans.push((start, len));
    }
    Ok(Some(spans))
}

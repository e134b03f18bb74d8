//! Walking TIFF image file directories (IFDs) through a [`ByteSource`], reading only the
//! directory tables and the values asked for.
//!
//! The same walker serves EXIF blocks (a few KB held in memory) and whole TIFF/DNG files (where
//! the image data is never read). Every offset is checked against the block length, each IFD is
//! visited once (loops end), and the number and depth of IFDs is bounded, so hostile files end in
//! a [`MediaError`], never a panic or a hang.

use crate::media::{ByteSource, MediaError};
use std::collections::HashSet;

/// Tags that point at other IFDs.
pub const TAG_EXIF_IFD: u16 = 0x8769;
pub const TAG_GPS_IFD: u16 = 0x8825;
pub const TAG_INTEROP_IFD: u16 = 0xA005;
pub const TAG_SUB_IFDS: u16 = 0x014A;
pub const TAG_MAKER_NOTE: u16 = 0x927C;

/// No real file has more IFDs than this (DNGs with many previews have about a dozen).
const MAX_IFDS: usize = 512;
/// No real IFD has more entries than this.
const MAX_ENTRIES: u16 = 2000;
/// SubIFD chains deeper than this are hostile.
const MAX_DEPTH: u8 = 8;

/// What an IFD holds, which decides how its tags are read and cleaned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IfdKind {
    /// IFD0, IFD1, ... on the main chain (in EXIF blocks IFD1 is the thumbnail).
    Main(u16),
    Exif,
    Gps,
    Interop,
    /// A SubIFD of a TIFF/DNG (full-size raw data, previews).
    Sub,
}

/// One directory entry.
#[derive(Clone, Copy, Debug)]
pub struct Entry {
    pub tag: u16,
    pub typ: u16,
    pub count: u32,
    /// Offset of the 12-byte entry, relative to the TIFF header.
    pub pos: u64,
    /// Offset of the value (inside the entry when it fits in 4 bytes).
    pub value_at: u64,
    /// Value length in bytes.
    pub size: u64,
}

impl Entry {
    /// True when the value lives outside the entry (and can be shared or zeroed separately).
    pub fn out_of_line(&self) -> bool {
        self.size > 4
    }
}

/// One directory.
#[derive(Clone, Debug)]
pub struct Ifd {
    pub kind: IfdKind,
    /// Offset of the entry count, relative to the TIFF header.
    pub offset: u64,
    pub entries: Vec<Entry>,
}

impl Ifd {
    /// Bytes taken by the table: count, entries and next-IFD pointer.
    pub fn table_len(&self) -> u64 {
        2 + self.entries.len() as u64 * 12 + 4
    }
    pub fn get(&self, tag: u16) -> Option<&Entry> {
        self.entries.iter().find(|e| e.tag == tag)
    }
}

/// A TIFF-structured block: the bytes `base..base+len` of `src`.
pub struct Tiff<'a> {
    src: &'a dyn ByteSource,
    base: u64,
    len: u64,
    pub big_endian: bool,
    /// Directories may not start before this offset (the 8-byte header, or 0 in maker notes).
    min_ifd: u64,
}

/// The directories found, and what could not be read.
pub struct Walk {
    pub ifds: Vec<Ifd>,
    /// Sub-directories that could not be read (the rest of the block still is).
    pub problems: Vec<(IfdKind, MediaError)>,
    /// The GPS IFD pointer was present (even if the GPS IFD itself is unreadable).
    pub gps_pointer: bool,
}

impl Walk {
    pub fn find(&self, kind: IfdKind) -> Option<&Ifd> {
        self.ifds.iter().find(|i| i.kind == kind)
    }
}

fn type_size(typ: u16) -> u64 {
    match typ {
        1 | 2 | 6 | 7 => 1,
        3 | 8 => 2,
        4 | 9 | 11 | 13 => 4,
        5 | 10 | 12 => 8,
        _ => 0,
    }
}

impl<'a> Tiff<'a> {
    /// Opens the block at `base..base+len`, checking its header.
    pub fn new(src: &'a dyn ByteSource, base: u64, len: u64) -> Result<Tiff<'a>, MediaError> {
        let head = src.read_exact_at(base, 8.min(len as usize), "TIFF header")?;
        if head.len() < 8 {
            return Err(MediaError::Truncated { what: "TIFF header", offset: base });
        }
        let big_endian = match &head[0..2] {
            b"II" => false,
            b"MM" => true,
            _ => {
                return Err(MediaError::Malformed {
                    what: "TIFF header",
                    offset: base,
                    reason: "byte order is neither II nor MM".into(),
                })
            }
        };
        let t = Tiff { src, base, len, big_endian, min_ifd: 8 };
        let magic = t.u16_at(&head, 2);
        // 42 is TIFF; Panasonic RW2 (0x55) and Olympus ORF (0x4F52, 0x5352) use the same layout.
        if !matches!(magic, 42 | 0x55 | 0x4F52 | 0x5352) {
            if magic == 43 {
                return Err(MediaError::CannotStrip("BigTIFF (64-bit TIFF) files are not supported".into()));
            }
            let reason = format!("bad magic number {magic}");
            return Err(MediaError::Malformed { what: "TIFF header", offset: base, reason });
        }
        Ok(t)
    }

    pub fn len(&self) -> u64 {
        self.len
    }

    /// Where the block starts in the source.
    pub fn base(&self) -> u64 {
        self.base
    }

    /// A block inside this one (maker notes) with its own byte order and no header check;
    /// offsets in it are relative to `offset`.
    pub fn sub(&self, offset: u64, len: u64, big_endian: bool) -> Tiff<'a> {
        let start = offset.min(self.len);
        let len = len.min(self.len - start);
        Tiff { src: self.src, base: self.base + start, len, big_endian, min_ifd: 0 }
    }

    /// Byte order mark ("II"/"MM") at `offset`, if there is one.
    pub fn byte_order_at(&self, offset: u64) -> Option<bool> {
        match self.read(offset, 2, "byte order").ok()?.as_slice() {
            b"II" => Some(false),
            b"MM" => Some(true),
            _ => None,
        }
    }

    pub fn u16_at(&self, b: &[u8], at: usize) -> u16 {
        let x = [b.get(at).copied().unwrap_or(0), b.get(at + 1).copied().unwrap_or(0)];
        if self.big_endian {
            u16::from_be_bytes(x)
        } else {
            u16::from_le_bytes(x)
        }
    }

    pub fn u32_at(&self, b: &[u8], at: usize) -> u32 {
        let mut x = [0u8; 4];
        for (i, v) in x.iter_mut().enumerate() {
            *v = b.get(at + i).copied().unwrap_or(0);
        }
        if self.big_endian {
            u32::from_be_bytes(x)
        } else {
            u32::from_le_bytes(x)
        }
    }

    pub fn put_u16(&self, v: u16) -> [u8; 2] {
        if self.big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    }

    /// Reads `len` bytes at `offset` (relative to the TIFF header), within the block.
    pub fn read(&self, offset: u64, len: u64, what: &'static str) -> Result<Vec<u8>, MediaError> {
        let end =
            offset.checked_add(len).ok_or(MediaError::Truncated { what, offset: self.base.saturating_add(offset) })?;
        if end > self.len {
            return Err(MediaError::Truncated { what, offset: self.base.saturating_add(offset) });
        }
        let len = usize::try_from(len).map_err(|_| MediaError::Truncated { what, offset })?;
        self.src.read_exact_at(self.base + offset, len, what)
    }

    /// The value bytes of `e`, or `None` when they lie outside the block or are implausibly large.
    pub fn value(&self, e: &Entry, max: u64) -> Option<Vec<u8>> {
        if e.size > max {
            return None;
        }
        self.read(e.value_at, e.size, "TIFF value").ok()
    }

    /// Offset of IFD0.
    pub fn first_ifd(&self) -> Result<u64, MediaError> {
        let head = self.read(0, 8, "TIFF header")?;
        Ok(u64::from(self.u32_at(&head, 4)))
    }

    /// Reads the directory at `offset`: its entries and the next-IFD offset.
    pub fn read_ifd(&self, offset: u64, kind: IfdKind) -> Result<(Ifd, u64), MediaError> {
        let at = self.base.saturating_add(offset);
        if offset < self.min_ifd || offset >= self.len {
            return Err(MediaError::Malformed {
                what: "TIFF IFD",
                offset: at,
                reason: format!("points outside the block ({offset})"),
            });
        }
        let count_bytes = self.read(offset, 2, "TIFF IFD")?;
        let count = self.u16_at(&count_bytes, 0);
        if count > MAX_ENTRIES {
            return Err(MediaError::Malformed { what: "TIFF IFD", offset: at, reason: format!("{count} entries") });
        }
        let table = self.read(offset + 2, u64::from(count) * 12 + 4, "TIFF IFD").or_else(|_| {
            // Some writers drop the final next-IFD pointer at the very end of a block.
            self.read(offset + 2, u64::from(count) * 12, "TIFF IFD").map(|mut t| {
                t.extend_from_slice(&[0; 4]);
                t
            })
        })?;
        let mut entries = Vec::with_capacity(count as usize);
        for i in 0..count as usize {
            let b = &table[i * 12..i * 12 + 12];
            let tag = self.u16_at(b, 0);
            let typ = self.u16_at(b, 2);
            let cnt = self.u32_at(b, 4);
            let size = type_size(typ).saturating_mul(u64::from(cnt));
            let pos = offset + 2 + i as u64 * 12;
            let value_at = if size <= 4 { pos + 8 } else { u64::from(self.u32_at(b, 8)) };
            entries.push(Entry { tag, typ, count: cnt, pos, value_at, size });
        }
        let next = u64::from(self.u32_at(&table, count as usize * 12));
        Ok((Ifd { kind, offset, entries }, next))
    }

    /// Reads the LONG (or SHORT, or IFD) values of `e` as offsets.
    pub fn offsets(&self, e: &Entry, max_count: u32) -> Vec<u64> {
        if e.count > max_count {
            return Vec::new();
        }
        let Some(v) = self.value(e, u64::from(max_count) * 8) else { return Vec::new() };
        (0..e.count as usize)
            .map(|i| match e.typ {
                3 => u64::from(self.u16_at(&v, i * 2)),
                _ => u64::from(self.u32_at(&v, i * 4)),
            })
            .collect()
    }

    /// Walks IFD0, its chain (IFD1, ...), and the EXIF, GPS, Interop and SubIFD directories.
    /// Fails only when IFD0 itself is unreadable.
    pub fn walk(&self, follow_chain: bool) -> Result<Walk, MediaError> {
        let mut walk = Walk { ifds: Vec::new(), problems: Vec::new(), gps_pointer: false };
        let mut seen = HashSet::new();
        let first = self.first_ifd()?;
        let mut queue: Vec<(u64, IfdKind, u8)> = vec![(first, IfdKind::Main(0), 0)];
        let mut main_index = 0u16;
        while let Some((offset, kind, depth)) = queue.pop() {
            if walk.ifds.len() >= MAX_IFDS {
                return Err(MediaError::TooDeep { what: "TIFF IFDs", offset: self.base + offset });
            }
            if depth > MAX_DEPTH {
                walk.problems.push((kind, MediaError::TooDeep { what: "TIFF SubIFD", offset: self.base + offset }));
                continue;
            }
            if !seen.insert(offset) {
                // A loop: this directory was already read.
                continue;
            }
            let (ifd, next) = match self.read_ifd(offset, kind) {
                Ok(x) => x,
                Err(e) if kind == IfdKind::Main(0) => return Err(e),
                Err(e) => {
                    walk.problems.push((kind, e));
                    continue;
                }
            };
            for e in &ifd.entries {
                let child = match e.tag {
                    TAG_EXIF_IFD if !matches!(kind, IfdKind::Gps | IfdKind::Interop) => Some(IfdKind::Exif),
                    TAG_GPS_IFD if !matches!(kind, IfdKind::Gps | IfdKind::Interop) => {
                        walk.gps_pointer = true;
                        Some(IfdKind::Gps)
                    }
                    TAG_INTEROP_IFD if kind == IfdKind::Exif => Some(IfdKind::Interop),
                    TAG_SUB_IFDS if matches!(kind, IfdKind::Main(_) | IfdKind::Sub) => Some(IfdKind::Sub),
                    _ => None,
                };
                if let Some(child) = child {
                    if !matches!(e.typ, 3 | 4 | 9 | 13) {
                        walk.problems.push((
                            child,
                            MediaError::Malformed {
                                what: "TIFF IFD pointer",
                                offset: self.base + e.pos,
                                reason: format!("pointer has type {}", e.typ),
                            },
                        ));
                        continue;
                    }
                    for off in self.offsets(e, 64) {
                        if off != 0 {
                            queue.push((off, child, depth + 1));
                        }
                    }
                }
            }
            walk.ifds.push(ifd);
            if follow_chain && matches!(kind, IfdKind::Main(_)) && next != 0 {
                main_index = main_index.saturating_add(1);
                queue.push((next, IfdKind::Main(main_index), depth));
            }
        }
        Ok(walk)
    }
}

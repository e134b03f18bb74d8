//! Box headers and a bounded walk over them.
//!
//! An ISO base media file is a tree of boxes (QuickTime calls them atoms), each starting with a
//! 32-bit size and a four-character type. This module reads only those headers, one container at
//! a time, so that the parsers above it can skip the coded media (`mdat`) without touching it and
//! descend only into the few containers that hold metadata. Every size is checked against its
//! parent and the file before it is trusted, nesting depth and the number of boxes are capped,
//! and payloads are only ever read up to a caller-given limit: a hostile file gets a specific
//! [`MediaError`], never a panic, a huge allocation or a long loop.

use crate::media::{ByteSource, MediaError};
use std::cell::Cell;

/// Deeper nesting than this does not occur in real files (an iPhone video nests 8 deep).
pub(crate) const MAX_DEPTH: usize = 32;

/// More boxes than this in the containers we walk is hostile (real files hold a few hundred).
const MAX_BOXES: u32 = 200_000;

/// One box header, with the byte range the box covers in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct BoxHeader {
    pub typ: [u8; 4],
    /// Offset of the box's first byte (its size field).
    pub start: u64,
    /// Length of the header: 8, 16 with a 64-bit size, plus 16 for a `uuid` box's user type.
    pub header_len: u64,
    /// One past the box's last byte.
    pub end: u64,
}

impl BoxHeader {
    pub fn payload_start(&self) -> u64 {
        self.start + self.header_len
    }
    pub fn payload_len(&self) -> u64 {
        self.end - self.payload_start()
    }
    pub fn size(&self) -> u64 {
        self.end - self.start
    }
    pub fn is(&self, typ: &[u8; 4]) -> bool {
        &self.typ == typ
    }
}

/// A four-character code as text for messages (`©xyz`, `moov`, `\x00\x00\x00\x01`).
pub(crate) fn fourcc(typ: &[u8; 4]) -> String {
    typ.iter()
        .map(|&b| match b {
            0xA9 => "©".to_string(),
            0x20..=0x7E => (b as char).to_string(),
            _ => format!("\\x{b:02x}"),
        })
        .collect()
}

/// Reads box headers and bounded payloads from a source, counting every box it visits.
pub(crate) struct Walker<'a> {
    src: &'a dyn ByteSource,
    len: u64,
    boxes: Cell<u32>,
}

impl<'a> Walker<'a> {
    pub fn new(src: &'a dyn ByteSource) -> Self {
        Walker {
            src,
            len: src.len(),
            boxes: Cell::new(0),
        }
    }

    pub fn len(&self) -> u64 {
        self.len
    }

    /// The boxes directly inside `start..end`.
    ///
    /// `top_level` boxes may use size 0 ("to the end of the file"), and a top-level `mdat` that
    /// runs past the end of the file (a cut-short recording) is accepted as ending there, since
    /// its content is never read. Inside a container, size 0 or fewer than 8 bytes left end the
    /// list (QuickTime terminates `udta` lists with a 32-bit zero).
    pub fn children(
        &self,
        start: u64,
        end: u64,
        depth: usize,
        top_level: bool,
    ) -> Result<Vec<BoxHeader>, MediaError> {
        if depth > MAX_DEPTH {
            return Err(MediaError::TooDeep {
                what: "box",
                offset: start,
            });
        }
        let end = end.min(self.len);
        let mut out = Vec::new();
        let mut pos = start;
        while pos < end {
            match self.header(pos, end, top_level) {
                Ok(Some(b)) => {
                    let seen = self.boxes.get() + 1;
                    self.boxes.set(seen);
                    if seen > MAX_BOXES {
                        return Err(MediaError::Malformed {
                            what: "box",
                            offset: pos,
                            reason: format!(
                                "more than {MAX_BOXES} boxes; no real photo or video has that many"
                            ),
                        });
                    }
                    out.push(b);
                    pos = b.end;
                }
                Ok(None) => break,
                // Junk after a complete movie or image (some muxers leave a few stray bytes
                // at the end): readers ignore it, and so do we. A cut-short box with a real
                // type is still reported as truncated.
                Err(_)
                    if top_level
                        && out.iter().any(|b| b.is(b"moov") || b.is(b"meta"))
                        && self.junk_at(pos) =>
                {
                    break
                }
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    /// True when the bytes at `pos` cannot start a box: fewer than 8 of them, or a type that
    /// is not four printable characters.
    fn junk_at(&self, pos: u64) -> bool {
        match self.read(pos, 8, "box header") {
            Ok(h) => !h[4..8]
                .iter()
                .all(|&b| b == 0xA9 || (0x20..=0x7E).contains(&b)),
            Err(_) => true,
        }
    }

    /// The box header at `pos` in a container ending at `end`; `None` at a list terminator.
    fn header(&self, pos: u64, end: u64, top_level: bool) -> Result<Option<BoxHeader>, MediaError> {
        if end - pos < 8 {
            if top_level {
                return Err(MediaError::Truncated {
                    what: "box header",
                    offset: pos,
                });
            }
            return Ok(None);
        }
        let head = self.read(pos, 8, "box header")?;
        let size32 = u32::from_be_bytes([head[0], head[1], head[2], head[3]]);
        let typ = [head[4], head[5], head[6], head[7]];
        let mut header_len = 8u64;
        let size = match size32 {
            0 if top_level => end - pos,
            0 => return Ok(None),
            1 => {
                let large = self.read(pos + 8, 8, "box header")?;
                header_len = 16;
                let mut b = [0u8; 8];
                b.copy_from_slice(&large);
                u64::from_be_bytes(b)
            }
            n => u64::from(n),
        };
        if &typ == b"uuid" {
            header_len += 16;
        }
        if size < header_len {
            return Err(MediaError::Malformed {
                what: "box",
                offset: pos,
                reason: format!(
                    "'{}' box says it is {size} bytes, less than its {header_len}-byte header",
                    fourcc(&typ)
                ),
            });
        }
        let mut box_end = pos.checked_add(size).ok_or_else(|| MediaError::Malformed {
            what: "box",
            offset: pos,
            reason: format!("'{}' box size {size} is impossibly large", fourcc(&typ)),
        })?;
        if box_end > end {
            if top_level && &typ == b"mdat" {
                box_end = end;
            } else if box_end > self.len {
                return Err(MediaError::Truncated {
                    what: "box",
                    offset: pos,
                });
            } else {
                return Err(MediaError::Malformed {
                    what: "box",
                    offset: pos,
                    reason: format!(
                        "'{}' box of {size} bytes runs past the end of its container at byte {end}",
                        fourcc(&typ)
                    ),
                });
            }
        }
        Ok(Some(BoxHeader {
            typ,
            start: pos,
            header_len,
            end: box_end,
        }))
    }

    /// The children of box `b`, whose payload starts `skip` bytes in (4 for full boxes).
    pub fn children_of(
        &self,
        b: &BoxHeader,
        skip: u64,
        depth: usize,
    ) -> Result<Vec<BoxHeader>, MediaError> {
        if b.payload_len() < skip {
            return Err(MediaError::Truncated {
                what: "box",
                offset: b.start,
            });
        }
        self.children(b.payload_start() + skip, b.end, depth, false)
    }

    /// Reads `len` bytes at `offset`.
    pub fn read(&self, offset: u64, len: u64, what: &'static str) -> Result<Vec<u8>, MediaError> {
        let n = usize::try_from(len).map_err(|_| MediaError::Truncated { what, offset })?;
        self.src.read_exact_at(offset, n, what)
    }

    /// The payload of `b`, refusing payloads larger than `cap` bytes (metadata is small; a huge
    /// "metadata" box is hostile or not what it claims to be).
    pub fn payload(
        &self,
        b: &BoxHeader,
        cap: u64,
        what: &'static str,
    ) -> Result<Vec<u8>, MediaError> {
        if b.payload_len() > cap {
            return Err(MediaError::Malformed {
                what,
                offset: b.start,
                reason: format!(
                    "{} bytes is far larger than any real {what} (limit {cap})",
                    b.payload_len()
                ),
            });
        }
        self.read(b.payload_start(), b.payload_len(), what)
    }

    /// Where the children of a `meta` box start. ISO `meta` is a full box (4 bytes of version
    /// and flags, always zero, before its children); QuickTime's `meta` is not. A payload that
    /// starts with a plausible box header (a size of at least 8 that fits, and a printable type)
    /// is QuickTime's; zero version and flags can never look like one.
    pub fn meta_skip(&self, b: &BoxHeader) -> Result<u64, MediaError> {
        if b.payload_len() >= 8 {
            let head = self.read(b.payload_start(), 8, "meta box")?;
            let size = u64::from(u32::from_be_bytes([head[0], head[1], head[2], head[3]]));
            let printable = head[4..8]
                .iter()
                .all(|&c| c == 0xA9 || (0x20..=0x7E).contains(&c));
            if (8..=b.payload_len()).contains(&size) && printable {
                return Ok(0);
            }
        }
        Ok(4)
    }
}

/// A bounds-checked reader over a payload held in memory. Every read that would pass the end
/// fails with [`MediaError::Truncated`] naming the structure and its file offset.
pub(crate) struct Cursor<'a> {
    buf: &'a [u8],
    pos: usize,
    /// File offset of `buf[0]`, for error messages.
    base: u64,
    what: &'static str,
}

impl<'a> Cursor<'a> {
    pub fn new(buf: &'a [u8], base: u64, what: &'static str) -> Self {
        Cursor {
            buf,
            pos: 0,
            base,
            what,
        }
    }

    pub fn pos(&self) -> usize {
        self.pos
    }

    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    fn err(&self) -> MediaError {
        MediaError::Truncated {
            what: self.what,
            offset: self.base + self.pos as u64,
        }
    }

    pub fn bytes(&mut self, n: usize) -> Result<&'a [u8], MediaError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|e| *e <= self.buf.len())
            .ok_or_else(|| self.err())?;
        let out = &self.buf[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    pub fn skip(&mut self, n: usize) -> Result<(), MediaError> {
        self.bytes(n).map(|_| ())
    }

    pub fn u8(&mut self) -> Result<u8, MediaError> {
        Ok(self.bytes(1)?[0])
    }

    pub fn u16(&mut self) -> Result<u16, MediaError> {
        let b = self.bytes(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    pub fn u32(&mut self) -> Result<u32, MediaError> {
        let b = self.bytes(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    pub fn u64(&mut self) -> Result<u64, MediaError> {
        let b = self.bytes(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_be_bytes(a))
    }

    /// An unsigned integer of 0, 4 or 8 bytes (the variable field sizes of `iloc`).
    pub fn sized(&mut self, size: u8) -> Result<u64, MediaError> {
        match size {
            0 => Ok(0),
            4 => self.u32().map(u64::from),
            8 => self.u64(),
            n => Err(MediaError::Malformed {
                what: self.what,
                offset: self.base + self.pos as u64,
                reason: format!("field size {n} is not 0, 4 or 8"),
            }),
        }
    }

    /// A NUL-terminated string (the rest of the buffer if no NUL), decoded leniently.
    pub fn cstring(&mut self) -> String {
        let rest = &self.buf[self.pos..];
        let n = rest.iter().position(|b| *b == 0).unwrap_or(rest.len());
        let s = String::from_utf8_lossy(&rest[..n]).into_owned();
        self.pos = (self.pos + n + 1).min(self.buf.len());
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bx(typ: &[u8; 4], payload: &[u8]) -> Vec<u8> {
        let mut v = ((payload.len() + 8) as u32).to_be_bytes().to_vec();
        v.extend_from_slice(typ);
        v.extend_from_slice(payload);
        v
    }

    #[test]
    fn walks_siblings_and_large_sizes() {
        let mut file = bx(b"ftyp", b"isom\0\0\0\0");
        // 64-bit size header: size field 1, then the real size.
        file.extend_from_slice(&1u32.to_be_bytes());
        file.extend_from_slice(b"free");
        file.extend_from_slice(&20u64.to_be_bytes());
        file.extend_from_slice(&[0; 4]);
        // Size 0 at top level: to the end of the file.
        file.extend_from_slice(&0u32.to_be_bytes());
        file.extend_from_slice(b"mdat");
        file.extend_from_slice(&[7; 10]);
        let w = Walker::new(&file);
        let kids = w.children(0, w.len(), 0, true).expect("walk");
        let types: Vec<_> = kids.iter().map(|b| b.typ).collect();
        assert_eq!(types, vec![*b"ftyp", *b"free", *b"mdat"]);
        assert_eq!(kids[1].header_len, 16);
        assert_eq!(kids[1].size(), 20);
        assert_eq!(kids[2].end, file.len() as u64);
    }

    #[test]
    fn rejects_bad_sizes() {
        let mut file = bx(b"ftyp", b"isom");
        file.extend_from_slice(&4u32.to_be_bytes());
        file.extend_from_slice(b"free");
        let w = Walker::new(&file);
        assert!(matches!(
            w.children(0, w.len(), 0, true),
            Err(MediaError::Malformed { offset: 12, .. })
        ));

        let mut file = bx(b"ftyp", b"isom");
        file.extend_from_slice(&100u32.to_be_bytes());
        file.extend_from_slice(b"moov");
        let w = Walker::new(&file);
        assert!(matches!(
            w.children(0, w.len(), 0, true),
            Err(MediaError::Truncated { offset: 12, .. })
        ));

        // A child that overruns its parent (but not the file) is malformed, not truncated.
        let mut child = 12u32.to_be_bytes().to_vec(); // claims 12 bytes, udta holds only 8
        child.extend_from_slice(b"abcd");
        let mut inner = bx(b"udta", &child);
        inner.extend_from_slice(&[0; 8]);
        let file = bx(b"moov", &inner);
        let w = Walker::new(&file);
        let moov = w.children(0, w.len(), 0, true).expect("top");
        let udta = w.children_of(&moov[0], 0, 1).expect("moov");
        assert!(matches!(
            w.children_of(&udta[0], 0, 2),
            Err(MediaError::Malformed { .. })
        ));

        assert!(matches!(
            w.children(0, 8, MAX_DEPTH + 1, false),
            Err(MediaError::TooDeep { .. })
        ));
    }

    #[test]
    fn cursor_is_bounded() {
        let data = [0u8, 1, 2];
        let mut c = Cursor::new(&data, 100, "test");
        assert_eq!(c.u16().ok(), Some(1));
        assert!(matches!(
            c.u16(),
            Err(MediaError::Truncated { offset: 102, .. })
        ));
        assert!(c.sized(3).is_err());
        assert_eq!(c.u8().ok(), Some(2));
        assert_eq!(c.cstring(), "");
    }
}

//! EXIF (TIFF-structured) metadata: GPS and identity tags, and their removal in place so that no
//! offset elsewhere in the container moves.
//!
//! Removal never changes the block's length: a removed entry is taken out of its directory by
//! moving the later entries up (the count drops by one and the freed 12 bytes at the end become
//! zeros), and the values only it used are zeroed. Readers such as ExifTool then find no GPS
//! directory at all. Values that any kept entry, directory or image strip also uses are never
//! touched, so pictures, orientation and colour profiles stay exactly as they were.

mod fields;
mod ifd;
mod kamadak;
mod makernote;

pub(crate) use ifd::{IfdKind, Tiff, Walk};

use super::{ByteSource, MediaError, MediaReport, StripMode};
use fields::Fields;
use ifd::{Entry, Ifd, TAG_GPS_IFD, TAG_MAKER_NOTE};
use std::collections::{BTreeMap, HashSet};

/// Reads a TIFF-structured EXIF block (starting at its `II*\0`/`MM\0*` header) and adds what it
/// reveals to `report`.
pub fn inspect_tiff(tiff: &[u8], report: &mut MediaReport) -> Result<(), MediaError> {
    inspect_tiff_with_reader(tiff, report).map(|_| ())
}

/// Which reader read an EXIF block's fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldReader {
    /// The kamadak-exif crate: the normal path.
    KamadakExif,
    /// The built-in directory walker, because kamadak-exif could not read the whole block (why).
    Walker(String),
}

/// [`inspect_tiff`], also saying which reader read the block's fields.
pub fn inspect_tiff_with_reader(tiff: &[u8], report: &mut MediaReport) -> Result<FieldReader, MediaError> {
    let t = Tiff::new(&tiff, 0, tiff.len() as u64)?;
    // The walker's pass over the directory tables (no values) screens the block for
    // kamadak-exif, and is what the fallback reports from.
    let walk = t.walk(true)?;
    match kamadak::screen(&walk).and_then(|()| kamadak::read(tiff)) {
        Ok(exif) => {
            kamadak::report(&exif, &t, report);
            Ok(FieldReader::KamadakExif)
        }
        Err(why) => {
            // Fallback: kamadak-exif rejects a block for one damaged directory or value, skips
            // directories it does not follow, and has no size limits (see kamadak.rs); the
            // walker reads every directory it can reach, within limits, and notes a damaged GPS
            // directory as a residual risk.
            inspect_walk(&t, &walk, report, true);
            Ok(FieldReader::Walker(why))
        }
    }
}

/// A same-length copy of the block with `mode`'s tags removed, or `None` when there is nothing to
/// remove.
pub fn clean_tiff(tiff: &[u8], mode: StripMode) -> Result<Option<Vec<u8>>, MediaError> {
    let t = Tiff::new(&tiff, 0, tiff.len() as u64)?;
    let walk = t.walk(true)?;
    let patches = plan_clean(&t, &walk, mode, true)?;
    if patches.is_empty() {
        return Ok(None);
    }
    let mut out = tiff.to_vec();
    apply_patches(&mut out, 0, &patches);
    Ok(Some(out))
}

/// A replacement for `bytes.len()` bytes at `at` (relative to the TIFF header).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Patch {
    pub at: u64,
    pub bytes: Vec<u8>,
}

/// Writes `patches` into `buf`, which holds the block's bytes from `buf_start` on.
pub(crate) fn apply_patches(buf: &mut [u8], buf_start: u64, patches: &[Patch]) {
    for p in patches {
        for (i, b) in p.bytes.iter().enumerate() {
            let Some(at) = (p.at + i as u64).checked_sub(buf_start) else { continue };
            if let Some(slot) = usize::try_from(at).ok().and_then(|at| buf.get_mut(at)) {
                *slot = *b;
            }
        }
    }
}

/// Merges patches into disjoint `(start, bytes)` runs over the original block, reading the
/// original bytes between overlapping patches from `t`.
pub(crate) fn merge_patches(t: &Tiff, patches: &[Patch]) -> Result<Vec<(u64, Vec<u8>)>, MediaError> {
    let mut spans: Vec<(u64, u64)> = patches.iter().map(|p| (p.at, p.at + p.bytes.len() as u64)).collect();
    spans.sort_unstable();
    let mut merged: Vec<(u64, u64)> = Vec::new();
    for (s, e) in spans {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    let mut out = Vec::with_capacity(merged.len());
    for (s, e) in merged {
        let mut buf = t.read(s, e - s, "TIFF block")?;
        apply_patches(&mut buf, s, patches);
        out.push((s, buf));
    }
    Ok(out)
}

// --- tags -------------------------------------------------------------------------------------

const MAKE: u16 = 0x010F;
const MODEL: u16 = 0x0110;
const DATE_TIME_ORIGINAL: u16 = 0x9003;
const THUMB_OFFSET: u16 = 0x0201;
const THUMB_LENGTH: u16 = 0x0202;
const STRIP_OFFSETS: u16 = 0x0111;
const STRIP_COUNTS: u16 = 0x0117;
const TILE_OFFSETS: u16 = 0x0144;
const TILE_COUNTS: u16 = 0x0145;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Serial,
    Owner,
    /// Removed in identifying mode, not reported (maker notes, unique ids, raw converter data).
    Private,
}

/// Identity tags of IFD0 and the EXIF IFD: (tag, ExifTool name, class).
const IDENTITY_TAGS: &[(u16, &str, Class)] = &[
    (0x013B, "Artist", Class::Owner),
    (0x9C9D, "XPAuthor", Class::Owner),
    (0xA430, "OwnerName", Class::Owner),
    (0xFDE8, "OwnerName", Class::Owner),
    (0xA431, "SerialNumber", Class::Serial),
    (0xFDE9, "SerialNumber", Class::Serial),
    (0xC62F, "CameraSerialNumber", Class::Serial),
    (0xA435, "LensSerialNumber", Class::Serial),
    (0xA420, "ImageUniqueID", Class::Private),
    (TAG_MAKER_NOTE, "MakerNote", Class::Private),
    (0xC634, "DNGPrivateData", Class::Private),
];

// --- the walker's fields ----------------------------------------------------------------------

/// The text of an ASCII, BYTE or UNDEFINED value (see [`fields::decode_text`]).
pub(crate) fn text(t: &Tiff, e: &Entry) -> Option<String> {
    let v = t.value(e, fields::MAX_TEXT as u64)?;
    fields::decode_text(e.tag, e.typ, &v)
}

/// One directory found by the walker.
struct WalkedIfd<'a, 'b> {
    t: &'a Tiff<'b>,
    ifd: &'a Ifd,
}

impl Fields for WalkedIfd<'_, '_> {
    fn kind(&self) -> IfdKind {
        self.ifd.kind
    }

    fn tags(&self) -> Vec<u16> {
        self.ifd.entries.iter().map(|e| e.tag).collect()
    }

    fn has(&self, tag: u16) -> bool {
        self.ifd.get(tag).is_some()
    }

    fn text(&self, tag: u16) -> Option<String> {
        text(self.t, self.ifd.get(tag)?)
    }

    fn numbers(&self, tag: u16) -> Option<(u16, Vec<f64>)> {
        let e = self.ifd.get(tag)?;
        let width = match e.typ {
            1 | 6 | 7 => 1,
            3 | 8 => 2,
            4 | 9 | 11 => 4,
            5 | 10 | 12 => 8,
            _ => return None,
        };
        if e.count == 0 || e.count as usize > fields::MAX_NUMBERS {
            return None;
        }
        let v = self.t.value(e, width * fields::MAX_NUMBERS as u64)?;
        let t = self.t;
        let numbers = (0..e.count as usize)
            .map(|i| {
                let (u16_at, u32_at) = (|at| t.u16_at(&v, at), |at| t.u32_at(&v, at));
                match e.typ {
                    1 | 7 => f64::from(v.get(i).copied().unwrap_or(0)),
                    6 => f64::from(v.get(i).copied().unwrap_or(0) as i8),
                    3 => f64::from(u16_at(i * 2)),
                    8 => f64::from(u16_at(i * 2) as i16),
                    4 => f64::from(u32_at(i * 4)),
                    9 => f64::from(u32_at(i * 4) as i32),
                    11 => f64::from(f32::from_bits(u32_at(i * 4))),
                    5 => fields::ratio(f64::from(u32_at(i * 8)), f64::from(u32_at(i * 8 + 4))),
                    10 => fields::ratio(f64::from(u32_at(i * 8) as i32), f64::from(u32_at(i * 8 + 4) as i32)),
                    _ => {
                        let (a, b) = (u64::from(u32_at(i * 8)), u64::from(u32_at(i * 8 + 4)));
                        let bits = if t.big_endian { a << 32 | b } else { b << 32 | a };
                        f64::from_bits(bits)
                    }
                }
            })
            .collect();
        Some((e.typ, numbers))
    }

    fn maker_note(&self, report: &mut MediaReport) {
        if let Some(e) = self.ifd.get(TAG_MAKER_NOTE) {
            makernote::inspect(self.t, e, report);
        }
    }
}

/// Adds what a walked TIFF block reveals. `embedded`: an EXIF block inside another container
/// (IFD1 is then a thumbnail) rather than a TIFF/DNG file.
pub(crate) fn inspect_walk(t: &Tiff, walk: &Walk, report: &mut MediaReport, embedded: bool) {
    for (kind, err) in &walk.problems {
        if *kind == IfdKind::Gps {
            report.add_residual(format!(
                "the EXIF GPS directory is damaged ({err}); it may hold location that could not be read"
            ));
        }
    }
    if walk.gps_pointer && walk.find(IfdKind::Gps).is_none() && !walk.problems.iter().any(|(k, _)| *k == IfdKind::Gps) {
        report.add_residual("the EXIF GPS directory could not be read; it may hold location");
    }
    let dirs: Vec<WalkedIfd> = walk.ifds.iter().map(|ifd| WalkedIfd { t, ifd }).collect();
    let dirs: Vec<&dyn Fields> = dirs.iter().map(|d| d as &dyn Fields).collect();
    fields::report_block(&dirs, embedded, report);
}

// --- cleaning ---------------------------------------------------------------------------------

/// Plans the same-length patches that remove `mode`'s tags from a walked block.
pub(crate) fn plan_clean(t: &Tiff, walk: &Walk, mode: StripMode, embedded: bool) -> Result<Vec<Patch>, MediaError> {
    let identifying = mode == StripMode::Identifying;
    // Directories dropped entirely, and entries dropped from the directories that stay.
    let mut dropped_ifds: Vec<&Ifd> = Vec::new();
    let mut removals: BTreeMap<u64, HashSet<u16>> = BTreeMap::new();

    for ifd in &walk.ifds {
        if ifd.kind == IfdKind::Gps {
            dropped_ifds.push(ifd);
        }
    }
    for ifd in &walk.ifds {
        if dropped_ifds.iter().any(|d| d.offset == ifd.offset) {
            continue;
        }
        let mut remove = HashSet::new();
        if ifd.get(TAG_GPS_IFD).is_some() {
            remove.insert(TAG_GPS_IFD);
        }
        // A title, caption or comment that says where (an address, coordinates).
        if matches!(ifd.kind, IfdKind::Main(0) | IfdKind::Exif) {
            for e in &ifd.entries {
                if fields::WORD_TAGS.iter().any(|(tag, _)| *tag == e.tag)
                    && text(t, e).is_some_and(|s| super::words::carries_location(&s))
                {
                    remove.insert(e.tag);
                }
            }
        }
        if identifying && matches!(ifd.kind, IfdKind::Main(_) | IfdKind::Exif | IfdKind::Sub) {
            for e in &ifd.entries {
                if IDENTITY_TAGS.iter().any(|(id, _, _)| *id == e.tag) {
                    remove.insert(e.tag);
                }
            }
        }
        // The thumbnail: its data pointers go (the data is zeroed below); IFD1 itself stays, as
        // some files keep their only Orientation tag there.
        if embedded && identifying && ifd.kind == IfdKind::Main(1) {
            for tag in [THUMB_OFFSET, THUMB_LENGTH, STRIP_OFFSETS, STRIP_COUNTS] {
                if ifd.get(tag).is_some() {
                    remove.insert(tag);
                }
            }
        }
        if !remove.is_empty() {
            removals.insert(ifd.offset, remove);
        }
    }
    if dropped_ifds.is_empty() && removals.is_empty() {
        return Ok(Vec::new());
    }

    // What stays referenced: the header, kept directories, kept values and image data.
    let mut protected: Vec<(u64, u64)> = vec![(0, 8)];
    let mut doomed: Vec<(u64, u64)> = Vec::new();
    for ifd in &walk.ifds {
        let dropped = dropped_ifds.iter().any(|d| d.offset == ifd.offset);
        let span = (ifd.offset, ifd.offset + ifd.table_len());
        if dropped {
            doomed.push(span);
        } else {
            protected.push(span);
        }
        let removed = removals.get(&ifd.offset);
        for e in &ifd.entries {
            let gone = dropped || removed.is_some_and(|r| r.contains(&e.tag));
            let mut ranges = Vec::new();
            if e.out_of_line() {
                ranges.push((e.value_at, e.value_at.saturating_add(e.size)));
            }
            ranges.extend(data_ranges(t, ifd, e));
            if gone {
                doomed.extend(ranges);
            } else {
                protected.extend(ranges);
            }
        }
    }

    let mut patches = Vec::new();
    for ifd in &walk.ifds {
        if let Some(remove) = removals.get(&ifd.offset) {
            patches.push(rewrite_ifd(t, ifd, remove)?);
        }
    }
    for (s, e) in doomed {
        for (s, e) in subtract(s.min(t.len()), e.min(t.len()), &protected) {
            if e > s {
                patches.push(Patch { at: s, bytes: vec![0; (e - s) as usize] });
            }
        }
    }
    Ok(patches)
}

/// Image data referenced by strip, tile or thumbnail offsets of `e` (paired with their counts).
fn data_ranges(t: &Tiff, ifd: &Ifd, e: &Entry) -> Vec<(u64, u64)> {
    let counts_tag = match e.tag {
        STRIP_OFFSETS => STRIP_COUNTS,
        TILE_OFFSETS => TILE_COUNTS,
        THUMB_OFFSET => THUMB_LENGTH,
        _ => return Vec::new(),
    };
    let Some(counts) = ifd.get(counts_tag) else { return Vec::new() };
    let offs = t.offsets(e, 1 << 16);
    let lens = t.offsets(counts, 1 << 16);
    offs.iter().zip(lens.iter()).map(|(o, l)| (*o, o.saturating_add(*l))).collect()
}

/// Parts of `s..e` not covered by `protected`.
fn subtract(s: u64, e: u64, protected: &[(u64, u64)]) -> Vec<(u64, u64)> {
    let mut parts = vec![(s, e)];
    for &(ps, pe) in protected {
        let mut next = Vec::new();
        for (a, b) in parts {
            if pe <= a || ps >= b {
                next.push((a, b));
                continue;
            }
            if ps > a {
                next.push((a, ps));
            }
            if pe < b {
                next.push((pe, b));
            }
        }
        parts = next;
    }
    parts
}

/// The directory table without the `remove` entries, moved up and zero-padded to the same
/// length (a next-IFD pointer cut off by the end of the block stays cut off).
fn rewrite_ifd(t: &Tiff, ifd: &Ifd, remove: &HashSet<u16>) -> Result<Patch, MediaError> {
    let avail = ifd.table_len().min(t.len().saturating_sub(ifd.offset));
    let table = t.read(ifd.offset, avail, "TIFF IFD")?;
    let n = ifd.entries.len();
    let mut out = Vec::with_capacity(table.len());
    let kept: Vec<usize> = (0..n).filter(|i| !remove.contains(&ifd.entries[*i].tag)).collect();
    out.extend_from_slice(&t.put_u16(kept.len() as u16));
    for i in &kept {
        out.extend_from_slice(table.get(2 + i * 12..2 + i * 12 + 12).unwrap_or(&[0; 12]));
    }
    out.extend_from_slice(table.get(2 + n * 12..).unwrap_or(&[]));
    out.resize(table.len(), 0);
    Ok(Patch { at: ifd.offset, bytes: out })
}

/// Opens the TIFF structure of a whole file (TIFF, DNG) for the container module.
pub(crate) fn open_file(src: &dyn ByteSource) -> Result<(Tiff<'_>, Walk), MediaError> {
    let t = Tiff::new(src, 0, src.len())?;
    let walk = t.walk(true)?;
    Ok((t, walk))
}

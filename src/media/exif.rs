//! EXIF (TIFF-structured) metadata: GPS and identity tags, and their removal in place so that no
//! offset elsewhere in the container moves.
//!
//! Removal never changes the block's length: a removed entry is taken out of its directory by
//! moving the later entries up (the count drops by one and the freed 12 bytes at the end become
//! zeros), and the values only it used are zeroed. Readers such as ExifTool then find no GPS
//! directory at all. Values that any kept entry, directory or image strip also uses are never
//! touched, so pictures, orientation and colour profiles stay exactly as they were.

mod ifd;
mod makernote;

pub(crate) use ifd::{IfdKind, Tiff, Walk};

use super::{ByteSource, MediaError, MediaReport, StripMode};
use ifd::{Entry, Ifd, TAG_GPS_IFD, TAG_MAKER_NOTE};
use std::collections::{BTreeMap, HashSet};

/// Reads a TIFF-structured EXIF block (starting at its `II*\0`/`MM\0*` header) and adds what it
/// reveals to `report`.
pub fn inspect_tiff(tiff: &[u8], report: &mut MediaReport) -> Result<(), MediaError> {
    let t = Tiff::new(&tiff, 0, tiff.len() as u64)?;
    let walk = t.walk(true)?;
    inspect_walk(&t, &walk, report, true);
    Ok(())
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

const GPS_LAT_REF: u16 = 0x0001;
const GPS_LAT: u16 = 0x0002;
const GPS_LON_REF: u16 = 0x0003;
const GPS_LON: u16 = 0x0004;
const GPS_ALT_REF: u16 = 0x0005;
const GPS_ALT: u16 = 0x0006;
const GPS_DEST_LAT_REF: u16 = 0x0013;
const GPS_DEST_LAT: u16 = 0x0014;
const GPS_DEST_LON_REF: u16 = 0x0015;
const GPS_DEST_LON: u16 = 0x0016;

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

fn group(kind: IfdKind) -> &'static str {
    match kind {
        IfdKind::Main(0) => "IFD0",
        IfdKind::Main(_) => "IFD1",
        IfdKind::Exif => "ExifIFD",
        IfdKind::Gps => "GPS",
        IfdKind::Interop => "InteropIFD",
        IfdKind::Sub => "SubIFD",
    }
}

// --- reading values ---------------------------------------------------------------------------

/// The text of an ASCII (or UNDEFINED, or Windows UCS-2 `XP*`) value.
pub(crate) fn text(t: &Tiff, e: &Entry) -> Option<String> {
    let v = t.value(e, 64 * 1024)?;
    let s = if (0x9C9B..=0x9C9F).contains(&e.tag) && e.typ == 1 {
        let units: Vec<u16> =
            v.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).take_while(|u| *u != 0).collect();
        String::from_utf16_lossy(&units)
    } else {
        // Up to the first NUL after any leading NULs (some UNDEFINED strings start with them).
        let start = v.iter().position(|b| *b != 0).unwrap_or(v.len());
        let end = v[start..].iter().position(|b| *b == 0).map_or(v.len(), |i| start + i);
        String::from_utf8_lossy(&v[start..end]).into_owned()
    };
    let s = super::found::clean_text(&s);
    (!s.is_empty()).then_some(s)
}

/// The values of a RATIONAL or SRATIONAL entry (NaN where the denominator is zero).
fn rationals(t: &Tiff, e: &Entry) -> Vec<f64> {
    if !matches!(e.typ, 5 | 10) || e.count == 0 || e.count > 16 {
        return Vec::new();
    }
    let Some(v) = t.value(e, 128) else { return Vec::new() };
    (0..e.count as usize)
        .map(|i| {
            let (n, d) = (t.u32_at(&v, i * 8), t.u32_at(&v, i * 8 + 4));
            let (n, d) =
                if e.typ == 10 { (f64::from(n as i32), f64::from(d as i32)) } else { (f64::from(n), f64::from(d)) };
            if d == 0.0 {
                f64::NAN
            } else {
                n / d
            }
        })
        .collect()
}

/// The first BYTE/SHORT/LONG value.
fn uint(t: &Tiff, e: &Entry) -> Option<u32> {
    let v = t.value(e, 64)?;
    match e.typ {
        1 | 7 => v.first().map(|b| u32::from(*b)),
        3 => Some(u32::from(t.u16_at(&v, 0))),
        4 => Some(t.u32_at(&v, 0)),
        _ => None,
    }
}

/// Degrees from a GPS degrees/minutes/seconds value and its N/S/E/W reference.
fn degrees(t: &Tiff, gps: &Ifd, value: u16, reference: u16) -> Option<f64> {
    let e = gps.get(value)?;
    let v = rationals(t, e);
    if v.is_empty() || v.iter().any(|x| !x.is_finite()) {
        return None;
    }
    let deg = v[0] + v.get(1).copied().unwrap_or(0.0) / 60.0 + v.get(2).copied().unwrap_or(0.0) / 3600.0;
    let negative = gps
        .get(reference)
        .and_then(|r| text(t, r))
        .is_some_and(|r| matches!(r.chars().next(), Some('S' | 's' | 'W' | 'w')));
    Some(if negative { -deg } else { deg })
}

// --- inspecting -------------------------------------------------------------------------------

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
    for ifd in &walk.ifds {
        match ifd.kind {
            IfdKind::Gps => inspect_gps(t, ifd, report),
            IfdKind::Main(0) | IfdKind::Exif => inspect_identity(t, ifd, report),
            IfdKind::Main(_) | IfdKind::Sub if !embedded => inspect_identity(t, ifd, report),
            _ => {}
        }
    }
    // Weaker location hints that stripping location leaves in place.
    let has_maker_note = walk.ifds.iter().any(|i| i.get(TAG_MAKER_NOTE).is_some());
    let make = report.identity.make.clone().unwrap_or_default().to_ascii_lowercase();
    if has_maker_note && ["canon", "pentax", "ricoh", "casio", "panasonic"].iter().any(|m| make.starts_with(m)) {
        report.add_residual(
            "this camera's maker notes can name a home or world-time city; stripping location keeps them \
             (identifying mode removes maker notes)",
        );
    }
    let geotiff = walk.ifds.iter().any(|i| GEOTIFF_TAGS.iter().any(|t| i.get(*t).is_some()));
    if geotiff {
        report.add_residual("GeoTIFF georeferencing tags place the image on a map; they are not removed");
    }
}

/// ModelPixelScale, ModelTiepoint, ModelTransformation, GeoKeyDirectory.
const GEOTIFF_TAGS: &[u16] = &[33550, 33922, 34264, 34735];

fn inspect_gps(t: &Tiff, gps: &Ifd, report: &mut MediaReport) {
    let lat = degrees(t, gps, GPS_LAT, GPS_LAT_REF);
    let lon = degrees(t, gps, GPS_LON, GPS_LON_REF);
    if let (Some(lat), Some(lon)) = (lat, lon) {
        let alt = gps.get(GPS_ALT).and_then(|e| rationals(t, e).first().copied()).filter(|a| a.is_finite()).map(|a| {
            let below = gps.get(GPS_ALT_REF).and_then(|e| uint(t, e)) == Some(1);
            if below {
                -a
            } else {
                a
            }
        });
        report.add_coordinates("EXIF:GPS", lat, lon, alt);
    }
    let dlat = degrees(t, gps, GPS_DEST_LAT, GPS_DEST_LAT_REF);
    let dlon = degrees(t, gps, GPS_DEST_LON, GPS_DEST_LON_REF);
    if let (Some(lat), Some(lon)) = (dlat, dlon) {
        report.add_coordinates("EXIF:GPSDest", lat, lon, None);
    }
}

fn inspect_identity(t: &Tiff, ifd: &Ifd, report: &mut MediaReport) {
    for e in &ifd.entries {
        match e.tag {
            MAKE => {
                if let Some(v) = text(t, e) {
                    report.set_make(&v)
                }
            }
            MODEL => {
                if let Some(v) = text(t, e) {
                    report.set_model(&v)
                }
            }
            DATE_TIME_ORIGINAL => {
                if let Some(v) = text(t, e) {
                    report.set_captured_at(&v)
                }
            }
            TAG_MAKER_NOTE => makernote::inspect(t, e, report),
            tag => {
                let Some((_, name, class)) = IDENTITY_TAGS.iter().find(|(id, _, _)| *id == tag) else { continue };
                let tag_name = format!("{}:{name}", group(ifd.kind));
                match class {
                    Class::Serial => {
                        let value = text(t, e).or_else(|| uint(t, e).map(|n| n.to_string()));
                        if let Some(v) = value {
                            report.add_serial(&tag_name, &v);
                        }
                    }
                    Class::Owner => {
                        if let Some(v) = text(t, e) {
                            report.add_owner(&tag_name, &v);
                        }
                    }
                    Class::Private => {}
                }
            }
        }
    }
}

// --- cleaning ---------------------------------------------------------------------------------

/// Plans the same-length patches that remove `mode`'s tags from a walked block.
pub(crate) fn plan_clean(t: &Tiff, walk: &Walk, mode: StripMode, embedded: bool) -> Result<Vec<Patch>, MediaError> {
    let identifying = mode == StripMode::Identifying;
    // Directories dropped entirely, and entries dropped from the directories that stay.
    let mut dropped_ifds: Vec<&Ifd> = Vec::new();
    let mut removals: BTreeMap<u64, HashSet<u16>> = BTreeMap::new();

    for ifd in &walk.ifds {
        match ifd.kind {
            IfdKind::Gps => dropped_ifds.push(ifd),
            _ => {}
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

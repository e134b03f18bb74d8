//! Serial numbers and owner names inside camera maker notes (Canon, Nikon, Olympus/OM System,
//! Panasonic, Pentax, Sigma), which ExifTool reports and which identify the camera and its owner.
//!
//! Maker notes are proprietary; only the well-documented IFD-based layouts are read. Their value
//! offsets are relative either to the maker note or to the TIFF header depending on the camera
//! (and sometimes on the firmware), so each value is looked up against the expected base first
//! and the other one second. In identifying mode the whole maker note is removed anyway, so
//! reading them only affects the report.

use super::ifd::{Entry, Ifd, IfdKind, Tiff};
use super::text;
use crate::media::MediaReport;

/// What to report from one maker-note IFD: (tag, ExifTool name, is a serial number).
type Tags = &'static [(u16, &'static str, bool)];

const CANON: Tags =
    &[(0x0009, "OwnerName", false), (0x000C, "SerialNumber", true), (0x0096, "InternalSerialNumber", true)];
const NIKON: Tags = &[(0x001D, "SerialNumber", true), (0x00A0, "SerialNumber", true)];
const OLYMPUS: Tags = &[(0x0404, "SerialNumber", true), (0x101A, "SerialNumber", true)];
const OLYMPUS_EQUIPMENT: Tags =
    &[(0x0101, "SerialNumber", true), (0x0102, "InternalSerialNumber", true), (0x0202, "LensSerialNumber", true)];
const PANASONIC: Tags = &[(0x0025, "InternalSerialNumber", true)];
const PENTAX: Tags = &[(0x0229, "SerialNumber", true)];
const SIGMA: Tags = &[(0x0002, "SerialNumber", true)];

/// Reads the serial numbers and owner names in the maker note entry `e` of `t`.
pub fn inspect(t: &Tiff, e: &Entry, report: &mut MediaReport) {
    if e.size < 8 || e.size > 4 << 20 {
        return;
    }
    let Ok(head) = t.read(e.value_at, 16.min(e.size), "maker note") else { return };
    let make = report.identity.make.clone().unwrap_or_default().to_ascii_lowercase();
    let note = (t.base() + e.value_at, e.size);
    // The maker note as its own block (offsets relative to its start).
    let own = |skip: u64, be: bool| t.sub(e.value_at + skip, e.size.saturating_sub(skip), be);
    if head.starts_with(b"Nikon\0\x02") {
        let Some(be) = own(10, false).byte_order_at(0) else { return };
        let inner = own(10, be);
        if let Some(ifd) = first_ifd(&inner, 8) {
            read_tags(&inner, t, &ifd, note, "Nikon", NIKON, report);
        }
    } else if head.starts_with(b"OLYMPUS\0") || head.starts_with(b"OM SYSTEM\0") {
        let ifd_at = if head.starts_with(b"OLYMPUS") { 12 } else { 16 };
        let Some(be) = t.byte_order_at(e.value_at + ifd_at - 4) else { return };
        let inner = own(0, be);
        if let Some(ifd) = first_ifd(&inner, ifd_at) {
            olympus(&inner, t, &ifd, note, report);
        }
    } else if head.starts_with(b"OLYMP\0") || head.starts_with(b"EPSON\0") || head.starts_with(b"MINOL\0") {
        if let Some(ifd) = first_ifd(t, e.value_at + 8) {
            olympus(t, &own(0, t.big_endian), &ifd, note, report);
        }
    } else if head.starts_with(b"Panasonic\0") {
        if let Some(ifd) = first_ifd(t, e.value_at + 12) {
            read_tags(t, &own(0, t.big_endian), &ifd, note, "Panasonic", PANASONIC, report);
        }
    } else if head.starts_with(b"AOC\0") {
        let be = own(4, false).byte_order_at(0).unwrap_or(t.big_endian);
        let inner = own(0, be);
        if let Some(ifd) = first_ifd(&inner, 6) {
            read_tags(&inner, t, &ifd, note, "Pentax", PENTAX, report);
            pentax_internal_serial(&inner, t, &ifd, note, report);
        }
    } else if head.starts_with(b"SIGMA\0") || head.starts_with(b"FOVEON\0") {
        let inner = own(0, t.big_endian);
        if let Some(ifd) = first_ifd(&inner, 10) {
            read_tags(&inner, t, &ifd, note, "Sigma", SIGMA, report);
        }
    } else if make.starts_with("canon") {
        if let Some(ifd) = first_ifd(t, e.value_at) {
            read_tags(t, &own(0, t.big_endian), &ifd, note, "Canon", CANON, report);
        }
    }
}

fn first_ifd(t: &Tiff, at: u64) -> Option<Ifd> {
    t.read_ifd(at, IfdKind::Sub).ok().map(|x| x.0)
}

/// Olympus main maker-note tags and its Equipment sub-directory.
fn olympus(t: &Tiff, alt: &Tiff, ifd: &Ifd, note: (u64, u64), report: &mut MediaReport) {
    read_tags(t, alt, ifd, note, "Olympus", OLYMPUS, report);
    let Some(eq) = ifd.get(0x2010) else { return };
    let at = if eq.typ == 7 { Some(eq.value_at) } else { t.offsets(eq, 1).first().copied() };
    let Some(at) = at else { return };
    for base in [t, alt] {
        if let Some(eq_ifd) = first_ifd(base, at) {
            read_tags(
                base,
                if std::ptr::eq(base, t) { alt } else { t },
                &eq_ifd,
                note,
                "Olympus",
                OLYMPUS_EQUIPMENT,
                report,
            );
            return;
        }
    }
}

/// Pentax CameraInfo (0x0215): its fifth 32-bit value is the internal serial number.
fn pentax_internal_serial(t: &Tiff, alt: &Tiff, ifd: &Ifd, note: (u64, u64), report: &mut MediaReport) {
    let Some(e) = ifd.get(0x0215) else { return };
    if e.typ != 4 || e.count < 5 {
        return;
    }
    let Some(v) = value_base(t, alt, ifd, note).value(e, 256) else { return };
    let n = t.u32_at(&v, 16);
    if n != 0 {
        report.add_serial("Pentax:InternalSerialNumber", &n.to_string());
    }
}

/// Which of two offset bases an IFD's values use: the expected one (`t`) if every out-of-line
/// value then lies inside the maker note (`note`: its absolute start and length, which is where
/// writers put them), otherwise `alt` if that makes them all fit, otherwise `t`. ExifTool's
/// "FixBase" exists for the same reason: firmware gets these offsets wrong.
fn value_base<'a, 'b>(t: &'a Tiff<'b>, alt: &'a Tiff<'b>, ifd: &Ifd, note: (u64, u64)) -> &'a Tiff<'b> {
    let fits = |b: &Tiff| {
        ifd.entries.iter().filter(|e| e.out_of_line()).all(|e| {
            let start = b.base() + e.value_at;
            start >= note.0 && start.saturating_add(e.size) <= note.0 + note.1
        })
    };
    if !fits(t) && fits(alt) {
        alt
    } else {
        t
    }
}

/// A printable value (maker-note strings in damaged or misparsed notes are binary noise).
fn printable(s: &str) -> bool {
    !s.chars().any(|c| c == char::REPLACEMENT_CHARACTER || c.is_control())
}

/// Reports `tags` of `ifd`, reading values against whichever of `t` and `alt` is their base.
fn read_tags(t: &Tiff, alt: &Tiff, ifd: &Ifd, note: (u64, u64), group: &str, tags: Tags, report: &mut MediaReport) {
    let base = value_base(t, alt, ifd, note);
    for &(tag, name, serial) in tags {
        let Some(e) = ifd.get(tag) else { continue };
        let b = if e.out_of_line() { base } else { t };
        let value = match e.typ {
            3 | 4 => b.offsets(e, 1).first().filter(|n| **n != 0).map(|n| n.to_string()),
            2 | 7 => text(b, e).filter(|s| printable(s) && s.chars().any(|c| c.is_alphanumeric())),
            _ => None,
        };
        let Some(value) = value else { continue };
        let tag_name = format!("{group}:{name}");
        if serial {
            report.add_serial(&tag_name, &value);
        } else {
            report.add_owner(&tag_name, &value);
        }
    }
}

//! Serial numbers and owner names inside camera maker notes (Canon, Nikon, Olympus/OM System,
//! Panasonic, Sigma), which ExifTool reports and which identify the camera and its owner.
//!
//! Maker notes are proprietary; only the few well-documented IFD-based layouts are read. In
//! identifying mode the whole maker note is removed anyway, so reading them only affects the
//! report.

use super::ifd::{Entry, Ifd, IfdKind, Tiff};
use super::text;
use crate::media::MediaReport;

/// Reads the serial numbers and owner names in the maker note entry `e` of `t`.
pub fn inspect(t: &Tiff, e: &Entry, report: &mut MediaReport) {
    if e.size < 8 || e.size > 4 << 20 {
        return;
    }
    let Ok(head) = t.read(e.value_at, 16.min(e.size), "maker note") else { return };
    let make = report.identity.make.clone().unwrap_or_default().to_ascii_lowercase();
    if head.starts_with(b"Nikon\0\x02") {
        let inner = t.sub(e.value_at + 10, e.size.saturating_sub(10), false);
        let Some(be) = inner.byte_order_at(0) else { return };
        let inner = t.sub(e.value_at + 10, e.size.saturating_sub(10), be);
        let Some(ifd) = first_ifd(&inner, 8) else { return };
        read_tags(&inner, &ifd, "Nikon", &[(0x001D, "SerialNumber", true)], report);
    } else if head.starts_with(b"OLYMPUS\0") || head.starts_with(b"OM SYSTEM\0") {
        let ifd_at = if head.starts_with(b"OLYMPUS") { 12 } else { 16 };
        let Some(be) = t.byte_order_at(e.value_at + ifd_at - 4) else { return };
        let inner = t.sub(e.value_at, e.size, be);
        let Some(ifd) = first_ifd(&inner, ifd_at) else { return };
        if let Some(eq) = ifd.get(0x2010) {
            let at = if eq.typ == 7 { Some(eq.value_at) } else { inner.offsets(eq, 1).first().copied() };
            if let Some(eq_ifd) = at.and_then(|at| inner.read_ifd(at, IfdKind::Sub).ok()).map(|x| x.0) {
                read_tags(
                    &inner,
                    &eq_ifd,
                    "Olympus",
                    &[(0x0101, "SerialNumber", true), (0x0102, "InternalSerialNumber", true), (0x0202, "LensSerialNumber", true)],
                    report,
                );
            }
        }
    } else if head.starts_with(b"Panasonic\0") {
        let Some(ifd) = first_ifd(t, e.value_at + 12) else { return };
        read_tags(t, &ifd, "Panasonic", &[(0x0025, "InternalSerialNumber", true)], report);
    } else if head.starts_with(b"SIGMA\0") || head.starts_with(b"FOVEON\0") {
        let inner = t.sub(e.value_at, e.size, t.big_endian);
        let Some(ifd) = first_ifd(&inner, 10) else { return };
        read_tags(&inner, &ifd, "Sigma", &[(0x0002, "SerialNumber", true)], report);
    } else if make.starts_with("canon") {
        let Some(ifd) = first_ifd(t, e.value_at) else { return };
        read_tags(
            t,
            &ifd,
            "Canon",
            &[(0x0009, "OwnerName", false), (0x000C, "SerialNumber", true), (0x0096, "InternalSerialNumber", true)],
            report,
        );
    }
}

fn first_ifd(t: &Tiff, at: u64) -> Option<Ifd> {
    t.read_ifd(at, IfdKind::Sub).ok().map(|x| x.0)
}

/// Reports `tags` of `ifd`: (tag, name, is_serial); other entries are owner names.
fn read_tags(t: &Tiff, ifd: &Ifd, group: &str, tags: &[(u16, &str, bool)], report: &mut MediaReport) {
    for &(tag, name, serial) in tags {
        let Some(e) = ifd.get(tag) else { continue };
        let value = match e.typ {
            3 | 4 => t.offsets(e, 1).first().filter(|n| **n != 0).map(|n| n.to_string()),
            _ => text(t, e),
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

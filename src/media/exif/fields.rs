//! What EXIF fields mean for a [`MediaReport`]: the one mapping from a directory's fields (GPS
//! coordinates, make, model, serial numbers, owner names, capture time) to the report.
//!
//! Two readers feed it: the kamadak-exif crate for EXIF blocks (`kamadak.rs`) and the
//! directory walker (`ifd.rs`) for whole TIFF/DNG files and for the blocks kamadak-exif rejects.
//! Each presents a directory as [`Fields`], so the same file gives the same report whichever
//! reader read it.

use super::ifd::{IfdKind, TAG_MAKER_NOTE};
use super::{Class, DATE_TIME_ORIGINAL, IDENTITY_TAGS, MAKE, MODEL};
use crate::media::MediaReport;

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

/// The GPS tags read.
pub(super) const GPS_TAGS: &[u16] = &[
    GPS_LAT_REF,
    GPS_LAT,
    GPS_LON_REF,
    GPS_LON,
    GPS_ALT_REF,
    GPS_ALT,
    GPS_DEST_LAT_REF,
    GPS_DEST_LAT,
    GPS_DEST_LON_REF,
    GPS_DEST_LON,
];

/// ModelPixelScale, ModelTiepoint, ModelTransformation, GeoKeyDirectory.
pub(super) const GEOTIFF_TAGS: &[u16] = &[33550, 33922, 34264, 34735];

/// Descriptive text tags of IFD0 and the EXIF IFD: (tag, ExifTool name). Their words are
/// checked by the text policy, and one that says where is location ([`crate::media::words`]).
pub(crate) const WORD_TAGS: &[(u16, &str)] = &[
    (0x010E, "ImageDescription"),
    (0x9C9B, "XPTitle"),
    (0x9C9C, "XPComment"),
    (0x9C9E, "XPKeywords"),
    (0x9C9F, "XPSubject"),
    (0x9286, "UserComment"),
];
const USER_COMMENT: u16 = 0x9286;

/// Longest text value read (a few KB is already generous for a name or serial number).
pub(super) const MAX_TEXT: usize = 64 * 1024;

/// Most values read from one numeric entry (GPS coordinates use 3).
pub(super) const MAX_NUMBERS: usize = 16;

/// `n / d`, NaN for a zero denominator (as in a RATIONAL value).
pub(super) fn ratio(n: f64, d: f64) -> f64 {
    if d == 0.0 {
        f64::NAN
    } else {
        n / d
    }
}

/// The values of a RATIONAL or SRATIONAL entry.
fn rationals(dir: &dyn Fields, tag: u16) -> Vec<f64> {
    match dir.numbers(tag) {
        Some((5 | 10, v)) => v,
        _ => Vec::new(),
    }
}

/// The first value of a BYTE, UNDEFINED, SHORT or LONG entry.
fn uint(dir: &dyn Fields, tag: u16) -> Option<u32> {
    match dir.numbers(tag) {
        Some((1 | 3 | 4 | 7, v)) => v.first().map(|n| *n as u32),
        _ => None,
    }
}

/// A serial number or owner name: its text, or (as ExifTool shows a value of the wrong type)
/// its numbers.
fn name_value(dir: &dyn Fields, tag: u16) -> Option<String> {
    dir.text(tag).or_else(|| {
        let (_, v) = dir.numbers(tag)?;
        // Shortest decimals, cut short where a value of the wrong type makes them absurdly long.
        let show = |n: &f64| {
            let s = n.to_string();
            match s.char_indices().nth(24) {
                Some((i, _)) => format!("{}…", &s[..i]),
                None => s,
            }
        };
        let s: Vec<String> = v.iter().map(show).collect();
        (!s.is_empty()).then(|| s.join(" "))
    })
}

/// One directory (IFD) of an EXIF block, as a reader sees it.
pub(super) trait Fields {
    /// Which directory this is.
    fn kind(&self) -> IfdKind;
    /// The tags present that the report may need, in file order.
    fn tags(&self) -> Vec<u16>;
    fn has(&self, tag: u16) -> bool;
    /// The text of an ASCII, BYTE or UNDEFINED value (see [`decode_text`]).
    fn text(&self, tag: u16) -> Option<String>;
    /// The TIFF type and values of a numeric (or UNDEFINED, as bytes) entry of 1 to
    /// [`MAX_NUMBERS`] values; RATIONALs are NaN where the denominator is zero.
    fn numbers(&self, tag: u16) -> Option<(u16, Vec<f64>)>;
    /// Adds the serial numbers and owner names in this directory's maker note.
    fn maker_note(&self, report: &mut MediaReport);
}

/// Decodes a text value's bytes (`typ` is the TIFF type): Windows `XP*` tags stored as BYTE are
/// UCS-2, everything else is read up to the first NUL after any leading NULs (some UNDEFINED
/// strings start with them). Numeric types are not text.
pub(super) fn decode_text(tag: u16, typ: u16, v: &[u8]) -> Option<String> {
    if !matches!(typ, 1 | 2 | 7) || v.len() > MAX_TEXT {
        return None;
    }
    // UserComment starts with an 8-byte character code ("ASCII\0\0\0", "UNICODE\0", or zeros).
    let v = match v {
        _ if tag == USER_COMMENT && typ == 7 && v.len() >= 8 => {
            if v.starts_with(b"UNICODE\0") {
                let units: Vec<u16> = v[8..]
                    .chunks_exact(2)
                    .map(|c| u16::from_le_bytes([c[0], c[1]]))
                    .take_while(|u| *u != 0)
                    .collect();
                let s = crate::media::found::clean_text(&String::from_utf16_lossy(&units));
                return (!s.is_empty()).then_some(s);
            }
            &v[8..]
        }
        _ => v,
    };
    let s = if (0x9C9B..=0x9C9F).contains(&tag) && typ == 1 {
        let units: Vec<u16> =
            v.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).take_while(|u| *u != 0).collect();
        String::from_utf16_lossy(&units)
    } else {
        let start = v.iter().position(|b| *b != 0).unwrap_or(v.len());
        let rest = v.get(start..).unwrap_or_default();
        let end = rest.iter().position(|b| *b == 0).unwrap_or(rest.len());
        String::from_utf8_lossy(rest.get(..end).unwrap_or_default()).into_owned()
    };
    let s = crate::media::found::clean_text(&s);
    (!s.is_empty()).then_some(s)
}

/// ExifTool's group name for a directory.
pub(super) fn group(kind: IfdKind) -> &'static str {
    match kind {
        IfdKind::Main(0) => "IFD0",
        IfdKind::Main(_) => "IFD1",
        IfdKind::Exif => "ExifIFD",
        IfdKind::Gps => "GPS",
        IfdKind::Interop => "InteropIFD",
        IfdKind::Sub => "SubIFD",
    }
}

/// Adds what the directories of one TIFF-structured block reveal, in order. `embedded`: an EXIF
/// block inside another container (IFD1 is then a thumbnail) rather than a TIFF/DNG file.
pub(super) fn report_block(dirs: &[&dyn Fields], embedded: bool, report: &mut MediaReport) {
    for dir in dirs {
        match dir.kind() {
            IfdKind::Gps => report_gps(*dir, report),
            IfdKind::Main(0) | IfdKind::Exif => {
                report_identity(*dir, report);
                for &(tag, name) in WORD_TAGS {
                    if let Some(text) = dir.text(tag) {
                        report.add_words(&format!("{}:{name}", group(dir.kind())), &text);
                    }
                }
            }
            IfdKind::Main(_) | IfdKind::Sub if !embedded => report_identity(*dir, report),
            _ => {}
        }
    }
    // Weaker location hints that stripping location leaves in place.
    let has_maker_note = dirs.iter().any(|d| d.has(TAG_MAKER_NOTE));
    let make = report.identity.make.clone().unwrap_or_default().to_ascii_lowercase();
    if has_maker_note && ["canon", "pentax", "ricoh", "casio", "panasonic"].iter().any(|m| make.starts_with(m)) {
        report.add_residual(
            "this camera's maker notes can name a home or world-time city; stripping location keeps them \
             (identifying mode removes maker notes)",
        );
    }
    if dirs.iter().any(|d| GEOTIFF_TAGS.iter().any(|t| d.has(*t))) {
        report.add_residual("GeoTIFF georeferencing tags place the image on a map; they are not removed");
    }
}

/// Degrees from a GPS degrees/minutes/seconds value and its N/S/E/W reference.
fn degrees(gps: &dyn Fields, value: u16, reference: u16) -> Option<f64> {
    let v = rationals(gps, value);
    let (&d, rest) = v.split_first()?;
    if !d.is_finite() || rest.iter().any(|x| !x.is_finite()) {
        return None;
    }
    let deg = d + rest.first().copied().unwrap_or(0.0) / 60.0 + rest.get(1).copied().unwrap_or(0.0) / 3600.0;
    let negative =
        gps.text(reference).is_some_and(|r| matches!(r.chars().next(), Some('S' | 's' | 'W' | 'w')));
    Some(if negative { -deg } else { deg })
}

fn report_gps(gps: &dyn Fields, report: &mut MediaReport) {
    let lat = degrees(gps, GPS_LAT, GPS_LAT_REF);
    let lon = degrees(gps, GPS_LON, GPS_LON_REF);
    if let (Some(lat), Some(lon)) = (lat, lon) {
        let alt = rationals(gps, GPS_ALT).first().copied().filter(|a| a.is_finite()).map(|a| {
            let below = uint(gps, GPS_ALT_REF) == Some(1);
            if below {
                -a
            } else {
                a
            }
        });
        report.add_coordinates("EXIF:GPS", lat, lon, alt);
    }
    let dlat = degrees(gps, GPS_DEST_LAT, GPS_DEST_LAT_REF);
    let dlon = degrees(gps, GPS_DEST_LON, GPS_DEST_LON_REF);
    if let (Some(lat), Some(lon)) = (dlat, dlon) {
        report.add_coordinates("EXIF:GPSDest", lat, lon, None);
    }
}

fn report_identity(dir: &dyn Fields, report: &mut MediaReport) {
    for tag in dir.tags() {
        match tag {
            MAKE => {
                if let Some(v) = dir.text(tag) {
                    report.set_make(&v)
                }
            }
            MODEL => {
                if let Some(v) = dir.text(tag) {
                    report.set_model(&v)
                }
            }
            DATE_TIME_ORIGINAL => {
                if let Some(v) = dir.text(tag) {
                    report.set_captured_at(&v)
                }
            }
            TAG_MAKER_NOTE => dir.maker_note(report),
            tag => {
                let Some((_, name, class)) = IDENTITY_TAGS.iter().find(|(id, _, _)| *id == tag) else { continue };
                let tag_name = format!("{}:{name}", group(dir.kind()));
                match class {
                    Class::Serial => {
                        if let Some(v) = name_value(dir, tag) {
                            report.add_serial(&tag_name, &v);
                        }
                    }
                    Class::Owner => {
                        if let Some(v) = name_value(dir, tag) {
                            report.add_owner(&tag_name, &v);
                        }
                    }
                    Class::Private => {}
                }
            }
        }
    }
}

/// The tags [`report_identity`] reads, ascending (the order TIFF requires in a directory), for
/// readers that look fields up by tag rather than list a directory: make, model, artist,
/// DateTimeOriginal, the maker note and the reported tags of [`IDENTITY_TAGS`].
pub(super) const IDENTITY_READ: &[u16] =
    &[MAKE, MODEL, 0x013B, DATE_TIME_ORIGINAL, TAG_MAKER_NOTE, 0x9C9D, 0xA430, 0xA431, 0xA435, 0xC62F, 0xFDE8, 0xFDE9];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_read_lists_every_reported_tag_in_order() {
        let mut want: Vec<u16> = [MAKE, MODEL, DATE_TIME_ORIGINAL, TAG_MAKER_NOTE]
            .into_iter()
            .chain(IDENTITY_TAGS.iter().filter(|(_, _, c)| *c != Class::Private).map(|(t, _, _)| *t))
            .collect();
        want.sort_unstable();
        want.dedup();
        assert_eq!(IDENTITY_READ, want.as_slice());
    }
}

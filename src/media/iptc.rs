//! IPTC IIM records (City, Sub-location, Province-State, Country, By-line, ...) and the
//! Photoshop image resource blocks (IRB, "8BIM") that carry them in JPEG APP13 and TIFF files.
//!
//! Cleaning keeps every block's length: removed datasets are taken out and the remaining ones
//! moved up, with zero bytes after them (IIM readers, ExifTool included, stop quietly at zero
//! padding). An IRB is cleaned resource by resource, so its layout never changes.

use super::{exif, xmp, MediaReport, StripMode};

const PLACE_DATASETS: &[(u8, &str)] = &[
    (92, "Sub-location"),
    (90, "City"),
    (95, "Province-State"),
    (101, "Country-PrimaryLocationName"),
    (100, "Country-PrimaryLocationCode"),
    (27, "ContentLocationName"),
    (26, "ContentLocationCode"),
];
/// Record-2 datasets of descriptive text (Object Name, Keywords, Headline, Caption-Abstract):
/// checked by the text policy, and location when their text says where.
const WORD_DATASETS: &[(u8, &str)] = &[(5, "ObjectName"), (25, "Keywords"), (105, "Headline"), (120, "Caption-Abstract")];

/// Record-2 datasets naming the creator or their contact details (identifying mode).
const IDENTITY_DATASETS: &[u8] = &[80, 85, 118];

/// One dataset: record, number, value range in the block, and the whole dataset's range.
struct DataSet {
    record: u8,
    number: u8,
    value: std::ops::Range<usize>,
    whole: std::ops::Range<usize>,
}

/// The datasets of an IIM block, stopping at zero padding; `Err` when damaged.
fn datasets(data: &[u8]) -> (Vec<DataSet>, bool) {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < data.len() {
        if data[pos] != 0x1C {
            // Zero padding ends the block quietly; anything else is damage.
            let damaged = data[pos..].iter().any(|b| *b != 0);
            return (out, damaged);
        }
        let Some(head) = data.get(pos..pos + 5) else { return (out, true) };
        let (record, number) = (head[1], head[2]);
        let short = u16::from_be_bytes([head[3], head[4]]);
        let (len, start) = if short & 0x8000 != 0 {
            let n = usize::from(short & 0x7FFF);
            if n > 4 {
                return (out, true);
            }
            let Some(len_bytes) = data.get(pos + 5..pos + 5 + n) else { return (out, true) };
            let len = len_bytes.iter().fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
            (len, pos + 5 + n)
        } else {
            (usize::from(short), pos + 5)
        };
        let Some(end) = start.checked_add(len).filter(|e| *e <= data.len()) else { return (out, true) };
        out.push(DataSet { record, number, value: start..end, whole: pos..end });
        pos = end;
    }
    (out, false)
}

fn decode(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        // Older files use Latin-1.
        Err(_) => bytes.iter().map(|b| char::from(*b)).collect(),
    }
}

/// Adds what an IIM block reveals to `report`.
pub fn inspect_iim(data: &[u8], report: &mut MediaReport) {
    let (sets, damaged) = datasets(data);
    for &(number, name) in PLACE_DATASETS {
        for d in sets.iter().filter(|d| d.record == 2 && d.number == number) {
            if let Some(v) = data.get(d.value.clone()) {
                report.add_place(&format!("IPTC:{name}"), &decode(v));
            }
        }
    }
    for &(number, name) in WORD_DATASETS {
        // Keywords repeat (one dataset each): they are one field, as ExifTool lists them.
        let values: Vec<String> = sets
            .iter()
            .filter(|d| d.record == 2 && d.number == number)
            .filter_map(|d| data.get(d.value.clone()).map(decode))
            .collect();
        if !values.is_empty() {
            report.add_words(&format!("IPTC:{name}"), &values.join(", "));
        }
    }
    let mut date = None;
    let mut time = None;
    for d in sets.iter().filter(|d| d.record == 2) {
        let Some(v) = data.get(d.value.clone()) else { continue };
        match d.number {
            80 => report.add_owner("IPTC:By-line", &decode(v)),
            55 => date = Some(decode(v)),
            60 => time = Some(decode(v)),
            _ => {}
        }
    }
    if let Some(date) = date {
        let when = match time {
            Some(t) => format!("{date} {t}"),
            None => date,
        };
        report.set_captured_at(&when);
    }
    if damaged {
        report.add_residual("an IPTC block is damaged; location in its unreadable part could not be checked");
    }
}

/// A same-length copy of the IIM block without `mode`'s datasets, or `None` when there is
/// nothing to remove. A damaged block that holds nothing readable to remove is left alone.
pub fn clean_iim(data: &[u8], mode: StripMode) -> Option<Vec<u8>> {
    let (sets, _) = datasets(data);
    let remove = |d: &DataSet| {
        // 1:05 Destination (an envelope routing field ExifTool files under location).
        d.record == 1 && d.number == 5
            || d.record == 2
                && (PLACE_DATASETS.iter().any(|(n, _)| *n == d.number)
                    || mode == StripMode::Identifying && IDENTITY_DATASETS.contains(&d.number)
                    || WORD_DATASETS.iter().any(|(n, _)| *n == d.number)
                        && data.get(d.value.clone()).is_some_and(|v| super::words::carries_location(&decode(v))))
    };
    if !sets.iter().any(remove) {
        return None;
    }
    let mut out = Vec::with_capacity(data.len());
    let mut covered = 0;
    for d in &sets {
        if !remove(d) {
            out.extend_from_slice(data.get(d.whole.clone())?);
        }
        covered = d.whole.end;
    }
    // Whatever followed the readable datasets (padding, or damage) stays as it was, moved up.
    out.extend_from_slice(data.get(covered..)?);
    out.resize(data.len(), 0);
    Some(out)
}

/// A Photoshop image resource: id and the range of its data in the block.
struct Resource {
    id: u16,
    data: std::ops::Range<usize>,
}

fn resources(irb: &[u8]) -> (Vec<Resource>, bool) {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos + 12 <= irb.len() {
        let sig = &irb[pos..pos + 4];
        if !matches!(sig, b"8BIM" | b"PHUT" | b"AgHg" | b"DCSR" | b"MeSa") {
            let damaged = irb[pos..].iter().any(|b| *b != 0);
            return (out, damaged);
        }
        let id = u16::from_be_bytes([irb[pos + 4], irb[pos + 5]]);
        let name_len = usize::from(irb[pos + 6]);
        let name_total = (1 + name_len + 1) & !1;
        let size_at = pos + 6 + name_total;
        let Some(size) = irb.get(size_at..size_at + 4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
        else {
            return (out, true);
        };
        let start = size_at + 4;
        let Some(end) = start.checked_add(size).filter(|e| *e <= irb.len()) else { return (out, true) };
        out.push(Resource { id, data: start..end });
        pos = end + (size & 1);
    }
    (out, false)
}

/// Adds what a Photoshop IRB (IPTC, XMP and EXIF resources) reveals to `report`.
pub fn inspect_irb(irb: &[u8], report: &mut MediaReport) {
    let (list, damaged) = resources(irb);
    for r in list {
        let Some(data) = irb.get(r.data.clone()) else { continue };
        match r.id {
            0x0404 => inspect_iim(data, report),
            0x0424 => xmp::inspect_xmp(data, report),
            0x0422 | 0x0423 if exif::inspect_tiff(data, report).is_err() => {
                report.add_residual("an EXIF block inside the Photoshop resources is damaged and could not be checked");
            }
            _ => {}
        }
    }
    if damaged {
        report.add_residual(
            "the Photoshop resource block is damaged; location in its unreadable part could not be checked",
        );
    }
}

/// A same-length copy of the IRB with `mode`'s IPTC datasets, XMP properties and EXIF tags
/// removed, or `None` when there is nothing to remove.
pub fn clean_irb(irb: &[u8], mode: StripMode) -> Option<Vec<u8>> {
    let (list, _) = resources(irb);
    let mut out: Option<Vec<u8>> = None;
    for r in list {
        let Some(data) = irb.get(r.data.clone()) else { continue };
        let cleaned = match r.id {
            0x0404 => clean_iim(data, mode),
            0x0424 => xmp::clean_xmp(data, mode),
            0x0422 | 0x0423 => exif::clean_tiff(data, mode).ok().flatten(),
            _ => None,
        };
        if let Some(c) = cleaned {
            let buf = out.get_or_insert_with(|| irb.to_vec());
            if let Some(slot) = buf.get_mut(r.data.clone()) {
                slot.copy_from_slice(&c);
            }
        }
    }
    out
}

/// Photoshop thumbnail resources (0x0409 for Photoshop 4, 0x040C from Photoshop 5 on).
const THUMBNAIL_RESOURCES: &[u16] = &[0x0409, 0x040C];

/// The IRB without its thumbnail resources (shorter: only for containers where the block may
/// change size, such as a JPEG segment), or `None` when it has none.
pub fn drop_thumbnails(irb: &[u8]) -> Option<Vec<u8>> {
    let (list, _) = resources(irb);
    if !list.iter().any(|r| THUMBNAIL_RESOURCES.contains(&r.id)) {
        return None;
    }
    let mut out = Vec::with_capacity(irb.len());
    let mut pos = 0;
    for r in &list {
        // A resource's header starts after the previous one's (padded) data.
        let end = r.data.end + (r.data.len() & 1);
        if THUMBNAIL_RESOURCES.contains(&r.id) {
            pos = end;
            continue;
        }
        out.extend_from_slice(irb.get(pos..end.min(irb.len()))?);
        pos = end;
    }
    out.extend_from_slice(irb.get(pos.min(irb.len())..)?);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::Format;

    fn ds(number: u8, v: &str) -> Vec<u8> {
        let mut d = vec![0x1C, 2, number];
        d.extend_from_slice(&(v.len() as u16).to_be_bytes());
        d.extend_from_slice(v.as_bytes());
        d
    }

    #[test]
    fn iim_place_and_cleaning() {
        let mut iim = ds(5, "Title");
        iim.extend(ds(90, "Odesa"));
        iim.extend(ds(101, "Ukraine"));
        iim.extend(ds(80, "J. Doe"));
        let mut r = MediaReport::new(Format::Jpeg);
        inspect_iim(&iim, &mut r);
        assert_eq!(r.location.as_ref().and_then(|l| l.place.clone()).as_deref(), Some("Odesa, Ukraine"));
        assert_eq!(r.identity.owner_names, vec!["IPTC:By-line: J. Doe".to_string()]);

        let clean = clean_iim(&iim, StripMode::Location).expect("changed");
        assert_eq!(clean.len(), iim.len());
        let mut r2 = MediaReport::new(Format::Jpeg);
        inspect_iim(&clean, &mut r2);
        assert!(r2.location.is_none());
        assert_eq!(r2.identity.owner_names.len(), 1);
        assert!(r2.residual.is_empty(), "zero padding is not damage");
        let ident = clean_iim(&iim, StripMode::Identifying).expect("changed");
        let mut r3 = MediaReport::new(Format::Jpeg);
        inspect_iim(&ident, &mut r3);
        assert!(r3.identity.owner_names.is_empty());
    }

    #[test]
    fn damaged_iim_is_reported() {
        let mut iim = ds(90, "Odesa");
        iim.extend_from_slice(&[0x1C, 2, 101, 0xFF, 0xFF]);
        let mut r = MediaReport::new(Format::Jpeg);
        inspect_iim(&iim, &mut r);
        assert!(!r.residual.is_empty());
        for cut in 0..iim.len() {
            let _ = clean_iim(&iim[..cut], StripMode::Location);
        }
    }
}

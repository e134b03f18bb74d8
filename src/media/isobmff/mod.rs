//! ISO base media files (HEIC/HEIF/AVIF, MP4, MOV, 3GP): where they keep location and identity,
//! and how to remove it without moving a byte of the coded pictures or sound.
//!
//! All of these formats are trees of boxes. Photos (HEIF, AVIF) keep EXIF and XMP as *items* of
//! a top-level `meta` box ([`heif`]); videos keep location in QuickTime user data, Apple's
//! `keys`/`ilst` metadata, 3GPP `loci` and XMP boxes inside `moov` ([`movie`]). The walk
//! ([`boxes`]) reads box headers and metadata payloads only and never the media data, so a 2 GB
//! video costs a few kilobytes of reads.
//!
//! Stripping overwrites in place ([`edits`]): a location atom becomes a `free` atom of the same
//! size, EXIF and XMP blocks are cleaned at the same length by the shared EXIF and XMP cleaners.
//! Timed GPS tracks (GoPro GPMF, `camm`, Apple timed location metadata) live in the media data
//! itself and cannot be removed without re-muxing; they are reported, never hidden.

mod boxes;
mod canon;
mod coords;
mod edits;
mod heif;
mod movie;

pub use coords::{fixed_16_16, parse_iso6709, Iso6709};

use super::{
    exif, xmp, ByteSource, CountingSource, EditPlan, Format, MediaError, MediaReport, PlanSource,
    StripMode,
};
use boxes::{BoxHeader, Walker};
pub use edits::Overwrite;

/// The `uuid` user type of an XMP box (XMP Specification Part 3, MP4/MOV).
const XMP_UUID: [u8; 16] = [
    0xBE, 0x7A, 0xCF, 0xCB, 0x97, 0xA9, 0x42, 0xE8, 0x9C, 0x71, 0x99, 0x94, 0x91, 0xE3, 0xAF, 0xAC,
];

/// The `uuid` user type of Garmin's GPS sensor data box (as ExifTool names it).
const GARMIN_GPS_UUID: [u8; 16] = [
    0x9B, 0x63, 0x0F, 0x8D, 0x63, 0x74, 0x40, 0xEC, 0x82, 0x04, 0xBC, 0x5F, 0xF5, 0x09, 0x17, 0x28,
];

/// The largest EXIF or XMP block read into memory (phones write a few KB; 16 MB is hostile).
const MAX_METADATA: u64 = 16 << 20;

/// Reports what an ISO base media file reveals, reading only box headers and metadata.
pub fn inspect(src: &dyn ByteSource, format: Format) -> Result<MediaReport, MediaError> {
    let counting = CountingSource::new(src);
    let mut scan = Scan::new(&counting, format, None);
    scan.run()?;
    let mut report = scan.report;
    report.bytes_read = counting.bytes_read();
    Ok(report)
}

/// Plans the removal of `mode`'s metadata as same-length overwrites.
///
/// The plan is checked before it is returned: its result is inspected again, and if location
/// (other than a timed GPS track, which is reported as residual) or, in `identifying` mode, a
/// serial number or owner name is still found, stripping fails instead of pretending.
pub fn strip(
    src: &dyn ByteSource,
    format: Format,
    mode: StripMode,
) -> Result<EditPlan, MediaError> {
    let mut scan = Scan::new(src, format, Some(mode));
    scan.run()?;
    let Scan {
        edits,
        removed,
        report,
        ..
    } = scan;
    let plan = edits::plan(src.len(), edits, removed, report.residual)?;
    let after = inspect(&PlanSource::new(src, &plan), format).map_err(|e| {
        MediaError::CannotStrip(format!("the cleaned file would be unreadable ({e})"))
    })?;
    if let Some(loc) = &after.location {
        let left: Vec<&str> = loc
            .sources
            .iter()
            .map(String::as_str)
            .filter(|s| !s.contains("timed GPS track"))
            .collect();
        if !left.is_empty() {
            return Err(MediaError::CannotStrip(format!(
                "location would remain in {}",
                left.join(", ")
            )));
        }
    }
    if mode == StripMode::Identifying {
        let left: Vec<&str> = after
            .identity
            .serial_numbers
            .iter()
            .chain(&after.identity.owner_names)
            .map(|s| s.split(": ").next().unwrap_or(s))
            .collect();
        if !left.is_empty() {
            return Err(MediaError::CannotStrip(format!(
                "identifying tags would remain ({})",
                left.join(", ")
            )));
        }
    }
    Ok(plan)
}

/// An MP4/QuickTime file embedded at `start..end` of another file (the video of a JPEG motion
/// photo, stored after the picture): what it reveals and, when `mode` is given, the same-length
/// overwrites that remove `mode`'s metadata from it. Offsets are those of the enclosing file;
/// only boxes inside `start..end` are walked, and only they are changed.
pub fn embedded_video(
    src: &dyn ByteSource,
    start: u64,
    end: u64,
    mode: Option<StripMode>,
) -> Result<(MediaReport, Vec<Overwrite>), MediaError> {
    let mut scan = Scan::new(src, Format::Mp4, mode);
    scan.file(start, end.min(src.len()), 0)?;
    if let Some(t) = scan.movie_created.take() {
        scan.report.set_captured_at(&t);
    }
    Ok((scan.report, scan.edits))
}

/// What a piece of metadata is, for deciding whether a mode removes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Class {
    /// Removed in both modes.
    Location,
    /// Serial numbers and owner names: removed in `identifying` mode only.
    Identifying,
}

/// One pass over a file: the report being filled in and, when stripping, the overwrites.
pub(crate) struct Scan<'a> {
    w: Walker<'a>,
    report: MediaReport,
    mode: Option<StripMode>,
    edits: Vec<Overwrite>,
    removed: Vec<String>,
    /// `mvhd` creation time, used when no metadata names the capture time.
    movie_created: Option<String>,
}

impl<'a> Scan<'a> {
    fn new(src: &'a dyn ByteSource, format: Format, mode: Option<StripMode>) -> Self {
        Scan {
            w: Walker::new(src),
            report: MediaReport::new(format),
            mode,
            edits: Vec::new(),
            removed: Vec::new(),
            movie_created: None,
        }
    }

    fn run(&mut self) -> Result<(), MediaError> {
        let len = self.w.len();
        self.file(0, len, 0)?;
        if let Some(t) = self.movie_created.take() {
            self.report.set_captured_at(&t);
        }
        Ok(())
    }

    /// The top-level boxes of a file (or of a file embedded in one, like a Samsung motion
    /// photo's video).
    fn file(&mut self, start: u64, end: u64, depth: usize) -> Result<(), MediaError> {
        let top = self.w.children(start, end, depth, true)?;
        for b in &top {
            match &b.typ {
                b"moov" => movie::moov(self, b, depth + 1)?,
                b"meta" => self.meta(b, depth + 1)?,
                b"uuid" => self.uuid(b, depth + 1)?,
                // Samsung motion photo: a complete MP4 inside the HEIC.
                b"mpvd"
                    if b.payload_len() >= 16
                        && self.w.read(b.payload_start() + 4, 4, "embedded video")? == b"ftyp" =>
                {
                    self.file(b.payload_start(), b.end, depth + 1)?;
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// A `meta` box: HEIF items, or QuickTime `keys`/`ilst` metadata, or iTunes-style `ilst`.
    fn meta(&mut self, b: &BoxHeader, depth: usize) -> Result<(), MediaError> {
        let skip = self.w.meta_skip(b)?;
        let kids = self.w.children_of(b, skip, depth)?;
        if kids.iter().any(|k| k.is(b"iinf")) {
            heif::items(self, &kids, depth + 1)?;
        }
        if let Some(ilst) = kids.iter().find(|k| k.is(b"ilst")) {
            let keys = match kids.iter().find(|k| k.is(b"keys")) {
                Some(k) => Some(movie::keys(self, k)?),
                None => None,
            };
            movie::ilst(self, ilst, keys.as_deref(), depth + 1)?;
        }
        for k in kids.iter().filter(|k| k.is(b"uuid")) {
            self.uuid(k, depth + 1)?;
        }
        Ok(())
    }

    /// A `uuid` box, which matters when it holds XMP.
    fn uuid(&mut self, b: &BoxHeader, depth: usize) -> Result<(), MediaError> {
        let user_type = self.w.read(b.payload_start() - 16, 16, "uuid box")?;
        if user_type == GARMIN_GPS_UUID {
            self.report.add_location_source("QuickTime:GarminGPS");
            return self.free(b, Class::Location, "Garmin GPS data box");
        }
        if user_type == canon::CANON_UUID {
            return canon::uuid(self, b, depth);
        }
        if user_type != XMP_UUID {
            return Ok(());
        }
        let packet = self.w.payload(b, MAX_METADATA, "XMP box")?;
        self.xmp(&[(b.payload_start(), b.payload_len())], &packet, "XMP box")
    }

    /// True when the current strip mode removes `class` (never while inspecting).
    fn wants(&self, class: Class) -> bool {
        match (self.mode, class) {
            (None, _) => false,
            (Some(_), Class::Location) => true,
            (Some(mode), Class::Identifying) => mode == StripMode::Identifying,
        }
    }

    fn note_removed(&mut self, what: impl Into<String>) {
        let what = what.into();
        if !self.removed.contains(&what) {
            self.removed.push(what);
        }
    }

    /// Replaces box `b` with a `free` box of the same size when the mode removes `class`.
    fn free(&mut self, b: &BoxHeader, class: Class, what: &str) -> Result<(), MediaError> {
        if self.wants(class) {
            let bytes = edits::free_box(b.size(), b.header_len, b.start)?;
            self.edits.push(Overwrite { at: b.start, bytes });
            self.note_removed(what);
        }
        Ok(())
    }

    /// An XMP packet stored in `spans` (file offset, length) of the file: reports it and, when
    /// stripping, overwrites it with the same-length cleaned packet.
    fn xmp(&mut self, spans: &[(u64, u64)], packet: &[u8], what: &str) -> Result<(), MediaError> {
        let mut sub = MediaReport::new(self.report.format);
        xmp::inspect_xmp(packet, &mut sub);
        let had_location = sub.location.is_some();
        self.report.absorb(sub, None);
        if let Some(mode) = self.mode {
            if let Some(clean) = xmp::clean_xmp(packet, mode) {
                if clean.len() != packet.len() {
                    return Err(MediaError::CannotStrip(format!(
                        "the {what} could not be cleaned at the same length"
                    )));
                }
                let runs = edits::diff(0, packet, &clean);
                self.edits.extend(map_spans(spans, 0, runs)?);
                self.note_removed(match (had_location, mode) {
                    (true, StripMode::Location) => format!("XMP location ({what})"),
                    (true, StripMode::Identifying) => {
                        format!("XMP location and identifying properties ({what})")
                    }
                    (false, _) => format!("XMP identifying properties ({what})"),
                });
            }
        }
        Ok(())
    }

    /// An EXIF block (`data[tiff_at..]` is the TIFF header onwards) stored in `spans`.
    fn exif(
        &mut self,
        spans: &[(u64, u64)],
        data: &[u8],
        tiff_at: usize,
        what: &str,
    ) -> Result<(), MediaError> {
        let tiff = data.get(tiff_at..).unwrap_or_default();
        let mut sub = MediaReport::new(self.report.format);
        if let Err(e) = exif::inspect_tiff(tiff, &mut sub) {
            let why = format!("the EXIF block in the {what} is damaged ({e}); it may hold location that could not be read");
            self.report.add_residual(why.clone());
            if self.mode.is_some() {
                return Err(MediaError::CannotStrip(why));
            }
            return Ok(());
        }
        let had_location = sub.location.is_some();
        self.report.absorb(sub, None);
        if let Some(mode) = self.mode {
            let clean = exif::clean_tiff(tiff, mode).map_err(|e| {
                MediaError::CannotStrip(format!(
                    "the EXIF block in the {what} could not be cleaned: {e}"
                ))
            })?;
            if let Some(clean) = clean {
                if clean.len() != tiff.len() {
                    return Err(MediaError::CannotStrip(format!(
                        "the EXIF block in the {what} changed length"
                    )));
                }
                let runs = edits::diff(0, tiff, &clean);
                self.edits.extend(map_spans(spans, tiff_at, runs)?);
                self.note_removed(match (had_location, mode) {
                    (true, StripMode::Location) => format!("EXIF GPS ({what})"),
                    (true, StripMode::Identifying) => {
                        format!("EXIF GPS and identifying tags ({what})")
                    }
                    (false, _) => format!("EXIF identifying tags ({what})"),
                });
            }
        }
        Ok(())
    }
}

/// Moves overwrites given at offsets into a block (counted from `data_at` in the concatenation
/// of `spans`) to file offsets, splitting any that cross from one span into the next.
fn map_spans(
    spans: &[(u64, u64)],
    data_at: usize,
    runs: Vec<Overwrite>,
) -> Result<Vec<Overwrite>, MediaError> {
    let mut out = Vec::with_capacity(runs.len());
    for run in runs {
        let mut logical = run.at + data_at as u64;
        let mut bytes: &[u8] = &run.bytes;
        while !bytes.is_empty() {
            let mut base = 0u64;
            let mut placed = false;
            for &(file_at, len) in spans {
                if logical < base + len {
                    let inside = logical - base;
                    let n = ((len - inside) as usize).min(bytes.len());
                    out.push(Overwrite {
                        at: file_at + inside,
                        bytes: bytes[..n].to_vec(),
                    });
                    bytes = &bytes[n..];
                    logical += n as u64;
                    placed = true;
                    break;
                }
                base += len;
            }
            if !placed {
                return Err(MediaError::CannotStrip(
                    "a metadata overwrite falls outside its item".into(),
                ));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_split_overwrites() {
        let spans = [(100, 4), (200, 4)];
        let runs = vec![Overwrite {
            at: 1,
            bytes: vec![9; 4],
        }];
        let out = map_spans(&spans, 1, runs).expect("fits");
        assert_eq!(
            out,
            vec![
                Overwrite {
                    at: 102,
                    bytes: vec![9; 2]
                },
                Overwrite {
                    at: 200,
                    bytes: vec![9; 2]
                }
            ]
        );
        assert!(map_spans(
            &spans,
            0,
            vec![Overwrite {
                at: 7,
                bytes: vec![1; 2]
            }]
        )
        .is_err());
    }
}

//! Photo and video metadata: what an upload reveals about where it was taken and who took it,
//! and how to remove that without touching the picture.
//!
//! The container is recognised from its bytes ([`Format::sniff`]), never from a file name or MIME
//! type. Every parser works through a [`ByteSource`] (random access; a `Blob` in the browser, a file
//! in the CLI) and reads only headers and metadata, never the coded image or video data.
//!
//! Stripping never re-encodes: it returns an [`EditPlan`], a list of ranges of the original to keep
//! and small replacement byte strings, which the browser applies by slicing the original `File`
//! and the CLI by streaming.

mod source;
mod window;

pub use source::{ByteSource, CountingSource, PlanSource};
pub use window::WindowedSource;

use serde::Serialize;
use std::fmt;

/// The container formats SafePost understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Jpeg,
    Png,
    Webp,
    Gif,
    Tiff,
    Dng,
    Heic,
    Heif,
    Avif,
    Mp4,
    Mov,
    #[serde(rename = "3gp")]
    ThreeGp,
}

impl Format {
    /// The short lowercase name used in reports and the CLI (`jpeg`, `mp4`, `3gp`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Format::Jpeg => "jpeg",
            Format::Png => "png",
            Format::Webp => "webp",
            Format::Gif => "gif",
            Format::Tiff => "tiff",
            Format::Dng => "dng",
            Format::Heic => "heic",
            Format::Heif => "heif",
            Format::Avif => "avif",
            Format::Mp4 => "mp4",
            Format::Mov => "mov",
            Format::ThreeGp => "3gp",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where an upload says it was taken.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Location {
    /// Signed decimal degrees (north positive); `None` when only a place name is known.
    pub lat: Option<f64>,
    /// Signed decimal degrees (east positive).
    pub lon: Option<f64>,
    /// Metres above sea level, when recorded.
    pub altitude: Option<f64>,
    /// A place name assembled from city / state / country fields, when recorded: each place
    /// once, most specific first (see `place.rs`).
    pub place: Option<String>,
    /// Each metadata group where location was found, e.g. `EXIF:GPS`, `XMP:exif:GPS`,
    /// `IPTC:City`, `QuickTime:©xyz`, `QuickTime:Keys:location.ISO6709`, `3GP:loci`.
    pub sources: Vec<String>,
    /// The parts `place` is made of, with the level of the field each came from.
    #[serde(skip)]
    pub place_parts: Vec<place::PlacePart>,
}

/// Who or what took the picture.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Identity {
    pub make: Option<String>,
    pub model: Option<String>,
    /// Body, lens and internal serial numbers, each as `"Tag: value"`.
    pub serial_numbers: Vec<String>,
    /// Owner or artist names, each as `"Tag: value"`.
    pub owner_names: Vec<String>,
    /// Original capture time as recorded (EXIF `DateTimeOriginal` or the container's creation time).
    pub captured_at: Option<String>,
}

/// What inspecting an upload found.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MediaReport {
    pub format: Format,
    pub location: Option<Location>,
    pub identity: Identity,
    /// Things that reveal location or identity but that stripping cannot remove in place, said
    /// plainly (for example "timed GPS track inside the video's media data").
    pub residual: Vec<String>,
    /// How many bytes of the source were read to produce this report.
    pub bytes_read: u64,
    /// The descriptive text fields (title, caption, keywords, comments), for the text policy.
    pub words: Vec<words::Words>,
}

/// What to remove.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StripMode {
    /// Only location; everything else stays.
    Location,
    /// Location, serial numbers, owner names, maker notes, embedded thumbnails and XMP history.
    /// Orientation, colour profile and colour data stay.
    Identifying,
}

impl std::str::FromStr for StripMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "location" => Ok(StripMode::Location),
            "identifying" => Ok(StripMode::Identifying),
            other => Err(format!("unknown strip mode {other:?}: use \"location\" or \"identifying\"")),
        }
    }
}

/// One piece of the cleaned file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Piece {
    /// Bytes `start..end` of the original, unchanged.
    Keep { start: u64, end: u64 },
    /// New bytes (a rewritten metadata block).
    Insert(Vec<u8>),
}

/// How to build the cleaned file from the original without re-encoding anything.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct EditPlan {
    pub pieces: Vec<Piece>,
    /// What was removed, in words a user understands (`"EXIF GPS"`, `"XMP location"`, ...).
    pub removed: Vec<String>,
    /// What could not be removed and stays in the file (same wording as [`MediaReport::residual`]).
    pub residual: Vec<String>,
}

impl EditPlan {
    /// Length of the file the plan produces.
    pub fn output_len(&self) -> u64 {
        self.pieces
            .iter()
            .map(|p| match p {
                Piece::Keep { start, end } => end - start,
                Piece::Insert(b) => b.len() as u64,
            })
            .sum()
    }

    /// Applies the plan by streaming: copies kept ranges from `src`, writes inserted bytes.
    pub fn write_to(&self, src: &dyn ByteSource, out: &mut dyn std::io::Write) -> Result<(), MediaError> {
        let mut buf = vec![0u8; 1 << 16];
        for piece in &self.pieces {
            match piece {
                Piece::Insert(bytes) => out.write_all(bytes).map_err(|e| MediaError::Io(e.to_string()))?,
                Piece::Keep { start, end } => {
                    let mut pos = *start;
                    while pos < *end {
                        let want = ((*end - pos) as usize).min(buf.len());
                        let n = src.read_at(pos, &mut buf[..want])?;
                        if n == 0 {
                            return Err(MediaError::Truncated { what: "file", offset: pos });
                        }
                        out.write_all(&buf[..n]).map_err(|e| MediaError::Io(e.to_string()))?;
                        pos += n as u64;
                    }
                }
            }
        }
        Ok(())
    }
}

/// Why an upload could not be inspected or cleaned. Messages say what is wrong and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MediaError {
    /// The bytes are not a container SafePost knows.
    UnknownFormat,
    /// The file ends inside a structure.
    Truncated { what: &'static str, offset: u64 },
    /// A structure is inconsistent (bad length, bad marker, ...).
    Malformed { what: &'static str, offset: u64, reason: String },
    /// Boxes or IFDs nest deeper than any real file does.
    TooDeep { what: &'static str, offset: u64 },
    /// The file is valid but cannot be cleaned without re-encoding or guessing.
    CannotStrip(String),
    /// Reading the source failed.
    Io(String),
}

impl fmt::Display for MediaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MediaError::UnknownFormat => write!(
                f,
                "not a supported photo or video (JPEG, PNG, WebP, GIF, TIFF/DNG, HEIC/HEIF/AVIF, MP4, MOV, 3GP)"
            ),
            MediaError::Truncated { what, offset } => write!(f, "file is cut short: {what} at byte {offset} is incomplete"),
            MediaError::Malformed { what, offset, reason } => write!(f, "damaged {what} at byte {offset}: {reason}"),
            MediaError::TooDeep { what, offset } => write!(f, "{what} nested too deeply at byte {offset}"),
            MediaError::CannotStrip(why) => write!(f, "cannot be cleaned safely: {why}"),
            MediaError::Io(e) => write!(f, "could not read the file: {e}"),
        }
    }
}

impl MediaError {
    /// A stable name for the kind of problem, for a user interface to explain in its own
    /// language (the `Display` text is the English detail).
    pub fn kind(&self) -> &'static str {
        match self {
            MediaError::UnknownFormat => "unknown_format",
            MediaError::Truncated { .. } => "truncated",
            MediaError::Malformed { .. } => "damaged",
            MediaError::TooDeep { .. } => "too_deep",
            MediaError::CannotStrip(_) => "cannot_strip",
            MediaError::Io(_) => "unreadable",
        }
    }
}

impl std::error::Error for MediaError {}

/// Recognises the container from its first bytes.
pub fn sniff(src: &dyn ByteSource) -> Result<Format, MediaError> {
    let mut head = [0u8; 32];
    let n = src.read_at(0, &mut head)?;
    Format::sniff(&head[..n]).ok_or(MediaError::UnknownFormat)
}

impl Format {
    /// Recognises a container from the first (up to 32) bytes of a file.
    pub fn sniff(head: &[u8]) -> Option<Format> {
        if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
            return Some(Format::Jpeg);
        }
        if head.starts_with(b"\x89PNG\r\n\x1a\n") {
            return Some(Format::Png);
        }
        if head.len() >= 12 && &head[0..4] == b"RIFF" && &head[8..12] == b"WEBP" {
            return Some(Format::Webp);
        }
        if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
            return Some(Format::Gif);
        }
        // (BigTIFF, "II+\0"/"MM\0+", is recognised so that it gets a clear "not supported" error.)
        if head.starts_with(b"II*\0") || head.starts_with(b"MM\0*") || head.starts_with(b"II+\0") || head.starts_with(b"MM\0+") {
            // DNG is told apart from TIFF by its DNGVersion tag, which needs the IFD; the TIFF
            // parser refines this.
            return Some(Format::Tiff);
        }
        if head.len() >= 12 && &head[4..8] == b"ftyp" {
            let major = &head[8..12];
            return Some(match major {
                b"heic" | b"heix" | b"heim" | b"heis" | b"hevc" | b"hevx" => Format::Heic,
                b"mif1" | b"msf1" | b"heif" => Format::Heif,
                b"avif" | b"avis" => Format::Avif,
                b"qt  " => Format::Mov,
                b"3gp4" | b"3gp5" | b"3gp6" | b"3gp7" | b"3gp8" | b"3g2a" | b"3gg6" | b"3ge6" | b"3ge7" => Format::ThreeGp,
                _ => Format::Mp4,
            });
        }
        // Old QuickTime files may start with other top-level atoms.
        if head.len() >= 8 && matches!(&head[4..8], b"moov" | b"mdat" | b"wide" | b"free" | b"skip" | b"pnot") {
            return Some(Format::Mov);
        }
        None
    }
}

/// Inspects an upload: its format, location, identity and what cannot be removed.
pub fn inspect(src: &dyn ByteSource) -> Result<MediaReport, MediaError> {
    let counting = CountingSource::new(src);
    let format = sniff(&counting)?;
    let mut report = match format {
        Format::Jpeg => jpeg::inspect(&counting, format)?,
        Format::Png => png::inspect(&counting, format)?,
        Format::Webp => webp::inspect(&counting, format)?,
        Format::Gif => gif::inspect(&counting, format)?,
        Format::Tiff | Format::Dng => tiff::inspect(&counting, format)?,
        Format::Heic | Format::Heif | Format::Avif | Format::Mp4 | Format::Mov | Format::ThreeGp => {
            isobmff::inspect(&counting, format)?
        }
    };
    report.bytes_read = counting.bytes_read();
    Ok(report)
}

/// Plans a lossless strip of `mode` from an upload.
///
/// For still images the plan is checked before it is returned: its result is inspected again,
/// and if any location (or, in identifying mode, serial number or owner name) is still found,
/// the strip fails with [`MediaError::CannotStrip`] instead of pretending.
pub fn strip(src: &dyn ByteSource, mode: StripMode) -> Result<EditPlan, MediaError> {
    let format = sniff(src)?;
    let plan = match format {
        Format::Jpeg => jpeg::strip(src, format, mode)?,
        Format::Png => png::strip(src, format, mode)?,
        Format::Webp => webp::strip(src, format, mode)?,
        Format::Gif => gif::strip(src, format, mode)?,
        Format::Tiff | Format::Dng => tiff::strip(src, format, mode)?,
        Format::Heic | Format::Heif | Format::Avif | Format::Mp4 | Format::Mov | Format::ThreeGp => {
            return isobmff::strip(src, format, mode)
        }
    };
    verify(src, &plan, mode)?;
    Ok(plan)
}

/// Inspects what `plan` produces and fails if `mode`'s metadata is still there.
fn verify(src: &dyn ByteSource, plan: &EditPlan, mode: StripMode) -> Result<(), MediaError> {
    let out = PlanSource::new(src, plan);
    let after = inspect(&out).map_err(|e| MediaError::CannotStrip(format!("the cleaned file would be unreadable ({e})")))?;
    if let Some(loc) = &after.location {
        return Err(MediaError::CannotStrip(format!("location would remain in {}", loc.sources.join(", "))));
    }
    if mode == StripMode::Identifying {
        let left: Vec<&String> = after.identity.serial_numbers.iter().chain(&after.identity.owner_names).collect();
        if !left.is_empty() {
            let names: Vec<&str> = left.iter().map(|s| s.split(':').next().unwrap_or("")).collect();
            return Err(MediaError::CannotStrip(format!("identifying tags would remain ({})", names.join(", "))));
        }
    }
    Ok(())
}

/// Fills a plan's `removed` and `residual` from the report of the original file.
pub(crate) fn summarise(plan: &mut EditPlan, before: &MediaReport, mode: StripMode, extra: Vec<String>) {
    if let Some(loc) = &before.location {
        for s in &loc.sources {
            plan.removed.push(format!("location ({s})"));
        }
    }
    if mode == StripMode::Identifying {
        for s in before.identity.serial_numbers.iter().chain(&before.identity.owner_names) {
            let tag = s.split(": ").next().unwrap_or(s);
            plan.removed.push(format!("identifying tag ({tag})"));
        }
    }
    for e in extra {
        if !plan.removed.contains(&e) {
            plan.removed.push(e);
        }
    }
    // Identifying mode removes maker notes, so what they might hold is no longer a residual.
    plan.residual =
        before.residual.iter().filter(|r| !(mode == StripMode::Identifying && r.contains("maker notes"))).cloned().collect();
}

// Container parsers and metadata readers. Each container module exposes
// `inspect(src, format) -> Result<MediaReport, MediaError>` and
// `strip(src, format, mode) -> Result<EditPlan, MediaError>`.
pub mod exif;
mod flir;
mod found;
mod gif;
pub mod iptc;
pub mod isobmff;
mod jpeg;
pub mod place;
mod png;
mod tiff;
mod webp;
pub mod words;
pub mod xmp;

pub use found::valid_coordinates;

impl MediaReport {
    /// An empty report for `format`, filled in by the parsers.
    pub fn new(format: Format) -> MediaReport {
        MediaReport {
            format,
            location: None,
            identity: Identity::default(),
            residual: Vec::new(),
            bytes_read: 0,
            words: Vec::new(),
        }
    }
}

//! TIFF and DNG files: the whole file is one TIFF structure. Location lives in the GPS IFD,
//! identity in IFD0/EXIF tags and maker notes, and XMP (tag 700), IPTC (33723) and Photoshop
//! resources (34377) are values of IFD0. Only directories and those values are read; strips and
//! tiles of image data never are.
//!
//! Everything is cleaned in place through the EXIF cleaner's same-length patches, so no offset
//! in the file moves and the plan is a few small replacements.

use super::exif::{self, IfdKind, Patch, Tiff};
use super::{iptc, xmp, ByteSource, EditPlan, Format, MediaError, MediaReport, Piece, StripMode};

const TAG_XMP: u16 = 700;
const TAG_IPTC: u16 = 33723;
const TAG_PHOTOSHOP: u16 = 34377;
const TAG_DNG_VERSION: u16 = 0xC612;
/// Embedded metadata values larger than this are not read.
const MAX_VALUE: u64 = 16 << 20;

/// Which of IFD0's embedded metadata blocks a value is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Block {
    Xmp,
    Iptc,
    Photoshop,
}

/// (block kind, offset, bytes) of each embedded metadata block in the main IFDs.
fn blocks(t: &Tiff, walk: &exif::Walk) -> Vec<(Block, u64, Vec<u8>)> {
    let mut out = Vec::new();
    for ifd in walk.ifds.iter().filter(|i| matches!(i.kind, IfdKind::Main(_))) {
        for e in &ifd.entries {
            let kind = match e.tag {
                TAG_XMP => Block::Xmp,
                TAG_IPTC => Block::Iptc,
                TAG_PHOTOSHOP => Block::Photoshop,
                _ => continue,
            };
            if out.iter().any(|(_, at, _): &(Block, u64, Vec<u8>)| *at == e.value_at) {
                continue;
            }
            if let Some(v) = t.value(e, MAX_VALUE) {
                out.push((kind, e.value_at, v));
            }
        }
    }
    out
}

fn format_of(t: &Tiff, walk: &exif::Walk, sniffed: Format) -> Format {
    let dng = walk.find(IfdKind::Main(0)).and_then(|i| i.get(TAG_DNG_VERSION)).is_some();
    let _ = t;
    if dng {
        Format::Dng
    } else {
        sniffed
    }
}

/// Inspects a TIFF or DNG file.
pub fn inspect(src: &dyn ByteSource, format: Format) -> Result<MediaReport, MediaError> {
    let (t, walk) = exif::open_file(src)?;
    let mut report = MediaReport::new(format_of(&t, &walk, format));
    exif::inspect_walk(&t, &walk, &mut report, false);
    for (kind, _, data) in blocks(&t, &walk) {
        match kind {
            Block::Xmp => xmp::inspect_xmp(&data, &mut report),
            Block::Iptc => iptc::inspect_iim(&data, &mut report),
            Block::Photoshop => iptc::inspect_irb(&data, &mut report),
        }
    }
    Ok(report)
}

/// Plans a lossless strip of a TIFF or DNG file.
pub fn strip(src: &dyn ByteSource, format: Format, mode: StripMode) -> Result<EditPlan, MediaError> {
    let report = inspect(src, format)?;
    let (t, walk) = exif::open_file(src)?;
    let mut patches: Vec<Patch> = exif::plan_clean(&t, &walk, mode, false)?;
    for (kind, at, data) in blocks(&t, &walk) {
        let clean = match kind {
            Block::Xmp => xmp::clean_xmp(&data, mode),
            Block::Iptc => iptc::clean_iim(&data, mode),
            Block::Photoshop => iptc::clean_irb(&data, mode),
        };
        if let Some(bytes) = clean {
            patches.push(Patch { at, bytes });
        }
    }
    let mut plan = EditPlan::default();
    let mut pos = 0u64;
    for (start, bytes) in exif::merge_patches(&t, &patches)? {
        if start > pos {
            plan.pieces.push(Piece::Keep { start: pos, end: start });
        }
        pos = start + bytes.len() as u64;
        plan.pieces.push(Piece::Insert(bytes));
    }
    if pos < src.len() {
        plan.pieces.push(Piece::Keep { start: pos, end: src.len() });
    }
    super::summarise(&mut plan, &report, mode, Vec::new());
    Ok(plan)
}

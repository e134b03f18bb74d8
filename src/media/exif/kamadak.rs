//! Reading an EXIF block's fields with the kamadak-exif crate, SafePost's EXIF reader.
//!
//! kamadak-exif parses the TIFF structure and decodes the values; [`super::fields`] decides what
//! they mean for the report. It is strict: it rejects a whole block for one damaged directory or
//! value (e.g. "Invalid pointer" for a GPS pointer stored as SLONG, "Invalid TIFF byte order", an
//! unexpected next-IFD pointer after the GPS directory), it follows the GPS and Exif pointers
//! only from the main IFDs, and it does not decode maker notes. [`read`] says when that leaves
//! part of a block unseen, and the caller then reads the block with the directory walker
//! instead (`ifd.rs`), which also serves clean-up (it knows where each entry is) and maker notes.
//!
//! kamadak-exif copies each value it is asked for, whatever its size, and splits ASCII values
//! at every NUL into separate vectors; a hostile block can make a small value cost megabytes.
//! So the walker's directory tables (cheap: no values are read) first [`screen`] a block:
//! kamadak-exif reads it only when the fields it will be asked for are of a bounded total size.

use super::fields::{self, Fields, MAX_NUMBERS};
use super::ifd::{Entry, IfdKind, Tiff, Walk, TAG_EXIF_IFD, TAG_GPS_IFD, TAG_MAKER_NOTE, TAG_SUB_IFDS};
use super::makernote;
use crate::media::MediaReport;
use ::exif::{Context, Exif, In, Reader, Tag, Value};

/// kamadak-exif reads at most this many IFDs on the main chain ("Limit the IFD count to 8").
const MAX_MAIN_IFDS: u16 = 8;

const CONTEXTS: [Context; 4] = [Context::Tiff, Context::Gps, Context::Exif, Context::Interop];

/// Most bytes kamadak-exif may allocate for the fields it is asked for in one block (real blocks
/// need a few KB, maker notes included).
const FIELD_BUDGET: u64 = 1 << 20;

/// An ASCII value costs one vector (24 bytes) per NUL-separated part once kamadak-exif splits it.
const ASCII_COST: u64 = 25;

/// Whether the walked block is one to hand to kamadak-exif: every directory read without
/// damage (the walker then also notes a damaged GPS directory as a residual risk), and the
/// fields looked up within [`FIELD_BUDGET`].
pub(super) fn screen(walk: &Walk) -> Result<(), String> {
    if !walk.problems.is_empty() || (walk.gps_pointer && walk.find(IfdKind::Gps).is_none()) {
        return Err("a directory is damaged".into());
    }
    let looked_up = |tag: u16| {
        fields::IDENTITY_READ.contains(&tag)
            || fields::GPS_TAGS.contains(&tag)
            || fields::GEOTIFF_TAGS.contains(&tag)
            || [TAG_EXIF_IFD, TAG_GPS_IFD, TAG_SUB_IFDS].contains(&tag)
    };
    let cost: u64 = walk
        .ifds
        .iter()
        .flat_map(|ifd| ifd.entries.iter())
        .filter(|e| looked_up(e.tag))
        .map(|e| if e.typ == 2 { e.size.saturating_mul(ASCII_COST) } else { e.size })
        .fold(0, u64::saturating_add);
    if cost > FIELD_BUDGET {
        return Err(format!("its fields would cost kamadak-exif {cost} bytes"));
    }
    Ok(())
}

/// Parses `tiff` (the block from its TIFF header on) with kamadak-exif, or says why its fields
/// would not be the whole story: kamadak-exif rejected the block, or it holds something
/// kamadak-exif does not read.
pub(super) fn read(tiff: &[u8]) -> Result<Exif, String> {
    let exif = Reader::new().read_raw(tiff.to_vec()).map_err(|e| format!("kamadak-exif: {e}"))?;
    for ifd in 0..MAX_MAIN_IFDS {
        let ifd = In(ifd);
        for ctx in CONTEXTS {
            // Directory pointers it does not follow stay plain fields: a GPS or Exif pointer
            // inside the Exif IFD (some writers put GPS there), SubIFDs. The walker follows them.
            let pointers: &[u16] = match ctx {
                Context::Tiff => &[TAG_SUB_IFDS],
                Context::Exif => &[TAG_EXIF_IFD, TAG_GPS_IFD],
                _ => &[],
            };
            if let Some(p) = pointers.iter().find(|p| exif.get_field(Tag(ctx, **p), ifd).is_some()) {
                return Err(format!("kamadak-exif does not follow directory pointer 0x{p:04X} in the {ctx:?} IFD"));
            }
            // Maker notes are read by the walker's maker-note reader, which needs their offset;
            // kamadak-exif keeps it only for UNDEFINED values.
            let note = exif.get_field(Tag(ctx, TAG_MAKER_NOTE), ifd).map(|f| &f.value);
            if note.is_some_and(|v| !matches!(v, Value::Undefined(..))) {
                return Err("kamadak-exif gives no offset for a maker note that is not UNDEFINED".into());
            }
        }
    }
    Ok(exif)
}

/// Adds what a block read by [`read`] reveals. `block` is the same bytes opened for the
/// maker-note reader.
pub(super) fn report(exif: &Exif, block: &Tiff, report: &mut MediaReport) {
    // Directory order: each main IFD, then its GPS and Exif IFDs (the walker's order, so make
    // and model are known before the maker note is read).
    let mut dirs = Vec::new();
    for ifd in 0..MAX_MAIN_IFDS {
        for ctx in CONTEXTS {
            dirs.push(Dir { exif, block, ctx, ifd: In(ifd) });
        }
    }
    let dirs: Vec<&dyn Fields> = dirs.iter().map(|d| d as &dyn Fields).collect();
    fields::report_block(&dirs, true, report);
}

/// One directory of a block read by kamadak-exif: its fields of context `ctx` in main IFD `ifd`
/// (the Exif and GPS IFDs hanging off IFD1 count as IFD1's).
struct Dir<'a, 'b> {
    exif: &'a Exif,
    block: &'a Tiff<'b>,
    ctx: Context,
    ifd: In,
}

impl Dir<'_, '_> {
    fn value(&self, tag: u16) -> Option<&Value> {
        self.exif.get_field(Tag(self.ctx, tag), self.ifd).map(|f| &f.value)
    }
}

impl Fields for Dir<'_, '_> {
    fn kind(&self) -> IfdKind {
        match self.ctx {
            Context::Tiff => IfdKind::Main(self.ifd.index()),
            Context::Exif => IfdKind::Exif,
            Context::Gps => IfdKind::Gps,
            // The Interop IFD (and any context a later kamadak-exif adds): nothing to report.
            _ => IfdKind::Interop,
        }
    }

    fn tags(&self) -> Vec<u16> {
        fields::IDENTITY_READ.iter().copied().filter(|t| self.has(*t)).collect()
    }

    fn has(&self, tag: u16) -> bool {
        self.value(tag).is_some()
    }

    fn text(&self, tag: u16) -> Option<String> {
        match self.value(tag)? {
            // kamadak-exif splits ASCII values at NULs; rejoined they are the value as stored
            // (less a trailing NUL).
            Value::Ascii(parts) => fields::decode_text(tag, 2, &parts.join(&0u8)),
            Value::Byte(v) => fields::decode_text(tag, 1, v),
            Value::Undefined(v, _) => fields::decode_text(tag, 7, v),
            _ => None,
        }
    }

    fn numbers(&self, tag: u16) -> Option<(u16, Vec<f64>)> {
        fn all<T: Copy>(v: &[T], f: impl Fn(T) -> f64) -> Option<Vec<f64>> {
            (1..=MAX_NUMBERS).contains(&v.len()).then(|| v.iter().map(|x| f(*x)).collect())
        }
        let (typ, v) = match self.value(tag)? {
            Value::Byte(v) => (1, all(v, f64::from)),
            Value::Short(v) => (3, all(v, f64::from)),
            Value::Long(v) => (4, all(v, f64::from)),
            Value::Rational(v) => (5, all(v, |r| fields::ratio(f64::from(r.num), f64::from(r.denom)))),
            Value::SByte(v) => (6, all(v, f64::from)),
            Value::Undefined(v, _) => (7, all(v, f64::from)),
            Value::SShort(v) => (8, all(v, f64::from)),
            Value::SLong(v) => (9, all(v, f64::from)),
            Value::SRational(v) => (10, all(v, |r| fields::ratio(f64::from(r.num), f64::from(r.denom)))),
            Value::Float(v) => (11, all(v, f64::from)),
            Value::Double(v) => (12, all(v, |x| x)),
            _ => return None,
        };
        Some((typ, v?))
    }

    fn maker_note(&self, report: &mut MediaReport) {
        // `read` made sure a maker note is UNDEFINED, whose value keeps its offset in the block.
        let Some(Value::Undefined(v, at)) = self.value(TAG_MAKER_NOTE) else { return };
        let size = v.len() as u64;
        let e = Entry { tag: TAG_MAKER_NOTE, typ: 7, count: v.len() as u32, pos: 0, value_at: u64::from(*at), size };
        makernote::inspect(self.block, &e, report);
    }
}

#[cfg(test)]
mod tests {
    use super::super::{inspect_walk, Tiff};
    use crate::media::{Format, MediaReport};
    use std::path::{Path, PathBuf};

    /// The TIFF blocks of a JPEG's `Exif\0\0` APP1 segments.
    fn jpeg_exif(jpeg: &[u8]) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        let mut pos = 2;
        while pos + 4 <= jpeg.len() && jpeg[pos] == 0xFF {
            let m = jpeg[pos + 1];
            let len = usize::from(u16::from_be_bytes([jpeg[pos + 2], jpeg[pos + 3]]));
            let Some(payload) = jpeg.get(pos + 4..pos + 2 + len) else { break };
            if m == 0xE1 && payload.starts_with(b"Exif\0\0") {
                out.push(payload[6..].to_vec());
            }
            if m == 0xDA || len < 2 {
                break;
            }
            pos += 2 + len;
        }
        out
    }

    fn jpegs(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                jpegs(&p, out);
            } else if p.extension().is_some_and(|x| x.eq_ignore_ascii_case("jpg") || x.eq_ignore_ascii_case("jpeg")) {
                out.push(p);
            }
        }
    }

    /// Wherever kamadak-exif reads a block, the walker alone gives the same report: the switch
    /// of reader changes no finding. Runs over the fixtures, and the corpus when it is there.
    #[test]
    fn kamadak_exif_and_walker_agree() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        jpegs(&root.join("tests/fixtures/media"), &mut files);
        jpegs(&root.join("../shared/corpus"), &mut files);
        let (mut compared, mut with_location) = (0, 0);
        for path in files {
            let Ok(jpeg) = std::fs::read(&path) else { continue };
            for tiff in jpeg_exif(&jpeg) {
                let Ok(exif) = super::read(&tiff) else { continue };
                let bytes = tiff.as_slice();
                let Ok(t) = Tiff::new(&bytes, 0, tiff.len() as u64) else { continue };
                let mut by_kamadak = MediaReport::new(Format::Jpeg);
                super::report(&exif, &t, &mut by_kamadak);
                let mut by_walker = MediaReport::new(Format::Jpeg);
                let walk = t.walk(true).expect("the walker reads what kamadak-exif reads");
                if super::screen(&walk).is_err() {
                    continue;
                }
                inspect_walk(&t, &walk, &mut by_walker, true);
                assert_eq!(by_kamadak, by_walker, "{}", path.display());
                compared += 1;
                with_location += usize::from(by_kamadak.location.is_some());
            }
        }
        println!("{compared} EXIF blocks compared, {with_location} with location");
        assert!(compared >= 5 && with_location >= 3, "{compared} blocks, {with_location} with location");
    }
}

//! JPEG: the marker segments before the first scan (APP1 EXIF and XMP, Extended XMP, APP13
//! Photoshop/IPTC), read one by one; the entropy-coded image data after SOS is never read.
//!
//! Offsets inside a JPEG are segment-relative, so a strip plan may keep, replace or drop whole
//! segments. Metadata blocks are still cleaned at the same length where possible (EXIF, XMP,
//! IPTC), which keeps everything else in them (orientation, the colour profile lives in APP2 and is
//! never touched).
//!
//! Data stored after the picture is found without reading the image data: an AFCP trailer from
//! the file's last bytes, MPF images from their index, and a motion photo's video (Google
//! `MicroVideo`/`MotionPhoto`, Samsung) from the XMP hints and Samsung's trailer index, checked
//! against an MP4 `ftyp` box where they point. That video is walked and cleaned in place by
//! [`isobmff::embedded_video`], so it keeps its length and the hints stay right.

use super::flir::{self, Part, Spliced};
use super::isobmff::{self, Overwrite};
use super::{exif, iptc, xmp, ByteSource, EditPlan, Format, MediaError, MediaReport, Piece, StripMode};
use std::collections::BTreeMap;

const EXIF_SIG: &[u8] = b"Exif\0\0";
const XMP_SIG: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
const XMP_EXT_SIG: &[u8] = b"http://ns.adobe.com/xmp/extension/\0";
const PS_SIG: &[u8] = b"Photoshop 3.0\0";
/// More segments than any real file has before its first scan.
const MAX_SEGMENTS: usize = 8192;
/// Stray bytes skipped between segments before giving up.
const MAX_STRAY: u64 = 64;
/// Extended XMP larger than this is not reassembled (real files stay under a few MB).
const MAX_EXTENDED_XMP: u32 = 16 << 20;
/// How far from where a hint points a motion photo's MP4 `ftyp` box is looked for (Samsung puts
/// a block header before it; writers disagree about paddings).
const MOTION_SCAN: u64 = 4096;
/// Samsung's trailer block type for the motion photo's video ("MotionPhoto_Data").
const SEF_MOTION_PHOTO: u16 = 0x0A30;
/// The largest Samsung trailer index read (real ones list a handful of 12-byte entries).
const MAX_SEF_INDEX: u64 = 64 << 10;
/// Source and tag prefix for what a motion photo's video reveals.
const MOTION_PREFIX: &str = "motion-photo video";

/// What a segment holds, from its marker and signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Exif,
    Xmp,
    ExtendedXmp,
    Photoshop,
    /// APP12 (Ducky, PictureInfo): free text such as camera serial numbers.
    App12,
    /// APP1 "FLIR": one part of a FLIR thermal camera's FFF record file.
    Flir,
    /// APP2 "MPF": the index of further images (previews, depth maps) stored after this one.
    Mpf,
    Other,
}

/// A marker segment (the last one is the SOS): `start` is the offset of its 0xFF, `len` its
/// whole length (marker included).
#[derive(Clone, Copy, Debug)]
struct Segment {
    start: u64,
    len: u64,
    kind: Kind,
}

impl Segment {
    fn payload(&self) -> (u64, u64) {
        (self.start + 4, self.len - 4)
    }
}

/// Reads the segment headers up to the first SOS. `base` is where the JPEG starts (0 for files,
/// inside another container for embedded previews).
fn segments(src: &dyn ByteSource, base: u64) -> Result<Vec<Segment>, MediaError> {
    let soi = src.read_exact_at(base, 2, "JPEG start")?;
    if soi != [0xFF, 0xD8] {
        return Err(MediaError::Malformed { what: "JPEG start", offset: base, reason: "no SOI marker".into() });
    }
    let mut out = Vec::new();
    let mut pos = base + 2;
    loop {
        if out.len() >= MAX_SEGMENTS {
            return Err(MediaError::TooDeep { what: "JPEG segments", offset: pos });
        }
        // One read per segment: marker, length and the longest signature we look for.
        let mut head_buf = [0u8; 4 + 35];
        let got = src.read_at(pos, &mut head_buf)?;
        if got < 2 {
            return Err(MediaError::Truncated { what: "JPEG marker", offset: pos });
        }
        let head = &head_buf[..got];
        if head[0] != 0xFF {
            // A few stray bytes between segments are common (ExifTool skips them too); more
            // means this is not a segment boundary at all.
            let window = src.read_exact_at(pos, (src.len() - pos).min(MAX_STRAY) as usize, "JPEG marker")?;
            match memchr::memchr(0xFF, &window) {
                Some(skip) => {
                    pos += skip as u64;
                    continue;
                }
                None => {
                    return Err(MediaError::Malformed {
                        what: "JPEG marker",
                        offset: pos,
                        reason: format!("expected 0xFF, found 0x{:02X}", head[0]),
                    })
                }
            }
        }
        let marker = head[1];
        if marker == 0xFF {
            // Fill byte.
            pos += 1;
            continue;
        }
        if matches!(marker, 0x01 | 0xD0..=0xD7) {
            pos += 2;
            continue;
        }
        if marker == 0xD9 {
            // No image data at all (a metadata-only JPEG): the segments read are all there is.
            return Ok(out);
        }
        if got < 4 {
            return Err(MediaError::Truncated { what: "JPEG segment length", offset: pos });
        }
        let seg_len = u64::from(u16::from_be_bytes([head[2], head[3]]));
        if seg_len < 2 {
            return Err(MediaError::Malformed {
                what: "JPEG segment",
                offset: pos,
                reason: format!("length {seg_len}"),
            });
        }
        let len = seg_len + 2;
        if pos + len > src.len() {
            return Err(MediaError::Truncated { what: "JPEG segment", offset: pos });
        }
        if marker == 0xDA {
            out.push(Segment { start: pos, len, kind: Kind::Other });
            return Ok(out);
        }
        let kind = match marker {
            0xE2 if len >= 8 + 8 => {
                if head[4..].starts_with(b"MPF\0") {
                    Kind::Mpf
                } else {
                    Kind::Other
                }
            }
            0xE1 | 0xED => {
                let sig_len = (len - 4).min(XMP_EXT_SIG.len() as u64) as usize;
                let sig = head.get(4..4 + sig_len).unwrap_or(&head[4..]);
                if marker == 0xE1 && sig.starts_with(EXIF_SIG) {
                    Kind::Exif
                } else if marker == 0xE1 && sig.starts_with(XMP_SIG) {
                    Kind::Xmp
                } else if marker == 0xE1 && sig.starts_with(XMP_EXT_SIG) {
                    Kind::ExtendedXmp
                } else if marker == 0xE1 && sig.starts_with(b"FLIR\0") {
                    Kind::Flir
                } else if marker == 0xED && sig.starts_with(PS_SIG) {
                    Kind::Photoshop
                } else {
                    Kind::Other
                }
            }
            0xEC => Kind::App12,
            _ => Kind::Other,
        };
        out.push(Segment { start: pos, len, kind });
        pos += len;
    }
}

fn payload(src: &dyn ByteSource, s: &Segment, skip: usize) -> Result<Vec<u8>, MediaError> {
    let (at, len) = s.payload();
    let skip = (skip as u64).min(len);
    src.read_exact_at(at + skip, (len - skip) as usize, "JPEG segment")
}

/// Extended XMP chunks grouped by GUID: (segment index, offset in the full packet, chunk data
/// range) and the declared full length.
struct Extended {
    full_len: u32,
    chunks: Vec<(usize, u32, Vec<u8>)>,
}

fn extended_xmp(src: &dyn ByteSource, segs: &[Segment]) -> Result<BTreeMap<Vec<u8>, Extended>, MediaError> {
    let mut map: BTreeMap<Vec<u8>, Extended> = BTreeMap::new();
    for (i, s) in segs.iter().enumerate().filter(|(_, s)| s.kind == Kind::ExtendedXmp) {
        let p = payload(src, s, XMP_EXT_SIG.len())?;
        if p.len() < 40 {
            continue;
        }
        let guid = p[..32].to_vec();
        let full_len = u32::from_be_bytes([p[32], p[33], p[34], p[35]]);
        let offset = u32::from_be_bytes([p[36], p[37], p[38], p[39]]);
        let e = map.entry(guid).or_insert(Extended { full_len, chunks: Vec::new() });
        e.chunks.push((i, offset, p[40..].to_vec()));
    }
    Ok(map)
}

impl Extended {
    /// The reassembled packet, or `None` when chunks are missing, overlap or disagree.
    fn assemble(&self) -> Option<Vec<u8>> {
        if self.full_len > MAX_EXTENDED_XMP {
            return None;
        }
        let mut buf = vec![0u8; self.full_len as usize];
        let mut covered = 0usize;
        let mut chunks: Vec<&(usize, u32, Vec<u8>)> = self.chunks.iter().collect();
        chunks.sort_by_key(|c| c.1);
        for (_, off, data) in chunks {
            let off = *off as usize;
            if off != covered {
                return None;
            }
            buf.get_mut(off..off + data.len())?.copy_from_slice(data);
            covered += data.len();
        }
        (covered == buf.len()).then_some(buf)
    }
}

/// An AXS File Concatenation Protocol trailer (appended after the image by some photo tools).
struct Afcp {
    /// (offset, length) of each IPTC record block in the trailer.
    iptc: Vec<(u64, u64)>,
}

/// Reads the AFCP trailer, found from the last 12 bytes of the file (no scanning).
fn afcp_trailer(src: &dyn ByteSource) -> Result<Option<Afcp>, MediaError> {
    if src.len() < 24 {
        return Ok(None);
    }
    let tail = src.read_exact_at(src.len() - 12, 12, "AFCP trailer")?;
    let big_endian = match &tail[..4] {
        b"AXS!" => true,
        b"AXS*" => false,
        _ => return Ok(None),
    };
    let u32_at = |b: &[u8], i: usize| {
        let x = [b[i], b[i + 1], b[i + 2], b[i + 3]];
        u64::from(if big_endian { u32::from_be_bytes(x) } else { u32::from_le_bytes(x) })
    };
    let start = u32_at(&tail, 4);
    let Ok(head) = src.read_exact_at(start, 12, "AFCP header") else {
        return Ok(None);
    };
    if head[..4] != tail[..4] {
        return Ok(None);
    }
    let count =
        if big_endian { u16::from_be_bytes([head[6], head[7]]) } else { u16::from_le_bytes([head[6], head[7]]) };
    let dir = src.read_exact_at(start + 12, usize::from(count) * 12, "AFCP directory")?;
    let mut iptc = Vec::new();
    for e in dir.chunks_exact(12) {
        let (size, offset) = (u32_at(e, 4), u32_at(e, 8));
        if &e[..4] == b"IPTC"
            && offset.checked_add(size).is_some_and(|end| end <= src.len())
            && size < MAX_EXTENDED_XMP.into()
        {
            iptc.push((offset, size));
        }
    }
    Ok(Some(Afcp { iptc }))
}

/// The FLIR FFF data spliced from its APP1 segments (each starts with "FLIR\0", a version byte,
/// its index and the last index: 8 bytes).
fn flir_data<'a>(src: &'a dyn ByteSource, segs: &[Segment]) -> Spliced<'a> {
    let mut parts = Vec::new();
    let mut fff_at = 0;
    for s in segs.iter().filter(|s| s.kind == Kind::Flir && s.len > 12) {
        let len = s.len - 12;
        parts.push(Part { fff_at, file_at: s.start + 12, len });
        fff_at += len;
    }
    Spliced { src, parts }
}

/// Inspects a JPEG file.
pub fn inspect(src: &dyn ByteSource, format: Format) -> Result<MediaReport, MediaError> {
    let mut report = MediaReport::new(format);
    let segs = segments(src, 0)?;
    inspect_segments(src, &segs, &mut report, None)?;
    Ok(report)
}

/// The further images an MPF index lists (not the first, which is this one), as (start, size)
/// in the file. Unreadable indexes give none.
fn mpf_images(src: &dyn ByteSource, segs: &[Segment]) -> Vec<(u64, u64)> {
    let mut out = Vec::new();
    for s in segs.iter().filter(|s| s.kind == Kind::Mpf) {
        let tiff_start = s.start + 8;
        let Ok(t) = exif::Tiff::new(src, tiff_start, s.len - 8) else { continue };
        let Ok((ifd, _)) = t.first_ifd().and_then(|at| t.read_ifd(at, exif::IfdKind::Main(0))) else { continue };
        let Some(entries) = ifd.entries.iter().find(|e| e.tag == 0xB002).and_then(|e| t.value(e, 16 * 256)) else {
            continue;
        };
        for e in entries.chunks_exact(16) {
            let (size, offset) = (u64::from(t.u32_at(e, 4)), u64::from(t.u32_at(e, 8)));
            let start = tiff_start + offset;
            if offset != 0 && start > s.start && start.checked_add(size).is_some_and(|end| end <= src.len()) {
                out.push((start, size));
            }
        }
    }
    out
}

/// The EXIF and XMP segments of an MPF image at `start`: (segment, kind) pairs, or `None` when
/// it does not start like a JPEG.
fn mpf_metadata(src: &dyn ByteSource, start: u64) -> Option<Vec<Segment>> {
    let segs = segments(src, start).ok()?;
    Some(segs.into_iter().filter(|s| matches!(s.kind, Kind::Exif | Kind::Xmp)).collect())
}

/// Adds what the MPF images (camera previews often carry a full copy of the EXIF, GPS included)
/// reveal, under sources prefixed "MPF preview".
fn inspect_mpf(src: &dyn ByteSource, segs: &[Segment], report: &mut MediaReport) -> Result<(), MediaError> {
    for (start, _) in mpf_images(src, segs) {
        let Some(meta) = mpf_metadata(src, start) else { continue };
        let mut sub = MediaReport::new(Format::Jpeg);
        for s in &meta {
            match s.kind {
                Kind::Exif => {
                    if exif::inspect_tiff(&payload(src, s, EXIF_SIG.len())?, &mut sub).is_err() {
                        report.add_residual(
                            "the EXIF block of an embedded preview image is damaged and could not be checked",
                        );
                    }
                }
                _ => xmp::inspect_xmp(&payload(src, s, XMP_SIG.len())?, &mut sub),
            }
        }
        if let Some(loc) = sub.location {
            for source in &loc.sources {
                report.add_location_source(&format!("MPF preview {source}"));
            }
            // The source of the coordinates comes first.
            if let (Some(lat), Some(lon), Some(source)) = (loc.lat, loc.lon, loc.sources.first()) {
                report.add_coordinates(&format!("MPF preview {source}"), lat, lon, loc.altitude);
            }
        }
        for v in &sub.identity.serial_numbers {
            let (tag, value) = v.split_once(": ").unwrap_or((v, ""));
            report.add_serial(&format!("MPF preview {tag}"), value);
        }
        for v in &sub.identity.owner_names {
            let (tag, value) = v.split_once(": ").unwrap_or((v, ""));
            report.add_owner(&format!("MPF preview {tag}"), value);
        }
    }
    Ok(())
}

/// Inspects the metadata segments and what is stored after the picture. With `mode`, also
/// returns the overwrites that clean a motion photo's video (the segments are cleaned by
/// [`strip`]).
fn inspect_segments(
    src: &dyn ByteSource,
    segs: &[Segment],
    report: &mut MediaReport,
    mode: Option<StripMode>,
) -> Result<Vec<Overwrite>, MediaError> {
    let mut motion = xmp::MotionPhoto::default();
    for s in segs {
        match s.kind {
            Kind::Exif => {
                let tiff = payload(src, s, EXIF_SIG.len())?;
                if let Err(e) = exif::inspect_tiff(&tiff, report) {
                    report.add_residual(format!("an EXIF block is damaged ({e}); stripping removes it whole"));
                }
            }
            Kind::Xmp => {
                let packet = payload(src, s, XMP_SIG.len())?;
                xmp::inspect_xmp(&packet, report);
                merge_motion(&mut motion, xmp::motion_photo(&packet));
            }
            Kind::Photoshop => iptc::inspect_irb(&payload(src, s, PS_SIG.len())?, report),
            Kind::App12 => {
                // PictureInfo text ("Serial#=...") written by older Olympus, Agfa and Kodak cameras.
                let text = payload(src, s, 0)?;
                for line in text.split(|b| matches!(*b, b'\r' | b'\n' | 0)) {
                    if let Some(v) = line.strip_prefix(b"Serial#=".as_slice()) {
                        report.add_serial("PictureInfo:SerialNumber", &String::from_utf8_lossy(v));
                    }
                }
            }
            _ => {}
        }
    }
    if let Some(afcp) = afcp_trailer(src)? {
        for (at, len) in afcp.iptc {
            iptc::inspect_iim(&src.read_exact_at(at, len as usize, "AFCP IPTC")?, report);
        }
    }
    inspect_mpf(src, segs, report)?;
    if let Err(e) = flir::inspect(&flir_data(src, segs), report) {
        report.add_residual(format!("FLIR thermal data is damaged ({e}); GPS in it could not be checked"));
    }
    for ext in extended_xmp(src, segs)?.values() {
        match ext.assemble() {
            Some(packet) => {
                xmp::inspect_xmp(&packet, report);
                merge_motion(&mut motion, xmp::motion_photo(&packet));
            }
            None => report.add_residual("Extended XMP is incomplete; stripping removes it whole"),
        }
    }
    motion_photo(src, segs, &motion, report, mode)
}

/// Adds the hints of a further XMP packet (the first packet's hints win).
fn merge_motion(into: &mut xmp::MotionPhoto, from: xmp::MotionPhoto) {
    into.flagged |= from.flagged;
    into.micro_video_offset = into.micro_video_offset.or(from.micro_video_offset);
    into.video_item = into.video_item.or(from.video_item);
}

/// A motion photo's video: reports what it reveals (under sources prefixed "motion-photo
/// video") and, with `mode`, returns the same-length overwrites that clean it. A video that a
/// hint announces but that cannot be found or read stays a residual.
fn motion_photo(
    src: &dyn ByteSource,
    segs: &[Segment],
    hints: &xmp::MotionPhoto,
    report: &mut MediaReport,
    mode: Option<StripMode>,
) -> Result<Vec<Overwrite>, MediaError> {
    let Some((start, end)) = motion_video(src, segs, hints)? else {
        return Ok(Vec::new());
    };
    match isobmff::embedded_video(src, start, end, mode) {
        Ok((sub, edits)) => {
            report.residual.retain(|r| r != xmp::MOTION_PHOTO_RESIDUAL);
            report.absorb(sub, Some(MOTION_PREFIX));
            if edits.iter().any(|e| e.at < start || e.at + e.bytes.len() as u64 > end) {
                return Err(MediaError::CannotStrip("a change to the motion-photo video falls outside it".into()));
            }
            Ok(edits)
        }
        Err(MediaError::CannotStrip(why)) if mode.is_some() => {
            Err(MediaError::CannotStrip(format!("the motion-photo video after the picture: {why}")))
        }
        Err(e) => {
            report.residual.retain(|r| r != xmp::MOTION_PHOTO_RESIDUAL);
            report.add_residual(format!(
                "the motion-photo video stored after the picture is damaged ({e}); \
                 its own metadata (which can include location) is not checked or removed"
            ));
            Ok(Vec::new())
        }
    }
}

/// Where a motion photo's MP4 lies (start, end), found from Samsung's trailer index, the XMP
/// hints or the end of the MPF images, each checked for an MP4 `ftyp` box at (or just after)
/// the place it points to. Never before the end of the picture's metadata segments; reads a few
/// KB at most.
fn motion_video(
    src: &dyn ByteSource,
    segs: &[Segment],
    hints: &xmp::MotionPhoto,
) -> Result<Option<(u64, u64)>, MediaError> {
    let len = src.len();
    let floor = segs.last().map_or(2, |s| s.start + s.len);
    if let Some((data, end)) = sef_motion_data(src, floor)? {
        if let Some(start) = find_ftyp(src, data, end, floor)? {
            return Ok(Some((start, end)));
        }
    }
    if let Some(off) = hints.micro_video_offset.filter(|o| *o <= len) {
        if let Some(start) = find_ftyp(src, len - off, len, floor)? {
            return Ok(Some((start, len)));
        }
    }
    if let Some(item) = hints.video_item {
        for from_end in [item.from_end_padded, item.from_end] {
            let Some(at) = len.checked_sub(from_end) else { continue };
            // An item followed by others ends where its length says; the last runs to the end.
            let end = if item.from_end == item.length { len } else { at.saturating_add(item.length).min(len) };
            if let Some(start) = find_ftyp(src, at, end, floor)? {
                return Ok(Some((start, end)));
            }
        }
    }
    // A video after the MPF images (a gain map, say) that no hint locates.
    if hints.flagged {
        if let Some(at) = mpf_images(src, segs).iter().map(|(s, n)| s + n).max() {
            if let Some(start) = find_ftyp(src, at, len, floor)? {
                return Ok(Some((start, len)));
            }
        }
    }
    Ok(None)
}

/// The first MP4 `ftyp` box header within [`MOTION_SCAN`] bytes from `at` (so also one after
/// a Samsung block header or padding), in a file region ending at `end`.
fn find_ftyp(src: &dyn ByteSource, at: u64, end: u64, floor: u64) -> Result<Option<u64>, MediaError> {
    let end = end.min(src.len());
    if at < floor || at >= end {
        return Ok(None);
    }
    let window = src.read_exact_at(at, (end - at).min(MOTION_SCAN + 16) as usize, "motion-photo video")?;
    for i in memchr::memmem::find_iter(&window, b"ftyp") {
        let Some(box_at) = i.checked_sub(4) else { continue };
        let Some(head) = window.get(box_at..box_at + 16) else { break };
        let size = u64::from(u32::from_be_bytes([head[0], head[1], head[2], head[3]]));
        let brand_ok = head[8..12].iter().all(|b| (0x20..=0x7E).contains(b));
        let start = at + box_at as u64;
        // ftyp: major brand, minor version, then whole compatible brands; a box follows it.
        if (16..=4096).contains(&size) && size % 4 == 0 && brand_ok && start + size + 8 <= end {
            return Ok(Some(start));
        }
    }
    Ok(None)
}

/// Samsung's trailer (SEF): an index at the end of the file ("SEFH" ... length, "SEFT") of data
/// blocks stored before it, each a 16-bit zero, its type, its name's length and its name, then
/// the data. The data range (after the name) of the "MotionPhoto_Data" block, when there is one.
fn sef_motion_data(src: &dyn ByteSource, floor: u64) -> Result<Option<(u64, u64)>, MediaError> {
    let len = src.len();
    if len < floor + 8 + 12 {
        return Ok(None);
    }
    let tail = src.read_exact_at(len - 8, 8, "Samsung trailer")?;
    if &tail[4..] != b"SEFT" {
        return Ok(None);
    }
    let index_len = u64::from(u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]));
    if !(12..=MAX_SEF_INDEX).contains(&index_len) || index_len + 8 > len - floor {
        return Ok(None);
    }
    let index_at = len - 8 - index_len;
    let index = src.read_exact_at(index_at, index_len as usize, "Samsung trailer")?;
    if &index[..4] != b"SEFH" {
        return Ok(None);
    }
    let u32_at = |b: &[u8], i: usize| u64::from(u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]));
    let count = u32_at(&index, 8);
    for e in index[12..].chunks_exact(12).take(count.min(index_len / 12) as usize) {
        let typ = u16::from_le_bytes([e[2], e[3]]);
        let (back, size) = (u32_at(e, 4), u32_at(e, 8));
        if typ != SEF_MOTION_PHOTO || back > index_at - floor || size > back || size < 8 {
            continue;
        }
        let block = index_at - back;
        let head = src.read_exact_at(block, 8, "Samsung trailer")?;
        let name_len = u32_at(&head, 4);
        if head[2..4] == e[2..4] && name_len + 8 <= size && name_len <= 64 {
            return Ok(Some((block + 8 + name_len, block + size)));
        }
    }
    Ok(None)
}

/// Plans a lossless strip of a JPEG file.
pub fn strip(src: &dyn ByteSource, format: Format, mode: StripMode) -> Result<EditPlan, MediaError> {
    let segs = segments(src, 0)?;
    let mut report = MediaReport::new(format);
    let video_edits = inspect_segments(src, &segs, &mut report, Some(mode))?;

    // Replacement for each changed segment: Some(bytes) rewrites it, None drops it.
    let mut changes: BTreeMap<usize, Option<Vec<u8>>> = BTreeMap::new();
    let mut removed: Vec<String> = Vec::new();
    for (i, s) in segs.iter().enumerate() {
        let head_len = match s.kind {
            Kind::Exif => 4 + EXIF_SIG.len(),
            Kind::Xmp => 4 + XMP_SIG.len(),
            Kind::Photoshop => 4 + PS_SIG.len(),
            Kind::App12 if mode == StripMode::Identifying => {
                changes.insert(i, None);
                removed.push("APP12 camera text (may hold serial numbers)".into());
                continue;
            }
            Kind::Flir if mode == StripMode::Identifying => {
                // Maker data like a maker note: camera and lens serial numbers, GPS.
                changes.insert(i, None);
                removed.push("FLIR thermal camera data (serial numbers, GPS)".into());
                continue;
            }
            _ => continue,
        };
        let body = payload(src, s, head_len - 4)?;
        let cleaned = match s.kind {
            Kind::Exif => match exif::clean_tiff(&body, mode) {
                Ok(c) => c,
                Err(_) => {
                    changes.insert(i, None);
                    removed.push("damaged EXIF block".into());
                    continue;
                }
            },
            Kind::Xmp => xmp::clean_xmp(&body, mode),
            _ => {
                let cleaned = iptc::clean_irb(&body, mode);
                if mode == StripMode::Identifying {
                    // Photoshop thumbnails go too; a JPEG segment may shrink.
                    match iptc::drop_thumbnails(cleaned.as_deref().unwrap_or(&body)) {
                        Some(smaller) => {
                            removed.push("Photoshop thumbnail".into());
                            Some(smaller)
                        }
                        None => cleaned,
                    }
                } else {
                    cleaned
                }
            }
        };
        if let Some(c) = cleaned {
            let mut seg = src.read_exact_at(s.start, head_len, "JPEG segment")?;
            seg.extend_from_slice(&c);
            let seg_len = (seg.len() - 2) as u16;
            seg[2..4].copy_from_slice(&seg_len.to_be_bytes());
            changes.insert(i, Some(seg));
        }
    }
    for ext in extended_xmp(src, &segs)?.values() {
        match ext.assemble() {
            None => {
                for (i, _, _) in &ext.chunks {
                    changes.insert(*i, None);
                }
                removed.push("incomplete Extended XMP".into());
            }
            Some(packet) => {
                let Some(clean) = xmp::clean_xmp(&packet, mode) else {
                    continue;
                };
                // Same length: every chunk keeps its offset and size.
                for (i, off, data) in &ext.chunks {
                    let Some(s) = segs.get(*i) else { continue };
                    let mut seg = src.read_exact_at(s.start, 4 + XMP_EXT_SIG.len() + 40, "JPEG segment")?;
                    let off = *off as usize;
                    seg.extend_from_slice(clean.get(off..off + data.len()).unwrap_or(data));
                    changes.insert(*i, Some(seg));
                }
            }
        }
    }

    // FLIR GPS: patched in place inside the FLIR segments.
    let flir_patches = if mode == StripMode::Identifying {
        Vec::new()
    } else {
        flir::clean(&flir_data(src, &segs))
            .map_err(|e| MediaError::CannotStrip(format!("FLIR data is damaged ({e})")))?
    };
    if !flir_patches.is_empty() {
        for (i, s) in segs.iter().enumerate().filter(|(_, s)| s.kind == Kind::Flir) {
            let touching: Vec<&(u64, Vec<u8>)> =
                flir_patches.iter().filter(|(at, _)| *at >= s.start && *at < s.start + s.len).collect();
            if touching.is_empty() {
                continue;
            }
            let mut seg = src.read_exact_at(s.start, s.len as usize, "JPEG segment")?;
            for (at, bytes) in touching {
                let off = (at - s.start) as usize;
                if let Some(slot) = seg.get_mut(off..off + bytes.len()) {
                    slot.copy_from_slice(bytes);
                }
            }
            changes.insert(i, Some(seg));
        }
        removed.push("FLIR GPS record".into());
    }

    // IPTC in an AFCP trailer is cleaned in place; the trailer keeps its layout.
    let mut trailer_patches: Vec<(u64, Vec<u8>)> = Vec::new();
    if let Some(afcp) = afcp_trailer(src)? {
        for (at, len) in afcp.iptc {
            let data = src.read_exact_at(at, len as usize, "AFCP IPTC")?;
            if let Some(clean) = iptc::clean_iim(&data, mode) {
                trailer_patches.push((at, clean));
            }
        }
    }

    // MPF images after the primary one: their EXIF and XMP are cleaned at the same length, so
    // the MPF index stays right.
    for (start, _) in mpf_images(src, &segs) {
        let Some(meta) = mpf_metadata(src, start) else { continue };
        for s in meta {
            let (sig, clean) = match s.kind {
                Kind::Exif => {
                    let body = payload(src, &s, EXIF_SIG.len())?;
                    let clean = exif::clean_tiff(&body, mode).map_err(|e| {
                        MediaError::CannotStrip(format!("the EXIF block of an embedded preview image is damaged ({e})"))
                    })?;
                    (EXIF_SIG.len(), clean)
                }
                _ => (XMP_SIG.len(), xmp::clean_xmp(&payload(src, &s, XMP_SIG.len())?, mode)),
            };
            if let Some(c) = clean {
                trailer_patches.push((s.start + 4 + sig as u64, c));
            }
        }
    }

    // A motion photo's video: cleaned in place at the same length, so it stays where the XMP
    // and Samsung's index say it is.
    trailer_patches.extend(merge_overwrites(video_edits));

    let mut plan = EditPlan::default();
    let mut pos = 0u64;
    for (i, change) in changes {
        let Some(s) = segs.get(i) else { continue };
        if s.start > pos {
            plan.pieces.push(Piece::Keep { start: pos, end: s.start });
        }
        if let Some(bytes) = change {
            plan.pieces.push(Piece::Insert(bytes));
        }
        pos = s.start + s.len;
    }
    trailer_patches.sort_by_key(|p| p.0);
    for (at, bytes) in trailer_patches {
        if at < pos {
            return Err(MediaError::CannotStrip(
                "data after the image (AFCP trailer, MPF image or motion-photo video) overlaps the JPEG metadata \
                 or other data after the image"
                    .into(),
            ));
        }
        plan.pieces.push(Piece::Keep { start: pos, end: at });
        pos = at + bytes.len() as u64;
        plan.pieces.push(Piece::Insert(bytes));
    }
    if pos < src.len() {
        plan.pieces.push(Piece::Keep { start: pos, end: src.len() });
    }
    super::summarise(&mut plan, &report, mode, removed);
    Ok(plan)
}

/// Overwrites as (offset, bytes), sorted, overlapping ones joined (later ones win where they
/// overlap).
fn merge_overwrites(mut edits: Vec<Overwrite>) -> Vec<(u64, Vec<u8>)> {
    edits.retain(|e| !e.bytes.is_empty());
    edits.sort_by_key(|e| e.at);
    let mut out: Vec<(u64, Vec<u8>)> = Vec::with_capacity(edits.len());
    for e in edits {
        if let Some((at, bytes)) = out.last_mut() {
            if e.at <= *at + bytes.len() as u64 {
                let offset = (e.at - *at) as usize;
                let overlap = (bytes.len() - offset).min(e.bytes.len());
                bytes[offset..offset + overlap].copy_from_slice(&e.bytes[..overlap]);
                bytes.extend_from_slice(&e.bytes[overlap..]);
                continue;
            }
        }
        out.push((e.at, e.bytes));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_stop_at_scan() {
        let mut j = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0, 0, 0xFF, 0xDA, 0, 2];
        j.extend(std::iter::repeat(0x55).take(1000));
        let segs = segments(&j, 0).expect("ok");
        assert_eq!(segs.len(), 2);
        assert_eq!(segs[1].start, 8);
        assert_eq!(segs[1].kind, Kind::Other);
        for cut in 0..12 {
            assert!(segments(&j[..cut].to_vec(), 0).is_err());
        }
    }
}

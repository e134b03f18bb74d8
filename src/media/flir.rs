//! FLIR thermal cameras' "FFF" record file, carried in JPEG APP1 "FLIR" segments: its GPS record
//! holds coordinates of its own (ExifTool's `FLIR:GPS*` tags).
//!
//! The FFF data is split over many segments (thermal raw data included), so it is read through a
//! [`Spliced`] view that maps FFF offsets to file offsets: only the header, the record directory
//! and the GPS record are read. Removal is in place: the GPS record's directory entry is marked
//! empty (type 0, which readers skip) and the record's bytes are zeroed.

use super::{ByteSource, MediaError, MediaReport};

const HEADER_LEN: usize = 0x40;
const GPS_RECORD: u16 = 0x2B;
const MAX_RECORDS: u32 = 4096;

/// One piece of the spliced data: `len` bytes at `file_at` in the file are FFF bytes `fff_at..`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Part {
    pub fff_at: u64,
    pub file_at: u64,
    pub len: u64,
}

/// Data spread over several file ranges, read as one.
pub(crate) struct Spliced<'a> {
    pub src: &'a dyn ByteSource,
    pub parts: Vec<Part>,
}

impl Spliced<'_> {
    /// The file ranges holding FFF bytes `at..at+len`.
    fn file_ranges(&self, at: u64, len: u64) -> Vec<(u64, u64)> {
        let end = at.saturating_add(len);
        self.parts
            .iter()
            .filter_map(|p| {
                let s = at.max(p.fff_at);
                let e = end.min(p.fff_at + p.len);
                (s < e).then(|| (p.file_at + (s - p.fff_at), e - s))
            })
            .collect()
    }
}

impl ByteSource for Spliced<'_> {
    fn len(&self) -> u64 {
        self.parts.last().map(|p| p.fff_at + p.len).unwrap_or(0)
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<usize, MediaError> {
        let mut done = 0usize;
        for (file_at, len) in self.file_ranges(offset, buf.len() as u64) {
            let n = self.src.read_at(file_at, &mut buf[done..done + len as usize])?;
            done += n;
            if n < len as usize {
                break;
            }
        }
        Ok(done)
    }
}

/// Where the GPS record and its directory entry are, and what it says.
struct Gps {
    entry_at: u64,
    record_at: u64,
    record_len: u64,
    coordinates: Option<(f64, f64)>,
}

fn find_gps(fff: &Spliced) -> Result<Option<Gps>, MediaError> {
    if fff.len() < HEADER_LEN as u64 {
        return Ok(None);
    }
    let hdr = fff.read_exact_at(0, HEADER_LEN, "FLIR header")?;
    if !hdr.starts_with(b"FFF\0") && !hdr.starts_with(b"AFF\0") {
        return Ok(None);
    }
    let be_u32 = |b: &[u8], i: usize| u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
    let le_u32 = |b: &[u8], i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
    let big_endian = (100..200).contains(&be_u32(&hdr, 0x14));
    let u32_at = |b: &[u8], i: usize| if big_endian { be_u32(b, i) } else { le_u32(b, i) };
    let u16_at = |b: &[u8], i: usize| {
        if big_endian {
            u16::from_be_bytes([b[i], b[i + 1]])
        } else {
            u16::from_le_bytes([b[i], b[i + 1]])
        }
    };
    let dir_at = u64::from(u32_at(&hdr, 0x18));
    let count = u32_at(&hdr, 0x1C);
    if count > MAX_RECORDS {
        return Err(MediaError::Malformed {
            what: "FLIR record directory",
            offset: dir_at,
            reason: format!("{count} records"),
        });
    }
    let dir = fff.read_exact_at(dir_at, count as usize * 0x20, "FLIR record directory")?;
    for (i, e) in dir.chunks_exact(0x20).enumerate() {
        if u16_at(e, 0) != GPS_RECORD {
            continue;
        }
        let record_at = u64::from(u32_at(e, 0x0C));
        let record_len = u64::from(u32_at(e, 0x10));
        let rec = fff.read_exact_at(record_at, record_len.min(0x40) as usize, "FLIR GPS record")?;
        let valid = rec.len() >= 0x20 && u32_at(&rec, 0) != 0;
        let coordinates = valid.then(|| {
            // The record's byte order does not always follow the header's: take the one that
            // gives coordinates on the globe.
            let f = |i: usize, be: bool| {
                let mut b = [0u8; 8];
                b.copy_from_slice(&rec[i..i + 8]);
                if be {
                    f64::from_be_bytes(b)
                } else {
                    f64::from_le_bytes(b)
                }
            };
            let (mut lat, mut lon) = (f(0x10, big_endian), f(0x18, big_endian));
            if !super::valid_coordinates(lat, lon) {
                (lat, lon) = (f(0x10, !big_endian), f(0x18, !big_endian));
            }
            // Reference letters (N/S, E/W) as in EXIF.
            if rec[8] == b'S' && lat > 0.0 {
                lat = -lat;
            }
            if rec[10] == b'W' && lon > 0.0 {
                lon = -lon;
            }
            (lat, lon)
        });
        return Ok(Some(Gps { entry_at: dir_at + i as u64 * 0x20, record_at, record_len, coordinates }));
    }
    Ok(None)
}

/// Adds the FLIR GPS coordinates to `report`.
pub(crate) fn inspect(fff: &Spliced, report: &mut MediaReport) -> Result<(), MediaError> {
    if let Some(Gps { coordinates: Some((lat, lon)), .. }) = find_gps(fff)? {
        report.add_coordinates("FLIR:GPS", lat, lon, None);
    }
    Ok(())
}

/// File patches `(offset, bytes)` that remove the GPS record (empty).
pub(crate) fn clean(fff: &Spliced) -> Result<Vec<(u64, Vec<u8>)>, MediaError> {
    let Some(gps) = find_gps(fff)? else { return Ok(Vec::new()) };
    let mut patches = Vec::new();
    for (at, len) in fff.file_ranges(gps.entry_at, 2).into_iter().chain(fff.file_ranges(gps.record_at, gps.record_len))
    {
        patches.push((at, vec![0u8; len as usize]));
    }
    Ok(patches)
}

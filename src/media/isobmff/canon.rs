//! Canon's `uuid` box (CR3 raw files and Canon MP4 videos), which carries EXIF as four TIFF
//! blocks: `CMT1` (IFD0: make, model, artist), `CMT2` (the EXIF IFD: serial numbers, owner),
//! `CMT3` (maker notes) and `CMT4` (the GPS IFD).
//!
//! `CMT1` and `CMT2` go through the shared EXIF reader and cleaner. `CMT4` holds nothing but GPS,
//! so stripping location turns it into a `free` box; its coordinates are read here, since the
//! block's first directory *is* the GPS directory. `CMT3` stays: raw converters read colour data
//! from it, so the report says when it may still hold a serial number.

use super::boxes::BoxHeader;
use super::{Class, Scan};
use crate::media::MediaError;

/// Canon's `uuid` user type (as ExifTool names it).
pub(super) const CANON_UUID: [u8; 16] = [
    0x85, 0xC0, 0xB6, 0x87, 0x82, 0x0F, 0x11, 0xE0, 0x81, 0x11, 0xF4, 0xCE, 0x46, 0x2B, 0x6A, 0x48,
];

/// The largest CMT block read (they are a few KB).
const MAX_CMT: u64 = 1 << 20;

pub(super) fn uuid(scan: &mut Scan, b: &BoxHeader, depth: usize) -> Result<(), MediaError> {
    for k in scan.w.children(b.payload_start(), b.end, depth, false)? {
        match &k.typ {
            b"CMT1" | b"CMT2" => {
                let tiff = scan.w.payload(&k, MAX_CMT, "Canon CMT box")?;
                let what = if k.is(b"CMT1") {
                    "Canon CMT1 block"
                } else {
                    "Canon CMT2 block"
                };
                scan.exif(&[(k.payload_start(), k.payload_len())], &tiff, 0, what)?;
            }
            b"CMT3" if scan.wants(Class::Identifying) => {
                scan.report.add_residual(
                    "Canon maker notes (CMT3) may hold the camera's serial number; they stay because raw \
                     converters read colour data from them",
                );
            }
            b"CMT4" => {
                let tiff = scan.w.payload(&k, MAX_CMT, "Canon CMT4 box")?;
                match gps_ifd0(&tiff) {
                    Some((lat, lon)) => {
                        scan.report
                            .add_coordinates("Canon:CMT4 GPS", lat, lon, None)
                    }
                    None => {
                        if has_entries(&tiff) {
                            scan.report.add_location_source("Canon:CMT4 GPS");
                        }
                    }
                }
                if has_entries(&tiff) {
                    scan.free(&k, Class::Location, "Canon GPS block (CMT4)")?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// A little TIFF reader, enough for one directory of GPS tags.
struct Tiff<'a> {
    data: &'a [u8],
    le: bool,
}

impl Tiff<'_> {
    fn u16(&self, at: usize) -> Option<u16> {
        let b = self.data.get(at..at.checked_add(2)?)?;
        Some(if self.le {
            u16::from_le_bytes([b[0], b[1]])
        } else {
            u16::from_be_bytes([b[0], b[1]])
        })
    }
    fn u32(&self, at: usize) -> Option<u32> {
        let b = self.data.get(at..at.checked_add(4)?)?;
        let a = [b[0], b[1], b[2], b[3]];
        Some(if self.le {
            u32::from_le_bytes(a)
        } else {
            u32::from_be_bytes(a)
        })
    }
}

fn open(data: &[u8]) -> Option<(Tiff<'_>, usize)> {
    let le = match data.get(..4)? {
        b"II*\0" => true,
        b"MM\0*" => false,
        _ => return None,
    };
    let t = Tiff { data, le };
    let ifd = t.u32(4)? as usize;
    Some((t, ifd))
}

/// True when the block's first directory has at least one entry.
fn has_entries(data: &[u8]) -> bool {
    open(data)
        .and_then(|(t, ifd)| t.u16(ifd))
        .is_some_and(|n| n > 0)
}

/// Latitude and longitude from a TIFF block whose first directory is a GPS directory.
fn gps_ifd0(data: &[u8]) -> Option<(f64, f64)> {
    let (t, ifd) = open(data)?;
    let count = usize::from(t.u16(ifd)?);
    let mut lat = None;
    let mut lon = None;
    let mut lat_south = false;
    let mut lon_west = false;
    for i in 0..count.min(256) {
        let e = ifd + 2 + i * 12;
        let tag = t.u16(e)?;
        let typ = t.u16(e + 2)?;
        let n = t.u32(e + 4)?;
        match (tag, typ) {
            (1, 2) => lat_south = t.data.get(e + 8) == Some(&b'S'),
            (3, 2) => lon_west = t.data.get(e + 8) == Some(&b'W'),
            (2 | 4, 5) if n == 3 => {
                let at = t.u32(e + 8)? as usize;
                let mut v = 0.0;
                for (j, scale) in [1.0, 60.0, 3600.0].iter().enumerate() {
                    let num = f64::from(t.u32(at + j * 8)?);
                    let den = f64::from(t.u32(at + j * 8 + 4)?);
                    if den == 0.0 {
                        return None;
                    }
                    v += num / den / scale;
                }
                if tag == 2 {
                    lat = Some(v);
                } else {
                    lon = Some(v);
                }
            }
            _ => {}
        }
    }
    let lat = if lat_south { -lat? } else { lat? };
    let lon = if lon_west { -lon? } else { lon? };
    Some((lat, lon))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A big-endian TIFF whose IFD0 holds GPS latitude/longitude.
    pub(crate) fn gps_tiff(
        lat: (u32, u32, u32),
        south: bool,
        lon: (u32, u32, u32),
        west: bool,
    ) -> Vec<u8> {
        let mut t = b"MM\0*\0\0\0\x08".to_vec();
        t.extend_from_slice(&4u16.to_be_bytes());
        let data_at = 8 + 2 + 4 * 12 + 4;
        let entry = |t: &mut Vec<u8>, tag: u16, typ: u16, n: u32, v: [u8; 4]| {
            t.extend_from_slice(&tag.to_be_bytes());
            t.extend_from_slice(&typ.to_be_bytes());
            t.extend_from_slice(&n.to_be_bytes());
            t.extend_from_slice(&v);
        };
        entry(&mut t, 1, 2, 2, [if south { b'S' } else { b'N' }, 0, 0, 0]);
        entry(&mut t, 2, 5, 3, (data_at as u32).to_be_bytes());
        entry(&mut t, 3, 2, 2, [if west { b'W' } else { b'E' }, 0, 0, 0]);
        entry(&mut t, 4, 5, 3, (data_at as u32 + 24).to_be_bytes());
        t.extend_from_slice(&[0; 4]);
        for (d, m, s) in [lat, lon] {
            for v in [d, m, s] {
                t.extend_from_slice(&v.to_be_bytes());
                t.extend_from_slice(&1u32.to_be_bytes());
            }
        }
        t
    }

    #[test]
    fn reads_gps_directory() {
        let t = gps_tiff((48, 51, 36), false, (2, 17, 40), true);
        let (lat, lon) = gps_ifd0(&t).expect("coordinates");
        assert!(
            (lat - 48.86).abs() < 1e-9 && (lon + (2.0 + 17.0 / 60.0 + 40.0 / 3600.0)).abs() < 1e-9
        );
        assert!(has_entries(&t));
        for cut in 0..t.len() {
            assert!(gps_ifd0(&t[..cut]).is_none());
        }
        assert!(!has_entries(b"II*\0\x08\0\0\0\0\0"));
    }
}

//! kamadak-exif is the EXIF field reader; the built-in directory walker reads only the blocks
//! kamadak-exif rejects or cannot see all of. These tests show which reader a block takes and
//! that the report is right either way.
//!
//! The corpus tests need the real-photo corpus (`../shared/corpus`, or `SAFEPOST_CORPUS`), as
//! `tests/media_corpus.rs` does, and fail when it is missing.

use safepost::media::exif::{self, FieldReader};
use safepost::media::{Format, MediaReport};
use std::path::PathBuf;

fn fixture(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/media").join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

mod corpus_support;
use corpus_support::{corpus_dir, truth};

/// The TIFF block of a JPEG's first `Exif\0\0` APP1 segment.
fn jpeg_exif(jpeg: &[u8]) -> Option<Vec<u8>> {
    let mut pos = 2;
    while pos + 4 <= jpeg.len() && jpeg[pos] == 0xFF {
        let m = jpeg[pos + 1];
        let len = usize::from(u16::from_be_bytes([jpeg[pos + 2], jpeg[pos + 3]]));
        let payload = jpeg.get(pos + 4..pos + 2 + len)?;
        if m == 0xE1 && payload.starts_with(b"Exif\0\0") {
            return Some(payload[6..].to_vec());
        }
        if m == 0xDA || len < 2 {
            return None;
        }
        pos += 2 + len;
    }
    None
}

fn read(tiff: &[u8]) -> (FieldReader, MediaReport) {
    let mut r = MediaReport::new(Format::Jpeg);
    let reader = exif::inspect_tiff_with_reader(tiff, &mut r).expect("readable EXIF block");
    (reader, r)
}

fn coordinates(r: &MediaReport) -> Option<(f64, f64)> {
    r.location.as_ref().and_then(|l| l.lat.zip(l.lon))
}

fn close(a: (f64, f64), b: (f64, f64)) -> bool {
    (a.0 - b.0).abs() < 1e-4 && (a.1 - b.1).abs() < 1e-4
}

#[test]
fn normal_block_is_read_by_kamadak_exif() {
    // Written by ExifTool (tests/fixtures/media/make.sh): GPS, identity, maker-note-free.
    let tiff = jpeg_exif(&fixture("jpeg_all.jpg")).expect("EXIF segment");
    let (reader, r) = read(&tiff);
    assert_eq!(reader, FieldReader::KamadakExif);
    assert!(close(coordinates(&r).expect("coordinates"), (50.4501, 30.5234)), "{:?}", r.location);
    assert_eq!(r.location.as_ref().and_then(|l| l.altitude), Some(179.0));
    assert_eq!(r.identity.make.as_deref(), Some("SafeCam"));
    assert_eq!(r.identity.captured_at.as_deref(), Some("2024:05:01 10:11:12"));
    assert!(r.identity.serial_numbers.contains(&"ExifIFD:SerialNumber: SN123456".to_string()), "{:?}", r.identity);
    assert!(r.identity.owner_names.contains(&"IFD0:Artist: Olena_Artist".to_string()), "{:?}", r.identity);
}

#[test]
fn block_kamadak_exif_rejects_falls_back_to_the_walker() {
    // FurnaceCreekInn.jpg's GPS pointer is an SLONG, which kamadak-exif refuses ("Invalid pointer"); yet
    // ExifTool, and the walker, read its GPS directory.
    let rel = "exiv2/test/data/FurnaceCreekInn.jpg";
    let entry = truth().into_iter().find(|e| e["path"] == rel).expect("FurnaceCreekInn.jpg in truth.json");
    let want = (entry["lat"].as_f64().expect("truth lat"), entry["lon"].as_f64().expect("truth lon"));
    let jpeg = std::fs::read(corpus_dir().join(rel)).expect("corpus file");
    let (reader, r) = read(&jpeg_exif(&jpeg).expect("EXIF segment"));
    match reader {
        FieldReader::Walker(why) => assert!(why.contains("Invalid pointer"), "{why}"),
        other => panic!("expected the walker, got {other:?}"),
    }
    assert!(close(coordinates(&r).expect("coordinates"), want), "{:?} vs ExifTool {want:?}", r.location);
}

/// A little-endian EXIF block whose GPS directory (50°27' N, 30°31' E) hangs off IFD0 or, as
/// some writers do it, off the Exif IFD.
fn gps_block(gps_in_exif_ifd: bool) -> Vec<u8> {
    fn entry(out: &mut Vec<u8>, tag: u16, typ: u16, count: u32, value: [u8; 4]) {
        out.extend_from_slice(&tag.to_le_bytes());
        out.extend_from_slice(&typ.to_le_bytes());
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&value);
    }
    let (ifd0, exif_ifd, gps, r1, r2) = (8u32, 26u32, 44u32, 98u32, 122u32);
    let mut b = b"II*\0".to_vec();
    b.extend_from_slice(&ifd0.to_le_bytes());
    // IFD0: one pointer.
    b.extend_from_slice(&1u16.to_le_bytes());
    if gps_in_exif_ifd {
        entry(&mut b, 0x8769, 4, 1, exif_ifd.to_le_bytes());
    } else {
        entry(&mut b, 0x8825, 4, 1, gps.to_le_bytes());
    }
    b.extend_from_slice(&0u32.to_le_bytes());
    // Exif IFD: the GPS pointer (unused bytes when GPS hangs off IFD0).
    b.extend_from_slice(&1u16.to_le_bytes());
    entry(&mut b, 0x8825, 4, 1, gps.to_le_bytes());
    b.extend_from_slice(&0u32.to_le_bytes());
    assert_eq!(b.len() as u32, gps);
    b.extend_from_slice(&4u16.to_le_bytes());
    entry(&mut b, 1, 2, 2, *b"N\0\0\0");
    entry(&mut b, 2, 5, 3, r1.to_le_bytes());
    entry(&mut b, 3, 2, 2, *b"E\0\0\0");
    entry(&mut b, 4, 5, 3, r2.to_le_bytes());
    b.extend_from_slice(&0u32.to_le_bytes());
    assert_eq!(b.len() as u32, r1);
    for n in [50u32, 27, 0, 30, 31, 0] {
        b.extend_from_slice(&n.to_le_bytes());
        b.extend_from_slice(&1u32.to_le_bytes());
    }
    assert_eq!(b.len() as u32, r2 + 24);
    b
}

#[test]
fn gps_pointer_kamadak_exif_does_not_follow_takes_the_walker() {
    let want = (50.0 + 27.0 / 60.0, 30.0 + 31.0 / 60.0);
    let (reader, r) = read(&gps_block(false));
    assert_eq!(reader, FieldReader::KamadakExif);
    assert!(close(coordinates(&r).expect("coordinates"), want), "{:?}", r.location);

    // kamadak-exif reads this block without error but keeps the pointer as a plain Exif field.
    let (reader, r) = read(&gps_block(true));
    match reader {
        FieldReader::Walker(why) => assert!(why.contains("0x8825"), "{why}"),
        other => panic!("expected the walker, got {other:?}"),
    }
    assert!(close(coordinates(&r).expect("coordinates"), want), "{:?}", r.location);
}

#[test]
fn corpus_blocks_mostly_take_kamadak_exif_and_never_panic() {
    let mut kamadak = 0;
    let mut walker = Vec::new();
    for e in truth() {
        let rel = e["path"].as_str().unwrap_or_default();
        if e["format"] != "jpeg" {
            continue;
        }
        let Ok(jpeg) = std::fs::read(corpus_dir().join(rel)) else { panic!("{rel}: unreadable") };
        let Some(tiff) = jpeg_exif(&jpeg) else { continue };
        let mut r = MediaReport::new(Format::Jpeg);
        let result = std::panic::catch_unwind(move || exif::inspect_tiff_with_reader(&tiff, &mut r));
        match result {
            Ok(Ok(FieldReader::KamadakExif)) => kamadak += 1,
            Ok(Ok(FieldReader::Walker(why))) => walker.push(format!("{rel}: {why}")),
            Ok(Err(_)) => walker.push(format!("{rel}: unreadable by either")),
            Err(_) => panic!("{rel}: panicked"),
        }
    }
    println!("kamadak-exif: {kamadak} blocks; walker: {}", walker.len());
    for w in &walker {
        println!("  {w}");
    }
    assert!(kamadak > 250, "kamadak-exif read only {kamadak} corpus JPEG EXIF blocks");
    assert!(walker.len() * 10 < kamadak, "too many fallbacks: {walker:#?}");
}

#[test]
fn values_too_costly_for_kamadak_exif_take_the_walker() {
    // IFD0: make, model and artist, each a 60 KB ASCII value of NULs at the same offset.
    // kamadak-exif would split each into 60 000 empty strings; the screen sends it to the walker.
    let tags = [0x010Fu16, 0x0110, 0x013B];
    let value_at = 8 + 2 + tags.len() as u32 * 12 + 4;
    let mut b = b"II*\0\x08\0\0\0".to_vec();
    b.extend_from_slice(&(tags.len() as u16).to_le_bytes());
    for tag in tags {
        b.extend_from_slice(&tag.to_le_bytes());
        b.extend_from_slice(&2u16.to_le_bytes());
        b.extend_from_slice(&60_000u32.to_le_bytes());
        b.extend_from_slice(&value_at.to_le_bytes());
    }
    b.extend_from_slice(&0u32.to_le_bytes());
    b.resize(value_at as usize + 60_000, 0);
    let (reader, r) = read(&b);
    match reader {
        FieldReader::Walker(why) => assert!(why.contains("cost"), "{why}"),
        other => panic!("expected the walker, got {other:?}"),
    }
    assert_eq!(r.identity.make, None);

    // The same entries with short values are kamadak-exif's.
    let short: Vec<u8> = {
        let mut s = b.clone();
        for (i, _) in tags.iter().enumerate() {
            let at = 10 + i * 12 + 4;
            s[at..at + 4].copy_from_slice(&6u32.to_le_bytes());
        }
        s[value_at as usize..value_at as usize + 6].copy_from_slice(b"Canon\0");
        s
    };
    let (reader, r) = read(&short);
    assert_eq!(reader, FieldReader::KamadakExif);
    assert_eq!(r.identity.make.as_deref(), Some("Canon"));
}

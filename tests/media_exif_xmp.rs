//! The EXIF, XMP and IPTC readers and same-length cleaners that every container shares.

use safepost::media::{exif, iptc, xmp, Format, MediaReport, StripMode};
use std::path::PathBuf;

fn fixture(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/media").join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The payload of the first JPEG APPn segment whose payload starts with `sig`.
fn jpeg_segment(jpeg: &[u8], marker: u8, sig: &[u8]) -> Option<Vec<u8>> {
    let mut pos = 2;
    while pos + 4 <= jpeg.len() && jpeg[pos] == 0xFF {
        let m = jpeg[pos + 1];
        let len = usize::from(u16::from_be_bytes([jpeg[pos + 2], jpeg[pos + 3]]));
        let payload = &jpeg[pos + 4..pos + 2 + len];
        if m == marker && payload.starts_with(sig) {
            return Some(payload[sig.len()..].to_vec());
        }
        if m == 0xDA {
            return None;
        }
        pos += 2 + len;
    }
    None
}

#[test]
fn exif_gps_and_identity_are_read() {
    let tiff = jpeg_segment(&fixture("jpeg_all.jpg"), 0xE1, b"Exif\0\0").expect("EXIF segment");
    let mut r = MediaReport::new(Format::Jpeg);
    exif::inspect_tiff(&tiff, &mut r).expect("readable");
    let loc = r.location.expect("location");
    assert!((loc.lat.unwrap_or(0.0) - 50.4501).abs() < 1e-4, "{loc:?}");
    assert!((loc.lon.unwrap_or(0.0) - 30.5234).abs() < 1e-4, "{loc:?}");
    assert_eq!(loc.altitude, Some(179.0));
    assert_eq!(loc.sources, vec!["EXIF:GPS".to_string()]);
    assert_eq!(r.identity.make.as_deref(), Some("SafeCam"));
    assert_eq!(r.identity.model.as_deref(), Some("SC-1"));
    assert_eq!(r.identity.captured_at.as_deref(), Some("2024:05:01 10:11:12"));
    assert!(r.identity.serial_numbers.contains(&"ExifIFD:SerialNumber: SN123456".to_string()), "{:?}", r.identity);
    assert!(r.identity.serial_numbers.contains(&"ExifIFD:LensSerialNumber: LENS987".to_string()));
    assert!(r.identity.owner_names.contains(&"ExifIFD:OwnerName: Olena".to_string()));
    assert!(r.identity.owner_names.contains(&"IFD0:Artist: Olena_Artist".to_string()));
}

#[test]
fn exif_cleaning_keeps_length_and_everything_else() {
    let tiff = jpeg_segment(&fixture("jpeg_exif.jpg"), 0xE1, b"Exif\0\0").expect("EXIF segment");
    let loc = exif::clean_tiff(&tiff, StripMode::Location).expect("ok").expect("changed");
    assert_eq!(loc.len(), tiff.len());
    let mut r = MediaReport::new(Format::Jpeg);
    exif::inspect_tiff(&loc, &mut r).expect("still readable");
    assert!(r.location.is_none());
    assert_eq!(r.identity.serial_numbers.len(), 2, "location mode keeps serials");
    assert_eq!(r.identity.make.as_deref(), Some("SafeCam"));
    // Nothing left to do the second time.
    assert_eq!(exif::clean_tiff(&loc, StripMode::Location).expect("ok"), None);

    let ident = exif::clean_tiff(&tiff, StripMode::Identifying).expect("ok").expect("changed");
    assert_eq!(ident.len(), tiff.len());
    let mut r = MediaReport::new(Format::Jpeg);
    exif::inspect_tiff(&ident, &mut r).expect("still readable");
    assert!(r.location.is_none());
    assert!(r.identity.serial_numbers.is_empty() && r.identity.owner_names.is_empty(), "{:?}", r.identity);
    assert_eq!(r.identity.model.as_deref(), Some("SC-1"));
    // The serial number's text is gone from the bytes, not only unlinked.
    assert!(!ident.windows(8).any(|w| w == b"SN123456"));
}

#[test]
fn no_gps_means_nothing_to_clean() {
    let tiff = jpeg_segment(&fixture("jpeg_exif.jpg"), 0xE1, b"Exif\0\0").expect("EXIF segment");
    let once = exif::clean_tiff(&tiff, StripMode::Identifying).expect("ok").expect("changed");
    assert_eq!(exif::clean_tiff(&once, StripMode::Identifying).expect("ok"), None);
}

#[test]
fn hostile_exif_blocks_give_errors_not_panics() {
    let tiff = jpeg_segment(&fixture("jpeg_all.jpg"), 0xE1, b"Exif\0\0").expect("EXIF segment");
    for cut in 0..tiff.len() {
        let mut r = MediaReport::new(Format::Jpeg);
        let _ = exif::inspect_tiff(&tiff[..cut], &mut r);
        if let Ok(Some(c)) = exif::clean_tiff(&tiff[..cut], StripMode::Identifying) {
            assert_eq!(c.len(), cut);
        }
    }
    let mut seed = 0x1234_5678u32;
    for _ in 0..3000 {
        let mut t = tiff.clone();
        for _ in 0..4 {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let i = (seed as usize >> 4) % t.len();
            t[i] ^= 1 << (seed % 8);
        }
        let mut r = MediaReport::new(Format::Jpeg);
        let _ = exif::inspect_tiff(&t, &mut r);
        let _ = exif::clean_tiff(&t, StripMode::Identifying);
    }
    // An IFD whose next pointer points at itself ends (loop), a BigTIFF is refused by name.
    let mut looped = b"II*\0\x08\0\0\0\x01\0\x0f\x01\x02\0\x04\0\0\0abc\0\x08\0\0\0".to_vec();
    let mut r = MediaReport::new(Format::Jpeg);
    exif::inspect_tiff(&looped, &mut r).expect("loop is harmless");
    assert_eq!(r.identity.make.as_deref(), Some("abc"));
    looped[2] = 43;
    let err = exif::inspect_tiff(&looped, &mut r).expect_err("BigTIFF");
    assert!(err.to_string().contains("BigTIFF"), "{err}");
}

#[test]
fn xmp_element_and_attribute_forms() {
    let elem = jpeg_segment(&fixture("jpeg_xmp.jpg"), 0xE1, b"http://ns.adobe.com/xap/1.0/\0").expect("XMP");
    let mut r = MediaReport::new(Format::Jpeg);
    xmp::inspect_xmp(&elem, &mut r);
    let loc = r.location.clone().expect("location");
    assert!((loc.lat.unwrap_or(0.0) - 48.8584).abs() < 1e-4);
    assert!((loc.lon.unwrap_or(0.0) - 2.2945).abs() < 1e-4);
    for s in [
        "XMP:exif:GPS",
        "XMP-photoshop:City",
        "XMP-iptcCore:Location",
        "XMP-iptcExt:LocationCreated",
        "XMP-iptcExt:LocationShown",
    ] {
        assert!(loc.sources.iter().any(|x| x == s), "{s} missing from {:?}", loc.sources);
    }
    assert_eq!(r.identity.serial_numbers, vec!["XMP-aux:SerialNumber: AUX42".to_string()]);
    let clean = xmp::clean_xmp(&elem, StripMode::Location).expect("changed");
    assert_eq!(clean.len(), elem.len());
    let mut r = MediaReport::new(Format::Jpeg);
    xmp::inspect_xmp(&clean, &mut r);
    assert!(r.location.is_none());
    assert_eq!(r.identity.serial_numbers.len(), 1);
    let text = String::from_utf8_lossy(&clean);
    assert!(text.contains("Holiday") && !text.contains("Paris") && !text.contains("France"));
    let ident = xmp::clean_xmp(&elem, StripMode::Identifying).expect("changed");
    assert!(!String::from_utf8_lossy(&ident).contains("AUX42"));
    assert!(!String::from_utf8_lossy(&ident).contains("History"));

    let attr = jpeg_segment(&fixture("jpeg_xmp_attr.jpg"), 0xE1, b"http://ns.adobe.com/xap/1.0/\0").expect("XMP");
    let mut r = MediaReport::new(Format::Jpeg);
    xmp::inspect_xmp(&attr, &mut r);
    let loc = r.location.clone().expect("location");
    assert_eq!(loc.sources.first().map(String::as_str), Some("XMP:exif:GPS"));
    assert!(loc.sources.iter().any(|s| s == "XMP:drone-dji:GPS"));
    assert!((loc.lat.unwrap_or(0.0) - 46.48).abs() < 1e-6);
    assert_eq!(r.identity.make.as_deref(), Some("DJI"));
    assert_eq!(r.identity.serial_numbers, vec!["XMP-exifEX:SerialNumber: DJI0001".to_string()]);
    let clean = xmp::clean_xmp(&attr, StripMode::Location).expect("changed");
    let text = String::from_utf8_lossy(&clean);
    assert!(!text.contains("Gps") && !text.contains("GPS") && !text.contains("Altitude"), "{text}");
    assert!(text.contains("FlightYawDegree") && text.contains("DJI0001"));
}

#[test]
fn iptc_in_photoshop_resources() {
    let irb = jpeg_segment(&fixture("jpeg_iptc.jpg"), 0xED, b"Photoshop 3.0\0").expect("APP13");
    let mut r = MediaReport::new(Format::Jpeg);
    iptc::inspect_irb(&irb, &mut r);
    let loc = r.location.expect("location");
    assert_eq!(loc.place.as_deref(), Some("Harbour, Odesa, Odeska, Ukraine"));
    assert!(loc.lat.is_none());
    let clean = iptc::clean_irb(&irb, StripMode::Location).expect("changed");
    assert_eq!(clean.len(), irb.len());
    let mut r = MediaReport::new(Format::Jpeg);
    iptc::inspect_irb(&clean, &mut r);
    assert!(r.location.is_none() && r.residual.is_empty(), "{r:?}");
    assert_eq!(r.identity.owner_names, vec!["IPTC:By-line: Photographer".to_string()]);
}

//! Every still-image container with every metadata group (fixtures made by
//! `tests/fixtures/media/make.sh`): what inspect finds, what strip removes (checked with
//! ExifTool), that pixels, orientation and colour profile survive, and that inspecting reads only
//! headers and metadata.

use safepost::media::{self, ByteSource, CountingSource, EditPlan, Format, MediaReport, Piece, StripMode};
use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/media").join(name)
}

fn fixture(name: &str) -> Vec<u8> {
    let p = fixture_path(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn inspect(bytes: &[u8]) -> MediaReport {
    media::inspect(&bytes.to_vec()).unwrap_or_else(|e| panic!("inspect failed: {e}"))
}

fn apply(src: &[u8], plan: &EditPlan) -> Vec<u8> {
    let mut out = Vec::new();
    plan.write_to(&src.to_vec(), &mut out).expect("plan applies");
    assert_eq!(out.len() as u64, plan.output_len());
    out
}

fn sources(r: &MediaReport) -> Vec<String> {
    r.location.as_ref().map(|l| l.sources.clone()).unwrap_or_default()
}

/// Writes `bytes` to a temporary file of its own. Tests run in parallel threads of one process,
/// so a name made from the process id and the content (an earlier scheme) let two tests share a
/// file and one delete it while the other's ExifTool or ImageMagick was reading it.
fn scratch(bytes: &[u8], ext: &str) -> PathBuf {
    static SEQ: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let seq = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("safepost-formats-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(format!("{seq}.{ext}"));
    std::fs::write(&path, bytes).expect("write");
    path
}

/// ExifTool's view of a file: all tags, numeric, with family-1 groups.
fn exiftool(bytes: &[u8], ext: &str) -> serde_json::Map<String, Value> {
    let path = scratch(bytes, ext);
    let out = Command::new("exiftool")
        .args(["-j", "-n", "-G1", "-a", "-m"])
        .arg(&path)
        .output()
        .expect("exiftool must be installed");
    let v: Value = serde_json::from_slice(&out.stdout).expect("exiftool JSON");
    let _ = std::fs::remove_file(&path);
    v.get(0).and_then(Value::as_object).cloned().unwrap_or_default()
}

fn location_tags(tags: &serde_json::Map<String, Value>) -> Vec<String> {
    const PLACE_SUFFIXES: &[&str] = &[
        "City",
        "Sub-location",
        "Province-State",
        "Country-PrimaryLocationName",
        "Country-PrimaryLocationCode",
        "State",
        "Country",
        "Location",
        "CountryCode",
    ];
    tags.keys()
        .filter(|k| {
            let (group, name) = k.split_once(':').unwrap_or(("", k));
            group == "GPS"
                || name.contains("GPS") && group != "Composite"
                || PLACE_SUFFIXES.iter().any(|s| name.ends_with(s))
                || name.contains("LocationCreated")
                || name.contains("LocationShown")
        })
        .cloned()
        .collect()
}

fn identity_tags(tags: &serde_json::Map<String, Value>) -> Vec<String> {
    tags.keys()
        .filter(|k| {
            let name = k.split_once(':').map_or(k.as_str(), |x| x.1);
            name.ends_with("SerialNumber")
                || name.ends_with("OwnerName")
                || name == "Artist"
                || name == "By-line"
                || name.starts_with("History")
        })
        .cloned()
        .collect()
}

fn pixels(bytes: &[u8], ext: &str) -> String {
    let path = scratch(bytes, ext);
    let spec = if ext == "dng" { format!("tiff:{}", path.display()) } else { path.display().to_string() };
    let out = Command::new("identify")
        .args(["-quiet", "-format", "%#\n"])
        .arg(spec)
        .output()
        .expect("identify must be installed");
    let _ = std::fs::remove_file(&path);
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Strips `name` in both modes and checks the result with ExifTool and ImageMagick.
fn check_strip(name: &str, ext: &str) {
    let original = fixture(name);
    let before = exiftool(&original, ext);
    let before_pixels = pixels(&original, ext);
    assert!(!before_pixels.is_empty(), "{name}: ImageMagick cannot decode the fixture");
    assert!(!location_tags(&before).is_empty(), "{name}: fixture has no location");
    for mode in [StripMode::Location, StripMode::Identifying] {
        let plan = media::strip(&original.to_vec(), mode).unwrap_or_else(|e| panic!("{name} {mode:?}: {e}"));
        assert!(!plan.removed.is_empty(), "{name}: plan says nothing was removed");
        let out = apply(&original, &plan);
        let after = exiftool(&out, ext);
        assert!(location_tags(&after).is_empty(), "{name} {mode:?}: ExifTool still sees {:?}", location_tags(&after));
        assert!(
            !after.contains_key("ExifTool:Warning") || before.get("ExifTool:Warning") == after.get("ExifTool:Warning"),
            "{name} {mode:?}: new warning {:?}",
            after.get("ExifTool:Warning")
        );
        assert_eq!(pixels(&out, ext), before_pixels, "{name} {mode:?}: decoded pixels changed");
        for kept in [
            "IFD0:Orientation",
            "ICC_Profile:ProfileDescription",
            "IFD0:Make",
            "IFD0:Model",
            "XMP-dc:Title",
            "IPTC:ObjectName",
        ] {
            assert_eq!(before.get(kept), after.get(kept), "{name} {mode:?}: {kept} changed");
        }
        let ident_before = identity_tags(&before);
        let ident_after = identity_tags(&after);
        match mode {
            StripMode::Location => assert_eq!(ident_before, ident_after, "{name}: location mode must keep identity"),
            StripMode::Identifying => assert!(ident_after.is_empty(), "{name}: identifying mode left {ident_after:?}"),
        }
        // Our own reader agrees, and a second strip has nothing left to do.
        let again = inspect(&out);
        assert!(again.location.is_none(), "{name} {mode:?}: {:?}", again.location);
        let second = media::strip(&out, mode).expect("second strip");
        assert_eq!(
            second.pieces,
            vec![Piece::Keep { start: 0, end: out.len() as u64 }],
            "{name} {mode:?}: not idempotent"
        );
    }
}

#[test]
fn jpeg_everything() {
    let r = inspect(&fixture("jpeg_all.jpg"));
    assert_eq!(r.format, Format::Jpeg);
    let loc = r.location.clone().expect("location");
    assert_eq!(loc.sources.first().map(String::as_str), Some("EXIF:GPS"));
    for s in ["IPTC:City", "IPTC:Sub-location", "XMP:exif:GPS", "XMP-photoshop:City", "XMP-iptcExt:LocationCreated"] {
        assert!(loc.sources.iter().any(|x| x == s), "{s} missing: {:?}", loc.sources);
    }
    assert!(loc.place.as_deref().unwrap_or("").contains("Odesa"));
    assert_eq!(r.identity.serial_numbers.len(), 3, "{:?}", r.identity);
    check_strip("jpeg_all.jpg", "jpg");
}

#[test]
fn jpeg_each_group() {
    assert_eq!(sources(&inspect(&fixture("jpeg_exif.jpg"))), vec!["EXIF:GPS"]);
    assert!(sources(&inspect(&fixture("jpeg_iptc.jpg"))).iter().all(|s| s.starts_with("IPTC:")));
    assert!(sources(&inspect(&fixture("jpeg_xmp.jpg"))).iter().all(|s| s.starts_with("XMP")));
    assert!(inspect(&fixture("jpeg_plain.jpg")).location.is_none());
    for f in ["jpeg_exif.jpg", "jpeg_iptc.jpg", "jpeg_xmp.jpg", "jpeg_xmp_attr.jpg"] {
        check_strip(f, "jpg");
    }
    // Nothing to remove: the plan is the whole original.
    let plain = fixture("jpeg_plain.jpg");
    let plan = media::strip(&plain, StripMode::Identifying).expect("plain strips");
    assert_eq!(apply(&plain, &plan), plain);
}

#[test]
fn jpeg_identifying_removes_thumbnail() {
    let original = fixture("jpeg_exif.jpg");
    assert!(exiftool(&original, "jpg").contains_key("IFD1:ThumbnailImage"));
    let plan = media::strip(&original, StripMode::Identifying).expect("strips");
    let out = apply(&original, &plan);
    assert_eq!(out.len(), original.len(), "EXIF is cleaned at the same length");
    let after = exiftool(&out, "jpg");
    assert!(!after.contains_key("IFD1:ThumbnailImage") && !after.contains_key("IFD1:ThumbnailOffset"), "{after:?}");
    let plan = media::strip(&original, StripMode::Location).expect("strips");
    assert!(
        exiftool(&apply(&original, &plan), "jpg").contains_key("IFD1:ThumbnailImage"),
        "location mode keeps the thumbnail"
    );
}

#[test]
fn png_exif_and_xmp() {
    let r = inspect(&fixture("png_meta.png"));
    assert_eq!(r.format, Format::Png);
    assert!(sources(&r).contains(&"EXIF:GPS".to_string()) && sources(&r).contains(&"XMP:exif:GPS".to_string()));
    check_strip("png_meta.png", "png");
}

#[test]
fn png_compressed_raw_profiles() {
    let r = inspect(&fixture("png_rawprofiles.png"));
    // ImageMagick also copies properties into one-value text chunks ("exif:GPSLatitude").
    for s in ["EXIF:GPS", "IPTC:City", "XMP-photoshop:City", "PNG:exif:GPS", "PNG:photoshop:City"] {
        assert!(sources(&r).iter().any(|x| x == s), "{s} missing: {:?}", sources(&r));
    }
    check_strip("png_rawprofiles.png", "png");
}

#[test]
fn webp_exif_and_xmp() {
    let r = inspect(&fixture("webp_meta.webp"));
    assert_eq!(r.format, Format::Webp);
    assert!(sources(&r).contains(&"EXIF:GPS".to_string()));
    check_strip("webp_meta.webp", "webp");
    // Same-length cleaning: the RIFF size is untouched and still right.
    let original = fixture("webp_meta.webp");
    let out = apply(&original, &media::strip(&original, StripMode::Location).expect("strips"));
    assert_eq!(out.len(), original.len());
    assert_eq!(u32::from_le_bytes([out[4], out[5], out[6], out[7]]) as usize + 8, out.len());
}

#[test]
fn gif_xmp() {
    let r = inspect(&fixture("gif_xmp.gif"));
    assert_eq!(r.format, Format::Gif);
    assert_eq!(sources(&r).first().map(String::as_str), Some("XMP:exif:GPS"));
    check_strip("gif_xmp.gif", "gif");
}

#[test]
fn tiff_and_dng() {
    let r = inspect(&fixture("tiff_meta.tif"));
    assert_eq!(r.format, Format::Tiff);
    assert!(sources(&r).contains(&"IPTC:City".to_string()) && sources(&r).contains(&"EXIF:GPS".to_string()));
    check_strip("tiff_meta.tif", "tif");
    let r = inspect(&fixture("dng_meta.dng"));
    assert_eq!(r.format, Format::Dng);
    assert_eq!(sources(&r), vec!["EXIF:GPS"]);
    check_strip("dng_meta.dng", "dng");
}

/// A JPEG whose scan data is `extra` bytes long (the fixture's headers, then filler).
fn big_jpeg(extra: usize) -> Vec<u8> {
    let base = fixture("jpeg_all.jpg");
    let mut out = base[..base.len() - 2].to_vec();
    out.extend(std::iter::repeat(0x55u8).take(extra));
    out.extend_from_slice(&[0xFF, 0xD9]);
    out
}

#[test]
fn inspect_reads_only_headers_and_metadata() {
    const LIMIT: u64 = 256 * 1024;
    let jpeg = big_jpeg(40 << 20);
    let counting = CountingSource::new(&jpeg);
    let r = media::inspect(&counting).expect("inspect");
    assert!(r.location.is_some());
    assert!(counting.bytes_read() < LIMIT, "read {} of {} bytes", counting.bytes_read(), jpeg.len());
    assert_eq!(r.bytes_read, counting.bytes_read());

    // PNG with a huge IDAT chunk (its CRC does not matter to a reader that never reads it).
    let png = fixture("png_meta.png");
    let idat = memchr::memmem::find(&png, b"IDAT").expect("IDAT") - 4;
    let mut big = png[..idat].to_vec();
    let len: u32 = 30 << 20;
    big.extend_from_slice(&len.to_be_bytes());
    big.extend_from_slice(b"IDAT");
    big.extend(std::iter::repeat(0u8).take(len as usize + 4));
    big.extend_from_slice(&png[idat..]);
    let counting = CountingSource::new(&big);
    assert!(media::inspect(&counting).expect("inspect").location.is_some());
    assert!(counting.bytes_read() < LIMIT, "PNG: read {}", counting.bytes_read());

    // Strip plans are just as frugal: the image data is kept by reference, never read.
    let counting = CountingSource::new(&jpeg);
    let plan = media::strip(&counting, StripMode::Identifying).expect("strip");
    assert!(counting.bytes_read() < 2 * LIMIT, "strip read {}", counting.bytes_read());
    assert!(plan.pieces.iter().any(|p| matches!(p, Piece::Keep { end, .. } if *end == jpeg.len() as u64)));
}

#[test]
fn bytes_read_is_reported() {
    let f = fixture("tiff_meta.tif");
    let r = inspect(&f);
    assert!(r.bytes_read > 0 && r.bytes_read <= f.len() as u64);
    let src: &dyn ByteSource = &f;
    assert_eq!(media::sniff(src).expect("sniff"), Format::Tiff);
}

/// A two-image MPF file: `jpeg_plain.jpg` with an APP2 MPF index pointing at `jpeg_exif.jpg`
/// (which has GPS) stored after it, as cameras store their large previews.
fn mpf_file() -> Vec<u8> {
    let primary = fixture("jpeg_plain.jpg");
    let second = fixture("jpeg_exif.jpg");
    // APP2 payload: "MPF\0", then a TIFF block: header, IFD0 with one MPEntry entry, the entries.
    let mut tiff = b"II*\0\x08\0\0\0\x01\0".to_vec();
    tiff.extend_from_slice(&0xB002u16.to_le_bytes());
    tiff.extend_from_slice(&7u16.to_le_bytes());
    tiff.extend_from_slice(&32u32.to_le_bytes());
    tiff.extend_from_slice(&26u32.to_le_bytes()); // entries right after the IFD
    tiff.extend_from_slice(&0u32.to_le_bytes()); // no next IFD
    let app2_len = 2 + 4 + tiff.len() + 32;
    let tiff_start = 2 + 4 + 4; // SOI, APP2 marker and length, "MPF\0"
    let second_start = primary.len() + 2 + app2_len;
    for (size, offset) in [(second_start as u32, 0u32), (second.len() as u32, (second_start - tiff_start) as u32)] {
        tiff.extend_from_slice(&0u32.to_le_bytes());
        tiff.extend_from_slice(&size.to_le_bytes());
        tiff.extend_from_slice(&offset.to_le_bytes());
        tiff.extend_from_slice(&[0; 4]);
    }
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE2];
    out.extend_from_slice(&(app2_len as u16).to_be_bytes());
    out.extend_from_slice(b"MPF\0");
    out.extend_from_slice(&tiff);
    out.extend_from_slice(&primary[2..]);
    assert_eq!(out.len(), second_start);
    out.extend_from_slice(&second);
    out
}

#[test]
fn mpf_preview_images_are_checked_and_cleaned() {
    let f = mpf_file();
    let r = inspect(&f);
    let loc = r.location.expect("the preview's GPS is found");
    assert_eq!(loc.sources, vec!["MPF preview EXIF:GPS".to_string()]);
    assert!((loc.lat.unwrap_or(0.0) - 50.4501).abs() < 1e-4);
    assert!(r.identity.serial_numbers.iter().any(|s| s.starts_with("MPF preview ExifIFD:SerialNumber")));
    for mode in [StripMode::Location, StripMode::Identifying] {
        let out = apply(&f, &media::strip(&f, mode).expect("strips"));
        assert_eq!(out.len(), f.len(), "the MPF offsets stay valid");
        assert!(inspect(&out).location.is_none());
        // The preview is still a valid JPEG with the same pixels.
        let start = f.len() - fixture("jpeg_exif.jpg").len();
        assert_eq!(pixels(&out[start..], "jpg"), pixels(&f[start..], "jpg"));
        assert!(exiftool(&out[start..], "jpg").keys().all(|k| !k.starts_with("GPS:")));
    }
}

/// `jpeg_plain.jpg` with a main XMP packet announcing Extended XMP, and the extension (holding
/// the GPS coordinates) split over two APP1 segments, as Adobe and Google apps write it.
fn extended_xmp_file() -> Vec<u8> {
    let guid = "0123456789ABCDEF0123456789ABCDEF";
    let main = format!(
        r#"<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:xmpNote="http://ns.adobe.com/xmp/note/" xmpNote:HasExtendedXMP="{guid}"/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>"#
    );
    let filler = "x".repeat(3000);
    let ext = format!(
        r#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:description><rdf:Alt><rdf:li xml:lang="x-default">{filler}</rdf:li></rdf:Alt></dc:description><exif:GPSLatitude>12,30.0N</exif:GPSLatitude><exif:GPSLongitude>45,15.0W</exif:GPSLongitude></rdf:Description></rdf:RDF></x:xmpmeta>"#
    );
    let segment = |payload: &[u8]| {
        let mut s = vec![0xFF, 0xE1];
        s.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        s.extend_from_slice(payload);
        s
    };
    let plain = fixture("jpeg_plain.jpg");
    let mut out = plain[..2].to_vec();
    out.extend(segment(&[b"http://ns.adobe.com/xap/1.0/\0".as_slice(), main.as_bytes()].concat()));
    let half = ext.len() / 2;
    for (off, part) in [(0, &ext.as_bytes()[..half]), (half, &ext.as_bytes()[half..])] {
        let mut p = b"http://ns.adobe.com/xmp/extension/\0".to_vec();
        p.extend_from_slice(guid.as_bytes());
        p.extend_from_slice(&(ext.len() as u32).to_be_bytes());
        p.extend_from_slice(&(off as u32).to_be_bytes());
        p.extend_from_slice(part);
        out.extend(segment(&p));
    }
    out.extend_from_slice(&plain[2..]);
    out
}

#[test]
fn extended_xmp_is_reassembled_and_cleaned() {
    let f = extended_xmp_file();
    assert!(
        location_tags(&exiftool(&f, "jpg")).iter().any(|t| t == "XMP-exif:GPSLatitude"),
        "ExifTool reads the extension"
    );
    let r = inspect(&f);
    let loc = r.location.expect("location in Extended XMP");
    assert_eq!(loc.sources, vec!["XMP:exif:GPS".to_string()]);
    assert!((loc.lat.unwrap_or(0.0) - 12.5).abs() < 1e-9 && (loc.lon.unwrap_or(0.0) + 45.25).abs() < 1e-9);
    let out = apply(&f, &media::strip(&f, StripMode::Location).expect("strips"));
    assert_eq!(out.len(), f.len(), "chunks keep their sizes and offsets");
    let after = exiftool(&out, "jpg");
    assert!(location_tags(&after).is_empty(), "{:?}", location_tags(&after));
    assert!(
        after.get("XMP-dc:Description").and_then(Value::as_str).is_some_and(|d| d.len() == 3000),
        "the rest of the extension survives"
    );
    assert_eq!(pixels(&out, "jpg"), pixels(&f, "jpg"));
}

#[test]
fn gif_xmp_without_magic_trailer_is_dropped_whole() {
    let mut f = fixture("gif_xmp.gif");
    let trailer = memchr::memmem::find(&f, b"?>\x01\xFF\xFE").expect("trailer") + 2;
    f[trailer + 100] ^= 0x55; // damage the trailer; the sub-block walk still ends in the same place
    let r = inspect(&f);
    assert!(r.location.is_some());
    let plan = media::strip(&f, StripMode::Location).expect("strips");
    assert!(plan.removed.iter().any(|r| r.contains("without its magic trailer")), "{:?}", plan.removed);
    let out = apply(&f, &plan);
    assert!(out.len() < f.len());
    assert!(location_tags(&exiftool(&out, "gif")).is_empty());
    assert_eq!(pixels(&out, "gif"), pixels(&f, "gif"));
}

#[test]
fn identifying_removes_photoshop_thumbnail() {
    let original = fixture("jpeg_iptc.jpg");
    assert!(exiftool(&original, "jpg").contains_key("Photoshop:PhotoshopThumbnail"));
    let out = apply(&original, &media::strip(&original, StripMode::Identifying).expect("strips"));
    let after = exiftool(&out, "jpg");
    assert!(!after.contains_key("Photoshop:PhotoshopThumbnail"), "{after:?}");
    assert_eq!(after.get("IPTC:ObjectName"), exiftool(&original, "jpg").get("IPTC:ObjectName"), "other IPTC stays");
    assert!(after.get("ExifTool:Warning").is_none(), "{:?}", after.get("ExifTool:Warning"));
    let out = apply(&original, &media::strip(&original, StripMode::Location).expect("strips"));
    assert!(exiftool(&out, "jpg").contains_key("Photoshop:PhotoshopThumbnail"), "location mode keeps it");
}

//! JPEG motion photos: a Google (`GCamera:MicroVideo`, `MotionPhoto` + `Container:Directory`) or
//! Samsung (`MotionPhoto_Data` block indexed by a SEFH/SEFT trailer) picture with an MP4 stored
//! after it. The video is found from those hints, its own location and identity are reported with
//! the picture's, and stripping cleans it in place: the file keeps its length, the video its
//! coded stream (ffmpeg stream hash) and the picture its pixels (ImageMagick), and ExifTool finds
//! no location in the picture or in the video cut out of the result. Wrong hints, damaged videos
//! and cut-short files give a residual or a clear error, never a panic.
//!
//! Fixtures: `jpeg_motion.jpg` and `jpeg_motion_samsung.jpg`, made by
//! `tests/fixtures/media/make.sh`; hostile variants are built here from the same video.

use safepost::media::{self, isobmff, CountingSource, EditPlan, MediaReport, StripMode};
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

const GOOGLE: &str = "jpeg_motion.jpg";
const SAMSUNG: &str = "jpeg_motion_samsung.jpg";
/// What the report says while the video is not read.
const UNCHECKED: &str = "a motion-photo video is stored after the picture";

fn fixture(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/media").join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn inspect(bytes: &[u8]) -> MediaReport {
    media::inspect(&bytes.to_vec()).unwrap_or_else(|e| panic!("inspect failed: {e}"))
}

fn strip(bytes: &[u8], mode: StripMode) -> (EditPlan, Vec<u8>) {
    let src = bytes.to_vec();
    let plan = media::strip(&src, mode).unwrap_or_else(|e| panic!("strip ({mode:?}) failed: {e}"));
    let mut out = Vec::new();
    plan.write_to(&src, &mut out).expect("plan applies");
    assert_eq!(out.len() as u64, plan.output_len());
    (plan, out)
}

fn sources(r: &MediaReport) -> Vec<String> {
    r.location.as_ref().map(|l| l.sources.clone()).unwrap_or_default()
}

fn near(value: Option<f64>, expected: f64) -> bool {
    value.is_some_and(|v| (v - expected).abs() < 1e-6)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// A temporary file of its own (tests run in parallel threads of one process), removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(bytes: &[u8], ext: &str) -> Scratch {
        static SEQ: AtomicUsize = AtomicUsize::new(0);
        let seq = SEQ.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("safepost-motion-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join(format!("{seq}.{ext}"));
        std::fs::write(&path, bytes).expect("write temp file");
        Scratch(path)
    }
    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn run(cmd: &mut Command, what: &str) -> Vec<u8> {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what} must be installed: {e}"));
    assert!(out.status.success(), "{what} failed: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// ExifTool's view: `exiftool -j -n -G1 -a`.
fn exiftool(bytes: &[u8], ext: &str) -> Map<String, Value> {
    let f = Scratch::new(bytes, ext);
    let out = run(Command::new("exiftool").args(["-j", "-n", "-G1", "-a"]).arg(f.path()), "exiftool");
    let v: Value = serde_json::from_slice(&out).expect("exiftool JSON");
    v.get(0).and_then(Value::as_object).cloned().unwrap_or_default()
}

fn location_tags(tags: &Map<String, Value>) -> Vec<String> {
    tags.iter()
        .filter(|(k, _)| {
            let (group, name) = k.split_once(':').unwrap_or(("", k));
            !matches!(group, "File" | "System" | "ExifTool")
                && (group == "GPS" || name.contains("GPS") || name.contains("Location") || name.contains("ISO6709"))
        })
        .map(|(k, v)| format!("{k}={v}"))
        .collect()
}

fn owner_tags(tags: &Map<String, Value>) -> Vec<String> {
    tags.keys()
        .filter(|k| ["Author", "Artist", "OwnerName", "SerialNumber"].iter().any(|t| k.ends_with(t)))
        .cloned()
        .collect()
}

/// The hash of the coded video stream (`ffmpeg -map 0:v -f streamhash`).
fn stream_hash(mp4: &[u8]) -> String {
    let f = Scratch::new(mp4, "mp4");
    let out = run(
        Command::new("ffmpeg").args(["-v", "error", "-i"]).arg(f.path()).args(["-map", "0:v", "-f", "streamhash", "-"]),
        "ffmpeg",
    );
    let hash = String::from_utf8_lossy(&out).trim().to_string();
    assert!(hash.contains("SHA256="), "no stream hash: {hash:?}");
    hash
}

/// The picture's decoded pixels (`identify -format %#`).
fn pixels(jpeg: &[u8]) -> String {
    let f = Scratch::new(jpeg, "jpg");
    let out = run(Command::new("identify").args(["-quiet", "-format", "%#"]).arg(f.path()), "identify (ImageMagick)");
    String::from_utf8_lossy(&out).trim().to_string()
}

/// `GCamera:MicroVideoOffset` as written in the XMP.
fn micro_video_offset(bytes: &[u8]) -> u64 {
    let at = find(bytes, b"MicroVideoOffset=\"").expect("MicroVideoOffset") + 18;
    let digits: String = bytes[at..].iter().take_while(|b| b.is_ascii_digit()).map(|b| *b as char).collect();
    digits.parse().expect("offset digits")
}

/// Where the video of a fixture lies: Google's from `MicroVideoOffset`, Samsung's after the
/// `MotionPhoto_Data` name up to its one-entry SEFH/SEFT index (32 bytes).
fn video_range(name: &str, bytes: &[u8]) -> (usize, usize) {
    let len = bytes.len();
    if name == GOOGLE {
        (len - micro_video_offset(bytes) as usize, len)
    } else {
        (find(bytes, b"MotionPhoto_Data").expect("Samsung block") + 16, len - 32)
    }
}

#[test]
fn google_micro_video_is_inspected() {
    let bytes = fixture(GOOGLE);
    let r = inspect(&bytes);
    let loc = r.location.clone().expect("location");
    // The picture's own EXIF GPS is shown; the video's groups are listed after it.
    assert!(near(loc.lat, 50.4501) && near(loc.lon, 30.5234), "{loc:?}");
    assert_eq!(
        loc.sources,
        vec![
            "EXIF:GPS".to_string(),
            "motion-photo video QuickTime:Keys:location.ISO6709".to_string(),
            "motion-photo video QuickTime:©xyz".to_string(),
        ]
    );
    assert_eq!(r.identity.owner_names, vec!["motion-photo video QuickTime:Keys:author: Jane Soldier".to_string()]);
    assert_eq!(r.identity.make.as_deref(), Some("SafeCam"));
    assert!(!r.residual.iter().any(|s| s.contains("motion-photo")), "{:?}", r.residual);

    // The video's own coordinates, read where the picture says it is, agree with ExifTool's
    // view of the video cut out of the file.
    let (start, end) = video_range(GOOGLE, &bytes);
    assert_eq!(&bytes[start + 4..start + 8], b"ftyp");
    let (video, edits) = isobmff::embedded_video(&bytes, start as u64, end as u64, None).expect("embedded video");
    assert!(edits.is_empty());
    let vloc = video.location.expect("video location");
    assert!(near(vloc.lat, 48.8584) && near(vloc.lon, 2.2945), "{vloc:?}");
    let tags = exiftool(&bytes[start..end], "mp4");
    assert_eq!(tags.get("Keys:GPSCoordinates").and_then(Value::as_str), Some("48.8584 2.2945 35"), "{tags:?}");
    assert!(tags.contains_key("UserData:GPSCoordinates"), "{tags:?}");
}

#[test]
fn samsung_motion_photo_is_inspected() {
    let bytes = fixture(SAMSUNG);
    let r = inspect(&bytes);
    let loc = r.location.clone().expect("location from the video");
    assert!(near(loc.lat, -33.8568) && near(loc.lon, 151.2153) && near(loc.altitude, 10.0), "{loc:?}");
    assert_eq!(loc.sources, vec!["motion-photo video QuickTime:©xyz".to_string()]);
    assert!(r.residual.is_empty(), "{:?}", r.residual);
    // ExifTool reads the trailer index the same way.
    let tags = exiftool(&bytes, "jpg");
    assert_eq!(tags.get("Samsung:EmbeddedVideoType").and_then(Value::as_str), Some("MotionPhoto_Data"));
    let (start, end) = video_range(SAMSUNG, &bytes);
    let vtags = exiftool(&bytes[start..end], "mp4");
    assert_eq!(vtags.get("UserData:GPSCoordinates").and_then(Value::as_str), Some("-33.8568 151.2153 10"), "{vtags:?}");
}

#[test]
fn strip_cleans_the_video_in_place() {
    for name in [GOOGLE, SAMSUNG] {
        let bytes = fixture(name);
        let (start, end) = video_range(name, &bytes);
        let video_hash = stream_hash(&bytes[start..end]);
        let picture = pixels(&bytes);
        for mode in [StripMode::Location, StripMode::Identifying] {
            let (plan, out) = strip(&bytes, mode);
            let what = format!("{name} ({mode:?})");
            // Same-length cleaning everywhere: the video stays where the hints say, byte for byte
            // the same length, and nothing before it moved.
            assert_eq!(out.len(), bytes.len(), "{what}");
            assert_eq!(video_range(name, &out), (start, end), "{what}");
            assert_eq!(&out[start + 4..start + 8], b"ftyp", "{what}");
            assert_eq!(&out[start - 2..start], &bytes[start - 2..start], "{what}");
            assert!(
                plan.removed.iter().any(|s| s.contains("motion-photo video QuickTime:©xyz")),
                "{what}: {:?}",
                plan.removed
            );
            assert!(!plan.residual.iter().any(|s| s.contains("motion-photo")), "{what}: {:?}", plan.residual);

            // SafePost itself finds nothing left.
            let after = inspect(&out);
            assert!(after.location.is_none(), "{what}: {:?}", after.location);
            if mode == StripMode::Identifying {
                assert!(after.identity.owner_names.is_empty(), "{what}: {:?}", after.identity.owner_names);
            } else if name == GOOGLE {
                // Location mode keeps the author.
                assert_eq!(after.identity.owner_names.len(), 1, "{what}");
            }

            // ExifTool finds no location in the picture nor in the video cut out of it.
            let whole = exiftool(&out, "jpg");
            assert!(location_tags(&whole).is_empty(), "{what}: {:?}", location_tags(&whole));
            let video = &out[start..end];
            let vtags = exiftool(video, "mp4");
            assert!(location_tags(&vtags).is_empty(), "{what}: video still has {:?}", location_tags(&vtags));
            if mode == StripMode::Identifying {
                assert!(owner_tags(&vtags).is_empty(), "{what}: video still has {:?}", owner_tags(&vtags));
            } else if name == GOOGLE {
                assert_eq!(owner_tags(&vtags), vec!["Keys:Author".to_string()], "{what}");
            }

            // Coded video and picture untouched.
            assert_eq!(stream_hash(video), video_hash, "{what}: video stream changed");
            assert_eq!(pixels(&out), picture, "{what}: pixels changed");
        }
    }
}

// --- built files: the fixture's video behind a minimal JPEG with chosen hints -------------------

/// The Samsung fixture's MP4 (©xyz, Sydney).
fn mp4() -> Vec<u8> {
    let bytes = fixture(SAMSUNG);
    let (start, end) = video_range(SAMSUNG, &bytes);
    bytes[start..end].to_vec()
}

/// A JPEG whose XMP `rdf:Description` carries `attrs` and `inner`, an APP2 segment holding
/// `app2`, a stand-in scan, EOI and then `trailer`.
fn jpeg_with(attrs: &str, inner: &str, app2: &[u8], trailer: &[u8]) -> Vec<u8> {
    let packet = format!(
        r#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:GCamera="http://ns.google.com/photos/1.0/camera/" xmlns:Container="http://ns.google.com/photos/1.0/container/" xmlns:Item="http://ns.google.com/photos/1.0/container/item/" {attrs}>{inner}</rdf:Description></rdf:RDF></x:xmpmeta>"#
    );
    let segment = |marker: u8, body: &[u8]| {
        let mut s = vec![0xFF, marker];
        s.extend_from_slice(&((body.len() + 2) as u16).to_be_bytes());
        s.extend_from_slice(body);
        s
    };
    let mut xmp = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
    xmp.extend_from_slice(packet.as_bytes());
    let mut out = vec![0xFF, 0xD8];
    out.extend(segment(0xE1, &xmp));
    if !app2.is_empty() {
        out.extend(segment(0xE2, app2));
    }
    out.extend(segment(0xDA, &[1, 1, 0, 0, 0x3F, 0]));
    out.extend(std::iter::repeat(0x11).take(300));
    out.extend([0xFF, 0xD9]);
    out.extend_from_slice(trailer);
    out
}

fn micro_video(offset: u64) -> String {
    format!(r#"GCamera:MicroVideo="1" GCamera:MicroVideoVersion="1" GCamera:MicroVideoOffset="{offset}""#)
}

/// Samsung's `MotionPhoto_Data` block header (before the MP4).
fn samsung_block_header() -> Vec<u8> {
    let mut h = vec![0, 0, 0x30, 0x0A];
    h.extend(16u32.to_le_bytes());
    h.extend_from_slice(b"MotionPhoto_Data");
    h
}

fn is_found(r: &MediaReport) -> bool {
    r.location.as_ref().is_some_and(|l| near(l.lat, -33.8568) && near(l.lon, 151.2153))
        && sources(r) == ["motion-photo video QuickTime:©xyz"]
        && !r.residual.iter().any(|s| s.contains("motion-photo"))
}

/// Inspects and strips a built file: neither may panic; stripping either fails with a clear
/// error or leaves no location.
fn inspect_and_strip(bytes: &[u8]) -> MediaReport {
    let src = bytes.to_vec();
    let r = std::panic::catch_unwind(|| media::inspect(&src)).expect("inspect must not panic");
    let r = r.unwrap_or_else(|e| panic!("inspect failed: {e}"));
    for mode in [StripMode::Location, StripMode::Identifying] {
        match std::panic::catch_unwind(|| media::strip(&src, mode)).expect("strip must not panic") {
            Ok(plan) => {
                let mut out = Vec::new();
                plan.write_to(&src, &mut out).expect("plan applies");
                assert_eq!(out.len(), src.len());
                assert!(inspect(&out).location.is_none());
                assert_eq!(plan.residual, r.residual);
            }
            Err(e) => assert!(!e.to_string().is_empty()),
        }
    }
    r
}

#[test]
fn hints_that_locate_the_video() {
    let video = mp4();
    let header = samsung_block_header();
    let with_header = [header.clone(), video.clone()].concat();

    // MicroVideoOffset exactly at the MP4.
    let r = inspect_and_strip(&jpeg_with(&micro_video(video.len() as u64), "", &[], &video));
    assert!(is_found(&r), "{r:?}");
    // Samsung's own MicroVideoOffset points at its block header: the MP4 follows it.
    let r = inspect_and_strip(&jpeg_with(&micro_video(with_header.len() as u64), "", &[], &with_header));
    assert!(is_found(&r), "{r:?}");
    // A Container:Directory, with and without the video's length counting the block header.
    for (length, padding) in [(video.len(), 0), (with_header.len(), 0), (video.len(), header.len())] {
        let dir = format!(
            r#"<Container:Directory><rdf:Seq><rdf:li rdf:parseType="Resource"><Container:Item Item:Mime="image/jpeg" Item:Semantic="Primary" Item:Length="0" Item:Padding="{padding}"/></rdf:li><rdf:li rdf:parseType="Resource"><Container:Item><rdf:Description><Item:Mime>video/mp4</Item:Mime><Item:Semantic>MotionPhoto</Item:Semantic><Item:Length>{length}</Item:Length></rdf:Description></Container:Item></rdf:li></rdf:Seq></Container:Directory>"#
        );
        let r = inspect_and_strip(&jpeg_with(r#"GCamera:MotionPhoto="1""#, &dir, &[], &with_header));
        assert!(is_found(&r), "length {length}, padding {padding}: {r:?}");
    }
    // Only Samsung's trailer index, no XMP hint at all.
    let mut trailer = with_header.clone();
    trailer.extend_from_slice(b"SEFH");
    trailer.extend(106u32.to_le_bytes());
    trailer.extend(1u32.to_le_bytes());
    trailer.extend([0, 0, 0x30, 0x0A]);
    trailer.extend((with_header.len() as u32).to_le_bytes());
    trailer.extend((with_header.len() as u32).to_le_bytes());
    trailer.extend(24u32.to_le_bytes());
    trailer.extend_from_slice(b"SEFT");
    let r = inspect_and_strip(&jpeg_with("", "", &[], &trailer));
    assert!(is_found(&r), "{r:?}");
    // A hint a little before the video (inside the image data) still finds it just after.
    let r = inspect_and_strip(&jpeg_with(&micro_video(video.len() as u64 + 100), "", &[], &video));
    assert!(is_found(&r), "{r:?}");
}

#[test]
fn wrong_hints_keep_the_residual() {
    let video = mp4();
    let unchecked = |r: &MediaReport| r.residual.iter().any(|s| s.starts_with(UNCHECKED));

    // Offset larger than the file.
    let r = inspect_and_strip(&jpeg_with(&micro_video(10_000_000), "", &[], &video));
    assert!(unchecked(&r) && r.location.is_none(), "{r:?}");
    let r = inspect_and_strip(&jpeg_with(&micro_video(u64::MAX), "", &[], &video));
    assert!(unchecked(&r) && r.location.is_none(), "{r:?}");
    // Offset zero.
    let r = inspect_and_strip(&jpeg_with(&micro_video(0), "", &[], &video));
    assert!(unchecked(&r), "{r:?}");

    // Offset pointing into the picture's own segments, at a complete MP4 planted in an APP2
    // segment: what lies before the image data is never taken for the video.
    for past in [0, 1] {
        // (The offset's digit count changes the file length: rebuild until it is stable.)
        let (mut file, mut offset) = (Vec::new(), 0u64);
        for _ in 0..4 {
            file = jpeg_with(&micro_video(offset), "", &video, &[]);
            offset = (file.len() - find(&file, &video[..16]).expect("planted video") - past) as u64;
        }
        assert_eq!(&file[file.len() - offset as usize - past + 4..][..4], b"ftyp");
        let r = inspect_and_strip(&file);
        assert!(unchecked(&r) && r.location.is_none(), "{r:?}");
    }

    // A trailer that is not an MP4.
    let junk: Vec<u8> = (0..6000u32).map(|i| (i * 7 % 251) as u8).collect();
    let r = inspect_and_strip(&jpeg_with(&micro_video(junk.len() as u64), "", &[], &junk));
    assert!(unchecked(&r), "{r:?}");
    // A directory whose video item is longer than the file, or has no length.
    let dir = |length: &str| {
        format!(
            r#"<Container:Directory><rdf:Seq><rdf:li rdf:parseType="Resource"><Container:Item Item:Semantic="Primary" Item:Mime="image/jpeg"/></rdf:li><rdf:li rdf:parseType="Resource"><Container:Item Item:Semantic="MotionPhoto" Item:Mime="video/mp4" Item:Length="{length}"/></rdf:li></rdf:Seq></Container:Directory>"#
        )
    };
    for length in ["99999999999", "", "-5", "abc"] {
        let r = inspect_and_strip(&jpeg_with(r#"GCamera:MotionPhoto="1""#, &dir(length), &[], &junk));
        assert!(unchecked(&r), "length {length:?}: {r:?}");
    }
}

#[test]
fn damaged_videos_are_residual() {
    let video = mp4();
    // moov says it runs past the end of the file.
    let moov = find(&video, b"moov").expect("moov") - 4;
    let mut broken = video.clone();
    broken[moov..moov + 4].copy_from_slice(&0x7FFF_FFF0u32.to_be_bytes());
    let r = inspect_and_strip(&jpeg_with(&micro_video(broken.len() as u64), "", &[], &broken));
    assert!(r.location.is_none(), "{r:?}");
    assert!(r.residual.iter().any(|s| s.contains("motion-photo video") && s.contains("damaged")), "{:?}", r.residual);
    assert!(!r.residual.iter().any(|s| s.starts_with(UNCHECKED)), "{:?}", r.residual);

    // Samsung index entries pointing anywhere: ignored (the XMP hint still finds the video).
    let bytes = fixture(SAMSUNG);
    let index = bytes.len() - 32;
    for (field, value) in [(16, u32::MAX), (16, 0), (20, u32::MAX), (20, 3), (8, u32::MAX)] {
        let mut hostile = bytes.clone();
        hostile[index + field..index + field + 4].copy_from_slice(&value.to_le_bytes());
        let r = inspect_and_strip(&hostile);
        assert!(is_found(&r), "index field {field} = {value}: {r:?}");
    }
    let mut hostile = bytes.clone();
    let n = hostile.len();
    hostile[n - 8..n - 4].copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(is_found(&inspect_and_strip(&hostile)));

    // Cut short anywhere in the video or trailer: no panic; what is still readable is reported.
    for name in [GOOGLE, SAMSUNG] {
        let bytes = fixture(name);
        let (start, _) = video_range(name, &bytes);
        for cut in (start - 8..bytes.len()).step_by(61) {
            let _ = inspect_and_strip(&bytes[..cut]);
        }
    }
}

#[test]
fn inspecting_reads_little_of_a_large_video() {
    // 8 MB of media data in the video: inspecting reads headers and metadata only.
    let video = mp4();
    let ftyp_len = u32::from_be_bytes([video[0], video[1], video[2], video[3]]) as usize;
    let big = 8u32 << 20;
    let mut padded = video[..ftyp_len].to_vec();
    padded.extend(big.to_be_bytes());
    padded.extend_from_slice(b"free");
    padded.extend(std::iter::repeat(0).take(big as usize - 8));
    padded.extend_from_slice(&video[ftyp_len..]);
    let file = jpeg_with(&micro_video(padded.len() as u64), "", &[], &padded);
    let counting = CountingSource::new(&file);
    let r = media::inspect(&counting).expect("inspect");
    assert!(is_found(&r), "{r:?}");
    assert!(counting.bytes_read() < 64 << 10, "read {} bytes", counting.bytes_read());
    let plan = media::strip(&file, StripMode::Location).expect("strip");
    assert_eq!(plan.output_len(), file.len() as u64);
}

//! HEIC/AVIF/MP4/MOV/3GP: inspecting and stripping the generated fixtures
//! (tests/fixtures/media/isobmff, made by make.sh), checked against ExifTool and against the
//! coded data before and after; synthetic files for timed GPS tracks and box layouts the tools
//! cannot make; and the "read only what is needed" promise on a 2.5 GB sparse video.

mod media_isobmff_support;

use media_isobmff_support::*;
use safepost::media::{isobmff, ByteSource, CountingSource, Format, MediaReport, Piece, StripMode};
use std::fs::File;
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/media/isobmff")
        .join(name)
}

fn sniff(src: &dyn ByteSource) -> Format {
    let mut head = [0u8; 32];
    let n = src.read_at(0, &mut head).expect("read");
    Format::sniff(&head[..n]).expect("recognised")
}

fn inspect_file(name: &str) -> MediaReport {
    let f = File::open(fixture(name)).expect("fixture");
    isobmff::inspect(&f, sniff(&f)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

struct Expect {
    file: &'static str,
    format: Format,
    coords: Option<(f64, f64)>,
    source: &'static str,
    place: Option<&'static str>,
    make: Option<&'static str>,
    model: Option<&'static str>,
    serial: bool,
    owner: bool,
}

const FIXTURES: &[Expect] = &[
    Expect {
        file: "mp4-loci.mp4",
        format: Format::Mp4,
        coords: Some((48.8584, 2.2945)),
        source: "3GP:loci",
        place: None,
        make: None,
        model: None,
        serial: false,
        owner: false,
    },
    Expect {
        file: "mov-xyz.mov",
        format: Format::Mov,
        coords: Some((48.8584, 2.2945)),
        source: "QuickTime:©xyz",
        place: None,
        make: Some("TestMake"),
        model: Some("TestModel"),
        serial: false,
        owner: false,
    },
    Expect {
        file: "mov-keys.mov",
        format: Format::Mov,
        coords: Some((35.6586, 139.7454)),
        source: "QuickTime:Keys:location.ISO6709",
        place: Some("Tokyo Tower"),
        make: Some("Apple"),
        model: Some("iPhone 15"),
        serial: false,
        owner: true,
    },
    Expect {
        file: "3gp-loci.3gp",
        format: Format::ThreeGp,
        coords: Some((-33.8568, 151.2153)),
        source: "3GP:loci",
        place: None,
        make: None,
        model: None,
        serial: false,
        owner: true,
    },
    Expect {
        file: "mp4-xmp.mp4",
        format: Format::Mp4,
        coords: Some((50.4501, 30.5234)),
        source: "XMP:exif:GPS",
        place: Some("Kyiv"),
        make: None,
        model: None,
        serial: true,
        owner: false,
    },
    Expect {
        file: "mov-xmp.mov",
        format: Format::Mov,
        coords: Some((-1.2921, 36.8219)),
        source: "XMP:exif:GPS",
        place: None,
        make: None,
        model: None,
        serial: false,
        owner: false,
    },
    Expect {
        file: "heic-gps.heic",
        format: Format::Heic,
        coords: Some((48.8584, 2.2945)),
        source: "EXIF:GPS",
        place: Some("Paris"),
        make: Some("TestMake"),
        model: Some("TestModel"),
        serial: true,
        owner: true,
    },
    Expect {
        file: "avif-gps.avif",
        format: Format::Avif,
        coords: Some((48.8584, 2.2945)),
        source: "EXIF:GPS",
        place: Some("Paris"),
        make: Some("TestMake"),
        model: Some("TestModel"),
        serial: true,
        owner: true,
    },
    Expect {
        file: "mp4-clean.mp4",
        format: Format::Mp4,
        coords: None,
        source: "",
        place: None,
        make: None,
        model: None,
        serial: false,
        owner: false,
    },
    Expect {
        file: "heic-clean.heic",
        format: Format::Heic,
        coords: None,
        source: "",
        place: None,
        make: None,
        model: None,
        serial: false,
        owner: false,
    },
];

#[test]
fn fixtures_report_location_and_identity() {
    for e in FIXTURES {
        let r = inspect_file(e.file);
        assert_eq!(r.format, e.format, "{}", e.file);
        match e.coords {
            None => assert!(r.location.is_none(), "{}: {:?}", e.file, r.location),
            Some((lat, lon)) => {
                let loc = r
                    .location
                    .as_ref()
                    .unwrap_or_else(|| panic!("{}: no location", e.file));
                let (a, b) = (loc.lat.unwrap_or(f64::NAN), loc.lon.unwrap_or(f64::NAN));
                assert!(
                    (a - lat).abs() < 1e-4 && (b - lon).abs() < 1e-4,
                    "{}: {a},{b}",
                    e.file
                );
                assert!(
                    loc.sources.iter().any(|s| s == e.source),
                    "{}: sources {:?}",
                    e.file,
                    loc.sources
                );
                if let Some(p) = e.place {
                    assert!(
                        loc.place.as_deref().is_some_and(|x| x.contains(p)),
                        "{}: place {:?}",
                        e.file,
                        loc.place
                    );
                }
            }
        }
        assert_eq!(r.identity.make.as_deref(), e.make, "{}", e.file);
        assert_eq!(r.identity.model.as_deref(), e.model, "{}", e.file);
        assert_eq!(
            !r.identity.serial_numbers.is_empty(),
            e.serial,
            "{}: {:?}",
            e.file,
            r.identity.serial_numbers
        );
        assert_eq!(
            !r.identity.owner_names.is_empty(),
            e.owner,
            "{}: {:?}",
            e.file,
            r.identity.owner_names
        );
        assert!(r.residual.is_empty(), "{}: {:?}", e.file, r.residual);
        assert!(
            r.bytes_read > 0 && r.bytes_read < 16 * 1024,
            "{}: read {} bytes",
            e.file,
            r.bytes_read
        );
    }
    // Details: altitude from ©xyz, capture time from Apple keys, loci altitude.
    let xyz = inspect_file("mov-xyz.mov");
    assert_eq!(xyz.location.and_then(|l| l.altitude), Some(35.0));
    let keys = inspect_file("mov-keys.mov");
    assert_eq!(
        keys.identity.captured_at.as_deref(),
        Some("2024-05-01T10:00:00+0900")
    );
    assert_eq!(
        keys.identity.owner_names,
        vec!["QuickTime:Keys:author: Jane Soldier".to_string()]
    );
    let loci = inspect_file("mp4-loci.mp4");
    assert!(loci
        .location
        .and_then(|l| l.altitude)
        .is_some_and(|a| (a - 35.0).abs() < 1e-3));
}

#[test]
fn fixtures_strip_verified_by_exiftool_and_decoders() {
    require_tools(&["exiftool", "ffmpeg", "heif-convert"]);
    let dir =
        std::env::temp_dir().join(format!("safepost-isobmff-fixtures-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    for e in FIXTURES {
        let path = fixture(e.file);
        let src = File::open(&path).expect("fixture");
        let before = lossless_fingerprint(&path, e.format);
        assert!(!before.is_empty(), "{}: fixture does not decode", e.file);
        let before_json = exiftool_json(&path);
        for mode in [StripMode::Location, StripMode::Identifying] {
            let plan = isobmff::strip(&src, e.format, mode)
                .unwrap_or_else(|err| panic!("{} {mode:?}: {err}", e.file));
            assert_eq!(plan.output_len(), src.len(), "{}: length changed", e.file);
            let inserted: usize = plan
                .pieces
                .iter()
                .map(|p| if let Piece::Insert(b) = p { b.len() } else { 0 })
                .sum();
            assert!(
                inserted < 8 * 1024,
                "{}: {inserted} bytes rewritten",
                e.file
            );
            assert_eq!(
                plan.removed.is_empty(),
                e.coords.is_none() && !(mode == StripMode::Identifying && (e.serial || e.owner)),
                "{} {mode:?}: removed {:?}",
                e.file,
                plan.removed
            );
            let out = dir.join(format!("{mode:?}-{}", e.file));
            write_plan(&plan, &src, &out);
            let json = exiftool_json(&out);
            assert_eq!(
                location_tags(&json),
                Vec::<String>::new(),
                "{} {mode:?}",
                e.file
            );
            assert_eq!(
                lossless_fingerprint(&out, e.format),
                before,
                "{} {mode:?}: coded data changed",
                e.file
            );
            // What must stay: make/model always; serials and owners in location mode;
            // orientation always.
            for tag in [
                "IFD0:Make",
                "IFD0:Model",
                "UserData:Make",
                "Keys:Make",
                "Keys:Model",
                "IFD0:Orientation",
            ] {
                assert_eq!(
                    json.get(tag),
                    before_json.get(tag),
                    "{} {mode:?}: {tag} changed",
                    e.file
                );
            }
            let serials = serial_tags(&json);
            let author = ["Keys:Author", "UserData:Author"]
                .iter()
                .any(|t| json.get(*t).is_some());
            match mode {
                StripMode::Location => {
                    assert_eq!(
                        serials.len(),
                        serial_tags(&before_json).len(),
                        "{}: location mode removed serials",
                        e.file
                    );
                    if e.owner {
                        assert!(
                            author || !serials.is_empty(),
                            "{}: location mode removed the owner",
                            e.file
                        );
                    }
                }
                StripMode::Identifying => {
                    assert!(serials.is_empty(), "{}: left {serials:?}", e.file);
                    assert!(!author, "{}: author left", e.file);
                }
            }
            // ffmpeg reads the result without complaint.
            if matches!(e.format, Format::Mp4 | Format::Mov | Format::ThreeGp) {
                let o = std::process::Command::new("ffprobe")
                    .args(["-v", "error", "-show_format"])
                    .arg(&out)
                    .output()
                    .expect("ffprobe");
                assert!(
                    o.status.success() && o.stderr.is_empty(),
                    "{}: ffprobe: {}",
                    e.file,
                    String::from_utf8_lossy(&o.stderr)
                );
            }
            let again =
                isobmff::inspect(&File::open(&out).expect("out"), e.format).expect("re-inspect");
            assert!(
                again.location.is_none(),
                "{} {mode:?}: {:?}",
                e.file,
                again.location
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn timed_gps_tracks_are_reported_as_residual() {
    type Case<'a> = (&'a [u8; 4], &'a [u8; 4], &'a [u8], Option<&'a str>);
    let cases: &[Case] = &[
        (b"meta", b"gpmd", b"", Some("GoPro GPMF")),
        (b"camm", b"camm", b"", Some("camm")),
        (b"meta", b"djmd", b"", Some("DJI drone")),
        (
            b"meta",
            b"mebx",
            &bx(
                b"keys",
                &bx(
                    &1u32.to_be_bytes(),
                    &bx(b"keyd", b"mdtacom.apple.quicktime.location.ISO6709"),
                ),
            ),
            Some("Apple timed location"),
        ),
        (
            b"meta",
            b"mebx",
            &bx(
                b"keys",
                &bx(
                    &1u32.to_be_bytes(),
                    &bx(b"keyd", b"mdtacom.apple.quicktime.video-orientation"),
                ),
            ),
            None,
        ),
        (b"vide", b"avc1", &[0; 70], None),
    ];
    for (handler, entry, body, expect) in cases {
        let file = movie(
            b"isom",
            &[full(b"mvhd", 0, &[0; 96]), track(handler, entry, body)],
        );
        let r = isobmff::inspect(&file, Format::Mp4).expect("inspect");
        match expect {
            Some(kind) => {
                assert!(
                    r.residual.iter().any(|s| s.contains("timed GPS track")
                        && s.contains(kind)
                        && s.contains("re-muxing")),
                    "{:?}",
                    r.residual
                );
                assert!(r.location.is_some());
                let plan = isobmff::strip(&file, Format::Mp4, StripMode::Location).expect("strip");
                assert!(
                    plan.residual.iter().any(|s| s.contains(kind)),
                    "{:?}",
                    plan.residual
                );
                assert_eq!(
                    plan.pieces,
                    vec![Piece::Keep {
                        start: 0,
                        end: file.len() as u64
                    }]
                );
            }
            None => {
                assert!(
                    r.residual.is_empty() && r.location.is_none(),
                    "{:?} {:?}",
                    r.residual,
                    r.location
                );
            }
        }
    }
}

#[test]
fn quicktime_and_iso_meta_boxes_are_both_read() {
    for iso in [false, true] {
        let items = [
            (
                "com.apple.quicktime.location.ISO6709",
                "+12.3456-045.6789+100.0/",
            ),
            ("com.apple.quicktime.make", "Apple"),
        ];
        let file = movie(
            b"qt  ",
            &[full(b"mvhd", 0, &[0; 96]), keys_meta(iso, &items)],
        );
        let r = isobmff::inspect(&file, Format::Mov).expect("inspect");
        let loc = r.location.expect("location");
        assert_eq!(
            (loc.lat, loc.lon, loc.altitude),
            (Some(12.3456), Some(-45.6789), Some(100.0)),
            "iso={iso}"
        );
        assert_eq!(r.identity.make.as_deref(), Some("Apple"));
        let plan = isobmff::strip(&file, Format::Mov, StripMode::Location).expect("strip");
        let mut out = Vec::new();
        plan.write_to(&file, &mut out).expect("apply");
        assert_eq!(out.len(), file.len());
        let again = isobmff::inspect(&out, Format::Mov).expect("re-inspect");
        assert!(again.location.is_none());
        assert_eq!(
            again.identity.make.as_deref(),
            Some("Apple"),
            "the make stays"
        );
    }
}

#[test]
fn quicktime_meta_without_leading_hdlr() {
    // QuickTime meta (no version/flags) whose first child is keys, not hdlr.
    let qt = keys_meta(
        false,
        &[("com.apple.quicktime.location.ISO6709", "+01.5+002.5/")],
    );
    let body = &qt[8..];
    let hdlr_len = u32::from_be_bytes([body[0], body[1], body[2], body[3]]) as usize;
    let (hdlr, rest) = body.split_at(hdlr_len);
    let keys_len = u32::from_be_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
    let (keys, ilst) = rest.split_at(keys_len);
    let meta = bx(
        b"meta",
        &cat(&[keys.to_vec(), hdlr.to_vec(), ilst.to_vec()]),
    );
    let file = movie(b"qt  ", &[meta]);
    let r = isobmff::inspect(&file, Format::Mov).expect("inspect");
    assert_eq!(r.location.and_then(|l| l.lat), Some(1.5));
}

#[test]
fn movie_creation_time_is_the_fallback_capture_time() {
    let mut mvhd = vec![0u8; 96];
    // 2020-01-01T00:00:00Z in seconds since 1904.
    mvhd[..4].copy_from_slice(&(1_577_836_800u32 + 2_082_844_800u32).to_be_bytes());
    let file = movie(b"isom", &[full(b"mvhd", 0, &mvhd)]);
    let r = isobmff::inspect(&file, Format::Mp4).expect("inspect");
    assert_eq!(
        r.identity.captured_at.as_deref(),
        Some("2020-01-01T00:00:00Z")
    );
    let with_day = movie(
        b"isom",
        &[
            full(b"mvhd", 0, &mvhd),
            bx(b"udta", &bx(b"\xa9day", &qt_text("2019-06-01"))),
        ],
    );
    let r = isobmff::inspect(&with_day, Format::Mp4).expect("inspect");
    assert_eq!(r.identity.captured_at.as_deref(), Some("2019-06-01"));
}

/// A 2.5 GB video (sparse file: a 64-bit `mdat` header, a hole, then `moov` with location) is
/// inspected and planned by reading only a few KB.
#[test]
fn huge_video_reads_only_headers_and_metadata() {
    use std::io::{Seek, SeekFrom, Write};
    let path = std::env::temp_dir().join(format!("safepost-sparse-{}.mp4", std::process::id()));
    let mdat_len: u64 = 2_500_000_000;
    {
        let mut f = File::create(&path).expect("create");
        let mut ftyp = b"isom\0\0\x02\0isom".to_vec();
        ftyp = bx(b"ftyp", &ftyp);
        f.write_all(&ftyp).expect("write");
        f.write_all(&1u32.to_be_bytes()).expect("write");
        f.write_all(b"mdat").expect("write");
        f.write_all(&mdat_len.to_be_bytes()).expect("write");
        f.seek(SeekFrom::Start(ftyp.len() as u64 + mdat_len))
            .expect("seek");
        let udta = bx(b"udta", &bx(b"\xa9xyz", &qt_text("+48.8584+002.2945/")));
        f.write_all(&bx(
            b"moov",
            &cat(&[
                full(b"mvhd", 0, &[0; 96]),
                track(b"vide", b"avc1", &[0; 70]),
                udta,
            ]),
        ))
        .expect("write");
    }
    let f = File::open(&path).expect("open");
    assert!(f.len() > mdat_len);
    let counting = CountingSource::new(&f);
    let r = isobmff::inspect(&counting, Format::Mp4).expect("inspect");
    assert!(r.location.is_some_and(|l| l.lat == Some(48.8584)));
    assert!(
        counting.bytes_read() < 4096,
        "read {} bytes of a {} byte file",
        counting.bytes_read(),
        f.len()
    );
    assert_eq!(r.bytes_read, counting.bytes_read());
    let counting = CountingSource::new(&f);
    let plan = isobmff::strip(&counting, Format::Mp4, StripMode::Location).expect("strip");
    assert!(
        counting.bytes_read() < 8192,
        "strip read {} bytes",
        counting.bytes_read()
    );
    assert_eq!(plan.output_len(), f.len());
    assert!(matches!(plan.pieces.first(), Some(Piece::Keep { start: 0, end }) if *end > mdat_len));
    let _ = std::fs::remove_file(&path);
}

#[test]
fn dashcam_and_vendor_gps_atoms_are_found_and_removed() {
    let garmin_uuid = [
        0x9B, 0x63, 0x0F, 0x8D, 0x63, 0x74, 0x40, 0xEC, 0x82, 0x04, 0xBC, 0x5F, 0xF5, 0x09, 0x17,
        0x28,
    ];
    let garmin = bx(b"uuid", &cat(&[garmin_uuid.to_vec(), vec![1; 40]]));
    let cases: Vec<(&str, Vec<u8>, bool)> = vec![
        (
            "@xyz",
            bx(b"udta", &bx(b"@xyz", &qt_text("+10.5-020.25/"))),
            false,
        ),
        ("gps0", bx(b"udta", &bx(b"gps0", &[7; 64])), false),
        (
            "udat",
            bx(
                b"udta",
                &bx(b"udat", b"$GPRMC,123519,A,4807.038,N,01131.000,E"),
            ),
            false,
        ),
        ("moov gps ", bx(b"gps ", &[3; 32]), true),
        ("Garmin uuid", garmin, false),
    ];
    for (label, atom, index_only) in cases {
        let file = movie(b"isom", &[full(b"mvhd", 0, &[0; 96]), atom]);
        let r = isobmff::inspect(&file, Format::Mp4).expect("inspect");
        assert!(r.location.is_some(), "{label}: not found");
        assert_eq!(
            r.residual.iter().any(|s| s.contains("media data")),
            index_only,
            "{label}: {:?}",
            r.residual
        );
        let plan = isobmff::strip(&file, Format::Mp4, StripMode::Location).expect("strip");
        let mut out = Vec::new();
        plan.write_to(&file, &mut out).expect("apply");
        assert_eq!(out.len(), file.len());
        let again = isobmff::inspect(&out, Format::Mp4).expect("re-inspect");
        assert!(again.location.is_none(), "{label}: {:?}", again.location);
    }
    let r = isobmff::inspect(
        &movie(
            b"isom",
            &[bx(b"udta", &bx(b"@xyz", &qt_text("+10.5-020.25/")))],
        ),
        Format::Mp4,
    )
    .expect("inspect");
    assert_eq!(r.location.and_then(|l| l.lon), Some(-20.25));
}

/// Canon CR3 / MP4 metadata: a `uuid` box holding CMT1 (IFD0), CMT2 (EXIF IFD), CMT4 (GPS).
fn canon_movie() -> Vec<u8> {
    let canon_uuid = [
        0x85, 0xC0, 0xB6, 0x87, 0x82, 0x0F, 0x11, 0xE0, 0x81, 0x11, 0xF4, 0xCE, 0x46, 0x2B, 0x6A,
        0x48,
    ];
    let cmt1 = tiff_be(&[
        (0x010F, 2, 6, b"Canon\0".to_vec()),
        (0x0110, 2, 13, b"Canon EOS R5\0".to_vec()),
    ]);
    let cmt2 = tiff_be(&[(0xA431, 2, 13, b"012345678901\0".to_vec())]);
    let cmt4 = tiff_be(&[
        (1, 2, 2, b"N\0".to_vec()),
        (2, 5, 3, dms(51, 30, 0)),
        (3, 2, 2, b"W\0".to_vec()),
        (4, 5, 3, dms(0, 7, 30)),
    ]);
    let body = cat(&[
        canon_uuid.to_vec(),
        bx(b"CNCV", b"CanonCR3_001/00.09.00/00.00.00"),
        bx(b"CMT1", &cmt1),
        bx(b"CMT2", &cmt2),
        bx(b"CMT4", &cmt4),
    ]);
    movie(b"isom", &[full(b"mvhd", 0, &[0; 96]), bx(b"uuid", &body)])
}

#[test]
fn canon_uuid_blocks() {
    let file = canon_movie();
    let r = isobmff::inspect(&file, Format::Mp4).expect("inspect");
    let loc = r.location.expect("CMT4 location");
    assert!(
        (loc.lat.unwrap_or(0.0) - 51.5).abs() < 1e-9
            && (loc.lon.unwrap_or(0.0) + 0.125).abs() < 1e-9,
        "{loc:?}"
    );
    assert_eq!(loc.sources, vec!["Canon:CMT4 GPS".to_string()]);
    assert_eq!(r.identity.make.as_deref(), Some("Canon"));
    assert_eq!(r.identity.model.as_deref(), Some("Canon EOS R5"));
    assert_eq!(
        r.identity.serial_numbers.len(),
        1,
        "{:?}",
        r.identity.serial_numbers
    );

    let dir = std::env::temp_dir().join(format!("safepost-canon-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let original = dir.join("canon.mp4");
    std::fs::write(&original, &file).expect("write");
    require_tools(&["exiftool"]);
    // ExifTool agrees the synthetic file holds GPS and a serial number.
    let json = exiftool_json(&original);
    assert!(!location_tags(&json).is_empty(), "{json}");
    assert!(!serial_tags(&json).is_empty(), "{json}");
    for mode in [StripMode::Location, StripMode::Identifying] {
        let plan = isobmff::strip(&file, Format::Mp4, mode).expect("strip");
        let mut out = Vec::new();
        plan.write_to(&file, &mut out).expect("apply");
        let again = isobmff::inspect(&out, Format::Mp4).expect("re-inspect");
        assert!(again.location.is_none());
        assert_eq!(
            again.identity.serial_numbers.is_empty(),
            mode == StripMode::Identifying
        );
        assert_eq!(again.identity.model.as_deref(), Some("Canon EOS R5"));
        let path = dir.join(format!("{mode:?}.mp4"));
        std::fs::write(&path, &out).expect("write");
        let json = exiftool_json(&path);
        assert_eq!(location_tags(&json), Vec::<String>::new());
        assert_eq!(
            serial_tags(&json).is_empty(),
            mode == StripMode::Identifying,
            "{json}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// An EXIF block (big-endian) whose GPS IFD holds 48°30'0"N 2°15'0"E.
fn exif_with_gps() -> Vec<u8> {
    let mut t = b"MM\0*\0\0\0\x08".to_vec();
    let entry = |t: &mut Vec<u8>, tag: u16, typ: u16, n: u32, v: [u8; 4]| {
        t.extend_from_slice(&tag.to_be_bytes());
        t.extend_from_slice(&typ.to_be_bytes());
        t.extend_from_slice(&n.to_be_bytes());
        t.extend_from_slice(&v);
    };
    t.extend_from_slice(&1u16.to_be_bytes());
    entry(&mut t, 0x8825, 4, 1, 26u32.to_be_bytes());
    t.extend_from_slice(&[0; 4]);
    t.extend_from_slice(&4u16.to_be_bytes());
    entry(&mut t, 1, 2, 2, *b"N\0\0\0");
    entry(&mut t, 2, 5, 3, 80u32.to_be_bytes());
    entry(&mut t, 3, 2, 2, *b"E\0\0\0");
    entry(&mut t, 4, 5, 3, 104u32.to_be_bytes());
    t.extend_from_slice(&[0; 4]);
    t.extend_from_slice(&dms(48, 30, 0));
    t.extend_from_slice(&dms(2, 15, 0));
    t
}

#[test]
fn heif_exif_item_in_idat_split_across_extents() {
    let mut item = vec![0, 0, 0, 0];
    item.extend_from_slice(&exif_with_gps());
    let (part1, part2) = item.split_at(50);
    // idat stores the second extent first, so extent order matters.
    let idat = cat(&[part2.to_vec(), part1.to_vec()]);
    let mut iloc = vec![0x44, 0x00];
    iloc.extend_from_slice(&1u16.to_be_bytes()); // one item
    iloc.extend_from_slice(&1u16.to_be_bytes()); // item 1
    iloc.extend_from_slice(&1u16.to_be_bytes()); // construction method 1 (idat)
    iloc.extend_from_slice(&0u16.to_be_bytes()); // data reference
    iloc.extend_from_slice(&2u16.to_be_bytes()); // two extents
    for (off, len) in [(part2.len(), part1.len()), (0, part2.len())] {
        iloc.extend_from_slice(&(off as u32).to_be_bytes());
        iloc.extend_from_slice(&(len as u32).to_be_bytes());
    }
    let mut infe = 1u16.to_be_bytes().to_vec();
    infe.extend_from_slice(&[0, 0]);
    infe.extend_from_slice(b"Exif\0");
    let mut iinf = 1u16.to_be_bytes().to_vec();
    iinf.extend_from_slice(&full(b"infe", 2, &infe));
    let mut hdlr = vec![0, 0, 0, 0];
    hdlr.extend_from_slice(b"pict");
    hdlr.extend_from_slice(&[0; 13]);
    let meta = full(
        b"meta",
        0,
        &cat(&[
            full(b"hdlr", 0, &hdlr),
            full(b"iinf", 0, &iinf),
            full(b"iloc", 1, &iloc),
            bx(b"idat", &idat),
        ]),
    );
    let file = cat(&[bx(b"ftyp", b"heic\0\0\0\0mif1heic"), meta]);

    let r = isobmff::inspect(&file, Format::Heic).expect("inspect");
    let loc = r.location.expect("EXIF GPS");
    assert_eq!((loc.lat, loc.lon), (Some(48.5), Some(2.25)));
    assert_eq!(loc.sources, vec!["EXIF:GPS".to_string()]);

    let plan = isobmff::strip(&file, Format::Heic, StripMode::Location).expect("strip");
    let mut out = Vec::new();
    plan.write_to(&file, &mut out).expect("apply");
    assert_eq!(out.len(), file.len());
    // Only bytes inside idat changed.
    let idat_at = file.len() - idat.len();
    let changed: Vec<usize> = (0..file.len()).filter(|i| file[*i] != out[*i]).collect();
    assert!(
        !changed.is_empty() && changed.iter().all(|i| *i >= idat_at),
        "{changed:?}"
    );
    assert!(isobmff::inspect(&out, Format::Heic)
        .expect("re-inspect")
        .location
        .is_none());
}

/// The format-independent entry points (`media::inspect`/`media::strip`) reach this module and
/// give the same answers.
#[test]
fn dispatch_through_media_entry_points() {
    for e in FIXTURES {
        let f = File::open(fixture(e.file)).expect("fixture");
        let direct = isobmff::inspect(&f, e.format).expect("direct");
        let via = safepost::media::inspect(&f).expect("dispatched");
        assert_eq!(via.format, e.format, "{}", e.file);
        assert_eq!(via.location, direct.location, "{}", e.file);
        assert_eq!(via.identity, direct.identity, "{}", e.file);
        let plan = safepost::media::strip(&f, StripMode::Location).expect("dispatched strip");
        assert_eq!(
            plan,
            isobmff::strip(&f, e.format, StripMode::Location).expect("direct strip"),
            "{}",
            e.file
        );
    }
}

#[test]
fn compressed_heif_xmp_is_reported_not_ignored() {
    let packet = b"x\x9c compressed bytes".to_vec();
    let mut iloc = vec![0x44, 0x00];
    iloc.extend_from_slice(&1u16.to_be_bytes());
    iloc.extend_from_slice(&1u16.to_be_bytes());
    iloc.extend_from_slice(&1u16.to_be_bytes()); // in idat
    iloc.extend_from_slice(&0u16.to_be_bytes());
    iloc.extend_from_slice(&1u16.to_be_bytes());
    iloc.extend_from_slice(&0u32.to_be_bytes());
    iloc.extend_from_slice(&(packet.len() as u32).to_be_bytes());
    let mut infe = 1u16.to_be_bytes().to_vec();
    infe.extend_from_slice(&[0, 0]);
    infe.extend_from_slice(b"mime\0application/rdf+xml\0deflate\0");
    let mut iinf = 1u16.to_be_bytes().to_vec();
    iinf.extend_from_slice(&full(b"infe", 2, &infe));
    let meta = full(
        b"meta",
        0,
        &cat(&[
            full(b"iinf", 0, &iinf),
            full(b"iloc", 1, &iloc),
            bx(b"idat", &packet),
        ]),
    );
    let file = cat(&[bx(b"ftyp", b"heic\0\0\0\0mif1heic"), meta]);
    let r = isobmff::inspect(&file, Format::Heic).expect("inspect");
    assert!(
        r.residual.iter().any(|s| s.contains("compressed")),
        "{:?}",
        r.residual
    );
    assert!(matches!(
        isobmff::strip(&file, Format::Heic, StripMode::Location),
        Err(safepost::media::MediaError::CannotStrip(_))
    ));
}

/// A motion photo: a JPEG-like prefix, then a complete MP4 with ©xyz. The embedded video is
/// read and cleaned in place without touching the prefix.
#[test]
fn embedded_video_in_another_file() {
    let prefix = cat(&[
        vec![0xFF, 0xD8, 0xFF, 0xE0],
        vec![0x11; 200],
        vec![0xFF, 0xD9],
    ]);
    let video = movie(
        b"isom",
        &[
            full(b"mvhd", 0, &[0; 96]),
            bx(b"udta", &bx(b"\xa9xyz", &qt_text("+48.8584+002.2945/"))),
        ],
    );
    let file = cat(&[prefix.clone(), video.clone(), vec![0xEE; 10]]);
    let (start, end) = (prefix.len() as u64, (prefix.len() + video.len()) as u64);
    let (report, edits) = isobmff::embedded_video(&file, start, end, None).expect("inspect");
    assert_eq!(report.location.and_then(|l| l.lat), Some(48.8584));
    assert!(edits.is_empty());
    let (_, edits) =
        isobmff::embedded_video(&file, start, end, Some(StripMode::Location)).expect("strip");
    assert_eq!(edits.len(), 1);
    let mut out = file.clone();
    for e in &edits {
        assert!(e.at >= start && e.at + e.bytes.len() as u64 <= end);
        out[e.at as usize..e.at as usize + e.bytes.len()].copy_from_slice(&e.bytes);
    }
    let (again, _) = isobmff::embedded_video(&out, start, end, None).expect("re-inspect");
    assert!(again.location.is_none());
    assert_eq!(&out[..prefix.len()], &prefix[..]);
}

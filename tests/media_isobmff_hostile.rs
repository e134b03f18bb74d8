//! Damaged and hostile ISO base media files: truncation at every byte and every box boundary,
//! bit flips, absurd sizes, deep nesting, size 0/1 edge cases, huge counts. Every one must give
//! a result or a specific [`MediaError`], never a panic or a hang.

mod media_isobmff_support;

use media_isobmff_support::*;
use safepost::media::{isobmff, Format, MediaError, StripMode};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::time::{Duration, Instant};

const FIXTURES: &[(&str, Format)] = &[
    ("mp4-loci.mp4", Format::Mp4),
    ("mov-xyz.mov", Format::Mov),
    ("mov-keys.mov", Format::Mov),
    ("3gp-loci.3gp", Format::ThreeGp),
    ("mp4-xmp.mp4", Format::Mp4),
    ("mov-xmp.mov", Format::Mov),
    ("heic-gps.heic", Format::Heic),
    ("avif-gps.avif", Format::Avif),
];

fn load(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/media/isobmff")
        .join(name);
    std::fs::read(p).expect("fixture")
}

/// Runs inspect and both strips on `data`; fails the test on a panic or a slow call.
fn survive(data: &[u8], format: Format, label: &str) -> Result<(), MediaError> {
    let start = Instant::now();
    let out = catch_unwind(AssertUnwindSafe(|| {
        let r = isobmff::inspect(&data.to_vec(), format);
        let _ = isobmff::strip(&data.to_vec(), format, StripMode::Location);
        let _ = isobmff::strip(&data.to_vec(), format, StripMode::Identifying);
        r.map(|_| ())
    }));
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{label}: took {:?}",
        start.elapsed()
    );
    match out {
        Ok(r) => r,
        Err(_) => panic!("{label}: panicked"),
    }
}

/// (type, start, end) of the top-level boxes (test-side walk of a well-formed fixture).
fn top_level(data: &[u8]) -> Vec<([u8; 4], usize, usize)> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos + 8 <= data.len() {
        let size =
            u32::from_be_bytes([data[pos], data[pos + 1], data[pos + 2], data[pos + 3]]) as usize;
        let typ = [data[pos + 4], data[pos + 5], data[pos + 6], data[pos + 7]];
        let size = if size == 1 {
            let mut b = [0u8; 8];
            b.copy_from_slice(&data[pos + 8..pos + 16]);
            u64::from_be_bytes(b) as usize
        } else {
            size
        };
        out.push((typ, pos, pos + size));
        pos += size;
    }
    out
}

/// Every box boundary (start and end of every box, nested ones included) of a fixture.
fn boundaries(data: &[u8], start: usize, end: usize, depth: usize, out: &mut Vec<usize>) {
    let mut pos = start;
    while pos + 8 <= end && depth < 12 {
        let size =
            u32::from_be_bytes([data[pos], data[pos + 1], data[pos + 2], data[pos + 3]]) as usize;
        if size < 8 || pos + size > end {
            break;
        }
        out.push(pos);
        out.push(pos + size);
        let typ = &data[pos + 4..pos + 8];
        let skip = match typ {
            b"moov" | b"trak" | b"mdia" | b"minf" | b"stbl" | b"udta" | b"ilst" | b"iprp"
            | b"ipco" => 8,
            b"meta" => 12,
            _ => 0,
        };
        if skip > 0 {
            boundaries(data, pos + skip, pos + size, depth + 1, out);
        }
        pos += size;
    }
}

#[test]
fn truncation_at_every_byte() {
    for (name, format) in FIXTURES {
        let data = load(name);
        let tops = top_level(&data);
        for cut in 0..data.len() {
            let r = survive(&data[..cut], *format, &format!("{name} cut at {cut}"));
            // Cut inside a metadata box: the file is incomplete and must say so.
            let inside_metadata = tops.iter().any(|(t, s, e)| {
                matches!(t, b"moov" | b"meta" | b"uuid") && s + 8 <= cut && cut < *e
            });
            if inside_metadata {
                assert!(
                    matches!(r, Err(MediaError::Truncated { .. })),
                    "{name} cut at {cut} (inside a metadata box): {r:?}"
                );
            }
        }
    }
}

#[test]
fn truncation_at_every_box_boundary() {
    for (name, format) in FIXTURES {
        let data = load(name);
        let mut cuts = Vec::new();
        boundaries(&data, 0, data.len(), 0, &mut cuts);
        cuts.sort_unstable();
        cuts.dedup();
        assert!(cuts.len() > 10, "{name}: only {} boundaries", cuts.len());
        for cut in cuts {
            let label = format!("{name} cut at box boundary {cut}");
            let r = survive(&data[..cut], *format, &label);
            if let Err(e) = r {
                assert!(
                    matches!(
                        e,
                        MediaError::Truncated { .. } | MediaError::Malformed { .. }
                    ),
                    "{label}: unexpected {e:?}"
                );
                assert!(!e.to_string().is_empty());
            }
        }
    }
}

#[test]
fn bit_flips_never_panic_or_hang() {
    // A fixed xorshift sequence, so failures reproduce.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut errors = 0;
    let mut total = 0;
    for (name, format) in FIXTURES {
        let data = load(name);
        // Flips concentrate on the metadata (everything but mdat) where parsing happens.
        let tops = top_level(&data);
        let targets: Vec<usize> = (0..data.len())
            .filter(|i| {
                !tops
                    .iter()
                    .any(|(t, s, e)| t == b"mdat" && s + 16 <= *i && i < e)
            })
            .collect();
        for round in 0..400 {
            let mut d = data.clone();
            let flips = 1 + (next() % 4) as usize;
            for _ in 0..flips {
                let at = targets[(next() % targets.len() as u64) as usize];
                if round % 3 == 0 {
                    d[at] = next() as u8; // whole byte
                } else {
                    d[at] ^= 1 << (next() % 8);
                }
            }
            total += 1;
            if survive(&d, *format, &format!("{name} round {round}")).is_err() {
                errors += 1;
            }
        }
    }
    println!("{errors} of {total} mutated files gave errors; none panicked or hung");
}

#[test]
fn absurd_sizes_get_specific_errors() {
    let good = movie(
        b"isom",
        &[
            full(b"mvhd", 0, &[0; 96]),
            bx(b"udta", &bx(b"\xa9xyz", &qt_text("+01.0+002.0/"))),
        ],
    );
    let moov_at = 20; // after the 20-byte ftyp
    let set = |d: &mut Vec<u8>, at: usize, v: u32| d[at..at + 4].copy_from_slice(&v.to_be_bytes());

    // moov claims 4 GB: runs past the end of the file.
    let mut d = good.clone();
    set(&mut d, moov_at, u32::MAX);
    assert!(
        matches!(isobmff::inspect(&d, Format::Mp4), Err(MediaError::Truncated { offset, .. }) if offset == moov_at as u64)
    );

    // Sizes 2..7 are smaller than a header.
    for size in 2..8 {
        let mut d = good.clone();
        set(&mut d, moov_at, size);
        assert!(
            matches!(isobmff::inspect(&d, Format::Mp4), Err(MediaError::Malformed { offset, .. }) if offset == moov_at as u64),
            "size {size}"
        );
    }

    // 64-bit size of u64::MAX (overflows), and a 64-bit size smaller than its 16-byte header.
    for large in [u64::MAX, 12u64] {
        let mut d = good[..moov_at].to_vec();
        d.extend_from_slice(&1u32.to_be_bytes());
        d.extend_from_slice(b"moov");
        d.extend_from_slice(&large.to_be_bytes());
        d.extend_from_slice(&[0; 32]);
        let r = isobmff::inspect(&d, Format::Mp4);
        assert!(
            matches!(
                r,
                Err(MediaError::Malformed { .. } | MediaError::Truncated { .. })
            ),
            "largesize {large}: {r:?}"
        );
    }

    // A child larger than its parent (but inside the file) is malformed, not truncated.
    let mut d = good.clone();
    let udta_at = moov_at + 8 + 108;
    assert_eq!(&d[udta_at + 4..udta_at + 8], b"udta");
    set(&mut d, udta_at + 8, 60);
    assert!(
        matches!(
            isobmff::inspect(&d, Format::Mp4),
            Err(MediaError::Malformed { .. })
        ),
        "child overruns parent"
    );
}

#[test]
fn size_zero_and_one_edge_cases() {
    // Top-level size 0: the last box runs to the end of the file.
    let mut d = movie(
        b"isom",
        &[bx(b"udta", &bx(b"\xa9xyz", &qt_text("+01.0+002.0/")))],
    );
    let mdat_at = d.len() - 72;
    assert_eq!(&d[mdat_at + 4..mdat_at + 8], b"mdat");
    d[mdat_at..mdat_at + 4].copy_from_slice(&0u32.to_be_bytes());
    let r = isobmff::inspect(&d, Format::Mp4).expect("size 0 mdat");
    assert!(r.location.is_some());

    // Size 0 inside a container ends its list (QuickTime udta terminator), keeping earlier atoms.
    let udta = cat(&[bx(b"\xa9xyz", &qt_text("+01.0+002.0/")), vec![0, 0, 0, 0]]);
    let d = movie(b"qt  ", &[bx(b"udta", &udta)]);
    let r = isobmff::inspect(&d, Format::Mov).expect("udta terminator");
    assert!(r.location.is_some());

    // Size 1 with a valid 64-bit size works like a 32-bit one, and its free replacement keeps
    // the 64-bit header.
    let mut xyz = 1u32.to_be_bytes().to_vec();
    xyz.extend_from_slice(b"\xa9xyz");
    let text = qt_text("+01.0+002.0/");
    xyz.extend_from_slice(&((16 + text.len()) as u64).to_be_bytes());
    xyz.extend_from_slice(&text);
    let d = movie(b"isom", &[bx(b"udta", &xyz)]);
    let r = isobmff::inspect(&d, Format::Mp4).expect("largesize atom");
    assert_eq!(r.location.and_then(|l| l.lat), Some(1.0));
    let plan = isobmff::strip(&d, Format::Mp4, StripMode::Location).expect("strip");
    let mut out = Vec::new();
    plan.write_to(&d, &mut out).expect("apply");
    let at = 20 + 8 + 8;
    assert_eq!(&out[at..at + 8], &[0, 0, 0, 1, b'f', b'r', b'e', b'e']);
    assert!(isobmff::inspect(&out, Format::Mp4)
        .expect("re-inspect")
        .location
        .is_none());

    // An empty file and a lone header.
    assert!(matches!(
        isobmff::inspect(&Vec::new(), Format::Mp4),
        Ok(_) | Err(MediaError::Truncated { .. })
    ));
    assert!(matches!(
        isobmff::inspect(&vec![0, 0, 0, 8], Format::Mp4),
        Err(MediaError::Truncated { .. })
    ));
}

#[test]
fn deep_nesting_is_refused() {
    // Samsung motion-photo boxes (mpvd) are followed into the embedded file; nesting them is
    // the one path that recurses without a fixed structure.
    let mut d = movie(
        b"isom",
        &[bx(b"udta", &bx(b"\xa9xyz", &qt_text("+01.0+002.0/")))],
    );
    for _ in 0..200 {
        d = cat(&[bx(b"ftyp", b"heic\0\0\0\0"), bx(b"mpvd", &d)]);
    }
    assert!(matches!(
        isobmff::inspect(&d, Format::Heic),
        Err(MediaError::TooDeep { .. })
    ));

    // Deep trees of containers SafePost never descends into cost nothing.
    let mut inner = bx(b"free", &[]);
    for _ in 0..5000 {
        inner = bx(b"abcd", &inner);
    }
    let d = movie(b"isom", &[inner]);
    let start = Instant::now();
    assert!(isobmff::inspect(&d, Format::Mp4).is_ok());
    assert!(start.elapsed() < Duration::from_secs(1));
}

#[test]
fn huge_counts_are_bounded() {
    // 300 000 empty atoms in udta: refused, not walked forever.
    let udta: Vec<u8> = vec![bx(b"free", &[]); 300_000].concat();
    let d = movie(b"isom", &[bx(b"udta", &udta)]);
    let start = Instant::now();
    let r = isobmff::inspect(&d, Format::Mp4);
    assert!(
        matches!(r, Err(MediaError::Malformed { ref reason, .. }) if reason.contains("boxes")),
        "{r:?}"
    );
    assert!(start.elapsed() < Duration::from_secs(5));

    // keys claims 4 billion entries in a few bytes.
    let mut keys = u32::MAX.to_be_bytes().to_vec();
    keys.extend_from_slice(&[0, 0, 0, 12, b'm', b'd', b't', b'a', b'a', b'b', b'c', b'd']);
    let mut hdlr = vec![0, 0, 0, 0];
    hdlr.extend_from_slice(b"mdta");
    hdlr.extend_from_slice(&[0; 13]);
    let meta = bx(
        b"meta",
        &cat(&[
            full(b"hdlr", 0, &hdlr),
            full(b"keys", 0, &keys),
            bx(b"ilst", &[]),
        ]),
    );
    let d = movie(b"qt  ", &[meta]);
    assert!(matches!(
        isobmff::inspect(&d, Format::Mov),
        Err(MediaError::Truncated { .. })
    ));

    // iloc claims 65 535 items with 65 535 extents each in a few bytes.
    let mut iloc = vec![0x44, 0x00];
    iloc.extend_from_slice(&u16::MAX.to_be_bytes());
    iloc.extend_from_slice(&[0, 1, 0, 0]);
    iloc.extend_from_slice(&u16::MAX.to_be_bytes());
    let mut infe = 1u16.to_be_bytes().to_vec();
    infe.extend_from_slice(&[0, 0]);
    infe.extend_from_slice(b"Exif\0");
    let mut iinf = 1u16.to_be_bytes().to_vec();
    iinf.extend_from_slice(&full(b"infe", 2, &infe));
    let meta = full(
        b"meta",
        0,
        &cat(&[full(b"iinf", 0, &iinf), full(b"iloc", 0, &iloc)]),
    );
    let d = cat(&[bx(b"ftyp", b"heic\0\0\0\0mif1heic"), meta]);
    assert!(matches!(
        isobmff::inspect(&d, Format::Heic),
        Err(MediaError::Truncated { .. })
    ));
}

#[test]
fn heif_items_pointing_anywhere_are_checked() {
    // An Exif item whose extent lies past the end of the file, and one pointing into its own
    // meta box (harmless garbage): specific errors or a report, no panic.
    for (offset, len) in [(1_000_000u32, 100u32), (0, 64), (u32::MAX, u32::MAX)] {
        let mut iloc = vec![0x44, 0x00];
        iloc.extend_from_slice(&1u16.to_be_bytes());
        iloc.extend_from_slice(&[0, 1, 0, 0]);
        iloc.extend_from_slice(&1u16.to_be_bytes());
        iloc.extend_from_slice(&offset.to_be_bytes());
        iloc.extend_from_slice(&len.to_be_bytes());
        let mut infe = 1u16.to_be_bytes().to_vec();
        infe.extend_from_slice(&[0, 0]);
        infe.extend_from_slice(b"Exif\0");
        let mut iinf = 1u16.to_be_bytes().to_vec();
        iinf.extend_from_slice(&full(b"infe", 2, &infe));
        let meta = full(
            b"meta",
            0,
            &cat(&[full(b"iinf", 0, &iinf), full(b"iloc", 0, &iloc)]),
        );
        let d = cat(&[
            bx(b"ftyp", b"heic\0\0\0\0mif1heic"),
            meta,
            bx(b"mdat", &[0; 32]),
        ]);
        let r = survive(&d, Format::Heic, &format!("Exif item at {offset}+{len}"));
        if offset > 1000 {
            assert!(matches!(r, Err(MediaError::Truncated { .. })), "{r:?}");
        }
        // A damaged Exif item cannot be cleaned safely, and stripping says so.
        if offset == 0 {
            assert!(isobmff::strip(&d, Format::Heic, StripMode::Location).is_err());
        }
    }
}

//! Damaged and hostile still images: truncation at every byte of the headers and metadata (so at
//! every segment, chunk and IFD boundary), bit flips, absurd lengths, deep nesting and loops. Each must end in a report
//! or a specific [`MediaError`] quickly, never a panic or a hang, and any strip plan that is
//! returned must still apply and leave no location behind.

use safepost::media::{self, MediaError, StripMode};
use std::path::PathBuf;
use std::time::{Duration, Instant};

const FIXTURES: &[&str] =
    &["jpeg_all.jpg", "png_meta.png", "webp_meta.webp", "gif_xmp.gif", "tiff_meta.tif", "dng_meta.dng"];

fn fixture(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/media").join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Runs inspect and both strips on `bytes`; panics (failing the test) on a panic, a slow run, an
/// unspecific error, or a plan that does not apply.
fn survive(bytes: &[u8], what: &str) -> Result<(), MediaError> {
    let start = Instant::now();
    let data = bytes.to_vec();
    let result = std::panic::catch_unwind(|| {
        let inspected = media::inspect(&data).map(|_| ());
        for mode in [StripMode::Location, StripMode::Identifying] {
            if let Ok(plan) = media::strip(&data, mode) {
                let mut out = Vec::new();
                plan.write_to(&data, &mut out).unwrap_or_else(|e| panic!("{what}: plan does not apply: {e}"));
                if let Ok(r) = media::inspect(&out) {
                    assert!(r.location.is_none(), "{what}: location left after strip: {:?}", r.location);
                }
            }
        }
        inspected
    });
    let elapsed = start.elapsed();
    assert!(elapsed < Duration::from_secs(2), "{what}: took {elapsed:?}");
    match result {
        Err(_) => panic!("{what}: panicked"),
        Ok(Err(MediaError::Io(e))) => panic!("{what}: an in-memory source cannot fail to read ({e})"),
        Ok(r) => r,
    }
}

#[test]
fn truncated_at_every_byte() {
    for name in FIXTURES {
        let f = fixture(name);
        let mut errors = 0;
        // Every byte where headers and metadata live (the start, and the end where TIFF
        // writers put IFDs), and every 61st byte in between.
        let cuts = (0..f.len()).filter(|c| *c < 8192 || *c + 2048 > f.len() || c % 61 == 0);
        for cut in cuts {
            match survive(&f[..cut], &format!("{name} cut at {cut}")) {
                Ok(()) => {}
                Err(MediaError::UnknownFormat) => assert!(cut < 12, "{name} cut at {cut}: format no longer recognised"),
                Err(
                    MediaError::Truncated { .. }
                    | MediaError::Malformed { .. }
                    | MediaError::TooDeep { .. }
                    | MediaError::CannotStrip(_),
                ) => errors += 1,
                Err(e) => panic!("{name} cut at {cut}: unexpected {e:?}"),
            }
        }
        // Cutting inside the headers and metadata must be noticed, not silently accepted.
        assert!(errors > 0, "{name}: no truncation was reported");
    }
}

#[test]
fn random_bit_flips() {
    let mut seed = 0x9E37_79B9u32;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed
    };
    for name in FIXTURES {
        let f = fixture(name);
        // Flip bits in the first 4 KB, where headers and metadata live, and anywhere.
        for round in 0..400 {
            let mut d = f.clone();
            let flips = 1 + next() % 8;
            for _ in 0..flips {
                let span = if round % 2 == 0 { d.len().min(4096) } else { d.len() };
                let i = next() as usize % span;
                d[i] ^= 1 << (next() % 8);
            }
            let _ = survive(&d, &format!("{name} flip round {round}"));
        }
    }
}

fn expect_err(bytes: &[u8], what: &str, ok: fn(&MediaError) -> bool) {
    match survive(bytes, what) {
        Err(e) if ok(&e) => {}
        other => panic!("{what}: expected a specific error, got {other:?}"),
    }
}

#[test]
fn absurd_lengths() {
    // JPEG segment claiming 65 KB in a tiny file.
    let mut j = fixture("jpeg_all.jpg");
    j.truncate(200);
    j[4] = 0xFF;
    j[5] = 0xF0;
    expect_err(&j, "JPEG long segment", |e| matches!(e, MediaError::Truncated { .. }));

    // PNG chunk of 2 GB.
    let mut p = fixture("png_meta.png");
    p[8..12].copy_from_slice(&0x7FFF_FFF0u32.to_be_bytes());
    expect_err(&p, "PNG huge chunk", |e| matches!(e, MediaError::Truncated { .. }));

    // WebP chunk of 4 GB.
    let mut w = fixture("webp_meta.webp");
    w[16..20].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
    expect_err(&w, "WebP huge chunk", |e| matches!(e, MediaError::Truncated { .. }));

    // TIFF whose IFD0 claims 65535 entries.
    let mut t = fixture("tiff_meta.tif");
    let ifd0 = u32::from_le_bytes([t[4], t[5], t[6], t[7]]) as usize;
    t[ifd0..ifd0 + 2].copy_from_slice(&0xFFFFu16.to_le_bytes());
    expect_err(&t, "TIFF huge IFD", |e| matches!(e, MediaError::Malformed { .. }));

    // GIF comment whose sub-blocks run off the end.
    let mut g = b"GIF89a\x01\x00\x01\x00\x00\x00\x00\x21\xFE".to_vec();
    g.extend(std::iter::repeat(0xFFu8).take(5000));
    expect_err(&g, "GIF endless sub-blocks", |e| matches!(e, MediaError::Truncated { .. }));
}

/// (offset, entries as (tag, type, count, value), next IFD offset).
type Ifd = (u32, Vec<(u16, u16, u32, u32)>, u32);

/// A little-endian TIFF: IFD0 at 8 with `entries` (tag, type, count, value), next IFD `next`.
fn tiff(ifds: &[Ifd]) -> Vec<u8> {
    let mut out = b"II*\0".to_vec();
    out.extend_from_slice(&ifds[0].0.to_le_bytes());
    for (at, entries, next) in ifds {
        out.resize(*at as usize, 0);
        out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        for (tag, typ, count, value) in entries {
            out.extend_from_slice(&tag.to_le_bytes());
            out.extend_from_slice(&typ.to_le_bytes());
            out.extend_from_slice(&count.to_le_bytes());
            out.extend_from_slice(&value.to_le_bytes());
        }
        out.extend_from_slice(&next.to_le_bytes());
    }
    out.resize(out.len() + 64, 0);
    out
}

#[test]
fn loops_and_deep_nesting() {
    // IFD0 -> IFD0 (next pointer loop), EXIF IFD pointing back at IFD0, GPS IFD pointing at itself.
    let looped = tiff(&[
        (8, vec![(0x8769, 4, 1, 8), (0x8825, 4, 1, 40)], 8),
        (40, vec![(0x8825, 4, 1, 40), (0x0002, 5, 3, 0)], 40),
    ]);
    assert!(survive(&looped, "IFD loops").is_ok());

    // A SubIFD chain 200 deep: read to a bound, then reported as too deep, not followed forever.
    let mut chain = Vec::new();
    for i in 0..200u32 {
        let at = 8 + i * 20;
        chain.push((at, vec![(0x014A, 4, 1, at + 20)], 0));
    }
    let deep = tiff(&chain);
    assert!(survive(&deep, "deep SubIFDs").is_ok());

    // 10 000 empty APP15 segments before the scan: more than any real JPEG.
    let mut j = vec![0xFF, 0xD8];
    for _ in 0..10_000 {
        j.extend_from_slice(&[0xFF, 0xEF, 0x00, 0x02]);
    }
    j.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x02, 0xFF, 0xD9]);
    expect_err(&j, "many JPEG segments", |e| matches!(e, MediaError::TooDeep { .. }));

    // XMP nested 100 000 elements deep inside a JPEG.
    let mut xmp = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
    xmp.extend(std::iter::repeat(b"<a:b>".as_slice()).take(12_000).flatten());
    let mut j = vec![0xFF, 0xD8, 0xFF, 0xE1];
    j.extend_from_slice(&((xmp.len() + 2) as u16).to_be_bytes());
    j.extend_from_slice(&xmp);
    j.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x02, 0xFF, 0xD9]);
    let r = media::inspect(&j).expect("deep XMP is readable");
    assert!(r.residual.iter().any(|s| s.contains("XMP")), "deep XMP must be flagged: {:?}", r.residual);
}

#[test]
fn not_an_image() {
    for junk in [&b""[..], b"hello world", b"\xFF\xD8", b"\x89PNG\r\n\x1a\n", b"RIFF\0\0\0\0WEBP", b"GIF89a", b"II*\0"]
    {
        match survive(junk, "junk") {
            Err(MediaError::UnknownFormat | MediaError::Truncated { .. } | MediaError::Malformed { .. }) => {}
            other => panic!("{junk:?}: {other:?}"),
        }
    }
}

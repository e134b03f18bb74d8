//! Photo and video metadata benchmarks: inspect and strip time, and bytes read, against file size,
//! and against ExifTool on the same files (`exiftool -fast` for inspect, `-location:all=` for
//! strip).
//!
//! Run: `cargo bench --bench media`. The files are the committed fixtures (JPEG, PNG, WebP, TIFF,
//! GIF, HEIC, AVIF, MP4, MOV, 3GP), three synthesized large files (a 24 MB JPEG and a 24 MB PNG:
//! real headers, filler image data; a sparse 2 GB MP4: a real `moov` with location after a 2 GB
//! `mdat` that is a hole, so it costs no disk) and, when the corpus is present (`../shared/corpus`
//! or `SAFEPOST_CORPUS`), its largest JPEG, PNG, TIFF, WebP, GIF, HEIC, AVIF, MP4 and MOV. Before
//! the criterion runs, a table compares bytes read and whole-process times with ExifTool (median
//! of 5 runs each; both sides pay process start-up). Whole-process strips of files above 1 GB are
//! skipped (both tools would copy the whole file); their in-process strip plan is still measured.
//! Figures are recorded in docs/benchmarks/media.md.
//!
//! Any error is fatal: an `Err` from `media::inspect` / `media::strip`, or a failing `safepost` or
//! `exiftool` process, panics with the file and the message. The one tolerated failure is ExifTool
//! refusing to write a format, shown as "cannot write" in the table.
//!
//! `cargo test --bench media` (criterion's test mode) runs everything once: one run per command
//! and one iteration per benchmark.

use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
use safepost::media::{self, CountingSource, StripMode};
use std::fs::File;
use std::hint::black_box;
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Files above this are not copied by whole-process strips (see the module comment).
const NO_COPY_ABOVE: u64 = 1 << 30;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/media").join(name)
}

fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join("safepost-bench-media");
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// A JPEG of about `size` bytes: the fixture's headers and metadata, then filler scan data.
fn big_jpeg(size: usize) -> PathBuf {
    let path = scratch().join(format!("big-{}mb.jpg", size >> 20));
    if !path.exists() {
        let base = std::fs::read(fixture("jpeg_all.jpg")).expect("fixture");
        let mut out = base[..base.len() - 2].to_vec();
        out.resize(size, 0x55);
        out.extend_from_slice(&[0xFF, 0xD9]);
        std::fs::write(&path, out).expect("write");
    }
    path
}

/// A PNG of about `size` bytes: the fixture's chunks with a large extra IDAT-like ancillary chunk
/// ("prVt", correct CRC) before IEND, so every decoder, and ExifTool, still accepts it.
fn big_png(size: usize) -> PathBuf {
    let path = scratch().join(format!("big-{}mb.png", size >> 20));
    let base = std::fs::read(fixture("png_meta.png")).expect("fixture");
    let iend = base.len() - 12;
    let mut chunk = Vec::with_capacity(size + 8);
    chunk.extend_from_slice(b"prVt");
    chunk.resize(4 + size, 0);
    let crc = crc32(&chunk);
    let total = iend + 4 + chunk.len() + 4 + 12;
    // Reuse the file only if it is complete and has the right CRC (older versions wrote 0).
    let fresh =
        std::fs::read(&path).ok().filter(|old| old.len() == total && old[total - 16..total - 12] == crc.to_be_bytes());
    if fresh.is_none() {
        let mut out = base[..iend].to_vec();
        out.extend_from_slice(&(size as u32).to_be_bytes());
        out.extend_from_slice(&chunk);
        out.extend_from_slice(&crc.to_be_bytes());
        out.extend_from_slice(&base[iend..]);
        std::fs::write(&path, out).expect("write");
    }
    path
}

/// CRC-32 (ISO-HDLC, as PNG uses it).
fn crc32(data: &[u8]) -> u32 {
    let mut table = [0u32; 256];
    for (n, t) in table.iter_mut().enumerate() {
        let mut c = n as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
        }
        *t = c;
    }
    !data.iter().fold(!0u32, |c, &b| table[((c ^ b as u32) & 0xFF) as usize] ^ (c >> 8))
}

/// An MP4 of exactly `size` bytes (below 4 GB) built from the `mp4-loci.mp4` fixture (ftyp, free,
/// mdat, moov with a 3GPP `loci` location): its `mdat` grows to fill the file, the new part a hole
/// made with `set_len`, so the file takes no more disk than the fixture. The media data keeps its
/// offset, so the `moov` sample offsets stay valid and ExifTool reads it as a normal video.
fn sparse_mp4(size: u64) -> PathBuf {
    let path = scratch().join(format!("sparse-{}gb.mp4", size >> 30));
    if std::fs::metadata(&path).is_ok_and(|m| m.len() == size) {
        return path;
    }
    let base = std::fs::read(fixture("isobmff/mp4-loci.mp4")).expect("fixture");
    let mut at = 0;
    let (mdat_at, mdat_len) = loop {
        assert!(at + 8 <= base.len(), "mp4-loci.mp4: no mdat");
        let len = u32::from_be_bytes(base[at..at + 4].try_into().unwrap()) as usize;
        assert!(len >= 8, "mp4-loci.mp4: box size {len} at {at} (a 32-bit size is expected)");
        if &base[at + 4..at + 8] == b"mdat" {
            break (at, len);
        }
        at += len;
    };
    let tail = &base[mdat_at + mdat_len..];
    assert!(tail.len() >= 8 && &tail[4..8] == b"moov", "mp4-loci.mp4: moov must follow mdat");
    let new_mdat_len = size - mdat_at as u64 - tail.len() as u64;
    let mut head = base[..mdat_at + mdat_len].to_vec();
    let size_field = u32::try_from(new_mdat_len).expect("mdat below 4 GB");
    head[mdat_at..mdat_at + 4].copy_from_slice(&size_field.to_be_bytes());
    let tmp = path.with_extension("mp4.tmp");
    let mut f = File::create(&tmp).expect("create");
    f.write_all(&head).expect("write");
    f.set_len(mdat_at as u64 + new_mdat_len).expect("set_len");
    f.seek(SeekFrom::End(0)).expect("seek");
    f.write_all(tail).expect("write");
    drop(f);
    std::fs::rename(&tmp, &path).expect("rename");
    assert_eq!(std::fs::metadata(&path).expect("metadata").len(), size);
    path
}

fn corpus_largest() -> Vec<PathBuf> {
    let dir = std::env::var_os("SAFEPOST_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    let Ok(text) = std::fs::read_to_string(dir.join("truth.json")) else { return Vec::new() };
    let Ok(serde_json::Value::Array(entries)) = serde_json::from_str(&text) else { return Vec::new() };
    let mut out = Vec::new();
    for format in ["jpeg", "png", "tiff", "webp", "gif", "heic", "avif", "mp4", "mov"] {
        let best = entries
            .iter()
            .filter(|e| e["format"] == format && e["exiftool_error"].is_null())
            .max_by_key(|e| e["size"].as_u64().unwrap_or(0));
        if let Some(p) = best.and_then(|e| e["path"].as_str()) {
            out.push(dir.join(p));
        }
    }
    out
}

fn files() -> Vec<PathBuf> {
    let mut f: Vec<PathBuf> = [
        "jpeg_all.jpg",
        "png_meta.png",
        "webp_meta.webp",
        "tiff_meta.tif",
        "gif_xmp.gif",
        "isobmff/heic-gps.heic",
        "isobmff/avif-gps.avif",
        "isobmff/mp4-loci.mp4",
        "isobmff/mp4-xmp.mp4",
        "isobmff/mov-keys.mov",
        "isobmff/mov-xmp.mov",
        "isobmff/3gp-loci.3gp",
    ]
    .into_iter()
    .map(fixture)
    .collect();
    f.extend(corpus_largest());
    f.push(big_jpeg(24 << 20));
    f.push(big_png(24 << 20));
    f.push(sparse_mp4(2 << 30));
    f
}

fn label(p: &Path) -> String {
    p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

fn open(path: &Path) -> (File, u64) {
    let file = File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let size = file.metadata().unwrap_or_else(|e| panic!("{}: {e}", path.display())).len();
    (file, size)
}

fn human_size(bytes: u64) -> String {
    let b = bytes as f64;
    if bytes < 1 << 20 {
        format!("{:.1} KB", b / 1024.0)
    } else if bytes < 1 << 30 {
        format!("{:.1} MB", b / (1024.0 * 1024.0))
    } else {
        format!("{:.2} GB", b / (1024.0 * 1024.0 * 1024.0))
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

/// Median wall time of `runs` calls.
fn median_time(runs: usize, mut run: impl FnMut()) -> Duration {
    let mut t: Vec<Duration> = (0..runs)
        .map(|_| {
            let s = Instant::now();
            run();
            s.elapsed()
        })
        .collect();
    t.sort_unstable();
    t[t.len() / 2]
}

/// Runs `cmd`; panics with its stderr if it cannot start or exits non-zero.
fn run(cmd: &mut Command) {
    if let Err(stderr) = try_run(cmd) {
        panic!("{cmd:?} failed: {stderr}");
    }
}

fn try_run(cmd: &mut Command) -> Result<(), String> {
    let out = cmd.stdout(std::process::Stdio::null()).output().unwrap_or_else(|e| panic!("{cmd:?}: cannot start: {e}"));
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("{}: {}", out.status, String::from_utf8_lossy(&out.stderr).trim()))
    }
}

/// ExifTool's answer when it can read a format but not write it.
fn exiftool_cannot_write(stderr: &str) -> bool {
    let s = stderr.to_ascii_lowercase();
    s.contains("can't write") || s.contains("can't currently write") || s.contains("not supported")
}

/// criterion's rule: `cargo bench` passes `--bench`; `cargo test --benches` does not.
fn test_mode() -> bool {
    let args: Vec<String> = std::env::args().collect();
    !args.iter().any(|a| a == "--bench") || args.iter().any(|a| a == "--test")
}

/// Bytes read and whole-process times next to ExifTool, as a Markdown table on stdout.
fn comparison_table(runs: usize) {
    let have_exiftool = Command::new("exiftool").arg("-ver").output().is_ok_and(|o| o.status.success());
    let bin = env!("CARGO_BIN_EXE_safepost");
    println!("\n| file | size | inspect reads | strip reads | safepost inspect | exiftool -fast | safepost strip | exiftool -location:all= |");
    println!("|---|---|---|---|---|---|---|---|");
    for path in files() {
        let (file, size) = open(&path);
        let counting = CountingSource::new(&file);
        if let Err(e) = media::inspect(&counting) {
            panic!("media::inspect({}): {e}", path.display());
        }
        let inspect_read = counting.bytes_read();
        let counting = CountingSource::new(&file);
        if let Err(e) = media::strip(&counting, StripMode::Location) {
            panic!("media::strip({}): {e}", path.display());
        }
        let strip_read = counting.bytes_read();
        let out = scratch().join(format!("out-{}", label(&path)));
        let skipped = format!("skipped (would copy {})", human_size(size));
        let ours_inspect = median_time(runs, || run(Command::new(bin).args(["inspect", "--json"]).arg(&path)));
        let ours_strip = if size > NO_COPY_ABOVE {
            skipped.clone()
        } else {
            ms(median_time(runs, || {
                let _ = std::fs::remove_file(&out);
                run(Command::new(bin).args(["strip", "--mode", "location"]).arg(&path).arg("-o").arg(&out));
            }))
        };
        let (et_inspect, et_strip) = if !have_exiftool {
            ("n/a".into(), "n/a".into())
        } else {
            let inspect = ms(median_time(runs, || run(Command::new("exiftool").args(["-fast", "-j"]).arg(&path))));
            let strip = if size > NO_COPY_ABOVE {
                skipped
            } else {
                let mut cannot_write = false;
                let t = median_time(runs, || {
                    let _ = std::fs::remove_file(&out);
                    let mut cmd = Command::new("exiftool");
                    cmd.args(["-location:all=", "-o"]).arg(&out).arg(&path);
                    match try_run(&mut cmd) {
                        Ok(()) => {}
                        Err(e) if exiftool_cannot_write(&e) => cannot_write = true,
                        Err(e) => panic!("{cmd:?} failed: {e}"),
                    }
                });
                if cannot_write {
                    "cannot write".into()
                } else {
                    ms(t)
                }
            };
            (inspect, strip)
        };
        let _ = std::fs::remove_file(&out);
        println!(
            "| {} | {} | {:.1} KB | {:.1} KB | {} | {et_inspect} | {ours_strip} | {et_strip} |",
            label(&path),
            human_size(size),
            inspect_read as f64 / 1024.0,
            strip_read as f64 / 1024.0,
            ms(ours_inspect),
        );
    }
    println!();
}

fn inspect_and_strip(c: &mut Criterion) {
    let files: Vec<(PathBuf, File, u64)> = files()
        .into_iter()
        .map(|p| {
            let (f, size) = open(&p);
            (p, f, size)
        })
        .collect();
    let mut inspect = c.benchmark_group("inspect");
    for (path, file, size) in &files {
        inspect.throughput(Throughput::Bytes(*size));
        inspect.bench_with_input(BenchmarkId::new(label(path), size), file, |b, f| {
            b.iter(|| black_box(media::inspect(f).unwrap_or_else(|e| panic!("{}: {e}", path.display()))))
        });
    }
    inspect.finish();
    let mut strip = c.benchmark_group("strip");
    for (path, file, size) in &files {
        strip.throughput(Throughput::Bytes(*size));
        strip.bench_with_input(BenchmarkId::new(label(path), size), file, |b, f| {
            b.iter(|| {
                black_box(media::strip(f, StripMode::Location).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
            })
        });
    }
    strip.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(Duration::from_secs(2)).warm_up_time(Duration::from_millis(500));
    targets = inspect_and_strip
}

fn main() {
    comparison_table(if test_mode() { 1 } else { 5 });
    benches();
    Criterion::default().configure_from_args().final_summary();
}

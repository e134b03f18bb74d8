//! Photo metadata benchmarks: inspect and strip time, and bytes read, against file size, and
//! against ExifTool on the same files (`exiftool -fast` for inspect, `-location:all=` for strip).
//!
//! Run: `cargo bench --bench media`. The files are the committed fixtures, two synthesized large
//! files (a 24 MB JPEG and a 24 MB PNG: real headers, filler image data) and, when the corpus is
//! present (`../shared/corpus` or `SAFEPOST_CORPUS`), its largest JPEG, PNG, TIFF and WebP. Before
//! the criterion runs, a table compares bytes read and whole-process times with ExifTool (median
//! of 5 runs each; both sides pay process start-up). Figures are recorded in
//! docs/benchmarks/media.md.

use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
use safepost::media::{self, CountingSource, StripMode};
use std::fs::File;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

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
/// ("prVt") before IEND, so every decoder still accepts it.
fn big_png(size: usize) -> PathBuf {
    let path = scratch().join(format!("big-{}mb.png", size >> 20));
    if !path.exists() {
        let base = std::fs::read(fixture("png_meta.png")).expect("fixture");
        let iend = base.len() - 12;
        let mut out = base[..iend].to_vec();
        let len = size as u32;
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(b"prVt");
        out.resize(out.len() + size, 0);
        out.extend_from_slice(&[0, 0, 0, 0]);
        out.extend_from_slice(&base[iend..]);
        std::fs::write(&path, out).expect("write");
    }
    path
}

fn corpus_largest() -> Vec<PathBuf> {
    let dir = std::env::var_os("SAFEPOST_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    let Ok(text) = std::fs::read_to_string(dir.join("truth.json")) else { return Vec::new() };
    let Ok(serde_json::Value::Array(entries)) = serde_json::from_str(&text) else { return Vec::new() };
    let mut out = Vec::new();
    for format in ["jpeg", "png", "tiff", "webp"] {
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
    let mut f =
        vec![fixture("jpeg_all.jpg"), fixture("png_meta.png"), fixture("webp_meta.webp"), fixture("tiff_meta.tif")];
    f.extend(corpus_largest());
    f.push(big_jpeg(24 << 20));
    f.push(big_png(24 << 20));
    f
}

fn label(p: &Path) -> String {
    p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

fn median_time(mut run: impl FnMut()) -> Duration {
    let mut t: Vec<Duration> = (0..5)
        .map(|_| {
            let s = Instant::now();
            run();
            s.elapsed()
        })
        .collect();
    t.sort_unstable();
    t[2]
}

fn quiet(cmd: &mut Command) {
    let _ = cmd.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null()).status();
}

/// Bytes read and whole-process times next to ExifTool, as a Markdown table on stdout.
fn comparison_table() {
    let have_exiftool = Command::new("exiftool").arg("-ver").output().is_ok();
    let bin = env!("CARGO_BIN_EXE_safepost");
    println!("\n| file | size | inspect reads | strip reads | safepost inspect | exiftool -fast | safepost strip | exiftool -location:all= |");
    println!("|---|---|---|---|---|---|---|---|");
    for path in files() {
        let Ok(file) = File::open(&path) else { continue };
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        let counting = CountingSource::new(&file);
        let inspect_read = media::inspect(&counting).map(|_| counting.bytes_read()).unwrap_or(0);
        let counting = CountingSource::new(&file);
        let strip_read = media::strip(&counting, StripMode::Location).map(|_| counting.bytes_read()).unwrap_or(0);
        let out = scratch().join(format!("out-{}", label(&path)));
        let ours_inspect = median_time(|| quiet(Command::new(bin).args(["inspect", "--json"]).arg(&path)));
        let ours_strip = median_time(|| {
            let _ = std::fs::remove_file(&out);
            quiet(Command::new(bin).args(["strip", "--mode", "location"]).arg(&path).arg("-o").arg(&out));
        });
        let (et_inspect, et_strip) = if have_exiftool {
            (
                format!(
                    "{:.1} ms",
                    median_time(|| quiet(Command::new("exiftool").args(["-fast", "-j"]).arg(&path))).as_secs_f64()
                        * 1e3
                ),
                format!(
                    "{:.1} ms",
                    median_time(|| {
                        let _ = std::fs::remove_file(&out);
                        quiet(Command::new("exiftool").args(["-location:all=", "-o"]).arg(&out).arg(&path));
                    })
                    .as_secs_f64()
                        * 1e3
                ),
            )
        } else {
            ("n/a".into(), "n/a".into())
        };
        let _ = std::fs::remove_file(&out);
        println!(
            "| {} | {:.1} KB | {:.1} KB | {:.1} KB | {:.1} ms | {et_inspect} | {:.1} ms | {et_strip} |",
            label(&path),
            size as f64 / 1024.0,
            inspect_read as f64 / 1024.0,
            strip_read as f64 / 1024.0,
            ours_inspect.as_secs_f64() * 1e3,
            ours_strip.as_secs_f64() * 1e3,
        );
    }
    println!();
}

fn inspect_and_strip(c: &mut Criterion) {
    let mut inspect = c.benchmark_group("inspect");
    for path in files() {
        let Ok(file) = File::open(&path) else { continue };
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        inspect.throughput(Throughput::Bytes(size));
        inspect.bench_with_input(BenchmarkId::new(label(&path), size), &file, |b, f| {
            b.iter(|| black_box(media::inspect(f)))
        });
    }
    inspect.finish();
    let mut strip = c.benchmark_group("strip");
    for path in files() {
        let Ok(file) = File::open(&path) else { continue };
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        strip.throughput(Throughput::Bytes(size));
        strip.bench_with_input(BenchmarkId::new(label(&path), size), &file, |b, f| {
            b.iter(|| black_box(media::strip(f, StripMode::Location)))
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
    comparison_table();
    benches();
    Criterion::default().configure_from_args().final_summary();
}

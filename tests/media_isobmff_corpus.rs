//! The real-file corpus (`../shared/corpus`, see its README): every HEIC/HEIF/AVIF/MP4/MOV/3GP/M4V
//! file is inspected and compared with what ExifTool saw (`truth.json`), and every one with
//! location is stripped and checked again with ExifTool, with its coded streams compared before
//! and after (ffmpeg stream hashes for videos, decoded pixels for HEIF/AVIF).
//!
//! Run: `cargo test --test media_isobmff_corpus -- --nocapture` (prints a per-format table).
//! Fails when the corpus or a checking tool (ExifTool, ffmpeg, heif-convert) is missing.

mod media_isobmff_support;

use media_isobmff_support::{
    exiftool_json, location_tags, lossless_fingerprint, require_tools, serial_tags, write_plan,
};
use safepost::media::{isobmff, ByteSource, Format, MediaReport, StripMode};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};

/// Files where SafePost deliberately finds more than `exiftool -a` did, and why. The test
/// requires SafePost to keep finding location in them.
const BEYOND_EXIFTOOL: &[(&str, &str)] = &[(
    "immich-test-assets/formats/motionphoto/samsung-one-ui-6.heic",
    "the Samsung motion photo's embedded video (mpvd box) holds a ©xyz atom, which ExifTool does not parse",
)];

const FORMATS: &[&str] = &["heic", "heif", "avif", "mp4", "mov", "3gp", "m4v"];

mod corpus_support;

/// The corpus directory and its ISO base media entries (every one must be on disk: a file the
/// truth names but the test cannot read is a failure, not a smaller corpus).
fn corpus() -> (PathBuf, Vec<Value>) {
    let dir = corpus_support::corpus_dir();
    let files: Vec<Value> = corpus_support::truth()
        .into_iter()
        .filter(|e| e["format"].as_str().is_some_and(|f| FORMATS.contains(&f)))
        .collect();
    let missing: Vec<&str> = files
        .iter()
        .filter_map(|e| e["path"].as_str())
        .filter(|p| !dir.join(p).exists())
        .collect();
    assert!(missing.is_empty(), "corpus files named in truth.json are missing: {missing:?}");
    (dir, files)
}

fn sniff(file: &File) -> Option<Format> {
    let mut head = [0u8; 32];
    let n = file.read_at(0, &mut head).ok()?;
    Format::sniff(&head[..n])
}

fn inspect(path: &Path) -> Result<MediaReport, String> {
    let file = File::open(path).map_err(|e| e.to_string())?;
    let format = sniff(&file).ok_or("not recognised")?;
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        isobmff::inspect(&file, format)
    }));
    match result {
        Ok(r) => r.map_err(|e| e.to_string()),
        Err(_) => Err("PANIC".to_string()),
    }
}

fn is_timed(sources: &[Value]) -> bool {
    sources
        .iter()
        .any(|s| s.as_str().is_some_and(|s| s.contains("timed")))
}

#[derive(Default)]
struct Row {
    files: usize,
    errors: usize,
    location_agree: usize,
    with_coords: usize,
    coords_agree: usize,
    make_agree: usize,
    serial_agree: usize,
    timed: usize,
    timed_reported: usize,
    max_read: u64,
    max_size: u64,
}

#[test]
fn corpus_inspect_agrees_with_exiftool() {
    let (dir, files) = corpus();
    assert!(
        !files.is_empty(),
        "truth.json lists no ISO base media files"
    );
    let mut rows: BTreeMap<String, Row> = BTreeMap::new();
    let mut panics = Vec::new();
    let mut disagreements = Vec::new();
    for e in &files {
        let (Some(rel), Some(fmt)) = (e["path"].as_str(), e["format"].as_str()) else {
            continue;
        };
        let row = rows.entry(fmt.to_string()).or_default();
        row.files += 1;
        let report = match inspect(&dir.join(rel)) {
            Ok(r) => r,
            Err(msg) => {
                if msg == "PANIC" {
                    panics.push(rel.to_string());
                }
                row.errors += 1;
                disagreements.push(format!("{rel}: error {msg}"));
                continue;
            }
        };
        let beyond = BEYOND_EXIFTOOL.iter().find(|(p, _)| *p == rel);
        row.max_read = row.max_read.max(report.bytes_read);
        row.max_size = row.max_size.max(e["size"].as_u64().unwrap_or(0));
        let truth_loc = beyond.is_some() || e["has_location"].as_bool().unwrap_or(false);
        if let Some((_, why)) = beyond {
            println!("  {rel}: beyond ExifTool: {why}");
        }
        if report.location.is_some() == truth_loc {
            row.location_agree += 1;
        } else {
            disagreements.push(format!(
                "{rel}: location {:?}, ExifTool says {truth_loc}",
                report.location
            ));
        }
        let sources = e["location_sources"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let timed_only = sources.len() == 1 && is_timed(&sources);
        if let (Some(lat), Some(lon), false) = (e["lat"].as_f64(), e["lon"].as_f64(), timed_only) {
            row.with_coords += 1;
            let ours = report
                .location
                .as_ref()
                .and_then(|l| Some((l.lat?, l.lon?)));
            match ours {
                Some((a, b)) if (a - lat).abs() < 1e-4 && (b - lon).abs() < 1e-4 => {
                    row.coords_agree += 1
                }
                other => disagreements.push(format!(
                    "{rel}: coordinates {other:?}, ExifTool says ({lat}, {lon})"
                )),
            }
        }
        if is_timed(&sources) {
            row.timed += 1;
            if report
                .residual
                .iter()
                .any(|r| r.contains("timed GPS track"))
            {
                row.timed_reported += 1;
            } else {
                disagreements.push(format!(
                    "{rel}: timed GPS track not reported in residual {:?}",
                    report.residual
                ));
            }
        }
        let norm = |s: Option<&str>| s.map(|s| s.trim().to_string());
        if norm(report.identity.make.as_deref()) == norm(e["make"].as_str())
            && norm(report.identity.model.as_deref()) == norm(e["model"].as_str())
        {
            row.make_agree += 1;
        } else {
            disagreements.push(format!(
                "{rel}: make/model {:?}/{:?}, ExifTool says {}/{}",
                report.identity.make, report.identity.model, e["make"], e["model"]
            ));
        }
        if report.identity.serial_numbers.is_empty() != e["has_serial"].as_bool().unwrap_or(false) {
            row.serial_agree += 1;
        } else {
            disagreements.push(format!(
                "{rel}: serials {:?}, ExifTool has_serial {}",
                report.identity.serial_numbers, e["has_serial"]
            ));
        }
    }
    println!("\n| format | files | errors | location agrees | coords agree | make/model agree | serial agrees | timed GPS reported | max bytes read (largest file) |");
    println!("|---|---|---|---|---|---|---|---|---|");
    let mut total = Row::default();
    for (fmt, r) in &rows {
        println!(
            "| {fmt} | {} | {} | {} | {}/{} | {} | {} | {}/{} | {} ({}) |",
            r.files,
            r.errors,
            r.location_agree,
            r.coords_agree,
            r.with_coords,
            r.make_agree,
            r.serial_agree,
            r.timed_reported,
            r.timed,
            r.max_read,
            r.max_size
        );
        total.max_read = total.max_read.max(r.max_read);
        total.max_size = total.max_size.max(r.max_size);
        total.files += r.files;
        total.errors += r.errors;
        total.location_agree += r.location_agree;
        total.with_coords += r.with_coords;
        total.coords_agree += r.coords_agree;
        total.make_agree += r.make_agree;
        total.serial_agree += r.serial_agree;
        total.timed += r.timed;
        total.timed_reported += r.timed_reported;
    }
    println!(
        "| **total** | {} | {} | {} | {}/{} | {} | {} | {}/{} | {} ({}) |",
        total.files,
        total.errors,
        total.location_agree,
        total.coords_agree,
        total.with_coords,
        total.make_agree,
        total.serial_agree,
        total.timed_reported,
        total.timed,
        total.max_read,
        total.max_size
    );
    for d in &disagreements {
        println!("  {d}");
    }
    assert!(panics.is_empty(), "panicked on {panics:?}");
    assert_eq!(total.errors, 0, "every corpus file must be readable");
    assert_eq!(
        total.location_agree, total.files,
        "location presence must match ExifTool on every file"
    );
    assert_eq!(
        total.coords_agree, total.with_coords,
        "coordinates must match ExifTool"
    );
    assert_eq!(
        total.timed_reported, total.timed,
        "every timed GPS track must be reported"
    );
    assert!(
        total.make_agree * 100 >= total.files * 95,
        "make/model agreement below 95%"
    );
}

#[test]
fn corpus_strip_removes_location_losslessly() {
    let (dir, files) = corpus();
    require_tools(&["exiftool", "ffmpeg", "heif-convert"]);
    let out_dir =
        std::env::temp_dir().join(format!("safepost-isobmff-corpus-{}", std::process::id()));
    std::fs::create_dir_all(&out_dir).expect("temp dir");
    // Two workers: decoding HEIF and running ExifTool dominate, and files are independent.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<Vec<String>> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(e) = files.get(i) else { break };
                        if let Some(f) = strip_and_verify(&dir, &out_dir, i, e) {
                            done.push(f);
                        }
                    }
                    done
                })
            })
            .collect();
        // Every worker is running before any is joined.
        workers
            .into_iter()
            .flat_map(|h| h.join().expect("worker"))
            .collect()
    });
    let checked = results.len();
    let failures: Vec<String> = results.into_iter().flatten().collect();
    let _ = std::fs::remove_dir_all(&out_dir);
    println!("stripped and verified {checked} corpus files (location and/or identifying mode)");
    assert!(
        checked > 10,
        "expected the corpus to hold more than 10 ISO files with location"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Strips one corpus file in each mode that applies and checks the result; `None` when the file
/// has nothing to strip, else the failures found.
fn strip_and_verify(dir: &Path, out_dir: &Path, i: usize, e: &Value) -> Option<Vec<String>> {
    let mut failures = Vec::new();
    let has_location = e["has_location"].as_bool().unwrap_or(false);
    let has_serial = e["has_serial"].as_bool().unwrap_or(false)
        || e["has_owner_name"].as_bool().unwrap_or(false);
    if !has_location && !has_serial {
        return None;
    }
    let rel = e["path"].as_str()?;
    let path = dir.join(rel);
    let file = File::open(&path).expect("open");
    let Some(format) = sniff(&file) else {
        return Some(vec![format!("{rel}: not recognised")]);
    };
    let before = lossless_fingerprint(&path, format);
    let modes: &[StripMode] = if has_location {
        &[StripMode::Location, StripMode::Identifying]
    } else {
        &[StripMode::Identifying]
    };
    for &mode in modes {
        let plan = match isobmff::strip(&file, format, mode) {
            Ok(p) => p,
            Err(err) => {
                failures.push(format!("{rel}: strip {mode:?} failed: {err}"));
                continue;
            }
        };
        let ext = path.extension().and_then(|x| x.to_str()).unwrap_or("bin");
        let out = out_dir.join(format!("{i}-{mode:?}.{ext}"));
        write_plan(&plan, &file, &out);
        assert_eq!(
            std::fs::metadata(&out).map(|m| m.len()).ok(),
            Some(file.len()),
            "{rel}: length changed"
        );
        let json = exiftool_json(&out);
        let left = location_tags(&json);
        if !left.is_empty() {
            failures.push(format!(
                "{rel} ({mode:?}): ExifTool still finds {left:?}; removed {:?}",
                plan.removed
            ));
        }
        if e["location_sources"]
            .as_array()
            .is_some_and(|s| is_timed(s))
            && !plan.residual.iter().any(|r| r.contains("timed GPS track"))
        {
            failures.push(format!("{rel}: timed GPS track not in the plan's residual"));
        }
        if mode == StripMode::Identifying {
            // Serial numbers inside a timed track (ExifTool groups Track*/Doc* with -ee)
            // stay with the track, and the plan must say so.
            let in_track_said = plan.residual.iter().any(|r| r.contains("serial numbers"));
            let serials: Vec<String> = serial_tags(&json)
                .into_iter()
                .filter(|t| !(in_track_said && (t.starts_with("Track") || t.starts_with("Doc"))))
                .collect();
            if !serials.is_empty() {
                failures.push(format!("{rel}: identifying strip left {serials:?}"));
            }
        }
        let after = lossless_fingerprint(&out, format);
        if before.is_empty() || before != after {
            failures.push(format!(
                "{rel} ({mode:?}): coded data changed or undecodable:\n{before}\n---\n{after}"
            ));
        }
        // Inspecting the result finds no location except timed tracks.
        let again =
            isobmff::inspect(&File::open(&out).expect("open output"), format).expect("re-inspect");
        if let Some(loc) = &again.location {
            if loc.sources.iter().any(|s| !s.contains("timed")) {
                failures.push(format!(
                    "{rel} ({mode:?}): SafePost still finds {:?}",
                    loc.sources
                ));
            }
        }
        if mode == StripMode::Identifying
            && (!again.identity.serial_numbers.is_empty() || !again.identity.owner_names.is_empty())
        {
            failures.push(format!(
                "{rel}: identifying strip left {:?} {:?}",
                again.identity.serial_numbers, again.identity.owner_names
            ));
        }
        let _ = std::fs::remove_file(&out);
    }
    Some(failures)
}

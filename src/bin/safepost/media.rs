//! `safepost inspect` and `safepost strip`: the photo and video commands.
//!
//! Output is a contract IT and CI script against: `inspect --json` prints one JSON object per
//! line per file with exactly the keys `path`, `format`, `location`, `identity`, `residual`,
//! `findings` (the text policy's findings in the file's title, caption and keywords, each with
//! its `field`), `error`. `--policy FILE` checks those words with a policy document instead of
//! the shipped default. `strip` never leaves a partial output file: it writes to a temporary file next to
//! the output and renames it only when everything was written.

use safepost::media::{self, Format, MediaError, MediaReport, StripMode};
use safepost::policy::Policy;
use safepost::text::media_words::{self, WordsFinding};
use safepost::text::TextScanner;
use serde::Serialize;
use std::ffi::OsString;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const INSPECT_USAGE: &str = "usage: safepost inspect [--policy FILE] [--json] FILE...";
const STRIP_USAGE: &str = "usage: safepost strip --mode location|identifying FILE -o OUT";

/// One line of `inspect --json`.
#[derive(Serialize)]
struct InspectLine<'a> {
    path: &'a str,
    format: Option<Format>,
    location: Option<&'a media::Location>,
    identity: &'a media::Identity,
    residual: &'a [String],
    findings: &'a [WordsFinding],
    error: Option<String>,
}

fn inspect_file(path: &Path) -> (Option<Format>, Result<MediaReport, MediaError>) {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) => return (None, Err(MediaError::Io(e.to_string()))),
    };
    let format = media::sniff(&file).ok();
    (format, media::inspect(&file))
}

pub fn inspect_cmd(args: Vec<OsString>) -> ExitCode {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_args(args);
    let mut json = false;
    let mut policy_file: Option<PathBuf> = None;
    let mut files: Vec<PathBuf> = Vec::new();
    loop {
        match parser.next() {
            Ok(Some(Long("json"))) => json = true,
            Ok(Some(Long("policy"))) => match parser.value() {
                Ok(v) => policy_file = Some(PathBuf::from(v)),
                Err(e) => {
                    eprintln!("safepost inspect: {e}\n{INSPECT_USAGE}");
                    return ExitCode::from(2);
                }
            },
            Ok(Some(Long("help") | Short('h'))) => {
                println!("{INSPECT_USAGE}");
                return ExitCode::SUCCESS;
            }
            Ok(Some(Value(v))) => files.push(PathBuf::from(v)),
            Ok(Some(other)) => {
                eprintln!("safepost inspect: {}\n{INSPECT_USAGE}", other.unexpected());
                return ExitCode::from(2);
            }
            Ok(None) => break,
            Err(e) => {
                eprintln!("safepost inspect: {e}\n{INSPECT_USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    if files.is_empty() {
        eprintln!("safepost inspect: no file given\n{INSPECT_USAGE}");
        return ExitCode::from(2);
    }
    let policy = match &policy_file {
        None => Policy::default_policy(),
        Some(path) => match std::fs::read_to_string(path) {
            Ok(doc) => {
                let (p, errors) = Policy::from_json(&doc);
                for e in &errors {
                    eprintln!("policy error: {e}");
                }
                p
            }
            Err(e) => {
                eprintln!("safepost inspect: cannot read policy {}: {e}", path.display());
                return ExitCode::from(2);
            }
        },
    };
    let scanner = TextScanner::new(&policy, None);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut failed = false;
    let no_identity = media::Identity::default();
    for path in &files {
        let shown = path.to_string_lossy();
        let (format, result) = inspect_file(path);
        failed |= result.is_err();
        let findings = match &result {
            Ok(r) => media_words::check(&scanner, &r.words),
            Err(_) => Vec::new(),
        };
        let written = if json {
            let line = match &result {
                Ok(r) => InspectLine {
                    path: &shown,
                    format: Some(r.format),
                    location: r.location.as_ref(),
                    identity: &r.identity,
                    residual: &r.residual,
                    findings: &findings,
                    error: None,
                },
                Err(e) => InspectLine {
                    path: &shown,
                    format,
                    location: None,
                    identity: &no_identity,
                    residual: &[],
                    findings: &[],
                    error: Some(e.to_string()),
                },
            };
            match serde_json::to_string(&line) {
                Ok(s) => writeln!(out, "{s}"),
                Err(e) => writeln!(out, "{{\"path\":{:?},\"error\":{:?}}}", shown, e.to_string()),
            }
        } else {
            writeln!(out, "{}", human(&shown, &result, &findings))
        };
        if written.is_err() {
            // stdout closed (e.g. piped into `head`): stop quietly.
            return ExitCode::from(if failed { 1 } else { 0 });
        }
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn human(path: &str, result: &Result<MediaReport, MediaError>, findings: &[WordsFinding]) -> String {
    let r = match result {
        Err(e) => return format!("{path}: error: {e}"),
        Ok(r) => r,
    };
    let mut s = format!("{path}: {}\n", r.format);
    match &r.location {
        None => s.push_str("  location: none found\n"),
        Some(loc) => {
            s.push_str("  location: ");
            match (loc.lat, loc.lon) {
                (Some(lat), Some(lon)) => {
                    s.push_str(&format!("{lat:.6}, {lon:.6}"));
                    if let Some(a) = loc.altitude {
                        s.push_str(&format!(" ({a:.0} m)"));
                    }
                    if let Some(p) = &loc.place {
                        s.push_str(&format!("; {p}"));
                    }
                }
                _ => s.push_str(loc.place.as_deref().unwrap_or("present")),
            }
            s.push_str(&format!("\n    found in: {}\n", loc.sources.join(", ")));
        }
    }
    let id = &r.identity;
    let camera = [id.make.as_deref(), id.model.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" ");
    if !camera.is_empty() {
        s.push_str(&format!("  camera: {camera}\n"));
    }
    if let Some(t) = &id.captured_at {
        s.push_str(&format!("  taken: {t}\n"));
    }
    for v in &id.serial_numbers {
        s.push_str(&format!("  serial number: {v}\n"));
    }
    for v in &id.owner_names {
        s.push_str(&format!("  owner/artist: {v}\n"));
    }
    for v in &r.residual {
        s.push_str(&format!("  cannot be removed: {v}\n"));
    }
    for f in findings {
        s.push_str(&format!("  in {}: {} ({}): {}\n", f.field, f.rule, f.severity.as_str(), f.preview));
    }
    s.trim_end().to_string()
}

pub fn strip_cmd(args: Vec<OsString>) -> ExitCode {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_args(args);
    let mut mode: Option<StripMode> = None;
    let mut input: Option<PathBuf> = None;
    let mut output: Option<PathBuf> = None;
    let bad = |msg: String| {
        eprintln!("safepost strip: {msg}\n{STRIP_USAGE}");
        ExitCode::from(2)
    };
    loop {
        match parser.next() {
            Ok(Some(Long("mode"))) => match parser.value().map(|v| v.to_string_lossy().parse::<StripMode>()) {
                Ok(Ok(m)) => mode = Some(m),
                Ok(Err(e)) => return bad(e),
                Err(e) => return bad(e.to_string()),
            },
            Ok(Some(Short('o') | Long("output"))) => match parser.value() {
                Ok(v) => output = Some(PathBuf::from(v)),
                Err(e) => return bad(e.to_string()),
            },
            Ok(Some(Long("help") | Short('h'))) => {
                println!("{STRIP_USAGE}");
                return ExitCode::SUCCESS;
            }
            Ok(Some(Value(v))) if input.is_none() => input = Some(PathBuf::from(v)),
            Ok(Some(other)) => return bad(other.unexpected().to_string()),
            Ok(None) => break,
            Err(e) => return bad(e.to_string()),
        }
    }
    let (Some(mode), Some(input), Some(output)) = (mode, input, output) else {
        return bad("--mode, FILE and -o OUT are all required".into());
    };
    match strip_file(&input, &output, mode) {
        Ok(plan) => {
            for r in &plan.removed {
                eprintln!("removed: {r}");
            }
            for r in &plan.residual {
                eprintln!("warning: still in the file: {r}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("safepost strip: {}: {e}", input.display());
            ExitCode::from(1)
        }
    }
}

fn strip_file(input: &Path, output: &Path, mode: StripMode) -> Result<media::EditPlan, MediaError> {
    let src = File::open(input).map_err(|e| MediaError::Io(format!("{}: {e}", input.display())))?;
    let plan = media::strip(&src, mode)?;
    // Write next to the output, then rename: OUT is either complete or untouched.
    let dir = output.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
    let tmp = dir.join(format!(".{name}.safepost-{}.tmp", std::process::id()));
    let result = (|| {
        let file = File::create(&tmp).map_err(|e| MediaError::Io(format!("{}: {e}", tmp.display())))?;
        let mut w = BufWriter::new(file);
        plan.write_to(&src, &mut w)?;
        let file = w.into_inner().map_err(|e| MediaError::Io(e.to_string()))?;
        file.sync_all().map_err(|e| MediaError::Io(e.to_string()))?;
        std::fs::rename(&tmp, output).map_err(|e| MediaError::Io(format!("{}: {e}", output.display())))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map(|_| plan)
}

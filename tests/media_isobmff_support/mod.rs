//! Helpers shared by the ISO base media tests: applying plans, asking ExifTool what a file still
//! says, and fingerprinting coded data (ffmpeg stream hashes, decoded HEIF pixels).
#![allow(dead_code)]

use safepost::media::{ByteSource, EditPlan, Format};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

pub fn tool_available(name: &str) -> bool {
    Command::new(name).arg("-version").output().is_ok()
        || Command::new(name).arg("--version").output().is_ok()
}

/// Writes `plan` applied to `src` to `out`.
pub fn write_plan(plan: &EditPlan, src: &dyn ByteSource, out: &Path) {
    let mut f = std::fs::File::create(out).expect("create output");
    plan.write_to(src, &mut f).expect("write plan");
}

/// ExifTool's view of a file: `exiftool -j -n -G1 -a -ee` (embedded/timed data included).
pub fn exiftool_json(path: &Path) -> Value {
    let out = Command::new("exiftool")
        .args(["-j", "-n", "-G1", "-a", "-ee"])
        .arg(path)
        .output()
        .expect("run exiftool");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    v.get(0).cloned().unwrap_or(Value::Null)
}

/// Location tags ExifTool finds, as `Group:Tag=value`. Timed-track GPS (groups `Track*`,
/// `Doc*`) and composites derived from it are left out: those cannot be removed in place and
/// are reported as residual instead.
pub fn location_tags(json: &Value) -> Vec<String> {
    let Some(obj) = json.as_object() else {
        return vec!["<no ExifTool output>".into()];
    };
    let timed = obj
        .keys()
        .any(|k| (k.starts_with("Track") || k.starts_with("Doc")) && k.contains("GPS"));
    let mut out = Vec::new();
    for (k, v) in obj {
        let (group, tag) = k.split_once(':').unwrap_or(("", k));
        if group.starts_with("Track")
            || group.starts_with("Doc")
            || group == "File"
            || group == "System"
        {
            continue;
        }
        if group == "Composite" && timed {
            continue;
        }
        let is_location = tag.contains("GPS")
            || tag.contains("Coordinates")
            || tag.starts_with("Location")
            || matches!(
                tag,
                "City" | "State" | "Country" | "CountryCode" | "Sub-location" | "Province-State"
            );
        let empty = v.as_str().is_some_and(|s| s.trim().is_empty());
        if is_location && !empty && tag != "GPSVersionID" {
            out.push(format!("{k}={v}"));
        }
    }
    out
}

/// A fingerprint of the coded data: per-stream hashes for videos, decoded-pixel signatures
/// of every image for HEIF/AVIF. Empty when the file cannot be decoded.
pub fn lossless_fingerprint(path: &Path, format: Format) -> String {
    match format {
        Format::Heic | Format::Heif | Format::Avif => {
            let dir = std::env::temp_dir().join(format!(
                "safepost-decode-{}-{}",
                std::process::id(),
                path.file_name().and_then(|n| n.to_str()).unwrap_or("x")
            ));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).expect("temp dir");
            let png = dir.join("out.png");
            let ok = Command::new("heif-convert")
                .arg(path)
                .arg(&png)
                .output()
                .map(|o| o.status.success())
                .unwrap_or(false);
            let mut sigs = Vec::new();
            if ok {
                let mut names: Vec<_> = std::fs::read_dir(&dir)
                    .into_iter()
                    .flatten()
                    .flatten()
                    .map(|e| e.path())
                    .collect();
                names.sort();
                for n in names {
                    let o = Command::new("identify")
                        .args(["-format", "%#"])
                        .arg(&n)
                        .output()
                        .expect("identify");
                    sigs.push(format!(
                        "{}={}",
                        n.file_name().and_then(|x| x.to_str()).unwrap_or(""),
                        String::from_utf8_lossy(&o.stdout)
                    ));
                }
            }
            let _ = std::fs::remove_dir_all(&dir);
            sigs.join("\n")
        }
        _ => {
            let o = Command::new("ffmpeg")
                .args(["-v", "error", "-i"])
                .arg(path)
                .args(["-map", "0", "-c", "copy", "-f", "streamhash", "-"])
                .output()
                .expect("ffmpeg");
            if !o.status.success() {
                return String::new();
            }
            String::from_utf8_lossy(&o.stdout).into_owned()
        }
    }
}

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

/// Fails the test when a checking tool is missing: a test that skips its checks would pass
/// without verifying anything (`scripts/test.sh` installs them all).
pub fn require_tools(names: &[&str]) {
    let missing: Vec<&str> = names.iter().copied().filter(|n| !tool_available(n)).collect();
    assert!(missing.is_empty(), "missing {missing:?}: install them (scripts/test.sh does) to run this test");
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

/// Serial-number and owner tags ExifTool finds, as `Group:Tag=value`.
pub fn serial_tags(json: &Value) -> Vec<String> {
    let Some(obj) = json.as_object() else {
        return vec!["<no ExifTool output>".into()];
    };
    obj.iter()
        .filter(|(k, v)| {
            let tag = k.split_once(':').map(|(_, t)| t).unwrap_or(k);
            let named =
                tag.ends_with("SerialNumber") || tag == "OwnerName" || tag == "CameraOwnerName";
            named && !v.as_str().is_some_and(|s| s.trim().is_empty())
        })
        .map(|(k, v)| format!("{k}={v}"))
        .collect()
}

/// A fingerprint of the coded data: per-stream hashes for videos; for HEIF/AVIF, `heif-info`'s
/// description (images, sizes, thumbnails, metadata block sizes) plus the decoded-pixel
/// signature of every image. Decoding a large HEIF takes seconds, so files over 512 KB are only
/// decoded when `SAFEPOST_SLOW_TESTS` is set. Empty when the file cannot be read.
pub fn lossless_fingerprint(path: &Path, format: Format) -> String {
    match format {
        Format::Heic | Format::Heif | Format::Avif => {
            let info = Command::new("heif-info")
                .arg(path)
                .output()
                .expect("heif-info");
            if !info.status.success() {
                return String::new();
            }
            let info = String::from_utf8_lossy(&info.stdout).into_owned();
            let big = std::fs::metadata(path)
                .map(|m| m.len() > 512 << 10)
                .unwrap_or(true);
            if big && std::env::var_os("SAFEPOST_SLOW_TESTS").is_none() {
                return info;
            }
            static SEQ: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
            let seq = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let dir = std::env::temp_dir().join(format!(
                "safepost-decode-{}-{seq}-{}",
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
            if sigs.is_empty() {
                return String::new();
            }
            format!("{info}{}", sigs.join("\n"))
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

// --- building synthetic files ---------------------------------------------------------------

/// A box: 32-bit size, type, payload.
pub fn bx(typ: &[u8; 4], payload: &[u8]) -> Vec<u8> {
    let mut v = ((payload.len() + 8) as u32).to_be_bytes().to_vec();
    v.extend_from_slice(typ);
    v.extend_from_slice(payload);
    v
}

/// A full box: version, flags, payload.
pub fn full(typ: &[u8; 4], version: u8, payload: &[u8]) -> Vec<u8> {
    let mut p = vec![version, 0, 0, 0];
    p.extend_from_slice(payload);
    bx(typ, &p)
}

pub fn cat(parts: &[Vec<u8>]) -> Vec<u8> {
    parts.concat()
}

/// `ftyp` with `brand`, then `moov` holding `children`, then a small `mdat`.
pub fn movie(brand: &[u8; 4], children: &[Vec<u8>]) -> Vec<u8> {
    let mut ftyp = brand.to_vec();
    ftyp.extend_from_slice(&[0, 0, 2, 0]);
    ftyp.extend_from_slice(brand);
    cat(&[
        bx(b"ftyp", &ftyp),
        bx(b"moov", &cat(children)),
        bx(b"mdat", &[0x55; 64]),
    ])
}

/// A track whose handler is `handler` and whose first sample description is `entry` (with
/// `entry_body` after the 8-byte sample entry header fields).
pub fn track(handler: &[u8; 4], entry: &[u8; 4], entry_body: &[u8]) -> Vec<u8> {
    let mut hdlr = vec![0, 0, 0, 0];
    hdlr.extend_from_slice(handler);
    hdlr.extend_from_slice(&[0; 12]);
    hdlr.push(0);
    let mut sample = vec![0; 6];
    sample.extend_from_slice(&1u16.to_be_bytes());
    sample.extend_from_slice(entry_body);
    let mut stsd = 1u32.to_be_bytes().to_vec();
    stsd.extend_from_slice(&bx(entry, &sample));
    let stbl = bx(
        b"stbl",
        &cat(&[full(b"stsd", 0, &stsd), full(b"stts", 0, &[0; 4])]),
    );
    let minf = bx(b"minf", &cat(&[full(b"nmhd", 0, &[]), stbl]));
    bx(
        b"trak",
        &bx(
            b"mdia",
            &cat(&[full(b"mdhd", 0, &[0; 20]), full(b"hdlr", 0, &hdlr), minf]),
        ),
    )
}

/// QuickTime international text: 16-bit length, language, text.
pub fn qt_text(text: &str) -> Vec<u8> {
    let mut v = (text.len() as u16).to_be_bytes().to_vec();
    v.extend_from_slice(&[0x15, 0xC7]);
    v.extend_from_slice(text.as_bytes());
    v
}

/// Apple metadata: `meta` (QuickTime style when `iso` is false: no version/flags) with `hdlr`
/// `mdta`, `keys` and an `ilst` of UTF-8 values.
pub fn keys_meta(iso: bool, items: &[(&str, &str)]) -> Vec<u8> {
    let mut hdlr = vec![0, 0, 0, 0];
    hdlr.extend_from_slice(b"mdta");
    hdlr.extend_from_slice(&[0; 13]);
    let mut keys = (items.len() as u32).to_be_bytes().to_vec();
    let mut ilst = Vec::new();
    for (i, (k, v)) in items.iter().enumerate() {
        keys.extend_from_slice(&((k.len() + 8) as u32).to_be_bytes());
        keys.extend_from_slice(b"mdta");
        keys.extend_from_slice(k.as_bytes());
        let mut data = vec![0, 0, 0, 1, 0, 0, 0, 0];
        data.extend_from_slice(v.as_bytes());
        ilst.extend_from_slice(&bx(&((i + 1) as u32).to_be_bytes(), &bx(b"data", &data)));
    }
    let body = cat(&[
        full(b"hdlr", 0, &hdlr),
        full(b"keys", 0, &keys),
        bx(b"ilst", &ilst),
    ]);
    if iso {
        full(b"meta", 0, &body)
    } else {
        bx(b"meta", &body)
    }
}

/// A big-endian TIFF block with one directory of `(tag, type, count, value bytes)` entries;
/// values longer than 4 bytes are stored after the directory.
pub fn tiff_be(entries: &[(u16, u16, u32, Vec<u8>)]) -> Vec<u8> {
    let mut t = b"MM\0*\0\0\0\x08".to_vec();
    t.extend_from_slice(&(entries.len() as u16).to_be_bytes());
    let mut data_at = 8 + 2 + entries.len() * 12 + 4;
    let mut data = Vec::new();
    for (tag, typ, count, value) in entries {
        t.extend_from_slice(&tag.to_be_bytes());
        t.extend_from_slice(&typ.to_be_bytes());
        t.extend_from_slice(&count.to_be_bytes());
        if value.len() <= 4 {
            let mut v = value.clone();
            v.resize(4, 0);
            t.extend_from_slice(&v);
        } else {
            t.extend_from_slice(&(data_at as u32).to_be_bytes());
            data.extend_from_slice(value);
            data_at += value.len();
        }
    }
    t.extend_from_slice(&[0; 4]);
    t.extend_from_slice(&data);
    t
}

/// Three RATIONALs (degrees, minutes, seconds over 1).
pub fn dms(d: u32, m: u32, s: u32) -> Vec<u8> {
    [d, 1, m, 1, s, 1]
        .iter()
        .flat_map(|v| v.to_be_bytes())
        .collect()
}

//! The `safepost inspect` / `safepost strip` command-line contract that IT and CI script against.

use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_safepost"))
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/media").join(name)
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("safepost-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join(name)
}

#[test]
fn inspect_json_one_object_per_file() {
    let junk = tmp("junk.jpg");
    std::fs::write(&junk, b"not a picture").expect("write");
    let out = bin()
        .args(["inspect", "--json"])
        .arg(fixture("jpeg_all.jpg"))
        .arg(fixture("jpeg_plain.jpg"))
        .arg(&junk)
        .arg(tmp("missing.png"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "an unreadable file makes the exit status 1");
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).expect("each line is JSON")).collect();
    assert_eq!(lines.len(), 4);
    for l in &lines {
        let mut keys: Vec<&str> = l.as_object().expect("object").keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["error", "findings", "format", "identity", "location", "path", "residual"]);
    }
    let all = &lines[0];
    assert_eq!(all["format"], "jpeg");
    assert_eq!(all["error"], Value::Null);
    assert!((all["location"]["lat"].as_f64().expect("lat") - 50.4501).abs() < 1e-6);
    assert!((all["location"]["lon"].as_f64().expect("lon") - 30.5234).abs() < 1e-6);
    assert_eq!(all["location"]["altitude"], 179.0);
    assert!(all["location"]["place"].as_str().expect("place").contains("Odesa"));
    assert_eq!(all["location"]["sources"][0], "EXIF:GPS");
    assert_eq!(all["identity"]["make"], "SafeCam");
    assert_eq!(lines[1]["location"], Value::Null);
    assert_eq!(lines[1]["error"], Value::Null);
    assert_eq!(lines[2]["format"], Value::Null);
    assert!(lines[2]["error"].as_str().expect("message").contains("not a supported photo"));
    assert!(lines[3]["error"].as_str().expect("message").contains("could not read"));
}

#[test]
fn inspect_human_readable() {
    let out = bin().arg("inspect").arg(fixture("jpeg_iptc.jpg")).output().expect("runs");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("location: Harbour, Odesa"), "{text}");
    assert!(text.contains("found in: IPTC:Sub-location"), "{text}");
}

#[test]
fn strip_writes_a_clean_copy() {
    let out_path = tmp("clean.jpg");
    let out = bin()
        .args(["strip", "--mode", "location"])
        .arg(fixture("jpeg_all.jpg"))
        .arg("-o")
        .arg(&out_path)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("removed: location (EXIF:GPS)"));
    let check = bin().args(["inspect", "--json"]).arg(&out_path).output().expect("runs");
    let v: Value = serde_json::from_slice(&check.stdout).expect("JSON");
    assert_eq!(v["location"], Value::Null);
    assert_eq!(v["identity"]["serial_numbers"].as_array().map(Vec::len), Some(3), "location mode keeps serials");

    let ident = tmp("ident.webp");
    let out = bin()
        .args(["strip", "--mode", "identifying"])
        .arg(fixture("webp_meta.webp"))
        .arg("-o")
        .arg(&ident)
        .output()
        .expect("runs");
    assert!(out.status.success());
    let v: Value =
        serde_json::from_slice(&bin().args(["inspect", "--json"]).arg(&ident).output().expect("runs").stdout)
            .expect("JSON");
    assert_eq!(v["identity"]["serial_numbers"], Value::Array(Vec::new()));
}

#[test]
fn strip_failure_leaves_no_output() {
    let junk = tmp("junk.png");
    std::fs::write(&junk, b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR").expect("write");
    let out_path = tmp("never.png");
    let out = bin().args(["strip", "--mode", "location"]).arg(&junk).arg("-o").arg(&out_path).output().expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cut short"), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!out_path.exists(), "no partial output");
    let leftovers: Vec<_> = std::fs::read_dir(out_path.parent().expect("dir"))
        .expect("dir")
        .filter_map(Result::ok)
        // Only this test's output counts: other tests strip into the same directory concurrently.
        .filter(|e| e.file_name().to_string_lossy().contains("never.png.safepost-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["strip", "--mode", "everything", "a", "-o", "b"][..],
        &["strip", "a"],
        &["inspect"],
        &["inspect", "--bogus", "a"],
    ] {
        let out = bin().args(args).output().expect("runs");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("usage:"), "{args:?}");
    }
}

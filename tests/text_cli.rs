//! The command-line contract: `safepost check-text` and `safepost policy check`, run as the built
//! binary (output formats and exit codes are what IT scripts rely on).

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn safepost(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_safepost"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run safepost");
    // A command that fails on its arguments exits without reading: a broken pipe is fine then.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

fn temp_file(name: &str, content: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("text_cli");
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn check_text_json_has_the_contract_fields() {
    let post = "🙂 card 4539 1488 0343 6467 and mail jane@example.com";
    let o = safepost(&["check-text", "--json"], post);
    assert_eq!(o.status.code(), Some(1), "a block finding exits 1");
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let f = v["findings"].as_array().unwrap();
    assert_eq!(f.len(), 2);
    let card = &f[0];
    for key in [
        "rule",
        "category",
        "severity",
        "message",
        "start",
        "end",
        "start_utf16",
        "end_utf16",
        "preview",
    ] {
        assert!(card.get(key).is_some(), "missing {key}: {card}");
    }
    assert_eq!(card["rule"], "credit_card");
    assert_eq!(card["category"], "personal_data");
    assert_eq!(card["severity"], "block");
    assert_eq!(card["preview"], "4539 •••• •••• 6467");
    let start = card["start"].as_u64().unwrap() as usize;
    let end = card["end"].as_u64().unwrap() as usize;
    assert_eq!(&post[start..end], "4539 1488 0343 6467");
    assert_eq!(card["start_utf16"], 8, "the emoji is two UTF-16 units");
    assert_eq!(f[1]["rule"], "email");
    assert_eq!(f[1]["severity"], "info");
}

#[test]
fn check_text_human_output_and_exit_codes() {
    let o = safepost(&["check-text"], "nothing to see here");
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o).trim(), "no findings");

    let o = safepost(&["check-text"], "line one\nthis deck is internal only");
    assert_eq!(
        o.status.code(),
        Some(0),
        "warn findings do not fail the command"
    );
    let out = stdout(&o);
    assert!(
        out.starts_with("2:14\twarn\tconfidential_marker\tconfidential\tinternal only\t"),
        "{out}"
    );

    // Each line ends with the finding's confidence.
    let o = safepost(&["check-text"], "BSN 111222333");
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.starts_with("1:5\tblock\tnl_bsn\tpersonal_data\t"), "{out}");
    assert!(out.trim_end().ends_with("\tconfidence medium"), "{out}");
    let o = safepost(&["check-text", "--json"], "order 111222333");
    assert!(!stdout(&o).contains("nl_bsn"), "a weak shape alone is not reported");

    let o = safepost(&["check-text", "--bogus"], "");
    assert_eq!(o.status.code(), Some(2));
    let o = safepost(&["check-text", "--policy", "/nonexistent/policy.json"], "x");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot read policy"));
}

#[test]
fn check_text_uses_the_policy_and_the_site() {
    let policy = temp_file(
        "codename.json",
        r#"{"version": 1, "rules": [
            {"id": "codename", "kind": "keywords", "terms": ["Blue Falcon"], "severity": "block", "sites": ["linkedin.com"]},
            {"id": "broken", "kind": "regex", "pattern": "(unclosed"}]}"#,
    );
    let p = policy.to_str().unwrap();
    let o = safepost(
        &[
            "check-text",
            "--policy",
            p,
            "--site",
            "www.linkedin.com",
            "--json",
        ],
        "Blue  FALCON launches",
    );
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["findings"][0]["rule"], "codename");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("policy error: rules[1].pattern: unclosed group at 0"),
        "{stderr}"
    );

    let o = safepost(
        &["check-text", "--policy", p, "--site", "x.com", "--json"],
        "Blue Falcon launches",
    );
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        v["findings"].as_array().unwrap().len(),
        0,
        "the rule is for linkedin.com only"
    );
}

#[test]
fn policy_check_prints_every_error_with_its_place() {
    let bad = temp_file(
        "bad.json",
        r#"{"version": 1, "colour": 1, "rules": [
            {"id": "ok", "kind": "keywords", "terms": ["x"]},
            {"id": "a", "kind": "keywords", "terms": ["y"]},
            {"id": "b", "kind": "keywords", "terms": ["z"]},
            {"id": "c", "kind": "regex", "pattern": "project(x|y"}],
            "fail_mode": "maybe"}"#,
    );
    let o = safepost(&["policy", "check", bad.to_str().unwrap()], "");
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "colour: unknown setting; expected one of: version, sites, detectors, rules, rules_count, disclosure, uploads, submit, tickets, support_url, policy_url, fail_mode, company_account");
    assert_eq!(lines[1], "rules[3].pattern: unclosed group at 7");
    assert_eq!(
        lines[2],
        "fail_mode: \"maybe\" is not one of: open, warn, closed; SafePost fails closed (no posting while the core cannot load) until it is fixed"
    );
    assert_eq!(
        lines[3],
        format!(
            "3 error(s); the valid parts still apply (5 rules, {} detectors on)",
            safepost::text::detectors::DETECTOR_IDS.len()
        )
    );

    let good = temp_file(
        "good.json",
        r#"{"version": 1, "detectors": {"phone": {"enabled": false}}}"#,
    );
    let o = safepost(&["policy", "check", good.to_str().unwrap()], "");
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stdout(&o).trim(),
        format!(
            "policy OK: version 1, 2 rules, {} detectors on",
            safepost::text::detectors::DETECTOR_IDS.len() - 1
        )
    );

    assert_eq!(safepost(&["policy", "check"], "").status.code(), Some(2));
    assert_eq!(
        safepost(&["policy", "lint", "x"], "").status.code(),
        Some(2)
    );
    assert_eq!(
        safepost(&["policy", "check", "/nonexistent.json"], "")
            .status
            .code(),
        Some(2)
    );
}

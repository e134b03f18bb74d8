//! `safepost check-text` and `safepost policy check`: the text engine and policy validation for
//! IT and CI scripts. Output formats and exit codes are a stable contract:
//!
//! * `check-text` prints one finding per line: `line:col`, severity, rule, category, preview,
//!   message and `confidence low|medium|high`, tab-separated (with `--json`, the findings as the
//!   extension gets them). It exits 0 when nothing is at `block` severity, 1 when something is, 2 on usage,
//!   input or file errors. Policy errors are printed to stderr; the valid parts still apply.
//! * `policy check` prints every error as `path: message`, exits 0 when the policy is valid, 1 when
//!   it has errors, 2 when the file cannot be read.

use lexopt::prelude::*;
use safepost::policy::{Policy, Severity};
use safepost::text::TextScanner;
use std::ffi::OsString;
use std::io::Read;
use std::process::ExitCode;

const CHECK_USAGE: &str =
    "usage: safepost check-text [--policy FILE] [--site HOST] [--json] < post.txt";
const POLICY_USAGE: &str = "usage: safepost policy check FILE";

struct CheckArgs {
    policy: Option<OsString>,
    site: Option<String>,
    json: bool,
}

fn parse_check_args(args: Vec<OsString>) -> Result<CheckArgs, lexopt::Error> {
    let mut parser = lexopt::Parser::from_args(args);
    let mut out = CheckArgs {
        policy: None,
        site: None,
        json: false,
    };
    while let Some(arg) = parser.next()? {
        match arg {
            Long("policy") => out.policy = Some(parser.value()?),
            Long("site") => out.site = Some(parser.value()?.string()?),
            Long("json") => out.json = true,
            _ => return Err(arg.unexpected()),
        }
    }
    Ok(out)
}

fn read_policy(path: &OsString) -> Result<(Policy, Vec<safepost::policy::PolicyError>), String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read policy {}: {e}", path.to_string_lossy()))?;
    Ok(Policy::from_json(&text))
}

pub fn check_text_cmd(args: Vec<OsString>) -> ExitCode {
    let args = match parse_check_args(args) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("safepost check-text: {e}\n{CHECK_USAGE}");
            return ExitCode::from(2);
        }
    };
    let policy = match &args.policy {
        None => Policy::default_policy(),
        Some(path) => match read_policy(path) {
            Ok((p, errors)) => {
                for e in &errors {
                    eprintln!("policy error: {e}");
                }
                p
            }
            Err(e) => {
                eprintln!("safepost check-text: {e}");
                return ExitCode::from(2);
            }
        },
    };
    let mut post = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut post) {
        eprintln!(
            "safepost check-text: cannot read the post from stdin (UTF-8 text expected): {e}"
        );
        return ExitCode::from(2);
    }
    let scanner = TextScanner::new(&policy, args.site.as_deref());
    let findings = scanner.scan(&post);
    if args.json {
        let doc = serde_json::json!({ "findings": findings });
        match serde_json::to_string_pretty(&doc) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("safepost check-text: {e}");
                return ExitCode::from(2);
            }
        }
    } else if findings.is_empty() {
        println!("no findings");
    } else {
        for f in &findings {
            let (line, col) = line_col(&post, f.start);
            println!(
                "{line}:{col}\t{}\t{}\t{}\t{}\t{}\tconfidence {}",
                f.severity, f.rule, f.category, f.preview, f.message, f.confidence
            );
        }
    }
    if findings.iter().any(|f| f.severity == Severity::Block) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, byte: usize) -> (usize, usize) {
    let before = text.get(..byte).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, col)
}

pub fn policy_cmd(args: Vec<OsString>) -> ExitCode {
    let mut it = args.into_iter();
    let (Some(sub), Some(file), None) = (it.next(), it.next(), it.next()) else {
        eprintln!("{POLICY_USAGE}");
        return ExitCode::from(2);
    };
    if sub != "check" {
        eprintln!(
            "safepost policy: unknown subcommand {:?}\n{POLICY_USAGE}",
            sub.to_string_lossy()
        );
        return ExitCode::from(2);
    }
    match read_policy(&file) {
        Err(e) => {
            eprintln!("safepost policy check: {e}");
            ExitCode::from(2)
        }
        Ok((policy, errors)) => {
            for e in &errors {
                println!("{e}");
            }
            let active = policy.rules.iter().filter(|r| r.enabled).count();
            let detectors = policy.detectors.values().filter(|d| d.enabled).count();
            if errors.is_empty() {
                println!(
                    "policy OK: version {}, {active} rules, {detectors} detectors on",
                    policy.version
                );
                ExitCode::SUCCESS
            } else {
                println!(
                    "{} error(s); the valid parts still apply ({active} rules, {detectors} detectors on)",
                    errors.len()
                );
                ExitCode::from(1)
            }
        }
    }
}

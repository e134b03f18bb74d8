//! `safepost`: the command-line tool for IT.
//!
//! IT and CI script against these commands; their output formats are a stable contract
//! (see README.md). Each group of commands lives in its own module.

mod media;
mod text;

use std::ffi::OsString;
use std::process::ExitCode;

const USAGE: &str = "\
safepost — check posts, photos and videos against the company's social media policy

USAGE:
    safepost inspect [--json] FILE...
    safepost strip --mode location|identifying FILE -o OUT
    safepost check-text [--policy FILE] [--site HOST] [--json]   (post text on stdin)
    safepost policy check FILE
    safepost --version
";

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let Some(cmd) = args.next() else {
        eprint!("{USAGE}");
        return ExitCode::from(2);
    };
    let rest: Vec<OsString> = args.collect();
    match cmd.to_str() {
        Some("inspect") => media::inspect_cmd(rest),
        Some("strip") => media::strip_cmd(rest),
        Some("check-text") => text::check_text_cmd(rest),
        Some("policy") => text::policy_cmd(rest),
        Some("--version") | Some("-V") => {
            println!("safepost {}", safepost::VERSION);
            ExitCode::SUCCESS
        }
        Some("--help") | Some("-h") | Some("help") => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("safepost: unknown command {other:?}\n\n{USAGE}");
            ExitCode::from(2)
        }
        None => {
            eprintln!("safepost: the command is not valid UTF-8\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

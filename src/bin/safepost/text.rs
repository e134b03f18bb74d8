//! `safepost check-text` and `safepost policy check` (placeholder until the text issue lands).

use std::ffi::OsString;
use std::process::ExitCode;

pub fn check_text_cmd(_args: Vec<OsString>) -> ExitCode {
    eprintln!("safepost check-text: not implemented yet");
    ExitCode::from(2)
}

pub fn policy_cmd(_args: Vec<OsString>) -> ExitCode {
    eprintln!("safepost policy: not implemented yet");
    ExitCode::from(2)
}

//! `safepost inspect` and `safepost strip` (placeholder until the metadata issue lands).

use std::ffi::OsString;
use std::process::ExitCode;

pub fn inspect_cmd(_args: Vec<OsString>) -> ExitCode {
    eprintln!("safepost inspect: not implemented yet");
    ExitCode::from(2)
}

pub fn strip_cmd(_args: Vec<OsString>) -> ExitCode {
    eprintln!("safepost strip: not implemented yet");
    ExitCode::from(2)
}

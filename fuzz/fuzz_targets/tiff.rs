//! The tiff container parser, through media::inspect and media::strip.
#![no_main]

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    common::exercise(&common::with_header(b"II*\0", data));
});

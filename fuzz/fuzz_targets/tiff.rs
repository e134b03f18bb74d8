//! The tiff container parser (TIFF, DNG), through media::inspect and media::strip. Inputs that
//! already start with a little- or big-endian (or BigTIFF) header are used as they are; others
//! get a little-endian header in front.
#![no_main]

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if [b"II*\0", b"MM\0*", b"II+\0", b"MM\0+"].iter().any(|h| data.starts_with(*h)) {
        common::exercise(data);
    } else {
        common::exercise(&common::with_header(b"II*\0", data));
    }
});

//! The WebP (RIFF) container parser, through media::inspect and media::strip. The RIFF size is
//! set to the input's length so chunks, not the header check, get exercised.
#![no_main]

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut v = b"RIFF\0\0\0\0WEBP".to_vec();
    v.extend_from_slice(data);
    let size = (v.len() as u32).saturating_sub(8);
    v[4..8].copy_from_slice(&size.to_le_bytes());
    common::exercise(&v);
});

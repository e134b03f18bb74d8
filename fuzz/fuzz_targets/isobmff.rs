//! The ISO base media parser (HEIC/HEIF/AVIF, MP4, MOV, 3GP), through media::inspect and
//! media::strip. The first input byte picks the brand of a leading `ftyp` box, which is added
//! unless the rest already starts with one (so real files, whose item and chunk offsets are
//! absolute, work as seeds unchanged: `fuzz/seeds/isobmff/` holds them behind one extra byte).
#![no_main]

#[path = "common.rs"]
mod common;

const BRANDS: [&[u8; 4]; 6] = [b"heic", b"mif1", b"avif", b"isom", b"qt  ", b"3gp4"];

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    if rest.len() >= 12 && &rest[4..8] == b"ftyp" {
        common::exercise(rest);
        return;
    }
    let mut v = vec![0, 0, 0, 16];
    v.extend_from_slice(b"ftyp");
    v.extend_from_slice(BRANDS[usize::from(pick) % BRANDS.len()]);
    v.extend_from_slice(&[0, 0, 0, 0]);
    v.extend_from_slice(rest);
    common::exercise(&v);
});

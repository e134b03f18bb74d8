//! The XMP scanner and same-length cleaner shared by every container.
#![no_main]

use safepost::media::{xmp, Format, MediaReport, StripMode};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut report = MediaReport::new(Format::Jpeg);
    xmp::inspect_xmp(data, &mut report);
    for mode in [StripMode::Location, StripMode::Identifying] {
        if let Some(clean) = xmp::clean_xmp(data, mode) {
            assert_eq!(clean.len(), data.len(), "clean_xmp must keep the length");
        }
    }
});

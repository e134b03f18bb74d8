//! The EXIF (TIFF IFD) reader and same-length cleaner shared by every container.
#![no_main]

use safepost::media::{exif, Format, MediaReport, StripMode};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut report = MediaReport::new(Format::Jpeg);
    let _ = exif::inspect_tiff(data, &mut report);
    for mode in [StripMode::Location, StripMode::Identifying] {
        if let Ok(Some(clean)) = exif::clean_tiff(data, mode) {
            assert_eq!(clean.len(), data.len(), "clean_tiff must keep the length");
        }
    }
});

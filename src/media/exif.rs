//! EXIF (TIFF-structured) metadata: GPS and identity tags, read with kamadak-exif, and removed
//! in place so that no offset elsewhere in the container moves.
//!
//! (Interface placeholder; the images work fills it in.)

use super::{MediaError, MediaReport, StripMode};

/// Reads a TIFF-structured EXIF block (starting at its `II*\0`/`MM\0*` header) and adds what it
/// reveals to `report`.
pub fn inspect_tiff(_tiff: &[u8], _report: &mut MediaReport) -> Result<(), MediaError> {
    Ok(())
}

/// A same-length copy of the block with `mode`'s tags removed, or `None` when there is nothing to
/// remove.
pub fn clean_tiff(_tiff: &[u8], _mode: StripMode) -> Result<Option<Vec<u8>>, MediaError> {
    Ok(None)
}

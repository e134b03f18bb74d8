//! XMP packets: location (`exif:GPS*`, `photoshop:City`, `Iptc4xmpCore:Location`, ...) and
//! identity properties, removed by rewriting the packet at the same length.
//!
//! (Interface placeholder; the images work fills it in.)

use super::{MediaReport, StripMode};

/// Adds what an XMP packet reveals to `report`.
pub fn inspect_xmp(_packet: &[u8], _report: &mut MediaReport) {}

/// A same-length copy of the packet with `mode`'s properties removed (padded with whitespace),
/// or `None` when there is nothing to remove.
pub fn clean_xmp(_packet: &[u8], _mode: StripMode) -> Option<Vec<u8>> {
    None
}

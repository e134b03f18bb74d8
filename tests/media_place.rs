//! The place a photo names, as the upload dialog shows it: each place once, most specific first,
//! country codes folded into the country name. The IPTC agency example in the real-photo corpus
//! names Washington in IPTC, XMP photoshop and both IPTC Extension locations, with "US",
//! "United States" and "United States of America" side by side.

use safepost::media::{self, CountingSource};
use std::fs::File;

#[allow(dead_code)] // this test reads one corpus file, not truth.json
mod corpus_support;
use corpus_support::corpus_dir;

#[test]
fn the_iptc_agency_photo_names_each_place_once_most_specific_first() {
    let path = corpus_dir().join("exifr/test/fixtures/iptc-agency-photographer-example.jpg");
    let file = File::open(&path).unwrap_or_else(|e| panic!("{}: {e} (set SAFEPOST_CORPUS)", path.display()));
    let report = media::inspect(&CountingSource::new(&file)).expect("inspect");
    let place = report.location.and_then(|l| l.place);
    assert_eq!(
        place.as_deref(),
        Some("Lincoln Memorial, Washington, District of Columbia, United States of America, North America")
    );
}

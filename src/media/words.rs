//! The words a photo carries: its title, caption, keywords and comments (EXIF `ImageDescription`
//! and Windows `XP*` tags, XMP `dc:title`/`dc:description`/`dc:subject`, `photoshop:Headline`,
//! IPTC Object Name, Headline, Keywords and Caption), and the location hidden in them.
//!
//! A caption is free text, so it can hold what the location fields are there to hold: reverse
//! geocoders write the street address into `XPTitle`/`XPSubject`/`XPKeywords`, and people paste
//! coordinates or a map link into a description. Such a field is reported as location (named
//! like any other source, `IFD0:XPTitle`) and blanked by "Remove location"; every other field is
//! kept, and the text policy checks its words like a post ([`crate::text::media_words`]).
//!
//! Location in words is decided from the text alone (so a cleaned file, re-inspected, gives the
//! same answer): coordinates and map links as the text detectors validate them, or a street
//! address by its shape ([`street_address`]).

use super::MediaReport;
use crate::text::detectors;
use serde::Serialize;

/// One descriptive text field of a file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Words {
    /// Where it is, in ExifTool's naming: `IFD0:XPTitle`, `XMP-dc:Description`, `IPTC:Keywords`.
    pub field: String,
    pub text: String,
}

/// Longest field text kept for checking (a caption is a few hundred bytes; a hostile file may
/// hold megabytes).
pub const MAX_WORDS: usize = 16 * 1024;

impl MediaReport {
    /// Records a descriptive field; one that carries location is also a location source.
    pub fn add_words(&mut self, field: &str, text: &str) {
        let text = super::found::clean_text(text);
        if text.is_empty() {
            return;
        }
        let text: String = text.chars().take(MAX_WORDS).collect();
        if carries_location(&text) {
            self.add_location_source(field);
        }
        if !self.words.iter().any(|w| w.field == field && w.text == text) {
            self.words.push(Words {
                field: field.to_string(),
                text,
            });
        }
    }
}

/// Whether a descriptive field's text says where (coordinates, a map link, a street address).
pub fn carries_location(text: &str) -> bool {
    let text = if text.len() > MAX_WORDS {
        let mut end = MAX_WORDS;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        &text[..end]
    } else {
        text
    };
    let view = crate::text::normalize::View::matching(text);
    let windows = detectors::Windows::new(&view.text);
    ["gps_coordinates", "map_link"].iter().any(|id| {
        detectors::index_of(id).is_some_and(|i| !detectors::run(i, &view.text, &windows).is_empty())
    }) || street_address(&view.text)
}

/// The kinds of street, written after the name (English, German compounds) or before it
/// (French, Spanish, Italian, Portuguese).
const STREET_AFTER: &[&str] = &[
    "street", "st", "avenue", "ave", "road", "rd", "drive", "dr", "boulevard", "blvd", "lane", "ln", "way",
    "place", "pl", "court", "ct", "parkway", "pkwy", "highway", "hwy", "terrace", "square", "sq",
    "crescent", "close",
];
const STREET_COMPOUND: &[&str] = &["straße", "strasse", "str.", "weg", "platz", "gasse", "allee", "ring", "damm"];
const STREET_BEFORE: &[&str] = &[
    "rue", "avenue", "boulevard", "chemin", "place", "calle", "avenida", "plaza", "paseo", "via", "viale",
    "piazza", "rua", "praça",
];
const QUADRANTS: &[&str] = &["nw", "ne", "sw", "se"];

/// A street address by its shape: a house number and capitalised name before an English street
/// kind (`1600 Pennsylvania Ave`), a name, street kind and quadrant (`Henry Bacon Dr NW`), a German
/// compound and number (`Friedrichstraße 43`), or a number before a Romance street kind
/// (`12 rue de la Paix`, `Calle Mayor 5` with its number after).
pub fn street_address(text: &str) -> bool {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | '|'))
        .filter(|w| !w.is_empty())
        .collect();
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let number = |i: usize| {
        words.get(i).is_some_and(|w| {
            let d = w.bytes().take_while(u8::is_ascii_digit).count();
            (1..=5).contains(&d) && w.len() - d <= 1
        })
    };
    let capitalised = |i: usize| words.get(i).is_some_and(|w| w.chars().next().is_some_and(|c| c.is_ascii_uppercase() || !c.is_ascii() && c.to_lowercase().next() != Some(c)));
    for (i, l) in lower.iter().enumerate() {
        let bare = l.trim_end_matches('.');
        if i > 0 && STREET_AFTER.contains(&bare) && capitalised(i) {
            // The name: one to three capitalised words before the street kind.
            let mut k = i;
            while k > 0 && i - k < 3 && capitalised(k - 1) && !number(k - 1) {
                k -= 1;
            }
            if k == i {
                continue;
            }
            let quadrant = lower.get(i + 1).is_some_and(|q| QUADRANTS.contains(&q.as_str()));
            if (k > 0 && number(k - 1)) || quadrant {
                return true;
            }
        }
        if capitalised(i) && l.len() > 6 && STREET_COMPOUND.iter().any(|s| l.ends_with(s)) && number(i + 1) {
            return true;
        }
        let linked = lower
            .get(i + 1)
            .is_some_and(|w| matches!(w.as_str(), "de" | "del" | "della" | "di" | "do" | "da" | "des" | "du"));
        if STREET_BEFORE.contains(&bare)
            && (capitalised(i + 1) || linked)
            && ((i > 0 && number(i - 1)) || (i + 2..i + 6).any(number))
        {
            return true;
        }
    }
    false
}

/// Geotate points of interest (`XMP-Geotate:GeotatePOI`, written by reverse geocoders): each
/// entry is `name|kind|distance|latitude|longitude`. Returns the coordinates of the entries.
pub fn geotate_points(value: &str) -> Vec<(f64, f64)> {
    let fields: Vec<&str> = value.split('|').map(str::trim).collect();
    // Entries run together when read as one text: "...|lat|lon Name|kind|...": every field that
    // parses as a latitude followed by one that parses as a longitude is a point.
    let mut out = Vec::new();
    for w in fields.windows(2) {
        let lat = w[0].parse::<f64>().ok();
        let lon = w[1].split_whitespace().next().and_then(|s| s.parse::<f64>().ok());
        if let (Some(lat), Some(lon)) = (lat, lon) {
            if w[0].contains('.') && w[1].contains('.') && super::valid_coordinates(lat, lon) && lat.abs() > 0.0 {
                out.push((lat, lon));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_by_shape() {
        for t in [
            "Henry Bacon Dr NW Washington District of Columbia United States",
            "at 1600 Pennsylvania Ave, Washington",
            "Office: 221B Baker Street, London",
            "Friedrichstraße 43, Berlin",
            "12 rue de la Paix, Paris",
            "Calle Mayor 5, Madrid",
        ] {
            assert!(street_address(t), "{t}");
        }
        for t in [
            "Lincoln Memorial at dawn",
            "Dr Jones gave a talk",
            "We walked down the street",
            "Washington Square Park",
            "St Paul's Cathedral",
            "A place to remember",
        ] {
            assert!(!street_address(t), "{t}");
        }
    }

    #[test]
    fn coordinates_in_words() {
        assert!(carries_location("Our lab, GPS 37.4219983, -122.084"));
        assert!(carries_location("see https://maps.google.com/?q=48.8584,2.2945"));
        assert!(!carries_location("This statue of the 16th President, completed in 1920."));
    }

    #[test]
    fn geotate_entries() {
        let v = "Lincoln Memorial|10|121.0|38.889269|-77.049932 Constitution Gardens|10|138.0|38.890378|-77.047711";
        assert_eq!(geotate_points(v), [(38.889269, -77.049932), (38.890378, -77.047711)]);
        assert!(geotate_points("Memorial|10|x|y|z").is_empty());
    }
}

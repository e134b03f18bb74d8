//! One place name from many metadata fields. A photo often names the same place in several
//! groups (IPTC, XMP photoshop, the IPTC Extension's "location created" and "location shown"),
//! with country codes beside country names and "United States" beside "United States of
//! America". The user is to read each place once, most specific first ("Lincoln Memorial,
//! Washington, District of Columbia, United States of America, North America"), so each part
//! keeps the level of the field it came from, and parts naming the same place are folded.

/// How specific a place-name field is, most specific first (the order the parts are shown in).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum PlaceLevel {
    /// A named spot: sub-location, location name, a free-text place.
    Spot,
    City,
    County,
    State,
    Country,
    /// A country code (`US`, `UKR`): shown only when no country name is known.
    CountryCode,
    /// A world region or continent.
    Region,
}

impl PlaceLevel {
    /// The level of a field from its tag name (`City`, `Province-State`, `LocationCreatedCity`'s
    /// `city`, `Country-PrimaryLocationCode`, ...). A field of no known level is a named spot.
    pub fn of_tag(tag: &str) -> PlaceLevel {
        let name: String = tag.rsplit(':').next().unwrap_or(tag).chars().filter(char::is_ascii_alphanumeric).collect();
        let name = name.to_ascii_lowercase();
        if name.contains("countrycode") || name.ends_with("locationcode") {
            PlaceLevel::CountryCode
        } else if name.contains("country") {
            PlaceLevel::Country
        } else if name.contains("worldregion") || name.contains("highergeography") || name.contains("continent") {
            PlaceLevel::Region
        } else if name.contains("state") || name.contains("province") {
            PlaceLevel::State
        } else if name.contains("county") {
            PlaceLevel::County
        } else if name.contains("city") || name.contains("municipality") {
            PlaceLevel::City
        } else {
            PlaceLevel::Spot
        }
    }
}

/// One part of a place name, with the level of the field it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct PlacePart {
    pub level: PlaceLevel,
    pub value: String,
}

/// The words of a name, lower-cased, without punctuation ("U.S." and "u s" are the same).
fn words(value: &str) -> Vec<String> {
    value.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

/// True when `a` and `b` name the same place: the same words, or (at one level, such as two
/// country names) the words of one begin the other ("United States" / "United States of America").
fn same_place(a: &PlacePart, b: &PlacePart) -> bool {
    let (wa, wb) = (words(&a.value), words(&b.value));
    if wa == wb {
        return true;
    }
    let (short, long) = if wa.len() <= wb.len() { (&wa, &wb) } else { (&wb, &wa) };
    a.level == b.level && !short.is_empty() && long.starts_with(short)
}

/// Adds `value` found at `level` to `parts`, unless a part already names that place; of two
/// names for one place the longer one is kept, at the more specific level.
pub fn add_part(parts: &mut Vec<PlacePart>, level: PlaceLevel, value: &str) {
    let value = value.trim();
    if words(value).is_empty() {
        return;
    }
    let new = PlacePart { level, value: value.to_string() };
    if let Some(known) = parts.iter_mut().find(|p| same_place(p, &new)) {
        if new.value.chars().count() > known.value.chars().count() {
            known.value = new.value;
        }
        known.level = known.level.min(new.level);
        return;
    }
    parts.push(new);
}

/// The place as the user reads it: each part once, most specific first, country codes only
/// when no country name is known. `None` when there is no part.
pub fn joined(parts: &[PlacePart]) -> Option<String> {
    let has_country = parts.iter().any(|p| p.level == PlaceLevel::Country);
    let mut shown: Vec<&PlacePart> =
        parts.iter().filter(|p| !(has_country && p.level == PlaceLevel::CountryCode)).collect();
    // Stable: parts of one level keep the order they were found in.
    shown.sort_by_key(|p| p.level);
    if shown.is_empty() {
        return None;
    }
    Some(shown.iter().map(|p| p.value.as_str()).collect::<Vec<_>>().join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_from_tag_names() {
        assert_eq!(PlaceLevel::of_tag("IPTC:Sub-location"), PlaceLevel::Spot);
        assert_eq!(PlaceLevel::of_tag("IPTC:Province-State"), PlaceLevel::State);
        assert_eq!(PlaceLevel::of_tag("IPTC:Country-PrimaryLocationCode"), PlaceLevel::CountryCode);
        assert_eq!(PlaceLevel::of_tag("IPTC:Country-PrimaryLocationName"), PlaceLevel::Country);
        assert_eq!(PlaceLevel::of_tag("countrycode"), PlaceLevel::CountryCode);
        assert_eq!(PlaceLevel::of_tag("worldregion"), PlaceLevel::Region);
        assert_eq!(PlaceLevel::of_tag("XMP-photoshop:City"), PlaceLevel::City);
        assert_eq!(PlaceLevel::of_tag("PNG:Location"), PlaceLevel::Spot);
    }

    #[test]
    fn each_place_once_most_specific_first() {
        let mut parts = Vec::new();
        for (l, v) in [
            (PlaceLevel::City, "Washington"),
            (PlaceLevel::Country, "United States of America"),
            (PlaceLevel::CountryCode, "US"),
            (PlaceLevel::Spot, "Lincoln Memorial"),
            (PlaceLevel::Country, "United States"),
            (PlaceLevel::Region, "North America"),
            (PlaceLevel::City, "washington"),
        ] {
            add_part(&mut parts, l, v);
        }
        assert_eq!(
            joined(&parts).as_deref(),
            Some("Lincoln Memorial, Washington, United States of America, North America")
        );
    }

    #[test]
    fn a_code_alone_is_shown() {
        let mut parts = Vec::new();
        add_part(&mut parts, PlaceLevel::CountryCode, "UA");
        add_part(&mut parts, PlaceLevel::City, "Kyiv");
        assert_eq!(joined(&parts).as_deref(), Some("Kyiv, UA"));
        assert_eq!(joined(&[]), None);
    }
}

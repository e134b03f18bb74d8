//! Recording findings in a [`MediaReport`]: one place that decides how coordinates from several
//! metadata groups are ranked, how place-name parts become one `place` string, and how identity
//! fields are kept free of duplicates.
//!
//! Every container parser (and the EXIF, XMP and IPTC readers they share) reports through these
//! methods, so the same file gives the same report whichever container it arrived in.

use super::place::{self, PlaceLevel};
use super::{Location, MediaReport};

/// Coordinate sources in the order ExifTool's composite tags prefer them: when a file holds
/// coordinates in several groups, the report shows those of the best-ranked group.
const COORDINATE_RANK: &[&str] = &[
    "EXIF:GPS",
    "EXIF:GPSDest",
    "XMP:exif:GPS",
    "XMP:drone-dji:GPS",
    "FLIR:GPS",
    "XMP:iptcExt:LocationCreatedGPS",
    "XMP:iptcExt:LocationShownGPS",
    "XMP:dwc:DecimalLatLon",
];

fn rank(source: &str) -> usize {
    COORDINATE_RANK.iter().position(|s| *s == source).unwrap_or(COORDINATE_RANK.len())
}

/// True when `lat`/`lon` are finite degrees on the globe.
pub fn valid_coordinates(lat: f64, lon: f64) -> bool {
    lat.is_finite() && lon.is_finite() && (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)
}

impl MediaReport {
    fn location_mut(&mut self) -> &mut Location {
        self.location.get_or_insert_with(Location::default)
    }

    /// Notes that `source` holds location, without a value we could read (the group is still
    /// named, so the user sees that the file reveals where it was made).
    pub fn add_location_source(&mut self, source: &str) {
        let loc = self.location_mut();
        if !loc.sources.iter().any(|s| s == source) {
            loc.sources.push(source.to_string());
        }
    }

    /// Records coordinates found in `source`. Out-of-range values still name the source but do
    /// not become the report's coordinates. When several groups hold coordinates, the
    /// best-ranked one is shown, and its source is listed first.
    pub fn add_coordinates(&mut self, source: &str, lat: f64, lon: f64, altitude: Option<f64>) {
        self.add_location_source(source);
        if !valid_coordinates(lat, lon) {
            return;
        }
        let loc = self.location_mut();
        let shown_rank = match loc.lat {
            Some(_) => loc.sources.first().map(|s| rank(s)).unwrap_or(usize::MAX),
            None => usize::MAX,
        };
        if rank(source) < shown_rank {
            loc.lat = Some(lat);
            loc.lon = Some(lon);
            // (+ 0.0 turns a "below sea level" zero into plain 0.)
            loc.altitude = altitude.filter(|a| a.is_finite()).map(|a| a + 0.0);
            if let Some(i) = loc.sources.iter().position(|s| s == source) {
                let s = loc.sources.remove(i);
                loc.sources.insert(0, s);
            }
        }
    }

    /// Adds one part of a place name (city, state, country, ...) found in `source`; its level
    /// comes from the tag name (`IPTC:City`, `XMP-photoshop:Country`, ...).
    pub fn add_place(&mut self, source: &str, value: &str) {
        self.add_place_part(source, PlaceLevel::of_tag(source), value);
    }

    /// Adds one part of a place name of a known level found in `source`. `place` shows each
    /// place once, most specific first (`place.rs`).
    pub fn add_place_part(&mut self, source: &str, level: PlaceLevel, value: &str) {
        if value.trim().is_empty() {
            return;
        }
        self.add_location_source(source);
        let loc = self.location_mut();
        place::add_part(&mut loc.place_parts, level, value);
        loc.place = place::joined(&loc.place_parts);
    }

    /// Sets the camera make unless an earlier (better) group already did.
    pub fn set_make(&mut self, value: &str) {
        set_first(&mut self.identity.make, value);
    }

    /// Sets the camera model unless an earlier (better) group already did.
    pub fn set_model(&mut self, value: &str) {
        set_first(&mut self.identity.model, value);
    }

    /// Sets the original capture time unless an earlier group already did.
    pub fn set_captured_at(&mut self, value: &str) {
        set_first(&mut self.identity.captured_at, value);
    }

    /// Adds a serial number as `"Tag: value"`.
    pub fn add_serial(&mut self, tag: &str, value: &str) {
        push_tagged(&mut self.identity.serial_numbers, tag, value);
    }

    /// Adds an owner or artist name as `"Tag: value"`.
    pub fn add_owner(&mut self, tag: &str, value: &str) {
        push_tagged(&mut self.identity.owner_names, tag, value);
    }

    /// Adds a sentence to `residual` unless it is already there.
    pub fn add_residual(&mut self, what: impl Into<String>) {
        let what = what.into();
        if !self.residual.contains(&what) {
            self.residual.push(what);
        }
    }

    /// Adds what the report of one metadata block or embedded file reveals to this report. With
    /// `prefix`, every source, tag and residual sentence is named after where it was found
    /// ("motion-photo video QuickTime:©xyz"). What this report already holds (make, model, capture
    /// time, read first) wins.
    pub fn absorb(&mut self, from: MediaReport, prefix: Option<&str>) {
        let named = |s: &str| prefix.map_or_else(|| s.to_string(), |p| format!("{p} {s}"));
        if let Some(loc) = from.location {
            let mut sources = loc.sources.iter();
            // The source of the coordinates comes first.
            if let (Some(lat), Some(lon), Some(first)) = (loc.lat, loc.lon, loc.sources.first()) {
                self.add_coordinates(&named(first), lat, lon, loc.altitude);
                sources.next();
            }
            for s in sources {
                self.add_location_source(&named(s));
            }
            if let Some(source) = loc.sources.last() {
                for part in &loc.place_parts {
                    self.add_place_part(&named(source), part.level, &part.value);
                }
            }
        }
        let id = from.identity;
        if let Some(v) = id.make.as_deref() {
            self.set_make(v);
        }
        if let Some(v) = id.model.as_deref() {
            self.set_model(v);
        }
        if let Some(v) = id.captured_at.as_deref() {
            self.set_captured_at(v);
        }
        // Entries are already "Tag: value"; a prefix goes before the tag.
        for (list, entries) in
            [(&mut self.identity.serial_numbers, id.serial_numbers), (&mut self.identity.owner_names, id.owner_names)]
        {
            for e in entries {
                let e = named(&e);
                if !list.contains(&e) {
                    list.push(e);
                }
            }
        }
        for w in from.words {
            let field = named(&w.field);
            if !self.words.iter().any(|x| x.field == field && x.text == w.text) {
                self.words.push(super::words::Words { field, text: w.text });
            }
        }
        for r in from.residual {
            self.add_residual(match prefix {
                Some(p) => format!("{p}: {r}"),
                None => r,
            });
        }
    }
}

fn set_first(slot: &mut Option<String>, value: &str) {
    let value = clean_text(value);
    if slot.is_none() && !value.is_empty() {
        *slot = Some(value);
    }
}

fn push_tagged(list: &mut Vec<String>, tag: &str, value: &str) {
    let value = clean_text(value);
    if value.is_empty() {
        return;
    }
    let entry = format!("{tag}: {value}");
    if !list.contains(&entry) {
        list.push(entry);
    }
}

/// Trims NULs, control characters and surrounding whitespace from a metadata string.
pub fn clean_text(value: &str) -> String {
    value.trim_matches(|c: char| c == '\0' || c.is_whitespace()).chars().filter(|c| !c.is_control()).collect()
}

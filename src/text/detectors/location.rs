//! Where someone is: coordinate pairs (decimal and degrees-minutes-seconds) and map links that
//! carry coordinates (Google, Apple, Bing, OpenStreetMap).
//!
//! Ordinary number pairs ("1.5, 2.25", a list of measurements) are not coordinates: a decimal
//! pair needs three or more decimals on both numbers and four on at least one, valid ranges, and
//! no further numbers continuing a list.

use super::{char_at, char_before, Cand, Detector, Gate, Hit, Redaction};
use crate::policy::Category;
use regex::Regex;
use std::sync::OnceLock;

pub const GPS_COORDINATES: Detector = Detector {
    id: "gps_coordinates",
    category: Category::Location,
    redaction: Redaction::Coordinates,
    pattern: concat!(
        r"[-+]?[0-9]{1,2}\.[0-9]{3,10}(?: ?°)?(?: ?[NS])?\s{0,2}[,;]\s{0,2}[-+]?[0-9]{1,3}\.[0-9]{3,10}(?: ?°)?(?: ?[EW])?",
        r"|[0-9]{1,2} ?° ?[0-9]{1,2} ?['′] ?(?:[0-9]{1,2}(?:\.[0-9]+)? ?(?:″|′′|''|\x22)? ?)?[NSns][ ,]{0,3}",
        r"[0-9]{1,3} ?° ?[0-9]{1,2} ?['′] ?(?:[0-9]{1,2}(?:\.[0-9]+)? ?(?:″|′′|''|\x22)? ?)?[EWew]",
    ),
    gate: Gate::Digits,
    validate: coordinates,
    message: "These look like map coordinates: they can reveal where someone is.",
};

pub const MAP_LINK: Detector = Detector {
    id: "map_link",
    category: Category::Location,
    redaction: Redaction::Url,
    pattern: r"(?i:https?://(?:[a-z0-9-]+\.)*(?:google\.[a-z]{2,3}(?:\.[a-z]{2})?/maps|maps\.google\.[a-z]{2,3}(?:\.[a-z]{2})?|google\.[a-z]{2,3}(?:\.[a-z]{2})?/\?q=|maps\.apple\.com|bing\.com/maps|openstreetmap\.org|osm\.org)[^\s<>\x22]*)",
    gate: Gate::Anywhere,
    validate: map_links,
    message: "This map link carries exact coordinates.",
};

fn parse_decimal(s: &str) -> Option<(f64, usize)> {
    let t = s.trim_start_matches('+');
    let v: f64 = t.parse().ok()?;
    let decimals = t.split_once('.').map_or(0, |(_, d)| d.len());
    Some((v, decimals))
}

fn coordinates(text: &str, cands: &[Cand]) -> Vec<Hit> {
    let mut out = Vec::new();
    for m in cands.iter() {
        let s = m.as_str();
        if char_before(text, m.start())
            .is_some_and(|c| c.is_alphanumeric() || matches!(c, '.' | '/' | '=' | '_'))
            || char_at(text, m.end()).is_some_and(|c| c.is_alphanumeric() || c == '_')
        {
            continue;
        }
        let ok = if s.contains('°') && !s.contains('.') || s.contains('\'') || s.contains('′') {
            dms_valid(s)
        } else {
            decimal_pair_valid(text, m.start(), m.end(), s)
        };
        if ok {
            out.push(Hit::new(m.start(), m.end()));
        }
    }
    out
}

fn decimal_pair_valid(text: &str, start: usize, end: usize, s: &str) -> bool {
    let nums: Vec<&str> = s
        .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+'))
        .filter(|t| t.chars().any(|c| c.is_ascii_digit()))
        .collect();
    let [a, b] = nums[..] else { return false };
    let (Some((lat, da)), Some((lon, db))) = (parse_decimal(a), parse_decimal(b)) else {
        return false;
    };
    if lat.abs() > 90.0 || lon.abs() > 180.0 || (lat == 0.0 && lon == 0.0) {
        return false;
    }
    if da < 3 || db < 3 || da.max(db) < 4 {
        return false;
    }
    // Money and measurements come with their own words; coordinates with fewer than five
    // decimals need a degree sign, a hemisphere or a word that talks about a place.
    let ctx = super::context_before(text, start, 40);
    const NOT_PLACE: &[&str] = &[
        "rate", "usd", "eur", "gbp", "price", "exchange", "%", "$", "€", "£", "ratio", "score",
        "kg", "version",
    ];
    if NOT_PLACE.iter().any(|w| ctx.contains(w)) {
        return false;
    }
    const PLACE: &[&str] = &[
        "gps",
        "coord",
        "location",
        "lat",
        "lon",
        "📍",
        "located",
        "meet",
        "we are at",
        "i'm at",
        "im at",
        "here",
        "position",
        "where",
    ];
    let marked = s.contains('°') || s.chars().any(|c| matches!(c, 'N' | 'S' | 'E' | 'W'));
    if (da < 5 || db < 5) && !marked && !PLACE.iter().any(|w| ctx.contains(w)) {
        return false;
    }
    // Hemisphere letters must be the right ones.
    let letters: String = s
        .chars()
        .filter(|c| c.is_ascii_alphabetic())
        .collect::<String>()
        .to_ascii_uppercase();
    if !letters.is_empty()
        && letters != "NE"
        && letters != "NW"
        && letters != "SE"
        && letters != "SW"
    {
        return false;
    }
    // Part of a longer list of numbers ("1.2345, 2.3456, 3.4567")?
    let after = text.get(end..).unwrap_or("").trim_start();
    let before = text.get(..start).unwrap_or("").trim_end();
    let continues = |t: &str| {
        t.trim_start()
            .starts_with(|c: char| c.is_ascii_digit() || c == '-')
    };
    if (after.starts_with(',') || after.starts_with(';')) && continues(&after[1..]) {
        return false;
    }
    if (before.ends_with(',') || before.ends_with(';'))
        && before[..before.len() - 1].ends_with(|c: char| c.is_ascii_digit())
    {
        return false;
    }
    true
}

fn dms_valid(s: &str) -> bool {
    // Split at the latitude hemisphere letter.
    let Some(split) = s.find(['N', 'S', 'n', 's']) else {
        return false;
    };
    let (lat, lon) = s.split_at(split);
    let parts = |t: &str| -> Vec<f64> {
        t.split(|c: char| !(c.is_ascii_digit() || c == '.'))
            .filter(|x| !x.is_empty())
            .filter_map(|x| x.parse().ok())
            .collect()
    };
    let (a, b) = (parts(lat), parts(lon));
    let ok = |p: &[f64], max_deg: f64| {
        p.len() >= 2 && p[0] <= max_deg && p[1] < 60.0 && p.get(2).map_or(true, |&sec| sec < 60.0)
    };
    ok(&a, 90.0) && ok(&b, 180.0)
}

fn coord_in_url() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)([-+]?[0-9]{1,2}\.[0-9]{2,})(?:,|%2C|~|/|!4d|\+|%20)+([-+]?[0-9]{1,3}\.[0-9]{2,})|mlat=([-+]?[0-9]{1,2}\.[0-9]{2,})&mlon=([-+]?[0-9]{1,3}\.[0-9]{2,})").ok()
    })
    .as_ref()
}

fn map_links(_text: &str, cands: &[Cand]) -> Vec<Hit> {
    let mut out = Vec::new();
    let Some(coord_re) = coord_in_url() else {
        return out;
    };
    for m in cands.iter() {
        // Trailing punctuation belongs to the sentence, not the URL.
        let url = m
            .as_str()
            .trim_end_matches(['.', ',', ')', '!', '?', ';', ':']);
        let has_coords = coord_re.captures_iter(url).any(|c| {
            let (la, lo) = match (c.get(1), c.get(2), c.get(3), c.get(4)) {
                (Some(a), Some(b), _, _) | (_, _, Some(a), Some(b)) => (a.as_str(), b.as_str()),
                _ => return false,
            };
            match (la.parse::<f64>(), lo.parse::<f64>()) {
                (Ok(lat), Ok(lon)) => {
                    lat.abs() <= 90.0 && lon.abs() <= 180.0 && !(lat == 0.0 && lon == 0.0)
                }
                _ => false,
            }
        });
        if has_coords {
            out.push(Hit::new(m.start(), m.start() + url.len()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::super::run_detector as run;

    #[test]
    fn decimal_pairs() {
        assert_eq!(
            run(&GPS_COORDINATES, "we are at -37.116394, 133.945673 now"),
            ["-37.116394, 133.945673"]
        );
        assert_eq!(
            run(&GPS_COORDINATES, "47.6062° N, 122.3321° W"),
            ["47.6062° N, 122.3321° W"]
        );
        assert!(run(&GPS_COORDINATES, "ratio 1.5, 2.25").is_empty());
        assert!(
            run(&GPS_COORDINATES, "95.1234, 10.1234").is_empty(),
            "latitude out of range"
        );
        assert!(
            run(&GPS_COORDINATES, "readings 1.2345, 2.3456, 3.4567").is_empty(),
            "a list"
        );
        assert!(run(&GPS_COORDINATES, "v1.2.3, 4.5.6").is_empty());
        assert!(
            run(&GPS_COORDINATES, "47.606, 122.332").is_empty(),
            "three decimals on both: too coarse"
        );
    }

    #[test]
    fn dms_pairs() {
        assert_eq!(
            run(&GPS_COORDINATES, "at 40°26'46\"N 79°58'56\"W!"),
            ["40°26'46\"N 79°58'56\"W"]
        );
        assert!(
            run(&GPS_COORDINATES, "40°76'46\"N 79°58'56\"W").is_empty(),
            "76 minutes"
        );
    }

    #[test]
    fn map_links_need_coordinates() {
        let t = "map https://maps.apple.com/?ll=47.63255,64.17052&z=14.";
        assert_eq!(
            run(&MAP_LINK, t),
            ["https://maps.apple.com/?ll=47.63255,64.17052&z=14"]
        );
        assert_eq!(
            run(
                &MAP_LINK,
                "https://www.google.com/maps/@48.8583701,2.2922926,17z"
            )
            .len(),
            1
        );
        assert_eq!(
            run(
                &MAP_LINK,
                "https://www.bing.com/maps?cp=47.6097~-122.3331&lvl=16"
            )
            .len(),
            1
        );
        assert_eq!(
            run(
                &MAP_LINK,
                "https://www.openstreetmap.org/#map=17/51.50330/-0.11950"
            )
            .len(),
            1
        );
        assert_eq!(
            run(
                &MAP_LINK,
                "https://www.openstreetmap.org/?mlat=51.5033&mlon=-0.1195"
            )
            .len(),
            1
        );
        assert!(run(&MAP_LINK, "https://maps.apple.com/?q=Coffee").is_empty());
        assert!(run(&MAP_LINK, "https://www.google.com/maps/place/Eiffel+Tower").is_empty());
    }
}

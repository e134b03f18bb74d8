//! The two ways video containers write coordinates: ISO 6709 strings (QuickTime `©xyz`, Apple's
//! `com.apple.quicktime.location.ISO6709` key) and 16.16 fixed-point numbers (3GPP `loci`).
//!
//! ISO 6709 packs latitude, longitude and an optional altitude into one signed string, e.g.
//! `+48.8584+002.2945+035.000/`. The number of integer digits says the unit: `±DD.D` degrees,
//! `±DDMM.M` degrees and minutes, `±DDMMSS.S` degrees, minutes and seconds (three digits of
//! degrees for longitude).

/// Coordinates read from an ISO 6709 string.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Iso6709 {
    pub lat: f64,
    pub lon: f64,
    pub altitude: Option<f64>,
}

/// Parses an ISO 6709 point, or `None` when the text is not one (or is off the globe).
pub fn parse_iso6709(text: &str) -> Option<Iso6709> {
    let text = text.trim_matches(|c: char| c == '\0' || c.is_whitespace());
    // The coordinates end at the terminator or at a coordinate reference system ("CRSWGS_84/").
    let body = text.split(['/', 'C']).next()?;
    let mut parts = Vec::with_capacity(3);
    let mut start = None;
    for (i, c) in body.char_indices() {
        match c {
            '+' | '-' => {
                if let Some(s) = start {
                    parts.push(&body[s..i]);
                }
                start = Some(i);
            }
            '0'..='9' | '.' => {
                start?;
            }
            _ => return None,
        }
    }
    if let Some(s) = start {
        parts.push(&body[s..]);
    }
    if parts.len() < 2 || parts.len() > 3 {
        return None;
    }
    let lat = component(parts[0], 2)?;
    let lon = component(parts[1], 3)?;
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        return None;
    }
    let altitude = match parts.get(2) {
        Some(p) => Some(p.parse::<f64>().ok().filter(|a| a.is_finite())?),
        None => None,
    };
    Some(Iso6709 { lat, lon, altitude })
}

/// One signed angle; `deg_digits` is 2 for latitude, 3 for longitude.
fn component(part: &str, deg_digits: usize) -> Option<f64> {
    let (sign, digits) = match part.as_bytes().first()? {
        b'+' => (1.0, &part[1..]),
        b'-' => (-1.0, &part[1..]),
        _ => return None,
    };
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, f),
        None => (digits, ""),
    };
    if int.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let value: f64 = digits.parse().ok()?;
    let frac_value = if frac.is_empty() {
        0.0
    } else {
        format!("0.{frac}").parse::<f64>().ok()?
    };
    let n = int.len();
    let degrees = if n <= deg_digits {
        value
    } else if n == deg_digits + 2 {
        let d: f64 = int[..deg_digits].parse().ok()?;
        let m: f64 = int[deg_digits..].parse::<f64>().ok()? + frac_value;
        if m >= 60.0 {
            return None;
        }
        d + m / 60.0
    } else if n == deg_digits + 4 {
        let d: f64 = int[..deg_digits].parse().ok()?;
        let m: f64 = int[deg_digits..deg_digits + 2].parse().ok()?;
        let s: f64 = int[deg_digits + 2..].parse::<f64>().ok()? + frac_value;
        if m >= 60.0 || s >= 60.0 {
            return None;
        }
        d + m / 60.0 + s / 3600.0
    } else {
        return None;
    };
    Some(sign * degrees)
}

/// A signed 16.16 fixed-point number (3GPP `loci` longitude, latitude and altitude).
pub fn fixed_16_16(raw: u32) -> f64 {
    f64::from(raw as i32) / 65536.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-6
    }

    #[test]
    fn decimal_degrees() {
        let p = parse_iso6709("+48.8584+002.2945+035.000/").expect("parses");
        assert!(close(p.lat, 48.8584) && close(p.lon, 2.2945));
        assert_eq!(p.altitude, Some(35.0));
        let p = parse_iso6709("-33.8688+151.2093/").expect("parses");
        assert!(close(p.lat, -33.8688) && close(p.lon, 151.2093) && p.altitude.is_none());
        // No terminator, trailing NUL, negative altitude, CRS suffix.
        let p = parse_iso6709("+51.4169-000.0806-012.5CRSWGS_84/\0").expect("parses");
        assert!(close(p.lon, -0.0806));
        assert_eq!(p.altitude, Some(-12.5));
        assert!(parse_iso6709("+00.0000+000.0000/").is_some_and(|p| p.lat == 0.0 && p.lon == 0.0));
    }

    #[test]
    fn minutes_and_seconds() {
        let p = parse_iso6709("+4851.504+00217.670/").expect("DDMM");
        assert!(close(p.lat, 48.0 + 51.504 / 60.0) && close(p.lon, 2.0 + 17.67 / 60.0));
        let p = parse_iso6709("-335130.5+1511233/").expect("DDMMSS");
        assert!(close(p.lat, -(33.0 + 51.0 / 60.0 + 30.5 / 3600.0)));
        assert!(close(p.lon, 151.0 + 12.0 / 60.0 + 33.0 / 3600.0));
        assert!(parse_iso6709("+4875.0+00217.0/").is_none(), "75 minutes");
    }

    #[test]
    fn rejects_non_points() {
        for bad in [
            "",
            "/",
            "48.85+2.29",
            "+48.85",
            "+91.0+000.0/",
            "+10.0+181.0/",
            "+1a.0+002.0/",
            "+1+2+3+4/",
            "++/",
        ] {
            assert!(parse_iso6709(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn fixed_point() {
        assert_eq!(fixed_16_16(0x0001_0000), 1.0);
        assert_eq!(fixed_16_16(0x0000_8000), 0.5);
        assert_eq!(fixed_16_16(0xFFFF_0000), -1.0);
        assert_eq!(fixed_16_16(0x8000_0000), -32768.0);
        // Round-trips to within half a step (1/131072 degree, about 0.8 m).
        let step = 1.0 / 131_072.0;
        assert!(
            (fixed_16_16((48.8584f64 * 65536.0).round() as i32 as u32) - 48.8584).abs() <= step
        );
        assert!(
            (fixed_16_16((-118.2543f64 * 65536.0).round() as i32 as u32) + 118.2543).abs() <= step
        );
    }
}

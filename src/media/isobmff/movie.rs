//! Movie metadata (MP4, MOV, 3GP): the `moov` box and the places cameras and phones write
//! location and identity into it.
//!
//! * QuickTime user data (`udta`): `©xyz` (an ISO 6709 string), `©mak`/`©mod`/`©day`, author
//!   atoms, GoPro's lens serial and `GPMF` settings (camera serial), dashcam GPS logs (`gps `,
//!   `GPS `, `gps0`, `udat`), and an `XMP_` packet;
//! * 3GPP user data: `loci` (place name and 16.16 fixed-point coordinates), `auth`;
//! * Apple metadata (`meta` with `keys` + `ilst`): `com.apple.quicktime.location.ISO6709` and the
//!   other `location.*` keys, make, model, creation date;
//! * iTunes-style `udta/meta/ilst` items (`©xyz`, `©day`, `©ART`);
//! * timed metadata tracks that carry GPS in the media data (GoPro GPMF `gpmd`, `camm`, DJI
//!   `djmd`, Apple `mebx` tracks with location keys), found from the track's sample description
//!   alone.
//!
//! Location atoms are removed by turning them into `free` atoms of the same size; readers skip
//! `free` atoms wherever they appear. Nothing under `stbl` is read except the first sample
//! description, and nothing in `mdat` at all.

use super::boxes::{fourcc, BoxHeader, Cursor};
use super::coords::{fixed_16_16, parse_iso6709};
use super::{Class, Scan};
use crate::media::MediaError;

/// The largest text atom, `keys` or `ilst` read into memory.
const MAX_ATOM: u64 = 1 << 20;

/// The most of a sample description read to look for location keys.
const MAX_SAMPLE_ENTRY: u64 = 64 * 1024;

/// Seconds from 1904-01-01 (the QuickTime epoch) to 1970-01-01.
const QUICKTIME_EPOCH_OFFSET: u64 = 2_082_844_800;

pub(super) fn moov(scan: &mut Scan, b: &BoxHeader, depth: usize) -> Result<(), MediaError> {
    for k in scan.w.children_of(b, 0, depth)? {
        match &k.typ {
            b"mvhd" => mvhd(scan, &k)?,
            b"gps " | b"GPS " => gps_log(scan, &k)?,
            b"udta" => udta(scan, &k, depth + 1)?,
            b"meta" => scan.meta(&k, depth + 1)?,
            b"trak" => trak(scan, &k, depth + 1)?,
            b"uuid" => scan.uuid(&k, depth + 1)?,
            _ => {}
        }
    }
    Ok(())
}

/// The movie header's creation time, kept aside: metadata naming the capture time wins.
fn mvhd(scan: &mut Scan, b: &BoxHeader) -> Result<(), MediaError> {
    let head = scan
        .w
        .read(b.payload_start(), b.payload_len().min(12), "mvhd box")?;
    let mut c = Cursor::new(&head, b.payload_start(), "mvhd box");
    let version = c.u8()?;
    c.skip(3)?;
    let created = if version == 1 {
        c.u64()?
    } else {
        u64::from(c.u32()?)
    };
    if let Some(unix) = created
        .checked_sub(QUICKTIME_EPOCH_OFFSET)
        .filter(|t| *t > 0)
    {
        scan.movie_created.get_or_insert_with(|| format_utc(unix));
    }
    Ok(())
}

fn trak(scan: &mut Scan, b: &BoxHeader, depth: usize) -> Result<(), MediaError> {
    for k in scan.w.children_of(b, 0, depth)? {
        match &k.typ {
            b"mdia" => mdia(scan, &k, depth + 1)?,
            b"udta" => udta(scan, &k, depth + 1)?,
            b"meta" => scan.meta(&k, depth + 1)?,
            b"uuid" => scan.uuid(&k, depth + 1)?,
            _ => {}
        }
    }
    Ok(())
}

/// Looks at a track's first sample description to recognise timed GPS.
fn mdia(scan: &mut Scan, b: &BoxHeader, depth: usize) -> Result<(), MediaError> {
    let Some(minf) = scan
        .w
        .children_of(b, 0, depth)?
        .into_iter()
        .find(|k| k.is(b"minf"))
    else {
        return Ok(());
    };
    let Some(stbl) = scan
        .w
        .children_of(&minf, 0, depth + 1)?
        .into_iter()
        .find(|k| k.is(b"stbl"))
    else {
        return Ok(());
    };
    let Some(stsd) = scan
        .w
        .children_of(&stbl, 0, depth + 2)?
        .into_iter()
        .find(|k| k.is(b"stsd"))
    else {
        return Ok(());
    };
    // stsd: version/flags, entry count, then sample entries (boxes).
    let entries = scan.w.children_of(&stsd, 8, depth + 3)?;
    let Some(entry) = entries.first() else {
        return Ok(());
    };
    let kind = match &entry.typ {
        b"gpmd" => Some("GoPro GPMF"),
        b"camm" => Some("camera motion metadata, camm"),
        // DJI drones record their position in every frame's metadata.
        b"djmd" => Some("DJI drone metadata"),
        b"mebx" => {
            let body = scan.w.read(
                entry.payload_start(),
                entry.payload_len().min(MAX_SAMPLE_ENTRY),
                "sample description",
            )?;
            let lower = body.to_ascii_lowercase();
            memchr::memmem::find(&lower, b"location")
                .or_else(|| memchr::memmem::find(&lower, b"iso6709"))
                .map(|_| "Apple timed location metadata")
        }
        _ => None,
    };
    if let Some(kind) = kind {
        scan.report
            .add_location_source(&format!("QuickTime:timed GPS track ({kind})"));
        scan.report.add_residual(format!(
            "timed GPS track in the video's media data ({kind}) — SafePost cannot remove it without re-muxing"
        ));
        if entry.is(b"gpmd") {
            scan.report.add_residual(
                "the same GoPro GPMF track also records the camera's serial numbers — they stay for the same reason",
            );
        }
    }
    Ok(())
}

/// User data: QuickTime `©` atoms, 3GPP atoms, GoPro atoms, XMP, iTunes `meta`.
fn udta(scan: &mut Scan, b: &BoxHeader, depth: usize) -> Result<(), MediaError> {
    for k in scan.w.children_of(b, 0, depth)? {
        match &k.typ {
            b"\xa9xyz" | b"@xyz" => {
                let text = text_atom(&scan.w.payload(&k, MAX_ATOM, "©xyz atom")?);
                location_string(scan, "QuickTime:©xyz", &text);
                scan.free(&k, Class::Location, "QuickTime ©xyz location")?;
            }
            b"udat" | b"gps0" | b"GPS " | b"gps " => gps_log(scan, &k)?,
            b"loci" => {
                let payload = scan.w.payload(&k, MAX_ATOM, "loci atom")?;
                match loci(&payload, k.payload_start()) {
                    Ok(l) => {
                        scan.report
                            .add_coordinates("3GP:loci", l.lat, l.lon, Some(l.altitude));
                        scan.report.add_place("3GP:loci", &l.name);
                    }
                    Err(_) => scan.report.add_location_source("3GP:loci"),
                }
                scan.free(&k, Class::Location, "3GP loci location")?;
            }
            b"\xa9mak" => {
                scan.report
                    .set_make(&text_atom(&scan.w.payload(&k, MAX_ATOM, "©mak atom")?))
            }
            b"\xa9mod" => {
                scan.report
                    .set_model(&text_atom(&scan.w.payload(&k, MAX_ATOM, "©mod atom")?))
            }
            b"\xa9day" => {
                let v = text_atom(&scan.w.payload(&k, MAX_ATOM, "©day atom")?);
                scan.report.set_captured_at(&v);
            }
            b"\xa9aut" | b"\xa9ART" | b"\xa9own" => {
                let v = text_atom(&scan.w.payload(&k, MAX_ATOM, "author atom")?);
                let tag = match &k.typ {
                    b"\xa9ART" => "UserData:Artist",
                    b"\xa9own" => "UserData:Owner",
                    _ => "UserData:Author",
                };
                scan.report.add_owner(tag, &v);
                scan.free(&k, Class::Identifying, "QuickTime author / owner")?;
            }
            b"auth" => {
                let v = full_box_string(&scan.w.payload(&k, MAX_ATOM, "auth atom")?);
                scan.report.add_owner("UserData:Author", &v);
                scan.free(&k, Class::Identifying, "3GP author")?;
            }
            b"LENS" | b"CAME" => {
                let raw = scan.w.payload(&k, MAX_ATOM, "GoPro serial atom")?;
                let (tag, value) = if k.is(b"LENS") {
                    (
                        "UserData:LensSerialNumber",
                        crate::media::found::clean_text(&String::from_utf8_lossy(&raw)),
                    )
                } else {
                    (
                        "UserData:SerialNumberHash",
                        // All zeros: the camera left the hash unset.
                        if raw.iter().all(|b| *b == 0) {
                            String::new()
                        } else {
                            raw.iter().map(|b| format!("{b:02x}")).collect()
                        },
                    )
                };
                scan.report.add_serial(tag, &value);
                scan.free(
                    &k,
                    Class::Identifying,
                    "GoPro camera and lens serial numbers",
                )?;
            }
            b"GPMF" => {
                let raw = scan.w.payload(&k, MAX_ATOM, "GoPro GPMF atom")?;
                if let Some(serial) = gpmf_string(&raw, b"CASN") {
                    scan.report.add_serial("GoPro:CameraSerialNumber", &serial);
                }
                scan.free(
                    &k,
                    Class::Identifying,
                    "GoPro settings (GPMF atom with the camera serial number)",
                )?;
            }
            b"XMP_" => {
                let packet = scan.w.payload(&k, super::MAX_METADATA, "XMP_ atom")?;
                scan.xmp(
                    &[(k.payload_start(), k.payload_len())],
                    &packet,
                    "QuickTime XMP_ atom",
                )?;
            }
            b"meta" => scan.meta(&k, depth + 1)?,
            b"uuid" => scan.uuid(&k, depth + 1)?,
            _ => {}
        }
    }
    Ok(())
}

/// A dashcam GPS log atom (ExifTool: Novatek `gps `, 70mai `GPS `, `gps0`, Datakam `udat`).
/// The atom is removed; a `gps ` atom in `moov` is only an index of GPS blocks stored in the
/// media data, and those blocks stay, which the report says.
fn gps_log(scan: &mut Scan, b: &BoxHeader) -> Result<(), MediaError> {
    if b.payload_len() == 0 {
        return Ok(());
    }
    let name = fourcc(&b.typ);
    scan.report
        .add_location_source(&format!("QuickTime:GPS log ({})", name.trim()));
    if b.is(b"gps ") {
        scan.report.add_residual(format!(
            "GPS log blocks in the video's media data (indexed by a '{name}' atom) — SafePost removes the index \
             but cannot remove the blocks without re-muxing"
        ));
    }
    scan.free(b, Class::Location, &format!("GPS log atom '{name}'"))
}

/// The text value of `key` in a GoPro GPMF key-length-value block (key, type `c`, element size,
/// 16-bit repeat count, then the value). Only the first occurrence is read.
fn gpmf_string(raw: &[u8], key: &[u8; 4]) -> Option<String> {
    let at = memchr::memmem::find(raw, key)?;
    let head = raw.get(at + 4..at + 8)?;
    if head[0] != b'c' {
        return None;
    }
    let len = usize::from(head[1]) * usize::from(u16::from_be_bytes([head[2], head[3]]));
    let value = raw.get(at + 8..at + 8 + len)?;
    Some(decode_text(value))
}

/// Records an ISO 6709 string found in `source` (the source is named even when the string is
/// unreadable, so the user still learns the file holds location).
fn location_string(scan: &mut Scan, source: &str, text: &str) {
    match parse_iso6709(text) {
        Some(p) => scan
            .report
            .add_coordinates(source, p.lat, p.lon, p.altitude),
        None if !text
            .trim_matches(|c: char| c == '\0' || c.is_whitespace())
            .is_empty() =>
        {
            scan.report.add_location_source(source)
        }
        None => {}
    }
}

/// The text of a QuickTime user-data atom: either "international text" (16-bit length,
/// 16-bit language, then the text) or an iTunes `data` box.
fn text_atom(payload: &[u8]) -> String {
    if payload.len() >= 16 && &payload[4..8] == b"data" {
        return data_value(&payload[8..]).as_text();
    }
    if payload.len() >= 4 {
        let n = usize::from(u16::from_be_bytes([payload[0], payload[1]]));
        let lang = u16::from_be_bytes([payload[2], payload[3]]);
        if n > 0 && 4 + n <= payload.len() {
            let raw = &payload[4..4 + n];
            // Language codes below 0x400 are Macintosh languages, whose text is Mac Roman.
            if lang < 0x400 && std::str::from_utf8(raw).is_err() {
                return mac_roman(raw);
            }
            return decode_text(raw);
        }
    }
    decode_text(payload)
}

/// Mac Roman bytes 0x80..=0xFF.
const MAC_ROMAN_HIGH: &str = "ÄÅÇÉÑÖÜáàâäãåçéèêëíìîïñóòôöõúùûü†°¢£§•¶ß®©™´¨≠ÆØ∞±≤≥¥µ∂∑∏π∫ªºΩæø\
                              ¿¡¬√ƒ≈∆«»…\u{A0}ÀÃÕŒœ–—“”‘’÷◊ÿŸ⁄€‹›ﬁﬂ‡·‚„‰ÂÊÁËÈÍÎÏÌÓÔ\u{F8FF}ÒÚÛÙıˆ˜¯˘˙˚¸˝˛ˇ";

/// Decodes Mac Roman text (old QuickTime files), up to the first NUL.
fn mac_roman(raw: &[u8]) -> String {
    raw.iter()
        .take_while(|b| **b != 0)
        .map(|&b| {
            if b < 0x80 {
                char::from(b)
            } else {
                MAC_ROMAN_HIGH
                    .chars()
                    .nth(usize::from(b - 0x80))
                    .unwrap_or('\u{FFFD}')
            }
        })
        .collect()
}

/// A 3GPP string atom: full box header, 16-bit language, then a NUL-terminated string.
fn full_box_string(payload: &[u8]) -> String {
    decode_text(payload.get(6..).unwrap_or_default())
}

/// UTF-16 (with byte-order mark) or UTF-8 text, up to the first NUL.
fn decode_text(raw: &[u8]) -> String {
    if raw.len() >= 2 && (raw[..2] == [0xFE, 0xFF] || raw[..2] == [0xFF, 0xFE]) {
        let le = raw[0] == 0xFF;
        let units: Vec<u16> = raw[2..]
            .chunks_exact(2)
            .map(|c| {
                if le {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            })
            .take_while(|u| *u != 0)
            .collect();
        return String::from_utf16_lossy(&units);
    }
    let end = raw.iter().position(|b| *b == 0).unwrap_or(raw.len());
    String::from_utf8_lossy(&raw[..end]).into_owned()
}

/// 3GPP location information.
#[derive(Debug, PartialEq)]
pub(super) struct Loci {
    pub name: String,
    pub lat: f64,
    pub lon: f64,
    pub altitude: f64,
}

/// Parses a `loci` payload (3GPP TS 26.244): full box header, language, name, role, then
/// longitude, latitude and altitude as signed 16.16 fixed point.
pub(super) fn loci(payload: &[u8], base: u64) -> Result<Loci, MediaError> {
    let mut c = Cursor::new(payload, base, "loci atom");
    c.skip(4 + 2)?;
    let rest = payload.get(c.pos()..).unwrap_or_default();
    let name_len = if rest.len() >= 2 && (rest[..2] == [0xFE, 0xFF] || rest[..2] == [0xFF, 0xFE]) {
        // UTF-16 name: up to and including a 16-bit NUL.
        let mut i = 2;
        while i + 1 < rest.len() && !(rest[i] == 0 && rest[i + 1] == 0) {
            i += 2;
        }
        (i + 2).min(rest.len())
    } else {
        rest.iter()
            .position(|b| *b == 0)
            .map(|i| i + 1)
            .unwrap_or(rest.len())
    };
    let name = decode_text(&rest[..name_len]);
    c.skip(name_len)?;
    let _role = c.u8()?;
    let lon = fixed_16_16(c.u32()?);
    let lat = fixed_16_16(c.u32()?);
    let altitude = fixed_16_16(c.u32()?);
    Ok(Loci {
        name,
        lat,
        lon,
        altitude,
    })
}

/// A value from an iTunes/QuickTime `data` box.
#[derive(Debug, PartialEq)]
enum Value {
    Text(String),
    Number(f64),
    Bytes(Vec<u8>),
}

impl Value {
    fn as_text(&self) -> String {
        match self {
            Value::Text(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        }
    }
}

/// Decodes a `data` box payload: 32-bit type (well-known type in the low 24 bits), 32-bit
/// locale, value.
fn data_value(payload: &[u8]) -> Value {
    if payload.len() < 8 {
        return Value::Bytes(Vec::new());
    }
    let typ = u32::from_be_bytes([0, payload[1], payload[2], payload[3]]);
    let v = &payload[8..];
    let be_int = |signed: bool| -> Option<f64> {
        match v.len() {
            1 => Some(if signed {
                f64::from(v[0] as i8)
            } else {
                f64::from(v[0])
            }),
            2 => {
                let x = u16::from_be_bytes([v[0], v[1]]);
                Some(if signed {
                    f64::from(x as i16)
                } else {
                    f64::from(x)
                })
            }
            4 => {
                let x = u32::from_be_bytes([v[0], v[1], v[2], v[3]]);
                Some(if signed {
                    f64::from(x as i32)
                } else {
                    f64::from(x)
                })
            }
            _ => None,
        }
    };
    match typ {
        1 => Value::Text(
            String::from_utf8_lossy(v)
                .trim_end_matches('\0')
                .to_string(),
        ),
        2 => Value::Text(decode_text(&[&[0xFE, 0xFF], v].concat())),
        23 if v.len() == 4 => {
            Value::Number(f64::from(f32::from_be_bytes([v[0], v[1], v[2], v[3]])))
        }
        24 if v.len() == 8 => {
            let mut a = [0u8; 8];
            a.copy_from_slice(v);
            Value::Number(f64::from_be_bytes(a))
        }
        21 => be_int(true)
            .map(Value::Number)
            .unwrap_or_else(|| Value::Bytes(v.to_vec())),
        22 => be_int(false)
            .map(Value::Number)
            .unwrap_or_else(|| Value::Bytes(v.to_vec())),
        _ => Value::Bytes(v.to_vec()),
    }
}

/// The key names of a `keys` box, in order (item `n` of the following `ilst` is key `n`).
pub(super) fn keys(scan: &mut Scan, b: &BoxHeader) -> Result<Vec<String>, MediaError> {
    let payload = scan.w.payload(b, MAX_ATOM, "keys box")?;
    let mut c = Cursor::new(&payload, b.payload_start(), "keys box");
    c.skip(4)?;
    let count = c.u32()?;
    let mut out = Vec::new();
    for _ in 0..count {
        if c.remaining() < 8 {
            return Err(MediaError::Truncated {
                what: "keys box",
                offset: b.payload_start() + c.pos() as u64,
            });
        }
        let size = c.u32()? as usize;
        let _namespace = c.bytes(4)?;
        let value = c.bytes(size.checked_sub(8).ok_or_else(|| MediaError::Malformed {
            what: "keys box",
            offset: b.payload_start() + c.pos() as u64,
            reason: format!("key entry of {size} bytes is shorter than its header"),
        })?)?;
        out.push(String::from_utf8_lossy(value).into_owned());
    }
    Ok(out)
}

/// Metadata items: keyed (Apple `mdta`, item type = 1-based key index) when `keys` is given,
/// else iTunes-style (item type = tag).
pub(super) fn ilst(
    scan: &mut Scan,
    b: &BoxHeader,
    keys: Option<&[String]>,
    depth: usize,
) -> Result<(), MediaError> {
    for item in scan.w.children_of(b, 0, depth)? {
        let name = match keys {
            Some(keys) => {
                let index = u32::from_be_bytes(item.typ) as usize;
                match index.checked_sub(1).and_then(|i| keys.get(i)) {
                    Some(k) => k.clone(),
                    None => continue,
                }
            }
            None => fourcc(&item.typ),
        };
        let mut value = None;
        let mut freeform_name = None;
        // An item whose inside is not a list of boxes is still classified by its name (and
        // removed whole if it is location); only a failing read is an error.
        let parts = match scan.w.children_of(&item, 0, depth + 1) {
            Ok(p) => p,
            Err(e @ MediaError::Io(_)) => return Err(e),
            Err(_) => Vec::new(),
        };
        for part in parts {
            match &part.typ {
                // An oversized value is not read, but the item is still classified by name.
                b"data" if value.is_none() && part.payload_len() <= MAX_ATOM => {
                    value = Some(data_value(&scan.w.payload(&part, MAX_ATOM, "data box")?))
                }
                b"name" => {
                    freeform_name = Some(decode_text(
                        scan.w
                            .payload(&part, MAX_ATOM, "name box")?
                            .get(4..)
                            .unwrap_or_default(),
                    ))
                }
                _ => {}
            }
        }
        let name = match (name.as_str(), freeform_name) {
            ("----", Some(n)) => n,
            _ => name,
        };
        let text = value.as_ref().map(Value::as_text).unwrap_or_default();
        item_found(scan, &item, &name, keys.is_some(), &text)?;
    }
    Ok(())
}

/// Classifies one metadata item by its key or tag name.
fn item_found(
    scan: &mut Scan,
    item: &BoxHeader,
    name: &str,
    keyed: bool,
    text: &str,
) -> Result<(), MediaError> {
    let lower = name.to_ascii_lowercase();
    let short = name.strip_prefix("com.apple.quicktime.").unwrap_or(name);
    let group = if keyed { "Keys" } else { "ItemList" };
    let source = format!("QuickTime:{group}:{short}");
    let is_location = lower == "©xyz"
        || lower.contains("location")
        || lower.contains("gps")
        || lower.contains("iso6709")
        || lower.starts_with("com.apple.quicktime.direction");
    if is_location {
        if lower.ends_with("location.name") {
            scan.report.add_place(&source, text);
            scan.report.add_location_source(&source);
        } else if lower == "©xyz" || lower.contains("iso6709") {
            location_string(scan, &source, text);
            scan.report.add_location_source(&source);
        } else {
            scan.report.add_location_source(&source);
        }
        return scan.free(item, Class::Location, &format!("QuickTime {group} {short}"));
    }
    if lower == "©mak" || lower.ends_with(".make") {
        scan.report.set_make(text);
    } else if lower == "©mod" || lower.ends_with(".model") {
        scan.report.set_model(text);
    } else if lower == "©day" || lower.ends_with("creationdate") {
        scan.report.set_captured_at(text);
    } else if lower.contains("serial") {
        scan.report.add_serial(&source, text);
        scan.free(
            item,
            Class::Identifying,
            &format!("QuickTime {group} {short}"),
        )?;
    } else if lower == "©art"
        || lower == "©aut"
        || lower.contains("author")
        || lower.contains("artist")
        || lower.contains("owner")
    {
        scan.report.add_owner(&source, text);
        scan.free(
            item,
            Class::Identifying,
            &format!("QuickTime {group} {short}"),
        )?;
    }
    Ok(())
}

/// `YYYY-MM-DDTHH:MM:SSZ` for seconds since 1970 (UTC).
fn format_utc(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Howard Hinnant's days-to-civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_dates() {
        assert_eq!(format_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(format_utc(1_700_000_000), "2023-11-14T22:13:20Z");
    }

    #[test]
    fn loci_fields() {
        let mut p = vec![0, 0, 0, 0, 0x15, 0xC7];
        p.extend_from_slice(b"Eiffel Tower\0");
        p.push(0); // role
        let fx = |v: f64| ((v * 65536.0).round() as i32).to_be_bytes();
        p.extend_from_slice(&fx(2.2945));
        p.extend_from_slice(&fx(48.8584));
        p.extend_from_slice(&fx(35.0));
        p.extend_from_slice(b"earth\0\0");
        let l = loci(&p, 0).expect("parses");
        assert_eq!(l.name, "Eiffel Tower");
        assert!(
            (l.lat - 48.8584).abs() < 1e-4 && (l.lon - 2.2945).abs() < 1e-4 && l.altitude == 35.0
        );
        for cut in 0..p.len() - 7 {
            assert!(loci(&p[..cut], 0).is_err(), "cut at {cut}");
        }
    }

    #[test]
    fn mac_roman_text() {
        assert_eq!(MAC_ROMAN_HIGH.chars().count(), 128);
        assert_eq!(
            text_atom(&[0, 6, 0, 0, 0x8C, b'r', b't', b'i', b's', b't']),
            "årtist"
        );
        assert_eq!(mac_roman(&[0xA9, 0xDB, 0xFF]), "©€ˇ");
    }

    #[test]
    fn gpmf_serial() {
        let mut raw = b"DEVC\0\x01\0\x10CASNc\x01\0\x0fC3353424500199\0\0".to_vec();
        assert_eq!(
            gpmf_string(&raw, b"CASN").as_deref(),
            Some("C3353424500199")
        );
        raw.truncate(20);
        assert_eq!(gpmf_string(&raw, b"CASN"), None);
        assert_eq!(gpmf_string(b"CASNL\x04\0\x01abcd", b"CASN"), None);
    }

    #[test]
    fn text_atoms() {
        let mut a = vec![0, 5, 0x15, 0xC7];
        a.extend_from_slice(b"Apple");
        assert_eq!(text_atom(&a), "Apple");
        let mut d = vec![0, 0, 0, 20];
        d.extend_from_slice(b"data");
        d.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 0]);
        d.extend_from_slice(b"Pixel");
        assert_eq!(text_atom(&d), "Pixel");
        assert_eq!(decode_text(&[0xFE, 0xFF, 0, b'h', 0, b'i', 0, 0]), "hi");
        assert_eq!(
            data_value(&[0, 0, 0, 23, 0, 0, 0, 0, 0x3F, 0x80, 0, 0]),
            Value::Number(1.0)
        );
    }
}

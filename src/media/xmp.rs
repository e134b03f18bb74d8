//! XMP packets: location (`exif:GPS*`, `photoshop:City`, `Iptc4xmpCore:Location`,
//! `Iptc4xmpExt:LocationCreated`, DJI drone GPS, Darwin Core locations, ...) and identity
//! properties (serial numbers, owner names, history), removed by rewriting the packet at the same
//! length.
//!
//! XMP is RDF/XML, and the same property may be written as an attribute
//! (`<rdf:Description exif:GPSLatitude="..."/>`) or as an element
//! (`<exif:GPSLatitude>...</exif:GPSLatitude>`), possibly holding a structure. A small tolerant
//! scanner ([`scan`]) finds both forms by namespace URI (prefixes are resolved, not trusted),
//! with their byte ranges. Removal overwrites those ranges with spaces: whitespace between
//! attributes and between property elements means nothing in RDF/XML, so the packet stays valid
//! and keeps its length, which lets containers patch it in place.

use super::place::PlaceLevel;
use super::{MediaReport, StripMode};
use std::collections::HashMap;

const NS_EXIF: &str = "http://ns.adobe.com/exif/1.0/";
const NS_AUX: &str = "http://ns.adobe.com/exif/1.0/aux/";
const NS_EXIF_EX: &str = "http://cipa.jp/exif/1.0/";
const NS_TIFF: &str = "http://ns.adobe.com/tiff/1.0/";
const NS_PHOTOSHOP: &str = "http://ns.adobe.com/photoshop/1.0/";
const NS_IPTC_CORE: &str = "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/";
const NS_IPTC_EXT: &str = "http://iptc.org/std/Iptc4xmpExt/2008-02-29/";
const NS_DJI: &str = "http://www.dji.com/drone-dji/1.0/";
const NS_DWC_PREFIX: &str = "http://rs.tdwg.org/dwc/";
const NS_DC: &str = "http://purl.org/dc/elements/1.1/";
const NS_XMP_MM: &str = "http://ns.adobe.com/xap/1.0/mm/";
const NS_XMP_DM: &str = "http://ns.adobe.com/xmp/1.0/DynamicMedia/";
const NS_PHOTOMECH: &str = "http://ns.camerabits.com/photomechanic/1.0/";
const NS_XMP: &str = "http://ns.adobe.com/xap/1.0/";
const NS_GCAMERA: &str = "http://ns.google.com/photos/1.0/camera/";
const NS_CONTAINER: &str = "http://ns.google.com/photos/1.0/container/";
const NS_CONTAINER_ITEM: &str = "http://ns.google.com/photos/1.0/container/item/";
const NS_GEOTATE: &str = "http://www.geotate.com/Geotate/1.0/";
const NS_RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";

/// Deeper element nesting than this is hostile; the scan stops there.
const MAX_DEPTH: usize = 256;

/// A UTF-16 packet re-encoded as UTF-8, with the original offset of every UTF-8 byte (and one
/// past the end), so ranges found in the copy can be blanked in the original.
struct Narrowed {
    utf8: Vec<u8>,
    map: Vec<usize>,
    big_endian: bool,
}

/// Packets are UTF-8 almost always; some older writers used UTF-16 (with or without a BOM).
fn narrow_utf16(packet: &[u8]) -> Option<Narrowed> {
    let big_endian = match packet {
        [0xFE, 0xFF, ..] | [0, b'<', ..] => true,
        [0xFF, 0xFE, ..] | [b'<', 0, ..] => false,
        _ => return None,
    };
    let units = packet.chunks_exact(2).map(|c| {
        if big_endian {
            u16::from_be_bytes([c[0], c[1]])
        } else {
            u16::from_le_bytes([c[0], c[1]])
        }
    });
    let mut utf8 = Vec::with_capacity(packet.len() / 2);
    let mut map = Vec::with_capacity(packet.len() / 2 + 1);
    let mut at = 0usize;
    for ch in char::decode_utf16(units) {
        let ch = ch.unwrap_or(char::REPLACEMENT_CHARACTER);
        let width = if ch == char::REPLACEMENT_CHARACTER { 2 } else { ch.len_utf16() * 2 };
        let mut buf = [0u8; 4];
        for b in ch.encode_utf8(&mut buf).bytes() {
            utf8.push(b);
            map.push(at);
        }
        at += width;
    }
    map.push(at.min(packet.len()));
    Some(Narrowed { utf8, map, big_endian })
}

/// Adds what an XMP packet reveals to `report`.
pub fn inspect_xmp(packet: &[u8], report: &mut MediaReport) {
    if let Some(n) = narrow_utf16(packet) {
        return inspect_xmp(&n.utf8, report);
    }
    let scan = scan(packet);
    let mut coords: Vec<(&'static str, Coord)> = Vec::new();
    for p in &scan.props {
        match classify(p) {
            Role::Coord(source, axis) => {
                let Some(v) = parse_coordinate(&p.value) else { continue };
                let slot = match coords.iter_mut().find(|(s, _)| *s == source) {
                    Some((_, c)) => c,
                    None => {
                        coords.push((source, Coord::default()));
                        match coords.last_mut() {
                            Some((_, c)) => c,
                            None => continue,
                        }
                    }
                };
                let field = match axis {
                    Axis::Lat => &mut slot.lat,
                    Axis::Lon => &mut slot.lon,
                    Axis::Alt => &mut slot.alt,
                    Axis::AltRef => &mut slot.alt_ref,
                };
                if field.is_none() {
                    *field = Some(v);
                }
            }
            Role::Place(source, level) => report.add_place_part(&source, level, &p.value),
            Role::Points => {
                for (lat, lon) in super::words::geotate_points(&p.value) {
                    report.add_coordinates("XMP-Geotate:POI", lat, lon, None);
                }
                report.add_location_source("XMP-Geotate:POI");
            }
            Role::Words(field) => report.add_words(&field, &p.value),
            Role::LocationOther | Role::Private | Role::None => {}
            Role::Serial(tag) => report.add_serial(&tag, &p.value),
            Role::Owner(tag) => report.add_owner(&tag, &p.value),
            Role::Make => report.set_make(&p.value),
            Role::Model => report.set_model(&p.value),
            Role::Captured => report.set_captured_at(&p.value),
        }
    }
    for (source, c) in coords {
        if let (Some(lat), Some(lon)) = (c.lat, c.lon) {
            let alt = c.alt.map(|a| if c.alt_ref == Some(1.0) { -a } else { a });
            report.add_coordinates(source, lat, lon, alt);
        }
    }
    if scan.truncated {
        report.add_residual("an XMP packet is damaged; location in its unreadable part could not be checked");
    }
    // Google/Samsung motion photos: a video is appended after the picture. A container that
    // finds and walks that video (JPEG) replaces this sentence with what the video holds.
    if motion_flagged(&scan) {
        report.add_residual(MOTION_PHOTO_RESIDUAL);
    }
}

/// The residual for a motion photo whose appended video was not found or not read.
pub(crate) const MOTION_PHOTO_RESIDUAL: &str = "a motion-photo video is stored after the picture; its own metadata (which can include location) is not checked or removed";

fn motion_flagged(scan: &Scan) -> bool {
    scan.props.iter().any(|p| {
        p.uri == NS_GCAMERA && matches!(p.local.as_str(), "MicroVideo" | "MotionPhoto") && p.value.trim() == "1"
            || p.uri == NS_GCAMERA && p.local == "MicroVideoOffset"
    })
}

/// Where a Google or Samsung motion photo's XMP says its video is: the hints a container uses to
/// find the MP4 stored after the picture. Each is checked against the bytes there before use.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct MotionPhoto {
    /// The packet marks the picture as a motion photo (`GCamera:MicroVideo`/`MotionPhoto` = 1,
    /// or a `MicroVideoOffset`).
    pub flagged: bool,
    /// `GCamera:MicroVideoOffset`: the video starts this many bytes before the end of the file.
    pub micro_video_offset: Option<u64>,
    /// The video item of a `Container:Directory`.
    pub video_item: Option<VideoItem>,
}

/// The video's entry in a `Container:Directory`: items are stored one after another after the
/// primary image, so the video starts the lengths of itself and of the items after it before the
/// end of the file (plus paddings, which writers use inconsistently: both counts are given).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct VideoItem {
    /// Distance of the video's start from the end of the file, paddings left out.
    pub from_end: u64,
    /// The same with every item's padding counted.
    pub from_end_padded: u64,
    /// The video's own length (`Item:Length`).
    pub length: u64,
}

/// One `Container:Item` of a `Container:Directory`.
#[derive(Default)]
struct DirectoryItem {
    start: usize,
    semantic: String,
    mime: String,
    length: u64,
    padding: u64,
}

/// Reads the motion-photo hints of an XMP packet.
pub(crate) fn motion_photo(packet: &[u8]) -> MotionPhoto {
    if let Some(n) = narrow_utf16(packet) {
        return motion_photo(&n.utf8);
    }
    let scan = scan(packet);
    let mut out = MotionPhoto { flagged: motion_flagged(&scan), ..MotionPhoto::default() };
    out.micro_video_offset = scan
        .props
        .iter()
        .find(|p| p.uri == NS_GCAMERA && p.local == "MicroVideoOffset")
        .and_then(|p| p.value.trim().parse().ok());
    // Items are `Container:Item` structures (attributes or elements); their fields are the
    // `Item:` properties inside each one's byte range.
    let mut items: Vec<DirectoryItem> = scan
        .props
        .iter()
        .filter(|p| p.uri == NS_CONTAINER && p.local == "Item")
        .map(|p| DirectoryItem { start: p.start, ..DirectoryItem::default() })
        .collect();
    let ranges: Vec<(usize, usize)> =
        scan.props.iter().filter(|p| p.uri == NS_CONTAINER && p.local == "Item").map(|p| (p.start, p.end)).collect();
    for p in scan.props.iter().filter(|p| p.uri == NS_CONTAINER_ITEM) {
        // The innermost item enclosing the field.
        let Some(i) = ranges
            .iter()
            .enumerate()
            .filter(|(_, (s, e))| *s <= p.start && p.start < *e)
            .max_by_key(|(_, (s, _))| *s)
            .map(|(i, _)| i)
        else {
            continue;
        };
        let item = &mut items[i];
        let value = p.value.trim();
        match p.local.as_str() {
            "Semantic" => item.semantic = value.to_string(),
            "Mime" => item.mime = value.to_ascii_lowercase(),
            "Length" => item.length = value.parse().unwrap_or(0),
            "Padding" => item.padding = value.parse().unwrap_or(0),
            _ => {}
        }
    }
    items.sort_by_key(|i| i.start);
    let video = items.iter().position(|i| i.semantic == "MotionPhoto" || i.mime.starts_with("video/"));
    if let Some(k) = video.filter(|k| *k > 0 && items[*k].length > 0) {
        let rest = &items[k..];
        out.video_item = Some(VideoItem {
            from_end: rest.iter().fold(0u64, |a, i| a.saturating_add(i.length)),
            from_end_padded: rest.iter().fold(0u64, |a, i| a.saturating_add(i.length).saturating_add(i.padding)),
            length: items[k].length,
        });
    }
    out
}

/// A same-length copy of the packet with `mode`'s properties removed (padded with whitespace),
/// or `None` when there is nothing to remove.
pub fn clean_xmp(packet: &[u8], mode: StripMode) -> Option<Vec<u8>> {
    if let Some(n) = narrow_utf16(packet) {
        // Blank the same characters in the UTF-16 original, two bytes per space.
        let clean = clean_xmp(&n.utf8, mode)?;
        let mut out = packet.to_vec();
        let space: [u8; 2] = if n.big_endian { [0, b' '] } else { [b' ', 0] };
        for (i, (old, new)) in n.utf8.iter().zip(&clean).enumerate() {
            if old != new {
                let (start, end) = (n.map[i], n.map[i + 1]);
                for (j, b) in out.get_mut(start..end).into_iter().flatten().enumerate() {
                    *b = space[j % 2];
                }
            }
        }
        return Some(out);
    }
    let scan = scan(packet);
    let mut ranges: Vec<(usize, usize)> = scan
        .props
        .iter()
        .filter(|p| {
            let role = classify(p);
            role.is_location()
                || mode == StripMode::Identifying && role.is_identifying()
                || matches!(role, Role::Words(_)) && super::words::carries_location(&p.value)
        })
        .map(|p| (p.start, p.end))
        .collect();
    if ranges.is_empty() {
        return None;
    }
    ranges.sort_unstable();
    let mut out = packet.to_vec();
    for (s, e) in ranges {
        for b in out.get_mut(s..e).into_iter().flatten() {
            if *b != b'\n' && *b != b'\r' {
                *b = b' ';
            }
        }
    }
    Some(out)
}

/// True when `packet` holds a property `mode` removes (used by containers that cannot rewrite a
/// packet in place and must say so).
pub fn needs_cleaning(packet: &[u8], mode: StripMode) -> bool {
    clean_xmp(packet, mode).is_some()
}

#[derive(Default, Clone, Copy)]
struct Coord {
    lat: Option<f64>,
    lon: Option<f64>,
    alt: Option<f64>,
    alt_ref: Option<f64>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Axis {
    Lat,
    Lon,
    Alt,
    AltRef,
}

enum Role {
    Coord(&'static str, Axis),
    /// A place-name part, with how specific its field is.
    Place(String, PlaceLevel),
    /// Geotate's points of interest near the picture, with their coordinates.
    Points,
    /// A title, caption or keywords (location only when its text says where).
    Words(String),
    LocationOther,
    Serial(String),
    Owner(String),
    Make,
    Model,
    Captured,
    Private,
    None,
}

impl Role {
    fn is_location(&self) -> bool {
        matches!(self, Role::Coord(..) | Role::Place(..) | Role::Points | Role::LocationOther)
    }
    fn is_identifying(&self) -> bool {
        matches!(self, Role::Serial(_) | Role::Owner(_) | Role::Private)
    }
}

/// Uppercases the first letter, as ExifTool names XMP tags (`City`, `CountryCode`).
fn tag_name(local: &str) -> String {
    let mut c = local.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn classify(p: &Prop) -> Role {
    let uri = p.uri.as_str();
    let local = p.local.as_str();
    let lower = local.to_ascii_lowercase();
    // Inside an IPTC Extension location structure or a Darwin Core location.
    let container = p.path.iter().find_map(|(u, l)| {
        if u == NS_IPTC_EXT && (l == "LocationCreated" || l == "LocationShown") {
            Some(l.as_str())
        } else if u.starts_with(NS_DWC_PREFIX) && l.to_ascii_lowercase().contains("location") {
            Some("dwc")
        } else {
            None
        }
    });
    if let Some(container) = container {
        let (place_source, gps_source) = match container {
            "LocationCreated" => ("XMP-iptcExt:LocationCreated", "XMP:iptcExt:LocationCreatedGPS"),
            "LocationShown" => ("XMP-iptcExt:LocationShown", "XMP:iptcExt:LocationShownGPS"),
            _ => ("XMP-dwc:Location", "XMP:dwc:DecimalLatLon"),
        };
        return match lower.as_str() {
            "gpslatitude" | "decimallatitude" => Role::Coord(gps_source, Axis::Lat),
            "gpslongitude" | "decimallongitude" => Role::Coord(gps_source, Axis::Lon),
            "gpsaltitude" => Role::Coord(gps_source, Axis::Alt),
            "city" | "sublocation" | "provincestate" | "countryname" | "countrycode" | "worldregion"
            | "locationname" | "locality" | "country" | "stateprovince" | "county" | "municipality" => {
                Role::Place(place_source.to_string(), PlaceLevel::of_tag(&lower))
            }
            _ => Role::LocationOther,
        };
    }
    match uri {
        NS_EXIF if local.starts_with("GPS") => match local {
            "GPSLatitude" => Role::Coord("XMP:exif:GPS", Axis::Lat),
            "GPSLongitude" => Role::Coord("XMP:exif:GPS", Axis::Lon),
            "GPSAltitude" => Role::Coord("XMP:exif:GPS", Axis::Alt),
            "GPSAltitudeRef" => Role::Coord("XMP:exif:GPS", Axis::AltRef),
            _ => Role::LocationOther,
        },
        NS_EXIF if local == "DateTimeOriginal" => Role::Captured,
        NS_GEOTATE if local == "GeotatePOI" => Role::Points,
        NS_DC if matches!(local, "description" | "title" | "subject") => Role::Words(format!("XMP-dc:{}", tag_name(local))),
        NS_PHOTOSHOP => match local {
            "City" | "State" | "Country" => Role::Place(format!("XMP-photoshop:{local}"), PlaceLevel::of_tag(local)),
            "Headline" => Role::Words("XMP-photoshop:Headline".into()),
            "DateCreated" => Role::Captured,
            _ => Role::None,
        },
        NS_IPTC_CORE => match local {
            "Location" | "CountryCode" => Role::Place(format!("XMP-iptcCore:{local}"), PlaceLevel::of_tag(local)),
            "CreatorContactInfo" => Role::Private,
            _ => Role::None,
        },
        NS_IPTC_EXT => match local {
            "LocationCreated" | "LocationShown" => Role::LocationOther,
            _ => Role::None,
        },
        NS_PHOTOMECH if local == "CountryCode" => Role::LocationOther,
        NS_XMP_DM if local == "shotLocation" => Role::Place("XMP-xmpDM:ShotLocation".into(), PlaceLevel::Spot),
        NS_DJI => {
            if lower.contains("serialnumber") {
                Role::Serial(format!("XMP-drone-dji:{}", tag_name(local)))
            } else if lower == "gpslatitude" || lower == "latitude" {
                Role::Coord("XMP:drone-dji:GPS", Axis::Lat)
            } else if matches!(lower.as_str(), "gpslongitude" | "gpslongtitude" | "longitude") {
                Role::Coord("XMP:drone-dji:GPS", Axis::Lon)
            } else if lower == "absolutealtitude" {
                Role::Coord("XMP:drone-dji:GPS", Axis::Alt)
            } else if ["gps", "latitude", "longitude", "longtitude", "altitude", "rtk"]
                .iter()
                .any(|k| lower.contains(k))
            {
                Role::LocationOther
            } else {
                Role::None
            }
        }
        u if u.starts_with(NS_DWC_PREFIX) => match lower.as_str() {
            "decimallatitude" => Role::Coord("XMP:dwc:DecimalLatLon", Axis::Lat),
            "decimallongitude" => Role::Coord("XMP:dwc:DecimalLatLon", Axis::Lon),
            "location" | "locality" | "verbatimlocality" | "country" | "countrycode" | "stateprovince" | "county"
            | "municipality" | "island" | "islandgroup" | "waterbody" | "highergeography" => {
                Role::Place("XMP-dwc:Location".into(), PlaceLevel::of_tag(&lower))
            }
            l if l.contains("latitude")
                || l.contains("longitude")
                || l.contains("coordinate")
                || l.contains("elevation")
                || l.contains("georeference")
                || l == "locationid"
                || l == "geodeticdatum"
                || l == "footprintwkt" =>
            {
                Role::LocationOther
            }
            _ => Role::None,
        },
        NS_AUX => match local {
            "SerialNumber" | "LensSerialNumber" => Role::Serial(format!("XMP-aux:{local}")),
            "OwnerName" => Role::Owner("XMP-aux:OwnerName".into()),
            _ => Role::None,
        },
        NS_EXIF_EX => match local {
            "BodySerialNumber" => Role::Serial("XMP-exifEX:SerialNumber".into()),
            "LensSerialNumber" => Role::Serial("XMP-exifEX:LensSerialNumber".into()),
            "CameraOwnerName" => Role::Owner("XMP-exifEX:OwnerName".into()),
            _ => Role::None,
        },
        NS_TIFF => match local {
            "Make" => Role::Make,
            "Model" => Role::Model,
            "Artist" => Role::Owner("XMP-tiff:Artist".into()),
            _ => Role::None,
        },
        NS_DC if local == "creator" => Role::Owner("XMP-dc:Creator".into()),
        NS_XMP if local == "Thumbnails" => Role::Private,
        NS_XMP_MM => match local {
            "History" | "DerivedFrom" | "Ingredients" | "Pantry" | "Manifest" | "OriginalDocumentID" | "DocumentID"
            | "InstanceID" | "PreservedFileName" => Role::Private,
            _ => Role::None,
        },
        _ => Role::None,
    }
}

/// Parses an XMP coordinate: `"48,51.6N"`, `"48,51,36N"`, `"-48.86"`, `"+2.35"`, or a reference
/// letter alone (`N`/`E` give 1, `S`/`W` give -1); altitude references `0`/`1` parse as numbers.
pub(crate) fn parse_coordinate(s: &str) -> Option<f64> {
    let s = s.trim();
    match s {
        "N" | "E" => return Some(1.0),
        "S" | "W" => return Some(-1.0),
        _ => {}
    }
    let (body, sign) = match s.chars().last() {
        Some('N' | 'E' | 'n' | 'e') => (&s[..s.len() - 1], 1.0),
        Some('S' | 'W' | 's' | 'w') => (&s[..s.len() - 1], -1.0),
        _ => (s, 1.0),
    };
    let (body, sign) = match body.trim_start().strip_prefix('-') {
        Some(rest) => (rest, -sign),
        None => (body.trim_start().trim_start_matches('+'), sign),
    };
    let mut total = 0.0;
    let mut scale = 1.0;
    let mut parts = 0;
    for part in body.split([',', ' ']).filter(|p| !p.is_empty()) {
        let v: f64 = if let Some((n, d)) = part.split_once('/') {
            let (n, d): (f64, f64) = (n.trim().parse().ok()?, d.trim().parse().ok()?);
            if d == 0.0 {
                return None;
            }
            n / d
        } else {
            part.trim().parse().ok()?
        };
        total += v * scale;
        scale /= 60.0;
        parts += 1;
        if parts > 3 {
            return None;
        }
    }
    (parts > 0 && total.is_finite()).then_some(total * sign)
}

// --- the scanner ------------------------------------------------------------------------------

/// A property found in a packet: an attribute or an element (with its whole content).
struct Prop {
    uri: String,
    local: String,
    /// Enclosing property elements, outermost first (`rdf:` elements left out).
    path: Vec<(String, String)>,
    /// Text value: the attribute value, or the element's text content.
    value: String,
    /// Byte range to blank to remove the property.
    start: usize,
    end: usize,
}

struct Scan {
    props: Vec<Prop>,
    /// The packet ended inside a construct, or nested too deeply.
    truncated: bool,
}

struct Open {
    uri: String,
    local: String,
    qname: String,
    start: usize,
    content_start: usize,
    saved_ns: Vec<(String, Option<String>)>,
}

/// Finds every attribute and element property in `packet`, tolerating damage (it stops at the
/// first unreadable construct and says so).
fn scan(packet: &[u8]) -> Scan {
    let mut props = Vec::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut ns: HashMap<String, String> = HashMap::new();
    ns.insert("xml".into(), "http://www.w3.org/XML/1998/namespace".into());
    let mut pos = 0;
    let mut truncated = false;
    let find = |from: usize, pat: &[u8]| -> Option<usize> {
        packet.get(from..).and_then(|h| memchr::memmem::find(h, pat)).map(|i| from + i)
    };
    while let Some(lt) = packet.get(pos..).and_then(|h| memchr::memchr(b'<', h)).map(|i| pos + i) {
        let rest = &packet[lt..];
        let end = if rest.starts_with(b"<?") {
            find(lt, b"?>").map(|i| i + 2)
        } else if rest.starts_with(b"<!--") {
            find(lt, b"-->").map(|i| i + 3)
        } else if rest.starts_with(b"<![CDATA[") {
            find(lt, b"]]>").map(|i| i + 3)
        } else if rest.starts_with(b"<!") {
            find(lt, b">").map(|i| i + 1)
        } else if rest.starts_with(b"</") {
            let Some(gt) = find(lt, b">") else {
                truncated = true;
                break;
            };
            let name = String::from_utf8_lossy(&packet[lt + 2..gt]).trim().to_string();
            if let Some(i) = stack.iter().rposition(|o| o.qname == name) {
                while stack.len() > i {
                    let Some(open) = stack.pop() else { break };
                    for (prefix, old) in open.saved_ns.iter().rev() {
                        match old {
                            Some(u) => ns.insert(prefix.clone(), u.clone()),
                            None => ns.remove(prefix),
                        };
                    }
                    if open.uri != NS_RDF && stack.len() == i {
                        let value = text_content(&packet[open.content_start..lt]);
                        props.push(Prop {
                            path: path_of(&stack),
                            uri: open.uri,
                            local: open.local,
                            value,
                            start: open.start,
                            end: gt + 1,
                        });
                    }
                }
            }
            Some(gt + 1)
        } else {
            match start_tag(packet, lt) {
                None => None,
                Some(tag) => {
                    let mut saved = Vec::new();
                    for a in &tag.attrs {
                        let prefix = if a.name == "xmlns" {
                            Some(String::new())
                        } else {
                            a.name.strip_prefix("xmlns:").map(str::to_string)
                        };
                        if let Some(prefix) = prefix {
                            let old = ns.insert(prefix.clone(), a.value.clone());
                            saved.push((prefix, old));
                        }
                    }
                    let (uri, local) = resolve(&ns, &tag.name);
                    let mut path = path_of(&stack);
                    if uri != NS_RDF {
                        path.push((uri.clone(), local.clone()));
                    }
                    for a in &tag.attrs {
                        if a.name == "xmlns" || a.name.starts_with("xmlns:") || !a.name.contains(':') {
                            continue;
                        }
                        let (auri, alocal) = resolve(&ns, &a.name);
                        if auri == NS_RDF || auri.is_empty() {
                            continue;
                        }
                        props.push(Prop {
                            uri: auri,
                            local: alocal,
                            path: path.clone(),
                            value: a.value.clone(),
                            start: a.start,
                            end: a.end,
                        });
                    }
                    if tag.self_closing {
                        for (prefix, old) in saved.iter().rev() {
                            match old {
                                Some(u) => ns.insert(prefix.clone(), u.clone()),
                                None => ns.remove(prefix),
                            };
                        }
                        if uri != NS_RDF {
                            props.push(Prop {
                                uri,
                                local,
                                path: path_of(&stack),
                                value: String::new(),
                                start: lt,
                                end: tag.end,
                            });
                        }
                    } else {
                        if stack.len() >= MAX_DEPTH {
                            truncated = true;
                            break;
                        }
                        stack.push(Open {
                            uri,
                            local,
                            qname: tag.name,
                            start: lt,
                            content_start: tag.end,
                            saved_ns: saved,
                        });
                    }
                    Some(tag.end)
                }
            }
        };
        match end {
            Some(e) => pos = e,
            None => {
                truncated = true;
                break;
            }
        }
    }
    Scan { props, truncated }
}

fn path_of(stack: &[Open]) -> Vec<(String, String)> {
    stack.iter().filter(|o| o.uri != NS_RDF).map(|o| (o.uri.clone(), o.local.clone())).collect()
}

fn resolve(ns: &HashMap<String, String>, qname: &str) -> (String, String) {
    match qname.split_once(':') {
        Some((prefix, local)) => (ns.get(prefix).cloned().unwrap_or_default(), local.to_string()),
        None => (ns.get("").cloned().unwrap_or_default(), qname.to_string()),
    }
}

struct Attr {
    name: String,
    value: String,
    start: usize,
    end: usize,
}

struct StartTag {
    name: String,
    attrs: Vec<Attr>,
    self_closing: bool,
    /// One past the closing `>`.
    end: usize,
}

fn is_name_byte(b: u8) -> bool {
    !b.is_ascii_whitespace() && !matches!(b, b'=' | b'>' | b'/' | b'<' | b'"' | b'\'')
}

/// Parses the start tag at `lt`, or `None` when it is cut short or malformed.
fn start_tag(p: &[u8], lt: usize) -> Option<StartTag> {
    let mut i = lt + 1;
    let name_start = i;
    while p.get(i).is_some_and(|b| is_name_byte(*b)) {
        i += 1;
    }
    if i == name_start {
        return None;
    }
    let name = String::from_utf8_lossy(&p[name_start..i]).into_owned();
    let mut attrs = Vec::new();
    loop {
        while p.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
            i += 1;
        }
        match p.get(i)? {
            b'>' => return Some(StartTag { name, attrs, self_closing: false, end: i + 1 }),
            b'/' => {
                return (p.get(i + 1) == Some(&b'>')).then_some(StartTag {
                    name,
                    attrs,
                    self_closing: true,
                    end: i + 2,
                });
            }
            _ => {}
        }
        let astart = i;
        while p.get(i).is_some_and(|b| is_name_byte(*b)) {
            i += 1;
        }
        if i == astart {
            return None;
        }
        let aname = String::from_utf8_lossy(&p[astart..i]).into_owned();
        while p.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
            i += 1;
        }
        if p.get(i) != Some(&b'=') {
            return None;
        }
        i += 1;
        while p.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
            i += 1;
        }
        let quote = *p.get(i)?;
        if quote != b'"' && quote != b'\'' {
            return None;
        }
        let vstart = i + 1;
        let vend = vstart + memchr::memchr(quote, p.get(vstart..)?)?;
        attrs.push(Attr { name: aname, value: unescape(&p[vstart..vend]), start: astart, end: vend + 1 });
        i = vend + 1;
    }
}

/// The text inside an element, tags removed, entities decoded, fragments joined by spaces.
fn text_content(inner: &[u8]) -> String {
    let mut parts = Vec::new();
    let mut i = 0;
    while i < inner.len() {
        match memchr::memchr(b'<', &inner[i..]) {
            Some(0) => {
                if inner[i..].starts_with(b"<![CDATA[") {
                    let body = i + 9;
                    let end = memchr::memmem::find(&inner[body..], b"]]>").map(|e| body + e).unwrap_or(inner.len());
                    parts.push(String::from_utf8_lossy(&inner[body..end]).trim().to_string());
                    i = end + 3;
                } else {
                    i = memchr::memchr(b'>', &inner[i..]).map(|e| i + e + 1).unwrap_or(inner.len());
                }
            }
            Some(n) => {
                parts.push(unescape(&inner[i..i + n]).trim().to_string());
                i += n;
            }
            None => {
                parts.push(unescape(&inner[i..]).trim().to_string());
                i = inner.len();
            }
        }
    }
    parts.retain(|p| !p.is_empty());
    parts.join(" ")
}

/// Decodes the five XML entities and numeric character references.
fn unescape(raw: &[u8]) -> String {
    let s = String::from_utf8_lossy(raw);
    if !s.contains('&') {
        return s.into_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest: &str = &s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp..];
        let Some(semi) = after.find(';').filter(|i| *i <= 10) else {
            out.push('&');
            rest = &after[1..];
            continue;
        };
        let ent = &after[1..semi];
        let ch = match ent {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => {
                let n = if let Some(h) = ent.strip_prefix("#x").or_else(|| ent.strip_prefix("#X")) {
                    u32::from_str_radix(h, 16).ok()
                } else {
                    ent.strip_prefix('#').and_then(|d| d.parse().ok())
                };
                n.and_then(char::from_u32)
            }
        };
        match ch {
            Some(c) => {
                out.push(c);
                rest = &after[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::{Format, MediaReport};

    const ATTR: &str = r#"<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:ps="http://ns.adobe.com/photoshop/1.0/" xmlns:aux="http://ns.adobe.com/exif/1.0/aux/" exif:GPSLatitude="48,51.6N" exif:GPSLongitude="2,21.0W" ps:City="Paris" aux:SerialNumber="123" exif:ExposureTime="1/50"/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>"#;

    const ELEM: &str = r#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<Iptc4xmpExt:LocationCreated><rdf:Bag><rdf:li rdf:parseType="Resource"><Iptc4xmpExt:City>Kyiv</Iptc4xmpExt:City><Iptc4xmpExt:GPSLatitude>50,27.0N</Iptc4xmpExt:GPSLatitude><Iptc4xmpExt:GPSLongitude>30,31.2E</Iptc4xmpExt:GPSLongitude></rdf:li></rdf:Bag></Iptc4xmpExt:LocationCreated>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">Tank &amp; me</rdf:li></rdf:Alt></dc:title>
</rdf:Description></rdf:RDF></x:xmpmeta>"#;

    #[test]
    fn attribute_form() {
        let mut r = MediaReport::new(Format::Jpeg);
        inspect_xmp(ATTR.as_bytes(), &mut r);
        let loc = r.location.clone().expect("location");
        assert!((loc.lat.unwrap_or(0.0) - 48.86).abs() < 1e-9);
        assert!((loc.lon.unwrap_or(0.0) + 2.35).abs() < 1e-9);
        assert_eq!(loc.place.as_deref(), Some("Paris"));
        assert_eq!(r.identity.serial_numbers, vec!["XMP-aux:SerialNumber: 123".to_string()]);

        let cleaned = clean_xmp(ATTR.as_bytes(), StripMode::Location).expect("changed");
        assert_eq!(cleaned.len(), ATTR.len());
        let text = String::from_utf8(cleaned.clone()).unwrap_or_default();
        assert!(!text.contains("GPS") && !text.contains("Paris"));
        assert!(text.contains("aux:SerialNumber=\"123\"") && text.contains("ExposureTime"));
        let mut r2 = MediaReport::new(Format::Jpeg);
        inspect_xmp(&cleaned, &mut r2);
        assert!(r2.location.is_none());
        let ident = clean_xmp(ATTR.as_bytes(), StripMode::Identifying).expect("changed");
        assert!(!String::from_utf8_lossy(&ident).contains("SerialNumber"));
    }

    #[test]
    fn element_form_structures() {
        let mut r = MediaReport::new(Format::Jpeg);
        inspect_xmp(ELEM.as_bytes(), &mut r);
        let loc = r.location.clone().expect("location");
        assert!((loc.lat.unwrap_or(0.0) - 50.45).abs() < 1e-9);
        assert!((loc.lon.unwrap_or(0.0) - 30.52).abs() < 1e-9);
        assert_eq!(loc.place.as_deref(), Some("Kyiv"));
        let cleaned = clean_xmp(ELEM.as_bytes(), StripMode::Location).expect("changed");
        let text = String::from_utf8_lossy(&cleaned);
        assert!(!text.contains("Location") && !text.contains("Kyiv") && text.contains("Tank &amp; me"));
        assert_eq!(cleaned.len(), ELEM.len());
    }

    #[test]
    fn utf16_packets() {
        for big_endian in [true, false] {
            let packet: Vec<u8> =
                ATTR.encode_utf16().flat_map(|u| if big_endian { u.to_be_bytes() } else { u.to_le_bytes() }).collect();
            let mut r = MediaReport::new(Format::Jpeg);
            inspect_xmp(&packet, &mut r);
            assert_eq!(r.location.as_ref().and_then(|l| l.place.clone()).as_deref(), Some("Paris"));
            let clean = clean_xmp(&packet, StripMode::Location).expect("changed");
            assert_eq!(clean.len(), packet.len());
            let mut r = MediaReport::new(Format::Jpeg);
            inspect_xmp(&clean, &mut r);
            assert!(r.location.is_none());
            assert_eq!(r.identity.serial_numbers.len(), 1);
        }
    }

    #[test]
    fn motion_photo_is_a_residual() {
        let packet = r#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:GCamera="http://ns.google.com/photos/1.0/camera/" GCamera:MotionPhoto="1"/></rdf:RDF></x:xmpmeta>"#;
        let mut r = MediaReport::new(Format::Jpeg);
        inspect_xmp(packet.as_bytes(), &mut r);
        assert!(r.residual.iter().any(|s| s.contains("motion-photo")), "{:?}", r.residual);
        assert!(clean_xmp(packet.as_bytes(), StripMode::Identifying).is_none());
    }

    #[test]
    fn motion_photo_hints() {
        let micro = r#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:GCamera="http://ns.google.com/photos/1.0/camera/" GCamera:MicroVideo="1" GCamera:MicroVideoOffset=" 4535831 "/></rdf:RDF></x:xmpmeta>"#;
        let m = motion_photo(micro.as_bytes());
        assert!(m.flagged);
        assert_eq!(m.micro_video_offset, Some(4535831));
        assert_eq!(m.video_item, None);

        // Items as attributes and as elements; a gain map stored after the video.
        let dir = r#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:GCamera="http://ns.google.com/photos/1.0/camera/" xmlns:Container="http://ns.google.com/photos/1.0/container/" xmlns:Item="http://ns.google.com/photos/1.0/container/item/" GCamera:MotionPhoto="1"><Container:Directory><rdf:Seq>
<rdf:li rdf:parseType="Resource"><Container:Item Item:Mime="image/jpeg" Item:Semantic="Primary" Item:Length="0" Item:Padding="59"/></rdf:li>
<rdf:li rdf:parseType="Resource"><Container:Item rdf:parseType="Resource"><Item:Mime>video/mp4</Item:Mime><Item:Semantic>MotionPhoto</Item:Semantic><Item:Length>1000</Item:Length><Item:Padding>8</Item:Padding></Container:Item></rdf:li>
<rdf:li rdf:parseType="Resource"><Container:Item Item:Mime="image/jpeg" Item:Semantic="GainMap" Item:Length="300"/></rdf:li>
</rdf:Seq></Container:Directory></rdf:Description></rdf:RDF></x:xmpmeta>"#;
        let want = Some(VideoItem { from_end: 1300, from_end_padded: 1308, length: 1000 });
        assert_eq!(motion_photo(dir.as_bytes()).video_item, want);
        let utf16: Vec<u8> = dir.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        assert_eq!(motion_photo(&utf16).video_item, want);

        // No primary item, or no length: no usable hint.
        let only_video = dir.replace(r#"Item:Semantic="Primary""#, r#"Item:Semantic="MotionPhoto""#);
        assert_eq!(motion_photo(only_video.as_bytes()).video_item, None);
        let no_length = dir.replace("<Item:Length>1000</Item:Length>", "");
        assert_eq!(motion_photo(no_length.as_bytes()).video_item, None);
        for cut in 0..dir.len() {
            let _ = motion_photo(&dir.as_bytes()[..cut]);
        }
    }

    #[test]
    fn coordinates_parse() {
        assert_eq!(parse_coordinate("10,30.0S"), Some(-10.5));
        assert_eq!(parse_coordinate("10,30,36E"), Some(10.51));
        assert_eq!(parse_coordinate("-12.25"), Some(-12.25));
        assert_eq!(parse_coordinate("abc"), None);
    }

    #[test]
    fn hostile_packets_do_not_panic() {
        for cut in 0..ATTR.len() {
            let mut r = MediaReport::new(Format::Jpeg);
            inspect_xmp(&ATTR.as_bytes()[..cut], &mut r);
            let _ = clean_xmp(&ATTR.as_bytes()[..cut], StripMode::Identifying);
        }
        let deep = "<a:b xmlns:a=\"x\">".repeat(10_000);
        let mut r = MediaReport::new(Format::Jpeg);
        inspect_xmp(deep.as_bytes(), &mut r);
        assert!(r.residual.iter().any(|s| s.contains("XMP")));
    }
}

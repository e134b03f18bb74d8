//! PNG: metadata chunks (`eXIf`, XMP in `iTXt`, ImageMagick's "Raw profile type" text chunks
//! holding hex-encoded EXIF, IPTC or XMP, ImageMagick's one-property text chunks such as
//! `exif:GPSLatitude` or `photoshop:City`, and the `Author`/`Artist` text fields), found by reading chunk
//! headers only; image data (`IDAT`) is skipped by seeking.
//!
//! PNG chunks are self-contained (no chunk points into another), so a cleaned chunk may change
//! size: compressed text is written back uncompressed. Every rewritten chunk gets a fresh CRC.

use super::{exif, iptc, xmp, ByteSource, EditPlan, Format, MediaError, MediaReport, Piece, StripMode};

const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
const XMP_KEYWORD: &[u8] = b"XML:com.adobe.xmp";
/// More chunks than any real file has.
const MAX_CHUNKS: usize = 1 << 20;
/// Metadata chunks larger than this are not read (real ones are a few KB to a few hundred KB).
const MAX_META_CHUNK: u32 = 16 << 20;

#[derive(Clone, Copy, Debug)]
struct Chunk {
    kind: [u8; 4],
    /// Offset of the length field.
    start: u64,
    len: u32,
}

impl Chunk {
    fn data_at(&self) -> u64 {
        self.start + 8
    }
    fn total(&self) -> u64 {
        u64::from(self.len) + 12
    }
    fn is_text(&self) -> bool {
        matches!(&self.kind, b"tEXt" | b"zTXt" | b"iTXt")
    }
    fn is_meta(&self) -> bool {
        self.is_text() || &self.kind == b"eXIf"
    }
}

fn chunks(src: &dyn ByteSource) -> Result<Vec<Chunk>, MediaError> {
    let sig = src.read_exact_at(0, 8, "PNG signature")?;
    if sig != SIGNATURE {
        return Err(MediaError::Malformed { what: "PNG signature", offset: 0, reason: "not a PNG".into() });
    }
    let mut out = Vec::new();
    let mut pos = 8u64;
    loop {
        if out.len() >= MAX_CHUNKS {
            return Err(MediaError::TooDeep { what: "PNG chunks", offset: pos });
        }
        let head = src.read_exact_at(pos, 8, "PNG chunk header")?;
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]);
        let kind = [head[4], head[5], head[6], head[7]];
        if len > 0x7FFF_FFFF || !kind.iter().all(u8::is_ascii_alphabetic) {
            return Err(MediaError::Malformed {
                what: "PNG chunk",
                offset: pos,
                reason: format!("bad chunk header (length {len})"),
            });
        }
        let c = Chunk { kind, start: pos, len };
        if pos + c.total() > src.len() {
            return Err(MediaError::Truncated { what: "PNG chunk", offset: pos });
        }
        out.push(c);
        pos += c.total();
        if &kind == b"IEND" {
            return Ok(out);
        }
    }
}

/// What a text chunk holds.
enum Text {
    Xmp(Vec<u8>),
    /// ImageMagick "Raw profile type NAME": the profile name and its decoded bytes.
    RawProfile(String, Vec<u8>),
    /// `Author` or `Artist`: keyword and name.
    Author(String, String),
    /// An ImageMagick property: keyword, value and what it reveals.
    Property(String, String, Property),
    Other,
}

/// Splits a text chunk into keyword and (decompressed) text.
fn text_chunk(c: &Chunk, data: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let nul = memchr::memchr(0, data)?;
    let keyword = data[..nul].to_vec();
    let rest = &data[nul + 1..];
    let text = match &c.kind {
        b"tEXt" => rest.to_vec(),
        b"zTXt" => inflate(rest.get(1..)?)?,
        _ => {
            // iTXt: compression flag, method, language\0, translated keyword\0, text.
            let (&flag, rest) = rest.split_first()?;
            let rest = rest.get(1..)?;
            let lang_end = memchr::memchr(0, rest)?;
            let rest = &rest[lang_end + 1..];
            let tk_end = memchr::memchr(0, rest)?;
            let body = &rest[tk_end + 1..];
            if flag == 1 {
                inflate(body)?
            } else {
                body.to_vec()
            }
        }
    };
    Some((keyword, text))
}

fn inflate(data: &[u8]) -> Option<Vec<u8>> {
    miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(data, MAX_META_CHUNK as usize).ok()
}

fn classify(c: &Chunk, data: &[u8]) -> Text {
    let Some((keyword, text)) = text_chunk(c, data) else { return Text::Other };
    if keyword == XMP_KEYWORD {
        return Text::Xmp(text);
    }
    if keyword.eq_ignore_ascii_case(b"Author") || keyword.eq_ignore_ascii_case(b"Artist") {
        let name = String::from_utf8_lossy(&keyword).into_owned();
        return Text::Author(name, String::from_utf8_lossy(&text).into_owned());
    }
    if let Some(name) = keyword.strip_prefix(b"Raw profile type ") {
        if let Some(bytes) = raw_profile(&text) {
            return Text::RawProfile(String::from_utf8_lossy(name).to_ascii_lowercase(), bytes);
        }
    }
    if let Ok(k) = std::str::from_utf8(&keyword) {
        let kind = property(k);
        if kind != Property::Other {
            return Text::Property(k.to_string(), String::from_utf8_lossy(&text).into_owned(), kind);
        }
    }
    Text::Other
}

/// What an ImageMagick property chunk ("exif:GPSLatitude", "photoshop:City", ...) holds.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Property {
    Location,
    Serial,
    Owner,
    Other,
}

fn property(keyword: &str) -> Property {
    let Some((prefix, name)) = keyword.split_once(':') else { return Property::Other };
    let prefix = prefix.to_ascii_lowercase();
    let place = match prefix.as_str() {
        "photoshop" => matches!(name, "City" | "State" | "Country"),
        "iptc4xmpcore" => matches!(name, "Location" | "CountryCode"),
        "iptc4xmpext" => name.starts_with("Location"),
        _ => false,
    };
    if place || name.starts_with("GPS") && prefix != "date" {
        Property::Location
    } else if name.contains("SerialNumber") {
        Property::Serial
    } else if name.ends_with("OwnerName") || name == "Artist" {
        Property::Owner
    } else {
        Property::Other
    }
}

/// Degrees from an ImageMagick EXIF value ("50/1, 27/1, 9/25") or an XMP one ("48,51.5N").
fn property_degrees(value: &str) -> Option<f64> {
    if !value.contains('/') {
        return xmp::parse_coordinate(value);
    }
    let mut total = 0.0;
    let mut scale = 1.0;
    for part in value.split(',').take(3) {
        let (n, d) = part.trim().split_once('/')?;
        let (n, d): (f64, f64) = (n.trim().parse().ok()?, d.trim().parse().ok()?);
        if d == 0.0 {
            return None;
        }
        total += n / d * scale;
        scale /= 60.0;
    }
    Some(total)
}

/// Reports the property chunks collected from a file: places, coordinates (paired across
/// chunks), serial numbers and owner names.
fn finish_properties(props: &[(String, String, Property)], report: &mut MediaReport) {
    let get = |k: &str| props.iter().find(|(key, _, _)| key == k).map(|(_, v, _)| v.as_str());
    for (k, v, kind) in props {
        match kind {
            Property::Location if !k.contains(":GPS") => report.add_place(&format!("PNG:{k}"), v),
            Property::Serial => report.add_serial(&format!("PNG:{k}"), v),
            Property::Owner => report.add_owner(&format!("PNG:{k}"), v),
            _ => {}
        }
    }
    for prefix in ["exif", "xmp"] {
        let lat = get(&format!("{prefix}:GPSLatitude")).and_then(property_degrees);
        let lon = get(&format!("{prefix}:GPSLongitude")).and_then(property_degrees);
        let (Some(mut lat), Some(mut lon)) = (lat, lon) else { continue };
        if get(&format!("{prefix}:GPSLatitudeRef")).is_some_and(|r| r.trim().starts_with('S')) {
            lat = -lat.abs();
        }
        if get(&format!("{prefix}:GPSLongitudeRef")).is_some_and(|r| r.trim().starts_with('W')) {
            lon = -lon.abs();
        }
        report.add_coordinates(&format!("PNG:{prefix}:GPS"), lat, lon, None);
    }
}

/// Decodes ImageMagick's "\nNAME\n   LENGTH\nHEXHEX..." raw profile text.
fn raw_profile(text: &[u8]) -> Option<Vec<u8>> {
    let (_, _, hex) = raw_profile_parts(text)?;
    let digits: Vec<u8> = text[hex..].iter().copied().filter(u8::is_ascii_hexdigit).collect();
    Some(digits.chunks_exact(2).map(|p| (hex_val(p[0]) << 4) | hex_val(p[1])).collect())
}

/// (name range end, declared length, offset where the hex digits start).
fn raw_profile_parts(text: &[u8]) -> Option<(usize, usize, usize)> {
    let mut i = 0;
    while text.get(i) == Some(&b'\n') {
        i += 1;
    }
    let name_end = i + memchr::memchr(b'\n', &text[i..])?;
    let mut j = name_end + 1;
    while text.get(j) == Some(&b' ') {
        j += 1;
    }
    let len_end = j + memchr::memchr(b'\n', &text[j..])?;
    let len: usize = std::str::from_utf8(&text[j..len_end]).ok()?.trim().parse().ok()?;
    Some((name_end, len, len_end + 1))
}

fn hex_val(b: u8) -> u8 {
    match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        b'A'..=b'F' => b - b'A' + 10,
        _ => 0,
    }
}

/// The TIFF block inside an EXIF payload, skipping an "Exif\0\0" prefix some writers add.
fn tiff_start(b: &[u8]) -> &[u8] {
    b.strip_prefix(b"Exif\0\0".as_slice()).unwrap_or(b)
}

fn read_data(src: &dyn ByteSource, c: &Chunk) -> Result<Option<Vec<u8>>, MediaError> {
    if c.len > MAX_META_CHUNK {
        return Ok(None);
    }
    src.read_exact_at(c.data_at(), c.len as usize, "PNG chunk").map(Some)
}

/// Inspects a PNG file.
pub fn inspect(src: &dyn ByteSource, format: Format) -> Result<MediaReport, MediaError> {
    let mut report = MediaReport::new(format);
    let mut props = Vec::new();
    for c in chunks(src)?.iter().filter(|c| c.is_meta()) {
        let Some(data) = read_data(src, c)? else {
            report.add_residual(format!("a {} byte metadata chunk is too large to check", c.len));
            continue;
        };
        inspect_chunk(c, &data, &mut report, &mut props);
    }
    finish_properties(&props, &mut report);
    Ok(report)
}

fn inspect_chunk(c: &Chunk, data: &[u8], report: &mut MediaReport, props: &mut Vec<(String, String, Property)>) {
    if &c.kind == b"eXIf" {
        if let Err(e) = exif::inspect_tiff(tiff_start(data), report) {
            report.add_residual(format!("the eXIf chunk is damaged ({e}); stripping removes it whole"));
        }
        return;
    }
    match classify(c, data) {
        Text::Xmp(x) => xmp::inspect_xmp(&x, report),
        Text::Author(k, a) => report.add_owner(&format!("PNG:{k}"), &a),
        Text::Property(k, v, kind) => props.push((k, v, kind)),
        Text::RawProfile(name, bytes) => match name.as_str() {
            "exif" | "app1" => {
                let _ = exif::inspect_tiff(tiff_start(&bytes), report);
            }
            "iptc" | "8bim" => {
                let irb = bytes.strip_prefix(b"Photoshop 3.0\0".as_slice()).unwrap_or(&bytes);
                if irb.starts_with(b"8BIM") {
                    iptc::inspect_irb(irb, report)
                } else {
                    iptc::inspect_iim(irb, report)
                }
            }
            "xmp" => xmp::inspect_xmp(&bytes, report),
            _ => {}
        },
        Text::Other => {}
    }
}

/// Plans a lossless strip of a PNG file.
pub fn strip(src: &dyn ByteSource, format: Format, mode: StripMode) -> Result<EditPlan, MediaError> {
    let mut report = MediaReport::new(format);
    let mut plan = EditPlan::default();
    let mut removed = Vec::new();
    let mut props = Vec::new();
    let mut pos = 0u64;
    for c in chunks(src)?.iter().filter(|c| c.is_meta()) {
        let Some(data) = read_data(src, c)? else {
            return Err(MediaError::CannotStrip(format!("a {} byte metadata chunk is too large to check", c.len)));
        };
        inspect_chunk(c, &data, &mut report, &mut props);
        // None: keep; Some(None): drop; Some(Some(chunk)): replace.
        let change: Option<Option<Vec<u8>>> = if &c.kind == b"eXIf" {
            let prefix = data.len() - tiff_start(&data).len();
            match exif::clean_tiff(&data[prefix..], mode) {
                Ok(None) => None,
                Ok(Some(t)) => {
                    let mut d = data[..prefix].to_vec();
                    d.extend_from_slice(&t);
                    Some(Some(make_chunk(b"eXIf", &d)))
                }
                Err(_) => {
                    removed.push("damaged eXIf chunk".to_string());
                    Some(None)
                }
            }
        } else {
            clean_text_chunk(c, &data, mode, &mut removed)
        };
        if let Some(replacement) = change {
            if c.start > pos {
                plan.pieces.push(Piece::Keep { start: pos, end: c.start });
            }
            if let Some(bytes) = replacement {
                plan.pieces.push(Piece::Insert(bytes));
            }
            pos = c.start + c.total();
        }
    }
    if pos < src.len() {
        plan.pieces.push(Piece::Keep { start: pos, end: src.len() });
    }
    finish_properties(&props, &mut report);
    super::summarise(&mut plan, &report, mode, removed);
    Ok(plan)
}

fn clean_text_chunk(c: &Chunk, data: &[u8], mode: StripMode, removed: &mut Vec<String>) -> Option<Option<Vec<u8>>> {
    let (keyword, text) = text_chunk(c, data)?;
    match classify(c, data) {
        Text::Xmp(x) => {
            let clean = xmp::clean_xmp(&x, mode)?;
            Some(Some(itxt(&keyword, &clean)))
        }
        Text::Property(k, _, kind)
            if kind == Property::Location
                || mode == StripMode::Identifying && matches!(kind, Property::Serial | Property::Owner) =>
        {
            removed.push(format!("PNG {k} text"));
            Some(None)
        }
        Text::Author(k, _) if mode == StripMode::Identifying => {
            removed.push(format!("PNG {k}"));
            Some(None)
        }
        Text::RawProfile(name, bytes) => {
            let clean = match name.as_str() {
                "exif" | "app1" => {
                    let prefix = bytes.len() - tiff_start(&bytes).len();
                    match exif::clean_tiff(&bytes[prefix..], mode) {
                        Ok(c) => c.map(|t| [&bytes[..prefix], &t[..]].concat()),
                        Err(_) => {
                            removed.push(format!("damaged raw {name} profile"));
                            return Some(None);
                        }
                    }
                }
                "iptc" | "8bim" => {
                    let start = if bytes.starts_with(b"Photoshop 3.0\0") { 14 } else { 0 };
                    let body = &bytes[start..];
                    let c = if body.starts_with(b"8BIM") {
                        iptc::clean_irb(body, mode)
                    } else {
                        iptc::clean_iim(body, mode)
                    };
                    c.map(|b| [&bytes[..start], &b[..]].concat())
                }
                "xmp" => xmp::clean_xmp(&bytes, mode),
                _ => None,
            }?;
            // Same length: write the new hex digits over the old ones, layout unchanged.
            let (_, _, hex_at) = raw_profile_parts(&text)?;
            let mut new_text = text.clone();
            let mut digits = clean.iter().flat_map(|b| [hex_digit(b >> 4), hex_digit(b & 15)]);
            for t in new_text[hex_at..].iter_mut().filter(|t| t.is_ascii_hexdigit()) {
                *t = digits.next().unwrap_or(b'0');
            }
            let mut d = keyword.clone();
            d.push(0);
            d.extend_from_slice(&new_text);
            Some(Some(make_chunk(b"tEXt", &d)))
        }
        _ => None,
    }
}

fn hex_digit(n: u8) -> u8 {
    b"0123456789abcdef"[usize::from(n & 15)]
}

/// An uncompressed iTXt chunk.
fn itxt(keyword: &[u8], text: &[u8]) -> Vec<u8> {
    let mut d = keyword.to_vec();
    d.extend_from_slice(&[0, 0, 0, 0, 0]);
    d.extend_from_slice(text);
    make_chunk(b"iTXt", &d)
}

fn make_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 12);
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[4..]);
    out.extend_from_slice(&crc.to_be_bytes());
    out
}

/// CRC-32 (ISO 3309, as PNG uses), bitwise: chunks are small.
pub(crate) fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_matches_png() {
        // The CRC of an IEND chunk is fixed by the format.
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
    }

    #[test]
    fn raw_profile_round_trip() {
        let text = b"\nexif\n      4\n45786966\n";
        assert_eq!(raw_profile(text), Some(b"Exif".to_vec()));
    }
}

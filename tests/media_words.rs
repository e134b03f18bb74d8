//! A photo's words: the title, caption, keywords and comments a file carries are checked with
//! the text policy, and the ones that say where (a street address, coordinates, Geotate points
//! of interest) are location: reported by `inspect`, blanked by location stripping (checked with
//! ExifTool), while the other words and the pixels (ImageMagick) stay exactly as they were.

use safepost::media::{self, EditPlan, MediaReport, StripMode};
use safepost::policy::Policy;
use safepost::text::media_words;
use safepost::text::TextScanner;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn caption_fixture() -> Vec<u8> {
    std::fs::read(root().join("tests/fixtures/media/words/caption.jpg")).expect("fixture (tests/fixtures/media/words/make.sh)")
}

/// The real agency photo of the corpus: a reverse-geocoded address in its XP tags and Geotate
/// points of interest with coordinates.
fn agency_photo() -> Vec<u8> {
    let p = root().join("../shared/corpus/exifr/test/fixtures/iptc-agency-photographer-example.jpg");
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn inspect(bytes: &[u8]) -> MediaReport {
    media::inspect(&bytes.to_vec()).expect("inspect")
}

fn strip(bytes: &[u8]) -> Vec<u8> {
    let plan: EditPlan = media::strip(&bytes.to_vec(), StripMode::Location).expect("strip");
    let mut out = Vec::new();
    plan.write_to(&bytes.to_vec(), &mut out).expect("plan applies");
    assert_eq!(out.len(), bytes.len(), "same-length cleaning");
    out
}

fn scratch(bytes: &[u8], name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("safepost-words-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    path
}

fn exiftool(path: &Path) -> serde_json::Map<String, Value> {
    let out = Command::new("exiftool").args(["-j", "-G1", "-a", "-m"]).arg(path).output().expect("exiftool");
    let v: Value = serde_json::from_slice(&out.stdout).expect("exiftool JSON");
    v.get(0).and_then(Value::as_object).cloned().unwrap_or_default()
}

fn pixels(path: &Path) -> String {
    let out = Command::new("identify").args(["-quiet", "-format", "%#"]).arg(path).output().expect("identify");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn sources(r: &MediaReport) -> Vec<String> {
    r.location.as_ref().map(|l| l.sources.clone()).unwrap_or_default()
}

#[test]
fn words_that_say_where_are_location() {
    let r = inspect(&caption_fixture());
    let fields: Vec<&str> = r.words.iter().map(|w| w.field.as_str()).collect();
    for f in [
        "IFD0:ImageDescription",
        "IFD0:XPComment",
        "XMP-dc:Title",
        "XMP-dc:Description",
        "XMP-photoshop:Headline",
        "IPTC:Keywords",
        "IPTC:Caption-Abstract",
    ] {
        assert!(fields.contains(&f), "{f} not read: {fields:?}");
    }
    let mut s = sources(&r);
    s.sort();
    assert_eq!(s, ["IFD0:XPComment", "IPTC:Caption-Abstract", "XMP-dc:Description"]);
    let kw = r.words.iter().find(|w| w.field == "IPTC:Keywords").map(|w| w.text.as_str());
    assert_eq!(kw, Some("offsite, team"));
}

#[test]
fn the_text_policy_checks_the_words() {
    let (policy, errors) = Policy::from_json(
        r#"{"rules": [{"id": "codename", "kind": "keywords", "terms": ["Falcon"], "severity": "block",
            "category": "confidential", "message": "Unreleased codename."}]}"#,
    );
    assert!(errors.is_empty(), "{errors:?}");
    let r = inspect(&caption_fixture());
    let found: Vec<(String, String, String)> = media_words::check(&TextScanner::new(&policy, None), &r.words)
        .into_iter()
        .map(|f| (f.field, f.rule, f.preview))
        .collect();
    let has = |field: &str, rule: &str| found.iter().any(|(f, r, _)| f == field && r == rule);
    assert!(has("XMP-photoshop:Headline", "credit_card"), "{found:?}");
    assert!(has("XMP-dc:Title", "codename"), "{found:?}");
    assert!(has("IFD0:XPComment", "gps_coordinates"), "{found:?}");
    // The card's preview hides the middle digits.
    assert!(found.iter().any(|(_, _, p)| p == "4539 •••• •••• 6467"), "{found:?}");
    // Nothing in the landmark's description or the keywords.
    assert!(!found.iter().any(|(f, _, _)| f == "IFD0:ImageDescription" || f == "IPTC:Keywords"), "{found:?}");
}

#[test]
fn removing_location_blanks_the_words_that_say_where_and_keeps_the_rest() {
    let original = caption_fixture();
    let cleaned = strip(&original);
    assert!(inspect(&cleaned).location.is_none(), "location remains: {:?}", sources(&inspect(&cleaned)));
    let (a, b) = (scratch(&original, "caption-in.jpg"), scratch(&cleaned, "caption-out.jpg"));
    let tags = exiftool(&b);
    for gone in ["IPTC:Caption-Abstract", "XMP-dc:Description", "IFD0:XPComment"] {
        assert!(!tags.contains_key(gone), "{gone} is still in the file: {:?}", tags.get(gone));
    }
    assert_eq!(tags.get("XMP-dc:Title").and_then(Value::as_str), Some("Project Falcon kickoff"));
    assert_eq!(
        tags.get("XMP-photoshop:Headline").and_then(Value::as_str),
        Some("Expense card 4539 1488 0343 6467 for the trip"),
        "a card number is the text policy's finding, not location: the user decides"
    );
    assert_eq!(tags.get("IFD0:ImageDescription").and_then(Value::as_str), Some("The Lincoln Memorial at dawn"));
    assert_eq!(pixels(&a), pixels(&b), "pixels unchanged");
}

/// Issue 14: the agency photo kept its reverse-geocoded address and Geotate points of interest
/// after cleaning, and `inspect` then said "location: none".
#[test]
fn the_agency_photo_loses_its_address_and_points_of_interest() {
    let original = agency_photo();
    let before = sources(&inspect(&original));
    for s in ["IFD0:XPTitle", "IFD0:XPSubject", "IFD0:XPKeywords", "XMP-Geotate:POI"] {
        assert!(before.iter().any(|x| x == s), "{s} not reported: {before:?}");
    }
    let cleaned = strip(&original);
    assert!(inspect(&cleaned).location.is_none());
    let (a, b) = (scratch(&original, "agency-in.jpg"), scratch(&cleaned, "agency-out.jpg"));
    let tags = exiftool(&b);
    for gone in ["IFD0:XPTitle", "IFD0:XPSubject", "IFD0:XPKeywords", "XMP-Geotate:GeotatePOI"] {
        assert!(!tags.contains_key(gone), "{gone} is still in the file: {:?}", tags.get(gone));
    }
    let left: Vec<String> = tags
        .iter()
        .filter_map(|(k, v)| v.as_str().map(|s| format!("{k}: {s}")))
        .filter(|s| s.contains("Henry Bacon") || s.contains("38.889269"))
        .collect();
    assert!(left.is_empty(), "address or coordinates left: {left:?}");
    // The caption that names no place stays.
    assert!(tags.get("IPTC:Caption-Abstract").and_then(Value::as_str).is_some_and(|c| c.starts_with("This statue")));
    assert_eq!(pixels(&a), pixels(&b), "pixels unchanged");
}

#[test]
fn inspect_shows_the_findings_in_the_words() {
    let bin = env!("CARGO_BIN_EXE_safepost");
    let fixture = root().join("tests/fixtures/media/words/caption.jpg");
    let out = Command::new(bin).arg("inspect").arg(&fixture).output().expect("safepost");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("found in: IFD0:XPComment, IPTC:Caption-Abstract, XMP-dc:Description"), "{text}");
    assert!(text.contains("in XMP-photoshop:Headline: credit_card (block): 4539 •••• •••• 6467"), "{text}");
    let out = Command::new(bin).args(["inspect", "--json"]).arg(&fixture).output().expect("safepost");
    let line: Value = serde_json::from_slice(&out.stdout).expect("json");
    let findings = line["findings"].as_array().expect("findings");
    assert!(findings.iter().any(|f| f["field"] == "XMP-photoshop:Headline" && f["rule"] == "credit_card"), "{line}");
}

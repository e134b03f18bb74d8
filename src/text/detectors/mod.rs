//! Built-in detectors: what a post must not leak, found by shape and then *validated*.
//!
//! Each detector has a candidate pattern (run, with every other rule, in the scanner's single
//! pass) and a validator that looks at each candidate: checksums (Luhn, mod-97), number ranges,
//! the context around it, placeholders. Only validated candidates become findings, because false
//! alarms are what make people switch a checker off.
//!
//! The ids in [`DETECTOR_IDS`] are part of the policy contract (`detectors.<id>`, `builtin`).

mod contact;
mod location;
mod numbers;
mod secrets;

use crate::policy::Category;
use regex::Regex;
use std::sync::OnceLock;

/// Every built-in detector id, in priority order: when two detectors claim overlapping text, the
/// one listed first wins (a private key block contains things that look like other secrets).
pub const DETECTOR_IDS: &[&str] = &[
    "private_key",
    "jwt",
    "aws_access_key",
    "github_token",
    "slack_token",
    "google_api_key",
    "stripe_key",
    "generic_secret",
    "map_link",
    "credit_card",
    "iban",
    "us_ssn",
    "email",
    "gps_coordinates",
    "phone",
];

/// How a finding's preview hides what it found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Redaction {
    /// Keep the first and last four digits: `4111 •••• •••• 1111`.
    Card,
    /// Keep a few leading letters and the last four digits or characters.
    Tail4,
    /// `j•••@example.com`.
    Email,
    /// Degrees kept, decimals hidden: `47.6•••, -122.3•••`.
    Coordinates,
    /// A map link: host and a hint, no coordinates.
    Url,
    /// A credential: its recognisable prefix only.
    Secret,
    /// A key block: its first line only.
    KeyBlock,
}

/// One validated match, as a byte span of the matching view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    /// Well-known test data (a documented test card number, a Stripe test key): lower severity.
    pub test_data: bool,
}

impl Hit {
    fn new(start: usize, end: usize) -> Hit {
        Hit { start, end, test_data: false }
    }
}

/// A built-in detector.
pub struct Detector {
    pub id: &'static str,
    pub category: Category,
    pub redaction: Redaction,
    /// Candidate pattern: cheap, no Unicode word boundaries (they slow the lazy DFA down).
    pub pattern: &'static str,
    /// Validates the candidates `re` finds in `text` (the matching view).
    pub validate: fn(text: &str, re: &Regex) -> Vec<Hit>,
    /// Human message for the finding.
    pub message: &'static str,
}

const DETECTORS: &[Detector] = &[
    secrets::PRIVATE_KEY,
    secrets::JWT,
    secrets::AWS_ACCESS_KEY,
    secrets::GITHUB_TOKEN,
    secrets::SLACK_TOKEN,
    secrets::GOOGLE_API_KEY,
    secrets::STRIPE_KEY,
    secrets::GENERIC_SECRET,
    location::MAP_LINK,
    numbers::CREDIT_CARD,
    numbers::IBAN,
    numbers::US_SSN,
    contact::EMAIL,
    location::GPS_COORDINATES,
    contact::PHONE,
];

/// All detectors, in [`DETECTOR_IDS`] order.
pub fn all() -> &'static [Detector] {
    DETECTORS
}

/// The detector with this id.
pub fn get(id: &str) -> Option<&'static Detector> {
    DETECTORS.iter().find(|d| d.id == id)
}

/// The index of a detector in [`all`] (its priority).
pub fn index_of(id: &str) -> Option<usize> {
    DETECTORS.iter().position(|d| d.id == id)
}

/// The category findings of a detector belong to.
pub fn category_of(id: &str) -> Category {
    get(id).map_or(Category::Confidential, |d| d.category)
}

/// Each detector's own compiled pattern, built once per process (or wasm instance).
pub fn compiled() -> &'static [Option<Regex>] {
    static RES: OnceLock<Vec<Option<Regex>>> = OnceLock::new();
    RES.get_or_init(|| DETECTORS.iter().map(|d| Regex::new(d.pattern).ok()).collect())
}

/// Runs one detector over the matching view.
pub fn run(index: usize, text: &str) -> Vec<Hit> {
    match (DETECTORS.get(index), compiled().get(index)) {
        (Some(d), Some(Some(re))) => (d.validate)(text, re),
        _ => Vec::new(),
    }
}

// ---------------------------------------------------------------- shared helpers

/// The character before byte `i`, if any.
fn char_before(text: &str, i: usize) -> Option<char> {
    text.get(..i).and_then(|s| s.chars().next_back())
}

/// The character at byte `i`, if any.
fn char_at(text: &str, i: usize) -> Option<char> {
    text.get(i..).and_then(|s| s.chars().next())
}

/// The lowercased text up to `n` bytes before `start` (for context words such as "call").
fn context_before(text: &str, start: usize, n: usize) -> String {
    let mut from = start.saturating_sub(n);
    while from > 0 && !text.is_char_boundary(from) {
        from -= 1;
    }
    text.get(from..start).unwrap_or("").to_lowercase()
}

/// Shannon entropy in bits per character.
fn entropy(s: &str) -> f64 {
    let mut counts = [0u32; 256];
    let mut n = 0u32;
    for b in s.bytes() {
        counts[b as usize] += 1;
        n += 1;
    }
    if n == 0 {
        return 0.0;
    }
    let n = n as f64;
    counts.iter().filter(|&&c| c > 0).map(|&c| {
        let p = c as f64 / n;
        -p * p.log2()
    }).sum()
}

/// Words that mark an example rather than a real value.
fn looks_like_placeholder(value: &str) -> bool {
    let v = value.to_ascii_lowercase();
    const MARKERS: &[&str] = &[
        "example", "xxxx", "your", "placeholder", "changeme", "change_me", "redacted", "dummy", "sample",
        "****", "••", "<", ">", "${", "{{", "%s", "insert", "replace", "todo", "fake", "foobar", "none", "null",
        "undefined", "1234567", "abcdef", "secret_here", "here",
    ];
    if MARKERS.iter().any(|m| v.contains(m)) {
        return true;
    }
    // One repeated character, or two alternating ones (aaaaaaa, abababab).
    let distinct: std::collections::BTreeSet<u8> = v.bytes().collect();
    distinct.len() <= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_detector_pattern_compiles_and_ids_match() {
        assert_eq!(DETECTORS.len(), DETECTOR_IDS.len());
        for (d, id) in DETECTORS.iter().zip(DETECTOR_IDS) {
            assert_eq!(d.id, *id);
            assert!(Regex::new(d.pattern).is_ok(), "{} pattern: {:?}", d.id, Regex::new(d.pattern).err());
        }
    }

    #[test]
    fn entropy_ranks_random_above_repetitive() {
        assert!(entropy("aaaaaaaa") < 0.1);
        assert!(entropy("q8Z2xP0vLm4R") > 3.4);
    }
}

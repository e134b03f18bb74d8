//! Built-in detectors: what a post must not leak, found by shape and then *validated*.
//!
//! Each detector has a candidate pattern (run, with every other rule, in the scanner's single
//! pass) and a validator that looks at each candidate: checksums (Luhn, mod-97), number ranges,
//! the context around it, placeholders. Only validated candidates become findings, because false
//! alarms are what make people switch a checker off.
//!
//! The ids in [`DETECTOR_IDS`] are part of the policy contract (`detectors.<id>`, `builtin`).

mod checksums;
mod connection_strings;
mod contact;
mod location;
mod numbers;
mod prose_passwords;
mod secrets;
mod services;

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
    "openai_api_key",
    "anthropic_api_key",
    "huggingface_token",
    "gitlab_token",
    "npm_token",
    "pypi_token",
    "dockerhub_token",
    "postman_key",
    "azure_storage_key",
    "azure_sas_token",
    "azure_client_secret",
    "google_oauth_secret",
    "alibaba_access_key",
    "digitalocean_token",
    "heroku_key",
    "cloudflare_token",
    "vault_token",
    "doppler_token",
    "pulumi_token",
    "databricks_token",
    "twilio_key",
    "sendgrid_key",
    "mailgun_key",
    "discord_token",
    "telegram_bot_token",
    "teams_webhook",
    "mailchimp_key",
    "datadog_key",
    "sentry_dsn",
    "sentry_token",
    "grafana_token",
    "newrelic_key",
    "okta_token",
    "shopify_token",
    "atlassian_token",
    "linear_key",
    "notion_token",
    "figma_token",
    "dropbox_token",
    "airtable_token",
    "age_secret_key",
    "connection_string",
    "generic_secret",
    "prose_password",
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
    /// A connection string: scheme and host, never the user or the password.
    Connection,
}

/// Which parts of a text a detector searches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gate {
    Anywhere,
    /// Near a cluster of at least 7 digits (numbers, coordinates, IBANs).
    Digits,
    /// Near a `:` or `=` (key = value secrets).
    Assignment,
    /// Only in a text that holds one of these literals (ASCII case ignored). The literals of
    /// every such detector are found in one Aho-Corasick pass per scan ([`Windows::new`]); a
    /// detector none of whose literals occurs is neither run nor compiled, so forty service
    /// patterns cost one pass, not forty searches, and nothing on the first keystroke.
    Literals(&'static [&'static str]),
}

/// A candidate match (the same accessors as `regex::Match`, offsets in the whole text).
#[derive(Clone, Copy, Debug)]
pub struct Cand<'t> {
    start: usize,
    end: usize,
    text: &'t str,
}

impl<'t> Cand<'t> {
    pub fn start(&self) -> usize {
        self.start
    }
    pub fn end(&self) -> usize {
        self.end
    }
    pub fn as_str(&self) -> &'t str {
        self.text
    }
}

/// Byte ranges of a text worth searching, per gate (computed once per scan).
pub struct Windows {
    digits: Vec<(usize, usize)>,
    assignment: Vec<(usize, usize)>,
    /// Per detector (in [`all`] order): the ranges around its [`Gate::Literals`] occurrences.
    literal: Vec<Vec<(usize, usize)>>,
}

/// How far before and after a literal its detector's match (or the word it needs nearby) can
/// be: the longest tokens (Dropbox, PyPI) are under 1.5 KB, and a value is never more than 200
/// bytes before the word that names it.
const LITERAL_BEFORE: usize = 200;
const LITERAL_AFTER: usize = 1600;

/// One automaton over the literals of every [`Gate::Literals`] detector, and the detector
/// each literal belongs to (built once per process or wasm instance).
fn literal_automaton() -> Option<&'static (aho_corasick::AhoCorasick, Vec<usize>)> {
    static AC: OnceLock<Option<(aho_corasick::AhoCorasick, Vec<usize>)>> = OnceLock::new();
    AC.get_or_init(|| {
        let mut literals = Vec::new();
        let mut owners = Vec::new();
        for (i, d) in DETECTORS.iter().enumerate() {
            if let Gate::Literals(l) = d.gate {
                literals.extend(l.iter().copied());
                owners.extend(std::iter::repeat(i).take(l.len()));
            }
        }
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(&literals)
            .ok()
            .map(|ac| (ac, owners))
    })
    .as_ref()
}

impl Windows {
    pub fn new(text: &str) -> Windows {
        let b = text.as_bytes();
        let mut digits = Vec::new();
        // Clusters of digits separated by at most 4 bytes ("° ", "′ ", ", ").
        let mut cluster: Option<(usize, usize, usize)> = None; // start, end, digit count
        for (i, &x) in b.iter().enumerate() {
            if !x.is_ascii_digit() {
                continue;
            }
            cluster = match cluster {
                Some((s, e, n)) if i - e <= 4 => Some((s, i + 1, n + 1)),
                Some((s, e, n)) => {
                    if n >= 7 {
                        digits.push(widen(text, s, e, 48, 24));
                    }
                    Some((i, i + 1, 1))
                }
                None => Some((i, i + 1, 1)),
            };
        }
        if let Some((s, e, n)) = cluster {
            if n >= 7 {
                digits.push(widen(text, s, e, 48, 24));
            }
        }
        let assignment = memchr::memchr2_iter(b':', b'=', b)
            .map(|i| widen(text, i, i + 1, 56, 170))
            .collect::<Vec<_>>();
        let mut literal = vec![Vec::new(); DETECTORS.len()];
        match literal_automaton() {
            Some((ac, owners)) => {
                for m in ac.find_overlapping_iter(text) {
                    if let Some(w) = owners.get(m.pattern().as_usize()).and_then(|&d| literal.get_mut(d)) {
                        w.push(widen(text, m.start(), m.end(), LITERAL_BEFORE, LITERAL_AFTER));
                    }
                }
            }
            // Without the automaton every detector searches everything: slower, never a miss.
            None => literal.iter_mut().for_each(|w| w.push((0, text.len()))),
        }
        Windows {
            digits: merge(digits),
            assignment: merge(assignment),
            literal: literal.into_iter().map(merge).collect(),
        }
    }

    fn get(&self, index: usize, gate: Gate, len: usize) -> Vec<(usize, usize)> {
        match gate {
            Gate::Anywhere => vec![(0, len)],
            Gate::Digits => self.digits.clone(),
            Gate::Assignment => self.assignment.clone(),
            Gate::Literals(_) => self.literal.get(index).cloned().unwrap_or_default(),
        }
    }
}

/// `start..end` widened by `before`/`after` bytes, on character boundaries.
fn widen(text: &str, start: usize, end: usize, before: usize, after: usize) -> (usize, usize) {
    let mut s = start.saturating_sub(before);
    while s > 0 && !text.is_char_boundary(s) {
        s -= 1;
    }
    let mut e = (end + after).min(text.len());
    while e < text.len() && !text.is_char_boundary(e) {
        e += 1;
    }
    (s, e)
}

/// Sorted, overlapping or touching ranges merged.
fn merge(mut v: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    v.sort_unstable();
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(v.len());
    for (s, e) in v {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
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
        Hit {
            start,
            end,
            test_data: false,
        }
    }
}

/// A built-in detector.
pub struct Detector {
    pub id: &'static str,
    pub category: Category,
    pub redaction: Redaction,
    /// Candidate pattern: cheap, no Unicode word boundaries (they slow the lazy DFA down).
    pub pattern: &'static str,
    /// Where candidates can be: anywhere (the pattern starts with a literal the regex engine
    /// skips to), or only near digits or an assignment (found by one cheap pre-pass).
    pub gate: Gate,
    /// Validates the candidates found in `text` (the matching view).
    pub validate: fn(text: &str, cands: &[Cand]) -> Vec<Hit>,
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
    services::OPENAI_API_KEY,
    services::ANTHROPIC_API_KEY,
    services::HUGGINGFACE_TOKEN,
    services::GITLAB_TOKEN,
    services::NPM_TOKEN,
    services::PYPI_TOKEN,
    services::DOCKERHUB_TOKEN,
    services::POSTMAN_KEY,
    services::AZURE_STORAGE_KEY,
    services::AZURE_SAS_TOKEN,
    services::AZURE_CLIENT_SECRET,
    services::GOOGLE_OAUTH_SECRET,
    services::ALIBABA_ACCESS_KEY,
    services::DIGITALOCEAN_TOKEN,
    services::HEROKU_KEY,
    services::CLOUDFLARE_TOKEN,
    services::VAULT_TOKEN,
    services::DOPPLER_TOKEN,
    services::PULUMI_TOKEN,
    services::DATABRICKS_TOKEN,
    services::TWILIO_KEY,
    services::SENDGRID_KEY,
    services::MAILGUN_KEY,
    services::DISCORD_TOKEN,
    services::TELEGRAM_BOT_TOKEN,
    services::TEAMS_WEBHOOK,
    services::MAILCHIMP_KEY,
    services::DATADOG_KEY,
    services::SENTRY_DSN,
    services::SENTRY_TOKEN,
    services::GRAFANA_TOKEN,
    services::NEWRELIC_KEY,
    services::OKTA_TOKEN,
    services::SHOPIFY_TOKEN,
    services::ATLASSIAN_TOKEN,
    services::LINEAR_KEY,
    services::NOTION_TOKEN,
    services::FIGMA_TOKEN,
    services::DROPBOX_TOKEN,
    services::AIRTABLE_TOKEN,
    services::AGE_SECRET_KEY,
    connection_strings::CONNECTION_STRING,
    secrets::GENERIC_SECRET,
    prose_passwords::PROSE_PASSWORD,
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

/// Detector `index`'s own compiled pattern, built the first time it runs (once per process or
/// wasm instance): a detector whose literals never occur is never compiled.
pub fn compiled(index: usize) -> Option<&'static Regex> {
    static RES: OnceLock<Vec<OnceLock<Option<Regex>>>> = OnceLock::new();
    let all = RES.get_or_init(|| DETECTORS.iter().map(|_| OnceLock::new()).collect());
    let d = DETECTORS.get(index)?;
    all.get(index)?
        .get_or_init(|| Regex::new(d.pattern).ok())
        .as_ref()
}

/// Runs one detector over the matching view, searching only where its gate says.
pub fn run(index: usize, text: &str, windows: &Windows) -> Vec<Hit> {
    let Some(d) = DETECTORS.get(index) else {
        return Vec::new();
    };
    let ranges = windows.get(index, d.gate, text.len());
    if ranges.is_empty() {
        return Vec::new(); // nothing to search: not even compiled
    }
    let Some(re) = compiled(index) else {
        return Vec::new();
    };
    let cands = candidates(re, text, &ranges);
    if cands.is_empty() {
        return Vec::new();
    }
    (d.validate)(text, &cands)
}

/// Every match of `re` inside the ranges, as candidates in whole-text offsets.
pub fn candidates<'t>(re: &Regex, text: &'t str, ranges: &[(usize, usize)]) -> Vec<Cand<'t>> {
    let mut out = Vec::new();
    for &(ws, we) in ranges {
        let Some(slice) = text.get(ws..we) else {
            continue;
        };
        for m in re.find_iter(slice) {
            let (start, end) = (ws + m.start(), ws + m.end());
            if out.last().is_some_and(|c: &Cand| c.end > start) {
                continue;
            }
            out.push(Cand {
                start,
                end,
                text: &text[start..end],
            });
        }
    }
    out
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
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// Words that mark an example rather than a real value.
fn looks_like_placeholder(value: &str) -> bool {
    let v = value.to_ascii_lowercase();
    const MARKERS: &[&str] = &[
        "example",
        "xxxx",
        "your",
        "placeholder",
        "changeme",
        "change_me",
        "redacted",
        "dummy",
        "sample",
        "****",
        "••",
        "<",
        ">",
        "${",
        "{{",
        "%s",
        "insert",
        "replace",
        "todo",
        "fake",
        "foobar",
        "none",
        "null",
        "undefined",
        "1234567",
        "abcdef",
        "secret_here",
        "goes_here",
    ];
    if MARKERS.iter().any(|m| v.contains(m)) {
        return true;
    }
    // One repeated character, or two alternating ones (aaaaaaa, abababab).
    let distinct: std::collections::BTreeSet<u8> = v.bytes().collect();
    distinct.len() <= 2
}

/// Runs one detector alone over `text` and returns the matched strings (the detectors' unit tests).
#[cfg(test)]
pub(crate) fn run_detector(d: &Detector, text: &str) -> Vec<String> {
    let re = Regex::new(d.pattern).unwrap();
    let cands = candidates(&re, text, &[(0, text.len())]);
    (d.validate)(text, &cands)
        .into_iter()
        .map(|h| text[h.start..h.end].to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_detector_pattern_compiles_and_ids_match() {
        assert_eq!(DETECTORS.len(), DETECTOR_IDS.len());
        for (d, id) in DETECTORS.iter().zip(DETECTOR_IDS) {
            assert_eq!(d.id, *id);
            assert!(
                Regex::new(d.pattern).is_ok(),
                "{} pattern: {:?}",
                d.id,
                Regex::new(d.pattern).err()
            );
        }
    }

    #[test]
    fn literal_gates_skip_detectors_whose_literals_are_absent() {
        let npm = index_of("npm_token").unwrap();
        assert!(Windows::new("nothing to see here").literal[npm].is_empty());
        assert!(!Windows::new("the NPM_ token").literal[npm].is_empty(), "ASCII case ignored");
        // Only around the literal: a token far from any other text is still found.
        let far = format!("{}npm_Vq3xR8mZp2LwN7cT5bY1kH9dF4gJ6sXyWvUt", "lorem ipsum ".repeat(400));
        assert_eq!(run(npm, &far, &Windows::new(&far)).len(), 1);
        let token = "npm_Vq3xR8mZp2LwN7cT5bY1kH9dF4gJ6sXyWvUt";
        assert!(run(npm, "nothing to see here", &Windows::new("nothing to see here")).is_empty());
        assert_eq!(run(npm, token, &Windows::new(token)).len(), 1);
        for d in DETECTORS {
            if let Gate::Literals(l) = d.gate {
                assert!(!l.is_empty() && l.iter().all(|x| !x.is_empty()), "{}", d.id);
            }
        }
    }

    #[test]
    fn entropy_ranks_random_above_repetitive() {
        assert!(entropy("aaaaaaaa") < 0.1);
        assert!(entropy("q8Z2xP0vLm4R") > 3.4);
    }
}

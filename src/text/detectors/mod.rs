//! Built-in detectors: what a post must not leak, found by shape and then *validated*.
//!
//! Each detector has a candidate pattern (run, with every other rule, in the scanner's single
//! pass) and a validator that looks at each candidate: checksums (Luhn, mod-97), number ranges,
//! the context around it, placeholders. Only validated candidates become findings, because false
//! alarms are what make people switch a checker off.
//!
//! The ids in [`DETECTOR_IDS`] are part of the policy contract (`detectors.<id>`, `builtin`).

mod birth_date;
mod checks;
mod checksums;
mod connection_strings;
pub mod confidence;
mod contact;
mod financial;
mod hashes;
mod location;
mod national_europe;
mod national_nordic;
mod national_world;
mod network;
mod numbers;
mod passport;
mod prose_passwords;
mod secrets;
mod services;
mod wallets;

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
    "map_link",
    "credit_card",
    "iban",
    "uk_nino",
    "uk_nhs",
    "de_tax_id",
    "de_id_card",
    "fr_nir",
    "es_dni",
    "es_nie",
    "it_codice_fiscale",
    "nl_bsn",
    "be_national_number",
    "pl_pesel",
    "se_personnummer",
    "no_fodselsnummer",
    "dk_cpr",
    "fi_hetu",
    "ca_sin",
    "au_tfn",
    "au_medicare",
    "in_aadhaar",
    "in_pan",
    "br_cpf",
    "br_cnpj",
    "mx_curp",
    "us_itin",
    "passport_mrz",
    "passport_number",
    "swift_bic",
    "aba_routing",
    "bitcoin_address",
    "ethereum_address",
    "internal_ip",
    "date_of_birth",
    "us_ssn",
    "email",
    "gps_coordinates",
    "phone",
    "prose_password",
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
    /// Inside a run of at least 8 capitals and digits (single spaces allowed inside) with a
    /// capital in it: codes written in capitals (`AB 12 34 56 C`, `DEUTDEFF`, `AFZPK7190K`).
    Capitals,
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
    capitals: Vec<(usize, usize)>,
    /// Candidate spans per (pattern, gate) already searched in this scan: detectors that share a
    /// candidate pattern (the national numbers' `checks::NUMBER`) search once per scan.
    shared: std::cell::RefCell<Vec<SharedSearch>>,
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

/// A candidate pattern, the gate it searched, and the candidate spans it found.
type SharedSearch = (&'static str, Gate, Vec<(usize, usize)>);

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
            capitals: capital_runs(b),
            shared: std::cell::RefCell::new(Vec::new()),
            literal: literal.into_iter().map(merge).collect(),
        }
    }

    fn get(&self, index: usize, gate: Gate, len: usize) -> Vec<(usize, usize)> {
        match gate {
            Gate::Anywhere => vec![(0, len)],
            Gate::Digits => self.digits.clone(),
            Gate::Assignment => self.assignment.clone(),
            Gate::Capitals => self.capitals.clone(),
            Gate::Literals(_) => self.literal.get(index).cloned().unwrap_or_default(),
        }
    }
}

/// Runs of `[A-Z0-9]` (single spaces inside allowed) with at least 8 such bytes and a capital.
fn capital_runs(b: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut run: Option<(usize, usize, usize, bool)> = None; // start, end, count, has capital
    for (i, &x) in b.iter().enumerate() {
        let code = x.is_ascii_uppercase() || x.is_ascii_digit();
        if code {
            run = Some(match run {
                Some((s, _, n, cap)) => (s, i + 1, n + 1, cap || x.is_ascii_uppercase()),
                None => (i, i + 1, 1, x.is_ascii_uppercase()),
            });
            continue;
        }
        // A single space continues the run; anything else ends it.
        if x == b' ' && run.is_some_and(|(_, e, _, _)| e == i) {
            continue;
        }
        if let Some((s, e, n, cap)) = run.take() {
            if n >= 8 && cap {
                out.push((s, e));
            }
        }
    }
    if let Some((s, e, n, cap)) = run {
        if n >= 8 && cap {
            out.push((s, e));
        }
    }
    out
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
    location::MAP_LINK,
    numbers::CREDIT_CARD,
    numbers::IBAN,
    national_europe::UK_NINO,
    national_europe::UK_NHS,
    national_europe::DE_TAX_ID,
    national_europe::DE_ID_CARD,
    national_europe::FR_NIR,
    national_europe::ES_DNI,
    national_europe::ES_NIE,
    national_europe::IT_CODICE_FISCALE,
    national_europe::NL_BSN,
    national_europe::BE_NATIONAL_NUMBER,
    national_europe::PL_PESEL,
    national_nordic::SE_PERSONNUMMER,
    national_nordic::NO_FODSELSNUMMER,
    national_nordic::DK_CPR,
    national_nordic::FI_HETU,
    national_world::CA_SIN,
    national_world::AU_TFN,
    national_world::AU_MEDICARE,
    national_world::IN_AADHAAR,
    national_world::IN_PAN,
    national_world::BR_CPF,
    national_world::BR_CNPJ,
    national_world::MX_CURP,
    national_world::US_ITIN,
    passport::PASSPORT_MRZ,
    passport::PASSPORT_NUMBER,
    financial::SWIFT_BIC,
    financial::ABA_ROUTING,
    wallets::BITCOIN_ADDRESS,
    wallets::ETHEREUM_ADDRESS,
    network::INTERNAL_IP,
    birth_date::DATE_OF_BIRTH,
    numbers::US_SSN,
    contact::EMAIL,
    location::GPS_COORDINATES,
    contact::PHONE,
    prose_passwords::PROSE_PASSWORD,
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
    // The national numbers share one candidate pattern (`checks::NUMBER`): its candidates are
    // searched once per scan and validated by each of them (each looks for its own grouping
    // inside a token). Every other detector reads its candidates side by side (`hits`).
    if d.pattern != checks::NUMBER {
        return hits(d, re, text, &ranges);
    }
    let mut shared = windows.shared.borrow_mut();
    let cands: Vec<Cand> = match shared
        .iter()
        .find(|(p, g, _)| *p == d.pattern && *g == d.gate)
    {
        Some((_, _, spans)) => spans
            .iter()
            .filter_map(|&(start, end)| {
                Some(Cand {
                    start,
                    end,
                    text: text.get(start..end)?,
                })
            })
            .collect(),
        None => {
            let cands = candidates(re, text, &ranges);
            shared.push((
                d.pattern,
                d.gate,
                cands.iter().map(|c| (c.start, c.end)).collect(),
            ));
            cands
        }
    };
    drop(shared);
    if cands.is_empty() {
        return Vec::new();
    }
    (d.validate)(text, &cands)
}

/// Every validated match of `d` inside the ranges, side by side.
///
/// A candidate pattern is greedy: `4012888888881881 4012-8888-8888-1881` is one 19-digit
/// candidate followed by a 13-digit one, and neither is a card. So for detectors of grouped
/// numbers (the digit gate) a rejected candidate is read as values written side by side: from
/// its start, each value is the longest form ending at a separator that validates, and the next
/// one starts after the separators that follow. The reading counts only when it covers the
/// whole candidate, so a number that is no value (a card with a typo) does not turn into a
/// shorter one (a "phone number" of its first twelve digits). Credentials and addresses are
/// single tokens: a rejected one is simply not a finding.
fn hits(d: &Detector, re: &Regex, text: &str, ranges: &[(usize, usize)]) -> Vec<Hit> {
    let mut out: Vec<Hit> = Vec::new();
    for &(ws, we) in ranges {
        let Some(slice) = text.get(ws..we) else {
            continue;
        };
        let mut pos = out.last().map_or(0, |h| h.end.saturating_sub(ws));
        while pos < slice.len() {
            let Some(m) = re.find_at(slice, pos) else {
                break;
            };
            if m.end() <= m.start() {
                break;
            }
            let got = (d.validate)(text, &[cand(text, ws + m.start(), ws + m.end())]);
            if let Some(end) = got.iter().map(|h| h.end).max() {
                out.extend(got);
                pos = end.saturating_sub(ws).max(m.start() + 1);
                continue;
            }
            if d.gate == Gate::Digits {
                if let Some(values) = side_by_side(d, re, text, ws, slice, m.start(), m.end())
                    .or_else(|| regrouped(d, re, text, ws, slice, m.start(), m.end()))
                {
                    pos = values.iter().map(|h| h.end).max().map_or(m.end(), |e| e.saturating_sub(ws));
                    out.extend(values);
                    continue;
                }
            }
            pos = m.end();
        }
    }
    out
}

fn cand(text: &str, start: usize, end: usize) -> Cand<'_> {
    Cand {
        start,
        end,
        text: text.get(start..end).unwrap_or(""),
    }
}

/// How many values one rejected candidate may be read as, and how many shorter forms of each
/// are tried (a candidate is a few dozen bytes: this bounds a pathological post, never a real
/// one).
const MAX_VALUES: usize = 8;
const MAX_SHORTER: usize = 24;

/// The values side by side that exactly cover the rejected candidate `start..end` (offsets in
/// `slice`, which starts at `ws` in `text`), or `None`.
fn side_by_side(
    d: &Detector,
    re: &Regex,
    text: &str,
    ws: usize,
    slice: &str,
    start: usize,
    end: usize,
) -> Option<Vec<Hit>> {
    let bytes = slice.as_bytes();
    let is_sep = |i: usize| bytes.get(i).is_some_and(|b| b.is_ascii() && !b.is_ascii_alphanumeric());
    let mut values: Vec<Hit> = Vec::new();
    let mut at = start;
    while at < end && values.len() < MAX_VALUES {
        let m = find_here(re, slice, at)?;
        // The candidate here, then its forms ending at a separator, longest first.
        let ends = std::iter::once(m.end()).chain(
            (at + 1..m.end())
                .rev()
                .filter(|&i| is_sep(i) && !is_sep(i - 1))
                .take(MAX_SHORTER),
        );
        let mut next = None;
        for e in ends {
            let sub = slice.get(at..e)?;
            if !re.find(sub).is_some_and(|x| x.start() == 0 && x.end() == sub.len()) {
                continue;
            }
            let got = (d.validate)(text, &[cand(text, ws + at, ws + e)]);
            if let Some(hit_end) = got.iter().map(|h| h.end).max() {
                values.extend(got);
                next = Some(hit_end.saturating_sub(ws).max(at + 1));
                break;
            }
        }
        at = next?;
        while at < end && is_sep(at) {
            at += 1;
        }
    }
    (at >= end && !values.is_empty()).then_some(values)
}

/// The longest a candidate of a grouped-number detector is (an IBAN with a space in every place: under 70 bytes).
const MAX_VALUE: usize = 96;

/// A match of `re` that starts exactly at `at` (the search looks no further than a value's
/// length, so trying every separator of a candidate stays cheap).
fn find_here<'s>(re: &Regex, slice: &'s str, at: usize) -> Option<regex::Match<'s>> {
    let mut to = (at + MAX_VALUE).min(slice.len());
    while !slice.is_char_boundary(to) {
        to += 1;
    }
    let hay = slice.get(..to)?;
    re.find_at(hay, at).filter(|m| m.start() == at && m.end() > at)
}

/// A value that starts inside the rejected candidate `start..end` where its grouping changes:
/// in `+1-415-555-0132 4539 1488 0343 6467` the card starts where the dashes end. The
/// separators skipped before it must include one it does not use itself, so the last digits of
/// a rejected number (`4539 1488 0343 6468`) are not a value of their own.
fn regrouped(
    d: &Detector,
    re: &Regex,
    text: &str,
    ws: usize,
    slice: &str,
    start: usize,
    end: usize,
) -> Option<Vec<Hit>> {
    let bytes = slice.as_bytes();
    let is_sep = |b: u8| b.is_ascii() && !b.is_ascii_alphanumeric();
    for i in start + 1..end {
        // Only where a group starts: after a separator.
        if !is_sep(bytes[i - 1]) || is_sep(bytes[i]) {
            continue;
        }
        let Some(m) = find_here(re, slice, i) else {
            continue;
        };
        let inside: Vec<u8> = bytes[m.start()..m.end()].iter().copied().filter(|&b| is_sep(b)).collect();
        if !bytes[start..i].iter().any(|&b| is_sep(b) && !inside.contains(&b)) {
            continue;
        }
        let got = (d.validate)(text, &[cand(text, ws + m.start(), ws + m.end())]);
        if !got.is_empty() {
            return Some(got);
        }
    }
    None
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
    hits(d, &re, text, &[(0, text.len())])
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

    /// Hostile text never panics a validator: long runs of digits and separators, multi-byte
    /// characters around and inside candidates, MRZ filler, lone prefixes.
    #[test]
    fn hostile_input_never_panics_a_detector() {
        let inputs = [
            "9".repeat(5000),
            "1 ".repeat(3000),
            "1.2-3/4+5 ".repeat(800),
            "<".repeat(4000),
            format!("P<{}", "A<".repeat(2000)),
            "é1é2é3é4é5é6é7é8é9é0".repeat(300),
            "AB 12 34 56 C".repeat(400),
            "0x".repeat(3000),
            "bc1".repeat(2000),
            "DOB ".repeat(1000) + "31/12/1999",
            "passport ".repeat(800) + "L898902C3",
            "10.0.0.".repeat(700),
            "🙂123456789🙂".repeat(500),
        ];
        for d in DETECTORS {
            for t in &inputs {
                let _ = run_detector(d, t);
            }
        }
    }

    #[test]
    fn capital_runs_find_codes_written_in_capitals() {
        let t = "NI JG 10 37 95 A, BIC DEUTDEFF, Pan AFZPK7190K; short AB12 or lower abcdefgh12";
        let runs: Vec<&str> = capital_runs(t.as_bytes())
            .into_iter()
            .map(|(s, e)| &t[s..e])
            .collect();
        assert_eq!(runs, ["NI JG 10 37 95 A", "BIC DEUTDEFF", "AFZPK7190K"]);
        assert!(
            capital_runs(b"12345678 90").is_empty(),
            "digits only: no capital"
        );
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

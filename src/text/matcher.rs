//! One pass for the company's rules: every keyword, exception term, brand, disclosure tag and
//! the required literal of every company regex in one Aho-Corasick automaton, so cost grows with
//! the text, not with the number of rules. (The built-in detectors are a fixed set; each runs its
//! own search, only over the windows of the text its gate allows: see `detectors::Windows`.)
//!
//! Company regular expressions are not put in one big `RegexSet` as they are: bounded repeats
//! such as `[a-z0-9-]{0,30}` in fifty patterns multiply into more DFA states than any cache
//! holds, and the set falls back to a slow NFA (measured: 1.9 s for 1 MB). Instead each pattern
//! gives a *required literal* — text every match must contain (`.corp.kua.`, `mzaos-`,
//! `confidential`) — and one Aho-Corasick pass over the text finds which rules can match at all;
//! only those run their own (prefiltered) regex. The few patterns without a usable literal share
//! one `RegexSet`, each *relaxed* (Unicode word boundaries removed, which only widens what it
//! matches: with `\b` the lazy DFA gives up on non-ASCII text, and posts are full of emoji).

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};
use regex_syntax::hir::{self, Hir, HirKind, Look};

/// Compiled-size limits: a policy is data from outside and must not exhaust memory.
const REGEX_SIZE_LIMIT: usize = 1 << 20;
const SET_SIZE_LIMIT: usize = 16 << 20;
const SET_DFA_CACHE: usize = 8 << 20;

/// Parses a company pattern as the scanner compiles it: case-insensitive unless it says `(?-i)`.
/// (The error is large, but it is built once per bad pattern in a policy, never per scan.)
#[allow(clippy::result_large_err)]
pub fn parse_pattern(pattern: &str) -> Result<Hir, regex_syntax::Error> {
    regex_syntax::ParserBuilder::new()
        .case_insensitive(true)
        .build()
        .parse(pattern)
}

/// The exact matcher of a company pattern.
pub fn compile_exact(pattern: &str) -> Option<Regex> {
    RegexBuilder::new(pattern)
        .case_insensitive(true)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .ok()
}

/// A company pattern ready to search: fast where it can be, exact always.
///
/// With a Unicode `\b`, the regex crate's lazy DFA stops at the first non-ASCII byte and the
/// search falls back to an NFA (about 30 ms per megabyte per rule). So such a pattern searches
/// with its relaxed form (no word boundaries: a superset) and checks each candidate with the exact
/// pattern in a small window around it.
pub struct RulePattern {
    exact: Regex,
    relaxed: Option<Regex>,
}

/// How far past a candidate the exact pattern may look (a boundary can pick a longer branch).
const VERIFY_MARGIN: usize = 256;

impl RulePattern {
    pub fn new(pattern: &str) -> Option<RulePattern> {
        let exact = compile_exact(pattern)?;
        let hir = parse_pattern(pattern).ok()?;
        let relaxed = if hir.properties().look_set().contains_word_unicode() {
            RegexBuilder::new(&strip_unicode_boundaries(&hir).to_string())
                .size_limit(REGEX_SIZE_LIMIT)
                .build()
                .ok()
        } else {
            None
        };
        Some(RulePattern { exact, relaxed })
    }

    /// Non-overlapping matches (byte spans) of the exact pattern in `text`.
    pub fn find_all(&self, text: &str) -> Vec<(usize, usize)> {
        let Some(relaxed) = &self.relaxed else {
            return self
                .exact
                .find_iter(text)
                .filter(|m| m.end() > m.start())
                .map(|m| (m.start(), m.end()))
                .collect();
        };
        let mut out: Vec<(usize, usize)> = Vec::new();
        for cand in relaxed.find_iter(text) {
            let from = cand.start().max(out.last().map_or(0, |l| l.1));
            let mut to = (cand.end() + VERIFY_MARGIN).min(text.len());
            while !text.is_char_boundary(to) {
                to += 1;
            }
            let Some(window) = text.get(..to) else {
                continue;
            };
            if from > window.len() {
                continue;
            }
            if let Some(m) = self.exact.find_at(window, from) {
                if m.end() > m.start() && m.start() < cand.end() {
                    out.push((m.start(), m.end()));
                }
            }
        }
        out
    }
}

/// The pattern without Unicode word-boundary assertions (a superset of its matches).
pub fn relaxed(pattern: &str) -> Option<String> {
    let hir = parse_pattern(pattern).ok()?;
    Some(strip_unicode_boundaries(&hir).to_string())
}

fn strip_unicode_boundaries(h: &Hir) -> Hir {
    match h.kind() {
        HirKind::Look(
            Look::WordUnicode
            | Look::WordUnicodeNegate
            | Look::WordStartUnicode
            | Look::WordEndUnicode
            | Look::WordStartHalfUnicode
            | Look::WordEndHalfUnicode,
        ) => Hir::empty(),
        HirKind::Repetition(r) => Hir::repetition(hir::Repetition {
            min: r.min,
            max: r.max,
            greedy: r.greedy,
            sub: Box::new(strip_unicode_boundaries(&r.sub)),
        }),
        HirKind::Capture(c) => Hir::capture(hir::Capture {
            index: c.index,
            name: c.name.clone(),
            sub: Box::new(strip_unicode_boundaries(&c.sub)),
        }),
        HirKind::Concat(subs) => Hir::concat(subs.iter().map(strip_unicode_boundaries).collect()),
        HirKind::Alternation(subs) => {
            Hir::alternation(subs.iter().map(strip_unicode_boundaries).collect())
        }
        _ => h.clone(),
    }
}

/// Shortest literal worth a trigger: shorter ones ("e", "qt") occur in nearly every post.
const MIN_TRIGGER_LEN: usize = 3;

/// Strings of which every match of `hir` contains at least one (lowercase ASCII where the
/// pattern is case-insensitive), or `None` when no such set of useful strings is known.
pub fn required_literals(hir: &Hir) -> Option<Vec<String>> {
    let lits = required(hir)?;
    let ok =
        !lits.is_empty() && lits.len() <= 64 && lits.iter().all(|l| l.len() >= MIN_TRIGGER_LEN);
    ok.then_some(lits)
}

/// A single character, ignoring ASCII case: a literal, or a class of exactly the case forms of
/// one character (what `(?i)` makes of a letter; the Kelvin sign and long s fold to k and s).
fn single_char(h: &Hir) -> Option<char> {
    match h.kind() {
        HirKind::Literal(hir::Literal(bytes)) => {
            let s = std::str::from_utf8(bytes).ok()?;
            let mut it = s.chars();
            let c = it.next()?;
            it.next().is_none().then_some(c.to_ascii_lowercase())
        }
        HirKind::Class(hir::Class::Unicode(cls)) => {
            let mut chars = cls
                .ranges()
                .iter()
                .flat_map(|r| (r.start() as u32..=r.end() as u32).take(4))
                .filter_map(char::from_u32)
                .filter(|&c| c != '\u{212A}' && c != '\u{017F}');
            let first = chars.next()?.to_ascii_lowercase();
            chars
                .all(|c| c.to_ascii_lowercase() == first)
                .then_some(first)
        }
        HirKind::Class(hir::Class::Bytes(cls)) => {
            let mut bytes = cls.ranges().iter().flat_map(|r| r.start()..=r.end());
            let first = bytes.next()?.to_ascii_lowercase();
            (first.is_ascii() && bytes.all(|b| b.to_ascii_lowercase() == first))
                .then_some(char::from(first))
        }
        _ => None,
    }
}

fn score(lits: &[String]) -> usize {
    lits.iter().map(String::len).min().unwrap_or(0)
}

fn required(h: &Hir) -> Option<Vec<String>> {
    match h.kind() {
        HirKind::Literal(hir::Literal(bytes)) => {
            let s = std::str::from_utf8(bytes).ok()?;
            Some(vec![s.to_ascii_lowercase()])
        }
        HirKind::Class(_) => single_char(h).map(|c| vec![c.to_string()]),
        HirKind::Capture(c) => required(&c.sub),
        HirKind::Repetition(r) if r.min >= 1 => required(&r.sub),
        HirKind::Alternation(subs) => {
            let mut all = Vec::new();
            for s in subs {
                all.extend(required(s)?);
            }
            Some(all)
        }
        HirKind::Concat(subs) => {
            // Runs of single characters and literals join into one string (look-arounds are
            // zero-width and do not break a run); the best candidate has the longest shortest
            // member.
            let mut best: Option<Vec<String>> = None;
            let mut run = String::new();
            let consider = |cand: Vec<String>, best: &mut Option<Vec<String>>| {
                if best.as_ref().map_or(true, |b| score(&cand) > score(b)) {
                    *best = Some(cand);
                }
            };
            for sub in subs {
                match sub.kind() {
                    HirKind::Look(_) => continue,
                    HirKind::Literal(hir::Literal(bytes)) if std::str::from_utf8(bytes).is_ok() => {
                        run.push_str(&String::from_utf8_lossy(bytes).to_ascii_lowercase());
                        continue;
                    }
                    _ => {}
                }
                if let Some(c) = single_char(sub) {
                    run.push(c);
                    continue;
                }
                if !run.is_empty() {
                    consider(vec![std::mem::take(&mut run)], &mut best);
                }
                if let Some(inner) = required(sub) {
                    consider(inner, &mut best);
                }
            }
            if !run.is_empty() {
                consider(vec![run], &mut best);
            }
            best
        }
        _ => None,
    }
}

/// Many patterns, one pass: which of them match somewhere in a text.
pub struct PatternSet {
    set: Option<RegexSet>,
    count: usize,
}

impl PatternSet {
    pub fn new(patterns: &[String]) -> PatternSet {
        let set = if patterns.is_empty() {
            None
        } else {
            RegexSetBuilder::new(patterns)
                .size_limit(SET_SIZE_LIMIT)
                .dfa_size_limit(SET_DFA_CACHE)
                .build()
                .ok()
        };
        PatternSet {
            set,
            count: patterns.len(),
        }
    }

    /// Indices of the patterns that match in `text`. Without a set (it was too big to build)
    /// every pattern is a candidate and the exact matchers decide: slower, never a miss.
    pub fn matches(&self, text: &str) -> Vec<usize> {
        match &self.set {
            Some(set) => set.matches(text).into_iter().collect(),
            None => (0..self.count).collect(),
        }
    }
}

/// Keyword lists up to this many bytes (all terms together) get a DFA: about 160 bytes of memory
/// per byte of terms (500 codenames, 4 KB: 0.6 MB; the default policy: under 0.1 MB).
const DFA_MAX_TERM_BYTES: usize = 8 * 1024;

/// A keyword automaton over folded terms; matches are checked for word boundaries.
pub struct KeywordSet<T> {
    ac: Option<AhoCorasick>,
    targets: Vec<(T, bool, bool)>,
}

impl<T: Copy> KeywordSet<T> {
    /// `terms`: folded terms, what each one stands for, and whether it must sit on word
    /// boundaries (keywords do; regex triggers are plain substrings).
    pub fn new(terms: Vec<(String, T, bool)>) -> KeywordSet<T> {
        let targets = terms
            .iter()
            .map(|(t, target, bounded)| {
                let first = *bounded && t.chars().next().is_some_and(needs_boundary);
                let last = *bounded && t.chars().next_back().is_some_and(needs_boundary);
                (*target, first, last)
            })
            .collect();
        let ac = if terms.is_empty() {
            None
        } else {
            // A DFA is several times faster than the NFA on every keystroke; its memory grows with
            // the total length of the terms, so very large keyword lists fall back to the NFA.
            let total: usize = terms.iter().map(|(t, _, _)| t.len()).sum();
            let kind = (total <= DFA_MAX_TERM_BYTES).then_some(AhoCorasickKind::DFA);
            AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .kind(kind)
                .build(terms.iter().map(|(t, _, _)| t))
                .ok()
        };
        KeywordSet { ac, targets }
    }

    /// Every occurrence (overlapping) of every term in the keyword view, on word boundaries.
    pub fn find(&self, text: &str, mut f: impl FnMut(T, usize, usize)) {
        let Some(ac) = &self.ac else { return };
        for m in ac.find_overlapping_iter(text) {
            let Some(&(target, first, last)) = self.targets.get(m.pattern().as_usize()) else {
                continue;
            };
            if first && text[..m.start()].chars().next_back().is_some_and(is_word) {
                continue;
            }
            if last && text[m.end()..].chars().next().is_some_and(is_word) {
                continue;
            }
            f(target, m.start(), m.end());
        }
    }
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Word characters need a boundary, except in scripts written without spaces between words.
fn needs_boundary(c: char) -> bool {
    is_word(c)
        && !matches!(c,
            '\u{0E00}'..='\u{0EFF}'     // Thai, Lao
            | '\u{1000}'..='\u{109F}'   // Myanmar
            | '\u{1780}'..='\u{17FF}'   // Khmer
            | '\u{3040}'..='\u{30FF}'   // Hiragana, Katakana
            | '\u{3400}'..='\u{4DBF}'
            | '\u{4E00}'..='\u{9FFF}'   // CJK ideographs
            | '\u{F900}'..='\u{FAFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relaxing_removes_only_unicode_boundaries() {
        let r = relaxed(r"\bE[0-9]{2}\b").unwrap();
        let re = Regex::new(&r).unwrap();
        assert!(re.is_match("xE12y"));
        assert!(!r.contains(r"\b"));
        let exact = compile_exact(r"\bE[0-9]{2}\b").unwrap();
        assert!(!exact.is_match("xE12y"));
        assert!(exact.is_match("é E12 ü"));
    }

    fn lits(p: &str) -> Option<Vec<String>> {
        required_literals(&parse_pattern(p).unwrap())
    }

    #[test]
    fn required_literals_of_company_patterns() {
        assert_eq!(lits(r"\bMZAOS-[0-9]{3,5}\b").unwrap(), ["mzaos-"]);
        assert_eq!(
            lits(r"\b[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?\.corp\.kua\.(?:com|net|io)\b").unwrap(),
            [".corp.kua."]
        );
        assert_eq!(
            lits(r"\b(?:prod|staging|qa)-quarry-[0-9]{2,3}\b").unwrap(),
            ["-quarry-"]
        );
        assert_eq!(
            lits(r"\bconfidential\s+(?:use\s+)?notice\b").unwrap(),
            ["confidential"]
        );
        assert_eq!(
            lits(r"(?-i)Project (?:Falcon|Osprey)").unwrap(),
            ["project "]
        );
        assert_eq!(
            lits(r"(?:Falcon|Osprey)-[0-9]+").unwrap(),
            ["falcon", "osprey"]
        );
        assert_eq!(lits(r"\bE[0-9]{7}\b"), None, "one letter is no trigger");
        assert_eq!(lits(r"(?:foo)?ba"), None, "too short");
        assert_eq!(lits(r"(?:foo)?bar").unwrap(), ["bar"]);
        assert_eq!(lits(r"x*"), None);
    }

    #[test]
    fn patterns_are_case_insensitive_unless_they_opt_out() {
        assert!(compile_exact("codename").unwrap().is_match("CODENAME"));
        assert!(!compile_exact("(?-i)codename").unwrap().is_match("CODENAME"));
    }

    #[test]
    fn keywords_respect_boundaries_and_overlaps() {
        let ks = KeywordSet::new(vec![
            ("ion".to_string(), 0, true),
            ("ionar".to_string(), 1, true),
            ("東京".to_string(), 2, true),
        ]);
        let mut got = Vec::new();
        ks.find("ionar ion lion 本社は東京です", |t, s, e| {
            got.push((t, s, e))
        });
        assert_eq!(got.iter().map(|g| g.0).collect::<Vec<_>>(), [1, 0, 2]);
    }
}

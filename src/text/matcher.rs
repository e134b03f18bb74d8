//! The single pass: every regular expression (built-in candidates and company rules) in one
//! `RegexSet`, every keyword, exception term, brand and disclosure tag in one Aho-Corasick
//! automaton. Cost grows with the text, not with the number of rules.
//!
//! Unicode word boundaries (`\b`) make the regex crate's lazy DFA give up on non-ASCII text —
//! and posts are full of emoji and non-Latin scripts. So the set holds each company pattern
//! *relaxed* (word boundaries removed, which only widens what it matches); a rule the set reports
//! is then confirmed with its exact pattern. Only rules with a candidate pay for that.

use aho_corasick::{AhoCorasick, MatchKind};
use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};
use regex_syntax::hir::{self, Hir, HirKind, Look};

/// Compiled-size limits: a policy is data from outside and must not exhaust memory.
const REGEX_SIZE_LIMIT: usize = 1 << 20;
const SET_SIZE_LIMIT: usize = 16 << 20;
const SET_DFA_CACHE: usize = 8 << 20;

/// Parses a company pattern as the scanner compiles it: case-insensitive unless it says `(?-i)`.
pub fn parse_pattern(pattern: &str) -> Result<Hir, regex_syntax::Error> {
    regex_syntax::ParserBuilder::new().case_insensitive(true).build().parse(pattern)
}

/// The exact matcher of a company pattern.
pub fn compile_exact(pattern: &str) -> Option<Regex> {
    RegexBuilder::new(pattern).case_insensitive(true).size_limit(REGEX_SIZE_LIMIT).build().ok()
}

/// The pattern without Unicode word-boundary assertions (a superset of its matches).
pub fn relaxed(pattern: &str) -> Option<String> {
    let hir = parse_pattern(pattern).ok()?;
    Some(strip_unicode_boundaries(&hir).to_string())
}

fn strip_unicode_boundaries(h: &Hir) -> Hir {
    match h.kind() {
        HirKind::Look(look) => match look {
            Look::WordUnicode
            | Look::WordUnicodeNegate
            | Look::WordStartUnicode
            | Look::WordEndUnicode
            | Look::WordStartHalfUnicode
            | Look::WordEndHalfUnicode => Hir::empty(),
            _ => h.clone(),
        },
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
        HirKind::Alternation(subs) => Hir::alternation(subs.iter().map(strip_unicode_boundaries).collect()),
        _ => h.clone(),
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
        PatternSet { set, count: patterns.len() }
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

/// A keyword automaton over folded terms; matches are checked for word boundaries.
pub struct KeywordSet<T> {
    ac: Option<AhoCorasick>,
    targets: Vec<(T, bool, bool)>,
}

impl<T: Copy> KeywordSet<T> {
    /// `terms`: folded terms and what each one stands for.
    pub fn new(terms: Vec<(String, T)>) -> KeywordSet<T> {
        let targets = terms
            .iter()
            .map(|(t, target)| {
                let first = t.chars().next().is_some_and(needs_boundary);
                let last = t.chars().next_back().is_some_and(needs_boundary);
                (*target, first, last)
            })
            .collect();
        let ac = if terms.is_empty() {
            None
        } else {
            AhoCorasick::builder().match_kind(MatchKind::Standard).build(terms.iter().map(|(t, _)| t)).ok()
        };
        KeywordSet { ac, targets }
    }

    /// Every occurrence (overlapping) of every term in the keyword view, on word boundaries.
    pub fn find(&self, text: &str, mut f: impl FnMut(T, usize, usize)) {
        let Some(ac) = &self.ac else { return };
        for m in ac.find_overlapping_iter(text) {
            let Some(&(target, first, last)) = self.targets.get(m.pattern().as_usize()) else { continue };
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

    #[test]
    fn patterns_are_case_insensitive_unless_they_opt_out() {
        assert!(compile_exact("codename").unwrap().is_match("CODENAME"));
        assert!(!compile_exact("(?-i)codename").unwrap().is_match("CODENAME"));
    }

    #[test]
    fn keywords_respect_boundaries_and_overlaps() {
        let ks = KeywordSet::new(vec![("ion".to_string(), 0), ("ionar".to_string(), 1), ("東京".to_string(), 2)]);
        let mut got = Vec::new();
        ks.find("ionar ion lion 本社は東京です", |t, s, e| got.push((t, s, e)));
        assert_eq!(got.iter().map(|g| g.0).collect::<Vec<_>>(), [1, 0, 2]);
    }
}

//! The text policy engine: checks a post against the policy while it is written.
//!
//! [`TextScanner::new`] compiles a policy once per composer (and site); [`TextScanner::scan`]
//! runs on every keystroke. A scan normalises the post ([`normalize`]), runs every pattern in one
//! pass ([`matcher`]), validates built-in candidates ([`detectors`]), applies exceptions and
//! maps every finding back to the original text's byte and UTF-16 offsets, with a redacted
//! preview ([`redact`]).

mod compat;
mod compat_table;
pub mod detectors;
pub mod incremental;
pub mod matcher;
pub mod media_words;
pub mod normalize;
pub mod redact;
pub mod words;

use crate::policy::{Category, Confidence, Policy, Rule, RuleKind, Severity};
use detectors::Redaction;
use matcher::{KeywordSet, PatternSet};
use normalize::{fold_term, View};
use serde::Serialize;

/// One thing in a post that the policy flags. Offsets are into the original text: `start..end`
/// in UTF-8 bytes, `start_utf16..end_utf16` in UTF-16 code units (what the browser needs).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: String,
    pub category: Category,
    pub severity: Severity,
    pub message: String,
    /// Set when `message` is one SafePost ships (a built-in detector's, or a rule or disclosure
    /// message of the default policy left as shipped): the extension shows it in the user's
    /// language (`finding_<key>` in `_locales`). Absent when IT wrote the message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_key: Option<String>,
    /// What a translated message names: the disclosure tags to add.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub message_args: Vec<String>,
    pub link: Option<String>,
    pub start: usize,
    pub end: usize,
    pub start_utf16: usize,
    pub end_utf16: usize,
    pub preview: String,
    /// How sure the detector is (`detectors::confidence`); a company rule's own match is `high`.
    pub confidence: Confidence,
}

/// What a pattern in the set stands for.
#[derive(Clone, Copy, Debug)]
enum SetTarget {
    Detector(usize),
    Rule(usize),
}

/// What a keyword in the automaton stands for.
#[derive(Clone, Copy, Debug)]
enum KeywordTarget {
    Rule(usize),
    /// A required literal of a regex rule: the rule can match, run its regex.
    Trigger(usize),
    Exception(usize),
    Brand,
    Tag,
}

struct CompiledRule {
    rule: Rule,
    /// The rule's regex, compiled the first time the rule can match (a policy with many
    /// expressions then costs little to load in a new composer).
    exact: std::sync::OnceLock<Option<matcher::RulePattern>>,
}

impl CompiledRule {
    fn pattern(&self) -> Option<&matcher::RulePattern> {
        self.exact
            .get_or_init(|| match &self.rule.kind {
                RuleKind::Regex { pattern } => matcher::RulePattern::new(pattern),
                _ => None,
            })
            .as_ref()
    }
}

/// A finding before offsets and preview: an original byte span and who found it.
#[derive(Clone, Debug, PartialEq)]
struct Raw {
    start: usize,
    end: usize,
    source: Source,
    test_data: bool,
    confidence: Confidence,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Source {
    Detector(usize),
    Rule(usize),
    Disclosure,
}

/// Everything a scan found in a text before the post-level step, in original byte offsets.
#[derive(Clone, Debug, Default, PartialEq)]
struct Locals {
    /// Company rules' matches (keywords, regexes, built-in rules).
    raws: Vec<Raw>,
    /// Enabled detectors' own matches, before overlaps between detectors are resolved.
    detector_raws: Vec<Raw>,
    /// Exception spans `(rule, start, end)`.
    exceptions: Vec<(usize, usize, usize)>,
    /// Disclosure brands and tags found.
    brands: Vec<(usize, usize)>,
    tags: Vec<(usize, usize)>,
    /// Detector hits below their confidence threshold (not findings).
    latent: Vec<(usize, usize)>,
}

/// A policy compiled for fast repeated checks (one per composer, reused on every keystroke).
pub struct TextScanner {
    /// Per detector (in `detectors::all()` order): its own severity when enabled.
    detector_severity: Vec<Option<Severity>>,
    /// Per detector: the confidence it must reach and how far its corroborating words may be.
    detector_confidence: Vec<(Confidence, usize)>,
    /// Per detector: the `builtin` rules that use it.
    builtin_rules: Vec<Vec<usize>>,
    rules: Vec<CompiledRule>,
    set: PatternSet,
    set_targets: Vec<SetTarget>,
    /// Indices in `set_targets` of the detectors to run (outside the set: see `scan`).
    detector_targets: Vec<usize>,
    keywords: KeywordSet<KeywordTarget>,
    /// Keyword rules' terms and exceptions in their inflected and disguised forms.
    words: words::WordMatcher<KeywordTarget>,
    disclosure: Option<crate::policy::Disclosure>,
    needs_keyword_view: bool,
}

impl TextScanner {
    /// Compiles `policy` for posts written on `site` (`None`: unknown, every rule applies).
    pub fn new(policy: &Policy, site: Option<&str>) -> TextScanner {
        let all = detectors::all();
        let detector_severity: Vec<Option<Severity>> = all
            .iter()
            .map(|d| {
                let s = policy.detector(d.id);
                s.enabled.then_some(s.severity)
            })
            .collect();
        let detector_confidence = all
            .iter()
            .map(|d| {
                let s = policy.detector(d.id);
                (s.min_confidence, s.context_chars)
            })
            .collect();
        let mut builtin_rules = vec![Vec::new(); all.len()];
        let mut rules = Vec::new();
        let mut kw_terms: Vec<(String, KeywordTarget, bool)> = Vec::new();
        // Regex rules without a usable required literal: they share one set (relaxed patterns).
        let mut patterns = Vec::new();
        let mut set_targets = Vec::new();
        for rule in policy
            .rules
            .iter()
            .filter(|r| r.enabled && r.applies_to(site))
        {
            let idx = rules.len();
            match &rule.kind {
                RuleKind::Keywords { terms } => {
                    kw_terms.extend(
                        terms
                            .iter()
                            .map(|t| (fold_term(t), KeywordTarget::Rule(idx), true)),
                    );
                }
                RuleKind::Regex { pattern } => {
                    // An invalid pattern was reported by policy validation; it never panics a scan.
                    let Ok(hir) = matcher::parse_pattern(pattern) else {
                        continue;
                    };
                    match matcher::required_literals(&hir) {
                        Some(lits) => {
                            kw_terms.extend(
                                lits.iter()
                                    .map(|l| (fold_term(l), KeywordTarget::Trigger(idx), false)),
                            );
                        }
                        None => {
                            let Some(relaxed) = matcher::relaxed(pattern) else {
                                continue;
                            };
                            patterns.push(relaxed);
                            set_targets.push(SetTarget::Rule(idx));
                        }
                    }
                }
                RuleKind::Builtin { builtin } => match detectors::index_of(builtin) {
                    Some(d) => builtin_rules[d].push(idx),
                    None => continue,
                },
            }
            kw_terms.extend(
                rule.exceptions
                    .terms
                    .iter()
                    .map(|t| (fold_term(t), KeywordTarget::Exception(idx), true)),
            );
            rules.push(CompiledRule {
                rule: rule.clone(),
                exact: std::sync::OnceLock::new(),
            });
        }
        kw_terms.retain(|(t, _, _)| !t.is_empty());

        let disclosure = (!policy.disclosure.brands.is_empty()
            && !policy.disclosure.tags.is_empty())
        .then(|| policy.disclosure.clone());
        if let Some(d) = &disclosure {
            kw_terms.extend(
                d.brands
                    .iter()
                    .map(|b| (fold_term(b), KeywordTarget::Brand, true)),
            );
            kw_terms.extend(
                d.tags
                    .iter()
                    .map(|t| (fold_term(t), KeywordTarget::Tag, true)),
            );
        }

        // The built-in detectors are a fixed number of searches that their literal prefixes or
        // the digit/assignment pre-pass keep short.
        let mut detector_targets = Vec::new();
        for i in 0..all.len() {
            if detector_severity[i].is_some() || !builtin_rules[i].is_empty() {
                detector_targets.push(set_targets.len());
                set_targets.push(SetTarget::Detector(i));
            }
        }
        let needs_keyword_view = !kw_terms.is_empty();
        let word_terms: Vec<(String, KeywordTarget)> = kw_terms
            .iter()
            .filter(|(_, t, _)| matches!(t, KeywordTarget::Rule(_) | KeywordTarget::Exception(_)))
            .map(|(term, t, _)| (term.clone(), *t))
            .collect();
        TextScanner {
            detector_severity,
            detector_confidence,
            builtin_rules,
            rules,
            set: PatternSet::new(&patterns),
            set_targets,
            detector_targets,
            keywords: KeywordSet::new(kw_terms),
            words: words::WordMatcher::new(&word_terms),
            disclosure,
            needs_keyword_view,
        }
    }

    /// The findings for `text`, ordered by position.
    pub fn scan(&self, text: &str) -> Vec<Finding> {
        self.finish(text, self.collect(text))
    }

    /// How far (bytes) what a rule sees around a match can reach: the confidence context
    /// window of the detectors in use (characters, up to 4 bytes each) and word boundaries.
    /// [`incremental`] rescans at least this much around an edit.
    fn context_reach(&self) -> usize {
        let chars = self
            .detector_confidence
            .iter()
            .zip(&self.detector_targets_mask())
            .filter(|(_, used)| **used)
            .map(|(&(_, c), _)| c)
            .max()
            .unwrap_or(0);
        chars * 4 + 64
    }

    fn detector_targets_mask(&self) -> Vec<bool> {
        let mut used = vec![false; self.detector_confidence.len()];
        for &i in &self.detector_targets {
            if let Some(&SetTarget::Detector(d)) = self.set_targets.get(i) {
                if let Some(u) = used.get_mut(d) {
                    *u = true;
                }
            }
        }
        used
    }

    /// What the post-level step ([`TextScanner::finish`]) needs from `text`: every match with
    /// its original span, before overlaps, exceptions and disclosure are resolved. Each item
    /// depends only on the text around it, so [`incremental`] can recompute it for a part.
    fn collect(&self, text: &str) -> Locals {
        let view = View::matching(text);
        let mut raws: Vec<Raw> = Vec::new();
        // Exception spans per rule, in original offsets.
        let mut exceptions: Vec<(usize, usize, usize)> = Vec::new();
        let mut brands: Vec<(usize, usize)> = Vec::new();
        let mut tags: Vec<(usize, usize)> = Vec::new();
        let mut latent: Vec<(usize, usize)> = Vec::new();
        let mut triggered: Vec<usize> = Vec::new();

        if self.needs_keyword_view {
            let kv = View::keywords(&view);
            // Spaced-out words ("c o n f i d e n t i a l"): keyword rules only, on a view with the
            // run closed up.
            if let Some(sq) = View::squeezed(&kv) {
                let mut on_squeezed = |target, s, e| {
                    if let KeywordTarget::Rule(r) = target {
                        let (ks, ke) = sq.span_in_source(s, e);
                        let (ms, me) = kv.span_in_source(ks, ke);
                        let (os, oe) = view.original_span(ms, me);
                        raws.push(Raw {
                            start: os,
                            end: oe,
                            source: Source::Rule(r),
                            test_data: false,
                            confidence: Confidence::High,
                        });
                    }
                };
                self.keywords.find(&sq.text, &mut on_squeezed);
                self.words.find(&sq.text, &mut on_squeezed);
            }
            let mut on_keywords = |target, s, e| {
                let (ms, me) = kv.span_in_source(s, e);
                let (os, oe) = view.original_span(ms, me);
                match target {
                    KeywordTarget::Rule(r) => raws.push(Raw {
                        start: os,
                        end: oe,
                        source: Source::Rule(r),
                        test_data: false,
                        confidence: Confidence::High,
                    }),
                    KeywordTarget::Exception(r) => exceptions.push((r, os, oe)),
                    KeywordTarget::Brand => brands.push((os, oe)),
                    KeywordTarget::Tag => tags.push((os, oe)),
                    KeywordTarget::Trigger(r) => triggered.push(r),
                }
            };
            self.keywords.find(&kv.text, &mut on_keywords);
            // Inflected and disguised words: the same targets, found by word.
            self.words.find(&kv.text, &mut on_keywords);
        }

        let mut detector_raws: Vec<Raw> = Vec::new();
        let windows = detectors::Windows::new(&view.text);
        triggered.sort_unstable();
        triggered.dedup();
        let set_hits = self.set.matches(&view.text).into_iter().filter_map(|i| {
            match self.set_targets.get(i) {
                Some(&SetTarget::Rule(r)) => Some(r),
                _ => None,
            }
        });
        let regex_rules: Vec<SetTarget> = triggered
            .into_iter()
            .chain(set_hits)
            .map(SetTarget::Rule)
            .collect();
        let detector_runs = self
            .detector_targets
            .iter()
            .filter_map(|&i| self.set_targets.get(i).copied());
        // The view with what detectors listed earlier validated blanked out (see below); made
        // on the first validated hit.
        let mut masked: Option<String> = None;
        for target in regex_rules.into_iter().chain(detector_runs) {
            match Some(&target) {
                Some(&SetTarget::Detector(d)) => {
                    // Hits below the detector's confidence threshold are dropped before they
                    // blank anything, so a lower-priority detector may still claim that text.
                    let hits: Vec<_> =
                        detectors::run(d, masked.as_deref().unwrap_or(&view.text), &windows)
                            .into_iter()
                            .filter_map(|hit| {
                                let Some(c) = self.confidence(d, &view.text, &hit) else {
                                    // Below the threshold: not a finding, but an edit near it
                                    // may change that (see `incremental`).
                                    latent.push(view.original_span(hit.start, hit.end));
                                    return None;
                                };
                                Some((hit, c))
                            })
                            .collect();
                    if !hits.is_empty() {
                        let m = masked.get_or_insert_with(|| view.text.clone());
                        for (hit, _) in &hits {
                            blank(m, hit.start, hit.end);
                        }
                    }
                    for (hit, confidence) in hits {
                        let (os, oe) = view.original_span(hit.start, hit.end);
                        let mut claimed = false;
                        for &r in &self.builtin_rules[d] {
                            claimed = true;
                            raws.push(Raw {
                                start: os,
                                end: oe,
                                source: Source::Rule(r),
                                test_data: hit.test_data,
                                confidence,
                            });
                        }
                        if !claimed && self.detector_severity[d].is_some() {
                            detector_raws.push(Raw {
                                start: os,
                                end: oe,
                                source: Source::Detector(d),
                                test_data: hit.test_data,
                                confidence,
                            });
                        }
                    }
                }
                Some(&SetTarget::Rule(r)) => {
                    if let Some(re) = self.rules.get(r).and_then(CompiledRule::pattern) {
                        for (ms, me) in re.find_all(&view.text) {
                            let (os, oe) = view.original_span(ms, me);
                            raws.push(Raw {
                                start: os,
                                end: oe,
                                source: Source::Rule(r),
                                test_data: false,
                                confidence: Confidence::High,
                            });
                        }
                    }
                }
                None => {}
            }
        }
        Locals {
            raws,
            detector_raws,
            exceptions,
            brands,
            tags,
            latent,
        }
    }

    /// The findings from what [`TextScanner::collect`] found in `text` (or what
    /// [`incremental`] merged): overlaps, exceptions, disclosure, offsets and previews.
    fn finish(&self, text: &str, locals: Locals) -> Vec<Finding> {
        let Locals {
            mut raws,
            detector_raws,
            exceptions,
            brands,
            tags,
            latent: _,
        } = locals;
        let mut detector_raws = detector_raws;
        raws.sort_by_key(|r| (r.start, r.end));

        // Overlapping built-in findings: the detector listed first wins (a key block holds
        // base64 that looks like other things; a map link holds coordinates). Detectors run in
        // that order and each searches the text with what the earlier ones found blanked out,
        // so a phone number next to a card is still found, just not with the card's digits.
        detector_raws.sort_by_key(|r| {
            (
                match r.source {
                    Source::Detector(d) => d,
                    _ => usize::MAX,
                },
                r.start,
            )
        });
        let mut kept: Vec<Raw> = Vec::new();
        for r in detector_raws {
            if !kept.iter().any(|k| k.start < r.end && r.start < k.end) {
                kept.push(r);
            }
        }
        raws.extend(kept);

        // Exceptions: allowed terms around a match, allowed e-mail domains.
        raws.retain(|r| match r.source {
            Source::Rule(i) => !self.excepted(i, r, text, &exceptions),
            _ => true,
        });

        let first_brand = brands.iter().min_by_key(|&&(s, e)| (s, e));
        if let (Some(d), Some(&(s, e))) = (&self.disclosure, first_brand) {
            if tags.is_empty() {
                let _ = d;
                raws.push(Raw {
                    start: s,
                    end: e,
                    source: Source::Disclosure,
                    test_data: false,
                    confidence: Confidence::High,
                });
            }
        }

        raws.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
        raws.dedup_by(|a, b| {
            a.start == b.start && a.end == b.end && same_source(a.source, b.source)
        });
        // A rule's match inside a longer match of the same rule ("confidential" inside "strictly
        // confidential") is one finding.
        let mut reach: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
        raws.retain(|r| match r.source {
            Source::Rule(i) => {
                let end = reach.entry(i).or_insert(0);
                if r.end <= *end {
                    return false;
                }
                *end = r.end;
                true
            }
            _ => true,
        });
        self.findings(text, raws)
    }

    /// The confidence of a detector's hit, or `None` when it is below the detector's threshold
    /// (not reported). A published test value is `low` but still reported, one severity lower,
    /// when its shape and words alone would have reached the threshold.
    fn confidence(&self, d: usize, text: &str, hit: &detectors::Hit) -> Option<Confidence> {
        let det = detectors::all().get(d)?;
        let &(min, context) = self.detector_confidence.get(d)?;
        let c =
            detectors::confidence::assess(det.id, det.category, text, hit.start, hit.end, context);
        if c < min {
            return None;
        }
        Some(if hit.test_data { Confidence::Low } else { c })
    }

    fn excepted(
        &self,
        rule: usize,
        r: &Raw,
        text: &str,
        exceptions: &[(usize, usize, usize)],
    ) -> bool {
        if exceptions
            .iter()
            .any(|&(i, s, e)| i == rule && s <= r.start && r.end <= e)
        {
            return true;
        }
        let Some(c) = self.rules.get(rule) else {
            return false;
        };
        let domains = &c.rule.exceptions.email_domains;
        if domains.is_empty() {
            return false;
        }
        let matched = text.get(r.start..r.end).unwrap_or("");
        match matched.rsplit_once('@') {
            Some((_, domain)) => {
                let domain = domain.to_ascii_lowercase();
                domains
                    .iter()
                    .any(|d| crate::policy::host_matches(&domain, d))
            }
            None => false,
        }
    }

    fn findings(&self, text: &str, raws: Vec<Raw>) -> Vec<Finding> {
        let mut positions: Vec<usize> = raws.iter().flat_map(|r| [r.start, r.end]).collect();
        positions.sort_unstable();
        positions.dedup();
        let utf16 = utf16_offsets(text, &positions);
        let at = |b: usize| {
            positions
                .binary_search(&b)
                .ok()
                .and_then(|i| utf16.get(i).copied())
                .unwrap_or(0)
        };
        raws.into_iter()
            .filter_map(|r| {
                let original = text.get(r.start..r.end)?;
                let mut message_args = Vec::new();
                let (rule, category, severity, message, message_key, link, preview) = match r.source
                {
                    Source::Detector(d) => {
                        let det = detectors::all().get(d)?;
                        let sev = self.detector_severity.get(d).copied().flatten()?;
                        let (sev, msg, key) = if r.test_data {
                            (
                                sev.lowered(),
                                format!("{} (a well-known test value)", det.message),
                                format!("{}_test", det.id),
                            )
                        } else {
                            (sev, det.message.to_string(), det.id.to_string())
                        };
                        (
                            det.id.to_string(),
                            det.category,
                            sev,
                            msg,
                            Some(key),
                            None,
                            redact::preview(det.redaction, original),
                        )
                    }
                    Source::Rule(i) => {
                        let c = self.rules.get(i)?;
                        let rule = &c.rule;
                        let (sev, preview) = match &rule.kind {
                            RuleKind::Builtin { builtin } => {
                                let style = detectors::get(builtin)
                                    .map_or(Redaction::Secret, |d| d.redaction);
                                let sev = if r.test_data {
                                    rule.severity.lowered()
                                } else {
                                    rule.severity
                                };
                                (sev, redact::preview(style, original))
                            }
                            RuleKind::Keywords { .. } => (rule.severity, redact::plain(original)),
                            RuleKind::Regex { .. } => (rule.severity, redact::partial(original)),
                        };
                        (
                            rule.id.clone(),
                            rule.category,
                            sev,
                            rule.message.clone(),
                            shipped_message_key(&rule.id, &rule.message),
                            rule.link.clone(),
                            preview,
                        )
                    }
                    Source::Disclosure => {
                        let d = self.disclosure.as_ref()?;
                        let tags = d.tags.join(", ");
                        let message = format!("{} Add one of: {tags}.", d.message);
                        let key = shipped_message_key("disclosure", &d.message);
                        if key.is_some() {
                            message_args.push(tags);
                        }
                        (
                            "disclosure".to_string(),
                            Category::Disclosure,
                            d.severity,
                            message,
                            key,
                            d.link.clone(),
                            redact::plain(original),
                        )
                    }
                };
                Some(Finding {
                    confidence: r.confidence,
                    rule,
                    category,
                    severity,
                    message,
                    message_key,
                    message_args,
                    link,
                    start: r.start,
                    end: r.end,
                    start_utf16: at(r.start),
                    end_utf16: at(r.end),
                    preview,
                })
            })
            .collect()
    }
}

/// Replaces `text[start..end]` (on character boundaries) by as many spaces, so offsets stay.
fn blank(text: &mut String, start: usize, end: usize) {
    if start < end
        && text.is_char_boundary(start)
        && text.is_char_boundary(end)
        && end <= text.len()
    {
        text.replace_range(start..end, &" ".repeat(end - start));
    }
}

fn same_source(a: Source, b: Source) -> bool {
    match (a, b) {
        (Source::Detector(x), Source::Detector(y)) | (Source::Rule(x), Source::Rule(y)) => x == y,
        (Source::Disclosure, Source::Disclosure) => true,
        _ => false,
    }
}

/// UTF-16 offsets of sorted byte `positions` (each on a char boundary), in one walk over the
/// bytes: every byte that starts a character is one code unit, a 4-byte character is two.
fn utf16_offsets(text: &str, positions: &[usize]) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(positions.len());
    let mut units = 0;
    let mut at = 0;
    for &p in positions {
        let p = p.min(bytes.len());
        if p > at {
            units += bytes[at..p]
                .iter()
                .map(|&b| ((b & 0xC0) != 0x80) as usize + (b >= 0xF0) as usize)
                .sum::<usize>();
            at = p;
        }
        out.push(units);
    }
    out
}

/// `Some(id)` when `message` is the shipped default policy's message for rule `id` (or for the
/// disclosure rule, `"disclosure"`): IT left it as shipped, so the extension may translate it.
fn shipped_message_key(id: &str, message: &str) -> Option<String> {
    static SHIPPED: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    let shipped = SHIPPED.get_or_init(|| {
        let p = Policy::default_policy();
        let mut v: Vec<(String, String)> = p.rules.into_iter().map(|r| (r.id, r.message)).collect();
        v.push(("disclosure".to_string(), p.disclosure.message));
        v
    });
    shipped
        .iter()
        .any(|(i, m)| i == id && m == message)
        .then(|| id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_offsets_count_surrogate_pairs() {
        let t = "a🚀b é";
        let pos = [0, 1, 5, 6, 7, 9];
        assert_eq!(utf16_offsets(t, &pos), [0, 1, 3, 4, 5, 6]);
    }
}

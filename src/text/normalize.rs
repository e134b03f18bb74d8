//! Normalised views of a post, each with a map back to the original text's byte offsets.
//!
//! Rules must see through the tricks that hide a word from a naive matcher — full-width or
//! "mathematical bold" letters, ligatures, zero-width characters, soft hyphens, bidi controls —
//! while findings must point at the text the user actually typed. So the scanner matches on views
//! and maps every match back:
//!
//! * the *matching view* ([`View::matching`]): NFKC, invisible characters removed, case kept
//!   (detectors and regular-expression rules run here; credentials are case-sensitive);
//! * the *keyword view* ([`View::keywords`]): the matching view lowercased, with typographic
//!   apostrophes and dashes made plain and every run of white space made one space.
//!
//! NFKC is applied per segment (a starter and the combining marks after it), so every output byte
//! belongs to exactly one original segment.

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::UnicodeNormalization;

/// A derived text and, for each of its bytes, the original span it came from.
pub struct View {
    pub text: String,
    /// `None`: the view is the original text itself (plain ASCII needs no change).
    map: Option<Spans>,
}

struct Spans {
    starts: Vec<u32>,
    ends: Vec<u32>,
}

impl Spans {
    fn with_capacity(n: usize) -> Spans {
        Spans { starts: Vec::with_capacity(n), ends: Vec::with_capacity(n) }
    }
    fn push(&mut self, n: usize, start: usize, end: usize) {
        for _ in 0..n {
            self.starts.push(start as u32);
            self.ends.push(end as u32);
        }
    }
}

/// Characters that render as nothing (Unicode's Default_Ignorable_Code_Point, in practice):
/// people use them to split a word so that filters miss it.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}'
        | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

impl View {
    /// NFKC with invisible characters removed; case kept.
    pub fn matching(original: &str) -> View {
        if original.is_ascii() {
            return View { text: original.to_string(), map: None };
        }
        let mut text = String::with_capacity(original.len());
        let mut spans = Spans::with_capacity(original.len());
        let mut seg = String::new();
        let mut iter = original.char_indices().peekable();
        while let Some((start, c)) = iter.next() {
            if c.is_ascii() {
                // An ASCII starter followed by a combining mark (e + U+0301) must compose.
                let combining_next = iter.peek().is_some_and(|&(_, n)| !n.is_ascii() && canonical_combining_class(n) != 0);
                if !combining_next {
                    text.push(c);
                    spans.push(1, start, start + 1);
                    continue;
                }
            }
            if is_invisible(c) {
                continue;
            }
            seg.clear();
            seg.push(c);
            let mut end = start + c.len_utf8();
            while let Some(&(i, n)) = iter.peek() {
                if n.is_ascii() || canonical_combining_class(n) == 0 {
                    break;
                }
                seg.push(n);
                end = i + n.len_utf8();
                iter.next();
            }
            let before = text.len();
            text.extend(seg.nfkc().filter(|&ch| !is_invisible(ch)));
            spans.push(text.len() - before, start, end);
        }
        View { text, map: Some(spans) }
    }

    /// The keyword view of a matching view: lowercased, plain punctuation, one space per run.
    pub fn keywords(matching: &View) -> View {
        let src = &matching.text;
        let mut text = String::with_capacity(src.len());
        let mut spans = Spans::with_capacity(src.len());
        let mut in_space = false;
        for (i, c) in src.char_indices() {
            let (os, oe) = matching.original_span(i, i + c.len_utf8());
            if c.is_whitespace() {
                if !in_space {
                    text.push(' ');
                    spans.push(1, os, oe);
                    in_space = true;
                }
                continue;
            }
            in_space = false;
            let before = text.len();
            match c {
                '\u{2018}' | '\u{2019}' | '\u{02BC}' | '`' => text.push('\''),
                '\u{201C}' | '\u{201D}' => text.push('"'),
                '\u{2010}'..='\u{2015}' | '\u{2212}' => text.push('-'),
                c if c.is_ascii() => text.push(c.to_ascii_lowercase()),
                c => text.extend(c.to_lowercase()),
            }
            spans.push(text.len() - before, os, oe);
        }
        View { text, map: Some(spans) }
    }

    /// The original byte span of the view's bytes `start..end` (`start < end`).
    pub fn original_span(&self, start: usize, end: usize) -> (usize, usize) {
        match &self.map {
            None => (start, end),
            Some(m) => {
                let s = m.starts.get(start).copied().unwrap_or(0) as usize;
                let e = end.checked_sub(1).and_then(|i| m.ends.get(i)).copied().unwrap_or(s as u32) as usize;
                (s, e.max(s))
            }
        }
    }
}

/// A keyword or phrase as the keyword view would show it (so terms and text compare equal).
pub fn fold_term(term: &str) -> String {
    let m = View::matching(term);
    View::keywords(&m).text.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans_of(original: &str, needle: &str) -> Option<(usize, usize)> {
        let m = View::matching(original);
        let k = View::keywords(&m);
        let i = k.text.find(needle)?;
        Some(k.original_span(i, i + needle.len()))
    }

    #[test]
    fn ascii_is_identity() {
        let v = View::matching("Hello world");
        assert_eq!(v.text, "Hello world");
        assert_eq!(v.original_span(6, 11), (6, 11));
    }

    #[test]
    fn invisible_characters_are_removed_and_spans_map_back() {
        let s = "con\u{200B}fi\u{00AD}dential!";
        let m = View::matching(s);
        assert_eq!(m.text, "confidential!");
        let (a, b) = m.original_span(0, 12);
        assert_eq!(&s[a..b], "con\u{200B}fi\u{00AD}dential");
    }

    #[test]
    fn compatibility_forms_fold() {
        // Full-width, mathematical bold, ligature.
        assert_eq!(View::matching("ＣＯＮＦＩＤＥＮＴＩＡＬ").text, "CONFIDENTIAL");
        assert_eq!(View::matching("\u{1D41C}\u{1D428}\u{1D427}").text, "con");
        assert_eq!(View::matching("\u{FB01}le").text, "file");
        let s = "Ｓｅｃｒｅｔ plan";
        let (a, b) = spans_of(s, "secret").unwrap();
        assert_eq!(&s[a..b], "Ｓｅｃｒｅｔ");
    }

    #[test]
    fn combining_marks_compose_with_their_base() {
        let s = "cafe\u{301} ok";
        let m = View::matching(s);
        assert_eq!(m.text, "café ok");
        let i = m.text.find('é').unwrap();
        let (a, b) = m.original_span(i, i + 'é'.len_utf8());
        assert_eq!(&s[a..b], "e\u{301}");
    }

    #[test]
    fn keyword_view_lowercases_and_collapses_space() {
        let s = "Under\n\t NDA";
        let (a, b) = spans_of(s, "under nda").unwrap();
        assert_eq!((a, b), (0, s.len()));
        assert_eq!(fold_term("  Do\u{00A0}Not  Distribute "), "do not distribute");
        assert_eq!(fold_term("\u{200B}"), "");
    }
}

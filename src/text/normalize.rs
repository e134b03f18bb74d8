//! Normalised views of a post, each with a map back to the original text's byte offsets.
//!
//! Rules must see through the tricks that hide a word from a naive matcher — full-width or
//! "mathematical bold" letters, ligatures, zero-width characters, soft hyphens, bidi controls —
//! while findings must point at the text the user actually typed. So the scanner matches on views
//! and maps every match back:
//!
//! * the *matching view* ([`View::matching`]): compatibility forms folded to the ASCII they
//!   stand for ([`super::compat`]: the part of NFKC that hides words), invisible characters
//!   removed, case kept (detectors and regular-expression rules run here; credentials are
//!   case-sensitive);
//! * the *keyword view* ([`View::keywords`]): the matching view lowercased, accents folded
//!   (`é`, `e` + U+0301 → `e`), typographic apostrophes and dashes made plain and every run of
//!   white space made one space.
//!
//! Every byte of a view belongs to exactly one piece of its source, so spans map back exactly.

use super::compat::{confusable, fold, is_combining_mark, strip_accent, Folded};

/// A derived text and where each of its bytes came from in its source text.
pub struct View {
    pub text: String,
    /// Consecutive pieces of `text`, in order; empty when `text` is the source itself.
    pieces: Vec<Piece>,
    identity: bool,
}

/// A run of the view's bytes. An *identity* piece is a verbatim copy (byte `i` of the piece is
/// byte `src + i`); any other piece replaced the source bytes `src..src + src_len` as a whole.
#[derive(Clone, Copy, Debug)]
struct Piece {
    view: u32,
    src: u32,
    src_len: u32,
    identity: bool,
}

struct Builder {
    out: Vec<u8>,
    pieces: Vec<Piece>,
}

impl Builder {
    fn with_capacity(n: usize) -> Builder {
        Builder {
            out: Vec::with_capacity(n),
            pieces: Vec::new(),
        }
    }

    /// Copies `bytes` (source offset `src`) verbatim, extending the previous identity piece
    /// when it is contiguous.
    fn copy(&mut self, bytes: &[u8], src: usize) {
        if bytes.is_empty() {
            return;
        }
        let view = self.out.len();
        self.out.extend_from_slice(bytes);
        if let Some(last) = self.pieces.last_mut() {
            if last.identity
                && (last.src + last.src_len) as usize == src
                && (last.view + last.src_len) as usize == view
            {
                last.src_len += bytes.len() as u32;
                return;
            }
        }
        self.pieces.push(Piece {
            view: view as u32,
            src: src as u32,
            src_len: bytes.len() as u32,
            identity: true,
        });
    }

    /// Copies ASCII `bytes` lowercased: same length, so still an identity piece.
    fn copy_lowercase(&mut self, bytes: &[u8], src: usize) {
        let at = self.out.len();
        self.copy(bytes, src);
        if let Some(tail) = self.out.get_mut(at..) {
            tail.make_ascii_lowercase();
        }
    }

    /// Writes `replacement` for the source bytes `src..src + src_len`.
    fn replace(&mut self, replacement: &str, src: usize, src_len: usize) {
        if replacement.is_empty() {
            return;
        }
        let view = self.out.len();
        self.out.extend_from_slice(replacement.as_bytes());
        self.pieces.push(Piece {
            view: view as u32,
            src: src as u32,
            src_len: src_len as u32,
            identity: false,
        });
    }

    fn finish(self) -> View {
        // Only whole UTF-8 sequences are ever written, so this cannot fail; stay total anyway.
        let text = String::from_utf8(self.out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        View {
            text,
            pieces: self.pieces,
            identity: false,
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
    /// Compatibility forms folded, invisible characters removed; case kept.
    pub fn matching(original: &str) -> View {
        if original.is_ascii() {
            return View {
                text: original.to_string(),
                pieces: Vec::new(),
                identity: true,
            };
        }
        let bytes = original.as_bytes();
        let mut b = Builder::with_capacity(original.len());
        let mut buf = [0u8; 4];
        let mut i = 0;
        while i < bytes.len() {
            let run_end = bytes[i..]
                .iter()
                .position(|&x| x >= 0x80)
                .map_or(bytes.len(), |p| i + p);
            b.copy(&bytes[i..run_end], i);
            i = run_end;
            let Some(c) = original[i..].chars().next() else {
                break;
            };
            let len = c.len_utf8();
            if is_invisible(c) {
                // dropped
            } else {
                match fold(c) {
                    Some(Folded::Char(x)) => b.replace(x.encode_utf8(&mut buf), i, len),
                    Some(Folded::Str(s)) => b.replace(s, i, len),
                    None => b.copy(&bytes[i..i + len], i),
                }
            }
            i += len;
        }
        b.finish()
    }

    /// The keyword view of a matching view: lowercased, plain punctuation, one space per run of
    /// white space. Its spans map to the matching view (see [`View::span_in_source`]).
    pub fn keywords(matching: &View) -> View {
        let src = matching.text.as_str();
        let bytes = src.as_bytes();
        let mut b = Builder::with_capacity(src.len());
        let mut buf = String::new();
        let mut i = 0;
        while i < bytes.len() {
            let x = bytes[i];
            if x < 0x80 && !x.is_ascii_whitespace() {
                // A run of plain ASCII (single spaces between words included): lowercased byte for
                // byte, so it stays one identity piece.
                let mut j = i;
                while j < bytes.len() {
                    let y = bytes[j];
                    if y >= 0x80 || y == b'`' {
                        break;
                    }
                    if y.is_ascii_whitespace() {
                        let single = y == b' '
                            && bytes
                                .get(j + 1)
                                .is_some_and(|n| !n.is_ascii_whitespace() && *n < 0x80);
                        if !single {
                            break;
                        }
                    }
                    j += 1;
                }
                // A letter followed by a combining mark goes with its mark (below).
                if j > i && src[j..].chars().next().is_some_and(is_combining_mark) {
                    j -= 1;
                }
                if j > i {
                    b.copy_lowercase(&bytes[i..j], i);
                    i = j;
                    continue;
                }
                if bytes[i] == b'`' {
                    b.replace("'", i, 1);
                    i += 1;
                    continue;
                }
            }
            let Some(c) = src[i..].chars().next() else {
                break;
            };
            if c.is_whitespace() {
                let mut j = i;
                while let Some(n) = src[j..].chars().next().filter(|n| n.is_whitespace()) {
                    j += n.len_utf8();
                }
                if j - i == 1 && c == ' ' {
                    b.copy(b" ", i);
                } else {
                    b.replace(" ", i, j - i);
                }
                i = j;
                continue;
            }
            // A letter and the combining marks after it are one piece: accents fold away.
            let mut len = c.len_utf8();
            while let Some(m) = src[i + len..]
                .chars()
                .next()
                .filter(|&m| is_combining_mark(m))
            {
                len += m.len_utf8();
            }
            buf.clear();
            match c {
                '\u{2018}' | '\u{2019}' | '\u{02BC}' => buf.push('\''),
                '\u{201C}' | '\u{201D}' => buf.push('"'),
                '\u{2010}'..='\u{2015}' | '\u{2212}' => buf.push('-'),
                c if is_combining_mark(c) => {}
                c => match (strip_accent(c), confusable(c)) {
                    (Some(base), _) => buf.push(base.to_ascii_lowercase()),
                    (None, Some(latin)) if word_has_latin(src, i, i + c.len_utf8()) => {
                        buf.push(latin)
                    }
                    _ => buf.extend(c.to_lowercase()),
                },
            }
            if buf.len() == len && buf.starts_with(c) {
                b.copy(&bytes[i..i + len], i);
            } else if buf.is_empty() {
                // A stray mark: nothing to match.
            } else {
                b.replace(&buf, i, len);
            }
            i += len;
        }
        b.finish()
    }

    /// The keyword view with spaced-out words closed up ("c o n f i d e n t i a l",
    /// "s.e.c.r.e.t" → "confidential", "secret"): runs of at least four single letters or digits
    /// separated by the same one character. `None` when the text has no such run (the usual case).
    pub fn squeezed(keywords: &View) -> Option<View> {
        const SEPS: &[char] = &[' ', '.', '-', '_', '*', '\u{B7}', '/', '|'];
        let text = keywords.text.as_str();
        // Cheap test first (every keystroke pays it): " w.x.y.z " somewhere, in ASCII.
        let b = text.as_bytes();
        // (At the very start or end of the text too: "s.h.i.t happens".)
        let alnum_at = |i: usize| b.get(i).is_some_and(u8::is_ascii_alphanumeric);
        let spaced = (0..b.len().saturating_sub(6)).any(|i| {
            b[i + 1] == b[i + 3]
                && b[i + 3] == b[i + 5]
                && b" .-_*/|".contains(&b[i + 1])
                && [i, i + 2, i + 4, i + 6].iter().all(|&k| alnum_at(k))
                && (i == 0 || !alnum_at(i - 1))
                && !alnum_at(i + 7)
        });
        if !spaced {
            return None;
        }
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let alnum = |k: usize| chars.get(k).is_some_and(|&(_, c)| c.is_alphanumeric());
        // Runs as (index of first letter, index of last letter) in `chars`.
        let mut runs = Vec::new();
        let mut k = 0;
        while k < chars.len() {
            let starts_word = alnum(k) && (k == 0 || !alnum(k - 1)) && !alnum(k + 1);
            let sep = chars
                .get(k + 1)
                .map(|&(_, c)| c)
                .filter(|c| SEPS.contains(c));
            if let (true, Some(sep)) = (starts_word, sep) {
                let mut last = k;
                while chars.get(last + 1).is_some_and(|&(_, c)| c == sep)
                    && alnum(last + 2)
                    && !alnum(last + 3)
                {
                    last += 2;
                }
                if (last - k) / 2 + 1 >= 4 {
                    runs.push((k, last));
                    k = last + 1;
                    continue;
                }
            }
            k += 1;
        }
        if runs.is_empty() {
            return None;
        }
        let bytes = text.as_bytes();
        let mut b = Builder::with_capacity(text.len());
        let mut at = 0; // byte offset copied up to
        for (first, last) in runs {
            let run_start = chars[first].0;
            b.copy(&bytes[at..run_start], at);
            for idx in (first..=last).step_by(2) {
                let (off, c) = chars[idx];
                b.copy(&bytes[off..off + c.len_utf8()], off);
            }
            at = chars[last].0 + chars[last].1.len_utf8();
        }
        b.copy(&bytes[at..], at);
        Some(b.finish())
    }

    /// The span in this view's source of the view's bytes `start..end` (`start < end`).
    pub fn span_in_source(&self, start: usize, end: usize) -> (usize, usize) {
        if self.identity || end <= start {
            return (start, end.max(start));
        }
        let piece_of = |byte: usize| {
            let k = self.pieces.partition_point(|p| p.view as usize <= byte);
            self.pieces.get(k.saturating_sub(1)).copied()
        };
        let s = match piece_of(start) {
            Some(p) if p.identity => p.src as usize + (start - p.view as usize),
            Some(p) => p.src as usize,
            None => 0,
        };
        let e = match piece_of(end - 1) {
            Some(p) if p.identity => p.src as usize + (end - p.view as usize),
            Some(p) => (p.src + p.src_len) as usize,
            None => s,
        };
        (s, e.max(s))
    }

    /// For a matching view: the original span of its bytes `start..end`.
    pub fn original_span(&self, start: usize, end: usize) -> (usize, usize) {
        self.span_in_source(start, end)
    }
}

/// Whether the word around `start..end` holds an ASCII letter (a mixed-script word).
fn word_has_latin(text: &str, start: usize, end: usize) -> bool {
    let word = |c: &char| c.is_alphanumeric() || is_combining_mark(*c);
    let before = text[..start]
        .chars()
        .rev()
        .take_while(word)
        .any(|c| c.is_ascii_alphabetic());
    before
        || text[end..]
            .chars()
            .take_while(word)
            .any(|c| c.is_ascii_alphabetic())
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
        let (a, b) = k.span_in_source(i, i + needle.len());
        Some(m.original_span(a, b))
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
        assert_eq!(
            View::matching("ＣＯＮＦＩＤＥＮＴＩＡＬ").text,
            "CONFIDENTIAL"
        );
        assert_eq!(View::matching("\u{1D41C}\u{1D428}\u{1D427}").text, "con");
        assert_eq!(View::matching("\u{FB01}le").text, "file");
        let s = "Ｓｅｃｒｅｔ plan";
        let (a, b) = spans_of(s, "secret").unwrap();
        assert_eq!(&s[a..b], "Ｓｅｃｒｅｔ");
    }

    #[test]
    fn accents_fold_in_the_keyword_view_composed_or_not() {
        let s = "Cafe\u{301} CAFÉ naïve";
        let (a, b) = spans_of(s, "cafe cafe naive").unwrap();
        assert_eq!(&s[a..b], s);
        let (a, b) = spans_of(s, "cafe").unwrap();
        assert_eq!(&s[a..b], "Cafe\u{301}", "the mark belongs to its letter");
        assert_eq!(fold_term("Übermut"), "ubermut");
    }

    #[test]
    fn lookalike_letters_fold_only_in_mixed_script_words() {
        let s = "c\u{43E}nfid\u{435}ntial and \u{43A}\u{43E}\u{43D}\u{444}\u{438}\u{434}\u{435}\u{43D}\u{446}";
        let k = View::keywords(&View::matching(s));
        assert!(k.text.starts_with("confidential and "), "{}", k.text);
        assert!(
            k.text
                .ends_with("\u{43A}\u{43E}\u{43D}\u{444}\u{438}\u{434}\u{435}\u{43D}\u{446}"),
            "{}",
            k.text
        );
        let (a, b) = spans_of(s, "confidential").unwrap();
        assert_eq!(&s[a..b], "c\u{43E}nfid\u{435}ntial");
    }

    #[test]
    fn spaced_out_words_close_up() {
        let s = "this is C O N F I D E N T I A L, s.e.c.r.e.t and a b c";
        let k = View::keywords(&View::matching(s));
        let q = View::squeezed(&k).unwrap();
        assert_eq!(q.text, "this is confidential, secret and a b c");
        let i = q.text.find("confidential").unwrap();
        let (a, b) = q.span_in_source(i, i + "confidential".len());
        assert_eq!(&s[a..b], "C O N F I D E N T I A L");
        assert!(View::squeezed(&View::keywords(&View::matching("a b c and x y"))).is_none());
    }

    #[test]
    fn keyword_view_lowercases_and_collapses_space() {
        let s = "Under\n\t NDA";
        let (a, b) = spans_of(s, "under nda").unwrap();
        assert_eq!((a, b), (0, s.len()));
        assert_eq!(
            fold_term("  Do\u{00A0}Not  Distribute "),
            "do not distribute"
        );
        assert_eq!(fold_term("\u{200B}"), "");
    }
}

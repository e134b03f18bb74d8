//! Keyword terms in their inflected and disguised forms: `assholes`, `f*cking`, `sh1t`, `$hit`,
//! `shiiiit`, `F4lcons`, `falcon's`.
//!
//! The keyword automaton ([`super::matcher::KeywordSet`]) finds a term as written. People who
//! want past a filter write it otherwise, and ordinary grammar does too (plurals, possessives,
//! verb endings). Listing every variant would bloat the policy and still miss the next one, so
//! this module matches *whole words* of the keyword view against each term word with a small
//! set of rules:
//!
//! * a digit or symbol may stand for the letter it looks like (`0` o, `1` i or l, `3` e, `4` a,
//!   `5` s, `7` t, `8` b, `9` g, `@` a, `$` s, `!` i, `|` l or i, `+` t);
//! * `*` stands for exactly one letter, and a disguised word keeps at least half of its letters
//!   (`f*ck`, `f**k`, `a**hole`; not `f***`);
//! * a letter written three or more times in a row stands for the same letter once or twice
//!   (`shiiiit`, `fuuuck`); twice is not enough (`Twatt`, `Shiite` are places and faiths);
//! * the last word of a term may carry an English inflection (`s`, `es`, `'s`, `ed`, `ing`,
//!   `y`, …, with the consonant doubled before a vowel: `shitty`).
//!
//! The word must be the term word from its first to its last letter: that is the Scunthorpe
//! rule. `Scunthorpe`, `assassin`, `classic`, `cocktail`, `therapist`, `analysis` hold a listed
//! word only *inside* a longer one, and `retardant`, `shiitake`, `Bitche` continue it with
//! letters that are no inflection. Only terms of four or more letters (ASCII) are matched this
//! way; shorter ones and other scripts are matched as written by the automaton.

/// Endings the last word of a term may take (the keyword view folds `’` to `'`).
const SUFFIXES: &[&str] = &[
    "s", "es", "'s", "s'", "'", "ed", "d", "ing", "in", "in'", "y", "ies", "ier", "iest",
];

/// A term word shorter than this gets no disguise rules (too many short words look alike).
const MIN_WORD_LETTERS: usize = 4;
/// Longer tokens are not words anyone types (and bound the matching work).
const MAX_TOKEN: usize = 64;

struct Term<T> {
    words: Vec<Vec<u8>>,
    /// Per word, the letters it holds (bit `c - b'a'`).
    letters: Vec<u32>,
    target: T,
}

/// The ASCII letters in `w`, one bit each.
fn letter_mask(w: &[u8]) -> u32 {
    w.iter().filter(|c| c.is_ascii_lowercase()).fold(0, |m, &c| m | 1 << (c - b'a'))
}

/// Letters an ending may add (`s`, `es`, `'s`, `ed`, `ing`, `y`, `ies`, `ier`, `iest`).
const ENDING_LETTERS: u32 = {
    let mut m = 0u32;
    let e = b"sedingyrt";
    let mut i = 0;
    while i < e.len() {
        m |= 1 << (e[i] - b'a');
        i += 1;
    }
    m
};

/// Terms compiled for word matching, indexed by the first two bytes of their first word (most
/// words of a post are plain and share those with few terms, if any).
pub struct WordMatcher<T> {
    terms: Vec<Term<T>>,
    /// (first two bytes as a `u16`, term index), sorted.
    index: Vec<(u16, usize)>,
    /// One bit per key in `index`: most words of a post start like no term, and are skipped
    /// with one lookup.
    keys: Vec<u64>,
    /// The same for the terms of several words (a phrase's first word may be written plainly
    /// while a later one is disguised or inflected).
    phrase_keys: Vec<u64>,
}

/// Last bytes of the endings in [`SUFFIXES`]: a plain word ending otherwise can only be a term
/// as written, which the keyword automaton finds.
fn may_be_inflected(tok: &[u8]) -> bool {
    matches!(tok.last(), Some(b's' | b'd' | b'g' | b'n' | b'y' | b'\'' | b'r' | b't'))
}

fn has_bit(bits: &[u64], k: u16) -> bool {
    bits.get(usize::from(k >> 6)).is_some_and(|w| w & (1 << (k & 63)) != 0)
}

fn key(word: &[u8]) -> u16 {
    u16::from(word.first().copied().unwrap_or(0)) << 8 | u16::from(word.get(1).copied().unwrap_or(0))
}

/// A word written plainly: lowercase letters (the keyword view is lowercased) and apostrophes,
/// no emphatic run. Only inflection can make such a word a term.
fn is_plain(tok: &[u8]) -> bool {
    tok.iter().all(|&b| b.is_ascii_lowercase() || b == b'\'')
        && !tok.windows(3).any(|w| w[0] == w[1] && w[1] == w[2])
}

/// Letters a character of a disguised word may stand for.
fn stands_for(c: u8) -> &'static [u8] {
    match c {
        b'0' => b"o",
        b'1' => b"il",
        b'3' => b"e",
        b'4' => b"a",
        b'5' => b"s",
        b'7' => b"t",
        b'8' => b"b",
        b'9' => b"g",
        b'@' => b"a",
        b'$' => b"s",
        b'!' => b"i",
        b'|' => b"li",
        b'+' => b"t",
        _ => b"",
    }
}

fn char_matches(t: u8, c: u8) -> bool {
    t == c || stands_for(t).contains(&c)
}

/// Bytes that can be part of a (disguised) word in the keyword view, as a table: the scan looks
/// at every byte of the post on every keystroke.
const TOKEN_BYTES: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = b.is_ascii_alphanumeric() || matches!(b, b'*' | b'@' | b'$' | b'!' | b'|' | b'+' | b'\'');
        i += 1;
    }
    t
};


impl<T: Copy> WordMatcher<T> {
    /// `terms`: folded terms (see [`super::normalize::fold_term`]) and what each stands for.
    /// Terms this matcher cannot improve on (short, non-ASCII, punctuation) are left out.
    pub fn new(terms: &[(String, T)]) -> WordMatcher<T> {
        let mut out = WordMatcher {
            terms: Vec::new(),
            index: Vec::new(),
            keys: vec![0; 1 << 10],
            phrase_keys: vec![0; 1 << 10],
        };
        for (term, target) in terms {
            let words: Vec<Vec<u8>> = term.split(' ').map(|w| w.as_bytes().to_vec()).collect();
            let plain = words.iter().all(|w| {
                !w.is_empty() && w.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'\'')
            });
            let letters = term.bytes().filter(u8::is_ascii_alphabetic).count();
            let Some(&first) = words.first().and_then(|w| w.first()) else {
                continue;
            };
            if !plain || letters < MIN_WORD_LETTERS || words[0].len() < 2 || !first.is_ascii() {
                continue;
            }
            out.index.push((key(&words[0]), out.terms.len()));
            out.terms.push(Term {
                letters: words.iter().map(|w| letter_mask(w)).collect(),
                words,
                target: *target,
            });
        }
        out.index.sort_unstable();
        for &(k, t) in &out.index {
            let phrase = out.terms.get(t).is_some_and(|t| t.words.len() > 1);
            for bits in [Some(&mut out.keys), phrase.then_some(&mut out.phrase_keys)].into_iter().flatten() {
                if let Some(w) = bits.get_mut(usize::from(k >> 6)) {
                    *w |= 1 << (k & 63);
                }
            }
        }
        out
    }

    fn has_key(&self, k: u16) -> bool {
        has_bit(&self.keys, k)
    }

    /// Index entries whose key is in `lo..=hi`.
    fn entries(&self, lo: u16, hi: u16) -> &[(u16, usize)] {
        let a = self.index.partition_point(|&(k, _)| k < lo);
        let b = self.index.partition_point(|&(k, _)| k <= hi);
        self.index.get(a..b).unwrap_or(&[])
    }

    /// Every term found in `text` (a keyword view) as whole words, with its byte span.
    pub fn find(&self, text: &str, mut f: impl FnMut(T, usize, usize)) {
        if self.terms.is_empty() {
            return;
        }
        let b = text.as_bytes();
        let mut i = 0;
        while let Some((raw, e)) = raw_token(b, i) {
            i = e;
            // Most words start like no term: one bit says so before any other work.
            let (b0, b1) = (b[raw], b.get(raw + 1).copied().unwrap_or(0));
            if b0.is_ascii_lowercase() && b1.is_ascii_lowercase() && b0 != b1 && !self.has_key(key(&[b0, b1])) {
                continue;
            }
            let Some((s, t)) = trimmed(b, raw, e) else {
                continue;
            };
            let tok = &b[s..t];
            let kk = key(tok);
            if is_plain(tok) {
                if !self.has_key(kk) || !may_be_inflected(tok) && !has_bit(&self.phrase_keys, kk) {
                    continue;
                }
                for &(_, term) in self.entries(kk, kk) {
                    self.try_term(term, (s, t), b, &mut f);
                }
            } else {
                // A disguised word: every term starting with a letter its first byte may stand for.
                for c in std::iter::once(tok[0]).chain(stands_for(tok[0]).iter().copied()) {
                    let lo = u16::from(c) << 8;
                    for &(_, term) in self.entries(lo, lo | 0xFF) {
                        self.try_term(term, (s, t), b, &mut f);
                    }
                }
            }
        }
    }

    /// Reports term `t` if it is spelled by the word `first` and the words after it.
    fn try_term(&self, t: usize, first: (usize, usize), b: &[u8], f: &mut impl FnMut(T, usize, usize)) {
        let Some(term) = self.terms.get(t) else {
            return;
        };
        let n = term.words.len();
        let mut at = first;
        for (i, w) in term.words.iter().enumerate() {
            if i > 0 {
                // The words of a phrase are one space apart.
                let next = raw_token(b, at.1)
                    .filter(|&(raw, _)| raw == at.1 + 1 && b.get(at.1) == Some(&b' '))
                    .and_then(|(raw, e)| trimmed(b, raw, e))
                    .filter(|&(s, _)| s == at.1 + 1);
                let Some(next) = next else {
                    return;
                };
                at = next;
            }
            let tok = &b[at.0..at.1];
            // A letter the word does not have (beyond an ending's, or the consonant an ending
            // doubles) rules it out before any matching.
            let allowed = term.letters.get(i).copied().unwrap_or(0) | ENDING_LETTERS;
            if letter_mask(tok) & !allowed != 0 || !word_matches(tok, w, i + 1 == n) {
                return;
            }
        }
        f(term.target, first.0, at.1);
    }
}

/// Word tokens of the keyword view, without the punctuation around them (`*shit*`, `shit!`).
#[cfg(test)]
fn tokens(b: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some((raw, e)) = raw_token(b, i) {
        out.extend(trimmed(b, raw, e));
        i = e;
    }
    out
}

/// The next run of token bytes at or after `i`.
fn raw_token(b: &[u8], i: usize) -> Option<(usize, usize)> {
    let mut s = i;
    while s < b.len() && !TOKEN_BYTES[usize::from(b[s])] {
        s += 1;
    }
    if s >= b.len() {
        return None;
    }
    let mut e = s;
    while e < b.len() && TOKEN_BYTES[usize::from(b[e])] {
        e += 1;
    }
    Some((s, e))
}

/// The word in the raw token `i..e`, without the punctuation around it; `None` when it is no
/// word (no letter, too long, or glued to a non-ASCII letter: part of a longer word).
fn trimmed(b: &[u8], i: usize, e: usize) -> Option<(usize, usize)> {
    let glued = b.get(e).is_some_and(|&x| x >= 0x80) || (i > 0 && b[i - 1] >= 0x80);
    let (mut s, mut t) = (i, e);
    while s < t && matches!(b[s], b'\'' | b'*' | b'!' | b'+' | b'|') {
        s += 1;
    }
    while t > s && matches!(b[t - 1], b'\'' | b'*' | b'!' | b'+' | b'|' | b'@' | b'$') {
        t -= 1;
    }
    let has_letter = b[s..t].iter().any(u8::is_ascii_alphabetic);
    (!glued && has_letter && t - s <= MAX_TOKEN).then_some((s, t))
}

/// Whether a token is the term word `w`, disguised, and (for a term's last word) inflected.
fn word_matches(tok: &[u8], w: &[u8], last: bool) -> bool {
    if is_plain(tok) {
        return tok == w || last && plain_inflection(tok, w);
    }
    // A disguise keeps the length (one character per letter) except for emphatic runs and an
    // ending: anything much longer is another word (a hash, an identifier), rejected cheaply.
    if tok.len() > 2 * w.len() + 4 && squeezed_len(tok) > 2 * w.len() + 4 {
        return false;
    }
    if core_matches(tok, w) {
        return true;
    }
    if !last {
        return false;
    }
    for suf in SUFFIXES {
        let Some(core) = tok.strip_suffix(suf.as_bytes()) else {
            continue;
        };
        if core.len() < w.len() {
            continue;
        }
        if core_matches(core, w) {
            return true;
        }
        // The consonant doubled before a vowel ending: shitty, shitting, twatted.
        let vowel = suf.starts_with(['e', 'i', 'y']);
        if let [rest @ .., a, b] = core {
            if vowel && a == b && !b"aeiou".contains(b) && core_matches(&core[..rest.len() + 1], w) {
                return true;
            }
        }
    }
    false
}

/// Whether a plainly written `tok` is `w` with an ending (its consonant doubled before a vowel).
fn plain_inflection(tok: &[u8], w: &[u8]) -> bool {
    let Some(rest) = tok.strip_prefix(w) else {
        return false;
    };
    let ending = |r: &[u8]| SUFFIXES.iter().any(|s| s.as_bytes() == r);
    if ending(rest) {
        return true;
    }
    match (w.last(), rest.split_first()) {
        (Some(&c), Some((&d, suf))) => {
            c == d && !b"aeiou".contains(&c) && suf.first().is_some_and(|x| b"eiy".contains(x)) && ending(suf)
        }
        _ => false,
    }
}

/// Whether `x` spells `w` with the disguise rules (see the module comment).
fn core_matches(x: &[u8], w: &[u8]) -> bool {
    if x.len() < w.len() || x.len() > MAX_TOKEN {
        return false;
    }
    let stars = x.iter().filter(|&&c| c == b'*').count();
    let letters = x.len() - stars;
    let disguised = stars > 0 || x.iter().zip(w).any(|(a, b)| a != b) || x.len() != w.len();
    if disguised && w.iter().filter(|c| c.is_ascii_alphabetic()).count() < MIN_WORD_LETTERS {
        return false;
    }
    if stars > letters || letters < 2 {
        return false;
    }
    if x == w {
        return true;
    }
    // Reachable states (i in x, j in w), explored once each.
    let width = w.len() + 1;
    // (States fit on the stack for every real word; a long term gets a heap table.)
    let mut small = [false; 1024];
    let mut large = Vec::new();
    let states = (x.len() + 1) * width;
    let seen: &mut [bool] = if states <= small.len() {
        &mut small[..states]
    } else {
        large.resize(states, false);
        &mut large
    };
    let mut stack: Vec<(usize, usize)> = Vec::with_capacity(16);
    stack.push((0, 0));
    while let Some((i, j)) = stack.pop() {
        let Some(slot) = seen.get_mut(i * width + j) else {
            continue;
        };
        if *slot {
            continue;
        }
        *slot = true;
        if i == x.len() {
            if j == w.len() {
                return true;
            }
            continue;
        }
        let c = x[i];
        if j < w.len() && (c == b'*' || char_matches(c, w[j])) {
            stack.push((i + 1, j + 1));
        }
        // An emphatic run (three or more of the same character) absorbs its extra copies.
        if j > 0 && i > 0 && x[i - 1] == c && c != b'*' && run_len(x, i) >= 3 && char_matches(c, w[j - 1])
        {
            stack.push((i + 1, j));
        }
    }
    false
}

/// The length of `x` with every run of three or more equal bytes counted as two.
fn squeezed_len(x: &[u8]) -> usize {
    let mut n = 0;
    for (i, &c) in x.iter().enumerate() {
        if !(i >= 2 && x[i - 1] == c && x[i - 2] == c) {
            n += 1;
        }
    }
    n
}

/// Length of the run of equal bytes that contains `x[i]`.
fn run_len(x: &[u8], i: usize) -> usize {
    let c = x[i];
    let before = x[..i].iter().rev().take_while(|&&b| b == c).count();
    let after = x[i..].iter().take_while(|&&b| b == c).count();
    before + after
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(tok: &str, w: &str) -> bool {
        word_matches(tok.as_bytes(), w.as_bytes(), true)
    }

    #[test]
    fn disguises_and_inflections() {
        for (tok, w) in [
            ("assholes", "asshole"),
            ("f*cking", "fucking"),
            ("f**k", "fuck"),
            ("sh1t", "shit"),
            ("$hit", "shit"),
            ("@sshole", "asshole"),
            ("a$$hole", "asshole"),
            ("shiiiit", "shit"),
            ("shitty", "shit"),
            ("bitches", "bitch"),
            ("idiots", "idiot"),
            ("f4lcon's", "falcon"),
            ("falcons", "falcon"),
        ] {
            assert!(m(tok, w), "{tok} ~ {w}");
        }
    }

    #[test]
    fn scunthorpe_traps() {
        for (tok, w) in [
            ("scunthorpe", "cunt"),
            ("assassin", "asshole"),
            ("shiitake", "shit"),
            ("shiite", "shit"),
            ("twatt", "twat"),
            ("retardant", "retard"),
            ("bitche", "bitch"),
            ("f***", "fuck"),
            ("c*t", "cunt"),
            ("shits3", "shit"),
        ] {
            assert!(!m(tok, w), "{tok} !~ {w}");
        }
    }

    #[test]
    fn tokens_drop_surrounding_punctuation() {
        let t = "*shit*! ok 1234 'falcon'";
        let got: Vec<&str> = tokens(t.as_bytes()).iter().map(|&(s, e)| &t[s..e]).collect();
        assert_eq!(got, ["shit", "ok", "falcon"]);
    }
}

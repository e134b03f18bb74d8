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
    target: T,
}

/// Terms compiled for word matching, indexed by the (ASCII) byte their first word starts with.
pub struct WordMatcher<T> {
    terms: Vec<Term<T>>,
    by_first: Vec<Vec<usize>>,
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

/// Bytes that can be part of a (disguised) word in the keyword view.
fn in_token(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'*' | b'@' | b'$' | b'!' | b'|' | b'+' | b'\'')
}

impl<T: Copy> WordMatcher<T> {
    /// `terms`: folded terms (see [`super::normalize::fold_term`]) and what each stands for.
    /// Terms this matcher cannot improve on (short, non-ASCII, punctuation) are left out.
    pub fn new(terms: &[(String, T)]) -> WordMatcher<T> {
        let mut out = WordMatcher {
            terms: Vec::new(),
            by_first: vec![Vec::new(); 128],
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
            if !plain || letters < MIN_WORD_LETTERS {
                continue;
            }
            let Some(slot) = out.by_first.get_mut(usize::from(first)) else {
                continue;
            };
            slot.push(out.terms.len());
            out.terms.push(Term {
                words,
                target: *target,
            });
        }
        out
    }

    /// Every term found in `text` (a keyword view) as whole words, with its byte span.
    pub fn find(&self, text: &str, mut f: impl FnMut(T, usize, usize)) {
        if self.terms.is_empty() {
            return;
        }
        let tokens = tokens(text.as_bytes());
        let b = text.as_bytes();
        for (k, &(s, _)) in tokens.iter().enumerate() {
            let first = b[s];
            let mut candidates: Vec<usize> = Vec::new();
            for c in std::iter::once(first).chain(stands_for(first).iter().copied()) {
                if let Some(v) = self.by_first.get(usize::from(c)) {
                    candidates.extend(v);
                }
            }
            for t in candidates {
                let Some(term) = self.terms.get(t) else {
                    continue;
                };
                let n = term.words.len();
                let Some(run) = tokens.get(k..k + n) else {
                    continue;
                };
                // The words of a phrase are one space apart.
                if run.windows(2).any(|w| b.get(w[0].1..w[1].0) != Some(b" ")) {
                    continue;
                }
                let all = run.iter().zip(&term.words).enumerate().all(|(i, (&(ts, te), w))| {
                    word_matches(&b[ts..te], w, i + 1 == n)
                });
                if all {
                    f(term.target, s, run[n - 1].1);
                }
            }
        }
    }
}

/// Word tokens of the keyword view, without the punctuation around them (`*shit*`, `shit!`).
fn tokens(b: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !in_token(b[i]) {
            i += 1;
            continue;
        }
        let mut e = i;
        while e < b.len() && in_token(b[e]) {
            e += 1;
        }
        // A token glued to a non-ASCII letter is part of a longer word.
        let glued = b.get(e).is_some_and(|&x| x >= 0x80) || (i > 0 && b[i - 1] >= 0x80);
        let (mut s, mut t) = (i, e);
        while s < t && matches!(b[s], b'\'' | b'*' | b'!' | b'+' | b'|') {
            s += 1;
        }
        while t > s && matches!(b[t - 1], b'\'' | b'*' | b'!' | b'+' | b'|' | b'@' | b'$') {
            t -= 1;
        }
        let has_letter = b[s..t].iter().any(u8::is_ascii_alphabetic);
        if !glued && has_letter && t - s <= MAX_TOKEN {
            out.push((s, t));
        }
        i = e;
    }
    out
}

/// Whether a token is the term word `w`, disguised, and (for a term's last word) inflected.
fn word_matches(tok: &[u8], w: &[u8], last: bool) -> bool {
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
    let mut seen = vec![false; (x.len() + 1) * width];
    let mut stack = vec![(0usize, 0usize)];
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

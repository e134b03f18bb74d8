//! The check-digit algorithms and structure tests that national and financial numbers share
//! (weighted mod 11 and mod 10, Luhn, Verhoeff, ISO 7064 MOD 11,10, ICAO 7-3-1, calendar dates),
//! and the test that a candidate stands alone in the text. Each issuer's detector combines them
//! the way its specification says; keeping them here means one tested implementation of each.

use super::{char_at, char_before, Cand, Hit};

/// The candidate pattern the digit-only national and bank numbers share: digits joined by single
/// separators (space . - / +), at least 8 digits. One search per scan serves them all (`Windows` keeps it); each
/// validator then looks for its own format in the token and its space-separated parts.
pub const NUMBER: &str = r"[0-9](?:[ ./+-]?[0-9]){7,}";

/// Most space-separated groups of a token whose runs are tried (a list of numbers is no id).
const MAX_GROUPS: usize = 8;

/// Hits in number tokens: the whole token, else every run of its space-separated groups (longest
/// first, without overlaps), with one of the digit counts `lens`, that stands alone and that
/// `accept` takes (`Some(example)`).
pub fn number_hits(
    text: &str,
    cands: &[Cand],
    lens: &[usize],
    accept: &dyn Fn(&str) -> Option<bool>,
) -> Vec<Hit> {
    let mut out = Vec::new();
    for m in cands {
        let s = m.as_str();
        // Group boundaries (byte offsets in the token) at single spaces.
        let mut bounds = vec![0];
        bounds.extend(s.match_indices(' ').map(|(i, _)| i + 1));
        let groups = bounds.len();
        let spans: Vec<(usize, usize)> = if groups > MAX_GROUPS {
            vec![(0, s.len())]
        } else {
            let end_of = |g: usize| {
                if g + 1 < groups {
                    bounds[g + 1] - 1
                } else {
                    s.len()
                }
            };
            let mut v = Vec::new();
            for len in (1..=groups).rev() {
                for (first, &from) in bounds.iter().enumerate().take(groups - len + 1) {
                    v.push((from, end_of(first + len - 1)));
                }
            }
            v
        };
        // Digits before each byte offset, for the digit count of a span.
        let mut before = Vec::with_capacity(s.len() + 1);
        before.push(0usize);
        for b in s.bytes() {
            let last = before.last().copied().unwrap_or(0);
            before.push(last + b.is_ascii_digit() as usize);
        }
        let mut taken: Vec<(usize, usize)> = Vec::new();
        for (a, b) in spans {
            if !lens.contains(&(before[b] - before[a]))
                || taken.iter().any(|&(x, y)| a < y && x < b)
            {
                continue;
            }
            let (start, end) = (m.start() + a, m.start() + b);
            let Some(part) = text.get(start..end) else {
                continue;
            };
            if !standalone(text, start, end) {
                continue;
            }
            if let Some(example) = accept(part) {
                let mut h = Hit::new(start, end);
                h.test_data = example;
                out.push(h);
                taken.push((a, b));
            }
        }
    }
    out
}

/// Whether `s` is written as groups of these lengths, all joined by one separator out of `seps`
/// (or not separated at all when `bare` allows it).
pub fn grouped(s: &str, lens: &[usize], seps: &str, bare: bool) -> bool {
    let total: usize = lens.iter().sum();
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return bare && s.len() == total;
    }
    let mut sep = None;
    let mut parts = Vec::new();
    let mut cur = 0;
    for c in s.chars() {
        if c.is_ascii_digit() {
            cur += 1;
            continue;
        }
        if !seps.contains(c) || sep.is_some_and(|x| x != c) {
            return false;
        }
        sep = Some(c);
        parts.push(cur);
        cur = 0;
    }
    parts.push(cur);
    parts == lens
}

/// The ASCII digits of `s`, as numbers.
pub fn digits(s: &str) -> Vec<u8> {
    s.bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect()
}

/// The number made of `d` (at most 18 digits; longer input is cut).
pub fn number(d: &[u8]) -> u64 {
    d.iter().take(18).fold(0, |a, &x| a * 10 + x as u64)
}

/// `sum(d[i] * w[i])` over the shorter of the two.
pub fn weighted(d: &[u8], w: &[u32]) -> u32 {
    d.iter().zip(w).map(|(&x, &y)| x as u32 * y).sum()
}

/// The Luhn (mod 10) check over every digit, the last being the check digit.
pub fn luhn(d: &[u8]) -> bool {
    let mut sum = 0u32;
    for (k, &x) in d.iter().rev().enumerate() {
        let mut x = x as u32;
        if k % 2 == 1 {
            x *= 2;
            if x > 9 {
                x -= 9;
            }
        }
        sum += x;
    }
    sum % 10 == 0
}

/// Verhoeff's dihedral-group check (Aadhaar), the last digit being the check digit.
pub fn verhoeff(d: &[u8]) -> bool {
    const M: [[u8; 10]; 10] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
        [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
        [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
        [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
        [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
        [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
        [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
        [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
        [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
    ];
    const P: [[u8; 10]; 8] = [
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
        [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
        [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
        [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
        [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
        [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
        [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
    ];
    let mut c = 0u8;
    for (i, &x) in d.iter().rev().enumerate() {
        if x > 9 {
            return false;
        }
        c = M[c as usize][P[i % 8][x as usize] as usize];
    }
    !d.is_empty() && c == 0
}

/// ISO 7064 MOD 11,10 (German tax id): the check digit the first digits call for.
pub fn iso7064_mod11_10(d: &[u8]) -> u8 {
    let mut p = 10u32;
    for &x in d {
        let mut s = (x as u32 + p) % 10;
        if s == 0 {
            s = 10;
        }
        p = (s * 2) % 11;
    }
    ((11 - p) % 10) as u8
}

/// The ICAO 9303 check digit (weights 7, 3, 1; `<` is 0, letters A=10 … Z=35) of an MRZ field.
pub fn icao_check(field: &[u8]) -> Option<u8> {
    let mut sum = 0u32;
    for (i, &c) in field.iter().enumerate() {
        let v = match c {
            b'0'..=b'9' => (c - b'0') as u32,
            b'A'..=b'Z' => (c - b'A') as u32 + 10,
            b'<' => 0,
            _ => return None,
        };
        sum += v * [7, 3, 1][i % 3];
    }
    Some((sum % 10) as u8)
}

/// Whether `y-m-d` is a real calendar day (proleptic Gregorian).
pub fn valid_date(y: u32, m: u32, d: u32) -> bool {
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// Whether a candidate stands on its own: not glued to a word, a longer number, a decimal, a
/// path, a price or an identifier (`#123…`, `v1.2…`, `id-…`).
pub fn standalone(text: &str, start: usize, end: usize) -> bool {
    let before_ok = match char_before(text, start) {
        None => true,
        Some(c) => !(c.is_alphanumeric() || "_-/.+@#&=%$€£¥\\".contains(c)),
    };
    let after_ok = match char_at(text, end) {
        None => true,
        Some(c) if c.is_alphanumeric() || "_-/@%\\".contains(c) => false,
        Some('.' | ',') => !char_at(text, end + 1).is_some_and(|c| c.is_ascii_alphanumeric()),
        Some(_) => true,
    };
    before_ok && after_ok
}

/// Separators inside a number (`123 456 789`, `123.456.789-09`), if any, are all in `allowed`.
pub fn separators_in(s: &str, allowed: &str) -> bool {
    s.chars()
        .filter(|c| !c.is_ascii_alphanumeric())
        .all(|c| allowed.contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verhoeff_accepts_valid_and_rejects_changed_digits() {
        assert!(verhoeff(&digits("2363")));
        assert!(verhoeff(&digits("234123412346")));
        assert!(!verhoeff(&digits("234123412347")));
        assert!(!verhoeff(&[]));
    }

    #[test]
    fn iso7064_and_icao() {
        // 86095742719: the German tax id of the Federal Central Tax Office's documentation.
        let d = digits("86095742719");
        assert_eq!(iso7064_mod11_10(&d[..10]), d[10]);
        // ICAO 9303 part 4 specimen: document number L898902C3, check digit 6.
        assert_eq!(icao_check(b"L898902C3"), Some(6));
        assert_eq!(icao_check(b"740812"), Some(2));
        assert_eq!(
            icao_check(b"L8989\x0002C3"),
            None,
            "a byte outside the MRZ alphabet"
        );
    }

    #[test]
    fn grouped_shapes() {
        assert!(grouped("123 456 789", &[3, 3, 3], " -", true));
        assert!(grouped("123-456-789", &[3, 3, 3], " -", true));
        assert!(grouped("123456789", &[3, 3, 3], " -", true));
        assert!(!grouped("123456789", &[3, 3, 3], " -", false));
        assert!(
            !grouped("123-456 789", &[3, 3, 3], " -", true),
            "mixed separators"
        );
        assert!(!grouped("1234 56 789", &[3, 3, 3], " -", true));
        assert!(!grouped("123.456.789", &[3, 3, 3], " -", true));
    }

    #[test]
    fn number_tokens_yield_their_space_separated_runs() {
        let re = regex::Regex::new(NUMBER).unwrap();
        let nine =
            |s: &str| (s.len() == 9 && s.bytes().all(|b| b.is_ascii_digit())).then_some(false);
        let run = |t: &str| -> Vec<String> {
            let cands = super::super::candidates(&re, t, &[(0, t.len())]);
            number_hits(t, &cands, &[9], &nine)
                .into_iter()
                .map(|h| t[h.start..h.end].to_string())
                .collect()
        };
        assert_eq!(run("BSN 111222333 2 kinderen"), ["111222333"]);
        assert_eq!(run("2 111222333"), ["111222333"]);
        assert_eq!(run("12 111222333 444555666 7"), ["111222333", "444555666"]);
        assert!(run("1112223334").is_empty(), "ten digits");
        assert!(run("111222333-4").is_empty(), "glued to more digits");
        assert!(run(&"1 ".repeat(40)).is_empty());
    }

    #[test]
    fn dates_and_standalone() {
        assert!(valid_date(2000, 2, 29));
        assert!(!valid_date(1900, 2, 29));
        assert!(!valid_date(2021, 13, 1));
        assert!(!valid_date(2021, 4, 31));
        assert!(standalone("id 123 ok", 3, 6));
        assert!(standalone("(123).", 1, 4));
        assert!(!standalone("#123", 1, 4));
        assert!(!standalone("1.2345", 2, 6));
        assert!(!standalone("123.4", 0, 3));
        assert!(standalone("123. Next", 0, 3));
    }
}

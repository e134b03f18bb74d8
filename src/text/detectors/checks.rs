//! The check-digit algorithms and structure tests that national and financial numbers share
//! (weighted mod 11 and mod 10, Luhn, Verhoeff, ISO 7064 MOD 11,10, ICAO 7-3-1, calendar dates),
//! and the test that a candidate stands alone in the text. Each issuer's detector combines them
//! the way its specification says; keeping them here means one tested implementation of each.

use super::{char_at, char_before};

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
    super::numbers::luhn(d)
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

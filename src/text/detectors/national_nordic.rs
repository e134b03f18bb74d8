//! Personal identity numbers of the Nordic countries, each a birth date plus a serial:
//!
//! - Sweden, personnummer (Skatteverket SKV 704): YYMMDD (or YYYYMMDD), `-` or `+` (100 years
//!   or older), three serial digits and a Luhn check digit; samordningsnummer add 60 to the day.
//! - Norway, fødselsnummer (Skatteetaten): DDMMYY and five digits with two modulus 11 check
//!   digits; D-numbers add 40 to the day, H-numbers 40 to the month.
//! - Denmark, CPR-nummer (CPR-kontoret): DDMMYY-SSSS; the modulus 11 check was dropped in 2007,
//!   so only the date is checked and the number needs its words.
//! - Finland, henkilötunnus (DVV): DDMMYY, the century sign (`+`, `-`, `A`, and since 2023
//!   `B`–`F`, `U`–`Y`), a serial 002–899 (900–999 for temporary codes) and the check character of the nine digits mod 31.

use super::checks::{digits, grouped, luhn, number, number_hits, standalone, valid_date, NUMBER};
use super::{Cand, Detector, Gate, Hit, Redaction};
use crate::policy::Category;

pub const SE_PERSONNUMMER: Detector = Detector {
    id: "se_personnummer",
    category: Category::PersonalData,
    redaction: Redaction::Tail4,
    pattern: NUMBER,
    gate: Gate::Digits,
    validate: personnummer,
    message: "This looks like a Swedish personal identity number (personnummer).",
};

pub const NO_FODSELSNUMMER: Detector = Detector {
    id: "no_fodselsnummer",
    category: Category::PersonalData,
    redaction: Redaction::Tail4,
    pattern: NUMBER,
    gate: Gate::Digits,
    validate: fodselsnummer,
    message: "This looks like a Norwegian national identity number (fødselsnummer).",
};

pub const DK_CPR: Detector = Detector {
    id: "dk_cpr",
    category: Category::PersonalData,
    redaction: Redaction::Tail4,
    pattern: NUMBER,
    gate: Gate::Digits,
    validate: cprs,
    message: "This looks like a Danish personal identity number (CPR).",
};

pub const FI_HETU: Detector = Detector {
    id: "fi_hetu",
    category: Category::PersonalData,
    redaction: Redaction::Tail4,
    pattern: r"[0-9]{6}[-+A-FU-Y][0-9]{3}[0-9A-Y]",
    gate: Gate::Digits,
    validate: hetus,
    message: "This looks like a Finnish personal identity code (henkilötunnus).",
};

fn two(d: &[u8], i: usize) -> u32 {
    d[i] as u32 * 10 + d[i + 1] as u32
}

/// A day and month that exist in some year of the two-digit year `yy` (19yy or 20yy).
fn day_exists(yy: u32, month: u32, day: u32) -> bool {
    valid_date(1900 + yy, month, day) || valid_date(2000 + yy, month, day)
}

fn keep(text: &str, cands: &[Cand], valid: &dyn Fn(&str) -> bool) -> Vec<Hit> {
    cands
        .iter()
        .filter(|m| standalone(text, m.start(), m.end()) && valid(m.as_str()))
        .map(|m| Hit::new(m.start(), m.end()))
        .collect()
}

/// The Swedish rules over the ten digits YYMMDDNNNC.
pub fn personnummer_valid(d: &[u8]) -> bool {
    if d.len() != 10 {
        return false;
    }
    let (yy, mm, mut dd) = (two(d, 0), two(d, 2), two(d, 4));
    if dd > 60 {
        dd -= 60;
    }
    day_exists(yy, mm, dd) && luhn(d)
}

fn personnummer(text: &str, cands: &[Cand]) -> Vec<Hit> {
    number_hits(text, cands, &[10, 12], &|s| {
        let shaped = grouped(s, &[6, 4], "-+", true)
            || grouped(s, &[8, 4], "-+", false)
            || grouped(s, &[12], "", true);
        if !shaped {
            return None;
        }
        let d = digits(s);
        let d10 = match d.len() {
            // YYYYMMDD: a 19xx or 20xx birth year.
            12 if matches!(two(&d, 0), 18..=20) => &d[2..],
            10 => &d[..],
            _ => return None,
        };
        personnummer_valid(d10).then_some(false)
    })
}

/// The Norwegian rules: a date (D- and H-number offsets) and both check digits.
pub fn fodselsnummer_valid(d: &[u8]) -> bool {
    if d.len() != 11 {
        return false;
    }
    let (mut dd, mut mm, yy) = (two(d, 0), two(d, 2), two(d, 4));
    if dd > 40 {
        dd -= 40;
    }
    if mm > 40 {
        mm -= 40;
    }
    if !day_exists(yy, mm, dd) {
        return false;
    }
    let k = |w: &[u32], n: usize| -> Option<u8> {
        let s: u32 = d[..n].iter().zip(w).map(|(&x, &y)| x as u32 * y).sum();
        match 11 - s % 11 {
            11 => Some(0),
            10 => None,
            c => Some(c as u8),
        }
    };
    k(&[3, 7, 6, 1, 8, 9, 4, 5, 2], 9) == Some(d[9])
        && k(&[5, 4, 3, 2, 7, 6, 5, 4, 3, 2], 10) == Some(d[10])
}

fn fodselsnummer(text: &str, cands: &[Cand]) -> Vec<Hit> {
    number_hits(text, cands, &[11], &|s| {
        (grouped(s, &[6, 5], " ", true) && fodselsnummer_valid(&digits(s))).then_some(false)
    })
}

fn cprs(text: &str, cands: &[Cand]) -> Vec<Hit> {
    number_hits(text, cands, &[10], &|s| {
        if !grouped(s, &[6, 4], "-", true) {
            return None;
        }
        let d = digits(s);
        let (dd, mm, yy) = (two(&d, 0), two(&d, 2), two(&d, 4));
        (day_exists(yy, mm, dd) && number(&d[6..]) != 0).then_some(false)
    })
}

const HETU_CHECK: &[u8; 31] = b"0123456789ABCDEFHJKLMNPRSTUVWXY";

fn hetus(text: &str, cands: &[Cand]) -> Vec<Hit> {
    keep(text, cands, &|s| {
        let b = s.as_bytes();
        let d = digits(&s[..6]);
        let century = match b[6] {
            b'+' => 1800,
            b'-' | b'U'..=b'Y' => 1900,
            _ => 2000,
        };
        let serial = number(&digits(&s[7..10]));
        let (dd, mm, yy) = (two(&d, 0), two(&d, 2), two(&d, 4));
        let nine = number(&d) * 1000 + serial;
        valid_date(century + yy, mm, dd)
            && (2..=999).contains(&serial)
            && HETU_CHECK[(nine % 31) as usize] == b[10]
    })
}

#[cfg(test)]
mod tests {
    use super::super::run_detector as run;
    use super::*;

    #[test]
    fn sweden() {
        assert_eq!(run(&SE_PERSONNUMMER, "pnr 811218-9876"), ["811218-9876"]);
        assert_eq!(run(&SE_PERSONNUMMER, "19811218-9876"), ["19811218-9876"]);
        assert_eq!(run(&SE_PERSONNUMMER, "8112189876"), ["8112189876"]);
        assert!(run(&SE_PERSONNUMMER, "811218-9875").is_empty(), "Luhn");
        assert!(run(&SE_PERSONNUMMER, "811318-9876").is_empty(), "month 13");
    }

    #[test]
    fn norway() {
        assert_eq!(run(&NO_FODSELSNUMMER, "fnr 15108695088"), ["15108695088"]);
        assert_eq!(run(&NO_FODSELSNUMMER, "151086 95088"), ["151086 95088"]);
        assert!(
            run(&NO_FODSELSNUMMER, "15108695089").is_empty(),
            "second check digit"
        );
        assert!(
            run(&NO_FODSELSNUMMER, "15108695078").is_empty(),
            "first check digit"
        );
        assert!(
            run(&NO_FODSELSNUMMER, "151086950881").is_empty(),
            "too long"
        );
    }

    #[test]
    fn denmark() {
        assert_eq!(run(&DK_CPR, "CPR 211062-5629"), ["211062-5629"]);
        assert!(run(&DK_CPR, "CPR 311162-5629").is_empty(), "31 November");
        assert!(run(&DK_CPR, "211062-0000").is_empty());
    }

    #[test]
    fn finland() {
        assert_eq!(run(&FI_HETU, "hetu 131052-308T"), ["131052-308T"]);
        assert_eq!(run(&FI_HETU, "010594Y9032"), ["010594Y9032"]);
        assert!(run(&FI_HETU, "131052-308U").is_empty(), "check character");
        assert!(run(&FI_HETU, "131052-000T").is_empty(), "serial 000");
        assert!(run(&FI_HETU, "311152-308T").is_empty(), "31 November");
    }
}

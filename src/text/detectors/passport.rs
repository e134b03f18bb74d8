//! Passports: the machine-readable zone of a passport's data page, and a passport number
//! written next to the word "passport".
//!
//! The MRZ (ICAO Doc 9303 part 4, TD3) is a 44-character line — document number, nationality,
//! birth date, sex, expiry, personal number — with four check digits (weights 7-3-1) and a
//! composite one; a photo or scan of the page pasted as text carries it. The line above it (type,
//! issuer and the holder's name) is part of the finding when it is there. ICAO's specimen
//! (Anna Maria Eriksson of Utopia, `L898902C3`) is reported as an example.
//!
//! A passport number alone has no check digit to test: it is only a finding after a passport
//! word (in English, German, French, Spanish, Portuguese, Italian, Dutch), which covers US
//! passports (9 digits, or a letter and 8 digits) and the 6–9 character numbers of other
//! countries.

use super::checks::{icao_check, standalone};
use super::{Cand, Detector, Gate, Hit, Redaction};
use crate::policy::Category;

pub const PASSPORT_MRZ: Detector = Detector {
    id: "passport_mrz",
    category: Category::PersonalData,
    redaction: Redaction::Tail4,
    pattern: r"[A-Z0-9<]{9}[0-9][A-Z<]{3}[0-9]{6}[0-9][MFX<][0-9]{6}[0-9][A-Z0-9<]{14}[0-9<][0-9]",
    gate: Gate::Digits,
    validate: mrzs,
    message: "This looks like the machine-readable zone of a passport.",
};

pub const PASSPORT_NUMBER: Detector = Detector {
    id: "passport_number",
    category: Category::PersonalData,
    redaction: Redaction::Tail4,
    pattern: r"(?i:passport|reisepass|passnummer|passeport|pasaporte|passaporte|passaporto|paspoort)[^0-9\n]{0,24}[A-Z0-9]{6,9}",
    gate: Gate::Anywhere,
    validate: passport_numbers,
    message: "This looks like a passport number.",
};

/// Document numbers of published specimens (ICAO 9303, the Bundesdruckerei's sample passport).
const SPECIMENS: &[&str] = &["L898902C3", "C01X00T47", "C4J6R0H11"];

/// Whether a TD3 second line passes its check digits.
pub fn mrz_line_valid(l: &[u8]) -> bool {
    if l.len() != 44 {
        return false;
    }
    let digit = |i: usize| l[i].checked_sub(b'0').filter(|d| *d <= 9);
    let field = |r: std::ops::Range<usize>, c: usize| match (icao_check(&l[r]), l[c]) {
        (Some(x), b'<') => x == 0,
        (Some(x), _) => Some(x) == digit(c),
        _ => false,
    };
    let mut composite = Vec::with_capacity(39);
    composite.extend_from_slice(&l[0..10]);
    composite.extend_from_slice(&l[13..20]);
    composite.extend_from_slice(&l[21..43]);
    field(0..9, 9)
        && field(13..19, 19)
        && field(21..27, 27)
        && field(28..42, 42)
        && icao_check(&composite) == digit(43)
}

fn mrzs(text: &str, cands: &[Cand]) -> Vec<Hit> {
    let mut out = Vec::new();
    for m in cands {
        if !standalone(text, m.start(), m.end()) || !mrz_line_valid(m.as_str().as_bytes()) {
            continue;
        }
        // The first line (P<ISSUER and the name) right above belongs to the same zone.
        let mut start = m.start();
        let before = text.get(..m.start()).unwrap_or("");
        if let Some(prev) = before
            .strip_suffix('\n')
            .or_else(|| before.strip_suffix("\r\n"))
        {
            let line_start = prev.rfind('\n').map_or(0, |i| i + 1);
            let line = &prev[line_start..];
            if line.len() == 44
                && line.starts_with('P')
                && line.bytes().all(|b| b.is_ascii_uppercase() || b == b'<')
            {
                start = line_start;
            }
        }
        let mut h = Hit::new(start, m.end());
        h.test_data = SPECIMENS.iter().any(|s| m.as_str().starts_with(s));
        out.push(h);
    }
    out
}

fn passport_numbers(text: &str, cands: &[Cand]) -> Vec<Hit> {
    let mut out = Vec::new();
    for m in cands {
        let s = m.as_str();
        // The number: the run of capitals and digits the match ends with.
        let run = s
            .bytes()
            .rev()
            .take_while(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            .count();
        let start = m.end() - run;
        let number = &s[s.len() - run..];
        if !(6..=9).contains(&number.len()) || !standalone(text, start, m.end()) {
            continue;
        }
        // Mostly digits: a number, not a capitalised word or a year.
        let n_digits = number.bytes().filter(u8::is_ascii_digit).count();
        if n_digits < 5 || number.bytes().filter(u8::is_ascii_uppercase).count() > 4 {
            continue;
        }
        let mut h = Hit::new(start, m.end());
        h.test_data = SPECIMENS.contains(&number);
        out.push(h);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::run_detector as run;
    use super::*;

    const SPECIMEN_1: &str = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<";
    const SPECIMEN_2: &str = "L898902C36UTO7408122F1204159ZE184226B<<<<<10";

    #[test]
    fn mrz_check_digits() {
        assert!(mrz_line_valid(SPECIMEN_2.as_bytes()));
        let mut bad = SPECIMEN_2.as_bytes().to_vec();
        bad[12] = b'A'; // the nationality has no check digit and is not in the composite
        assert!(mrz_line_valid(&bad));
        bad[14] = b'5'; // the birth date changed: its check digit fails
        assert!(!mrz_line_valid(&bad));
        assert!(!mrz_line_valid(b"short"));
        let text = format!("scan:\n{SPECIMEN_1}\n{SPECIMEN_2}\n");
        assert_eq!(
            run(&PASSPORT_MRZ, &text),
            [format!("{SPECIMEN_1}\n{SPECIMEN_2}")]
        );
        assert_eq!(run(&PASSPORT_MRZ, SPECIMEN_2), [SPECIMEN_2]);
    }

    #[test]
    fn passport_numbers_need_the_word() {
        assert_eq!(run(&PASSPORT_NUMBER, "passport L898902C3"), ["L898902C3"]);
        assert_eq!(
            run(&PASSPORT_NUMBER, "My passport number is 561943287."),
            ["561943287"]
        );
        assert_eq!(
            run(&PASSPORT_NUMBER, "Reisepass-Nr.: C4J6R0H11"),
            ["C4J6R0H11"]
        );
        assert_eq!(
            run(&PASSPORT_NUMBER, "numéro de passeport : 18AB45213"),
            ["18AB45213"]
        );
        assert!(run(&PASSPORT_NUMBER, "passport photos 2024").is_empty());
        assert!(run(&PASSPORT_NUMBER, "Passport Control TERMINAL").is_empty());
        assert!(run(&PASSPORT_NUMBER, "561943287").is_empty());
    }
}

//! National identity and tax numbers of the UK, Germany, France, Spain, Italy, the Netherlands,
//! Belgium and Poland, each validated as its issuer defines it:
//!
//! - UK National Insurance number: HMRC's National Insurance Manual NIM39110 (prefix letters,
//!   suffix A–D); `QQ 12 34 56 C` is HMRC's own example and is reported as an example.
//! - UK NHS number: NHS Data Dictionary, "NHS number" (modulus 11, weights 10…2).
//! - German tax id (steuerliche Identifikationsnummer): BZSt; 11 digits, no leading zero, in the
//!   first ten exactly one digit repeated (twice or three times, not three in a row), ISO 7064
//!   MOD 11,10 check digit.
//! - German identity card (Personalausweis since 2010): PAuswV; nine characters of the
//!   alphabet `CFGHJKLMNPRTVWXYZ0-9`, first a letter, optionally with the ICAO 7-3-1 check digit.
//! - French NIR (numéro de sécurité sociale): INSEE; sex, year, month, department (2A/2B for
//!   Corsica), commune, order, key = 97 − (number mod 97).
//! - Spanish DNI and NIE: Real Decreto 1553/2005; 8 digits (NIE: X/Y/Z and 7 digits) and the
//!   letter `TRWAGMYFPDXBNJZSQVHLCKE`[n mod 23].
//! - Italian codice fiscale: DM 23/12/1976; 16 characters, month letter, day (+40 for women),
//!   omocodia substitutions, the odd/even check letter.
//! - Dutch BSN: the 11-proof (weights 9…2, −1).
//! - Belgian national number (rijksregisternummer): YYMMDD, serial, 97 − (n mod 97), with
//!   `2` prefixed for births from 2000.
//! - Polish PESEL: birth date with the century in the month, weights 1-3-7-9 check digit.

use super::checks::{
    digits, grouped, iso7064_mod11_10, number, number_hits, separators_in, standalone, valid_date,
    weighted, NUMBER,
};
use super::{Cand, Detector, Gate, Hit, Redaction};
use crate::policy::Category;

pub const UK_NINO: Detector = Detector {
    id: "uk_nino",
    category: Category::PersonalData,
    redaction: Redaction::Tail4,
    pattern: r"[A-Z]{2} ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D]",
    gate: Gate::Capitals,
    validate: ninos,
    message: "This looks like a UK National Insurance number.",
};

pub const UK_NHS: Detector = Detector {
    id: "uk_nhs",
    category: Category::PersonalData,
    redaction: Redaction::Tail4,
    pattern: NUMBER,
    gate: Gate::Digits,
    validate: nhs_numbers,
    message: "This looks like an NHS number.",
};

pub const DE_TAX_ID: Detector = Detector {
    id: "de_tax_id",
    category: Category::PersonalData,
    redaction: Redaction::Tail4,
    pattern: NUMBER,
    gate: Gate::Digits,
    validate: de_tax_ids,
    message: "This looks like a German tax identification number (Steuer-ID).",
};

pub const DE_ID_CARD: Detector = Detector {
    id: "de_id_card",
    category: Category::PersonalData,
    redaction: Redaction::Tail4,
    pattern: r"[CFGHJKLMNPRTVWXYZ][CFGHJKLMNPRTVWXYZ0-9]{8}[0-9]?",
    gate: Gate::Capitals,
    validate: de_id_cards,
    message: "This looks like a German identity card number.",
};

pub const FR_NIR: Detector = Detector {
    id: "fr_nir",
    category: Category::PersonalData,
    redaction: Redaction::Tail4,
    pattern: r"[1-478] ?[0-9]{2} ?[0-9]{2} ?(?:[0-9]{2}|2[ABab]) ?[0-9]{3} ?[0-9]{3} ?[0-9]{2}",
    gate: Gate::Digits,
    validate: nirs,
    message: "This looks like a French social security number (NIR).",
};

pub const ES_DNI: Detector = Detector {
    id: "es_dni",
    category: Category::PersonalData,
    redaction: Redaction::Tail4,
    pattern: r"[0-9]{8}-?[A-Z]",
    gate: Gate::Digits,
    validate: dnis,
    message: "This looks like a Spanish national identity number (DNI).",
};

pub const ES_NIE: Detector = Detector {
    id: "es_nie",
    category: Category::PersonalData,
    redaction: Redaction::Tail4,
    pattern: r"[XYZ]-?[0-9]{7}-?[A-Z]",
    gate: Gate::Digits,
    validate: nies,
    message: "This looks like a Spanish foreigner identity number (NIE).",
};

pub const IT_CODICE_FISCALE: Detector = Detector {
    id: "it_codice_fiscale",
    category: Category::PersonalData,
    redaction: Redaction::Tail4,
    pattern: r"[A-Za-z]{6}[0-9LMNPQRSTUVlmnpqrstuv]{2}[ABCDEHLMPRSTabcdehlmprst][0-9LMNPQRSTUVlmnpqrstuv]{2}[A-Za-z][0-9LMNPQRSTUVlmnpqrstuv]{3}[A-Za-z]",
    gate: Gate::Digits,
    validate: codici_fiscali,
    message: "This looks like an Italian tax code (codice fiscale).",
};

pub const NL_BSN: Detector = Detector {
    id: "nl_bsn",
    category: Category::PersonalData,
    redaction: Redaction::Tail4,
    pattern: NUMBER,
    gate: Gate::Digits,
    validate: bsns,
    message: "This looks like a Dutch citizen service number (BSN).",
};

pub const BE_NATIONAL_NUMBER: Detector = Detector {
    id: "be_national_number",
    category: Category::PersonalData,
    redaction: Redaction::Tail4,
    pattern: r"[0-9]{2}\.?[0-9]{2}\.?[0-9]{2}[ -]?[0-9]{3}\.?[0-9]{2}",
    gate: Gate::Digits,
    validate: be_numbers,
    message: "This looks like a Belgian national register number.",
};

pub const PL_PESEL: Detector = Detector {
    id: "pl_pesel",
    category: Category::PersonalData,
    redaction: Redaction::Tail4,
    pattern: NUMBER,
    gate: Gate::Digits,
    validate: pesels,
    message: "This looks like a Polish PESEL number.",
};

/// Keeps the candidates that stand alone and pass `valid`.
fn keep(text: &str, cands: &[Cand], valid: &dyn Fn(&str) -> Option<bool>) -> Vec<Hit> {
    keep_marked(text, cands, &|s| valid(s).map(|ok| (ok, false)))
}

/// Like [`keep`], with `valid` also saying whether the value is a published example.
fn keep_marked(
    text: &str,
    cands: &[Cand],
    valid: &dyn Fn(&str) -> Option<(bool, bool)>,
) -> Vec<Hit> {
    let mut out = Vec::new();
    for m in cands {
        if !standalone(text, m.start(), m.end()) {
            continue;
        }
        if let Some((true, test_data)) = valid(m.as_str()) {
            let mut h = Hit::new(m.start(), m.end());
            h.test_data = test_data;
            out.push(h);
        }
    }
    out
}

/// Separators, if any, are one kind and sit where the format puts them.
fn consistent(s: &str) -> bool {
    let mut seps = s.chars().filter(|c| !c.is_ascii_alphanumeric());
    match seps.next() {
        None => true,
        Some(first) => seps.all(|c| c == first),
    }
}

fn ninos(text: &str, cands: &[Cand]) -> Vec<Hit> {
    keep_marked(text, cands, &|s| {
        let spaces = s.matches(' ').count();
        if spaces != 0 && spaces != 4 {
            return Some((false, false));
        }
        let b: Vec<u8> = s.bytes().filter(|c| *c != b' ').collect();
        let (a, c) = (b[0], b[1]);
        let example = a == b'Q' && c == b'Q';
        let prefix = [a, c];
        let ok = example
            || (!b"DFIQUV".contains(&a)
                && !b"DFIOQUV".contains(&c)
                && !matches!(
                    &prefix,
                    b"BG" | b"GB" | b"NK" | b"KN" | b"TN" | b"NT" | b"ZZ"
                ));
        Some((ok, example))
    })
}

/// The NHS modulus 11 check (the same as the old NHS number's).
pub fn nhs_valid(d: &[u8]) -> bool {
    if d.len() != 10 {
        return false;
    }
    let r = 11 - weighted(d, &[10, 9, 8, 7, 6, 5, 4, 3, 2]) % 11;
    let check = if r == 11 { 0 } else { r };
    check != 10 && check == d[9] as u32
}

fn nhs_numbers(text: &str, cands: &[Cand]) -> Vec<Hit> {
    number_hits(text, cands, &[10], &|s| {
        let d = digits(s);
        (grouped(s, &[3, 3, 4], " -", true) && !all_same(&d) && nhs_valid(&d)).then_some(false)
    })
}

fn all_same(d: &[u8]) -> bool {
    d.iter().all(|&x| Some(&x) == d.first())
}

/// The German tax id's digit rule and ISO 7064 check digit.
pub fn de_tax_id_valid(d: &[u8]) -> bool {
    if d.len() != 11 || d[0] == 0 {
        return false;
    }
    let mut counts = [0u8; 10];
    for &x in &d[..10] {
        counts[x as usize] += 1;
    }
    let repeated: Vec<usize> = (0..10).filter(|&i| counts[i] > 1).collect();
    if repeated.len() != 1 || counts[repeated[0]] > 3 {
        return false;
    }
    if counts[repeated[0]] == 3 {
        let r = repeated[0] as u8;
        if d[..10].windows(3).any(|w| w.iter().all(|&x| x == r)) {
            return false;
        }
    }
    iso7064_mod11_10(&d[..10]) == d[10]
}

fn de_tax_ids(text: &str, cands: &[Cand]) -> Vec<Hit> {
    // Written whole or as 2-3-3-3.
    number_hits(text, cands, &[11], &|s| {
        (grouped(s, &[2, 3, 3, 3], " ", true) && de_tax_id_valid(&digits(s))).then_some(false)
    })
}

/// The specimen numbers printed on the Bundesdruckerei's sample cards (Erika Mustermann).
const DE_ID_SPECIMENS: &[&str] = &["T22000129", "L01X00T47", "LZ6311T47", "C01X00T47"];

fn de_id_cards(text: &str, cands: &[Cand]) -> Vec<Hit> {
    keep_marked(text, cands, &|s| {
        let b = s.as_bytes();
        let doc = &b[..9];
        let n_digits = doc.iter().filter(|c| c.is_ascii_digit()).count();
        // A number, not a word: most of it digits (issued numbers have at least four).
        if n_digits < 4 {
            return Some((false, false));
        }
        if b.len() == 10 {
            let check = super::checks::icao_check(doc)?;
            if check != b[9] - b'0' {
                return Some((false, false));
            }
        }
        let example = DE_ID_SPECIMENS.iter().any(|x| x.as_bytes() == doc);
        Some((true, example))
    })
}

fn nirs(text: &str, cands: &[Cand]) -> Vec<Hit> {
    keep(text, cands, &|s| {
        if !consistent(s) {
            return Some(false);
        }
        let compact: String = s
            .chars()
            .filter(|c| *c != ' ')
            .collect::<String>()
            .to_ascii_uppercase();
        if compact.len() != 15 {
            return Some(false);
        }
        let month: u32 = compact.get(3..5)?.parse().ok()?;
        if !((1..=12).contains(&month) || (20..=42).contains(&month) || (50..=99).contains(&month))
        {
            return Some(false);
        }
        // Corsica's 2A and 2B count as 19 and 18 in the key.
        let dept = compact.get(5..7)?;
        let body = compact.get(..13)?;
        let numeric = match dept {
            "2A" => body.replacen("2A", "19", 1),
            "2B" => body.replacen("2B", "18", 1),
            _ => body.to_string(),
        };
        let n: u64 = numeric.parse().ok()?;
        let key: u64 = compact.get(13..)?.parse().ok()?;
        Some(97 - n % 97 == key)
    })
}

const DNI_LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";

fn dni_letter(n: u64) -> u8 {
    DNI_LETTERS[(n % 23) as usize]
}

fn dnis(text: &str, cands: &[Cand]) -> Vec<Hit> {
    keep(text, cands, &|s| {
        let d = digits(s);
        let letter = *s.as_bytes().last()?;
        Some(!all_same(&d) && dni_letter(number(&d)) == letter)
    })
}

fn nies(text: &str, cands: &[Cand]) -> Vec<Hit> {
    keep(text, cands, &|s| {
        let b = s.as_bytes();
        let lead = match b[0] {
            b'X' => 0,
            b'Y' => 1,
            _ => 2,
        };
        let d = digits(s);
        let letter = *b.last()?;
        Some(dni_letter(lead * 10_000_000 + number(&d)) == letter)
    })
}

/// The codice fiscale's check letter and its date fields (with omocodia letters read back).
pub fn codice_fiscale_valid(cf: &[u8]) -> bool {
    const ODD: [u32; 26] = [
        1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24,
        23,
    ];
    if cf.len() != 16 {
        return false;
    }
    let value = |c: u8| -> Option<u32> {
        match c {
            b'0'..=b'9' => Some((c - b'0') as u32),
            b'A'..=b'Z' => Some((c - b'A') as u32),
            _ => None,
        }
    };
    let mut sum = 0;
    for (i, &c) in cf[..15].iter().enumerate() {
        let Some(v) = value(c) else { return false };
        sum += if i % 2 == 0 {
            // Odd positions (1-based): digits take their letter's odd value.
            ODD[v as usize]
        } else {
            v
        };
    }
    if cf[15] != b'A' + (sum % 26) as u8 {
        return false;
    }
    // Omocodia: L M N P Q R S T U V stand for 0-9 in the numeric positions.
    let num = |c: u8| -> Option<u32> {
        match c {
            b'0'..=b'9' => Some((c - b'0') as u32),
            _ => b"LMNPQRSTUV".iter().position(|&x| x == c).map(|p| p as u32),
        }
    };
    let (Some(d1), Some(d2)) = (num(cf[9]), num(cf[10])) else {
        return false;
    };
    let day = d1 * 10 + d2;
    (1..=31).contains(&day) || (41..=71).contains(&day)
}

fn codici_fiscali(text: &str, cands: &[Cand]) -> Vec<Hit> {
    keep(text, cands, &|s| {
        let up = s.to_ascii_uppercase();
        // Typed in one case: a mixed-case word is not a tax code.
        let one_case = s == up || s == s.to_ascii_lowercase();
        Some(one_case && codice_fiscale_valid(up.as_bytes()))
    })
}

/// The BSN 11-proof.
pub fn bsn_valid(d: &[u8]) -> bool {
    if d.len() != 9 || all_same(d) {
        return false;
    }
    let s = weighted(d, &[9, 8, 7, 6, 5, 4, 3, 2]) as i64 - d[8] as i64;
    s % 11 == 0
}

fn bsns(text: &str, cands: &[Cand]) -> Vec<Hit> {
    number_hits(text, cands, &[9], &|s| {
        (grouped(s, &[4, 2, 3], ".", true) && bsn_valid(&digits(s))).then_some(false)
    })
}

/// The Belgian national number's check (with the 2000s rule).
pub fn be_valid(d: &[u8]) -> bool {
    if d.len() != 11 {
        return false;
    }
    let month = d[2] as u32 * 10 + d[3] as u32;
    let day = d[4] as u32 * 10 + d[5] as u32;
    // Unknown birth dates are registered with month or day 00; bis numbers add 20 or 40.
    if !(month % 20 <= 12 && month <= 52 && day <= 31) {
        return false;
    }
    let n = number(&d[..9]);
    let check = number(&d[9..]);
    97 - n % 97 == check || 97 - (2_000_000_000 + n) % 97 == check
}

fn be_numbers(text: &str, cands: &[Cand]) -> Vec<Hit> {
    keep(text, cands, &|s| {
        // Formatted fully (85.07.30-033.28) or not at all.
        let formatted = s.len() == 15 && separators_in(s, ".- ");
        Some((formatted || s.len() == 11) && !all_same(&digits(s)) && be_valid(&digits(s)))
    })
}

/// PESEL: a real birth date (century in the month) and the 1-3-7-9 check digit.
pub fn pesel_valid(d: &[u8]) -> bool {
    if d.len() != 11 {
        return false;
    }
    let yy = d[0] as u32 * 10 + d[1] as u32;
    let mm = d[2] as u32 * 10 + d[3] as u32;
    let dd = d[4] as u32 * 10 + d[5] as u32;
    let (century, month) = match mm {
        81..=92 => (1800, mm - 80),
        1..=12 => (1900, mm),
        21..=32 => (2000, mm - 20),
        41..=52 => (2100, mm - 40),
        61..=72 => (2200, mm - 60),
        _ => return false,
    };
    if !valid_date(century + yy, month, dd) {
        return false;
    }
    let s = weighted(d, &[1, 3, 7, 9, 1, 3, 7, 9, 1, 3]);
    (10 - s % 10) % 10 == d[10] as u32
}

fn pesels(text: &str, cands: &[Cand]) -> Vec<Hit> {
    number_hits(text, cands, &[11], &|s| {
        (grouped(s, &[11], "", true) && pesel_valid(&digits(s))).then_some(false)
    })
}

#[cfg(test)]
mod tests {
    use super::super::run_detector as run;
    use super::*;

    #[test]
    fn nino() {
        assert_eq!(run(&UK_NINO, "NI AB123456C ok"), ["AB123456C"]);
        assert_eq!(run(&UK_NINO, "JG 10 37 95 A"), ["JG 10 37 95 A"]);
        assert_eq!(
            run(&UK_NINO, "QQ123456C"),
            ["QQ123456C"],
            "HMRC's example, marked"
        );
        assert!(run(&UK_NINO, "GB123456A").is_empty(), "unallocated prefix");
        assert!(
            run(&UK_NINO, "DA123456A").is_empty(),
            "D is never a first letter"
        );
        assert!(run(&UK_NINO, "AB123456E").is_empty(), "suffix A-D only");
        assert!(run(&UK_NINO, "AB 123456 C").is_empty(), "half spaced");
        assert!(run(&UK_NINO, "XAB123456C").is_empty());
    }

    #[test]
    fn nhs() {
        assert_eq!(run(&UK_NHS, "NHS 943 476 5919"), ["943 476 5919"]);
        assert_eq!(run(&UK_NHS, "9434765919"), ["9434765919"]);
        assert!(run(&UK_NHS, "943 476 5918").is_empty(), "check digit");
        assert!(run(&UK_NHS, "943-476 5919").is_empty(), "mixed separators");
        assert!(run(&UK_NHS, "94347659190").is_empty(), "too long");
    }

    #[test]
    fn german_tax_id_and_id_card() {
        assert_eq!(run(&DE_TAX_ID, "IdNr 86095742719"), ["86095742719"]);
        assert_eq!(run(&DE_TAX_ID, "86 095 742 719"), ["86 095 742 719"]);
        assert!(run(&DE_TAX_ID, "86095742718").is_empty(), "check digit");
        assert!(
            run(&DE_TAX_ID, "12345678903").is_empty(),
            "no digit repeated"
        );
        assert!(run(&DE_TAX_ID, "06095742719").is_empty(), "leading zero");
        assert_eq!(run(&DE_ID_CARD, "Ausweis T220001293"), ["T220001293"]);
        assert!(
            run(&DE_ID_CARD, "Ausweis T220001294").is_empty(),
            "check digit"
        );
        assert!(
            run(&DE_ID_CARD, "CHLMNPRTV").is_empty(),
            "a word, not a number"
        );
    }

    #[test]
    fn nir() {
        assert_eq!(
            run(&FR_NIR, "NIR 1 85 05 78 006 084 91"),
            ["1 85 05 78 006 084 91"]
        );
        assert_eq!(run(&FR_NIR, "185057800608491"), ["185057800608491"]);
        assert_eq!(
            run(&FR_NIR, "2 69 05 2A 006 084 90"),
            ["2 69 05 2A 006 084 90"]
        );
        assert!(run(&FR_NIR, "185057800608492").is_empty(), "key");
        assert!(run(&FR_NIR, "185137800608491").is_empty(), "month 13");
    }

    #[test]
    fn dni_nie() {
        assert_eq!(run(&ES_DNI, "DNI 12345678Z"), ["12345678Z"]);
        assert_eq!(run(&ES_DNI, "12345678-Z"), ["12345678-Z"]);
        assert!(run(&ES_DNI, "12345678A").is_empty());
        assert_eq!(run(&ES_NIE, "NIE X1234567L"), ["X1234567L"]);
        assert_eq!(run(&ES_NIE, "Y-1234567-X"), ["Y-1234567-X"]);
        assert!(run(&ES_NIE, "X1234567A").is_empty());
    }

    #[test]
    fn codice_fiscale() {
        assert_eq!(
            run(&IT_CODICE_FISCALE, "CF RSSMRA85T10A562S"),
            ["RSSMRA85T10A562S"]
        );
        assert_eq!(
            run(&IT_CODICE_FISCALE, "rssmra85t10a562s"),
            ["rssmra85t10a562s"]
        );
        assert!(run(&IT_CODICE_FISCALE, "RSSMRA85T10A562T").is_empty());
        assert!(
            run(&IT_CODICE_FISCALE, "RssMra85T10A562S").is_empty(),
            "mixed case"
        );
        assert!(
            run(&IT_CODICE_FISCALE, "RSSMRA85T99A562S").is_empty(),
            "day 99"
        );
    }

    #[test]
    fn bsn_be_pesel() {
        assert_eq!(run(&NL_BSN, "BSN 111222333"), ["111222333"]);
        assert_eq!(run(&NL_BSN, "1112.22.333"), ["1112.22.333"]);
        assert!(run(&NL_BSN, "111222334").is_empty());
        assert!(run(&NL_BSN, "000000000").is_empty());
        assert!(run(&NL_BSN, "1112223330").is_empty(), "ten digits");
        assert_eq!(
            run(&BE_NATIONAL_NUMBER, "85.07.30-033.28"),
            ["85.07.30-033.28"]
        );
        assert_eq!(run(&BE_NATIONAL_NUMBER, "85073003328"), ["85073003328"]);
        assert!(run(&BE_NATIONAL_NUMBER, "85073003329").is_empty());
        assert_eq!(run(&PL_PESEL, "PESEL 44051401359"), ["44051401359"]);
        assert!(run(&PL_PESEL, "44051401358").is_empty());
        assert!(run(&PL_PESEL, "44053401354").is_empty(), "34th of May");
        assert!(run(&PL_PESEL, "ąę44051401359").is_empty());
    }
}

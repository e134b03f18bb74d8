//! National identity and tax numbers of Canada, Australia, India, Brazil, Mexico and the US
//! (ITIN), each validated as its issuer defines it:
//!
//! - Canada SIN (Employment and Social Development Canada): 9 digits, Luhn, first digit not 0
//!   or 8; `046 454 286` is the government's published sample.
//! - Australia TFN (ATO): 9 digits (8 for old numbers), weights 1 4 3 7 5 8 6 9 10
//!   (old: 10 7 8 4 6 3 5 1) mod 11.
//! - Australia Medicare card: first digit 2–6, check digit at position 9 (weights 1 3 7 9 1 3 7 9
//!   mod 10), then the card's issue number.
//! - India Aadhaar (UIDAI): 12 digits, not starting with 0 or 1, Verhoeff check digit.
//! - India PAN (Income Tax Department): 5 letters (the 4th the holder type `PCHFATBLJG`),
//!   4 digits, a letter.
//! - Brazil CPF and CNPJ (Receita Federal): two modulus 11 check digits each.
//! - Mexico CURP (RENAPO): 4 letters, birth date, sex, state code, 3 consonants, homoclave and
//!   the check digit over the alphabet `0-9 A-N Ñ O-Z`.
//! - US ITIN (IRS): 9xx-xx-xxxx with the group in 50–65, 70–88, 90–92 or 94–99.

use super::checks::{
    digits, grouped, luhn, number_hits, standalone, valid_date, verhoeff, weighted, NUMBER,
};
use super::{Cand, Detector, Gate, Hit, Redaction};
use crate::policy::Category;

pub const CA_SIN: Detector = Detector {
    id: "ca_sin",
    category: Category::PersonalData,
    redaction: Redaction::Tail4,
    pattern: NUMBER,
    gate: Gate::Digits,
    validate: sins,
    message: "This looks like a Canadian Social Insurance Number.",
};

pub const AU_TFN: Detector = Detector {
    id: "au_tfn",
    category: Category::PersonalData,
    redaction: Redaction::Tail4,
    pattern: NUMBER,
    gate: Gate::Digits,
    validate: tfns,
    message: "This looks like an Australian Tax File Number.",
};

pub const AU_MEDICARE: Detector = Detector {
    id: "au_medicare",
    category: Category::PersonalData,
    redaction: Redaction::Tail4,
    pattern: NUMBER,
    gate: Gate::Digits,
    validate: medicares,
    message: "This looks like an Australian Medicare card number.",
};

pub const IN_AADHAAR: Detector = Detector {
    id: "in_aadhaar",
    category: Category::PersonalData,
    redaction: Redaction::Tail4,
    pattern: NUMBER,
    gate: Gate::Digits,
    validate: aadhaars,
    message: "This looks like an Indian Aadhaar number.",
};

pub const IN_PAN: Detector = Detector {
    id: "in_pan",
    category: Category::PersonalData,
    redaction: Redaction::Tail4,
    pattern: r"[A-Z]{3}[PCHFATBLJG][A-Z][0-9]{4}[A-Z]",
    gate: Gate::Capitals,
    validate: pans,
    message: "This looks like an Indian PAN (Permanent Account Number).",
};

pub const BR_CPF: Detector = Detector {
    id: "br_cpf",
    category: Category::PersonalData,
    redaction: Redaction::Tail4,
    pattern: r"[0-9]{3}\.?[0-9]{3}\.?[0-9]{3}-?[0-9]{2}",
    gate: Gate::Digits,
    validate: cpfs,
    message: "This looks like a Brazilian individual taxpayer number (CPF).",
};

pub const BR_CNPJ: Detector = Detector {
    id: "br_cnpj",
    category: Category::PersonalData,
    redaction: Redaction::Tail4,
    pattern: r"[0-9]{2}\.?[0-9]{3}\.?[0-9]{3}/?[0-9]{4}-?[0-9]{2}",
    gate: Gate::Digits,
    validate: cnpjs,
    message: "This looks like a Brazilian company taxpayer number (CNPJ).",
};

pub const MX_CURP: Detector = Detector {
    id: "mx_curp",
    category: Category::PersonalData,
    redaction: Redaction::Tail4,
    pattern: r"[A-Z]{4}[0-9]{6}[HMX][A-Z]{5}[0-9A-Z][0-9]",
    gate: Gate::Capitals,
    validate: curps,
    message: "This looks like a Mexican population registry code (CURP).",
};

pub const US_ITIN: Detector = Detector {
    id: "us_itin",
    category: Category::PersonalData,
    redaction: Redaction::Tail4,
    pattern: NUMBER,
    gate: Gate::Digits,
    validate: itins,
    message: "This looks like a US Individual Taxpayer Identification Number (ITIN).",
};

/// Standalone candidates that pass `valid` (the caller checked the format); `example` marks
/// published sample values.
fn keep_checked(
    text: &str,
    cands: &[Cand],
    valid: fn(&[u8]) -> bool,
    example: &[&str],
) -> Vec<Hit> {
    let mut out = Vec::new();
    for m in cands {
        let s = m.as_str();
        if !standalone(text, m.start(), m.end()) {
            continue;
        }
        let d = digits(s);
        if d.iter().all(|&x| Some(&x) == d.first()) || !valid(&d) {
            continue;
        }
        let plain: String = d.iter().map(|x| char::from(b'0' + x)).collect();
        let mut h = Hit::new(m.start(), m.end());
        h.test_data = example.contains(&plain.as_str());
        out.push(h);
    }
    out
}

pub fn sin_valid(d: &[u8]) -> bool {
    d.len() == 9 && d[0] != 0 && d[0] != 8 && luhn(d)
}

fn sins(text: &str, cands: &[Cand]) -> Vec<Hit> {
    shaped(text, cands, &[&[3, 3, 3]], " -", sin_valid, &["046454286"])
}

/// Number tokens written in one of `shapes` (groups joined by one of `seps`, or bare) that pass
/// `valid` and are not one digit repeated; `example` lists published sample values.
fn shaped(
    text: &str,
    cands: &[Cand],
    shapes: &[&[usize]],
    seps: &str,
    valid: fn(&[u8]) -> bool,
    example: &[&str],
) -> Vec<Hit> {
    let lens: Vec<usize> = shapes.iter().map(|g| g.iter().sum()).collect();
    number_hits(text, cands, &lens, &|s| {
        if !shapes.iter().any(|g| grouped(s, g, seps, true)) {
            return None;
        }
        let d = digits(s);
        if d.iter().all(|&x| Some(&x) == d.first()) || !valid(&d) {
            return None;
        }
        let plain: String = d.iter().map(|x| char::from(b'0' + x)).collect();
        Some(example.contains(&plain.as_str()))
    })
}

pub fn tfn_valid(d: &[u8]) -> bool {
    match d.len() {
        9 => weighted(d, &[1, 4, 3, 7, 5, 8, 6, 9, 10]) % 11 == 0,
        8 => weighted(d, &[10, 7, 8, 4, 6, 3, 5, 1]) % 11 == 0,
        _ => false,
    }
}

fn tfns(text: &str, cands: &[Cand]) -> Vec<Hit> {
    // The ATO's documentation example.
    shaped(
        text,
        cands,
        &[&[3, 3, 3], &[3, 3, 2]],
        " ",
        tfn_valid,
        &["123456782"],
    )
}

pub fn medicare_valid(d: &[u8]) -> bool {
    d.len() == 10
        && (2..=6).contains(&d[0])
        && weighted(d, &[1, 3, 7, 9, 1, 3, 7, 9]) % 10 == d[8] as u32
        && d[9] != 0
}

fn medicares(text: &str, cands: &[Cand]) -> Vec<Hit> {
    shaped(text, cands, &[&[4, 5, 1]], " ", medicare_valid, &[])
}

pub fn aadhaar_valid(d: &[u8]) -> bool {
    d.len() == 12 && d[0] >= 2 && verhoeff(d) && !is_palindrome(d)
}

/// UIDAI never issues palindromic numbers.
fn is_palindrome(d: &[u8]) -> bool {
    d.iter().eq(d.iter().rev())
}

fn aadhaars(text: &str, cands: &[Cand]) -> Vec<Hit> {
    shaped(text, cands, &[&[4, 4, 4]], " -", aadhaar_valid, &[])
}

fn pans(text: &str, cands: &[Cand]) -> Vec<Hit> {
    // The Income Tax Department's form examples.
    cands
        .iter()
        .filter(|m| standalone(text, m.start(), m.end()))
        .map(|m| {
            let mut h = Hit::new(m.start(), m.end());
            h.test_data = matches!(m.as_str(), "ABCDE1234F" | "AAAPL1234C");
            h
        })
        .collect()
}

/// One modulus 11 check digit of CPF/CNPJ: 11 − (Σ dᵢwᵢ mod 11), 0 when that is 10 or 11.
fn mod11_digit(d: &[u8], w: &[u32]) -> u8 {
    let r = 11 - weighted(d, w) % 11;
    if r >= 10 {
        0
    } else {
        r as u8
    }
}

pub fn cpf_valid(d: &[u8]) -> bool {
    d.len() == 11
        && mod11_digit(&d[..9], &[10, 9, 8, 7, 6, 5, 4, 3, 2]) == d[9]
        && mod11_digit(&d[..10], &[11, 10, 9, 8, 7, 6, 5, 4, 3, 2]) == d[10]
}

fn cpfs(text: &str, cands: &[Cand]) -> Vec<Hit> {
    keep_checked(
        text,
        &formatted_or_bare(cands, &[3, 3, 3, 2], ".-"),
        cpf_valid,
        &[],
    )
}

pub fn cnpj_valid(d: &[u8]) -> bool {
    d.len() == 14
        && mod11_digit(&d[..12], &[5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]) == d[12]
        && mod11_digit(&d[..13], &[6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]) == d[13]
}

fn cnpjs(text: &str, cands: &[Cand]) -> Vec<Hit> {
    // Fully formatted (11.222.333/0001-81) or bare digits.
    keep_checked(
        text,
        &formatted_or_bare(cands, &[2, 3, 3, 4, 2], "./-"),
        cnpj_valid,
        &[],
    )
}

/// Candidates either bare or with every separator in place (`123.456.789-09`).
fn formatted_or_bare<'t>(cands: &[Cand<'t>], groups: &[usize], seps: &str) -> Vec<Cand<'t>> {
    cands
        .iter()
        .copied()
        .filter(|m| {
            let s = m.as_str();
            let bare = s.bytes().all(|b| b.is_ascii_digit());
            let full = s
                .split(|c: char| seps.contains(c))
                .map(str::len)
                .eq(groups.iter().copied());
            bare || full
        })
        .collect()
}

/// CURP state codes (RENAPO), with `NE` for those born abroad.
const CURP_STATES: &[&str] = &[
    "AS", "BC", "BS", "CC", "CL", "CM", "CS", "CH", "DF", "DG", "GT", "GR", "HG", "JC", "MC", "MN",
    "MS", "NT", "NL", "OC", "PL", "QT", "QR", "SP", "SL", "SR", "TC", "TS", "TL", "VZ", "YN", "ZS",
    "NE",
];

pub fn curp_valid(c: &[u8]) -> bool {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ";
    if c.len() != 18 {
        return false;
    }
    let d = digits(std::str::from_utf8(&c[4..10]).unwrap_or(""));
    if d.len() != 6 {
        return false;
    }
    let (yy, mm, dd) = (
        d[0] as u32 * 10 + d[1] as u32,
        d[2] as u32 * 10 + d[3] as u32,
        d[4] as u32 * 10 + d[5] as u32,
    );
    // The homoclave is a digit for births before 2000, a letter after.
    let year = if c[16].is_ascii_digit() {
        1900 + yy
    } else {
        2000 + yy
    };
    if !valid_date(year, mm, dd) {
        return false;
    }
    let state = std::str::from_utf8(&c[11..13]).unwrap_or("");
    if !CURP_STATES.contains(&state) {
        return false;
    }
    let mut sum = 0u32;
    for (i, ch) in c[..17].iter().enumerate() {
        let Some(v) = ALPHABET.iter().position(|a| a == ch) else {
            return false;
        };
        sum += v as u32 * (18 - i as u32);
    }
    (10 - sum % 10) % 10 == (c[17] - b'0') as u32
}

fn curps(text: &str, cands: &[Cand]) -> Vec<Hit> {
    cands
        .iter()
        .filter(|m| standalone(text, m.start(), m.end()) && curp_valid(m.as_str().as_bytes()))
        .map(|m| Hit::new(m.start(), m.end()))
        .collect()
}

pub fn itin_valid(d: &[u8]) -> bool {
    let group = d
        .get(3)
        .zip(d.get(4))
        .map(|(a, b)| *a as u32 * 10 + *b as u32);
    d.len() == 9 && d[0] == 9 && matches!(group, Some(50..=65 | 70..=88 | 90..=92 | 94..=99))
}

fn itins(text: &str, cands: &[Cand]) -> Vec<Hit> {
    shaped(text, cands, &[&[3, 2, 4]], "- ", itin_valid, &[])
}

#[cfg(test)]
mod tests {
    use super::super::run_detector as run;
    use super::*;

    #[test]
    fn canada_australia() {
        assert_eq!(run(&CA_SIN, "SIN 130 692 544"), ["130 692 544"]);
        assert!(run(&CA_SIN, "130 692 545").is_empty(), "Luhn");
        assert!(run(&CA_SIN, "830 692 540").is_empty(), "first digit 8");
        assert_eq!(run(&AU_TFN, "TFN 876 543 210"), ["876 543 210"]);
        assert!(run(&AU_TFN, "876 543 211").is_empty());
        assert_eq!(run(&AU_MEDICARE, "medicare 2123 45670 1"), ["2123 45670 1"]);
        assert!(run(&AU_MEDICARE, "2123 45671 1").is_empty(), "check digit");
        assert!(run(&AU_MEDICARE, "7123 45670 1").is_empty(), "first digit");
    }

    #[test]
    fn india() {
        assert_eq!(
            run(&IN_AADHAAR, "aadhaar 2341 2341 2346"),
            ["2341 2341 2346"]
        );
        assert!(run(&IN_AADHAAR, "2341 2341 2347").is_empty(), "Verhoeff");
        assert!(
            run(&IN_AADHAAR, "1341 2341 2346").is_empty(),
            "starts with 1"
        );
        assert_eq!(run(&IN_PAN, "PAN AFZPK7190K"), ["AFZPK7190K"]);
        assert!(run(&IN_PAN, "AFZQK7190K").is_empty(), "holder type Q");
        assert!(run(&IN_PAN, "XAFZPK7190K").is_empty());
    }

    #[test]
    fn brazil() {
        assert_eq!(run(&BR_CPF, "CPF 390.533.447-05"), ["390.533.447-05"]);
        assert_eq!(run(&BR_CPF, "39053344705"), ["39053344705"]);
        assert!(run(&BR_CPF, "390.533.447-06").is_empty());
        assert!(run(&BR_CPF, "111.111.111-11").is_empty(), "repeated digits");
        assert!(run(&BR_CPF, "390.533447-05").is_empty(), "half formatted");
        assert_eq!(
            run(&BR_CNPJ, "CNPJ 11.222.333/0001-81"),
            ["11.222.333/0001-81"]
        );
        assert!(run(&BR_CNPJ, "11.222.333/0001-82").is_empty());
    }

    #[test]
    fn mexico_us() {
        assert_eq!(
            run(&MX_CURP, "CURP HEGG560427MVZRRL04"),
            ["HEGG560427MVZRRL04"]
        );
        assert!(
            run(&MX_CURP, "HEGG560427MVZRRL05").is_empty(),
            "check digit"
        );
        assert!(run(&MX_CURP, "HEGG560427MQQRRL04").is_empty(), "state QQ");
        assert_eq!(run(&US_ITIN, "ITIN 912-70-1234"), ["912-70-1234"]);
        assert!(run(&US_ITIN, "912-40-1234").is_empty(), "group 40");
        assert!(run(&US_ITIN, "912-70 1234").is_empty());
    }
}

//! Bank identifiers that are not account numbers themselves but point at one: SWIFT/BIC codes
//! and US ABA routing numbers.
//!
//! - SWIFT/BIC (ISO 9362): 4 letters (institution), an ISO 3166-1 country code, 2 characters
//!   (location; a second character `0` marks a test BIC), optionally 3 for the branch. Eight
//!   capitals are also a shouted word ("BUSINESS" reads as BUSI-NE-SS), so a BIC needs its words.
//! - ABA routing transit number (ABA / Federal Reserve): 9 digits, the first two in 00–12,
//!   21–32, 61–72 or 80, and 3·(d1+d4+d7) + 7·(d2+d5+d8) + (d3+d6+d9) ≡ 0 (mod 10).

use super::checks::{digits, grouped, number_hits, standalone, weighted, NUMBER};
use super::{Cand, Detector, Gate, Hit, Redaction};
use crate::policy::Category;

pub const SWIFT_BIC: Detector = Detector {
    id: "swift_bic",
    category: Category::PersonalData,
    redaction: Redaction::Tail4,
    pattern: r"[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?",
    gate: Gate::Capitals,
    validate: bics,
    message: "This looks like a bank's SWIFT/BIC code.",
};

pub const ABA_ROUTING: Detector = Detector {
    id: "aba_routing",
    category: Category::PersonalData,
    redaction: Redaction::Tail4,
    pattern: NUMBER,
    gate: Gate::Digits,
    validate: routing_numbers,
    message: "This looks like a US bank routing number (ABA).",
};

/// ISO 3166-1 alpha-2 codes in use (and XK, which SWIFT uses for Kosovo).
const COUNTRIES: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW";

pub fn bic_valid(b: &str) -> bool {
    let bytes = b.as_bytes();
    if !(bytes.len() == 8 || bytes.len() == 11) {
        return false;
    }
    let country = &b[4..6];
    // Location: no `O` as its second character (ISO 9362 keeps it from being read as 0).
    COUNTRIES.split(' ').any(|c| c == country) && bytes[7] != b'O'
}

fn bics(text: &str, cands: &[Cand]) -> Vec<Hit> {
    cands
        .iter()
        .filter(|m| standalone(text, m.start(), m.end()) && bic_valid(m.as_str()))
        .map(|m| {
            let mut h = Hit::new(m.start(), m.end());
            h.test_data = m.as_str().as_bytes()[7] == b'0';
            h
        })
        .collect()
}

pub fn aba_valid(d: &[u8]) -> bool {
    if d.len() != 9 || d.iter().all(|&x| x == 0) {
        return false;
    }
    let prefix = d[0] * 10 + d[1];
    matches!(prefix, 0..=12 | 21..=32 | 61..=72 | 80)
        && weighted(d, &[3, 7, 1, 3, 7, 1, 3, 7, 1]) % 10 == 0
}

fn routing_numbers(text: &str, cands: &[Cand]) -> Vec<Hit> {
    number_hits(text, cands, &[9], &|s| {
        (grouped(s, &[9], "", true) && aba_valid(&digits(s))).then_some(false)
    })
}

#[cfg(test)]
mod tests {
    use super::super::run_detector as run;
    use super::*;

    #[test]
    fn bic() {
        assert_eq!(run(&SWIFT_BIC, "BIC DEUTDEFF please"), ["DEUTDEFF"]);
        assert_eq!(run(&SWIFT_BIC, "swift: BNPAFRPPXXX"), ["BNPAFRPPXXX"]);
        assert!(run(&SWIFT_BIC, "DEUTQQFF").is_empty(), "no country QQ");
        assert!(run(&SWIFT_BIC, "DEUTDEFFX").is_empty(), "nine characters");
        assert!(run(&SWIFT_BIC, "PASSWORD").is_empty(), "WO is no country");
        assert!(run(&SWIFT_BIC, "DEUTDEFOXXX").is_empty(), "location O");
    }

    #[test]
    fn aba() {
        assert_eq!(run(&ABA_ROUTING, "routing 021000021"), ["021000021"]);
        assert_eq!(run(&ABA_ROUTING, "011000015"), ["011000015"]);
        assert!(run(&ABA_ROUTING, "021000022").is_empty(), "checksum");
        assert!(run(&ABA_ROUTING, "421000029").is_empty(), "prefix 42");
        assert!(run(&ABA_ROUTING, "0210000210").is_empty(), "ten digits");
    }
}

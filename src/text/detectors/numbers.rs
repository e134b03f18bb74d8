//! Payment and identity numbers: card numbers (Luhn, brand prefix and length), IBANs (country
//! length, ISO 13616 mod-97) and US social security numbers (area, group, serial rules).

use super::checks::{digits, luhn};
use super::{char_at, char_before, context_before, Cand, Detector, Gate, Hit, Redaction};
use crate::policy::Category;

pub const CREDIT_CARD: Detector = Detector {
    id: "credit_card",
    category: Category::PersonalData,
    redaction: Redaction::Card,
    pattern: r"[0-9](?:[ -]?[0-9]){12,18}",
    gate: Gate::Digits,
    validate: credit_cards,
    message: "This looks like a payment card number.",
};

pub const IBAN: Detector = Detector {
    id: "iban",
    category: Category::PersonalData,
    redaction: Redaction::Tail4,
    pattern: r"[A-Za-z]{2}[0-9]{2}(?: ?[A-Za-z0-9]){11,32}",
    gate: Gate::Digits,
    validate: ibans,
    message: "This looks like a bank account number (IBAN).",
};

pub const US_SSN: Detector = Detector {
    id: "us_ssn",
    category: Category::PersonalData,
    redaction: Redaction::Tail4,
    pattern: r"[0-9]{3}[- .][0-9]{2}[- .][0-9]{4}|(?i:ssn|social security)[^0-9\n]{0,16}[0-9]{9}",
    gate: Gate::Digits,
    validate: ssns,
    message: "This looks like a US Social Security number.",
};

/// The number as an integer of its first `n` digits.
fn prefix(d: &[u8], n: usize) -> u32 {
    d.iter().take(n).fold(0, |a, &x| a * 10 + x as u32)
}

/// Whether a card brand issues numbers with this prefix and length.
pub fn known_brand(d: &[u8]) -> bool {
    let len = d.len();
    let p1 = prefix(d, 1);
    let p2 = prefix(d, 2);
    let p3 = prefix(d, 3);
    let p4 = prefix(d, 4);
    let p6 = prefix(d, 6);
    let visa = p1 == 4 && matches!(len, 13 | 16 | 19);
    let mastercard = ((51..=55).contains(&p2) || (2221..=2720).contains(&p4)) && len == 16;
    let amex = (p2 == 34 || p2 == 37) && len == 15;
    let discover =
        (p4 == 6011 || (644..=649).contains(&p3) || p2 == 65 || (622126..=622925).contains(&p6))
            && (16..=19).contains(&len);
    let diners =
        ((300..=305).contains(&p3) || p2 == 36 || p2 == 38 || p2 == 39) && (14..=19).contains(&len);
    let jcb = (3528..=3589).contains(&p4) && (16..=19).contains(&len);
    let unionpay = p2 == 62 && (16..=19).contains(&len);
    let maestro = (p2 == 50 || (56..=58).contains(&p2) || p4 == 6304 || p4 == 6759 || p2 == 67)
        && (13..=19).contains(&len);
    let mir = (2200..=2204).contains(&p4) && (16..=19).contains(&len);
    visa || mastercard || amex || discover || diners || jcb || unionpay || maestro || mir
}

/// Card numbers that payment providers publish for testing.
const TEST_CARDS: &[&str] = &[
    "4111111111111111",
    "4242424242424242",
    "4012888888881881",
    "4000056655665556",
    "4222222222222",
    "5555555555554444",
    "5105105105105100",
    "5200828282828210",
    "2223003122003222",
    "378282246310005",
    "371449635398431",
    "378734493671000",
    "6011111111111117",
    "6011000990139424",
    "6011000400000000",
    "30569309025904",
    "38520000023237",
    "36227206271667",
    "3530111333300000",
    "3566002020360505",
    "6200000000000005",
    "4000000000000002",
    "4000000000009995",
    "4000000000000077",
    "5454545454545454",
];

fn credit_cards(text: &str, cands: &[Cand]) -> Vec<Hit> {
    let mut out = Vec::new();
    for m in cands.iter() {
        let s = m.as_str();
        // Not part of a longer number, a decimal or an identifier.
        if char_before(text, m.start())
            .is_some_and(|c| c.is_alphanumeric() || matches!(c, '.' | ',' | '-' | '/' | '_'))
            || char_at(text, m.end()).is_some_and(|c| c.is_alphanumeric() || c == '_')
        {
            continue;
        }
        // Separators, if any, are all the same and group the digits in blocks of 3 to 6.
        let seps: Vec<char> = s.chars().filter(|c| !c.is_ascii_digit()).collect();
        if let Some(&first) = seps.first() {
            if seps.iter().any(|&c| c != first) {
                continue;
            }
            if s.split(first).any(|g| !(3..=6).contains(&g.len())) {
                continue;
            }
        }
        let d = digits(s);
        if d.iter().all(|&x| x == d[0]) || !known_brand(&d) || !luhn(&d) {
            continue;
        }
        let plain: String = d.iter().map(|x| char::from(b'0' + x)).collect();
        let test_data = TEST_CARDS.contains(&plain.as_str());
        out.push(Hit {
            start: m.start(),
            end: m.end(),
            test_data,
        });
    }
    out
}

/// IBAN length per country (ISO 13616 registry).
const IBAN_LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AE", 23),
    ("AL", 28),
    ("AT", 20),
    ("AZ", 28),
    ("BA", 20),
    ("BE", 16),
    ("BG", 22),
    ("BH", 22),
    ("BI", 27),
    ("BR", 29),
    ("BY", 28),
    ("CH", 21),
    ("CR", 22),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DJ", 27),
    ("DK", 18),
    ("DO", 28),
    ("EE", 20),
    ("EG", 29),
    ("ES", 24),
    ("FI", 18),
    ("FK", 18),
    ("FO", 18),
    ("FR", 27),
    ("GB", 22),
    ("GE", 22),
    ("GI", 23),
    ("GL", 18),
    ("GR", 27),
    ("GT", 28),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IL", 23),
    ("IQ", 23),
    ("IS", 26),
    ("IT", 27),
    ("JO", 30),
    ("KW", 30),
    ("KZ", 20),
    ("LB", 28),
    ("LC", 32),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("LY", 25),
    ("MC", 27),
    ("MD", 24),
    ("ME", 22),
    ("MK", 19),
    ("MN", 20),
    ("MR", 27),
    ("MT", 31),
    ("MU", 30),
    ("NI", 28),
    ("NL", 18),
    ("NO", 15),
    ("OM", 23),
    ("PK", 24),
    ("PL", 28),
    ("PS", 29),
    ("PT", 25),
    ("QA", 29),
    ("RO", 24),
    ("RS", 22),
    ("RU", 33),
    ("SA", 24),
    ("SC", 31),
    ("SD", 18),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("SO", 23),
    ("ST", 25),
    ("SV", 28),
    ("TL", 23),
    ("TN", 24),
    ("TR", 26),
    ("UA", 29),
    ("VA", 22),
    ("VG", 24),
    ("XK", 20),
    ("YE", 30),
];

pub fn iban_length(country: &str) -> Option<usize> {
    IBAN_LENGTHS
        .iter()
        .find(|(c, _)| *c == country)
        .map(|&(_, n)| n)
}

/// ISO 13616 check: move the first four characters to the end, letters to numbers, mod 97 == 1.
pub fn iban_mod97(iban: &str) -> bool {
    let b = iban.as_bytes();
    if b.len() < 5 {
        return false;
    }
    let mut rem: u32 = 0;
    for &c in b[4..].iter().chain(&b[..4]) {
        match c {
            b'0'..=b'9' => rem = (rem * 10 + (c - b'0') as u32) % 97,
            b'A'..=b'Z' => rem = (rem * 100 + (c - b'A' + 10) as u32) % 97,
            _ => return false,
        }
    }
    rem == 1
}

fn ibans(text: &str, cands: &[Cand]) -> Vec<Hit> {
    let mut out = Vec::new();
    for m in cands.iter() {
        if char_before(text, m.start()).is_some_and(|c| c.is_alphanumeric()) {
            continue;
        }
        let s = m.as_str();
        // Typed in lower case too ("de89 3704 ..."): the mod-97 check still decides.
        let Some(len) = s
            .get(..2)
            .and_then(|cc| iban_length(&cc.to_ascii_uppercase()))
        else {
            continue;
        };
        // Take exactly the country's length of characters; what follows must not continue a word.
        let mut compact = String::with_capacity(len);
        let mut end = m.start();
        for (i, c) in s.char_indices() {
            if compact.len() == len {
                break;
            }
            if c != ' ' {
                compact.push(c.to_ascii_uppercase());
                end = m.start() + i + 1;
            }
        }
        if compact.len() != len || char_at(text, end).is_some_and(|c| c.is_alphanumeric()) {
            continue;
        }
        if iban_mod97(&compact) {
            out.push(Hit::new(m.start(), end));
        }
    }
    out
}

/// Area, group and serial rules of the SSA (no 000/666/9xx area, no 00 group, no 0000 serial),
/// and the two numbers famous for being printed on sample cards.
pub fn ssn_valid(d: &[u8]) -> bool {
    if d.len() != 9 {
        return false;
    }
    let area = prefix(d, 3);
    let group = d[3] as u32 * 10 + d[4] as u32;
    let serial = prefix(&d[5..], 4);
    let plain = prefix(d, 9);
    area != 0
        && area != 666
        && area < 900
        && group != 0
        && serial != 0
        && plain != 78051120
        && plain != 219099999
        && plain != 123456789
}

fn ssns(text: &str, cands: &[Cand]) -> Vec<Hit> {
    let mut out = Vec::new();
    for m in cands.iter() {
        let s = m.as_str();
        let (start, digits_str) = if s.as_bytes().first().is_some_and(u8::is_ascii_digit) {
            // Formatted: both separators the same; a space- or dot-separated form needs an "SSN"
            // nearby.
            let b = s.as_bytes();
            if b[3] != b[6] {
                continue;
            }
            if b[3] == b' ' || b[3] == b'.' {
                let ctx = context_before(text, m.start(), 32);
                if !ctx.contains("ssn") && !ctx.contains("social security") {
                    continue;
                }
            }
            if char_before(text, m.start())
                .is_some_and(|c| c.is_alphanumeric() || matches!(c, '-' | '.' | '/' | '+'))
            {
                continue;
            }
            (m.start(), s)
        } else {
            // "SSN: 123456789": the number alone is the finding.
            let i = s.len() - 9;
            (m.start() + i, &s[i..])
        };
        if char_at(text, m.end()).is_some_and(|c| c.is_alphanumeric() || c == '-')
            || (text[m.end()..].starts_with('.')
                && char_at(text, m.end() + 1).is_some_and(|c| c.is_ascii_digit()))
        {
            continue;
        }
        if ssn_valid(&digits(digits_str)) {
            out.push(Hit::new(start, m.end()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    use super::super::run_detector as run;

    #[test]
    fn cards_need_luhn_brand_and_consistent_grouping() {
        assert_eq!(
            run(&CREDIT_CARD, "card 4539 1488 0343 6467 ok"),
            ["4539 1488 0343 6467"]
        );
        assert_eq!(
            run(&CREDIT_CARD, "amex 3717 281561 94380"),
            ["3717 281561 94380"]
        );
        assert!(
            run(&CREDIT_CARD, "4539 1488 0343 6468").is_empty(),
            "Luhn fails"
        );
        assert!(
            run(&CREDIT_CARD, "9539148803436467").is_empty(),
            "no brand starts with 9"
        );
        assert!(
            run(&CREDIT_CARD, "4539-1488 0343-6467").is_empty(),
            "mixed separators"
        );
        assert!(run(&CREDIT_CARD, "0000 0000 0000 0000").is_empty());
        assert!(run(&CREDIT_CARD, "pi=3.1415926535897932384").is_empty());
        assert!(run(&CREDIT_CARD, "ISBN 978-3-16-148410-0").is_empty());
    }

    #[test]
    fn test_cards_are_marked() {
        let re = Regex::new(CREDIT_CARD.pattern).unwrap();
        let t = "use 4242 4242 4242 4242 in staging";
        let hits = credit_cards(t, &super::super::candidates(&re, t, &[(0, t.len())]));
        assert_eq!(hits.len(), 1);
        assert!(hits[0].test_data);
    }

    #[test]
    fn iban_checks_country_length_and_mod97() {
        assert_eq!(
            run(&IBAN, "pay GB82 WEST 1234 5698 7654 32 now"),
            ["GB82 WEST 1234 5698 7654 32"]
        );
        assert_eq!(
            run(&IBAN, "DE89370400440532013000"),
            ["DE89370400440532013000"]
        );
        assert_eq!(
            run(&IBAN, "my iban: de89 3704 0044 0532 0130 00"),
            ["de89 3704 0044 0532 0130 00"]
        );
        assert!(
            run(&IBAN, "de89 3704 0044 0532 0130 01").is_empty(),
            "lower case still needs mod-97"
        );
        assert!(
            run(&IBAN, "GB82 WEST 1234 5698 7654 33").is_empty(),
            "mod-97 fails"
        );
        assert!(
            run(&IBAN, "ZZ82WEST12345698765432").is_empty(),
            "no such country"
        );
        assert!(
            run(&IBAN, "DE8937040044053201300").is_empty(),
            "one character short"
        );
    }

    #[test]
    fn ssn_rules() {
        assert_eq!(run(&US_SSN, "SSN 492-86-4118."), ["492-86-4118"]);
        assert_eq!(run(&US_SSN, "my ssn is 492864118"), ["492864118"]);
        assert!(run(
            &US_SSN,
            "000-12-3456 666-12-3456 912-12-3456 123-00-4567 123-45-0000"
        )
        .is_empty());
        assert!(
            run(&US_SSN, "078-05-1120").is_empty(),
            "the Woolworth sample card"
        );
        assert!(
            run(&US_SSN, "492 86 4118").is_empty(),
            "spaced form needs context"
        );
        assert!(run(&US_SSN, "492-86 4118").is_empty(), "mixed separators");
        assert_eq!(run(&US_SSN, "SSN 078.05.1123"), ["078.05.1123"]);
        assert!(
            run(&US_SSN, "492.86.4118").is_empty(),
            "dotted form needs context"
        );
        assert!(run(&US_SSN, "SSN 492.86.4118.5").is_empty());
        assert!(run(&US_SSN, "call 1-492-86-4118").is_empty());
    }
}

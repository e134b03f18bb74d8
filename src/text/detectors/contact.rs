//! Contact details: e-mail addresses and phone numbers.
//!
//! Phone numbers are the noisiest detector there is: dates, version numbers, ISBNs, scores,
//! prices, IP addresses and order numbers all look like digits with separators. A candidate is a
//! phone number only if its digit count and grouping fit a real numbering plan, it is none of
//! those look-alikes, and — when it is short or unformatted — the words before it talk about
//! calling.

use super::{char_at, char_before, context_before, Cand, Detector, Gate, Hit, Redaction};
use crate::policy::Category;

pub const EMAIL: Detector = Detector {
    id: "email",
    category: Category::PersonalData,
    redaction: Redaction::Email,
    pattern: r"[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+",
    gate: Gate::Anywhere,
    validate: emails,
    message: "This is an e-mail address.",
};

pub const PHONE: Detector = Detector {
    id: "phone",
    category: Category::PersonalData,
    redaction: Redaction::Tail4,
    pattern: r"\+?\(?[0-9][0-9 ().-]{5,20}[0-9]",
    gate: Gate::Digits,
    validate: phones,
    message: "This looks like a phone number.",
};

/// File extensions that follow `@2x` in image names (`icon@2x.png` is not an address).
const FILE_TLDS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "svg", "webp", "pdf", "js", "css", "html", "zip",
];

fn emails(text: &str, cands: &[Cand]) -> Vec<Hit> {
    let mut out = Vec::new();
    for m in cands.iter() {
        let s = m.as_str();
        let Some((local, domain)) = s.split_once('@') else {
            continue;
        };
        let local_trim = local.trim_start_matches('.');
        let start = m.start() + (local.len() - local_trim.len());
        if local_trim.is_empty() || local_trim.ends_with('.') || local_trim.contains("..") {
            continue;
        }
        let tld = domain.rsplit('.').next().unwrap_or("");
        if !(2..=24).contains(&tld.len()) || !tld.bytes().all(|b| b.is_ascii_alphabetic()) {
            continue;
        }
        if FILE_TLDS.contains(&tld.to_ascii_lowercase().as_str()) {
            continue;
        }
        // Part of a URL's user-info or path, or glued to a word: not an address on its own.
        if char_at(text, m.end()).is_some_and(|c| c.is_alphanumeric() || c == '@') {
            continue;
        }
        out.push(Hit::new(start, m.end()));
    }
    out
}

/// Words that say the digits after them are a phone number.
const PHONE_CONTEXT: &[&str] = &[
    "call",
    "phone",
    "tel",
    "mobile",
    "cell",
    "whatsapp",
    "text me",
    "sms",
    "fax",
    "ring",
    "contact",
    "reach me",
    "number",
    "hotline",
    "☎",
    "📞",
    "📱",
    "telefon",
    "téléphone",
    "handy",
];

/// Words that say the digits are something else.
const NOT_PHONE_CONTEXT: &[&str] = &[
    "isbn", "order", "invoice", "version", "ver.", " v", "build", "ticket", "tracking", "ref",
    "id:", "#", "score", "$", "€", "£", "¥", "usd", "eur", "price", "total", "bestellnummer",
    "bestellung", "bestelling", "rechnung", "factuur", "faktura", "fattura", "facture", "ordre",
    "commande", "pedido", "tilaus", "zamówienie", "boleto",
];

fn phones(text: &str, cands: &[Cand]) -> Vec<Hit> {
    let mut out = Vec::new();
    for m in cands.iter() {
        let mut start = m.start();
        let mut s = m.as_str();
        // A leading "(" without a closing one is punctuation, not an area code.
        if s.starts_with('(') && !s.contains(')') {
            start += 1;
            s = &s[1..];
        }
        if is_phone(text, start, s) {
            out.push(Hit::new(start, m.end()));
        }
    }
    out
}

fn is_phone(text: &str, start: usize, s: &str) -> bool {
    let end = start + s.len();
    if char_before(text, start)
        .is_some_and(|c| c.is_alphanumeric() || "/.,=_-+:#$€£¥%@".contains(c))
    {
        return false;
    }
    if char_at(text, end).is_some_and(|c| c.is_alphanumeric() || "%/@_".contains(c)) {
        return false;
    }
    // A decimal or thousands continuation ("1.5", "2,000") right after.
    let after = text.get(end..).unwrap_or("");
    if (after.starts_with('.') || after.starts_with(','))
        && after[1..].starts_with(|c: char| c.is_ascii_digit())
    {
        return false;
    }
    let plus = s.starts_with('+');
    let digits: Vec<u8> = s
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect();
    let groups: Vec<&str> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .collect();
    let n = digits.len();
    let ctx = context_before(text, start, 24);
    // On a word start: "tel" is not in "Bestellung".
    let phone_words = PHONE_CONTEXT.iter().any(|w| {
        ctx.match_indices(w).any(|(i, _)| {
            !ctx[..i]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric)
        })
    });
    let trimmed = ctx.trim_end();
    let other_words = NOT_PHONE_CONTEXT.iter().any(|w| {
        trimmed.ends_with(w)
            || ctx
                .match_indices(w)
                .any(|(i, _)| ctx[i + w.len()..].starts_with(' '))
    });
    if other_words && !phone_words {
        return false;
    }
    // The words before name an identity or bank number ("NHS number", "CPR", "routing"): not a
    // phone number unless they also talk about calling ("number" alone does not).
    if super::confidence::names_an_identifier(&ctx)
        && !PHONE_CONTEXT
            .iter()
            .any(|w| *w != "number" && *w != "contact" && ctx.contains(w))
    {
        return false;
    }
    if !(7..=15).contains(&n) {
        return false;
    }
    if !plus && n < 10 && !phone_words {
        return false;
    }
    if groups.len() == 1 && !plus && !phone_words {
        // An unformatted run of digits is an order number until the text says otherwise.
        return false;
    }
    // Only a leading country or trunk code may be a single digit (after "+33", a French mobile
    // prefix too); no group is implausibly long.
    let single_ok = if plus { 2 } else { 1 };
    if groups.iter().skip(single_ok).any(|g| g.len() == 1)
        || (groups.len() > 1 && groups.iter().any(|g| g.len() > 8))
    {
        return false;
    }
    // The 3-2-4 shape is a US SSN or a part number, never a dialled number.
    if groups.len() == 3
        && groups[0].len() == 3
        && groups[1].len() == 2
        && groups[2].len() == 4
        && !plus
    {
        return false;
    }
    let dots = s.contains('.');
    if dots {
        if s.contains(' ') && s.contains('-') {
            return false;
        }
        // Dotted: 555.123.4567 yes; 10.0.0.1, 1.2.3, 3.14 no.
        if groups.len() < 3 || groups.iter().any(|g| g.len() < 2) {
            return false;
        }
        if groups.len() == 4
            && groups
                .iter()
                .all(|g| g.len() <= 3 && g.parse::<u16>().is_ok_and(|v| v <= 255))
        {
            return false;
        }
    }
    if looks_like_date(&groups) || looks_like_year_range(&groups) || is_isbn(&digits, &groups) {
        return false;
    }
    // A list of small numbers ("10 20 30 40") is not a phone number either.
    if !plus && groups.len() >= 4 && groups.iter().all(|g| g.len() <= 2) {
        return false;
    }
    true
}

fn num(g: &str) -> u32 {
    g.parse().unwrap_or(u32::MAX)
}

fn looks_like_date(groups: &[&str]) -> bool {
    if groups.len() < 3 {
        return false;
    }
    let (a, b, c) = (groups[0], groups[1], groups[2]);
    let ymd = a.len() == 4
        && b.len() <= 2
        && c.len() <= 2
        && (1..=12).contains(&num(b))
        && (1..=31).contains(&num(c));
    let dmy = a.len() <= 2
        && b.len() <= 2
        && c.len() == 4
        && (1..=31).contains(&num(a))
        && (1..=31).contains(&num(b));
    let year = |g: &str| (1900..=2100).contains(&num(g));
    (ymd && year(a)) || (dmy && year(c))
}

fn looks_like_year_range(groups: &[&str]) -> bool {
    groups.len() == 2
        && groups
            .iter()
            .all(|g| g.len() == 4 && (1900..=2100).contains(&num(g)))
}

fn is_isbn(digits: &[u8], groups: &[&str]) -> bool {
    match digits.len() {
        13 if (digits.starts_with(&[9, 7, 8]) || digits.starts_with(&[9, 7, 9])) => {
            let sum: u32 = digits
                .iter()
                .enumerate()
                .map(|(i, &d)| d as u32 * if i % 2 == 0 { 1 } else { 3 })
                .sum();
            sum % 10 == 0
        }
        // ISBN-10 only in its printed form (four hyphenated groups): 1 in 11 phone numbers passes the checksum.
        10 if groups.len() == 4 && !groups.iter().any(|g| g.len() > 7) => {
            let sum: u32 = digits
                .iter()
                .enumerate()
                .map(|(i, &d)| d as u32 * (10 - i as u32))
                .sum();
            sum % 11 == 0
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::super::run_detector as run;

    #[test]
    fn emails_found_and_traps_skipped() {
        assert_eq!(
            run(&EMAIL, "mail jane.doe69@acme-corp.io today"),
            ["jane.doe69@acme-corp.io"]
        );
        assert_eq!(
            run(&EMAIL, "(bob+news@mail.example.co.uk)."),
            ["bob+news@mail.example.co.uk"]
        );
        assert!(run(&EMAIL, "logo@2x.png").is_empty());
        assert!(run(&EMAIL, "ping @acme_support and @devrel").is_empty());
        assert!(run(&EMAIL, "a..b@example.com").is_empty());
        assert!(run(&EMAIL, "user@localhost").is_empty());
    }

    #[test]
    fn phones_found() {
        assert_eq!(
            run(&PHONE, "call me at +44 20 7970 2963 ok"),
            ["+44 20 7970 2963"]
        );
        assert_eq!(run(&PHONE, "Office: (415) 555-2671."), ["(415) 555-2671"]);
        assert_eq!(run(&PHONE, "1-800-555-0199"), ["1-800-555-0199"]);
        assert_eq!(run(&PHONE, "555.123.4567"), ["555.123.4567"]);
        assert_eq!(run(&PHONE, "call 555 0100"), ["555 0100"]);
        assert_eq!(run(&PHONE, "+14155552671"), ["+14155552671"]);
    }

    #[test]
    fn phone_traps_skipped() {
        for trap in [
            "on 2024-03-15 we",
            "15.03.2024",
            "version 10.2.3.4",
            "v2.14.1",
            "ISBN 978-3-16-148410-0",
            "0-306-40615-2",
            "won 21-14",
            "IP 172.16.187.141",
            "order 4155552671",
            "between 2019-2024",
            "price $1 234 567",
            "pi is 3.14159265",
            "555 0100",
            "scores 3-1 2-0 4-4 1-1",
            "10 20 30 40 50",
            "at -37.116394, 133.945673",
        ] {
            assert!(
                run(&PHONE, trap).is_empty(),
                "{trap}: {:?}",
                run(&PHONE, trap)
            );
        }
    }
}

//! Dates of birth, in context: a date is personal data when the words before it say it is a
//! birth date ("born on", "DOB", "date of birth", "né le", "geboren am", "fecha de nacimiento",
//! "geboortedatum", "data di nascita", "data de nascimento"…), never on its own (a post is full
//! of dates). The date must exist in the calendar: `31/02/1990` is not one. Numeric dates are
//! read day-first or month-first (either reading that exists is enough), year-first when the
//! year comes first; month names in English, German, French, Spanish, Dutch, Italian and
//! Portuguese. The finding is the date, not the words.

use super::checks::valid_date;
use super::{char_at, Cand, Detector, Gate, Hit, Redaction};
use crate::policy::Category;

pub const DATE_OF_BIRTH: Detector = Detector {
    id: "date_of_birth",
    category: Category::PersonalData,
    redaction: Redaction::Tail4,
    pattern: r"(?i:born(?: on)?|dob|d\.o\.b\.?|date of birth|birth ?date|n[ée]e? le|n[ée]\(e\) le|date de naissance|geboren(?: am| op)?|geburtsdatum|geb\.|fecha de nacimiento|nacid[oa] el|geboortedatum|data di nascita|nat[oa] il|data de nascimento|nascid[oa] em)[ :,=-]{0,4}(?:[0-9]{1,4}[./-][0-9]{1,2}[./-][0-9]{2,4}|[0-9]{1,2}\.?(?: de)? [A-Za-zÀ-ÿ]{3,10}\.?(?: de)? [0-9]{4}|[A-Za-zÀ-ÿ]{3,10}\.? [0-9]{1,2}(?:st|nd|rd|th)?,? [0-9]{4})",
    gate: Gate::Anywhere,
    validate: birth_dates,
    message: "This looks like a date of birth.",
};

/// Month name prefixes (lowercase) in the seven languages, and their month.
const MONTHS: &[(&str, u32)] = &[
    ("juin", 6),
    ("juil", 7),
    ("jan", 1),
    ("ene", 1),
    ("gen", 1),
    ("feb", 2),
    ("fév", 2),
    ("fev", 2),
    ("mar", 3),
    ("mär", 3),
    ("maa", 3),
    ("apr", 4),
    ("avr", 4),
    ("abr", 4),
    ("may", 5),
    ("mai", 5),
    ("mei", 5),
    ("mag", 5),
    ("jun", 6),
    ("giu", 6),
    ("jul", 7),
    ("lug", 7),
    ("aug", 8),
    ("aoû", 8),
    ("aou", 8),
    ("ago", 8),
    ("sep", 9),
    ("set", 9),
    ("oct", 10),
    ("okt", 10),
    ("ott", 10),
    ("out", 10),
    ("nov", 11),
    ("dec", 12),
    ("dez", 12),
    ("déc", 12),
    ("dic", 12),
];

/// The month a word names, if any.
pub fn month_of(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_lowercase();
    if w.chars().count() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .find(|(p, _)| w.starts_with(p))
        .map(|&(_, m)| m)
}

/// A two-digit year could be 19yy or 20yy; a real date in either is enough.
fn exists(y: u32, m: u32, d: u32, two_digit_year: bool) -> bool {
    if two_digit_year {
        valid_date(1900 + y, m, d) || valid_date(2000 + y, m, d)
    } else {
        (1900..=2100).contains(&y) && valid_date(y, m, d)
    }
}

/// Whether the date text (from its first character) is a real date.
pub fn date_valid(s: &str) -> bool {
    let nums: Vec<&str> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .collect();
    let word = s
        .split(|c: char| !c.is_alphabetic())
        .find(|w| w.chars().count() >= 3 && !matches!(*w, "st" | "nd" | "rd" | "th"));
    let n = |p: &str| p.parse::<u32>().unwrap_or(0);
    match (nums.as_slice(), word) {
        ([d, y], Some(w)) => match month_of(w) {
            Some(m) => y.len() == 4 && exists(n(y), m, n(d), false),
            None => false,
        },
        ([a, b, c], _) if a.len() == 4 => exists(n(a), n(b), n(c), false),
        ([a, b, c], _) if c.len() == 4 || c.len() == 2 => {
            let two = c.len() == 2;
            exists(n(c), n(b), n(a), two) || exists(n(c), n(a), n(b), two)
        }
        _ => false,
    }
}

fn birth_dates(text: &str, cands: &[Cand]) -> Vec<Hit> {
    let mut out = Vec::new();
    for m in cands {
        let s = m.as_str();
        if char_at(text, m.end()).is_some_and(|c| c.is_ascii_alphanumeric()) {
            continue;
        }
        let Some(first_digit) = s.find(|c: char| c.is_ascii_digit()) else {
            continue;
        };
        // "March 3, 1985": the date starts at the month name before the first number.
        let head = s[..first_digit].trim_end();
        let word_start = head
            .rfind(|c: char| !(c.is_alphabetic() || c == '.'))
            .map_or(0, |i| {
                i + head[i..].chars().next().map_or(1, char::len_utf8)
            });
        let start = if month_of(&head[word_start..]).is_some() && word_start > 0 {
            word_start
        } else {
            first_digit
        };
        if date_valid(&s[start..]) {
            out.push(Hit::new(m.start() + start, m.end()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::run_detector as run;
    use super::*;

    #[test]
    fn dates_after_birth_words() {
        assert_eq!(run(&DATE_OF_BIRTH, "DOB: 14/07/1985"), ["14/07/1985"]);
        assert_eq!(
            run(&DATE_OF_BIRTH, "born on March 3, 1990!"),
            ["March 3, 1990"]
        );
        assert_eq!(run(&DATE_OF_BIRTH, "née le 3 mars 1985"), ["3 mars 1985"]);
        assert_eq!(
            run(&DATE_OF_BIRTH, "geboren am 3. März 1985"),
            ["3. März 1985"]
        );
        assert_eq!(
            run(&DATE_OF_BIRTH, "fecha de nacimiento: 3 de marzo de 1985"),
            ["3 de marzo de 1985"]
        );
        assert_eq!(
            run(&DATE_OF_BIRTH, "date of birth 1985-07-14"),
            ["1985-07-14"]
        );
        assert_eq!(run(&DATE_OF_BIRTH, "dob 07/14/85"), ["07/14/85"]);
    }

    #[test]
    fn not_dates_or_not_in_context() {
        assert!(
            run(&DATE_OF_BIRTH, "DOB: 31/02/1985").is_empty(),
            "no 31 February"
        );
        assert!(run(&DATE_OF_BIRTH, "DOB: 14/13/1985").is_empty());
        assert!(run(&DATE_OF_BIRTH, "meeting 14/07/1985").is_empty());
        assert!(run(&DATE_OF_BIRTH, "born on Blurday 3, 1990").is_empty());
        assert!(run(&DATE_OF_BIRTH, "dob 1.2.3.4").is_empty());
    }
}

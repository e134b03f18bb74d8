//! Compatibility folding without the full Unicode normalisation tables.
//!
//! NFKC would fold every compatibility form, but its tables cost 127 KB in every browser tab. What
//! hides a word from a filter is the part of NFKC that turns a character into plain ASCII —
//! full-width letters, "𝐛𝐨𝐥𝐝"/"𝓼𝓬𝓻𝓲𝓹𝓽" mathematical letters, ⓒⓘⓡⓒⓛⓔⓓ and 🅂🅀🅄🄰🅁🄴🄳 letters,
//! ligatures, super- and subscript digits, odd spaces — so that part is kept as a generated table
//! (`compat_table.rs`, ~6 KB), with Latin accent folding for the keyword view.

use super::compat_table::{ACCENTS, MULTI, RANGES};

/// What a character folds to.
pub enum Folded {
    Char(char),
    Str(&'static str),
}

/// The ASCII a compatibility character stands for, if it is one.
pub fn fold(c: char) -> Option<Folded> {
    let cp = c as u32;
    if cp < 0xA0 {
        return None;
    }
    let i = RANGES.partition_point(|&(start, _, _)| start <= cp);
    if let Some(&(start, len, first)) = i.checked_sub(1).and_then(|i| RANGES.get(i)) {
        if cp < start + len as u32 {
            return Some(Folded::Char(char::from(first + (cp - start) as u8)));
        }
    }
    MULTI
        .binary_search_by_key(&cp, |&(k, _)| k)
        .ok()
        .and_then(|i| MULTI.get(i))
        .map(|&(_, s)| Folded::Str(s))
}

/// The base letter of an accented Latin letter (`é` → `e`, `Ł` → `L`).
pub fn strip_accent(c: char) -> Option<char> {
    let i = (c as u32).checked_sub(0xC0)?;
    match ACCENTS.get(i as usize) {
        Some(&b) if b != 0 => Some(char::from(b)),
        _ => None,
    }
}

/// The Latin letter a Cyrillic or Greek letter looks like (`о` → `o`), lowercase. Used only
/// inside words that also hold Latin letters ("cоnfidential" with a Cyrillic о): a word written
/// wholly in Cyrillic or Greek is left as it is.
pub fn confusable(c: char) -> Option<char> {
    Some(match c {
        'а' | 'А' | 'α' | 'Α' => 'a',
        'в' | 'В' | 'β' | 'Β' => 'b',
        'с' | 'С' => 'c',
        'ԁ' | 'Ԁ' => 'd',
        'е' | 'Е' | 'ε' | 'Ε' => 'e',
        'һ' | 'Һ' | 'н' | 'Н' | 'Η' => 'h',
        'і' | 'І' | 'ι' | 'Ι' | 'Ӏ' => 'i',
        'ј' | 'Ј' => 'j',
        'к' | 'К' | 'κ' | 'Κ' => 'k',
        'м' | 'М' | 'Μ' => 'm',
        'Ν' => 'n',
        'о' | 'О' | 'ο' | 'Ο' => 'o',
        'р' | 'Р' | 'ρ' | 'Ρ' => 'p',
        'ԛ' => 'q',
        'ѕ' | 'Ѕ' => 's',
        'т' | 'Т' | 'τ' | 'Τ' => 't',
        'ν' | 'ѵ' => 'v',
        'ԝ' | 'Ԝ' => 'w',
        'х' | 'Х' | 'χ' | 'Χ' => 'x',
        'у' | 'У' | 'υ' | 'Υ' => 'y',
        'Ζ' => 'z',
        _ => return None,
    })
}

/// Combining marks (accents written as separate characters after their letter).
pub fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(c: char) -> String {
        match fold(c) {
            Some(Folded::Char(x)) => x.to_string(),
            Some(Folded::Str(x)) => x.to_string(),
            None => String::new(),
        }
    }

    #[test]
    fn folds_the_forms_used_to_hide_words() {
        assert_eq!(s('Ｃ'), "C");
        assert_eq!(s('\u{1D41C}'), "c"); // mathematical bold small c
        assert_eq!(s('\u{1D4EC}'), "c"); // mathematical bold script small c
        assert_eq!(s('ⓒ'), "c");
        assert_eq!(s('\u{1F132}'), "C"); // squared C
        assert_eq!(s('\u{1F172}'), "C"); // negative squared C
        assert_eq!(s('\u{FB01}'), "fi");
        assert_eq!(s('²'), "2");
        assert_eq!(s('\u{00A0}'), " ");
        assert_eq!(s('⑳'), "20");
        assert_eq!(s('é'), "");
        assert_eq!(s('я'), "");
        assert_eq!(strip_accent('é'), Some('e'));
        assert_eq!(strip_accent('Ł'), None, "Ł has no decomposition");
        assert_eq!(strip_accent('Ü'), Some('U'));
        assert_eq!(strip_accent('ß'), None);
        assert_eq!(confusable('о'), Some('o'));
        assert_eq!(confusable('ж'), None);
    }
}

//! Passwords written in sentences: "My password is hunter2 for the wifi", "pw: Gl4ss!",
//! "das Passwort ist Sommer2024!", "mot de passe : Soleil#42", "contraseña: Gato1234".
//!
//! The key = value detector (`generic_secret`) reads configuration; people write passwords in
//! prose, in their language, and mostly weak ones. So the shape is a password word, a few words
//! at most ("for the wifi"), a verb or a colon, and one token; the token must *look* chosen as a
//! password: it holds a digit, a symbol or a capital inside it, or it is quoted. That keeps
//! "I forgot my password", "the password is required", "the password is on the fridge" and
//! "password reset link: https://…" quiet: there the word after the verb is an ordinary word
//! or a link.

use super::{char_before, looks_like_placeholder, Cand, Detector, Gate, Hit, Redaction};
use crate::policy::Category;

pub const PROSE_PASSWORD: Detector = Detector {
    id: "prose_password",
    category: Category::Credential,
    redaction: Redaction::Secret,
    pattern: concat!(
        // The cue words in lower, capitalised and upper case, spelled out (not `(?i)`), so the
        // search skips from one literal to the next instead of running the automaton everywhere.
        r"(?:[Pp]ass(?:word|wort|wd|code)|PASS(?:WORD|WORT|WD|CODE)|[Kk]ennwort|KENNWORT|",
        r"[Mm]ot de passe|MOT DE PASSE|[Mm]dp|MDP|[Cc]ontrase(?:ñ|n)a|CONTRASE(?:Ñ|N)A|[Cc]lave|CLAVE|",
        r"[Ss]enha|SENHA|[Ww]achtwoord|WACHTWOORD|[Ll](?:ö|o)senord|L(?:Ö|O)SENORD|[Ss]alasana|SALASANA|",
        r"[Hh]as(?:ł|l)o|HAS(?:Ł|L)O|[Pp]wd?|PWD?|[Ww]i-?[Ff]i key)",
        r"[^\n.!?:=@/]{0,32}?",
        r"(?:[ \t]+(?i:is now|ist jetzt|is|was|ist|lautet|est|es|é|är|jest)[ \t]+|[ \t]*[:=][ \t]*)",
        r"[^\s]{3,66}"
    ),
    gate: Gate::Literals(&[
        "pass",
        "kennwort",
        "mot de passe",
        "mdp",
        "contrase",
        "clave",
        "senha",
        "wachtwoord",
        "senord",
        "salasana",
        "hasło",
        "HASŁO",
        "haslo",
        "pw",
        "wi-fi key",
        "wifi key",
    ]),
    validate: prose_passwords,
    message: "This looks like a password written in the post.",
};

/// Words that follow "password is" / "password:" in sentences about passwords, in the languages
/// of the cue words: never a password.
const ORDINARY: &[&str] = &[
    // English
    "required",
    "incorrect",
    "wrong",
    "invalid",
    "expired",
    "correct",
    "optional",
    "mandatory",
    "the",
    "a",
    "an",
    "on",
    "in",
    "at",
    "my",
    "your",
    "our",
    "their",
    "his",
    "her",
    "its",
    "not",
    "too",
    "still",
    "same",
    "different",
    "hidden",
    "stored",
    "saved",
    "written",
    "sent",
    "below",
    "above",
    "here",
    "there",
    "ready",
    "changed",
    "reset",
    "protected",
    "weak",
    "strong",
    "short",
    "long",
    "secure",
    "empty",
    "blank",
    "set",
    "unknown",
    "case-sensitive",
    "needed",
    "missing",
    "now",
    "also",
    "just",
    "only",
    "being",
    "going",
    "easy",
    "simple",
    "hard",
    "what",
    "whatever",
    "something",
    "printed",
    "taped",
    "behind",
    "under",
    "inside",
    "managed",
    "rotated",
    "shared",
    "encrypted",
    "hashed",
    "forgotten",
    "lost",
    "same",
    "please",
    "and",
    "or",
    "for",
    "to",
    "of",
    // German
    "erforderlich",
    "falsch",
    "ungültig",
    "abgelaufen",
    "richtig",
    "auf",
    "im",
    "in",
    "der",
    "die",
    "das",
    "nicht",
    "zu",
    "noch",
    "geändert",
    "vergessen",
    "sicher",
    "leer",
    "mein",
    "dein",
    "unser",
    "ein",
    "eine",
    // French
    "requis",
    "obligatoire",
    "incorrect",
    "invalide",
    "expiré",
    "sur",
    "dans",
    "le",
    "la",
    "les",
    "pas",
    "trop",
    "mon",
    "ton",
    "notre",
    "un",
    "une",
    "oublié",
    "changé",
    // Spanish, Portuguese, Dutch, Swedish
    "obligatoria",
    "incorrecta",
    "en",
    "el",
    "los",
    "no",
    "muy",
    "mi",
    "tu",
    "una",
    "uma",
    "obrigatória",
    "verplicht",
    "onjuist",
    "fel",
    "krävs",
];

/// The token: quotes and trailing sentence punctuation removed; `quoted` when it was quoted.
fn token(raw: &str) -> (&str, bool) {
    const QUOTES: &[char] = &['"', '\'', '`', '«', '»', '“', '”', '‘', '’'];
    let quoted = raw.starts_with(QUOTES);
    let t = raw.trim_start_matches(QUOTES);
    let t = t.trim_end_matches(['.', ',', ';', '!', '?', ')', ':']);
    let t = t.trim_end_matches(QUOTES);
    let t = t.trim_end_matches(['.', ',', ';', '!', '?', ')', ':']);
    (t, quoted)
}

/// A token someone chose as a password: a digit, a symbol, or a capital after the first letter
/// (or any word, when quoted); not a number range, date, time or version.
fn looks_chosen(t: &str, quoted: bool) -> bool {
    let n = t.chars().count();
    if !(5..=64).contains(&n) {
        return quoted && (4..=64).contains(&n) && t.chars().any(|c| c.is_alphanumeric());
    }
    let digit = t.chars().any(|c| c.is_ascii_digit());
    let letter = t.chars().any(|c| c.is_alphabetic());
    let symbol = t.chars().any(|c| !c.is_alphanumeric());
    let inner_capital = t.chars().skip(1).any(|c| c.is_uppercase());
    if !letter && symbol {
        return false; // 12-16, 10:30, 2024-05-01, 1.2.3
    }
    quoted || digit || (symbol && letter) || inner_capital
}

/// Code or configuration that names where a password is (`process.env.DB_PASSWORD`,
/// `os.getenv("…")`, `request.form["password"]`, `/run/secrets/…`, `$2b$12$…` hashes).
fn is_code(lower: &str) -> bool {
    lower.starts_with(['$', '%', '/', '~'])
        || lower.contains(['(', '[', '{'])
        || lower.contains("password")
        || lower.contains("passwd")
        || lower.starts_with("process.")
        || lower.starts_with("env.")
}

fn prose_passwords(text: &str, cands: &[Cand]) -> Vec<Hit> {
    let mut out = Vec::new();
    for c in cands {
        // The cue is a word of its own (not `bypassword`, `npw`), not a name in code
        // (`DB_PASSWORD:`, `password_hash:`) nor part of a URL (`user:password@host`).
        if char_before(text, c.start()).is_some_and(|ch| {
            ch.is_alphanumeric() || matches!(ch, '_' | ':' | '/' | '@' | '$' | '{' | '.')
        }) {
            continue;
        }
        let s = c.as_str();
        let first_word: String = s
            .chars()
            .take_while(|ch| ch.is_alphanumeric() || *ch == '_')
            .collect();
        if first_word.contains('_') {
            continue;
        }
        // The token is the last run without spaces.
        let Some(space) = s.rfind([' ', '\t', ':', '=']) else {
            continue;
        };
        let raw = &s[space + 1..];
        if raw.ends_with("...") || raw.ends_with('…') {
            continue; // cut short in the post
        }
        let (t, quoted) = token(raw);
        let lower = t.to_lowercase();
        if t.is_empty()
            || ORDINARY.contains(&lower.as_str())
            || lower.contains("://")
            || lower.starts_with("www.")
            || lower.contains("protect")
            || lower.contains("requir")
            || looks_like_placeholder(t)
            || is_code(&lower)
            || !looks_chosen(t, quoted)
        {
            continue;
        }
        let start = c.start() + space + 1 + raw.find(t).unwrap_or(0);
        out.push(Hit::new(start, start + t.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::run_detector as run;
    use super::*;

    #[test]
    fn passwords_in_sentences() {
        for (post, pw) in [
            ("My password is hunter2 for the wifi", "hunter2"),
            ("the wifi password is \"sunshine\" btw", "sunshine"),
            ("pw: Gl4ss!House", "Gl4ss!House"),
            ("Das Passwort für das WLAN ist Sommer2024!", "Sommer2024"),
            ("le mot de passe : Soleil#42", "Soleil#42"),
            ("la contraseña: Gato1234", "Gato1234"),
            ("Password for the guest account is BlueMoon", "BlueMoon"),
        ] {
            assert_eq!(run(&PROSE_PASSWORD, post), [pw], "{post}");
        }
    }

    #[test]
    fn sentences_about_passwords_are_quiet() {
        for post in [
            "I forgot my password again",
            "password reset link: https://acme.example/reset",
            "the password is required",
            "the password is on the fridge",
            "your password is too short",
            "Password: min. 8 characters",
            "password must be 12-16 characters",
            "the password is 12-16 chars",
            "mot de passe : obligatoire",
            "das Passwort ist falsch",
            "Passwort: ********",
            "password is <your password>",
            "a bypassword is 7xk2Lq9z",
            "DB_PASSWORD: process.env.DB_PASSWORD",
            "password_hash: $2b$12$KIXQJx8dVq1o7uF0rZ3bOe5YgkqQ8c",
            "postgres://user:password@localhost:5432/mydb",
        ] {
            assert!(
                run(&PROSE_PASSWORD, post).is_empty(),
                "{post}: {:?}",
                run(&PROSE_PASSWORD, post)
            );
        }
    }
}

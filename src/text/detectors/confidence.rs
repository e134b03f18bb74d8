//! How sure a built-in finding is, graded the way DLP products grade it (low / medium / high).
//!
//! A detector's validator decides *whether* a candidate is the thing (its check digits, ranges,
//! prefix tables); this module decides *how sure* that is, from two facts:
//!
//! 1. **The shape.** A distinctive format that passed its checks (an IBAN, a codice fiscale, a
//!    CURP, an e-mail address) is `medium`; a bitcoin address or a passport's machine-readable
//!    line, with checksums no accident passes, is `high`; a weak shape — nine plain digits that
//!    pass an 11-proof, as one order number in eleven does — is `low`, and so is an unformatted
//!    number whose formatted form is distinctive (`123.456.789-09` is a CPF, `12345678909` could
//!    be anything).
//! 2. **Corroborating words** within `context_chars` characters on either side ("BSN", "SSN",
//!    "passport", "IBAN", "Steuer-ID", "numéro de sécurité sociale"…, in English, German,
//!    French, Spanish, Dutch, Italian and Portuguese) raise it one step.
//!
//! A published test value or documentation example is always `low` (the scanner reports it one
//! severity lower, as it did before confidence existed). Findings below the detector's
//! `min_confidence` (default `medium`) are not reported, so a weak shape needs its words.
//! Detectors without a profile here (new ones) are `medium` plus context, if any.

use crate::policy::{Category, Confidence};

/// How a detector's validated match is graded before context.
#[derive(Clone, Copy)]
enum Shape {
    /// Weak on its own (plain digits a checksum passes one time in ten or eleven).
    Weak,
    /// `low` when typed as bare digits, `medium` when written in its issuer's format
    /// (with its dots, dashes or spaces).
    WeakUnlessFormatted,
    /// A distinctive format that passed its checks.
    Medium,
    /// Checksums that random text does not pass (32-bit hashes, four MRZ check digits).
    High,
    /// Ethereum: mixed case carries the EIP-55 checksum (`high`), one case carries none.
    Eip55,
}

struct Profile {
    id: &'static str,
    shape: Shape,
    /// Lowercase corroborating words (checked on word boundaries).
    words: &'static [&'static str],
}

/// Words for any national identity number, in the seven languages.
const ID_WORDS: &[&str] = &[
    "id number",
    "identity number",
    "national id",
    "ausweisnummer",
    "identifikationsnummer",
    "numéro d'identité",
    "número de identificación",
    "identificatienummer",
    "numero di identificazione",
    "número de identidade",
];

/// The national identity numbers, which [`ID_WORDS`] also corroborate.
const NATIONAL_IDS: &[&str] = &[
    "uk_nino",
    "de_tax_id",
    "de_id_card",
    "fr_nir",
    "es_dni",
    "es_nie",
    "it_codice_fiscale",
    "nl_bsn",
    "be_national_number",
    "pl_pesel",
    "se_personnummer",
    "no_fodselsnummer",
    "dk_cpr",
    "fi_hetu",
    "ca_sin",
    "in_aadhaar",
    "br_cpf",
    "mx_curp",
];

const PROFILES: &[Profile] = &[
    Profile {
        id: "credit_card",
        shape: Shape::Medium,
        words: &[
            "card",
            "credit card",
            "visa",
            "mastercard",
            "amex",
            "cvv",
            "cvc",
            "expiry",
            "kreditkarte",
            "karte",
            "carte",
            "tarjeta",
            "kaart",
            "creditcard",
            "carta",
            "cartão",
        ],
    },
    Profile {
        id: "iban",
        shape: Shape::Medium,
        words: &[
            "iban",
            "bank",
            "account",
            "konto",
            "compte",
            "rib",
            "cuenta",
            "rekening",
            "conto",
            "conta",
            "virement",
            "überweisung",
            "transfer",
        ],
    },
    Profile {
        id: "uk_nino",
        shape: Shape::Medium,
        words: &["national insurance", "ni number", "ni no", "nino", "nin"],
    },
    Profile {
        id: "uk_nhs",
        shape: Shape::Weak,
        words: &["nhs", "nhs number", "health service"],
    },
    Profile {
        id: "de_tax_id",
        shape: Shape::Weak,
        words: &[
            "steuer-id",
            "steuerid",
            "steuer id",
            "steueridentifikationsnummer",
            "steuerliche identifikationsnummer",
            "identifikationsnummer",
            "idnr",
            "tax id",
            "steuernummer",
            "tin",
        ],
    },
    Profile {
        id: "de_id_card",
        shape: Shape::Weak,
        words: &[
            "personalausweis",
            "ausweis",
            "ausweisnummer",
            "perso",
            "id card",
            "identity card",
            "carte d'identité",
            "documento de identidad",
        ],
    },
    Profile {
        id: "fr_nir",
        shape: Shape::WeakUnlessFormatted,
        words: &[
            "sécurité sociale",
            "securite sociale",
            "sécu",
            "secu",
            "nir",
            "insee",
            "carte vitale",
            "social security",
        ],
    },
    Profile {
        id: "es_dni",
        shape: Shape::Medium,
        words: &[
            "dni",
            "nif",
            "documento nacional",
            "carnet de identidad",
            "id card",
        ],
    },
    Profile {
        id: "es_nie",
        shape: Shape::Medium,
        words: &["nie", "nif", "extranjero", "tarjeta de residencia"],
    },
    Profile {
        id: "it_codice_fiscale",
        shape: Shape::Medium,
        words: &[
            "codice fiscale",
            "cod. fisc",
            "cf",
            "tessera sanitaria",
            "tax code",
        ],
    },
    Profile {
        id: "nl_bsn",
        shape: Shape::Weak,
        words: &[
            "bsn",
            "burgerservicenummer",
            "sofinummer",
            "sofi-nummer",
            "citizen service number",
        ],
    },
    Profile {
        id: "be_national_number",
        shape: Shape::WeakUnlessFormatted,
        words: &[
            "rijksregisternummer",
            "rijksregister",
            "numéro national",
            "registre national",
            "national number",
            "insz",
            "niss",
        ],
    },
    Profile {
        id: "pl_pesel",
        shape: Shape::Weak,
        words: &["pesel"],
    },
    Profile {
        id: "se_personnummer",
        shape: Shape::WeakUnlessFormatted,
        words: &["personnummer", "personnr", "samordningsnummer"],
    },
    Profile {
        id: "no_fodselsnummer",
        shape: Shape::Weak,
        words: &["fødselsnummer", "fodselsnummer", "personnummer", "d-nummer"],
    },
    Profile {
        id: "dk_cpr",
        shape: Shape::Weak,
        words: &["cpr", "cpr-nummer", "cpr-nr", "personnummer"],
    },
    Profile {
        id: "fi_hetu",
        shape: Shape::Medium,
        words: &["henkilötunnus", "henkilotunnus", "hetu", "personbeteckning"],
    },
    Profile {
        id: "ca_sin",
        shape: Shape::Weak,
        words: &["sin", "social insurance", "nas", "assurance sociale"],
    },
    Profile {
        id: "au_tfn",
        shape: Shape::Weak,
        words: &["tfn", "tax file"],
    },
    Profile {
        id: "au_medicare",
        shape: Shape::Weak,
        words: &["medicare"],
    },
    Profile {
        id: "in_aadhaar",
        shape: Shape::Weak,
        words: &["aadhaar", "aadhar", "uidai", "आधार"],
    },
    Profile {
        id: "in_pan",
        shape: Shape::Medium,
        words: &["pan", "permanent account", "income tax"],
    },
    Profile {
        id: "br_cpf",
        shape: Shape::WeakUnlessFormatted,
        words: &["cpf", "cadastro de pessoas"],
    },
    Profile {
        id: "br_cnpj",
        shape: Shape::WeakUnlessFormatted,
        words: &["cnpj", "cadastro nacional"],
    },
    Profile {
        id: "mx_curp",
        shape: Shape::Medium,
        words: &["curp", "clave única", "clave unica"],
    },
    Profile {
        id: "us_itin",
        shape: Shape::WeakUnlessFormatted,
        words: &["itin", "taxpayer identification", "tax id"],
    },
    Profile {
        id: "passport_mrz",
        shape: Shape::High,
        words: PASSPORT_WORDS,
    },
    Profile {
        id: "passport_number",
        shape: Shape::Medium,
        words: PASSPORT_WORDS,
    },
    Profile {
        id: "swift_bic",
        shape: Shape::Weak,
        words: &[
            "bic", "swift", "bank", "banque", "banco", "banca", "wire", "iban",
        ],
    },
    Profile {
        id: "aba_routing",
        shape: Shape::Weak,
        words: &["routing", "aba", "rtn", "transit number", "wire"],
    },
    Profile {
        id: "bitcoin_address",
        shape: Shape::High,
        words: &[
            "bitcoin",
            "btc",
            "wallet",
            "portefeuille",
            "carteira",
            "monedero",
        ],
    },
    Profile {
        id: "ethereum_address",
        shape: Shape::Eip55,
        words: &[
            "ethereum", "eth", "wallet", "metamask", "erc-20", "erc20", "usdt",
        ],
    },
    Profile {
        id: "internal_ip",
        shape: Shape::Medium,
        words: &[
            "ip", "server", "host", "vpn", "subnet", "intranet", "ssh", "rdp", "dns", "nas",
        ],
    },
    Profile {
        id: "us_ssn",
        shape: Shape::Medium,
        words: &["ssn", "social security"],
    },
    Profile {
        id: "email",
        shape: Shape::Medium,
        words: &["email", "e-mail", "mail", "courriel", "correo", "contact"],
    },
    Profile {
        id: "phone",
        shape: Shape::Medium,
        words: &[
            "call",
            "phone",
            "tel",
            "mobile",
            "cell",
            "whatsapp",
            "telefon",
            "téléphone",
            "teléfono",
            "telefoon",
            "telefono",
            "telefone",
            "handy",
            "portable",
        ],
    },
    Profile {
        id: "gps_coordinates",
        shape: Shape::Medium,
        words: &[
            "gps",
            "coordinates",
            "location",
            "koordinaten",
            "coordonnées",
            "standort",
        ],
    },
];

const PASSPORT_WORDS: &[&str] = &[
    "passport",
    "reisepass",
    "passnummer",
    "passeport",
    "pasaporte",
    "passaporte",
    "passaporto",
    "paspoort",
    "mrz",
];

/// Words that corroborate any credential (for detectors without a profile of their own).
const CREDENTIAL_WORDS: &[&str] = &[
    "password",
    "passwort",
    "mot de passe",
    "contraseña",
    "wachtwoord",
    "senha",
    "token",
    "api key",
    "secret",
    "key",
];

/// Whether `before` (lowercase text before a number) holds a word naming an identity, tax or bank
/// number of one of the profiles (for the phone detector: "NHS number 943…" is not a phone).
pub fn names_an_identifier(before: &str) -> bool {
    PROFILES
        .iter()
        .filter(|p| {
            !matches!(
                p.id,
                "phone" | "email" | "gps_coordinates" | "internal_ip" | "credit_card"
            )
        })
        .any(|p| has_word(before, p.words))
}

/// The confidence of a validated match of detector `id` at `start..end` of `text`, with
/// corroborating words searched `context_chars` characters on each side.
pub fn assess(
    id: &str,
    category: Category,
    text: &str,
    start: usize,
    end: usize,
    context_chars: usize,
) -> Confidence {
    let matched = text.get(start..end).unwrap_or("");
    let profile = PROFILES.iter().find(|p| p.id == id);
    let base = match profile.map_or(Shape::Medium, |p| p.shape) {
        Shape::Weak => Confidence::Low,
        Shape::WeakUnlessFormatted if matched.bytes().all(|b| b.is_ascii_alphanumeric()) => {
            Confidence::Low
        }
        Shape::WeakUnlessFormatted | Shape::Medium => Confidence::Medium,
        Shape::High => Confidence::High,
        Shape::Eip55 => {
            let hex = matched.get(2..).unwrap_or("");
            let mixed = hex.bytes().any(|b| b.is_ascii_lowercase())
                && hex.bytes().any(|b| b.is_ascii_uppercase());
            if mixed {
                Confidence::High
            } else {
                Confidence::Medium
            }
        }
    };
    let words = match profile {
        Some(p) => p.words,
        None if category == Category::Credential => CREDENTIAL_WORDS,
        None => &[],
    };
    let national = NATIONAL_IDS.contains(&id);
    if base < Confidence::High
        && (corroborated(text, start, end, context_chars, words)
            || (national && corroborated(text, start, end, context_chars, ID_WORDS)))
    {
        base.raised()
    } else {
        base
    }
}

/// Whether one of `words` is within `chars` characters before `start` or after `end`.
fn corroborated(text: &str, start: usize, end: usize, chars: usize, words: &[&str]) -> bool {
    if words.is_empty() || chars == 0 {
        return false;
    }
    let head = text.get(..start).unwrap_or("");
    let from = head
        .char_indices()
        .rev()
        .nth(chars - 1)
        .map_or(0, |(i, _)| i);
    let tail = text.get(end..).unwrap_or("");
    let to = tail
        .char_indices()
        .nth(chars)
        .map_or(tail.len(), |(i, _)| i);
    [&head[from..], &tail[..to]].iter().any(|side| {
        if side.is_ascii() {
            has_word(&side.to_ascii_lowercase(), words)
        } else {
            has_word(&side.to_lowercase(), words)
        }
    })
}

/// Whether `hay` holds one of `words` starting on a word boundary (and, for words of up to
/// four letters, ending on one: "sin" is not in "single", "pan" not in "company").
fn has_word(hay: &str, words: &[&str]) -> bool {
    words.iter().any(|w| {
        hay.match_indices(w).any(|(i, _)| {
            let starts = hay[..i]
                .chars()
                .next_back()
                .map_or(true, |c| !c.is_alphanumeric());
            let ends = w.chars().count() > 4
                || hay[i + w.len()..]
                    .chars()
                    .next()
                    .map_or(true, |c| !c.is_alphanumeric());
            starts && ends
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conf(id: &str, text: &str, m: &str) -> Confidence {
        let s = text.find(m).unwrap();
        assess(id, Category::PersonalData, text, s, s + m.len(), 40)
    }

    #[test]
    fn weak_shapes_need_words() {
        assert_eq!(
            conf("nl_bsn", "order 111222333 shipped", "111222333"),
            Confidence::Low
        );
        assert_eq!(
            conf("nl_bsn", "mijn BSN is 111222333", "111222333"),
            Confidence::Medium
        );
        assert_eq!(
            conf(
                "nl_bsn",
                "111222333 is mijn burgerservicenummer",
                "111222333"
            ),
            Confidence::Medium
        );
    }

    #[test]
    fn formatting_and_checksums_grade_the_shape() {
        assert_eq!(
            conf("br_cpf", "x 12345678909 y", "12345678909"),
            Confidence::Low
        );
        assert_eq!(
            conf("br_cpf", "x 123.456.789-09 y", "123.456.789-09"),
            Confidence::Medium
        );
        assert_eq!(
            conf("br_cpf", "CPF 123.456.789-09", "123.456.789-09"),
            Confidence::High
        );
        let eth = "0x52908400098527886E0F7030069857D2E4169EE7";
        assert_eq!(conf("ethereum_address", eth, eth), Confidence::Medium);
        let eth = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
        assert_eq!(conf("ethereum_address", eth, eth), Confidence::High);
    }

    #[test]
    fn words_sit_on_boundaries_and_within_the_distance() {
        assert_eq!(
            conf("ca_sin", "single 046454286", "046454286"),
            Confidence::Low
        );
        assert_eq!(
            conf("ca_sin", "my SIN: 046454286", "046454286"),
            Confidence::Medium
        );
        let far = format!("SIN {} 046454286", "x".repeat(60));
        assert_eq!(conf("ca_sin", &far, "046454286"), Confidence::Low);
        // Multi-byte characters around the match never split.
        assert_eq!(
            conf(
                "fr_nir",
                "numéro de sécurité sociale : 185057800608491",
                "185057800608491"
            ),
            Confidence::Medium
        );
    }

    #[test]
    fn unknown_detectors_are_medium_and_credentials_take_password_words() {
        let t = "password: hunter2hunter2";
        let c = assess("some_new_secret", Category::Credential, t, 10, t.len(), 40);
        assert_eq!(c, Confidence::High);
        let c = assess(
            "some_new_secret",
            Category::Credential,
            "x hunter2",
            2,
            9,
            40,
        );
        assert_eq!(c, Confidence::Medium);
    }
}

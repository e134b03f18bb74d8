//! What the core tells users, in their language. Finding messages: every message the core ships
//! (built-in detectors, the default policy's rules and disclosure) has a `finding_<key>` string
//! in each locale of `extension/_locales`, the English one is word for word the core's, and a
//! message IT wrote carries no key (so the extension shows IT's own words, untranslated).
//! Upload problems: every kind of media error has an `uploadError_<kind>` explanation.
//! Every string: each locale has every English key, with the same `$NAME$` placeholders in its
//! message and the same `placeholders` object, and is translated (not the English words).

use safepost::media::MediaError;
use safepost::policy::Policy;
use safepost::text::{detectors, TextScanner};
use serde_json::Value;
use std::path::PathBuf;

/// Every locale the extension ships: each folder of `extension/_locales` (en, de, fr, es, it, nl,
/// pt_BR, pl, ja, zh_CN, ...), so a new one is checked without editing this file.
fn locales() -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("extension/_locales");
    let mut all: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    all.sort();
    all
}

/// The finding messages of a locale: `findings.json` and every `findings_<job>.json` beside it.
fn strings(lang: &str) -> serde_json::Map<String, Value> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("extension/_locales/{lang}"));
    let mut parts: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|n| n.strip_suffix(".json").map(str::to_string))
        .filter(|n| n == "findings" || n.starts_with("findings_"))
        .collect();
    parts.sort();
    let mut all = serde_json::Map::new();
    for p in parts {
        all.extend(part(lang, &p));
    }
    all
}

/// One part of a locale (`extension/_locales/<lang>/<part>.json`; the build merges them).
fn part(lang: &str, part: &str) -> serde_json::Map<String, Value> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("extension/_locales/{lang}/{part}.json"));
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str::<Value>(&text)
        .ok()
        .and_then(|v| v.as_object().cloned())
        .unwrap_or_else(|| panic!("{}: not a JSON object", p.display()))
}

fn message(strings: &serde_json::Map<String, Value>, key: &str) -> Option<String> {
    strings.get(&format!("finding_{key}"))?.get("message")?.as_str().map(str::to_string)
}

/// Every key the core can put on a finding, with the English message it gives.
fn shipped() -> Vec<(String, String)> {
    let mut all = Vec::new();
    for d in detectors::all() {
        all.push((d.id.to_string(), d.message.to_string()));
    }
    // Detectors that know published test values say so in their message.
    for id in [
        "credit_card",
        "stripe_key",
        "uk_nino",
        "de_id_card",
        "ca_sin",
        "au_tfn",
        "in_pan",
        "passport_mrz",
        "passport_number",
        "swift_bic",
        "bitcoin_address",
        "ethereum_address",
        "internal_ip",
        "google_api_key",
        "azure_storage_key",
        "pypi_token",
    ] {
        let d = detectors::all().iter().find(|d| d.id == id).expect("detector");
        all.push((format!("{id}_test"), format!("{} (a well-known test value)", d.message)));
    }
    let p = Policy::default_policy();
    for r in &p.rules {
        all.push((r.id.clone(), r.message.clone()));
    }
    all.push(("disclosure".to_string(), format!("{} Add one of: $TAGS$.", p.disclosure.message)));
    all
}

#[test]
fn every_shipped_message_is_translated_and_english_matches_the_core() {
    let en = strings("en");
    for (key, english) in shipped() {
        assert_eq!(message(&en, &key).as_deref(), Some(english.as_str()), "en finding_{key}");
        for lang in &locales() {
            let m = message(&strings(lang), &key).unwrap_or_else(|| panic!("{lang}: finding_{key} missing"));
            assert_eq!(m.contains("$TAGS$"), english.contains("$TAGS$"), "{lang} finding_{key}: placeholder");
        }
    }
    // And nothing in the locales that the core can no longer give.
    let keys: Vec<String> = shipped().into_iter().map(|(k, _)| format!("finding_{k}")).collect();
    for lang in &locales() {
        for k in strings(lang).keys() {
            assert!(keys.contains(k), "{lang}: {k} is not a message the core gives");
        }
    }
}

#[test]
fn findings_name_their_shipped_message_and_not_its_words() {
    let p = Policy::default_policy();
    let f = TextScanner::new(&p, None).scan("card 4539 1488 0343 6467, marked confidential");
    let keys: Vec<_> = f.iter().map(|f| (f.rule.as_str(), f.message_key.as_deref())).collect();
    assert_eq!(keys, vec![("credit_card", Some("credit_card")), ("confidential_marker", Some("confidential_marker"))]);

    let test_card = TextScanner::new(&p, None).scan("try 4111 1111 1111 1111");
    assert_eq!(test_card[0].message_key.as_deref(), Some("credit_card_test"));

    // IT's own message for a shipped rule, a rule of its own, and its own disclosure wording.
    let (p, errors) = Policy::from_json(
        r##"{"version": 1,
            "rules": [
              {"id": "confidential_marker", "kind": "keywords", "terms": ["confidential"], "severity": "block",
               "category": "confidential", "message": "Streng vertraulich: nicht posten."},
              {"id": "codename", "kind": "keywords", "terms": ["bluebird"], "severity": "block",
               "category": "confidential", "message": "Project Bluebird is not public."}],
            "disclosure": {"brands": ["Contoso"], "tags": ["#employee"], "message": "Say you work here."}}"##,
    );
    assert!(errors.is_empty(), "{errors:?}");
    let f = TextScanner::new(&p, None).scan("confidential news on bluebird from Contoso");
    assert!(!f.is_empty());
    for finding in &f {
        assert_eq!(finding.message_key, None, "{finding:?}");
        assert!(finding.message_args.is_empty(), "{finding:?}");
    }

    // The shipped disclosure wording names the tags to add as its argument.
    let (p, errors) = Policy::from_json(r##"{"version": 1, "disclosure": {"brands": ["Contoso"], "tags": ["#employee", "#ad"]}}"##);
    assert!(errors.is_empty(), "{errors:?}");
    let f = TextScanner::new(&p, None).scan("Loving the new Contoso phone");
    let d = f.iter().find(|f| f.rule == "disclosure").expect("disclosure finding");
    assert_eq!(d.message_key.as_deref(), Some("disclosure"));
    assert_eq!(d.message_args, vec!["#employee, #ad".to_string()]);
}

#[test]
fn every_kind_of_upload_problem_is_explained_in_every_locale() {
    let kinds = [
        MediaError::UnknownFormat,
        MediaError::Truncated { what: "EXIF", offset: 0 },
        MediaError::Malformed { what: "EXIF", offset: 0, reason: String::new() },
        MediaError::TooDeep { what: "box", offset: 0 },
        MediaError::CannotStrip(String::new()),
        MediaError::Io(String::new()),
    ]
    .map(|e| e.kind());
    for lang in &locales() {
        let live = part(lang, "live");
        for kind in kinds {
            let key = format!("uploadError_{kind}");
            let m = live.get(&key).and_then(|v| v.get("message")).and_then(Value::as_str);
            assert!(m.is_some_and(|m| !m.is_empty()), "{lang}: {key} missing");
        }
    }
}

/// All the strings of a locale, every part merged (as `scripts/merge-locales.mjs` builds them).
fn all_strings(lang: &str) -> serde_json::Map<String, Value> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("extension/_locales/{lang}"));
    let mut parts: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|n| n.strip_suffix(".json").map(str::to_string))
        .collect();
    parts.sort();
    let mut all = serde_json::Map::new();
    for p in parts {
        all.extend(part(lang, &p));
    }
    all
}

/// The `$NAME$` placeholders a message uses, upper-cased and sorted (Chrome matches them
/// case-insensitively).
fn placeholders_in(message: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = message;
    while let Some(start) = rest.find('$') {
        let after = &rest[start + 1..];
        match after.find('$') {
            Some(end) if end > 0 && after[..end].chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {
                out.push(after[..end].to_ascii_uppercase());
                rest = &after[end + 1..];
            }
            _ => rest = after,
        }
    }
    out.sort();
    out
}

/// Strings that read the same in every language: product and service-desk names.
const SAME_EVERYWHERE: &[&str] = &[
    "extName",
    "reportAdapter_servicenow",
    "reportAdapter_jira_service_management",
    "reportAdapter_zendesk",
    "reportAdapter_request_tracker",
];

#[test]
fn every_locale_has_every_english_key_with_the_same_placeholders() {
    let en = all_strings("en");
    let langs = locales();
    for required in ["en", "de", "fr", "es", "it", "nl", "pt_BR", "pl", "ja", "zh_CN"] {
        assert!(langs.iter().any(|l| l == required), "no locale {required}");
    }
    for lang in langs.iter().filter(|l| *l != "en") {
        let strings = all_strings(lang);
        let mut untranslated = Vec::new();
        for (key, english) in &en {
            let theirs = strings.get(key).unwrap_or_else(|| panic!("{lang}: {key} missing"));
            let (em, tm) = (english["message"].as_str().unwrap_or(""), theirs["message"].as_str().unwrap_or(""));
            assert!(!tm.trim().is_empty(), "{lang}: {key} is empty");
            assert_eq!(placeholders_in(tm), placeholders_in(em), "{lang}: {key}: placeholders in \"{tm}\"");
            assert_eq!(theirs.get("placeholders"), english.get("placeholders"), "{lang}: {key}: placeholders object");
            if tm == em && !SAME_EVERYWHERE.contains(&key.as_str()) {
                untranslated.push(key.as_str());
            }
        }
        for key in strings.keys() {
            assert!(en.contains_key(key), "{lang}: {key} is not an English key");
        }
        // A word that is the same in both languages ("Details", "Problem") may stay; a locale
        // left in English may not.
        assert!(untranslated.len() <= 3, "{lang}: left in English: {untranslated:?}");
    }
}

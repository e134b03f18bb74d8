//! Offensive words and company terms in inflected and disguised forms, reported on the span the
//! user typed, with the Scunthorpe traps (a listed word inside a longer, innocent one) left
//! alone and exceptions still working.

use safepost::policy::Policy;
use safepost::text::{Finding, TextScanner};

fn scan(doc: &str, text: &str) -> Vec<Finding> {
    let (p, e) = Policy::from_json(doc);
    assert!(e.is_empty(), "{e:?}");
    TextScanner::new(&p, None).scan(text)
}

fn typed(doc: &str, text: &str) -> Vec<(String, String)> {
    scan(doc, text)
        .into_iter()
        .map(|f| (f.rule, text[f.start..f.end].to_string()))
        .collect()
}

const CODENAMES: &str = r#"{"rules": [
    {"id": "codename", "kind": "keywords", "terms": ["Falcon", "Project Osprey"],
     "exceptions": {"terms": ["Falcon Heavy"]},
     "severity": "block", "category": "confidential", "message": "Unreleased codename."}]}"#;

#[test]
fn codenames_in_every_form() {
    for (text, want) in [
        ("Project Falcon ships in May", "Falcon"),
        ("the Falcons team is hiring", "Falcons"),
        ("F4lcon beta is live", "F4lcon"),
        ("FALCON!!! finally", "FALCON"),
        ("falcon's launch date", "falcon's"),
        ("the f*lcon deck", "f*lcon"),
        ("Ｆ４ｌｃｏｎ in full width", "Ｆ４ｌｃｏｎ"),
        ("about project 0sprey", "project 0sprey"),
        ("Project Ospreys roadmap", "Project Ospreys"),
    ] {
        assert_eq!(
            typed(CODENAMES, text),
            [("codename".to_string(), want.to_string())],
            "in {text:?}"
        );
    }
}

#[test]
fn codename_traps_and_exceptions() {
    for text in [
        "a falconer showed us his birds",
        "SpaceX launched a Falcon Heavy today",
        "SpaceX launched a F4lcon Heavy today",
        "the ospreys are nesting again",
        "falconry weekend",
    ] {
        assert_eq!(typed(CODENAMES, text), Vec::<(String, String)>::new(), "in {text:?}");
    }
}

#[test]
fn offensive_words_disguised_and_inflected_on_the_typed_span() {
    let text = "🙄 these a$$holes, f*cking idiots… sh1t, $hit, shiiiit and S H I T";
    let f = scan("{}", text);
    let got: Vec<&str> = f.iter().map(|f| &text[f.start..f.end]).collect();
    assert_eq!(
        got,
        ["a$$holes", "f*cking", "idiots", "sh1t", "$hit", "shiiiit", "S H I T"]
    );
    assert!(f.iter().all(|f| f.rule == "offensive_language"));
    // UTF-16 offsets follow the emoji (two code units) before the first word.
    assert_eq!(f[0].start_utf16, 9);
}

#[test]
fn scunthorpe_traps_raise_nothing() {
    for text in [
        "Scunthorpe, Sussex, Essex and Penistone",
        "an assassin in a classic novel",
        "cocktail hour with the therapist",
        "grape analysis",
        "Dick Smith, our new CFO",
        "shiitake risotto",
        "fire retardant paint",
        "Shiite pilgrims",
        "the villages of Bitche and Twatt",
        "matsushita and hitchcock",
        "f*** is ambiguous, c*t is a cat",
    ] {
        assert_eq!(typed("{}", text), Vec::<(String, String)>::new(), "in {text:?}");
    }
}

//! Issue 14's examples and the confidence model, through the scanner as the extension and the
//! CLI use it (the shipped default policy): what is found, at which severity and confidence, and
//! what a weak shape needs before it is reported.

use safepost::policy::{Confidence, Policy, Severity};
use safepost::text::{Finding, TextScanner};

fn scan(text: &str) -> Vec<Finding> {
    TextScanner::new(&Policy::default_policy(), None).scan(text)
}

/// (rule, matched text, severity, confidence) of every finding.
fn found(text: &str) -> Vec<(String, String, Severity, Confidence)> {
    scan(text)
        .into_iter()
        .map(|f| {
            let m = text[f.start..f.end].to_string();
            (f.rule, m, f.severity, f.confidence)
        })
        .collect()
}

fn one(
    rule: &str,
    m: &str,
    s: Severity,
    c: Confidence,
) -> Vec<(String, String, Severity, Confidence)> {
    vec![(rule.to_string(), m.to_string(), s, c)]
}

#[test]
fn the_issue_examples_are_found() {
    use Confidence::*;
    use Severity::*;
    assert_eq!(
        found("SSN 078.05.1123"),
        one("us_ssn", "078.05.1123", Block, High)
    );
    assert_eq!(
        found("BSN 111222333"),
        one("nl_bsn", "111222333", Block, Medium)
    );
    // HMRC's own example and ICAO's specimen: reported as examples, one step lower, low.
    let nino = scan("NI number QQ123456C");
    assert_eq!(
        found("NI number QQ123456C"),
        one("uk_nino", "QQ123456C", Warn, Low)
    );
    assert_eq!(nino[0].message_key.as_deref(), Some("uk_nino_test"));
    assert_eq!(
        found("passport L898902C3"),
        one("passport_number", "L898902C3", Warn, Low)
    );
    // A real passport number after the word is high (shape in context, and the word).
    assert_eq!(
        found("passport 561943287"),
        one("passport_number", "561943287", Block, High)
    );
    assert_eq!(
        found("tips: 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"),
        one(
            "bitcoin_address",
            "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
            Warn,
            High
        )
    );
}

#[test]
fn weak_shapes_need_their_words() {
    use Confidence::*;
    use Severity::*;
    // Nine digits that pass the 11-proof, the SIN's Luhn, the TFN's weights: order numbers.
    for text in [
        "order 111222333 shipped",
        "invoice 130692544 paid",
        "ref 876543210",
        "ticket 2341 2341 2346",
    ] {
        assert_eq!(found(text), [], "{text}");
    }
    assert_eq!(
        found("my SIN is 130692544"),
        one("ca_sin", "130692544", Block, Medium)
    );
    assert_eq!(
        found("TFN 876 543 210"),
        one("au_tfn", "876 543 210", Block, Medium)
    );
    assert_eq!(
        found("Aadhaar 2341 2341 2346"),
        one("in_aadhaar", "2341 2341 2346", Block, Medium)
    );
    // The written form of a CPF is distinctive on its own; its bare digits are not.
    assert_eq!(
        found("390.533.447-05"),
        one("br_cpf", "390.533.447-05", Block, Medium)
    );
    assert_eq!(found("39053344705"), []);
    assert_eq!(
        found("CPF 39053344705"),
        one("br_cpf", "39053344705", Block, Medium)
    );
}

#[test]
fn confidence_reaches_the_json_findings() {
    let f = scan("BSN 111222333 en IBAN DE89 3704 0044 0532 0130 00");
    let v = serde_json::to_value(&f).unwrap();
    assert_eq!(v[0]["rule"], "nl_bsn");
    assert_eq!(v[0]["confidence"], "medium");
    assert_eq!(v[1]["rule"], "iban");
    assert_eq!(v[1]["confidence"], "high", "the IBAN's own word raises it");
    // A company rule's own match is high.
    let (p, errors) = Policy::from_json(
        r#"{"version": 1, "rules": [{"id": "code", "kind": "keywords", "terms": ["Blue Falcon"]}]}"#,
    );
    assert!(errors.is_empty());
    let f = TextScanner::new(&p, None).scan("Blue Falcon ships Monday");
    assert_eq!(f[0].confidence, Confidence::High);
}

#[test]
fn a_builtin_rule_uses_its_detectors_threshold() {
    let (p, errors) = Policy::from_json(
        r#"{"version": 1,
            "detectors": {"nl_bsn": {"enabled": false, "min_confidence": "high"}},
            "rules": [{"id": "dutch-ids", "kind": "builtin", "builtin": "nl_bsn", "severity": "warn"}]}"#,
    );
    assert!(errors.is_empty(), "{errors:?}");
    let s = TextScanner::new(&p, None);
    assert!(s.scan("BSN 111222333").is_empty(), "medium is below high");
    let f = s.scan("BSN 111222333 burgerservicenummer");
    assert!(f.is_empty(), "two words still raise one step only");
    let (p, _) = Policy::from_json(
        r#"{"version": 1,
            "detectors": {"nl_bsn": {"enabled": false}},
            "rules": [{"id": "dutch-ids", "kind": "builtin", "builtin": "nl_bsn", "severity": "warn"}]}"#,
    );
    let f = TextScanner::new(&p, None).scan("BSN 111222333");
    assert_eq!(f.len(), 1);
    assert_eq!(
        (f[0].rule.as_str(), f[0].confidence),
        ("dutch-ids", Confidence::Medium)
    );
}

#[test]
fn hostile_input_never_panics_the_new_detectors() {
    let mut long = String::new();
    for i in 0..2000 {
        long.push_str(&format!(
            "{i:09} 0x{:040x} bc1q{} P<UTO{}",
            i,
            "q".repeat(i % 90),
            "<".repeat(i % 50)
        ));
        long.push_str(" DOB 31/02/19 né le 99 mars 0000 passport ÄÖÜ123456789 ");
        long.push(char::from_u32(0x1F600 + (i as u32 % 50)).unwrap_or('x'));
    }
    let _ = scan(&long);
    for s in [
        "0x",
        "bc1",
        "BSN ",
        "passport",
        "DOB: ",
        "10.",
        "P<",
        "\u{0}\u{0}123456789\u{0}",
        "١٢٣٤٥٦٧٨٩",
        "１１１２２２３３３",
    ] {
        let _ = scan(s);
    }
}

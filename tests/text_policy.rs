//! Policy documents: malformed ones report every error with its place and exact message, and a
//! bad policy never disables protection (the valid parts still apply).

use safepost::policy::{
    Category, FailMode, Policy, PolicyError, Severity, TicketAdapter, UploadAction,
};
use safepost::text::TextScanner;

fn errors(doc: &str) -> Vec<String> {
    Policy::from_json(doc)
        .1
        .iter()
        .map(PolicyError::to_string)
        .collect()
}

fn one_error(doc: &str) -> String {
    let e = errors(doc);
    assert_eq!(e.len(), 1, "{doc}: {e:#?}");
    e[0].clone()
}

#[test]
fn the_shipped_default_policy_is_valid_and_complete() {
    let (p, errs) = Policy::from_json(safepost::policy::DEFAULT_POLICY_JSON);
    assert!(errs.is_empty(), "{errs:?}");
    assert_eq!(p, Policy::default_policy());
    for id in safepost::text::detectors::DETECTOR_IDS {
        assert!(
            p.detectors.get(*id).is_some_and(|d| d.enabled),
            "{id} is not on by default"
        );
    }
    assert!(p
        .rules
        .iter()
        .any(|r| r.id == "confidential_marker" && r.category == Category::Confidential));
    assert!(p
        .rules
        .iter()
        .any(|r| r.id == "offensive_language" && r.category == Category::Conduct));
    assert!(
        p.disclosure.tags.contains(&"#employee".to_string())
            && p.disclosure.tags.contains(&"#ad".to_string())
    );
}

#[test]
fn not_json_or_not_an_object() {
    let e = one_error(r#"{"version": 1,"#);
    assert!(e.starts_with("$: not valid JSON: "), "{e}");
    assert_eq!(
        one_error("[1, 2]"),
        "$: a policy must be a JSON object, found an array"
    );
}

#[test]
fn unknown_keys_and_versions() {
    assert_eq!(
        one_error(r#"{"version": 1, "colour": "red"}"#),
        "colour: unknown setting; expected one of: version, sites, detectors, rules, rules_count, disclosure, uploads, submit, tickets, support_url, policy_url, fail_mode, company_account"
    );
    assert_eq!(
        one_error(r#"{"version": 2}"#),
        "version: version 2 is not supported; this SafePost reads version 1 (settings it knows still apply)"
    );
    assert_eq!(
        one_error(r#"{"version": "1"}"#),
        "version: expected the number 1, found a string"
    );
    assert_eq!(
        one_error(r#"{"rules": [{"id": "a", "kind": "keywords", "terms": ["x"], "colour": 1}]}"#),
        "rules[0].colour: unknown setting; expected one of: id, enabled, kind, terms, pattern, builtin, severity, category, message, link, sites, exceptions"
    );
}

#[test]
fn rule_errors_name_their_place() {
    let doc = r#"{"version": 1, "rules": [
        {"id": "ok-1", "kind": "keywords", "terms": ["Falcon"]},
        {"id": "ok-2", "kind": "keywords", "terms": ["Osprey"], "severity": "blocker"},
        {"id": "bad-kind", "kind": "keyword", "terms": ["x"]},
        {"id": "bad-re", "kind": "regex", "pattern": "project(x|y"},
        {"kind": "keywords", "terms": ["y"]},
        {"id": "ok-1", "kind": "keywords", "terms": ["dup"]},
        {"id": "empty", "kind": "keywords", "terms": []},
        {"id": "star", "kind": "regex", "pattern": "a*"},
        {"id": "bi", "kind": "builtin", "builtin": "ssn"},
        {"id": "new-without-kind", "severity": "block"},
        {"id": "mixed", "kind": "regex", "pattern": "abc", "terms": ["abc"]},
        {"id": "has space", "kind": "keywords", "terms": ["x"]},
        {"id": "cls", "kind": "regex", "pattern": "\\p{Greek}+"}
    ]}"#;
    let e = errors(doc);
    let expected = [
        "rules[1].severity: \"blocker\" is not one of: info, warn, block",
        "rules[2].kind: \"keyword\" is not one of: keywords, regex, builtin",
        "rules[3].pattern: unclosed group at 7",
        "rules[4].id: missing; every rule needs an id (letters, digits, - _ .); this rule is ignored",
        "rules[5].id: duplicate id \"ok-1\" (first used by rules[0]); this rule is ignored",
        "rules[6].terms: is empty; list at least one word or phrase",
        "rules[7].pattern: can match empty text, which would flag every post; require at least one character",
        &format!("rules[8].builtin: \"ssn\" is not a built-in detector; known: {}", safepost::text::detectors::DETECTOR_IDS.join(", ")),
        "rules[10].terms: not used by a regex rule (it reads \"pattern\")",
        "rules[11].id: \"has space\" may use only letters, digits, - _ .; this rule is ignored",
        "rules[12].pattern: Unicode property not found at 0 (this build knows \\w \\d \\s \\b and case folding, not \\p{..} classes)",
        "rules[9].kind: missing; \"new-without-kind\" is not a default rule, so it needs \"kind\": keywords, regex or builtin",
    ];
    assert_eq!(e, expected);

    // The valid rules still apply; the invalid ones are gone; the defaults stay.
    let (p, _) = Policy::from_json(doc);
    let ids: Vec<&str> = p.rules.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "confidential_marker",
            "offensive_language",
            "ok-1",
            "ok-2",
            "mixed"
        ]
    );
    let ok2 = p.rules.iter().find(|r| r.id == "ok-2").unwrap();
    assert_eq!(
        ok2.severity,
        Severity::Warn,
        "an invalid severity falls back to warn"
    );
    let s = TextScanner::new(&p, None);
    let rules: Vec<String> = s
        .scan("Falcon and Osprey, internal only")
        .into_iter()
        .map(|f| f.rule)
        .collect();
    assert_eq!(rules, ["ok-1", "ok-2", "confidential_marker"]);
}

#[test]
fn section_errors_name_their_place() {
    let doc = r##"{
        "sites": ["linkedin.com", "https://x.com/home"],
        "detectors": {"email": {"enabled": "no"}, "ssn": {"enabled": false}, "phone": {"severity": "loud"}},
        "disclosure": {"brands": ["Acme"], "tags": "#ad"},
        "uploads": {"action": "delete", "strip_mode": "identifying"},
        "submit": {"allow_post_anyway": false, "require_justification": 1},
        "tickets": {"adapter": "jira_service_management", "endpoint": "http://desk.example.com"},
        "support_url": "ftp://help.example.com",
        "policy_url": "https://intranet.example.com/social-media-policy",
        "fail_mode": "maybe"
    }"##;
    let e = errors(doc);
    let expected = [
        "sites[1]: \"https://x.com/home\" is not a host name; write only the host, such as linkedin.com",
        "detectors.email.enabled: expected true or false, found a string",
        "detectors.phone.severity: \"loud\" is not one of: info, warn, block",
        &format!("detectors.ssn: unknown detector; known detectors: {}", safepost::text::detectors::DETECTOR_IDS.join(", ")),
        "disclosure.tags: expected an array of strings, found a string",
        "uploads.action: \"delete\" is not one of: ask, strip, block",
        "submit.require_justification: expected true or false, found a number",
        "tickets.endpoint: \"http://desk.example.com\" must use https (plain http is allowed only on localhost for tests)",
        "tickets.service_desk_id: missing; the jira_service_management adapter needs it",
        "tickets.request_type_id: missing; the jira_service_management adapter needs it",
        "support_url: \"ftp://help.example.com\": scheme \"ftp\" is not allowed; use https",
        "fail_mode: \"maybe\" is not one of: open, warn, closed; SafePost fails closed (no posting while the core cannot load) until it is fixed",
    ];
    assert_eq!(e, expected);
    // Everything valid still applies; everything invalid keeps the default.
    let (p, _) = Policy::from_json(doc);
    assert_eq!(p.sites, ["linkedin.com"]);
    assert!(p.detector("email").enabled && p.detector("phone").severity == Severity::Warn);
    assert_eq!(p.disclosure.brands, ["Acme"]);
    assert_eq!(p.uploads.action, UploadAction::Ask);
    assert!(!p.submit.allow_post_anyway);
    assert!(
        p.tickets.is_none(),
        "an incomplete ticket setup is not used"
    );
    assert_eq!(
        p.policy_url.as_deref(),
        Some("https://intranet.example.com/social-media-policy")
    );
    // A mistyped fail mode is the strictest, never the default that lets posts through.
    assert_eq!(p.fail_mode, FailMode::Closed);
}

#[test]
fn ticket_retry_timing_is_read_and_checked_per_value() {
    let (p, e) = Policy::from_json(
        r#"{"tickets": {"adapter": "webhook", "endpoint": "https://hooks.example.com/x",
            "retry": {"initial_delay_seconds": 600, "timeout_seconds": 30}}}"#,
    );
    assert!(e.is_empty(), "{e:?}");
    let retry = p.tickets.unwrap().retry.unwrap();
    assert_eq!(retry.initial_delay_seconds, Some(600));
    assert_eq!(retry.timeout_seconds, Some(30));
    assert_eq!(retry.max_delay_seconds, None, "only what IT set");

    let (p, e) = Policy::from_json(
        r#"{"tickets": {"adapter": "webhook", "endpoint": "https://hooks.example.com/x",
            "retry": {"initial_delay_seconds": 0, "timeout_seconds": 30, "max_delay_seconds": "1h", "backoff": 2}}}"#,
    );
    let msgs: Vec<String> = e.iter().map(|e| format!("{}: {}", e.path, e.message)).collect();
    assert_eq!(msgs, [
        "tickets.retry.backoff: unknown setting; expected one of: initial_delay_seconds, max_delay_seconds, timeout_seconds",
        "tickets.retry.initial_delay_seconds: expected a whole number of seconds from 1 to 86400, found 0",
        "tickets.retry.max_delay_seconds: expected a whole number of seconds from 1 to 86400, found \"1h\"",
    ]);
    let t = p.tickets.expect("the desk still works with the default timing");
    assert_eq!(t.retry.unwrap().timeout_seconds, Some(30), "the valid value applies");
}

#[test]
fn tickets_accept_https_and_loopback_http() {
    let (p, e) = Policy::from_json(
        r#"{"tickets": {"adapter": "request_tracker", "endpoint": "http://127.0.0.1:8080", "queue": "General", "token": "t"}}"#,
    );
    assert!(e.is_empty(), "{e:?}");
    let t = p.tickets.unwrap();
    assert_eq!(t.adapter, TicketAdapter::RequestTracker);
    assert_eq!(t.queue.as_deref(), Some("General"));
    let (p, e) = Policy::from_json(
        r#"{"tickets": {"adapter": "email", "email_to": "it-help@example.com"}}"#,
    );
    assert!(e.is_empty() && p.tickets.is_some(), "{e:?}");
    assert_eq!(
        one_error(r#"{"tickets": {"adapter": "email", "email_to": "it-help"}}"#),
        "tickets.email_to: \"it-help\" is not an e-mail address"
    );
}

#[test]
fn a_document_changes_the_defaults_it_names_and_keeps_the_rest() {
    let (p, e) = Policy::from_json(
        r#"{"version": 1,
            "detectors": {"email": {"enabled": false}, "phone": {"severity": "block"}},
            "rules": [{"id": "offensive_language", "enabled": false},
                      {"id": "confidential_marker", "severity": "block"}]}"#,
    );
    assert!(e.is_empty(), "{e:?}");
    assert!(!p.detector("email").enabled);
    assert_eq!(p.detector("phone").severity, Severity::Block);
    assert!(
        p.detector("credit_card").enabled,
        "untouched detectors stay on"
    );
    let s = TextScanner::new(&p, None);
    let f = s.scan("mail me at a.b@example.com, this shit is confidential");
    let got: Vec<(&str, Severity)> = f.iter().map(|f| (f.rule.as_str(), f.severity)).collect();
    assert_eq!(got, [("confidential_marker", Severity::Block)]);
}

/// `detectors.<id>.min_confidence` and `context_chars`: checked with their place, applied over
/// the defaults, and deciding what a weak shape needs.
#[test]
fn confidence_settings_are_checked_and_apply() {
    use safepost::policy::Confidence;
    let e = errors(
        r#"{"version": 1, "detectors": {
            "nl_bsn": {"min_confidence": "certain"},
            "ca_sin": {"context_chars": 500},
            "au_tfn": {"context_chars": "far"},
            "iban": {"min_confidence": 2}}}"#,
    );
    assert_eq!(
        e,
        [
            "detectors.au_tfn.context_chars: expected a number of characters (0 to 200), found a string",
            "detectors.ca_sin.context_chars: 500 is too far; use 0 to 200 characters",
            "detectors.iban.min_confidence: expected a string, found a number",
            "detectors.nl_bsn.min_confidence: \"certain\" is not one of: low, medium, high",
        ]
    );
    let shipped = Policy::default_policy();
    assert_eq!(shipped.detector("nl_bsn").min_confidence, Confidence::Medium);
    assert_eq!(shipped.detector("nl_bsn").context_chars, 40);

    let scan = |json: &str, text: &str| -> Vec<(String, Confidence)> {
        let (p, errors) = Policy::from_json(json);
        assert!(errors.is_empty(), "{errors:?}");
        TextScanner::new(&p, None)
            .scan(text)
            .into_iter()
            .filter(|f| f.rule == "nl_bsn")
            .map(|f| (text[f.start..f.end].to_string(), f.confidence))
            .collect()
    };
    let none = r#"{"version": 1}"#;
    // A weak shape alone is below the default threshold; its word within 40 characters raises it.
    assert!(scan(none, "order 111222333 shipped today").is_empty());
    assert_eq!(
        scan(none, "mijn BSN is 111222333"),
        [("111222333".to_string(), Confidence::Medium)]
    );
    let far = format!("BSN {} 111222333", "x".repeat(50));
    assert!(scan(none, &far).is_empty(), "the word is 50 characters away");
    let wide = r#"{"version": 1, "detectors": {"nl_bsn": {"context_chars": 80}}}"#;
    assert_eq!(scan(wide, &far).len(), 1, "IT widened the distance");
    let low = r#"{"version": 1, "detectors": {"nl_bsn": {"min_confidence": "low"}}}"#;
    assert_eq!(
        scan(low, "order 111222333 shipped today"),
        [("111222333".to_string(), Confidence::Low)]
    );
    let high = r#"{"version": 1, "detectors": {"nl_bsn": {"min_confidence": "high"}}}"#;
    assert!(scan(high, "mijn BSN is 111222333").is_empty());
}

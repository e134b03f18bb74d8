//! The company-account layer (issue 17): parsing with placed errors, identifying the account from
//! an observed value, and the company policy that adds to the normal one.

use safepost::policy::company_account::{AccountScanner, AccountStatus, Field, WhenUnknown};
use safepost::policy::{Policy, Severity};
use safepost::text::TextScanner;
use serde_json::json;

fn brand_policy() -> serde_json::Value {
    json!({
        "version": 1,
        "company_account": {
            "accounts": [
                {"name": "Contoso", "sites": ["x.com", "linkedin.com"], "handles": ["@Contoso"],
                 "ids": ["urn:li:organization:1234"], "display_names": ["Contoso  Ltd"]}
            ],
            "rules": [
                {"id": "competitors", "kind": "keywords", "terms": ["Fabrikam"], "severity": "block",
                 "category": "conduct", "message": "Company accounts do not name competitors."}
            ]
        }
    })
}

fn policy(doc: &serde_json::Value) -> Policy {
    let (p, errors) = Policy::from_json(&doc.to_string());
    assert!(errors.is_empty(), "{errors:?}");
    p
}

#[test]
fn the_default_policy_has_a_company_layer_without_accounts() {
    let p = Policy::default_policy();
    assert!(p.company_account.accounts.is_empty());
    assert!(p.company_account.confirm_every_post);
    assert_eq!(p.company_account.when_unknown, WhenUnknown::Personal);
    let company = p.company_policy();
    for id in ["company_politics", "company_religion", "company_tragedy"] {
        assert!(company.rules.iter().any(|r| r.id == id), "{id}");
        assert!(
            !p.rules.iter().any(|r| r.id == id),
            "{id} is not a normal rule"
        );
    }
    let offensive = |p: &Policy| {
        p.rules
            .iter()
            .find(|r| r.id == "offensive_language")
            .unwrap()
            .severity
    };
    assert_eq!(offensive(&p), Severity::Warn);
    assert_eq!(offensive(&company), Severity::Block);
}

#[test]
fn identify_by_handle_id_and_display_name_on_the_accounts_sites_only() {
    let p = policy(&brand_policy());
    let c = &p.company_account;
    let company = c.identify("x.com", Some((Field::Handle, "contoso")));
    assert_eq!(company.status, AccountStatus::Company);
    assert_eq!(company.account.as_deref(), Some("Contoso"));
    assert!(company.company_rules);
    assert_eq!(
        c.identify(
            "www.linkedin.com",
            Some((Field::Id, "urn:li:organization:1234"))
        )
        .status,
        AccountStatus::Company
    );
    assert_eq!(
        c.identify("x.com", Some((Field::Name, " contoso ltd")))
            .status,
        AccountStatus::Company
    );
    // The same handle on a site the account is not on, and another handle, are personal.
    assert_eq!(
        c.identify("bsky.app", Some((Field::Handle, "contoso")))
            .status,
        AccountStatus::Personal
    );
    let me = c.identify("x.com", Some((Field::Handle, "@jane")));
    assert_eq!(me.status, AccountStatus::Personal);
    assert!(!me.company_rules);
    // Ids are exact: a prefix of the organisation is someone else.
    assert_eq!(
        c.identify(
            "linkedin.com",
            Some((Field::Id, "urn:li:organization:12345"))
        )
        .status,
        AccountStatus::Personal
    );
}

#[test]
fn unknown_uses_the_stricter_layer_only_when_it_asks_for_it() {
    let p = policy(&brand_policy());
    let u = p.company_account.identify("x.com", None);
    assert_eq!(u.status, AccountStatus::Unknown);
    assert!(!u.company_rules);
    let mut doc = brand_policy();
    doc["company_account"]["when_unknown"] = json!("company");
    let p = policy(&doc);
    assert!(p.company_account.identify("x.com", None).company_rules);
    assert!(
        p.company_account
            .identify("x.com", Some((Field::Handle, "")))
            .company_rules
    );
    // Where the company has no account, an unknown account is a personal one.
    assert!(!p.company_account.identify("tiktok.com", None).company_rules);
}

#[test]
fn a_personal_remark_is_fine_personally_and_held_as_the_company() {
    let p = policy(&brand_policy());
    let text = "Honestly Fabrikam ships better phones, and this election is a circus, shit.";
    let normal = TextScanner::new(&p, Some("x.com")).scan(text);
    assert!(
        normal.iter().all(|f| f.severity != Severity::Block),
        "{normal:?}"
    );
    assert!(!normal
        .iter()
        .any(|f| f.rule == "competitors" || f.rule == "company_politics"));
    let company = AccountScanner::new(&p, Some("x.com")).scan(text);
    let rule = |id: &str| {
        company
            .iter()
            .find(|f| f.finding.rule == id)
            .unwrap_or_else(|| panic!("{id}: {company:?}"))
    };
    assert_eq!(rule("competitors").finding.severity, Severity::Block);
    assert!(rule("competitors").because_account);
    assert!(rule("company_politics").because_account);
    // The shipped company rule's message is translatable; IT's own is not.
    assert_eq!(
        rule("company_politics").finding.message_key.as_deref(),
        Some("company_politics")
    );
    assert_eq!(rule("competitors").finding.message_key, None);
    // Profanity is a warning personally and a block as the company: because of the account.
    let offensive = rule("offensive_language");
    assert_eq!(offensive.finding.severity, Severity::Block);
    assert!(offensive.because_account);
    assert!(normal
        .iter()
        .any(|f| f.rule == "offensive_language" && f.severity == Severity::Warn));
}

#[test]
fn findings_the_normal_policy_raises_anyway_are_not_because_of_the_account() {
    let p = policy(&brand_policy());
    let company = AccountScanner::new(&p, Some("x.com")).scan("card 4539 1488 0343 6467");
    let card = company
        .iter()
        .find(|f| f.finding.rule == "credit_card")
        .expect("card");
    assert!(!card.because_account);
}

#[test]
fn the_layer_only_adds_and_says_so_where_it_would_loosen() {
    let doc = json!({
        "company_account": {
            "accounts": [{"name": "Contoso", "sites": ["x.com"], "handles": ["contoso"]}],
            "rules": [
                {"id": "offensive_language", "severity": "info"},
                {"id": "confidential_marker", "enabled": false}
            ],
            "detectors": {"credit_card": {"severity": "warn"}}
        }
    });
    let (p, errors) = Policy::from_json(&doc.to_string());
    let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
    assert!(
        paths.contains(&"company_account.rules[0].severity"),
        "{errors:?}"
    );
    assert!(
        paths.contains(&"company_account.rules[1].enabled"),
        "{errors:?}"
    );
    assert!(
        paths.contains(&"company_account.detectors.credit_card.severity"),
        "{errors:?}"
    );
    let company = p.company_policy();
    let rule = |id: &str| company.rules.iter().find(|r| r.id == id).unwrap().clone();
    assert_eq!(rule("offensive_language").severity, Severity::Warn);
    assert!(rule("confidential_marker").enabled);
    assert_eq!(company.detector("credit_card").severity, Severity::Block);
}

#[test]
fn every_error_names_its_place() {
    let doc = json!({
        "company_account": {
            "accounts": [
                {"name": "", "sites": ["x.com"], "handles": ["contoso"]},
                {"name": "Contoso", "sites": ["https://x.com/contoso"], "handles": ["con toso"]},
                {"name": "Nobody", "sites": ["x.com"]},
                {"name": "Typo", "sites": ["x.com"], "handle": ["typo"]}
            ],
            "when_unknown": "maybe",
            "confirm_every_post": "yes",
            "rules": [{"id": "topics", "kind": "regex", "pattern": "(unclosed"}, {"id": "new_rule", "terms": ["x"]}],
            "detection": {
                "X": {},
                "x": {"probes": [
                    {"selector": "a", "url": "/x/{value}", "field": "handle"},
                    {"selector": "a"},
                    {"url": "/company/admin", "field": "id"},
                    {"selector": "a", "field": "handle", "read": "Not An Attribute", "pattern": "no placeholder"}
                ], "hosts": ["not a host"], "paths": ["admin"]}
            },
            "colour": "red"
        }
    });
    let (p, errors) = Policy::from_json(&doc.to_string());
    let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
    for want in [
        "company_account.accounts[0].name",
        "company_account.accounts[1].sites[0]",
        "company_account.accounts[1].handles[0]",
        "company_account.accounts[2]",
        "company_account.accounts[3].handle",
        "company_account.when_unknown",
        "company_account.confirm_every_post",
        "company_account.rules[0].pattern",
        "company_account.rules[1].kind",
        "company_account.detection.X",
        "company_account.detection.x.probes[0]",
        "company_account.detection.x.probes[1].field",
        "company_account.detection.x.probes[2].url",
        "company_account.detection.x.probes[3].read",
        "company_account.detection.x.probes[3].pattern",
        "company_account.detection.x.hosts[0]",
        "company_account.detection.x.paths[0]",
        "company_account.colour",
    ] {
        assert!(paths.contains(&want), "no error at {want}: {errors:?}");
    }
    // What was valid still applies: no account was valid, and nothing panicked.
    assert!(p.company_account.accounts.is_empty());
}

#[test]
fn it_can_override_and_extend_the_detection_table() {
    let doc = json!({
        "company_account": {
            "detection": {
                "x": {"probes": [{"selector": "[data-brand-switcher] img", "read": "alt", "field": "name"}]},
                "mastodon": {"hosts": ["social.contoso.com"]},
                "intranet_social": {"hosts": ["social.contoso.net"], "probes": [{"url": "/as/{value}", "field": "handle"}]}
            }
        }
    });
    let p = policy(&doc);
    let d = |site: &str| p.company_account.detection_for(site).expect(site);
    assert_eq!(d("x").probes.as_ref().unwrap()[0].read, "alt");
    assert!(
        d("x").hosts.is_none(),
        "fields not given keep the shipped value"
    );
    assert_eq!(
        d("mastodon").hosts.as_deref(),
        Some(&["social.contoso.com".to_string()][..])
    );
    assert_eq!(
        d("intranet_social").probes.as_ref().unwrap()[0].read,
        "text"
    );
}

#[test]
fn a_later_document_changes_the_normal_policy_below_the_company_layer() {
    // The company layer is laid over the final normal policy: a rule the document adds to the
    // normal policy is in the company policy too.
    let mut doc = brand_policy();
    doc["rules"] =
        json!([{"id": "codename", "kind": "keywords", "terms": ["Bluebird"], "severity": "block"}]);
    let p = policy(&doc);
    assert!(p.company_policy().rules.iter().any(|r| r.id == "codename"));
    assert!(p
        .company_policy()
        .rules
        .iter()
        .any(|r| r.id == "competitors"));
}

#[test]
fn hostile_values_do_not_panic() {
    for v in [
        json!(null),
        json!([]),
        json!("x"),
        json!({"accounts": {}}),
        json!({"accounts": [1, null, []]}),
        json!({"detection": []}),
        json!({"detection": {"x": {"probes": {}}}}),
        json!({"detection": {"x": {"probes": [null]}}}),
        json!({"accounts": [{"name": "é".repeat(300), "sites": ["x.com"], "ids": ["\u{0}"]}]}),
    ] {
        let doc = json!({"company_account": v});
        let (p, errors) = Policy::from_json(&doc.to_string());
        assert!(!errors.is_empty(), "no error for {v}");
        let _ = p
            .company_account
            .identify("x.com", Some((Field::Id, "\u{0}")));
    }
}

#[test]
fn the_brand_team_example_in_the_docs_is_valid() {
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/policy.md"))
        .expect("docs/policy.md");
    let section = docs
        .split("### Example: the brand team")
        .nth(1)
        .expect("the brand team example");
    let start = section.find("```json").expect("a JSON block") + "```json".len();
    let end = start + section[start..].find("```").expect("its end");
    let (p, errors) = Policy::from_json(&section[start..end]);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(p.company_account.accounts.len(), 2);
    assert_eq!(
        p.company_account
            .identify("x.com", Some((Field::Handle, "Contoso_News")))
            .account
            .as_deref(),
        Some("Contoso")
    );
}

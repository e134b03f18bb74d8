//! extension/managed_schema.json is the single source of truth for policy settings. These tests
//! hold the parser, the schema and docs/policy.md to each other: every setting in the schema is
//! understood by the parser and vice versa, every enum value the schema offers is accepted, the
//! shipped default policy conforms to the schema, and the docs table lists exactly the schema's
//! settings.

use safepost::policy::parse::{
    DETECTOR_KEYS, DISCLOSURE_KEYS, EXCEPTION_KEYS, RULE_KEYS, SUBMIT_KEYS, TICKETS_KEYS,
    TOP_LEVEL_KEYS, UPLOADS_KEYS,
};
use safepost::policy::Policy;
use safepost::text::detectors::DETECTOR_IDS;
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

fn schema() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/extension/managed_schema.json"
    ))
    .unwrap();
    serde_json::from_str(&text).expect("managed_schema.json is JSON")
}

fn props<'a>(s: &'a Value, path: &str) -> &'a Map<String, Value> {
    s["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("{path} has no properties"))
}

fn keys(m: &Map<String, Value>) -> BTreeSet<&str> {
    m.keys().map(String::as_str).collect()
}

fn set<'a>(k: &[&'a str]) -> BTreeSet<&'a str> {
    k.iter().copied().collect()
}

/// What Chrome accepts in a `storage.managed_schema` (JSON Schema subset, strictly checked).
fn check_chrome_schema(s: &Value, path: &str, errors: &mut Vec<String>) {
    const ATTRS: &[&str] = &[
        "type",
        "description",
        "title",
        "properties",
        "additionalProperties",
        "patternProperties",
        "items",
        "enum",
        "minimum",
        "maximum",
        "pattern",
        "required",
        "id",
        "$ref",
        "sensitiveValue",
    ];
    let Some(obj) = s.as_object() else {
        errors.push(format!("{path}: a schema must be an object"));
        return;
    };
    for k in obj.keys() {
        if !ATTRS.contains(&k.as_str()) {
            errors.push(format!("{path}: attribute {k} is not supported by Chrome"));
        }
    }
    let ty = obj.get("type").and_then(Value::as_str);
    if ty.is_none() == obj.get("$ref").is_none() {
        errors.push(format!("{path}: needs exactly one of type or $ref"));
    }
    if !matches!(
        ty,
        None | Some("object" | "array" | "string" | "integer" | "number" | "boolean")
    ) {
        errors.push(format!("{path}: type {ty:?} is not a Chrome schema type"));
    }
    if obj
        .get("description")
        .and_then(Value::as_str)
        .map_or(true, |d| d.trim().len() < 8)
        && path != "$"
    {
        errors.push(format!("{path}: needs a description"));
    }
    if let Some(e) = obj.get("enum") {
        let ok = e
            .as_array()
            .is_some_and(|a| !a.is_empty() && a.iter().all(|v| v.is_string() || v.is_i64()));
        if !ok || !matches!(ty, Some("string" | "integer")) {
            errors.push(format!("{path}: enum is for string or integer lists"));
        }
    }
    if let Some(p) = obj.get("properties").and_then(Value::as_object) {
        for (k, v) in p {
            check_chrome_schema(
                v,
                &if path == "$" {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                },
                errors,
            );
        }
    }
    if let Some(items) = obj.get("items") {
        check_chrome_schema(items, &format!("{path}[]"), errors);
    }
    if ty == Some("array") && obj.get("items").is_none() {
        errors.push(format!("{path}: an array needs items"));
    }
}

#[test]
fn the_schema_is_a_valid_chrome_managed_schema() {
    let s = schema();
    assert_eq!(s["type"], "object", "top level must be an object");
    assert!(
        s.get("additionalProperties").is_none(),
        "Chrome forbids additionalProperties at the top level"
    );
    let mut errors = Vec::new();
    check_chrome_schema(&s, "$", &mut errors);
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn schema_and_parser_know_the_same_settings() {
    let s = schema();
    let top = props(&s, "$");
    assert_eq!(keys(top), set(TOP_LEVEL_KEYS), "top-level settings");
    let rule = &top["rules"]["items"];
    assert_eq!(keys(props(rule, "rules[]")), set(RULE_KEYS), "rule fields");
    assert_eq!(
        keys(props(&rule["properties"]["exceptions"], "exceptions")),
        set(EXCEPTION_KEYS)
    );
    assert_eq!(
        keys(props(&top["disclosure"], "disclosure")),
        set(DISCLOSURE_KEYS)
    );
    assert_eq!(keys(props(&top["uploads"], "uploads")), set(UPLOADS_KEYS));
    assert_eq!(keys(props(&top["submit"], "submit")), set(SUBMIT_KEYS));
    assert_eq!(keys(props(&top["tickets"], "tickets")), set(TICKETS_KEYS));
    let detectors = props(&top["detectors"], "detectors");
    assert_eq!(keys(detectors), set(DETECTOR_IDS), "detector ids");
    for (id, d) in detectors {
        assert_eq!(keys(props(d, id)), set(DETECTOR_KEYS), "detectors.{id}");
    }
    let builtins = choices(&rule["properties"]["builtin"]).expect("builtin values");
    assert_eq!(
        builtins
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect::<BTreeSet<_>>(),
        set(DETECTOR_IDS)
    );
}

/// Puts `value` at a schema path (`rules[].kind`) inside an otherwise minimal, valid document.
fn doc_with(path: &str, value: Value) -> Value {
    // The company-account layer holds rules, detectors, disclosure and submit read like the top
    // level, and a list of accounts.
    if let Some(rest) = path.strip_prefix("company_account.") {
        if let Some(field) = rest.strip_prefix("accounts[].") {
            let mut account = json!({"name": "Contoso", "sites": ["example.com"], "handles": ["contoso"]});
            account[field] = value;
            if field == "handles" {
                account["ids"] = json!(["1"]);
            }
            return json!({"company_account": {"accounts": [account]}});
        }
        let inner = doc_with(rest, value);
        if ["rules", "detectors", "disclosure", "submit"].iter().any(|k| rest.starts_with(k)) {
            // The same settings in the normal policy too: the layer may only add, never loosen.
            let mut doc = inner.clone();
            doc["company_account"] = inner;
            return doc;
        }
        return json!({ "company_account": inner });
    }
    let mut rule = json!({"id": "r", "kind": "regex", "pattern": "x+"});
    let tickets = json!({"adapter": "webhook", "endpoint": "https://hooks.example.com/x"});
    let parts: Vec<&str> = path.split('.').collect();
    match parts.as_slice() {
        ["rules[]", field] => {
            match *field {
                "terms" => rule = json!({"id": "r", "kind": "keywords"}),
                "builtin" => rule = json!({"id": "r", "kind": "builtin"}),
                _ => {}
            }
            rule[*field] = value;
            if *field == "kind" {
                match rule["kind"].as_str() {
                    Some("keywords") => {
                        rule = json!({"id": "r", "kind": "keywords", "terms": ["x"]})
                    }
                    Some("builtin") => {
                        rule = json!({"id": "r", "kind": "builtin", "builtin": "email"})
                    }
                    _ => {}
                }
            }
            json!({"rules": [rule]})
        }
        ["rules[]", "exceptions", field] => {
            rule["exceptions"] = json!({ *field: value });
            json!({"rules": [rule]})
        }
        ["tickets", "retry", field] => {
            let mut t = tickets;
            t["retry"] = json!({ *field: value });
            json!({ "tickets": t })
        }
        ["tickets", field] => {
            let mut t = tickets;
            t[*field] = value;
            if *field == "adapter" {
                t = json!({"adapter": t["adapter"], "endpoint": "https://desk.example.com", "queue": "q",
                           "service_desk_id": "1", "request_type_id": "2", "email_to": "it@example.com"});
            }
            json!({ "tickets": t })
        }
        [section, id, field] => json!({ *section: { *id: { *field: value } } }),
        [section, field] => json!({ *section: { *field: value } }),
        [field] => json!({ *field: value }),
        _ => panic!("unexpected path {path}"),
    }
}

/// Every leaf of the schema with a path, its schema, and a value that conforms to it.
fn leaves(s: &Value, path: String, out: &mut Vec<(String, Value)>) {
    match s["type"].as_str() {
        Some("object") => {
            for (k, v) in s["properties"].as_object().into_iter().flatten() {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                leaves(v, p, out);
            }
        }
        Some("array") if s["items"]["type"] == "object" => {
            leaves(&s["items"], format!("{path}[]"), out)
        }
        _ => out.push((path, s.clone())),
    }
}

/// The values a string setting offers: its `enum`, or (where Chromium must not drop a whole
/// setting for one wrong value, so the core checks it) the "Values: `a`, `b`." of its description.
fn choices(s: &Value) -> Option<Vec<Value>> {
    if let Some(e) = s["enum"].as_array() {
        return Some(e.clone());
    }
    let d = s["description"].as_str()?;
    let list = d.split(" Values: ").nth(1)?;
    Some(
        list.trim_end_matches('.')
            .split(", ")
            .map(|v| json!(v.trim_matches('`')))
            .collect(),
    )
}

/// The smallest value an integer setting takes: the range is in its description ("From 1 to
/// 300.", "At least 0."), not in `minimum`, which would make Chromium drop the whole setting.
fn lowest(s: &Value) -> i64 {
    let d = s["description"].as_str().unwrap_or("");
    for lead in [" From ", " At least "] {
        if let Some(rest) = d.split(lead).nth(1) {
            let n: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
            if let Ok(n) = n.parse() {
                return n;
            }
        }
    }
    1
}

fn sample(path: &str, s: &Value) -> Vec<Value> {
    if let Some(e) = choices(s) {
        return e;
    }
    let v = match (s["type"].as_str(), path) {
        (Some("boolean"), _) => json!(false),
        (Some("integer"), _) => json!(lowest(s)),
        (Some("array"), p) if p.ends_with("sites") || p.ends_with("email_domains") => {
            json!(["example.com"])
        }
        (Some("array"), _) => json!(["#employee"]),
        (Some("string"), p)
            if p.ends_with("url") || p.ends_with("link") || p.ends_with("endpoint") =>
        {
            json!("https://example.com/x")
        }
        (Some("string"), p) if p.ends_with("email_to") || p.ends_with("reporter_email") => {
            json!("it@example.com")
        }
        (Some("string"), p) if p.ends_with("pattern") => json!("x+"),
        (Some("string"), _) => json!("Example-1"),
        other => panic!("{path}: no sample for {other:?}"),
    };
    vec![v]
}

#[test]
fn every_value_the_schema_offers_is_accepted_and_every_setting_is_read() {
    let mut all = Vec::new();
    leaves(&schema(), String::new(), &mut all);
    assert!(all.len() > 40, "{}", all.len());
    for (path, s) in &all {
        for value in sample(path, s) {
            let doc = doc_with(path, value.clone());
            let (_, errors) = Policy::from_json(&doc.to_string());
            assert!(errors.is_empty(), "{path} = {value}: {doc}: {errors:?}");
        }
        // And a value of the wrong type is an error at that very place.
        let wrong = if s["type"] == "string" {
            json!(12)
        } else {
            json!("nope")
        };
        let (_, errors) = Policy::from_json(&doc_with(path, wrong).to_string());
        let place = path.replace("[]", "[0]");
        assert!(
            errors.iter().any(|e| e.path.starts_with(&place)),
            "{path}: wrong type not reported at {place}: {errors:?}"
        );
    }
}

/// A minimal validator for the subset of JSON Schema the file uses.
fn conforms(v: &Value, s: &Value, path: &str, errors: &mut Vec<String>) {
    match (s["type"].as_str(), v) {
        (Some("object"), Value::Object(m)) => {
            let p = s["properties"].as_object();
            for (k, x) in m {
                match p.and_then(|p| p.get(k)) {
                    Some(sub) => conforms(x, sub, &format!("{path}.{k}"), errors),
                    None => errors.push(format!("{path}.{k}: not in the schema")),
                }
            }
        }
        (Some("array"), Value::Array(a)) => {
            for (i, x) in a.iter().enumerate() {
                conforms(x, &s["items"], &format!("{path}[{i}]"), errors);
            }
        }
        (Some("string"), Value::String(x)) => {
            if let Some(e) = choices(s) {
                if !e.iter().any(|y| y == x) {
                    errors.push(format!("{path}: {x} not in enum"));
                }
            }
        }
        (Some("boolean"), Value::Bool(_)) | (Some("integer"), Value::Number(_)) => {}
        (t, x) => errors.push(format!("{path}: {x} is not {t:?}")),
    }
}

#[test]
fn the_default_policy_conforms_to_the_schema() {
    let doc: Value = serde_json::from_str(safepost::policy::DEFAULT_POLICY_JSON).unwrap();
    let mut errors = Vec::new();
    conforms(&doc, &schema(), "$", &mut errors);
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn the_docs_settings_table_matches_the_schema() {
    let docs =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/policy.md")).unwrap();
    // Rows of the settings table: | `path` | type | description |
    let documented: BTreeSet<String> = docs
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .map(str::to_string)
        .collect();
    let mut all = Vec::new();
    leaves(&schema(), String::new(), &mut all);
    let from_schema: BTreeSet<String> = all
        .iter()
        .map(|(p, _)| p.clone())
        .filter(|p| !p.starts_with("detectors.") && !p.starts_with("company_account.detectors."))
        .chain(DETECTOR_KEYS.iter().map(|k| format!("detectors.<id>.{k}")))
        .chain(DETECTOR_KEYS.iter().map(|k| format!("company_account.detectors.<id>.{k}")))
        .collect();
    let missing: Vec<_> = from_schema.difference(&documented).collect();
    let extra: Vec<_> = documented.difference(&from_schema).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "docs/policy.md table: missing {missing:?}, not in schema {extra:?}"
    );
    for id in DETECTOR_IDS {
        assert!(
            docs.contains(&format!("`{id}`")),
            "docs/policy.md does not mention detector {id}"
        );
    }
}

#[test]
fn the_docs_example_policy_is_valid_and_conforms() {
    let docs =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/policy.md")).unwrap();
    let start = docs
        .find("```json")
        .expect("docs/policy.md has a JSON example")
        + "```json".len();
    let end = start + docs[start..].find("```").unwrap();
    let example = &docs[start..end];
    let (policy, errors) = Policy::from_json(example);
    assert!(errors.is_empty(), "{errors:?}");
    assert!(policy.rules.iter().any(|r| r.id == "codenames"));
    let mut problems = Vec::new();
    conforms(
        &serde_json::from_str(example).unwrap(),
        &schema(),
        "$",
        &mut problems,
    );
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn rule_values_chromium_would_drop_the_whole_rules_setting_for_are_plain_strings() {
    // Chromium validates a managed value against the schema and drops the whole top-level
    // setting on the first mismatch: an enum would let one mistyped severity remove every rule.
    let s = schema();
    let rule = &s["properties"]["rules"]["items"]["properties"];
    for field in ["kind", "builtin", "severity", "category"] {
        assert!(rule[field]["enum"].is_null(), "rules[].{field} must not be an enum");
        assert!(choices(&rule[field]).is_some(), "rules[].{field} lists its values");
    }
    // The core checks them instead, per rule, with the place; the other rules stay.
    let doc = json!({"rules": [
        {"id": "a", "kind": "keywords", "terms": ["phoenix"], "severity": "block"},
        {"id": "b", "kind": "keywords", "terms": ["x"], "severity": "critical"},
    ]});
    let (_, errors) = Policy::from_json(&doc.to_string());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].path, "rules[1].severity");
}

#[test]
fn a_rules_count_that_does_not_match_the_rules_that_arrived_is_an_error() {
    let two = json!([{"id": "a", "kind": "keywords", "terms": ["x"]}, {"id": "b", "kind": "keywords", "terms": ["y"]}]);
    let (_, errors) = Policy::from_json(&json!({"rules_count": 2, "rules": two}).to_string());
    assert!(errors.is_empty(), "{errors:?}");
    // Chromium dropped `rules`: present policy, no rules, and the count says there were two.
    let (_, errors) = Policy::from_json(&json!({"rules_count": 2, "fail_mode": "closed"}).to_string());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].path, "rules_count");
    assert!(errors[0].message.contains("none arrived"), "{}", errors[0].message);
    let (_, errors) = Policy::from_json(&json!({"rules_count": 3, "rules": two}).to_string());
    assert_eq!(errors[0].path, "rules_count");
    let (_, errors) = Policy::from_json(&json!({"rules_count": "2"}).to_string());
    assert_eq!(errors[0].path, "rules_count");
}

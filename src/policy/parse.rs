//! Reads a policy document into a [`PolicyLayer`]: every value checked, every problem reported
//! with its place (`rules[3].pattern: unclosed group at 7`), every valid part kept.
//!
//! A layer only holds what the document says. [`super::Policy::apply`] lays it over a complete
//! policy (the shipped default, later the managed and user layers of issue 7), so a document may
//! leave out anything it does not want to change.

use super::types::*;
use super::PolicyError;
use crate::text::detectors::DETECTOR_IDS;
use serde_json::{Map, Value};

/// Top-level keys of a policy document (the managed-storage schema must list exactly these).
pub const TOP_LEVEL_KEYS: &[&str] = &[
    "version",
    "sites",
    "detectors",
    "rules",
    "rules_count",
    "disclosure",
    "uploads",
    "submit",
    "tickets",
    "support_url",
    "policy_url",
    "fail_mode",
    "company_account",
];
/// Keys of one `detectors.<id>` object.
pub const DETECTOR_KEYS: &[&str] = &["enabled", "severity", "min_confidence", "context_chars"];
/// Keys of one `rules[i]` object.
pub const RULE_KEYS: &[&str] = &[
    "id",
    "enabled",
    "kind",
    "terms",
    "pattern",
    "builtin",
    "severity",
    "category",
    "message",
    "link",
    "sites",
    "exceptions",
];
pub const EXCEPTION_KEYS: &[&str] = &["terms", "email_domains"];
pub const DISCLOSURE_KEYS: &[&str] = &["brands", "tags", "severity", "message", "link"];
pub const UPLOADS_KEYS: &[&str] = &["action", "strip_mode"];
pub const SUBMIT_KEYS: &[&str] = &["allow_post_anyway", "require_justification"];
pub const TICKETS_KEYS: &[&str] = &[
    "adapter",
    "endpoint",
    "token",
    "username",
    "queue",
    "service_desk_id",
    "request_type_id",
    "caller_id",
    "category",
    "hmac_secret",
    "email_to",
    "reporter_email",
    "reporter_name",
    "audit_endpoint",
    "audit_format",
    "audit_token",
    "retry",
];

/// `tickets.retry`: the queue's retry timing, each a whole number of seconds within its range.
pub const RETRY_KEYS: &[(&str, u64, u64)] = &[
    ("initial_delay_seconds", 1, 86_400),
    ("max_delay_seconds", 1, 86_400),
    ("timeout_seconds", 1, 300),
];

/// `tickets.audit_format`: how "Post anyway" records reach an audit endpoint.
pub const AUDIT_FORMATS: &[&str] = &["json", "splunk_hec"];
pub const RULE_KINDS: &[&str] = &["keywords", "regex", "builtin"];

/// The policy document version this SafePost understands.
pub const SUPPORTED_VERSION: u64 = 1;

/// Longest accepted term or pattern (characters): a policy is written by people, not generated.
const MAX_TERM_CHARS: usize = 200;
const MAX_PATTERN_CHARS: usize = 2000;

/// What one document says, validated. `None` means "not said here".
#[derive(Clone, Debug, Default)]
pub struct PolicyLayer {
    pub version: Option<u32>,
    pub sites: Option<Vec<String>>,
    pub detectors: Vec<DetectorLayer>,
    pub rules: Vec<RuleLayer>,
    pub disclosure: DisclosureLayer,
    pub uploads_action: Option<UploadAction>,
    pub uploads_strip_mode: Option<StripMode>,
    pub allow_post_anyway: Option<bool>,
    pub require_justification: Option<bool>,
    pub tickets: Option<Tickets>,
    pub support_url: Option<String>,
    pub policy_url: Option<String>,
    pub fail_mode: Option<FailMode>,
    pub company_account: Option<super::company_account::CompanyAccountLayer>,
}

#[derive(Clone, Debug)]
pub struct DetectorLayer {
    pub id: String,
    pub enabled: Option<bool>,
    pub severity: Option<Severity>,
    pub min_confidence: Option<Confidence>,
    pub context_chars: Option<usize>,
}

#[derive(Clone, Debug)]
pub struct RuleLayer {
    /// Place in the document (`rules[index]`), for errors found while applying.
    pub index: usize,
    pub id: String,
    pub enabled: Option<bool>,
    pub kind: Option<RuleKind>,
    /// The document gave a kind (or its terms/pattern/builtin) but it was invalid: already reported.
    pub kind_invalid: bool,
    pub severity: Option<Severity>,
    pub category: Option<Category>,
    pub message: Option<String>,
    pub link: Option<String>,
    pub sites: Option<Vec<String>>,
    pub exceptions: Option<Exceptions>,
}

#[derive(Clone, Debug, Default)]
pub struct DisclosureLayer {
    pub brands: Option<Vec<String>>,
    pub tags: Option<Vec<String>>,
    pub severity: Option<Severity>,
    pub message: Option<String>,
    pub link: Option<String>,
}

pub(super) struct Ctx {
    errors: Vec<PolicyError>,
}

impl Ctx {
    pub(super) fn err(&mut self, path: &str, message: impl Into<String>) {
        self.errors.push(PolicyError {
            path: path.to_string(),
            message: message.into(),
        });
    }

    pub(super) fn object<'a>(
        &mut self,
        path: &str,
        v: &'a Value,
        keys: &[&str],
    ) -> Option<&'a Map<String, Value>> {
        match v {
            Value::Object(map) => {
                for k in map.keys() {
                    if !keys.contains(&k.as_str()) {
                        self.err(
                            &join(path, k),
                            format!("unknown setting; expected one of: {}", keys.join(", ")),
                        );
                    }
                }
                Some(map)
            }
            other => {
                self.err(
                    path,
                    format!("expected an object, found {}", type_name(other)),
                );
                None
            }
        }
    }

    pub(super) fn string(&mut self, path: &str, v: &Value) -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            other => {
                self.err(
                    path,
                    format!("expected a string, found {}", type_name(other)),
                );
                None
            }
        }
    }

    pub(super) fn boolean(&mut self, path: &str, v: &Value) -> Option<bool> {
        match v {
            Value::Bool(b) => Some(*b),
            other => {
                self.err(
                    path,
                    format!("expected true or false, found {}", type_name(other)),
                );
                None
            }
        }
    }

    /// A string out of a fixed list; the error lists the choices.
    pub(super) fn choice<T>(
        &mut self,
        path: &str,
        v: &Value,
        names: &[&str],
        parse: impl Fn(&str) -> Option<T>,
    ) -> Option<T> {
        let s = self.string(path, v)?;
        let parsed = parse(&s);
        if parsed.is_none() {
            self.err(path, format!("{s:?} is not one of: {}", names.join(", ")));
        }
        parsed
    }

    fn severity(&mut self, path: &str, v: &Value) -> Option<Severity> {
        self.choice(path, v, Severity::NAMES, Severity::parse)
    }

    /// An array of strings; invalid items are reported and skipped, the rest kept.
    pub(super) fn strings(
        &mut self,
        path: &str,
        v: &Value,
        check: impl Fn(&str) -> Result<String, String>,
    ) -> Option<Vec<String>> {
        let Value::Array(items) = v else {
            self.err(
                path,
                format!("expected an array of strings, found {}", type_name(v)),
            );
            return None;
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let p = format!("{path}[{i}]");
            if let Some(s) = self.string(&p, item) {
                match check(&s) {
                    Ok(s) => out.push(s),
                    Err(msg) => self.err(&p, msg),
                }
            }
        }
        Some(out)
    }

    fn url(&mut self, path: &str, v: &Value, https_only: bool) -> Option<String> {
        let s = self.string(path, v)?;
        match check_url(&s, https_only) {
            Ok(()) => Some(s),
            Err(msg) => {
                self.err(path, msg);
                None
            }
        }
    }
}

pub(super) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

pub(super) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Parses a policy document. Never fails: a document that is not JSON is one error at `$`.
pub fn parse_document(json: &str) -> (PolicyLayer, Vec<PolicyError>) {
    let mut ctx = Ctx { errors: Vec::new() };
    let layer = match serde_json::from_str::<Value>(json) {
        Ok(v) => parse_value(&mut ctx, &v),
        Err(e) => {
            ctx.err("$", format!("not valid JSON: {e}"));
            PolicyLayer::default()
        }
    };
    (layer, ctx.errors)
}

/// Parses an already-decoded document (what `chrome.storage.managed.get()` returns).
pub fn parse_value_document(v: &Value) -> (PolicyLayer, Vec<PolicyError>) {
    let mut ctx = Ctx { errors: Vec::new() };
    let layer = parse_value(&mut ctx, v);
    (layer, ctx.errors)
}

fn parse_value(ctx: &mut Ctx, v: &Value) -> PolicyLayer {
    let mut layer = PolicyLayer::default();
    let Value::Object(_) = v else {
        ctx.err(
            "$",
            format!("a policy must be a JSON object, found {}", type_name(v)),
        );
        return layer;
    };
    let Some(top) = ctx.object("", v, TOP_LEVEL_KEYS) else {
        return layer;
    };

    if let Some(v) = top.get("version") {
        match v.as_u64() {
            Some(SUPPORTED_VERSION) => layer.version = Some(1),
            Some(n) => ctx.err(
                "version",
                format!("version {n} is not supported; this SafePost reads version {SUPPORTED_VERSION} (settings it knows still apply)"),
            ),
            None => ctx.err("version", format!("expected the number {SUPPORTED_VERSION}, found {}", type_name(v))),
        }
    }
    if let Some(v) = top.get("sites") {
        layer.sites = ctx.strings("sites", v, check_host);
    }
    if let Some(v) = top.get("detectors") {
        parse_detectors(ctx, v, &mut layer);
    }
    if let Some(v) = top.get("rules") {
        parse_rules(ctx, v, &mut layer);
    }
    if let Some(v) = top.get("rules_count") {
        check_rules_count(ctx, v, top.get("rules"));
    }
    if let Some(v) = top.get("disclosure") {
        parse_disclosure(ctx, v, &mut layer.disclosure);
    }
    if let Some(v) = top.get("uploads") {
        if let Some(m) = ctx.object("uploads", v, UPLOADS_KEYS) {
            if let Some(v) = m.get("action") {
                layer.uploads_action = ctx.choice(
                    "uploads.action",
                    v,
                    &["ask", "strip", "block"],
                    |s| match s {
                        "ask" => Some(UploadAction::Ask),
                        "strip" => Some(UploadAction::Strip),
                        "block" => Some(UploadAction::Block),
                        _ => None,
                    },
                );
            }
            if let Some(v) = m.get("strip_mode") {
                layer.uploads_strip_mode = ctx.choice(
                    "uploads.strip_mode",
                    v,
                    &["location", "identifying"],
                    |s| match s {
                        "location" => Some(StripMode::Location),
                        "identifying" => Some(StripMode::Identifying),
                        _ => None,
                    },
                );
            }
        }
    }
    if let Some(v) = top.get("submit") {
        if let Some(m) = ctx.object("submit", v, SUBMIT_KEYS) {
            if let Some(v) = m.get("allow_post_anyway") {
                layer.allow_post_anyway = ctx.boolean("submit.allow_post_anyway", v);
            }
            if let Some(v) = m.get("require_justification") {
                layer.require_justification = ctx.boolean("submit.require_justification", v);
            }
        }
    }
    if let Some(v) = top.get("tickets") {
        layer.tickets = parse_tickets(ctx, v);
    }
    if let Some(v) = top.get("support_url") {
        layer.support_url = ctx.url("support_url", v, false);
    }
    if let Some(v) = top.get("policy_url") {
        layer.policy_url = ctx.url("policy_url", v, false);
    }
    if let Some(v) = top.get("fail_mode") {
        let names = ["open", "warn", "closed"];
        layer.fail_mode = match v.as_str() {
            Some("open") => Some(FailMode::Open),
            Some("warn") => Some(FailMode::Warn),
            Some("closed") => Some(FailMode::Closed),
            // IT asked for a fail mode and mistyped it: the strictest one holds until it is fixed,
            // never the default that lets posts through.
            _ => {
                let found = match v {
                    Value::String(s) => format!("{s:?}"),
                    other => type_name(other).to_string(),
                };
                ctx.err(
                    "fail_mode",
                    format!("{found} is not one of: {}; SafePost fails closed (no posting while the core cannot load) until it is fixed", names.join(", ")),
                );
                Some(FailMode::Closed)
            }
        };
    }
    if let Some(v) = top.get("company_account") {
        layer.company_account = super::company_account::parse(ctx, v);
    }
    layer
}

/// `rules_count` is how many rules IT wrote. Chromium drops the whole `rules` setting when one
/// value in it has the wrong type, before SafePost sees it; comparing the count with what arrived
/// turns that silent loss into an error with a place.
fn check_rules_count(ctx: &mut Ctx, v: &Value, rules: Option<&Value>) {
    let Some(n) = v.as_u64() else {
        ctx.err("rules_count", format!("expected a whole number, found {}", type_name(v)));
        return;
    };
    let arrived = match rules {
        Some(Value::Array(list)) => list.len() as u64,
        _ => 0,
    };
    if n == arrived {
        return;
    }
    let message = if arrived == 0 {
        format!("the policy lists {n} company rule(s) but none arrived: the browser dropped the whole rules setting, usually because one rule has a value of the wrong type (a list written as text, true or false in quotes); chrome://policy names it. No company rule applies until it is fixed")
    } else {
        format!("the policy lists {n} company rule(s) but {arrived} arrived: check rules and rules_count in the policy")
    };
    ctx.err("rules_count", message);
}

fn parse_detectors(ctx: &mut Ctx, v: &Value, layer: &mut PolicyLayer) {
    let Value::Object(map) = v else {
        ctx.err(
            "detectors",
            format!(
                "expected an object of detector settings, found {}",
                type_name(v)
            ),
        );
        return;
    };
    for (id, setting) in map {
        let path = format!("detectors.{id}");
        if !DETECTOR_IDS.contains(&id.as_str()) {
            ctx.err(
                &path,
                format!(
                    "unknown detector; known detectors: {}",
                    DETECTOR_IDS.join(", ")
                ),
            );
            continue;
        }
        let Some(m) = ctx.object(&path, setting, DETECTOR_KEYS) else {
            continue;
        };
        let enabled = m
            .get("enabled")
            .and_then(|v| ctx.boolean(&join(&path, "enabled"), v));
        let severity = m
            .get("severity")
            .and_then(|v| ctx.severity(&join(&path, "severity"), v));
        let min_confidence = m.get("min_confidence").and_then(|v| {
            ctx.choice(
                &join(&path, "min_confidence"),
                v,
                Confidence::NAMES,
                Confidence::parse,
            )
        });
        let context_chars = m.get("context_chars").and_then(|v| {
            let p = join(&path, "context_chars");
            match v.as_u64() {
                Some(n) if n as usize <= MAX_CONTEXT_CHARS => Some(n as usize),
                Some(n) => {
                    ctx.err(
                        &p,
                        format!("{n} is too far; use 0 to {MAX_CONTEXT_CHARS} characters"),
                    );
                    None
                }
                None => {
                    ctx.err(
                        &p,
                        format!(
                            "expected a number of characters (0 to {MAX_CONTEXT_CHARS}), found {}",
                            type_name(v)
                        ),
                    );
                    None
                }
            }
        });
        layer.detectors.push(DetectorLayer {
            id: id.clone(),
            enabled,
            severity,
            min_confidence,
            context_chars,
        });
    }
}

fn parse_rules(ctx: &mut Ctx, v: &Value, layer: &mut PolicyLayer) {
    let Value::Array(items) = v else {
        ctx.err(
            "rules",
            format!("expected an array of rules, found {}", type_name(v)),
        );
        return;
    };
    for (i, item) in items.iter().enumerate() {
        let path = format!("rules[{i}]");
        let Some(m) = ctx.object(&path, item, RULE_KEYS) else {
            continue;
        };
        let id = match m.get("id") {
            Some(v) => match ctx.string(&join(&path, "id"), v) {
                Some(s) => match check_rule_id(&s) {
                    Ok(()) => s,
                    Err(msg) => {
                        ctx.err(&join(&path, "id"), format!("{msg}; this rule is ignored"));
                        continue;
                    }
                },
                None => continue,
            },
            None => {
                ctx.err(&join(&path, "id"), "missing; every rule needs an id (letters, digits, - _ .); this rule is ignored");
                continue;
            }
        };
        if let Some(first) = layer.rules.iter().find(|r| r.id == id) {
            ctx.err(
                &join(&path, "id"),
                format!(
                    "duplicate id {id:?} (first used by rules[{}]); this rule is ignored",
                    first.index
                ),
            );
            continue;
        }
        let mut rule = RuleLayer {
            index: i,
            id,
            enabled: None,
            kind: None,
            kind_invalid: false,
            severity: None,
            category: None,
            message: None,
            link: None,
            sites: None,
            exceptions: None,
        };
        if let Some(v) = m.get("enabled") {
            rule.enabled = ctx.boolean(&join(&path, "enabled"), v);
        }
        parse_rule_kind(ctx, &path, m, &mut rule);
        if let Some(v) = m.get("severity") {
            rule.severity = ctx.severity(&join(&path, "severity"), v);
        }
        if let Some(v) = m.get("category") {
            rule.category = ctx.choice(
                &join(&path, "category"),
                v,
                Category::NAMES,
                Category::parse,
            );
        }
        if let Some(v) = m.get("message") {
            rule.message = ctx.string(&join(&path, "message"), v).and_then(|s| {
                let s = s.trim().to_string();
                if s.is_empty() {
                    ctx.err(
                        &join(&path, "message"),
                        "is empty; write what the user should know",
                    );
                    None
                } else {
                    Some(s)
                }
            });
        }
        if let Some(v) = m.get("link") {
            rule.link = ctx.url(&join(&path, "link"), v, false);
        }
        if let Some(v) = m.get("sites") {
            rule.sites = ctx.strings(&join(&path, "sites"), v, check_host);
        }
        if let Some(v) = m.get("exceptions") {
            rule.exceptions = parse_exceptions(ctx, &join(&path, "exceptions"), v);
        }
        layer.rules.push(rule);
    }
}

fn parse_rule_kind(ctx: &mut Ctx, path: &str, m: &Map<String, Value>, rule: &mut RuleLayer) {
    let given: Vec<&str> = ["terms", "pattern", "builtin"]
        .into_iter()
        .filter(|k| m.contains_key(*k))
        .collect();
    let Some(kv) = m.get("kind") else {
        if !given.is_empty() {
            ctx.err(
                &join(path, "kind"),
                format!(
                    "missing; a rule with {} needs \"kind\": one of {}",
                    given[0],
                    RULE_KINDS.join(", ")
                ),
            );
            rule.kind_invalid = true;
        }
        return;
    };
    let Some(kind) = ctx.choice(&join(path, "kind"), kv, RULE_KINDS, |s| {
        RULE_KINDS.iter().find(|k| **k == s).copied()
    }) else {
        rule.kind_invalid = true;
        return;
    };
    let wanted = match kind {
        "keywords" => "terms",
        "regex" => "pattern",
        _ => "builtin",
    };
    for other in given.iter().filter(|k| **k != wanted) {
        ctx.err(
            &join(path, other),
            format!("not used by a {kind} rule (it reads \"{wanted}\")"),
        );
    }
    let field_path = join(path, wanted);
    let Some(v) = m.get(wanted) else {
        ctx.err(
            &field_path,
            format!("missing; a {kind} rule needs \"{wanted}\""),
        );
        rule.kind_invalid = true;
        return;
    };
    rule.kind = match kind {
        "keywords" => match ctx.strings(&field_path, v, check_term) {
            Some(terms) if !terms.is_empty() => Some(RuleKind::Keywords { terms }),
            Some(_) => {
                if v.as_array().is_some_and(|a| a.is_empty()) {
                    ctx.err(&field_path, "is empty; list at least one word or phrase");
                }
                None
            }
            None => None,
        },
        "regex" => ctx
            .string(&field_path, v)
            .and_then(|p| match check_pattern(&p) {
                Ok(()) => Some(RuleKind::Regex { pattern: p }),
                Err(msg) => {
                    ctx.err(&field_path, msg);
                    None
                }
            }),
        _ => ctx.string(&field_path, v).and_then(|b| {
            if DETECTOR_IDS.contains(&b.as_str()) {
                Some(RuleKind::Builtin { builtin: b })
            } else {
                ctx.err(
                    &field_path,
                    format!(
                        "{b:?} is not a built-in detector; known: {}",
                        DETECTOR_IDS.join(", ")
                    ),
                );
                None
            }
        }),
    };
    if rule.kind.is_none() {
        rule.kind_invalid = true;
    }
}

fn parse_exceptions(ctx: &mut Ctx, path: &str, v: &Value) -> Option<Exceptions> {
    let m = ctx.object(path, v, EXCEPTION_KEYS)?;
    let mut ex = Exceptions::default();
    if let Some(v) = m.get("terms") {
        ex.terms = ctx
            .strings(&join(path, "terms"), v, check_term)
            .unwrap_or_default();
    }
    if let Some(v) = m.get("email_domains") {
        ex.email_domains = ctx
            .strings(&join(path, "email_domains"), v, check_host)
            .unwrap_or_default();
    }
    Some(ex)
}

fn parse_disclosure(ctx: &mut Ctx, v: &Value, d: &mut DisclosureLayer) {
    let Some(m) = ctx.object("disclosure", v, DISCLOSURE_KEYS) else {
        return;
    };
    if let Some(v) = m.get("brands") {
        d.brands = ctx.strings("disclosure.brands", v, check_term);
    }
    if let Some(v) = m.get("tags") {
        d.tags = ctx.strings("disclosure.tags", v, check_term);
    }
    if let Some(v) = m.get("severity") {
        d.severity = ctx.severity("disclosure.severity", v);
    }
    if let Some(v) = m.get("message") {
        d.message = ctx.string("disclosure.message", v);
    }
    if let Some(v) = m.get("link") {
        d.link = ctx.url("disclosure.link", v, false);
    }
}

/// `tickets.retry`: only the keys given, each checked against its range (seconds).
fn parse_retry(ctx: &mut Ctx, v: &Value) -> Option<TicketRetry> {
    let names: Vec<&str> = RETRY_KEYS.iter().map(|(k, _, _)| *k).collect();
    let m = ctx.object("tickets.retry", v, &names)?;
    let mut out = TicketRetry::default();
    for (key, lo, hi) in RETRY_KEYS {
        let Some(v) = m.get(*key) else { continue };
        let Some(n) = v.as_u64().filter(|n| (*lo..=*hi).contains(n)) else {
            ctx.err(
                &format!("tickets.retry.{key}"),
                format!("expected a whole number of seconds from {lo} to {hi}, found {}", shown(v)),
            );
            continue;
        };
        let slot = match *key {
            "initial_delay_seconds" => &mut out.initial_delay_seconds,
            "max_delay_seconds" => &mut out.max_delay_seconds,
            _ => &mut out.timeout_seconds,
        };
        *slot = Some(n);
    }
    Some(out)
}

/// A JSON value as an error message shows it: numbers and strings as written, else the type.
fn shown(v: &Value) -> String {
    match v {
        // Whole numbers as written; others by type (printing floats would pull float
        // formatting into the wasm core).
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => u.to_string(),
            (None, Some(i)) => i.to_string(),
            _ => "a fractional number".to_string(),
        },
        Value::String(s) => format!("{s:?}"),
        other => type_name(other).to_string(),
    }
}

fn parse_tickets(ctx: &mut Ctx, v: &Value) -> Option<Tickets> {
    let m = ctx.object("tickets", v, TICKETS_KEYS)?;
    let adapter = match m.get("adapter") {
        Some(v) => ctx.choice(
            "tickets.adapter",
            v,
            TicketAdapter::NAMES,
            TicketAdapter::parse,
        ),
        None => {
            ctx.err(
                "tickets.adapter",
                format!("missing; one of: {}", TicketAdapter::NAMES.join(", ")),
            );
            None
        }
    };
    let endpoint = m
        .get("endpoint")
        .and_then(|v| ctx.url("tickets.endpoint", v, true));
    let audit_endpoint = m
        .get("audit_endpoint")
        .and_then(|v| ctx.url("tickets.audit_endpoint", v, true));
    let audit_format = m.get("audit_format").and_then(|v| {
        ctx.choice("tickets.audit_format", v, AUDIT_FORMATS, |s| {
            AUDIT_FORMATS.contains(&s).then(|| s.to_string())
        })
    });
    let mut text = |key: &str| -> Option<String> {
        let v = m.get(key)?;
        let s = ctx.string(&format!("tickets.{key}"), v)?;
        if s.trim().is_empty() {
            ctx.err(&format!("tickets.{key}"), "is empty");
            return None;
        }
        Some(s)
    };
    let t = Tickets {
        adapter: adapter?,
        endpoint,
        token: text("token"),
        username: text("username"),
        queue: text("queue"),
        service_desk_id: text("service_desk_id"),
        request_type_id: text("request_type_id"),
        caller_id: text("caller_id"),
        category: text("category"),
        hmac_secret: text("hmac_secret"),
        email_to: text("email_to"),
        reporter_email: text("reporter_email"),
        reporter_name: text("reporter_name"),
        audit_endpoint,
        audit_format,
        audit_token: text("audit_token"),
        retry: m.get("retry").and_then(|v| parse_retry(ctx, v)),
    };
    if let Some(to) = &t.reporter_email {
        if check_email(to).is_err() {
            ctx.err(
                "tickets.reporter_email",
                format!("{to:?} is not an e-mail address"),
            );
        }
    }
    if let Some(to) = &t.email_to {
        if check_email(to).is_err() {
            ctx.err(
                "tickets.email_to",
                format!("{to:?} is not an e-mail address"),
            );
        }
    }
    // What each adapter cannot work without.
    let needs: &[(&str, bool)] = match t.adapter {
        TicketAdapter::Email => &[("email_to", t.email_to.is_some())],
        TicketAdapter::JiraServiceManagement => &[
            ("endpoint", t.endpoint.is_some()),
            ("service_desk_id", t.service_desk_id.is_some()),
            ("request_type_id", t.request_type_id.is_some()),
        ],
        TicketAdapter::RequestTracker => &[
            ("endpoint", t.endpoint.is_some()),
            ("queue", t.queue.is_some()),
        ],
        _ => &[("endpoint", t.endpoint.is_some())],
    };
    let mut complete = true;
    for (key, ok) in needs {
        if !ok {
            complete = false;
            if !m.contains_key(*key) {
                ctx.err(
                    &format!("tickets.{key}"),
                    format!("missing; the {} adapter needs it", adapter_name(t.adapter)),
                );
            }
        }
    }
    complete.then_some(t)
}

fn adapter_name(a: TicketAdapter) -> &'static str {
    match a {
        TicketAdapter::Servicenow => "servicenow",
        TicketAdapter::JiraServiceManagement => "jira_service_management",
        TicketAdapter::Zendesk => "zendesk",
        TicketAdapter::RequestTracker => "request_tracker",
        TicketAdapter::Webhook => "webhook",
        TicketAdapter::Email => "email",
    }
}

// ---------------------------------------------------------------- value checks

fn check_rule_id(s: &str) -> Result<(), String> {
    if s.is_empty() || s.len() > 64 {
        return Err("must be 1 to 64 characters".into());
    }
    if !s
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
    {
        return Err(format!("{s:?} may use only letters, digits, - _ ."));
    }
    Ok(())
}

pub(super) fn check_term(s: &str) -> Result<String, String> {
    if s.chars().count() > MAX_TERM_CHARS {
        return Err(format!("longer than {MAX_TERM_CHARS} characters"));
    }
    if crate::text::normalize::fold_term(s).is_empty() {
        return Err("is empty once spaces and invisible characters are removed".into());
    }
    Ok(s.to_string())
}

/// Checks a rule pattern the way the scanner will compile it; the message gives the character
/// position (`unclosed group at 7`).
pub fn check_pattern(p: &str) -> Result<(), String> {
    if p.chars().count() > MAX_PATTERN_CHARS {
        return Err(format!("longer than {MAX_PATTERN_CHARS} characters"));
    }
    let hir = crate::text::matcher::parse_pattern(p).map_err(|e| describe_regex_error(p, &e))?;
    if hir.properties().minimum_len() == Some(0) {
        return Err(
            "can match empty text, which would flag every post; require at least one character"
                .into(),
        );
    }
    Ok(())
}

/// `unclosed group at 7`: the error kind and the character position in the pattern.
fn describe_regex_error(pattern: &str, e: &regex_syntax::Error) -> String {
    let (kind, offset) = match e {
        regex_syntax::Error::Parse(e) => (e.kind().to_string(), e.span().start.offset),
        regex_syntax::Error::Translate(e) => (e.kind().to_string(), e.span().start.offset),
        other => (other.to_string(), 0),
    };
    let at = pattern.get(..offset).map_or(offset, |s| s.chars().count());
    if kind.contains("Unicode") && kind.contains("not found") {
        return format!("{kind} at {at} (this build knows \\w \\d \\s \\b and case folding, not \\p{{..}} classes)");
    }
    format!("{kind} at {at}")
}

/// A host name as IT writes it in `sites` or `email_domains`: `linkedin.com`, no scheme or path.
pub(super) fn check_host(s: &str) -> Result<String, String> {
    let h = s.trim().trim_end_matches('.').to_ascii_lowercase();
    let labels_ok = !h.is_empty()
        && h.len() <= 253
        && h.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    if labels_ok {
        Ok(h)
    } else {
        Err(format!(
            "{s:?} is not a host name; write only the host, such as linkedin.com"
        ))
    }
}

fn check_email(s: &str) -> Result<(), ()> {
    let (local, domain) = s.rsplit_once('@').ok_or(())?;
    if local.is_empty()
        || local.contains(char::is_whitespace)
        || check_host(domain).is_err()
        || !domain.contains('.')
    {
        return Err(());
    }
    Ok(())
}

/// `https://host/...` (or `http://` when allowed); with `https_only`, plain http only on loopback.
fn check_url(s: &str, https_only: bool) -> Result<(), String> {
    if s.starts_with("mailto:") && !https_only {
        return check_email(&s["mailto:".len()..])
            .map_err(|_| format!("{s:?} is not a valid mailto: link"));
    }
    let (scheme, rest) = s
        .split_once("://")
        .ok_or_else(|| format!("{s:?} is not an absolute URL (https://...)"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    if host.is_empty() || s.contains(char::is_whitespace) {
        return Err(format!("{s:?} is not a valid URL"));
    }
    let loopback = host == "localhost" || host == "::1" || host.starts_with("127.");
    match scheme {
        "https" => Ok(()),
        "http" if !https_only || loopback => Ok(()),
        "http" => Err(format!(
            "{s:?} must use https (plain http is allowed only on localhost for tests)"
        )),
        other => Err(format!("{s:?}: scheme {other:?} is not allowed; use https")),
    }
}

//! The company-account layer (`company_account` in a policy document): what may be said *as the
//! company* differs from what an employee may say as themselves.
//!
//! IT names the company's accounts per site (handles, page or organisation ids, display names)
//! and gives them rules of their own that add to the normal policy (topic terms, profanity at
//! `block`, a confirmation for every post, disclosure). The extension observes which account is
//! active in the composer (the per-site detection table in `extension/content/accounts-table.js`,
//! which IT may extend or override here under `detection`) and asks [`CompanyAccount::identify`]
//! whether that is a company account; posts written as one are checked with
//! [`CompanyAccount::company_policy`] through an [`AccountScanner`], whose findings say whether
//! they apply only because of the account.
//!
//! The layer only adds: a company-layer rule or detector that would turn off or lower what the
//! normal policy asks is reported and keeps its normal setting.

use super::parse::{
    check_host, check_term, join, parse_value_document, type_name, Ctx, PolicyLayer,
};
use super::{Policy, PolicyError};
use crate::text::{Finding, TextScanner};
use serde::Serialize;
use serde_json::{Map, Value};

/// Keys of the `company_account` object.
pub const COMPANY_ACCOUNT_KEYS: &[&str] = &[
    "accounts",
    "when_unknown",
    "confirm_every_post",
    "rules",
    "detectors",
    "disclosure",
    "submit",
    "detection",
];
/// The keys of `company_account` that are a policy layer of their own (read like the top level).
const LAYER_KEYS: &[&str] = &["rules", "detectors", "disclosure", "submit"];
/// Keys of one `company_account.accounts[i]`.
pub const ACCOUNT_KEYS: &[&str] = &["name", "sites", "handles", "ids", "display_names"];
/// Keys of one `company_account.detection.<site>` entry.
pub const DETECTION_KEYS: &[&str] = &["hosts", "paths", "probes"];
/// Keys of one probe (`detection.<site>.probes[i]`).
pub const PROBE_KEYS: &[&str] = &["selector", "url", "read", "field", "pattern"];
pub const WHEN_UNKNOWN: &[&str] = &["personal", "company"];
pub const FIELDS: &[&str] = &["handle", "id", "name"];

const MAX_SELECTOR_CHARS: usize = 500;
const MAX_ACCOUNTS: usize = 200;

/// One account that speaks for the company.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Account {
    /// How SafePost names it to the user ("Posting as Contoso").
    pub name: String,
    /// Host names the account lives on (and their subdomains): `x.com`, `linkedin.com`.
    pub sites: Vec<String>,
    /// Handles, without `@`, compared case-insensitively (`contoso`, `contoso@mastodon.social`).
    pub handles: Vec<String>,
    /// Page or organisation ids as the site writes them (`urn:li:organization:1234`, `1234`).
    pub ids: Vec<String>,
    /// Display names, compared case- and space-insensitively.
    pub display_names: Vec<String>,
}

/// What to do when SafePost cannot tell which account is active.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WhenUnknown {
    /// Check the post with the normal policy (and say the account is unknown).
    Personal,
    /// Check the post with the company layer too: the stricter choice.
    Company,
}

/// Which account field an observed value is compared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Field {
    Handle,
    Id,
    Name,
}

/// One way of reading the active account off a page: a CSS selector (and what of the element to
/// read) or a URL path pattern; `pattern` picks the value out of what was read (`{value}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Probe {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selector: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// `text` or an attribute name (`aria-label`, `href`, `data-testid`).
    pub read: String,
    pub field: Field,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
}

/// IT's entry for one site of the detection table: each field given replaces the shipped one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SiteDetection {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hosts: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paths: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probes: Option<Vec<Probe>>,
}

/// The company layers read so far, in order (kept as layers so that they apply over the final
/// normal policy, whatever later documents change in it).
#[derive(Clone, Debug, Default)]
pub struct CompanyLayers(pub Vec<PolicyLayer>);

impl PartialEq for CompanyLayers {
    fn eq(&self, other: &Self) -> bool {
        format!("{:?}", self.0) == format!("{:?}", other.0)
    }
}
impl Eq for CompanyLayers {}

/// The effective `company_account` setting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CompanyAccount {
    pub accounts: Vec<Account>,
    pub when_unknown: WhenUnknown,
    pub confirm_every_post: bool,
    /// IT's additions and overrides to the shipped detection table, by site id (a list, not a
    /// map: a few entries, and no map code in every tab's wasm).
    pub detection: Vec<(String, SiteDetection)>,
    #[serde(skip)]
    pub layers: CompanyLayers,
}

impl Default for CompanyAccount {
    fn default() -> Self {
        CompanyAccount {
            accounts: Vec::new(),
            when_unknown: WhenUnknown::Personal,
            confirm_every_post: false,
            detection: Vec::new(),
            layers: CompanyLayers::default(),
        }
    }
}

/// What one document says under `company_account`, validated.
#[derive(Clone, Debug, Default)]
pub struct CompanyAccountLayer {
    pub accounts: Option<Vec<Account>>,
    pub when_unknown: Option<WhenUnknown>,
    pub confirm_every_post: Option<bool>,
    pub detection: Vec<(String, SiteDetection)>,
    /// `rules`, `detectors`, `disclosure`, `submit`, read like the top level of a document.
    pub layer: Box<PolicyLayer>,
}

/// Whether a post is written as a company account, as far as SafePost can tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AccountStatus {
    Company,
    Personal,
    Unknown,
}

/// The answer of [`CompanyAccount::identify`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Identity {
    pub status: AccountStatus,
    /// The company account's name (status `company`).
    pub account: Option<String>,
    /// Whether the company layer applies (a company account, or unknown with `when_unknown: company`).
    pub company_rules: bool,
}

// ---------------------------------------------------------------- parsing

/// Reads `company_account`; errors are placed under `company_account.`.
pub(super) fn parse(ctx: &mut Ctx, v: &Value) -> Option<CompanyAccountLayer> {
    const P: &str = "company_account";
    let m = ctx.object(P, v, COMPANY_ACCOUNT_KEYS)?;
    let mut out = CompanyAccountLayer::default();
    if let Some(v) = m.get("accounts") {
        out.accounts = parse_accounts(ctx, v);
    }
    if let Some(v) = m.get("when_unknown") {
        out.when_unknown = ctx.choice(&join(P, "when_unknown"), v, WHEN_UNKNOWN, |s| match s {
            "personal" => Some(WhenUnknown::Personal),
            "company" => Some(WhenUnknown::Company),
            _ => None,
        });
    }
    if let Some(v) = m.get("confirm_every_post") {
        out.confirm_every_post = ctx.boolean(&join(P, "confirm_every_post"), v);
    }
    if let Some(v) = m.get("detection") {
        out.detection = parse_detection(ctx, v);
    }
    // The rule-like part is a policy layer of its own, read by the same parser.
    let nested: Map<String, Value> = LAYER_KEYS
        .iter()
        .filter_map(|k| m.get(*k).map(|v| (k.to_string(), v.clone())))
        .collect();
    if !nested.is_empty() {
        let (layer, errors) = parse_value_document(&Value::Object(nested));
        for e in errors {
            ctx.err(&join(P, &e.path), e.message);
        }
        out.layer = Box::new(layer);
    }
    Some(out)
}

fn parse_accounts(ctx: &mut Ctx, v: &Value) -> Option<Vec<Account>> {
    let Value::Array(items) = v else {
        ctx.err(
            "company_account.accounts",
            format!("expected an array of accounts, found {}", type_name(v)),
        );
        return None;
    };
    if items.len() > MAX_ACCOUNTS {
        ctx.err(
            "company_account.accounts",
            format!("more than {MAX_ACCOUNTS} accounts; only the first {MAX_ACCOUNTS} apply"),
        );
    }
    let mut out = Vec::new();
    for (i, item) in items.iter().take(MAX_ACCOUNTS).enumerate() {
        let path = format!("company_account.accounts[{i}]");
        let Some(m) = ctx.object(&path, item, ACCOUNT_KEYS) else {
            continue;
        };
        let name = match m.get("name") {
            Some(v) => ctx.string(&join(&path, "name"), v).and_then(|s| {
                let s = s.trim().to_string();
                if s.is_empty() || s.chars().count() > 120 || s.chars().any(char::is_control) {
                    ctx.err(
                        &join(&path, "name"),
                        "must be 1 to 120 characters, the name the user knows the account by",
                    );
                    None
                } else {
                    Some(s)
                }
            }),
            None => {
                ctx.err(&join(&path, "name"), "missing; every account needs a name (shown as \u{201c}Posting as NAME\u{201d})");
                None
            }
        };
        let sites = match m.get("sites") {
            Some(v) => ctx
                .strings(&join(&path, "sites"), v, check_host)
                .unwrap_or_default(),
            None => Vec::new(),
        };
        if sites.is_empty() && !m.contains_key("sites") {
            ctx.err(
                &join(&path, "sites"),
                "missing; list the host names the account is on, such as x.com",
            );
        }
        let mut list = |key: &str, check: fn(&str) -> Result<String, String>| match m.get(key) {
            Some(v) => ctx.strings(&join(&path, key), v, check).unwrap_or_default(),
            None => Vec::new(),
        };
        let handles = list("handles", check_handle);
        let ids = list("ids", check_id);
        let display_names = list("display_names", check_term);
        if handles.is_empty() && ids.is_empty() && display_names.is_empty() {
            ctx.err(
                &path,
                "names no handle, id or display name: SafePost could never recognise this account",
            );
            continue;
        }
        let (Some(name), false) = (name, sites.is_empty()) else {
            continue;
        };
        out.push(Account {
            name,
            sites,
            handles,
            ids,
            display_names,
        });
    }
    Some(out)
}

fn check_handle(s: &str) -> Result<String, String> {
    let h = s.trim().trim_start_matches('@').to_lowercase();
    if h.is_empty() || h.len() > 120 || h.contains(|c: char| c.is_whitespace() || c.is_control()) {
        return Err(format!("{s:?} is not a handle (such as @contoso)"));
    }
    Ok(h)
}

fn check_id(s: &str) -> Result<String, String> {
    let id = s.trim();
    if id.is_empty() || id.len() > 200 || id.contains(|c: char| c.is_whitespace() || c.is_control())
    {
        return Err(format!("{s:?} is not a page or organisation id"));
    }
    Ok(id.to_string())
}

fn parse_detection(ctx: &mut Ctx, v: &Value) -> Vec<(String, SiteDetection)> {
    const P: &str = "company_account.detection";
    let Value::Object(map) = v else {
        ctx.err(
            P,
            format!("expected an object of sites, found {}", type_name(v)),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for (site, entry) in map {
        let path = format!("{P}.{site}");
        if site.is_empty()
            || !site
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            ctx.err(&path, "a site id uses only lowercase letters, digits and _ (such as x, linkedin, viva_engage)");
            continue;
        }
        let Some(m) = ctx.object(&path, entry, DETECTION_KEYS) else {
            continue;
        };
        let mut d = SiteDetection::default();
        if let Some(v) = m.get("hosts") {
            d.hosts = ctx.strings(&join(&path, "hosts"), v, check_host);
        }
        if let Some(v) = m.get("paths") {
            d.paths = ctx.strings(&join(&path, "paths"), v, |s| {
                if s.starts_with('/') && !s.contains(char::is_whitespace) && s.len() <= 300 {
                    Ok(s.to_string())
                } else {
                    Err(format!("{s:?} is not a URL path (it starts with /)"))
                }
            });
        }
        if let Some(v) = m.get("probes") {
            d.probes = parse_probes(ctx, &join(&path, "probes"), v);
        }
        out.push((site.clone(), d));
    }
    out
}

fn parse_probes(ctx: &mut Ctx, path: &str, v: &Value) -> Option<Vec<Probe>> {
    let Value::Array(items) = v else {
        ctx.err(
            path,
            format!("expected an array of probes, found {}", type_name(v)),
        );
        return None;
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let p = format!("{path}[{i}]");
        let Some(m) = ctx.object(&p, item, PROBE_KEYS) else {
            continue;
        };
        let text = |ctx: &mut Ctx, key: &str, max: usize| -> Option<String> {
            let s = ctx.string(&join(&p, key), m.get(key)?)?;
            if s.trim().is_empty() || s.chars().count() > max {
                ctx.err(&join(&p, key), format!("must be 1 to {max} characters"));
                return None;
            }
            Some(s)
        };
        let selector = text(ctx, "selector", MAX_SELECTOR_CHARS);
        let url = text(ctx, "url", 300);
        let mut ok = true;
        match (
            &selector,
            &url,
            m.contains_key("selector"),
            m.contains_key("url"),
        ) {
            (_, _, true, true) => {
                ctx.err(
                    &p,
                    "has both selector and url; a probe reads the page or the URL, not both",
                );
                ok = false;
            }
            (_, _, false, false) => {
                ctx.err(&p, "needs a selector (a CSS selector) or a url (a path pattern such as /company/{value}/admin)");
                ok = false;
            }
            (None, None, _, _) => ok = false, // already reported
            _ => {}
        }
        if let Some(u) = &url {
            if !u.starts_with('/') || u.matches("{value}").count() != 1 {
                ctx.err(
                    &join(&p, "url"),
                    format!("{u:?} must be a path starting with / holding {{value}} once"),
                );
                ok = false;
            }
        }
        let read = match m.get("read") {
            Some(v) => ctx.string(&join(&p, "read"), v).and_then(|s| {
                let valid = s == "text"
                    || (!s.is_empty()
                        && s.len() <= 60
                        && s.bytes().all(|b| {
                            b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b':'
                        }));
                if valid {
                    Some(s)
                } else {
                    ctx.err(
                        &join(&p, "read"),
                        format!(
                            "{s:?} is neither \"text\" nor an attribute name (such as aria-label)"
                        ),
                    );
                    None
                }
            }),
            None => Some("text".to_string()),
        };
        let field = match m.get("field") {
            Some(v) => ctx.choice(&join(&p, "field"), v, FIELDS, |s| match s {
                "handle" => Some(Field::Handle),
                "id" => Some(Field::Id),
                "name" => Some(Field::Name),
                _ => None,
            }),
            None => {
                ctx.err(
                    &join(&p, "field"),
                    format!("missing; one of: {}", FIELDS.join(", ")),
                );
                None
            }
        };
        let pattern = match m.get("pattern") {
            Some(v) => ctx.string(&join(&p, "pattern"), v).and_then(|s| {
                if s.matches("{value}").count() == 1 && s.chars().count() <= 300 {
                    Some(s)
                } else {
                    ctx.err(&join(&p, "pattern"), format!("{s:?} must hold {{value}} exactly once (such as \"Posting as {{value}}\")"));
                    None
                }
            }),
            None => None,
        };
        if let (true, Some(read), Some(field)) = (ok, read, field) {
            if m.contains_key("pattern") && pattern.is_none() {
                continue;
            }
            out.push(Probe {
                selector,
                url,
                read,
                field,
                pattern,
            });
        }
    }
    Some(out)
}

// ---------------------------------------------------------------- applying and choosing

impl CompanyAccount {
    /// IT's detection entry for a site id, if any.
    pub fn detection_for(&self, site: &str) -> Option<&SiteDetection> {
        self.detection
            .iter()
            .find(|(s, _)| s == site)
            .map(|(_, d)| d)
    }

    /// Lays a document's `company_account` over this one; `base` is the normal policy as it
    /// stands. Returns the errors only visible against it (a looser setting, a rule without kind).
    pub(super) fn apply(&mut self, c: &CompanyAccountLayer, base: &Policy) -> Vec<PolicyError> {
        if let Some(a) = &c.accounts {
            self.accounts = a.clone();
        }
        if let Some(w) = c.when_unknown {
            self.when_unknown = w;
        }
        if let Some(b) = c.confirm_every_post {
            self.confirm_every_post = b;
        }
        for (site, d) in &c.detection {
            let i = match self.detection.iter().position(|(s, _)| s == site) {
                Some(i) => i,
                None => {
                    self.detection
                        .push((site.clone(), SiteDetection::default()));
                    self.detection.len() - 1
                }
            };
            let entry = &mut self.detection[i].1;
            if d.hosts.is_some() {
                entry.hosts = d.hosts.clone();
            }
            if d.paths.is_some() {
                entry.paths = d.paths.clone();
            }
            if d.probes.is_some() {
                entry.probes = d.probes.clone();
            }
        }
        let mut errors = Vec::new();
        let known = |id: &str| {
            base.rules.iter().any(|r| r.id == id)
                || self
                    .layers
                    .0
                    .iter()
                    .any(|l| l.rules.iter().any(|r| r.id == id && r.kind.is_some()))
        };
        for r in &c.layer.rules {
            let place = |f: &str| format!("company_account.rules[{}].{f}", r.index);
            if r.kind.is_none() && !r.kind_invalid && !known(&r.id) {
                errors.push(PolicyError {
                    path: place("kind"),
                    message: format!("missing; {:?} is not a rule of the normal policy, so it needs \"kind\": keywords, regex or builtin", r.id),
                });
            }
            if let Some(normal) = base.rules.iter().find(|x| x.id == r.id) {
                if r.enabled == Some(false) && normal.enabled {
                    errors.push(PolicyError { path: place("enabled"), message: "the company-account layer only adds: it cannot turn off a rule of the normal policy".into() });
                }
                if r.severity.is_some_and(|s| s < normal.severity) {
                    errors.push(PolicyError { path: place("severity"), message: format!("lower than the normal policy's {}; the company-account layer only adds, so {} stays", normal.severity, normal.severity) });
                }
            }
        }
        for d in &c.layer.detectors {
            let normal = base.detector(&d.id);
            let place = |f: &str| format!("company_account.detectors.{}.{f}", d.id);
            if d.enabled == Some(false) && normal.enabled {
                errors.push(PolicyError {
                    path: place("enabled"),
                    message: "the company-account layer only adds: it cannot turn off a detector"
                        .into(),
                });
            }
            if d.severity.is_some_and(|s| s < normal.severity) {
                errors.push(PolicyError {
                    path: place("severity"),
                    message: format!(
                        "lower than the normal policy's {}; the company-account layer only adds",
                        normal.severity
                    ),
                });
            }
        }
        // Applying the same layer again changes nothing (the shipped default read as a
        // document over itself, or one managed policy read twice).
        let repr = format!("{:?}", c.layer);
        if !self.layers.0.iter().any(|l| format!("{l:?}") == repr) {
            self.layers.0.push((*c.layer).clone());
        }
        errors
    }

    /// Whether IT named any company account on `host`.
    pub fn has_accounts_on(&self, host: &str) -> bool {
        self.accounts
            .iter()
            .any(|a| a.sites.iter().any(|s| super::host_matches(host, s)))
    }

    /// Which account an observed value (from a probe of the detection table) is, on `host`.
    /// `None` means nothing was observed.
    pub fn identify(&self, host: &str, observed: Option<(Field, &str)>) -> Identity {
        let unknown = Identity {
            status: AccountStatus::Unknown,
            account: None,
            company_rules: self.when_unknown == WhenUnknown::Company && self.has_accounts_on(host),
        };
        let Some((field, value)) = observed else {
            return unknown;
        };
        let value = value.trim();
        if value.is_empty() {
            return unknown;
        }
        let found = self
            .accounts
            .iter()
            .filter(|a| a.sites.iter().any(|s| super::host_matches(host, s)))
            .find(|a| match field {
                Field::Handle => {
                    let h = value.trim_start_matches('@').to_lowercase();
                    a.handles.contains(&h)
                }
                Field::Id => a.ids.iter().any(|x| x == value),
                Field::Name => {
                    let n = fold_name(value);
                    a.display_names.iter().any(|x| fold_name(x) == n)
                }
            });
        match found {
            Some(a) => Identity {
                status: AccountStatus::Company,
                account: Some(a.name.clone()),
                company_rules: true,
            },
            None => Identity {
                status: AccountStatus::Personal,
                account: None,
                company_rules: false,
            },
        }
    }
}

/// Display names compare case-insensitively with runs of spaces as one.
fn fold_name(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

impl Policy {
    /// The policy for posts written as a company account: this policy with the company layers
    /// laid over it. Whatever a company layer would turn off or lower keeps its normal setting.
    pub fn company_policy(&self) -> Policy {
        let mut p = self.clone();
        for layer in &self.company_account.layers.0 {
            let _ = p.apply(layer);
        }
        for normal in &self.rules {
            if let Some(r) = p.rules.iter_mut().find(|r| r.id == normal.id) {
                r.enabled |= normal.enabled;
                r.severity = r.severity.max(normal.severity);
            }
        }
        for (id, normal) in &self.detectors {
            if let Some(d) = p.detectors.get_mut(id) {
                d.enabled |= normal.enabled;
                d.severity = d.severity.max(normal.severity);
            }
        }
        p.disclosure.severity = p.disclosure.severity.max(self.disclosure.severity);
        if !self.submit.allow_post_anyway {
            p.submit.allow_post_anyway = false;
        }
        p.submit.require_justification |= self.submit.require_justification;
        p
    }
}

// ---------------------------------------------------------------- checking

/// A finding on a post written as a company account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AccountFinding {
    #[serde(flatten)]
    pub finding: Finding,
    /// True when the normal policy would not raise this (or not this strongly): it applies
    /// because of the account.
    pub because_account: bool,
}

/// Checks posts written as a company account: the company policy's findings, each marked with
/// whether it applies only because of the account.
pub struct AccountScanner {
    normal: TextScanner,
    company: TextScanner,
}

impl AccountScanner {
    pub fn new(policy: &Policy, site: Option<&str>) -> AccountScanner {
        AccountScanner {
            normal: TextScanner::new(policy, site),
            company: TextScanner::new(&policy.company_policy(), site),
        }
    }

    pub fn scan(&self, text: &str) -> Vec<AccountFinding> {
        let normal = self.normal.scan(text);
        self.company
            .scan(text)
            .into_iter()
            .map(|mut f| {
                let because_account = !normal.iter().any(|n| {
                    n.rule == f.rule
                        && n.start == f.start
                        && n.end == f.end
                        && n.severity >= f.severity
                });
                if f.message_key.is_none() && shipped_company_message(&f.rule, &f.message) {
                    f.message_key = Some(f.rule.clone());
                }
                AccountFinding {
                    finding: f,
                    because_account,
                }
            })
            .collect()
    }
}

/// True when `message` is the shipped company layer's own message for rule `id` (left as
/// shipped, so the extension may show it in the user's language: `finding_<id>`).
fn shipped_company_message(id: &str, message: &str) -> bool {
    static SHIPPED: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    let shipped = SHIPPED.get_or_init(|| {
        let normal = Policy::default_policy();
        normal
            .company_policy()
            .rules
            .into_iter()
            .filter(|r| !normal.rules.iter().any(|n| n.id == r.id))
            .map(|r| (r.id, r.message))
            .collect()
    });
    shipped.iter().any(|(i, m)| i == id && m == message)
}

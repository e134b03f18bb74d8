//! The company's social media policy: a versioned JSON document that IT writes.
//!
//! A document is read into a layer ([`parse`]) and laid over a complete policy with
//! [`Policy::apply`]. [`Policy::from_json`] lays one document over the shipped default policy
//! (`default.json`), so a document only says what it changes: detectors stay on, the default
//! rules stay present, unless the document turns them off (`"detectors": {"email": {"enabled":
//! false}}`, `"rules": [{"id": "offensive_language", "enabled": false}]`). A rule whose id is
//! already in the policy is changed field by field; a new id adds a rule.
//!
//! A bad policy never disables protection: every error is reported with its place and the valid
//! parts still apply.

pub mod company_account;
pub mod parse;
mod types;

pub use parse::{PolicyLayer, SUPPORTED_VERSION};
pub use types::*;

use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// The shipped default policy document.
pub const DEFAULT_POLICY_JSON: &str = include_str!("default.json");

/// A complete, validated policy: what the scanner and the extension read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Policy {
    pub version: u32,
    /// Extra host names SafePost should run on, besides the social sites it knows.
    pub sites: Vec<String>,
    /// Every built-in detector, by id.
    pub detectors: BTreeMap<String, DetectorSetting>,
    pub rules: Vec<Rule>,
    pub disclosure: Disclosure,
    pub uploads: Uploads,
    pub submit: Submit,
    pub tickets: Option<Tickets>,
    pub support_url: Option<String>,
    pub policy_url: Option<String>,
    pub fail_mode: FailMode,
    /// The company's accounts and the rules that add to this policy for posts written as them.
    pub company_account: company_account::CompanyAccount,
}

/// One problem in a policy document, with the place it was found (`rules[3].pattern`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PolicyError {
    pub path: String,
    pub message: String,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl std::error::Error for PolicyError {}

impl Policy {
    /// A policy with nothing in it but safe fallbacks; the base the default document is laid on.
    fn empty() -> Policy {
        let detectors = crate::text::detectors::DETECTOR_IDS
            .iter()
            .map(|id| (id.to_string(), DetectorSetting::on(Severity::Warn)))
            .collect();
        Policy {
            version: 1,
            sites: Vec::new(),
            detectors,
            rules: Vec::new(),
            disclosure: Disclosure {
                brands: Vec::new(),
                tags: Vec::new(),
                severity: Severity::Warn,
                message: String::new(),
                link: None,
            },
            uploads: Uploads {
                action: UploadAction::Ask,
                strip_mode: StripMode::Location,
            },
            submit: Submit {
                allow_post_anyway: true,
                require_justification: false,
            },
            tickets: None,
            support_url: None,
            policy_url: None,
            fail_mode: FailMode::Warn,
            company_account: company_account::CompanyAccount::default(),
        }
    }

    /// The policy shipped with SafePost, used when IT sets none.
    pub fn default_policy() -> Policy {
        let mut p = Policy::empty();
        let (layer, errors) = parse::parse_document(DEFAULT_POLICY_JSON);
        // The shipped document is checked by tests; whatever happens, what parsed applies.
        debug_assert!(errors.is_empty(), "default.json: {errors:?}");
        let _ = p.apply(&layer);
        p
    }

    /// Parses a policy document over the shipped defaults; returns the effective policy and
    /// every error with its place. The valid parts always apply.
    pub fn from_json(json: &str) -> (Policy, Vec<PolicyError>) {
        let (layer, mut errors) = parse::parse_document(json);
        let mut p = Policy::default_policy();
        errors.extend(p.apply(&layer));
        (p, errors)
    }

    /// Lays a parsed document over this policy: what the layer says wins. Returns the errors that
    /// only show against the policy below (a new rule without a kind).
    pub fn apply(&mut self, layer: &PolicyLayer) -> Vec<PolicyError> {
        let mut errors = Vec::new();
        if let Some(v) = layer.version {
            self.version = v;
        }
        if let Some(s) = &layer.sites {
            self.sites = s.clone();
        }
        for d in &layer.detectors {
            let setting = self
                .detectors
                .entry(d.id.clone())
                .or_insert(DetectorSetting::on(Severity::Warn));
            if let Some(e) = d.enabled {
                setting.enabled = e;
            }
            if let Some(s) = d.severity {
                setting.severity = s;
            }
            if let Some(c) = d.min_confidence {
                setting.min_confidence = c;
            }
            if let Some(n) = d.context_chars {
                setting.context_chars = n;
            }
        }
        for r in &layer.rules {
            if let Some(existing) = self.rules.iter_mut().find(|x| x.id == r.id) {
                if let Some(kind) = &r.kind {
                    existing.kind = kind.clone();
                }
                overlay_rule(existing, r);
                continue;
            }
            let Some(kind) = r.kind.clone() else {
                if !r.kind_invalid {
                    errors.push(PolicyError {
                        path: format!("rules[{}].kind", r.index),
                        message: format!(
                            "missing; {:?} is not a default rule, so it needs \"kind\": keywords, regex or builtin",
                            r.id
                        ),
                    });
                }
                continue;
            };
            let category = match &kind {
                RuleKind::Builtin { builtin } => crate::text::detectors::category_of(builtin),
                _ => Category::Confidential,
            };
            let mut rule = Rule {
                id: r.id.clone(),
                enabled: true,
                kind,
                severity: Severity::Warn,
                category,
                message: format!("This matches the company rule \u{201c}{}\u{201d}.", r.id),
                link: None,
                sites: Vec::new(),
                exceptions: Exceptions::default(),
            };
            overlay_rule(&mut rule, r);
            self.rules.push(rule);
        }
        let d = &layer.disclosure;
        if let Some(b) = &d.brands {
            self.disclosure.brands = b.clone();
        }
        if let Some(t) = &d.tags {
            self.disclosure.tags = t.clone();
        }
        if let Some(s) = d.severity {
            self.disclosure.severity = s;
        }
        if let Some(m) = &d.message {
            self.disclosure.message = m.clone();
        }
        if let Some(l) = &d.link {
            self.disclosure.link = Some(l.clone());
        }
        if let Some(a) = layer.uploads_action {
            self.uploads.action = a;
        }
        if let Some(m) = layer.uploads_strip_mode {
            self.uploads.strip_mode = m;
        }
        if let Some(b) = layer.allow_post_anyway {
            self.submit.allow_post_anyway = b;
        }
        if let Some(b) = layer.require_justification {
            self.submit.require_justification = b;
        }
        if let Some(t) = &layer.tickets {
            self.tickets = Some(t.clone());
        }
        if let Some(u) = &layer.support_url {
            self.support_url = Some(u.clone());
        }
        if let Some(u) = &layer.policy_url {
            self.policy_url = Some(u.clone());
        }
        if let Some(f) = layer.fail_mode {
            self.fail_mode = f;
        }
        if let Some(c) = &layer.company_account {
            let mut company = std::mem::take(&mut self.company_account);
            errors.extend(company.apply(c, self));
            self.company_account = company;
        }
        errors
    }

    /// The setting of a built-in detector (every id in `DETECTOR_IDS` has one).
    pub fn detector(&self, id: &str) -> DetectorSetting {
        self.detectors
            .get(id)
            .cloned()
            .unwrap_or(DetectorSetting::on(Severity::Warn))
    }
}

fn overlay_rule(rule: &mut Rule, r: &parse::RuleLayer) {
    if let Some(e) = r.enabled {
        rule.enabled = e;
    }
    if let Some(s) = r.severity {
        rule.severity = s;
    }
    if let Some(c) = r.category {
        rule.category = c;
    }
    if let Some(m) = &r.message {
        rule.message = m.clone();
    }
    if let Some(l) = &r.link {
        rule.link = Some(l.clone());
    }
    if let Some(s) = &r.sites {
        rule.sites = s.clone();
    }
    if let Some(x) = &r.exceptions {
        rule.exceptions = x.clone();
    }
}

//! The typed values of a policy: what the rest of SafePost reads once a document is validated.
//!
//! Every enum serialises as the lowercase string the policy document uses, so the effective
//! policy can be shown to IT (options page, `safepost policy check`) in the words they wrote.

use serde::Serialize;
use std::fmt;

/// How strongly a finding is raised: `info` (shown), `warn` (confirm before posting),
/// `block` (posting stops unless the policy lets the user post anyway).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warn,
    Block,
}

impl Severity {
    pub const NAMES: &'static [&'static str] = &["info", "warn", "block"];

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warn" => Some(Severity::Warn),
            "block" => Some(Severity::Block),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warn => "warn",
            Severity::Block => "block",
        }
    }

    /// One step lower (used for well-known test data: a test card number is not a leak).
    pub fn lowered(self) -> Severity {
        match self {
            Severity::Block => Severity::Warn,
            _ => Severity::Info,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What kind of harm a finding is about (issue 4's fixed list).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    PersonalData,
    Credential,
    Location,
    Confidential,
    Conduct,
    Disclosure,
}

impl Category {
    pub const NAMES: &'static [&'static str] = &[
        "personal_data",
        "credential",
        "location",
        "confidential",
        "conduct",
        "disclosure",
    ];

    pub fn parse(s: &str) -> Option<Category> {
        match s {
            "personal_data" => Some(Category::PersonalData),
            "credential" => Some(Category::Credential),
            "location" => Some(Category::Location),
            "confidential" => Some(Category::Confidential),
            "conduct" => Some(Category::Conduct),
            "disclosure" => Some(Category::Disclosure),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Category::PersonalData => "personal_data",
            Category::Credential => "credential",
            Category::Location => "location",
            Category::Confidential => "confidential",
            Category::Conduct => "conduct",
            Category::Disclosure => "disclosure",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How sure a detector is that a match is what it says (`low` / `medium` / `high`), as DLP
/// products grade it: a passed check digit or a distinctive format gives `medium`, corroborating
/// words nearby raise it one step, a bare weak shape (nine plain digits) stays `low`, and a
/// published test value is always `low`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub const NAMES: &'static [&'static str] = &["low", "medium", "high"];

    pub fn parse(s: &str) -> Option<Confidence> {
        match s {
            "low" => Some(Confidence::Low),
            "medium" => Some(Confidence::Medium),
            "high" => Some(Confidence::High),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }

    /// One step higher (corroborating words near the match).
    pub fn raised(self) -> Confidence {
        match self {
            Confidence::Low => Confidence::Medium,
            _ => Confidence::High,
        }
    }
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Default `detectors.<id>.min_confidence`: a weak shape alone is not reported.
pub const DEFAULT_MIN_CONFIDENCE: Confidence = Confidence::Medium;
/// Default `detectors.<id>.context_chars`: how far (characters, each side) corroborating words
/// are looked for.
pub const DEFAULT_CONTEXT_CHARS: usize = 40;
/// Largest accepted `context_chars` (a post's sentence, not the whole post).
pub const MAX_CONTEXT_CHARS: usize = 200;

/// A built-in detector's setting (`detectors.<id>`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DetectorSetting {
    pub enabled: bool,
    pub severity: Severity,
    /// Matches below this confidence are not reported.
    pub min_confidence: Confidence,
    /// Characters on each side of a match searched for corroborating words.
    pub context_chars: usize,
}

impl DetectorSetting {
    /// A detector on, at `severity`, with the default confidence threshold and context.
    pub fn on(severity: Severity) -> DetectorSetting {
        DetectorSetting {
            enabled: true,
            severity,
            min_confidence: DEFAULT_MIN_CONFIDENCE,
            context_chars: DEFAULT_CONTEXT_CHARS,
        }
    }
}

/// What a company rule matches.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum RuleKind {
    /// Words or phrases, matched case- and compatibility-insensitively on word boundaries.
    Keywords { terms: Vec<String> },
    /// A regular expression (Rust `regex` syntax), case-insensitive unless it says `(?-i)`.
    Regex { pattern: String },
    /// A built-in detector used with the rule's own severity, message, sites and exceptions.
    Builtin { builtin: String },
}

/// Matches a rule must not report.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Exceptions {
    /// Allowed phrases: a match inside one of them is not reported.
    pub terms: Vec<String>,
    /// Allowed e-mail domains (and their subdomains): an address there is not reported.
    pub email_domains: Vec<String>,
}

/// One company rule (`rules[i]`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Rule {
    pub id: String,
    pub enabled: bool,
    #[serde(flatten)]
    pub kind: RuleKind,
    pub severity: Severity,
    pub category: Category,
    pub message: String,
    pub link: Option<String>,
    /// Host names the rule applies to (and their subdomains); empty means every site.
    pub sites: Vec<String>,
    pub exceptions: Exceptions,
}

impl Rule {
    /// Whether the rule applies on `site` (`None`: the site is unknown, so every rule applies).
    pub fn applies_to(&self, site: Option<&str>) -> bool {
        match site {
            None => true,
            Some(host) => self.sites.is_empty() || self.sites.iter().any(|s| host_matches(host, s)),
        }
    }
}

/// `host` is `site` or one of its subdomains (`www.linkedin.com` matches `linkedin.com`).
pub fn host_matches(host: &str, site: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let site = site.trim_end_matches('.');
    host == site
        || (host.len() > site.len()
            && host.ends_with(site)
            && host.as_bytes()[host.len() - site.len() - 1] == b'.')
}

/// The rule that asks for a disclosure tag when a post names the employer's brands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Disclosure {
    pub brands: Vec<String>,
    pub tags: Vec<String>,
    pub severity: Severity,
    pub message: String,
    pub link: Option<String>,
}

/// What to do with a photo or video that reveals a location.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum UploadAction {
    Ask,
    Strip,
    Block,
}

/// How much metadata a strip removes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StripMode {
    Location,
    Identifying,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Uploads {
    pub action: UploadAction,
    pub strip_mode: StripMode,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Submit {
    /// A user may post despite a `block` finding (after confirming).
    pub allow_post_anyway: bool,
    /// Posting anyway needs a written justification.
    pub require_justification: bool,
}

/// Which service desk receives reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketAdapter {
    Servicenow,
    JiraServiceManagement,
    Zendesk,
    RequestTracker,
    Webhook,
    Email,
}

impl TicketAdapter {
    pub const NAMES: &'static [&'static str] = &[
        "servicenow",
        "jira_service_management",
        "zendesk",
        "request_tracker",
        "webhook",
        "email",
    ];

    pub fn parse(s: &str) -> Option<TicketAdapter> {
        match s {
            "servicenow" => Some(TicketAdapter::Servicenow),
            "jira_service_management" => Some(TicketAdapter::JiraServiceManagement),
            "zendesk" => Some(TicketAdapter::Zendesk),
            "request_tracker" => Some(TicketAdapter::RequestTracker),
            "webhook" => Some(TicketAdapter::Webhook),
            "email" => Some(TicketAdapter::Email),
            _ => None,
        }
    }
}

/// Ticket delivery (`tickets`). Secrets here should come from managed policy only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Tickets {
    pub adapter: TicketAdapter,
    /// Base URL of the service desk or the webhook URL (https, or http on loopback for tests).
    pub endpoint: Option<String>,
    pub token: Option<String>,
    pub username: Option<String>,
    pub queue: Option<String>,
    pub service_desk_id: Option<String>,
    pub request_type_id: Option<String>,
    pub caller_id: Option<String>,
    pub category: Option<String>,
    pub hmac_secret: Option<String>,
    pub email_to: Option<String>,
    /// The employee reports are filed for, when IT sets it per user or machine.
    pub reporter_email: Option<String>,
    pub reporter_name: Option<String>,
    /// Where "Post anyway" records go instead of the desk (https), in `audit_format`.
    pub audit_endpoint: Option<String>,
    pub audit_format: Option<String>,
    pub audit_token: Option<String>,
    /// The queue's retry timing (`tickets.retry`), when IT set it.
    pub retry: Option<TicketRetry>,
}

/// `tickets.retry`: seconds; only the values IT set (the extension's queue has the defaults).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TicketRetry {
    pub initial_delay_seconds: Option<u64>,
    pub max_delay_seconds: Option<u64>,
    pub timeout_seconds: Option<u64>,
}

/// What the extension does when the core cannot load.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FailMode {
    /// Let posts through silently.
    Open,
    /// Let posts through with a visible warning that checks are off.
    Warn,
    /// Stop posting until the core works.
    Closed,
}

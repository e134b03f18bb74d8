//! Credentials of the services a company's staff use (AI APIs, code hosting, package registries,
//! cloud, messaging, monitoring, productivity), one detector per service so IT can set each
//! one's severity.
//!
//! Every pattern is anchored on a literal of the provider's documented format (`sk-ant-api03-`,
//! `glpat-`, `hvs.`, `SG.`…; a suffix such as New Relic's `NRAL`, found by looking back), and
//! each detector lists the literals one of which every report holds (`Gate::Literals`): one
//! pass finds them for all services and each searches only around its own. A shape that says nothing alone
//! (a Datadog key is 32 hex digits) is *led* by the word that names it (`datadog`, `DD_API_KEY`)
//! and an assignment or a separator, and the value is the run of its alphabet at the end of the
//! candidate. Each candidate is then judged the same way ([`judge`]): not glued to other
//! letters, a structural check where the format has one (an embedded checksum, a decoded
//! header), and otherwise a random-looking body that is not a placeholder. The providers' own
//! published example values are reported as test data (one step lower).

use super::checksums::{self, Check};
use super::{
    char_at, char_before, entropy, looks_like_placeholder, Cand, Detector, Gate, Hit, Redaction,
};
use crate::policy::Category;

/// A literal inside the value, how many alphabet characters come before it, and the alphabet.
type LookBack = (&'static str, usize, fn(u8) -> bool);

/// How one service's candidates are judged.
struct Spec {
    /// Bytes at the start of the value that are its fixed prefix (not judged for randomness).
    prefix: usize,
    /// Least Shannon entropy (bits per character) of the body after the prefix.
    entropy: f64,
    /// For a led pattern: the value's alphabet (the value is the trailing run of it).
    led: Option<fn(u8) -> bool>,
    /// The value starts after the first occurrence of this byte (`AccountKey=…`).
    after: Option<u8>,
    /// A candidate starting with this literal (the pattern's anchor inside the value) starts
    /// exactly this many characters of the alphabet earlier (a New Relic license key is 36 hex
    /// digits then `NRAL`): anchoring on the literal keeps the search a skip to it.
    back: Option<LookBack>,
    /// For a led pattern: one of these (lowercase) must be in the text before the value.
    lead_words: &'static [&'static str],
    /// Lengths the value may have (bytes).
    len: (usize, usize),
    /// One of these words (lowercase) must be in the value or near it (120 bytes before, 60
    /// after); the detector's literals then include them.
    context: &'static [&'static str],
    /// Published example values: reported as test data.
    examples: &'static [&'static str],
    /// Values starting with one of these are for a provider's test environment: test data.
    test_prefixes: &'static [&'static str],
    /// A structural test of the value.
    check: fn(&str) -> Check,
}

const BASE: Spec = Spec {
    prefix: 0,
    entropy: 3.0,
    led: None,
    lead_words: ASSIGNS,
    after: None,
    back: None,
    len: (8, 2048),
    context: &[],
    examples: &[],
    test_prefixes: &[],
    check: no_check,
};

fn no_check(_: &str) -> Check {
    Check::Unknown
}

fn hex(b: u8) -> bool {
    b.is_ascii_hexdigit()
}

fn alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

fn lower_hex(b: u8) -> bool {
    b.is_ascii_digit() || (b'a'..=b'f').contains(&b)
}

fn token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

fn uuid_char(b: u8) -> bool {
    hex(b) || b == b'-'
}

/// Words that, in a led candidate, say a value follows (`DD_API_KEY=`, `datadog api key:`).
const ASSIGNS: &[&str] = &[":", "=", "key", "token", "secret", "ssws", "bearer", "auth"];

/// Some word of `words` in the value, within 120 bytes before it or 60 after it.
fn near(text: &str, start: usize, end: usize, words: &[&str]) -> bool {
    // The value itself counts (a webhook URL holds its service's name).
    let before = super::context_before(text, end, 120 + end - start);
    let mut to = (end + 60).min(text.len());
    while !text.is_char_boundary(to) {
        to -= 1;
    }
    let after = text.get(end..to).unwrap_or("").to_lowercase();
    words
        .iter()
        .any(|w| before.contains(w) || after.contains(w))
}

/// The value's span in a candidate, or `None` when it is not one.
fn value_span(text: &str, c: &Cand, spec: &Spec) -> Option<(usize, usize)> {
    if let Some((literal, n, alphabet)) = spec.back {
        if c.as_str().starts_with(literal) {
            let b = text.as_bytes();
            let run = b[..c.start()]
                .iter()
                .rev()
                .take_while(|&&x| alphabet(x))
                .count();
            if run != n {
                return None;
            }
            let start = c.start() - n;
            let glued_before =
                char_before(text, start).is_some_and(|ch| ch.is_ascii_alphanumeric());
            let glued_after = char_at(text, c.end())
                .is_some_and(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-');
            return (!glued_before && !glued_after).then_some((start, c.end()));
        }
    }
    let (start, end) = match spec.led {
        None => match spec.after {
            Some(b) => (
                c.start() + c.as_str().bytes().position(|x| x == b)? + 1,
                c.end(),
            ),
            None => (c.start(), c.end()),
        },
        Some(alphabet) => {
            let s = c.as_str().as_bytes();
            let run = s.iter().rev().take_while(|&&b| alphabet(b)).count();
            let lead = c.as_str().get(..s.len() - run)?.to_ascii_lowercase();
            // (An empty lead: the candidate is a branch of the pattern with its own prefix.)
            if !lead.is_empty() && !spec.lead_words.iter().any(|w| lead.contains(w)) {
                return None;
            }
            (c.end() - run, c.end())
        }
    };
    let ok_len = (spec.len.0..=spec.len.1).contains(&(end - start));
    let glued_before = char_before(text, start).is_some_and(|ch| ch.is_ascii_alphanumeric());
    let glued_after =
        char_at(text, end).is_some_and(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-');
    (ok_len && !glued_before && !glued_after).then_some((start, end))
}

/// The hits among `cands` for one service. (Never inlined: one copy for every service, not 41.)
#[inline(never)]
fn judge(text: &str, cands: &[Cand], spec: &Spec) -> Vec<Hit> {
    let mut out = Vec::new();
    for c in cands {
        let Some((start, end)) = value_span(text, c, spec) else {
            continue;
        };
        let value = &text[start..end];
        if spec.examples.contains(&value) {
            let mut hit = Hit::new(start, end);
            hit.test_data = true;
            out.push(hit);
            continue;
        }
        let ok = match (spec.check)(value) {
            Check::Valid => true,
            Check::Invalid => false,
            Check::Unknown => {
                let body = value.get(spec.prefix.min(value.len())..).unwrap_or("");
                !looks_like_placeholder(body) && entropy(body) >= spec.entropy
            }
        };
        if ok && (spec.context.is_empty() || near(text, start, end, spec.context)) {
            let mut hit = Hit::new(start, end);
            hit.test_data = spec.test_prefixes.iter().any(|p| value.starts_with(p));
            out.push(hit);
        }
    }
    out
}

/// Declares one service detector: id, constant, pattern, message and its [`Spec`].
macro_rules! service {
    ($name:ident, $id:literal, $pattern:expr, $literals:expr, $message:literal, $spec:expr) => {
        pub const $name: Detector = Detector {
            id: $id,
            category: Category::Credential,
            redaction: Redaction::Secret,
            pattern: $pattern,
            // Every match (or, for a detector that needs a word nearby, every report) holds one
            // of these literals.
            gate: Gate::Literals($literals),
            validate: {
                fn validate(text: &str, cands: &[Cand]) -> Vec<Hit> {
                    const SPEC: Spec = $spec;
                    judge(text, cands, &SPEC)
                }
                validate
            },
            message: $message,
        };
    };
}

// ------------------------------------------------------------------ AI services

service!(
    OPENAI_API_KEY,
    "openai_api_key",
    // Project, service-account and admin keys; legacy user keys carry "OpenAI" in base64.
    r"sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,200}|sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}",
    &["sk-"],
    "This is an OpenAI API key.",
    Spec { prefix: 3, ..BASE }
);

service!(
    ANTHROPIC_API_KEY,
    "anthropic_api_key",
    r"sk-ant-(?:api03|admin01)-[A-Za-z0-9_-]{93}AA",
    &["sk-ant-"],
    "This is an Anthropic API key.",
    Spec { prefix: 13, ..BASE }
);

service!(
    HUGGINGFACE_TOKEN,
    "huggingface_token",
    r"hf_[A-Za-z]{34}|api_org_[A-Za-z]{34}",
    &["hf_", "api_org_"],
    "This is a Hugging Face access token.",
    Spec { prefix: 3, ..BASE }
);

// ------------------------------------------------------------------ code and packages

service!(
    GITLAB_TOKEN,
    "gitlab_token",
    // Personal, deploy, runner, pipeline-trigger, CI job, feed, mail, agent, OAuth, SCIM and
    // feature-flag tokens (routable ones carry a `.01.` style suffix), and runner registration.
    r"gl(?:pat|dt|rt|ptt|cbt|ft|imt|agent|oas|soat|ffct)-[A-Za-z0-9_.-]{20,300}|GR1348941[A-Za-z0-9_-]{20}",
    &[
        "glpat-",
        "gldt-",
        "glrt-",
        "glptt-",
        "glcbt-",
        "glft-",
        "glimt-",
        "glagent-",
        "gloas-",
        "glsoat-",
        "glffct-",
        "GR1348941"
    ],
    "This is a GitLab token.",
    Spec { prefix: 5, ..BASE }
);

service!(
    NPM_TOKEN,
    "npm_token",
    r"npm_[A-Za-z0-9]{36}",
    &["npm_"],
    "This is an npm access token.",
    Spec {
        prefix: 4,
        check: checksums::base62_crc32,
        ..BASE
    }
);

service!(
    PYPI_TOKEN,
    "pypi_token",
    // A macaroon whose location is pypi.org (or test.pypi.org), base64url.
    r"pypi-AgE(?:IcHlwaS5vcmc|NdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,1000}",
    &["pypi-AgE"],
    "This is a PyPI upload token.",
    Spec {
        prefix: 20,
        // A macaroon for test.pypi.org uploads to the test index only.
        test_prefixes: &["pypi-AgENdGVzdC5weXBpLm9yZw"],
        ..BASE
    }
);

service!(
    DOCKERHUB_TOKEN,
    "dockerhub_token",
    r"dckr_(?:pat|oat)_[A-Za-z0-9_-]{27,32}",
    &["dckr_"],
    "This is a Docker Hub access token.",
    Spec { prefix: 9, ..BASE }
);

service!(
    POSTMAN_KEY,
    "postman_key",
    r"PMAK-[a-f0-9]{24}-[a-f0-9]{34}",
    &["PMAK-"],
    "This is a Postman API key.",
    Spec { prefix: 5, ..BASE }
);

// ------------------------------------------------------------------ cloud

/// Azurite's published development key: in every Azure Storage emulator guide.
const AZURITE_KEY: &str =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

fn base64_len(v: &str) -> Option<usize> {
    super::secrets::base64url_decode(v).map(|b| b.len())
}

fn azure_key_check(v: &str) -> Check {
    // A storage account key is 64 random bytes; a Service Bus / Event Hubs key 32.
    match base64_len(v) {
        Some(32 | 64) => Check::Unknown,
        _ => Check::Invalid,
    }
}

service!(
    AZURE_STORAGE_KEY,
    "azure_storage_key",
    r"(?:AccountKey|SharedAccessKey)=[A-Za-z0-9+/]{42,86}={1,2}",
    &["AccountKey=", "SharedAccessKey="],
    "This is an Azure storage or Service Bus account key.",
    Spec {
        after: Some(b'='),
        len: (44, 88),
        examples: &[AZURITE_KEY],
        check: azure_key_check,
        ..BASE
    }
);

fn sas_check(v: &str) -> Check {
    // The signature is a base64 HMAC-SHA256 (32 bytes), URL-encoded.
    let decoded = v
        .replace("%2B", "+")
        .replace("%2b", "+")
        .replace("%2F", "/");
    let decoded = decoded
        .replace("%2f", "/")
        .replace("%3D", "=")
        .replace("%3d", "=");
    match base64_len(&decoded) {
        Some(32) => Check::Unknown,
        _ => Check::Invalid,
    }
}

service!(
    AZURE_SAS_TOKEN,
    "azure_sas_token",
    r"[?&]sig=[A-Za-z0-9%+/]{40,70}(?:%3D|%3d|=)?",
    &["sig="],
    "This is an Azure shared access signature (a link that grants access).",
    Spec {
        after: Some(b'='),
        len: (40, 80),
        entropy: 3.5,
        context: &[
            "sv=",
            "se=",
            "sp=",
            "sr=",
            ".windows.net",
            "logic.azure.com",
            ".azure."
        ],
        check: sas_check,
        ..BASE
    }
);

service!(
    AZURE_CLIENT_SECRET,
    "azure_client_secret",
    // Entra ID (Azure AD) application secrets: three characters, a digit, `Q~`, then 31–34.
    r"[A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}",
    &["Q~"],
    "This is an Azure (Entra ID) application client secret.",
    Spec {
        prefix: 6,
        context: &[
            "azure",
            "entra",
            "aad",
            "client",
            "secret",
            "tenant",
            "msal",
            "graph",
            "app registration",
            "service principal"
        ],
        ..BASE
    }
);

service!(
    GOOGLE_OAUTH_SECRET,
    "google_oauth_secret",
    r"GOCSPX-[A-Za-z0-9_-]{28}",
    &["GOCSPX-"],
    "This is a Google OAuth client secret.",
    Spec { prefix: 7, ..BASE }
);

service!(
    ALIBABA_ACCESS_KEY,
    "alibaba_access_key",
    r"LTAI[A-Za-z0-9]{12,20}",
    &["LTAI"],
    "This is an Alibaba Cloud AccessKey ID.",
    Spec { prefix: 4, ..BASE }
);

service!(
    DIGITALOCEAN_TOKEN,
    "digitalocean_token",
    r"do[opr]_v1_[a-f0-9]{64}",
    &["_v1_"],
    "This is a DigitalOcean token.",
    Spec { prefix: 7, ..BASE }
);

service!(
    HEROKU_KEY,
    "heroku_key",
    // Current keys, and the older UUID-shaped ones next to the word Heroku.
    r"HRKU-AA[A-Za-z0-9_-]{58}|(?i:heroku)[^\n]{0,40}?[\s:=\x22'`(,][0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
    &["HRKU-", "heroku"],
    "This is a Heroku API key.",
    Spec {
        led: Some(token_char),
        lead_words: &["key", "token", "auth", "password"],
        len: (36, 65),
        ..BASE
    }
);

service!(
    CLOUDFLARE_TOKEN,
    "cloudflare_token",
    // API tokens (40), global API keys (37 hex) next to the word, and Origin CA keys.
    r"v1\.0-[a-f0-9]{24}-[a-f0-9]{146}|(?i:cloudflare|cf[_-]api[_-]?(?:token|key)|cf[_-]auth[_-]key)[^\n]{0,40}?[\s:=\x22'`(,][A-Za-z0-9_-]{37,40}",
    &[
        "v1.0-",
        "cloudflare",
        "cf_api",
        "cf-api",
        "cf_auth",
        "cf-auth"
    ],
    "This is a Cloudflare API token or key.",
    Spec {
        led: Some(cloudflare_char),
        len: (37, 180),
        ..BASE
    }
);

fn cloudflare_char(b: u8) -> bool {
    token_char(b) || b == b'.'
}

service!(
    VAULT_TOKEN,
    "vault_token",
    // Service (`hvs.`), batch (`hvb.`) and recovery (`hvr.`) tokens.
    r"hv[sbr]\.[A-Za-z0-9_-]{90,400}",
    &["hvs.", "hvb.", "hvr."],
    "This is a HashiCorp Vault token.",
    Spec { prefix: 4, ..BASE }
);

service!(
    DOPPLER_TOKEN,
    "doppler_token",
    r"dp\.(?:pt|st|sa|ct|scim|audit)\.(?:[a-z0-9_-]{1,20}\.)?[A-Za-z0-9]{40,44}",
    &["dp."],
    "This is a Doppler token.",
    Spec { prefix: 6, ..BASE }
);

service!(
    PULUMI_TOKEN,
    "pulumi_token",
    r"pul-[a-f0-9]{40}",
    &["pul-"],
    "This is a Pulumi access token.",
    Spec { prefix: 4, ..BASE }
);

service!(
    DATABRICKS_TOKEN,
    "databricks_token",
    r"dapi[a-f0-9]{32}(?:-[0-9])?",
    &["dapi"],
    "This is a Databricks access token.",
    Spec { prefix: 4, ..BASE }
);

// ------------------------------------------------------------------ messaging and webhooks

service!(
    TWILIO_KEY,
    "twilio_key",
    // API key SIDs (`SK`) and account SIDs (`AC`): 32 lowercase hex, named as Twilio's.
    r"(?:SK|AC)[0-9a-f]{32}",
    &["twilio"],
    "This is a Twilio API key or account SID.",
    Spec {
        prefix: 2,
        context: &["twilio"],
        ..BASE
    }
);

service!(
    SENDGRID_KEY,
    "sendgrid_key",
    r"SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}",
    &["SG."],
    "This is a SendGrid API key.",
    Spec { prefix: 3, ..BASE }
);

service!(
    MAILGUN_KEY,
    "mailgun_key",
    // Legacy `key-` keys, and the current shape (32-8-8 hex) next to the word Mailgun.
    r"key-[0-9a-f]{32}|(?i:mailgun)[^\n]{0,40}?[\s:=\x22'`(,][0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8}",
    &["key-", "mailgun"],
    "This is a Mailgun API key.",
    Spec {
        led: Some(mailgun_char),
        len: (36, 50),
        ..BASE
    }
);

/// A Mailgun key's alphabet: hex digits and dashes, and the letters of the legacy `key-` prefix.
fn mailgun_char(b: u8) -> bool {
    uuid_char(b) || b == b'k' || b == b'y'
}

fn discord_check(v: &str) -> Check {
    if v.starts_with("https://") {
        return Check::Unknown;
    }
    // A bot token starts with its bot's user id (a 17–20 digit snowflake) in base64.
    let first = v.split('.').next().unwrap_or("");
    match super::secrets::base64url_decode(first) {
        Some(id) if (17..=20).contains(&id.len()) && id.iter().all(u8::is_ascii_digit) => {
            Check::Unknown
        }
        _ => Check::Invalid,
    }
}

service!(
    DISCORD_TOKEN,
    "discord_token",
    r"(?:MT|Mj|Mz|ND|NT|Nj|Nz|OD|OT)[A-Za-z0-9_-]{21,26}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,40}|https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/[0-9]{17,20}/[A-Za-z0-9_-]{60,68}",
    &["discord", "bot"],
    "This is a Discord bot token or webhook URL.",
    // A bot token's shape is short and its prefixes are common letter pairs: it is reported
    // with the word Discord or bot nearby (`DISCORD_TOKEN=`, `bot.run(…)`, `Authorization: Bot`).
    Spec {
        check: discord_check,
        context: &["discord", "bot"],
        ..BASE
    }
);

/// Telegram bot tokens: the bot's numeric id, `:`, then 35 characters that start with `AA`. The
/// pattern is anchored on `:AA`; the id is found by walking back over the digits before it.
pub const TELEGRAM_BOT_TOKEN: Detector = Detector {
    id: "telegram_bot_token",
    category: Category::Credential,
    redaction: Redaction::Secret,
    pattern: r":AA[A-Za-z0-9_-]{33}",
    gate: Gate::Literals(&[":AA"]),
    validate: telegram_tokens,
    message: "This is a Telegram bot token.",
};

fn telegram_tokens(text: &str, cands: &[Cand]) -> Vec<Hit> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    for c in cands {
        let digits = b[..c.start()]
            .iter()
            .rev()
            .take_while(|x| x.is_ascii_digit())
            .count();
        let start = c.start() - digits;
        let secret = &c.as_str()[1..];
        // In an API URL the token follows `/bot`.
        let in_url = text[..start].ends_with("/bot");
        let glued = (!in_url
            && char_before(text, start).is_some_and(|ch| ch.is_ascii_alphanumeric()))
            || char_at(text, c.end())
                .is_some_and(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-');
        if (6..=12).contains(&digits)
            && !glued
            && !looks_like_placeholder(&secret[2..])
            && entropy(secret) >= 3.5
        {
            out.push(Hit::new(start, c.end()));
        }
    }
    out
}

service!(
    TEAMS_WEBHOOK,
    "teams_webhook",
    r"https://[A-Za-z0-9.-]*(?:webhook\.office\.com/webhookb2|outlook\.office(?:365)?\.com/webhook)/[0-9a-fA-F-]{36}@[0-9a-fA-F-]{36}/IncomingWebhook/[0-9a-fA-F]{32}/[0-9a-fA-F-]{36}(?:/[A-Za-z0-9_-]{20,})?",
    &["IncomingWebhook"],
    "This is a Microsoft Teams incoming webhook URL: anyone who has it can post to the channel.",
    BASE
);

service!(
    MAILCHIMP_KEY,
    "mailchimp_key",
    r"[0-9a-f]{32}-us[0-9]{1,2}",
    &["-us"],
    "This is a Mailchimp API key.",
    Spec {
        entropy: 3.0,
        ..BASE
    }
);

// ------------------------------------------------------------------ monitoring

service!(
    DATADOG_KEY,
    "datadog_key",
    // API keys (32 hex) and application keys (40 hex) are only hex: named or assigned.
    r"(?i:datadog|dd[_-]?api[_-]?key|dd[_-]?app(?:lication)?[_-]?key)[^\n]{0,40}?[\s:=\x22'`(,][0-9a-f]{32,40}",
    &["datadog", "dd_", "dd-", "ddapi", "ddapp"],
    "This is a Datadog API or application key.",
    Spec {
        led: Some(hex),
        lead_words: &[":", "=", "key"],
        len: (32, 40),
        check: datadog_len,
        ..BASE
    }
);

fn datadog_len(v: &str) -> Check {
    if v.len() == 32 || v.len() == 40 {
        Check::Unknown
    } else {
        Check::Invalid
    }
}

fn sentry_dsn_check(v: &str) -> Check {
    let host = v.split('@').nth(1).unwrap_or("");
    if host.contains("sentry") || host.contains("ingest") {
        Check::Unknown
    } else {
        Check::Invalid
    }
}

service!(
    SENTRY_DSN,
    "sentry_dsn",
    r"https://(?:[0-9a-f]{32}(?::[0-9a-f]{32})?|examplePublicKey)@[A-Za-z0-9.-]{3,80}/[0-9]{1,12}",
    &["sentry", "ingest"],
    "This is a Sentry DSN: it lets anyone send events to the project.",
    Spec {
        prefix: 8,
        // Sentry's documentation example.
        examples: &["https://examplePublicKey@o0.ingest.sentry.io/0"],
        check: sentry_dsn_check,
        ..BASE
    }
);

fn sentry_token_check(v: &str) -> Check {
    // Organization tokens hold a base64 JSON payload; user tokens 64 hex.
    if v.starts_with("sntrys_eyJ") || (v.starts_with("sntryu_") && v.len() == 71) {
        Check::Unknown
    } else {
        Check::Invalid
    }
}

service!(
    SENTRY_TOKEN,
    "sentry_token",
    r"sntrys_[A-Za-z0-9+/=_]{60,400}|sntryu_[a-f0-9]{64}",
    &["sntry"],
    "This is a Sentry auth token.",
    Spec {
        prefix: 7,
        check: sentry_token_check,
        ..BASE
    }
);

service!(
    GRAFANA_TOKEN,
    "grafana_token",
    // Cloud access policy tokens (base64 JSON), service account tokens, legacy API keys.
    r"glc_eyJ[A-Za-z0-9+/]{29,400}={0,2}|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|eyJrIjoi[A-Za-z0-9]{70,400}={0,2}",
    &["glc_", "glsa_", "eyJrIjoi"],
    "This is a Grafana token or API key.",
    Spec { prefix: 5, ..BASE }
);

service!(
    NEWRELIC_KEY,
    "newrelic_key",
    // User (`NRAK-`), admin (`NRAA-`), insert (`NRII-`) keys and license keys (`…NRAL`).
    r"NRAK-[A-Z0-9]{27}|NRAA-[a-f0-9]{27}|NRII-[A-Za-z0-9_-]{32}|NRAL",
    &["NRAK-", "NRAA-", "NRII-", "NRAL"],
    "This is a New Relic API or license key.",
    Spec {
        prefix: 5,
        back: Some(("NRAL", 36, lower_hex)),
        ..BASE
    }
);

service!(
    OKTA_TOKEN,
    "okta_token",
    // API tokens: `00` and 40 characters, named as Okta's or sent as `SSWS`.
    r"(?i:okta|ssws)[^\n]{0,40}?[\s:=\x22'`(,]00[A-Za-z0-9_-]{40}",
    &["okta", "ssws"],
    "This is an Okta API token.",
    Spec {
        led: Some(token_char),
        len: (42, 42),
        prefix: 2,
        ..BASE
    }
);

// ------------------------------------------------------------------ commerce and productivity

service!(
    SHOPIFY_TOKEN,
    "shopify_token",
    r"shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}",
    &["shp"],
    "This is a Shopify access token or shared secret.",
    Spec { prefix: 6, ..BASE }
);

service!(
    ATLASSIAN_TOKEN,
    "atlassian_token",
    r"ATATT3[A-Za-z0-9_=-]{186}",
    &["ATATT3"],
    "This is an Atlassian (Jira, Confluence) API token.",
    Spec { prefix: 6, ..BASE }
);

service!(
    LINEAR_KEY,
    "linear_key",
    r"lin_(?:api|oauth)_[A-Za-z0-9]{40,64}",
    &["lin_"],
    "This is a Linear API key.",
    Spec { prefix: 8, ..BASE }
);

service!(
    NOTION_TOKEN,
    "notion_token",
    r"secret_[A-Za-z0-9]{43}|ntn_[0-9]{11}[A-Za-z0-9]{35}",
    &["secret_", "ntn_"],
    "This is a Notion integration token.",
    Spec {
        prefix: 4,
        entropy: 3.5,
        ..BASE
    }
);

service!(
    FIGMA_TOKEN,
    "figma_token",
    r"fig[dou]_[A-Za-z0-9_-]{38,45}",
    &["figd_", "figo_", "figu_"],
    "This is a Figma access token.",
    Spec {
        prefix: 5,
        entropy: 3.5,
        ..BASE
    }
);

service!(
    DROPBOX_TOKEN,
    "dropbox_token",
    // Short-lived (`sl.`) tokens and long-lived ones with their run of ten `A`s.
    r"sl\.(?:u\.)?[A-Za-z0-9_=-]{130,1400}|AAAAAAAAAA[A-Za-z0-9_=-]{43}",
    &["sl.", "AAAAAAAAAA"],
    "This is a Dropbox access token.",
    Spec {
        prefix: 3,
        back: Some(("AAAAAAAAAA", 11, alnum)),
        ..BASE
    }
);

service!(
    AIRTABLE_TOKEN,
    "airtable_token",
    r"pat[A-Za-z0-9]{14}\.[a-f0-9]{64}",
    &["pat"],
    "This is an Airtable personal access token.",
    Spec { prefix: 3, ..BASE }
);

// ------------------------------------------------------------------ keys

fn age_check(v: &str) -> Check {
    checksums::bech32(v)
}

service!(
    AGE_SECRET_KEY,
    "age_secret_key",
    r"AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}",
    &["AGE-SECRET-KEY-1"],
    "This is an age encryption secret key.",
    Spec {
        prefix: 16,
        check: age_check,
        ..BASE
    }
);

#[cfg(test)]
mod tests {
    use super::super::run_detector as run;
    use super::*;

    #[test]
    fn prefixed_tokens_need_random_bodies_and_boundaries() {
        let key = "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";
        assert_eq!(
            run(&HUGGINGFACE_TOKEN, &format!("token {key} thanks")),
            [key]
        );
        assert!(
            run(&HUGGINGFACE_TOKEN, &format!("x{key}")).is_empty(),
            "glued"
        );
        assert!(run(&HUGGINGFACE_TOKEN, "hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx").is_empty());
        let shp = "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";
        assert_eq!(run(&SHOPIFY_TOKEN, shp), [shp]);
        assert!(run(&SHOPIFY_TOKEN, "shpat_00000000000000000000000000000000").is_empty());
    }

    #[test]
    fn npm_checksum_accepts_even_odd_looking_tokens() {
        let random = "abcdefabcdefabcdefabcdefabcdef";
        let sum = {
            let mut n = checksums::crc32(random.as_bytes());
            let digits = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
            let mut s = [b'0'; 6];
            for slot in s.iter_mut().rev() {
                *slot = digits[(n % 62) as usize];
                n /= 62;
            }
            String::from_utf8(s.to_vec()).unwrap()
        };
        let token = format!("npm_{random}{sum}");
        assert_eq!(
            run(&NPM_TOKEN, &token),
            [token.as_str()],
            "a valid CRC32 settles it"
        );
        assert!(
            run(&NPM_TOKEN, &format!("npm_{random}000000")).is_empty(),
            "placeholder-like, no checksum"
        );
    }

    #[test]
    fn led_values_need_their_word_and_an_assignment() {
        let dd = "3f2c9a7e1b5d4f608e1c2a4b6d8f0e1a";
        assert_eq!(run(&DATADOG_KEY, &format!("DD_API_KEY={dd}")), [dd]);
        assert_eq!(
            run(&DATADOG_KEY, &format!("our datadog api key: {dd}")),
            [dd]
        );
        assert!(run(
            &DATADOG_KEY,
            &format!("datadog dashboards are nice, commit {dd}")
        )
        .is_empty());
        assert!(
            run(&DATADOG_KEY, &format!("key {dd}")).is_empty(),
            "no word, no finding"
        );
        let okta = "00QCjAl4MlV-WPXM8UGmfnJ7wcZDqBjRW6Ns4N0p4b";
        assert_eq!(
            run(&OKTA_TOKEN, &format!("Authorization: SSWS {okta}")),
            [okta]
        );
    }

    #[test]
    fn structural_checks() {
        // Discord: the first part is the bot's id in base64.
        let ok = "MTE3NjQ5ODc2NTQzMjEwOTg3Ng.GhT5xQ.k3Vb9ZpQ2mRxL7wYc4NfJ8sD1aE6tU0oHiGvBn";
        assert_eq!(run(&DISCORD_TOKEN, &format!("bot token {ok}")), [ok]);
        let not_id = "MTExampleNotAnIdAtAllHere.GhT5xQ.k3Vb9ZpQ2mRxL7wYc4NfJ8sD1aE6tU0oHiGvBn";
        assert!(run(&DISCORD_TOKEN, not_id).is_empty());
        // Azure: the account key decodes to 64 bytes; Azurite's published key is test data.
        let t = format!(
            "DefaultEndpointsProtocol=https;AccountName=devstoreaccount1;AccountKey={AZURITE_KEY};"
        );
        let re = regex::Regex::new(AZURE_STORAGE_KEY.pattern).unwrap();
        let hits =
            (AZURE_STORAGE_KEY.validate)(&t, &super::super::candidates(&re, &t, &[(0, t.len())]));
        assert_eq!(hits.len(), 1);
        assert!(hits[0].test_data);
        // Telegram: the secret part starts with AA.
        assert_eq!(
            run(
                &TELEGRAM_BOT_TOKEN,
                "bot 7412589630:AAHk3Vb9ZpQ2mRxL7wYc4NfJ8sD1aE6tU0o ok"
            )
            .len(),
            1
        );
        assert!(run(
            &TELEGRAM_BOT_TOKEN,
            "7412589630:ABHk3Vb9ZpQ2mRxL7wYc4NfJ8sD1aE6tU0o"
        )
        .is_empty());
        // Sentry DSNs point at a Sentry host.
        assert_eq!(
            run(
                &SENTRY_DSN,
                "dsn https://4f9c2e7a1b3d5f608e1c2a4b6d8f0e1a@o123456.ingest.sentry.io/4505"
            )
            .len(),
            1
        );
        assert!(run(
            &SENTRY_DSN,
            "https://4f9c2e7a1b3d5f608e1c2a4b6d8f0e1a@example.com/12"
        )
        .is_empty());
    }

    #[test]
    fn values_found_from_an_inner_anchor() {
        let lic = "4f9c2e7a1b3d5f608e1c2a4b6d8f0e1a9b8cNRAL";
        assert_eq!(run(&NEWRELIC_KEY, &format!("license_key: {lic}")), [lic]);
        assert!(run(&NEWRELIC_KEY, "NRAL is the suffix").is_empty());
        assert!(
            run(&NEWRELIC_KEY, &format!("a{lic}")).is_empty(),
            "37 hex digits"
        );
        assert!(run(&NEWRELIC_KEY, &format!("x{lic}")).is_empty(), "glued");
        let dbx = "q8Z2xP0vLm4AAAAAAAAAAk3Vb9ZpQ2mRxL7wYc4NfJ8sD1aE6tU0oHiGvBnXyZ12";
        assert_eq!(run(&DROPBOX_TOKEN, &format!("token {dbx} ok")), [dbx]);
        assert!(run(&DROPBOX_TOKEN, "the key is stuck AAAAAAAAAA").is_empty());
    }

    #[test]
    fn twilio_needs_its_name() {
        let sid = "SK4f9c2e7a1b3d5f608e1c2a4b6d8f0e1a";
        assert_eq!(run(&TWILIO_KEY, &format!("twilio api key {sid}")), [sid]);
        assert!(run(&TWILIO_KEY, &format!("build {sid}")).is_empty());
    }
}

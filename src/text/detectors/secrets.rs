//! Credentials: provider tokens with documented formats, private key blocks, JWTs, and a generic
//! "keyword = high-entropy value" rule in the style of gitleaks.
//!
//! Examples and placeholders (`AKIAIOSFODNN7EXAMPLE`, `ghp_xxxx…`, `password: <your password>`)
//! and hashes (hex digests, UUIDs) are not reported: a post about *how* to configure something is
//! not a leak.

use super::{
    char_at, char_before, checksums, entropy, looks_like_placeholder, Cand, Detector, Gate, Hit,
    Redaction,
};
use crate::policy::Category;

pub const PRIVATE_KEY: Detector = Detector {
    id: "private_key",
    category: Category::Credential,
    redaction: Redaction::KeyBlock,
    pattern: r"-----BEGIN[ A-Z0-9]{0,20} PRIVATE KEY(?: BLOCK)?-----",
    gate: Gate::Anywhere,
    validate: private_keys,
    message: "This is a private key: anyone who has it can act as its owner.",
};

pub const JWT: Detector = Detector {
    id: "jwt",
    category: Category::Credential,
    redaction: Redaction::Secret,
    pattern: r"eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*",
    gate: Gate::Anywhere,
    validate: jwts,
    message: "This is a JSON Web Token: it can give access to an account or service.",
};

pub const AWS_ACCESS_KEY: Detector = Detector {
    id: "aws_access_key",
    category: Category::Credential,
    redaction: Redaction::Secret,
    pattern: r"(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}",
    gate: Gate::Anywhere,
    validate: aws_keys,
    message: "This is an AWS access key id.",
};

pub const GITHUB_TOKEN: Detector = Detector {
    id: "github_token",
    category: Category::Credential,
    redaction: Redaction::Secret,
    pattern: r"gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}",
    gate: Gate::Anywhere,
    validate: github_tokens,
    message: "This is a GitHub token.",
};

pub const SLACK_TOKEN: Detector = Detector {
    id: "slack_token",
    category: Category::Credential,
    redaction: Redaction::Secret,
    // Bot, user and other `xox?-` tokens, configuration tokens (`xoxe.xoxp-1-…`), app-level
    // tokens (`xapp-1-…`), and webhook URLs (with or without their scheme).
    pattern: r"xoxe\.xox[bp]-[0-9]-[0-9A-Za-z]{100,250}|xox[abposre]-[0-9A-Za-z-]{10,250}|xapp-[0-9]-[0-9A-Za-z-]{10,250}|(?:https?://)?hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9/_+-]{20,}",
    gate: Gate::Anywhere,
    validate: slack_tokens,
    message: "This is a Slack token or webhook URL.",
};

pub const GOOGLE_API_KEY: Detector = Detector {
    id: "google_api_key",
    category: Category::Credential,
    redaction: Redaction::Secret,
    pattern: r"AIza[0-9A-Za-z_-]{35}",
    gate: Gate::Anywhere,
    validate: google_keys,
    message: "This is a Google API key.",
};

pub const STRIPE_KEY: Detector = Detector {
    id: "stripe_key",
    category: Category::Credential,
    redaction: Redaction::Secret,
    pattern: r"(?:sk|rk)_(?:live|test|prod)_[0-9A-Za-z]{10,99}",
    gate: Gate::Anywhere,
    validate: stripe_keys,
    message: "This is a Stripe secret key.",
};

pub const GENERIC_SECRET: Detector = Detector {
    id: "generic_secret",
    category: Category::Credential,
    redaction: Redaction::Secret,
    pattern: concat!(
        r"(?i:password|passwd|pwd|passcode|secret|token|api[_-]?key|apikey|access[_-]?key|auth[_-]?key|client[_-]?secret|credentials?|creds|",
        r"(?:private|encryption|signing|master|consumer|session|license|app)[_-]?key)",
        r"[A-Za-z0-9_.-]{0,20}[\x22']?[ \t]{0,3}(?::=|=>|->|=|:)[ \t]{0,3}[\x22'`]?[^\s\x22'`,;]{6,150}",
        r"|(?i:bearer)[ \t]+[A-Za-z0-9._~+/=-]{20,500}|(?i:basic)[ \t]+[A-Za-z0-9+/]{8,300}={0,2}"
    ),
    gate: Gate::Assignment,
    validate: generic_secrets,
    message: "This looks like a password or secret key.",
};

/// Not glued to letters or digits on either side.
fn alnum_bounded(text: &str, start: usize, end: usize) -> bool {
    !char_before(text, start).is_some_and(|c| c.is_ascii_alphanumeric())
        && !char_at(text, end).is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn private_keys(text: &str, cands: &[Cand]) -> Vec<Hit> {
    let mut out = Vec::new();
    let mut from = 0;
    for m in cands.iter() {
        if m.start() < from {
            continue;
        }
        // The block ends at its END line; a pasted fragment without one still counts. Keys are
        // at most a few KB: looking further would make many unterminated headers quadratic.
        let mut limit = (m.end() + 16 * 1024).min(text.len());
        while !text.is_char_boundary(limit) {
            limit -= 1;
        }
        let rest = &text[m.end()..limit];
        let (body_end, end) = match rest.find("-----END") {
            Some(i) => {
                let tail = &rest[i + 8..];
                let close = tail.find("-----").map_or(tail.len(), |j| j + 5);
                (m.end() + i, m.end() + i + 8 + close)
            }
            None => (limit, limit),
        };
        // A header with nothing key-like after it is a post about keys, not a key; so is a
        // template (`<your key here>`, `...`) between BEGIN and END lines. The smallest real
        // key (an EC P-256 key) holds well over 100 base64 characters.
        let body = text[m.end()..body_end]
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '+' || *c == '/')
            .count();
        if body < 40 {
            continue;
        }
        out.push(Hit::new(m.start(), end));
        from = end;
    }
    out
}

pub(super) fn base64url_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for b in s.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            b'=' => break,
            _ => return None,
        };
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

fn jwts(text: &str, cands: &[Cand]) -> Vec<Hit> {
    cands
        .iter()
        .copied()
        .filter(|m| alnum_bounded(text, m.start(), m.end()))
        .filter(|m| {
            // The header must decode to a JSON object that names an algorithm or a type.
            let header = m.as_str().split('.').next().unwrap_or("");
            base64url_decode(header).is_some_and(|h| {
                let h = String::from_utf8_lossy(&h);
                h.trim_start().starts_with('{') && (h.contains("\"alg\"") || h.contains("\"typ\""))
            })
        })
        .map(|m| Hit::new(m.start(), m.end()))
        .collect()
}

fn aws_keys(text: &str, cands: &[Cand]) -> Vec<Hit> {
    cands
        .iter()
        .copied()
        .filter(|m| alnum_bounded(text, m.start(), m.end()))
        .filter(|m| !m.as_str().ends_with("EXAMPLE") && !looks_like_placeholder(&m.as_str()[4..]))
        .map(|m| Hit::new(m.start(), m.end()))
        .collect()
}

/// Tokens printed in the providers' own documentation: quoting the docs is not a leak.
const DOCUMENTED_EXAMPLES: &[&str] = &[
    // GitHub, "Authorizing OAuth apps" (the access token response example).
    "gho_16C7e42F292c6912E7710c838347Ae178B4a",
];

fn bounded_tokens(text: &str, cands: &[Cand]) -> Vec<Hit> {
    cands
        .iter()
        .copied()
        .filter(|m| alnum_bounded(text, m.start(), m.end()))
        .filter(|m| !DOCUMENTED_EXAMPLES.contains(&m.as_str()))
        .filter(|m| {
            // Drop a lower-case type prefix (`ghp_`, `github_pat_`) before judging the body; an
            // `_` inside the body itself (Google keys may hold one anywhere) is not a prefix.
            let s = m.as_str();
            let body = match s.split_once('_') {
                Some((p, b))
                    if (2..=6).contains(&p.len()) && p.bytes().all(|c| c.is_ascii_lowercase()) =>
                {
                    b
                }
                _ => s,
            };
            let body = body.strip_prefix("pat_").unwrap_or(body);
            !looks_like_placeholder(body) && entropy(body) > 3.0
        })
        .map(|m| Hit::new(m.start(), m.end()))
        .collect()
}

/// GitHub tokens: a valid embedded CRC32 settles it (`ghp_` and the other classic formats);
/// otherwise the body must look random.
fn github_tokens(text: &str, cands: &[Cand]) -> Vec<Hit> {
    let mut out = bounded_tokens(text, cands);
    for m in cands {
        let valid = alnum_bounded(text, m.start(), m.end())
            && checksums::base62_crc32(m.as_str()) == checksums::Check::Valid;
        if valid && !out.iter().any(|h| h.start == m.start()) {
            out.push(Hit::new(m.start(), m.end()));
        }
    }
    out.sort_by_key(|h| h.start);
    out
}

/// Google API keys printed in Google's and Firebase's own documentation and samples: reported
/// as test data. (Any other key is reported as a key: a Firebase web key is public by design,
/// but the same `AIza…` key can be enabled for paid Google APIs, and nothing in it says which.)
const GOOGLE_DOCUMENTED_KEYS: &[&str] = &[
    // Firebase iOS SDK, FIROptions.h (the `APIKey` example until 2022).
    "AIzaSyDdVgKwhZl0sTTTLZ7iTmt1r3N2cJLnaDk",
    // Google Maps JavaScript API samples.
    "AIzaSyB41DRUbKWJHPxaFjMAwdrzWzbVKartNGg",
];

fn google_keys(text: &str, cands: &[Cand]) -> Vec<Hit> {
    let mut out = Vec::new();
    for m in cands {
        if GOOGLE_DOCUMENTED_KEYS.contains(&m.as_str()) && alnum_bounded(text, m.start(), m.end()) {
            let mut hit = Hit::new(m.start(), m.end());
            hit.test_data = true;
            out.push(hit);
        }
    }
    out.extend(bounded_tokens(text, cands).into_iter().filter(|h| {
        !GOOGLE_DOCUMENTED_KEYS.contains(&&text[h.start..h.end])
    }));
    out.sort_by_key(|h| h.start);
    out
}

fn slack_tokens(text: &str, cands: &[Cand]) -> Vec<Hit> {
    cands
        .iter()
        .copied()
        .filter(|m| !char_before(text, m.start()).is_some_and(|c| c.is_ascii_alphanumeric()))
        .filter(|m| {
            let s = m.as_str();
            if s.contains("hooks.slack.com/") {
                // services/T…/B…/secret, workflows/…, triggers/…: a path, not a placeholder.
                let path = s.split("hooks.slack.com/").nth(1).unwrap_or("");
                return path.split('/').any(|p| p.len() >= 8)
                    && !looks_like_placeholder(s.rsplit('/').next().unwrap_or(""));
            }
            let body = s.get(5..).unwrap_or("");
            if looks_like_placeholder(body) {
                return false;
            }
            // Configuration and refresh tokens are long base62 runs.
            if s.starts_with("xoxe") {
                return s.len() >= 100 && entropy(body) > 3.5;
            }
            // Real tokens carry a long numeric team or user id; legacy workspace tokens
            // (`xoxa-`, `xoxr-`) are a random run.
            let numeric_id = s
                .split('-')
                .skip(1)
                .any(|p| p.len() >= 8 && p.bytes().all(|b| b.is_ascii_digit()));
            let legacy = (s.starts_with("xoxa-") || s.starts_with("xoxr-"))
                && body.len() >= 10
                && entropy(body) > 3.0;
            numeric_id || legacy
        })
        .map(|m| Hit::new(m.start(), m.end()))
        .collect()
}

fn stripe_keys(text: &str, cands: &[Cand]) -> Vec<Hit> {
    cands
        .iter()
        .copied()
        .filter(|m| alnum_bounded(text, m.start(), m.end()))
        .filter(|m| !looks_like_placeholder(&m.as_str()[8..]))
        .map(|m| {
            let mut hit = Hit::new(m.start(), m.end());
            hit.test_data = m.as_str()[3..].starts_with("test_");
            hit
        })
        .collect()
}

/// Hex digests and UUIDs: identifiers people post on purpose (commit ids, checksums).
fn looks_like_hash(v: &str) -> bool {
    let hex = v.bytes().all(|b| b.is_ascii_hexdigit());
    if hex && matches!(v.len(), 7..=12 | 32 | 40 | 56 | 64 | 96 | 128) {
        return true;
    }
    let parts: Vec<&str> = v.split('-').collect();
    if parts.len() == 5
        && [8, 4, 4, 4, 12]
            .iter()
            .zip(&parts)
            .all(|(n, p)| p.len() == *n && p.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return true;
    }
    ["sha256:", "sha1:", "md5:", "sha512:"]
        .iter()
        .any(|p| v.to_ascii_lowercase().starts_with(p))
}

fn char_classes(v: &str) -> usize {
    let lower = v.bytes().any(|b| b.is_ascii_lowercase()) as usize;
    let upper = v.bytes().any(|b| b.is_ascii_uppercase()) as usize;
    let digit = v.bytes().any(|b| b.is_ascii_digit()) as usize;
    let other = v.bytes().any(|b| !b.is_ascii_alphanumeric()) as usize;
    lower + upper + digit + other
}

/// HTTP Basic credentials: base64 of `user:password` with a real-looking password (not
/// `user:pass`, `username:password` or a placeholder).
fn basic_credentials(b64: &str) -> bool {
    let Some(bytes) = base64url_decode(b64) else {
        return false;
    };
    let Ok(decoded) = std::str::from_utf8(&bytes) else {
        return false;
    };
    let Some((user, password)) = decoded.split_once(':') else {
        return false;
    };
    let printable = decoded.chars().all(|c| !c.is_control());
    printable
        && !user.is_empty()
        && password.len() >= 4
        && !looks_like_placeholder(password)
        && !names_itself(password)
        && !matches!(password.to_ascii_lowercase().as_str(), "pass" | "password" | "passwd" | "secret")
}

/// Values printed in providers' documentation as the example of a secret.
const DOCUMENTED_VALUES: &[&str] = &[
    // Telegram Bot API documentation: the example bot token.
    "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11",
];

/// `myPassword`, `yourSecret`, `the_token`: a value that names what should go there.
fn names_itself(v: &str) -> bool {
    let l = v.to_ascii_lowercase();
    let rest = ["my", "your", "the", "some"]
        .iter()
        .find_map(|p| l.strip_prefix(p))
        .map(|r| r.trim_start_matches(['_', '-']));
    rest.is_some_and(|r| {
        ["password", "passwd", "pass", "secret", "token", "apikey", "api_key", "key"].contains(&r)
    })
}

/// A PascalCase name made of words (`RootManageSharedAccessKey`): a setting's name, not a
/// random secret.
fn looks_like_identifier(v: &str) -> bool {
    if !v.bytes().all(|b| b.is_ascii_alphabetic()) || !v.starts_with(|c: char| c.is_ascii_uppercase()) {
        return false;
    }
    let mut words = 0;
    let mut len = 0;
    for c in v.chars() {
        if c.is_ascii_uppercase() {
            if words > 0 && len < 3 {
                return false;
            }
            words += 1;
            len = 1;
        } else {
            len += 1;
        }
    }
    words >= 2 && len >= 3
}

/// Digests of the strings every tutorial hashes ("", "test", "password", …): a hex value equal
/// to one of them is an example, not a secret.
const WELL_KNOWN_DIGESTS: &[&str] = &[
    "d41d8cd98f00b204e9800998ecf8427e", // md5("")
    "da39a3ee5e6b4b0d3255bfef95601890afd80709", // sha1("")
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", // sha256("")
    "098f6bcd4621d373cade4e832627b4f6", // md5("test")
    "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3", // sha1("test")
    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", // sha256("test")
    "5f4dcc3b5aa765d61d8327deb882cf99", // md5("password")
    "5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8", // sha1("password")
    "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8", // sha256("password")
    "5d41402abc4b2a76b9719d911017c592", // md5("hello")
    "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d", // sha1("hello")
    "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", // sha256("hello")
    "5eb63bbbe01eeed093cb22bb8f5acdc3", // md5("hello world")
    "2aae6c35c94fcfb415dbe95f408b9ce91ee846ed", // sha1("hello world")
    "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9", // sha256("hello world")
    "900150983cd24fb0d6963f7d28e17f72", // md5("abc")
    "a9993e364706816aba3e25717850c26c9cd0d89d", // sha1("abc")
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", // sha256("abc")
];

fn generic_secrets(text: &str, cands: &[Cand]) -> Vec<Hit> {
    let mut out = Vec::new();
    for m in cands.iter() {
        let s = m.as_str();
        // `Authorization: Basic …`: base64 of `user:password`.
        if s.len() > 5 && s[..5].eq_ignore_ascii_case("basic") {
            let value = s[5..].trim_start();
            if basic_credentials(value) {
                out.push(Hit::new(m.end() - value.len(), m.end()));
            }
            continue;
        }
        // `Authorization: Bearer …`: the value is the token after the word.
        if s.len() > 6 && s[..6].eq_ignore_ascii_case("bearer") {
            let value = s[6..].trim_start();
            let value_start = m.end() - value.len();
            if !looks_like_placeholder(value) && char_classes(value) >= 2 && entropy(value) >= 3.5 {
                out.push(Hit::new(value_start, m.end()));
            }
            continue;
        }
        // The value: after the assignment operator, without quotes and trailing punctuation.
        let Some(op) = s.find([':', '=', '>']) else {
            continue;
        };
        let after = &s[op..];
        let skip = after
            .find(|c: char| !matches!(c, ':' | '=' | '>' | '-' | ' ' | '\t' | '"' | '\'' | '`'))
            .unwrap_or(after.len());
        let value_start = m.start() + op + skip;
        let raw = &text[value_start..m.end()];
        // A value cut short in the post (`pypi-AgEI...`, `sk-…`) is not the secret.
        if raw.ends_with("...") || raw.ends_with('…') {
            continue;
        }
        let value = raw.trim_end_matches(['.', ')', ']', '}']);
        let value_end = value_start + value.len();
        let key = s[..op].to_ascii_lowercase();
        let is_password = key.contains("pass") || key.contains("pwd");
        if value.len() < 6
            || looks_like_placeholder(value)
            || names_itself(value)
            || looks_like_identifier(value)
            || DOCUMENTED_VALUES.contains(&value)
        {
            continue;
        }
        if looks_like_hash(value) {
            // A hex value assigned to a secret's name is usually the secret (API keys, client
            // secrets are often hex), unless it is a well-known digest, the key says it is a
            // hash, or the post names the same value elsewhere (a commit id quoted twice).
            let lower = value.to_ascii_lowercase();
            let hex = value.bytes().all(|b| b.is_ascii_hexdigit());
            let names_a_hash = ["hash", "sha", "md5", "digest", "checksum", "commit", "etag"]
                .iter()
                .any(|w| key.contains(w));
            let keep = hex
                && matches!(value.len(), 32 | 40 | 64)
                && !names_a_hash
                && !WELL_KNOWN_DIGESTS.contains(&lower.as_str())
                && text.matches(value).count() == 1;
            if !keep {
                continue;
            }
        }
        if value.contains("://")
            || value.starts_with("process.env")
            || value.starts_with('$')
            || value.starts_with('%')
        {
            continue;
        }
        // Code that reads the secret from elsewhere (`os.getenv("…")`, `config["db"][…]`) and
        // file paths (`/run/secrets/db_password`) name where a secret is, not the secret.
        let code = value.ends_with(['(', '[']);
        let path = (value.starts_with('/') || value.starts_with("./") || value.starts_with("~/"))
            && value.bytes().all(|b| {
                b.is_ascii_alphanumeric() || matches!(b, b'/' | b'.' | b'_' | b'-' | b'~')
            });
        if code || path {
            continue;
        }
        let e = entropy(value);
        let ok = if is_password {
            value.len() >= 6 && char_classes(value) >= 2 && e >= 2.5
        } else {
            value.len() >= 12 && char_classes(value) >= 2 && e >= 3.5
        };
        if ok {
            out.push(Hit::new(value_start, value_end));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    use super::super::run_detector as run;

    #[test]
    fn provider_tokens() {
        assert_eq!(
            run(&AWS_ACCESS_KEY, "key AKIACVGMDWBMK5F2FJ6I ok"),
            ["AKIACVGMDWBMK5F2FJ6I"]
        );
        assert!(
            run(&AWS_ACCESS_KEY, "AKIAIOSFODNN7EXAMPLE").is_empty(),
            "AWS documentation example"
        );
        assert!(run(&AWS_ACCESS_KEY, "XAKIACVGMDWBMK5F2FJ6I").is_empty());
        assert_eq!(
            run(
                &GITHUB_TOKEN,
                "token ghs_9LkvO4QK7rkDWIdCURd8eHYOuxEra2gApQqB"
            )
            .len(),
            1
        );
        assert!(run(&GITHUB_TOKEN, "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx").is_empty());
        assert!(
            run(&GITHUB_TOKEN, "access_token=gho_16C7e42F292c6912E7710c838347Ae178B4a&scope=repo%2Cgist&token_type=bearer")
                .is_empty(),
            "GitHub's documentation example"
        );
        assert_eq!(
            run(
                &SLACK_TOKEN,
                "slack xoxb-50201375280-780911423056-PozNz517VH8SlHLONAZX14Rp #x"
            )
            .len(),
            1
        );
        assert!(run(&SLACK_TOKEN, "xoxb-your-token-here").is_empty());
        let app = "xapp-1-A05KZ7Q3X8N-5829104736251-9f2c4e1a7b3d5f608e1c2a4b6d8f0e1a3c5b7d9f1e3a5c7b9d1f3e5a7c9b1d3f";
        assert_eq!(
            run(&SLACK_TOKEN, &format!("SLACK_APP_TOKEN is {app} fyi")),
            [app]
        );
        assert!(run(&SLACK_TOKEN, "xapp-1-your-app-token").is_empty());
        assert_eq!(
            run(
                &GOOGLE_API_KEY,
                "gkey AIzaZ5hNFlBySOMEb3MWTY_HJUB7WL8ykbeiDuH ok"
            )
            .len(),
            1
        );
        assert!(
            run(&GOOGLE_API_KEY, "AIzaZ5hNFlBySOMEb3MWTY_HJUB7WL8ykbeiDuHX").is_empty(),
            "too long"
        );
        // An `_` late in the key is part of it, not a prefix to drop (the whole key is judged).
        for key in [
            "AIzaSyC3kT9vWq2LmN8pXr4YbZ1dFhJ6s_Go7Q1",
            "AIzaSyC3kT9vWq2LmN8pXr4YbZ1dFhJ6sGo_Q7x",
        ] {
            assert_eq!(run(&GOOGLE_API_KEY, &format!("key {key} for maps")), [key]);
        }
        let t = "stripe sk_live_wOi5mUg7LyvTEbPHfouTxdY7 and sk_test_4eC39HqLyjWDarjtT1zdp7dc";
        let re = Regex::new(STRIPE_KEY.pattern).unwrap();
        let hits = stripe_keys(t, &super::super::candidates(&re, t, &[(0, t.len())]));
        assert_eq!(hits.len(), 2);
        assert!(!hits[0].test_data && hits[1].test_data);
        assert!(
            run(&STRIPE_KEY, "pk_live_wOi5mUg7LyvTEbPHfouTxdY7").is_empty(),
            "publishable keys are public"
        );
    }

    #[test]
    fn key_blocks_and_jwts() {
        let key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----";
        assert_eq!(run(&PRIVATE_KEY, &format!("here {key} bye")), [key]);
        assert!(run(
            &PRIVATE_KEY,
            "paste your -----BEGIN RSA PRIVATE KEY----- here"
        )
        .is_empty());
        for template in ["<your key here>", "...", "MIIE..."] {
            let t = format!(
                "-----BEGIN RSA PRIVATE KEY-----\n{template}\n-----END RSA PRIVATE KEY-----"
            );
            assert!(
                run(&PRIVATE_KEY, &t).is_empty(),
                "a template, not a key: {t}"
            );
        }
        let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
        assert_eq!(run(&JWT, &format!("jwt {jwt}")), [jwt]);
        assert!(
            run(&JWT, "eyJub3RhIjoiand0In0.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abc").is_empty(),
            "header names no alg"
        );
    }


    #[test]
    fn generic_secret_recall() {
        // camelCase names, hex values assigned to a secret's name, bearer tokens.
        for (post, value) in [
            ("const awsSecretKey = \"Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB\";", "Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB"),
            ("accessToken: 'q8Z2xP0vLm4RtY7wK1sD'", "q8Z2xP0vLm4RtY7wK1sD"),
            ("\"client_secret\" : \"6da89121079f83b2eb6acccf8219ea982c3d79bccc3e9c6a85856480661f8fde\",", "6da89121079f83b2eb6acccf8219ea982c3d79bccc3e9c6a85856480661f8fde"),
            ("encryption_key=Vd8kQm2LxP9zRt4WyB7n", "Vd8kQm2LxP9zRt4WyB7n"),
            ("-H 'Authorization: Bearer q8Z2xP0vLm4RtY7wK1sDf3Hk' ", "q8Z2xP0vLm4RtY7wK1sDf3Hk"),
            // base64 of "deploy:Wq9!zLx2Pv"
            ("Authorization: Basic ZGVwbG95OldxOSF6THgyUHY=", "ZGVwbG95OldxOSF6THgyUHY="),
        ] {
            assert_eq!(run(&GENERIC_SECRET, post), [value], "{post}");
        }
        for quiet in [
            "commit 6da89121079f83b2eb6acccf8219ea982c3d79bc is it, token: 6da89121079f83b2eb6acccf8219ea982c3d79bc",
            "sha256_hash: 6da89121079f83b2eb6acccf8219ea982c3d79bccc3e9c6a85856480661f8fde",
            "api_key: 5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8",
            "Authorization: Bearer <token>",
            // base64 of "username:password"
            "Authorization: Basic dXNlcm5hbWU6cGFzc3dvcmQ=",
        ] {
            assert!(run(&GENERIC_SECRET, quiet).is_empty(), "{quiet}: {:?}", run(&GENERIC_SECRET, quiet));
        }
    }

    #[test]
    fn fixes_for_google_github_and_slack() {
        // Firebase's published example key: test data, not a blocking key.
        let t = "apiKey: @\"AIzaSyDdVgKwhZl0sTTTLZ7iTmt1r3N2cJLnaDk\"";
        let re = Regex::new(GOOGLE_API_KEY.pattern).unwrap();
        let hits = google_keys(t, &super::super::candidates(&re, t, &[(0, t.len())]));
        assert_eq!(hits.len(), 1);
        assert!(hits[0].test_data);
        // A GitHub token whose CRC32 is right is reported even if it looks like a pattern.
        let random = "abcdefabcdefabcdefabcdefabcdef";
        let mut n = checksums::crc32(random.as_bytes());
        let digits = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        let mut sum = [b'0'; 6];
        for slot in sum.iter_mut().rev() {
            *slot = digits[(n % 62) as usize];
            n /= 62;
        }
        let token = format!("ghp_{random}{}", std::str::from_utf8(&sum).unwrap());
        assert_eq!(run(&GITHUB_TOKEN, &token), [token.as_str()]);
        assert!(run(&GITHUB_TOKEN, &format!("ghp_{random}000000")).is_empty());
        // Slack: webhooks without a scheme, configuration tokens.
        let hook = "hooks.slack.com/services/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";
        assert_eq!(run(&SLACK_TOKEN, &format!("post to {hook} please")), [hook]);
        let cfg = format!("xoxe.xoxp-1-{}", "Mi0yLTM0MTQwNDE0MDE3Ni0zNjU5NDY0Njg5NTk0LTQwOTcwOTk3NDg0ODAtNDEwMjIzMjE2MjUzMy1hZDk0OTAwNzA3MDk5ZTI0YjA5");
        assert_eq!(run(&SLACK_TOKEN, &cfg), [cfg.as_str()]);
    }

    #[test]
    fn generic_secret_quiet_on_placeholders_and_hashes() {
        assert_eq!(
            run(&GENERIC_SECRET, "db_password = \"Tr0ub4dor&3x\""),
            ["Tr0ub4dor&3x"]
        );
        for code_or_path in [
            "DB_PASSWORD = os.getenv(\"DB_PASSWORD\")",
            "password = request.form[\"password\"]",
            "password = config[\"db\"][\"password\"]",
            "PWD=/home/alice/projects/safepost",
            "POSTGRES_PASSWORD_FILE: /run/secrets/db_password",
            "PASSWORD_RESET_URL=/accounts/reset/",
        ] {
            assert!(
                run(&GENERIC_SECRET, code_or_path).is_empty(),
                "{code_or_path}"
            );
        }
        assert_eq!(
            run(&GENERIC_SECRET, "password: /Xk9#vQ2!mZ"),
            ["/Xk9#vQ2!mZ"],
            "a password may start with /"
        );
        assert_eq!(
            run(&GENERIC_SECRET, "API_KEY: q8Z2xP0vLm4RtY7wK1sD"),
            ["q8Z2xP0vLm4RtY7wK1sD"]
        );
        for quiet in [
            "password: <your password>",
            "api_key = YOUR_API_KEY_HERE",
            "token: xxxxxxxxxxxxxxxx",
            "secret = d41d8cd98f00b204e9800998ecf8427e",
            "token: 123e4567-e89b-12d3-a456-426614174000",
            "password = ${DB_PASSWORD}",
            "token: sha256:9f86d081884c7d659a2feaa0c55ad015",
            "passwords: remember them",
            "secret: tomorrow",
            "api_key = process.env.API_KEY",
        ] {
            assert!(
                run(&GENERIC_SECRET, quiet).is_empty(),
                "{quiet}: {:?}",
                run(&GENERIC_SECRET, quiet)
            );
        }
    }
}

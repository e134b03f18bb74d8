//! Internal IP addresses: the private ranges of RFC 1918 (10.0.0.0/8, 172.16.0.0/12,
//! 192.168.0.0/16) say where a company's hosts sit inside its network, which a public post
//! should not map.
//!
//! Decided and documented (docs/policy.md): loopback (127.0.0.0/8) and link-local
//! (169.254.0.0/16) are *not* findings — they are the same on every machine and reveal nothing
//! about a network. Public addresses are not findings either (they are published in DNS). The
//! factory defaults of home routers (`192.168.0.1`, `192.168.1.1`, `10.0.0.1`…) and network or
//! broadcast addresses (`.0`, `.255`) are reported as examples: they name no one's host. A
//! dotted number after "version", "build" or "v" is a version, not an address.

use super::{char_at, char_before, context_before, Cand, Detector, Gate, Hit, Redaction};
use crate::policy::Category;

pub const INTERNAL_IP: Detector = Detector {
    id: "internal_ip",
    category: Category::Confidential,
    redaction: Redaction::Tail4,
    pattern: r"(?:10|172|192)\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}",
    gate: Gate::Anywhere,
    validate: internal_ips,
    message: "This is an internal IP address of a private network.",
};

/// Factory-default gateway addresses of home and office routers.
const ROUTER_DEFAULTS: &[[u8; 4]] = &[
    [192, 168, 0, 1],
    [192, 168, 1, 1],
    [192, 168, 1, 254],
    [192, 168, 0, 254],
    [192, 168, 2, 1],
    [192, 168, 178, 1],
    [10, 0, 0, 1],
    [10, 0, 0, 138],
    [10, 0, 1, 1],
];

/// The four octets of a dotted quad (no leading zeros, each at most 255).
pub fn octets(s: &str) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    let mut parts = s.split('.');
    for o in out.iter_mut() {
        let p = parts.next()?;
        if p.is_empty() || p.len() > 3 || (p.len() > 1 && p.starts_with('0')) {
            return None;
        }
        *o = p.parse().ok()?;
    }
    parts.next().is_none().then_some(out)
}

/// Whether the address is in an RFC 1918 range.
pub fn is_private(o: [u8; 4]) -> bool {
    o[0] == 10 || (o[0] == 172 && (16..=31).contains(&o[1])) || (o[0] == 192 && o[1] == 168)
}

fn internal_ips(text: &str, cands: &[Cand]) -> Vec<Hit> {
    let mut out = Vec::new();
    for m in cands {
        if char_before(text, m.start()).is_some_and(|c| c.is_alphanumeric() || ".-_/".contains(c)) {
            continue;
        }
        // A fifth part (10.1.2.3.4) or more digits: not an address.
        let after = char_at(text, m.end());
        if after.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '-')
            || (after == Some('.')
                && char_at(text, m.end() + 1).is_some_and(|c| c.is_ascii_digit()))
        {
            continue;
        }
        let Some(o) = octets(m.as_str()) else {
            continue;
        };
        if !is_private(o) {
            continue;
        }
        let ctx = context_before(text, m.start(), 16);
        let ctx = ctx.trim_end();
        if ["version", "build", "release", "firmware", "ver."]
            .iter()
            .any(|w| ctx.ends_with(w))
        {
            continue;
        }
        let mut h = Hit::new(m.start(), m.end());
        h.test_data = ROUTER_DEFAULTS.contains(&o) || o[3] == 0 || o[3] == 255;
        out.push(h);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::run_detector as run;
    use super::*;

    #[test]
    fn private_ranges_only() {
        assert_eq!(run(&INTERNAL_IP, "db at 10.20.30.40:5432"), ["10.20.30.40"]);
        assert_eq!(run(&INTERNAL_IP, "ssh 172.16.4.12."), ["172.16.4.12"]);
        assert_eq!(run(&INTERNAL_IP, "(192.168.50.23)"), ["192.168.50.23"]);
        assert!(
            run(&INTERNAL_IP, "172.32.1.1").is_empty(),
            "outside 172.16/12"
        );
        assert!(run(&INTERNAL_IP, "192.169.1.10").is_empty());
        assert!(run(&INTERNAL_IP, "10.256.1.1").is_empty(), "octet over 255");
        assert!(run(&INTERNAL_IP, "10.01.1.1").is_empty(), "leading zero");
        assert!(run(&INTERNAL_IP, "10.1.2.3.4").is_empty(), "five parts");
        assert!(run(&INTERNAL_IP, "version 10.4.2.1").is_empty());
        assert!(run(&INTERNAL_IP, "v10.4.2.1").is_empty());
        assert!(run(&INTERNAL_IP, "127.0.0.1 8.8.8.8").is_empty());
    }
}

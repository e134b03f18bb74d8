//! Database and broker connection strings that carry a password: URLs with a user and password
//! (`postgres://admin:S3cr3t@db.internal:5432/prod`, `mongodb+srv://…`, `redis://:pw@…`,
//! `amqp://…`), JDBC URLs with a `password=` parameter, and ADO.NET strings
//! (`Server=…;User ID=…;Password=…`).
//!
//! It exists apart from the e-mail detector because `admin:S3cr3t@db.internal` looks like an
//! address: a connection string is one finding, listed before `email` so it wins the overlap,
//! and its preview ([`Redaction::Connection`]) shows the scheme and host, never the user or
//! the password. A string whose password is a placeholder (`user:password@`, `:<password>@`,
//! `${DB_PASSWORD}`) is documentation, not a leak.

use super::{char_before, looks_like_placeholder, Cand, Detector, Gate, Hit, Redaction};
use crate::policy::Category;

pub const CONNECTION_STRING: Detector = Detector {
    id: "connection_string",
    category: Category::Credential,
    redaction: Redaction::Connection,
    pattern: concat!(
        r"(?i:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|",
        r"oracle|cockroachdb|clickhouse|couchbase|neo4j(?:\+s)?|mqtts?|sftp|ftps?|smtps?|ldaps?|",
        r"jdbc:[a-z0-9]{2,20}(?::[a-z0-9]{2,20})?)://[^\s\x22'`<>]{3,400}",
        r"|(?i:server|data source|host|address)=[^\n]{1,300}?(?i:password|pwd)=[^;\n\x22'`]{1,128}"
    ),
    gate: Gate::Anywhere,
    validate: connection_strings,
    message: "This is a connection string with a password: it gives access to a database or service.",
};

/// Passwords that stand for a password in documentation.
fn placeholder_password(p: &str) -> bool {
    let l = p.to_ascii_lowercase();
    let l = l.trim_matches(|c| c == '[' || c == ']' || c == '{' || c == '}');
    matches!(
        l,
        "password" | "pass" | "passwd" | "pwd" | "secret" | "pw" | "mypassword" | "yourpassword"
            | "user_password" | "db_password" | "dbpassword" | "p@ssw0rd" | "..." | "…"
    ) || l.starts_with('$')
        || l.starts_with('%')
        || looks_like_placeholder(l)
}

/// The password in a URL's userinfo (`scheme://user:PASSWORD@host`), or in a `password=` /
/// `pwd=` parameter (`;password=…`, `?password=…`), with its byte span in `s`.
fn url_password(s: &str) -> Option<(usize, usize)> {
    let after_scheme = s.find("://")? + 3;
    let rest = &s[after_scheme..];
    // A password may hold `#` or `?` typed raw: the authority ends at the last `@` before the
    // path when there is one.
    let path_start = rest.find('/').unwrap_or(rest.len());
    let authority_end = match rest[..path_start].rfind('@') {
        Some(at) => at + 1 + rest[at + 1..].find(['/', '?', ';', '#']).unwrap_or(rest.len() - at - 1),
        None => rest.find(['/', '?', ';', '#']).unwrap_or(rest.len()),
    };
    let authority = &rest[..authority_end];
    if let Some(at) = authority.rfind('@') {
        let userinfo = &authority[..at];
        if let Some(colon) = userinfo.find(':') {
            let start = after_scheme + colon + 1;
            let end = after_scheme + at;
            if end > start {
                return Some((start, end));
            }
        }
    }
    param_password(s)
}

/// A `password=` or `pwd=` parameter's value and span.
fn param_password(s: &str) -> Option<(usize, usize)> {
    let lower = s.to_ascii_lowercase();
    for key in ["password=", "pwd="] {
        let mut from = 0;
        while let Some(i) = lower[from..].find(key) {
            let k = from + i;
            from = k + key.len();
            // A whole parameter name, not `old_password=` or `pwd=` inside another word.
            let ok_before = k == 0 || matches!(lower.as_bytes()[k - 1], b';' | b'?' | b'&' | b' ');
            if !ok_before {
                continue;
            }
            let start = k + key.len();
            let len = s[start..].find([';', '&', '"', '\'']).unwrap_or(s.len() - start);
            if len > 0 {
                return Some((start, start + len));
            }
        }
    }
    None
}

fn connection_strings(text: &str, cands: &[Cand]) -> Vec<Hit> {
    let mut out = Vec::new();
    for c in cands {
        if char_before(text, c.start()).is_some_and(|ch| ch.is_ascii_alphanumeric()) {
            continue;
        }
        // Trailing sentence punctuation is not part of the string.
        let s = c.as_str().trim_end_matches(['.', ',', ')', ']', '}', '!', '?', ';']);
        let ado = !s.contains("://");
        let (pw, end) = if ado {
            // ADO.NET: key=value pairs separated by `;`; libpq: `host=… password=…` by spaces.
            let libpq = !s.contains(';');
            if libpq && !s.to_ascii_lowercase().starts_with("host=") {
                continue;
            }
            let Some((ps, pe)) = param_password(s) else {
                continue;
            };
            // The password ends at a space (libpq separates pairs with spaces; in a post an
            // ADO.NET string ends where the sentence goes on).
            let pe = ps + s[ps..pe].find(char::is_whitespace).unwrap_or(pe - ps);
            let _ = libpq;
            ((ps, pe), pe)
        } else {
            let Some(span) = url_password(s) else {
                continue;
            };
            (span, s.len())
        };
        let password = s[pw.0..pw.1].trim();
        if password.is_empty() || placeholder_password(password) {
            continue;
        }
        out.push(Hit::new(c.start(), c.start() + end));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::run_detector as run;
    use super::*;

    #[test]
    fn urls_with_a_password() {
        for s in [
            "postgres://admin:S3cr3tP4ss@db.internal:5432/prod",
            "mongodb+srv://app:Xq7%21vLm2@cluster0.a1b2c.mongodb.net/?retryWrites=true",
            "redis://:Rk9vT2mQ@cache.internal:6379/0",
            "amqp://svc:Tq8zW1pL@mq.internal:5672/vhost",
            "amqp://app:#xiRsBSSMW5g1G@mq.internal:5672/orders",
            "jdbc:sqlserver://db.internal:1433;databaseName=hr;user=sa;password=Wz4!qP9x",
            "jdbc:mysql://db.internal:3306/app?user=app&password=Lm3x9QzT",
        ] {
            assert_eq!(run(&CONNECTION_STRING, &format!("use {s} please.")), [s], "{s}");
        }
    }

    #[test]
    fn ado_strings() {
        let s = "Server=tcp:acme.database.windows.net,1433;Initial Catalog=hr;User ID=svc;Password=Vb7#kLq2x9";
        assert_eq!(run(&CONNECTION_STRING, &format!("{s};Encrypt=True")), [s]);
        assert_eq!(run(&CONNECTION_STRING, &format!("prod is {s} if you need it")), [s]);
        let libpq = "host=db.internal port=5432 user=app password=Qx8!mZ2v";
        assert_eq!(run(&CONNECTION_STRING, &format!("{libpq} dbname=prod")), [libpq]);
    }

    #[test]
    fn documentation_forms_are_quiet() {
        for s in [
            "postgres://user:password@localhost:5432/mydb",
            "postgresql://username:<password>@host:5432/db",
            "mysql://root:${MYSQL_ROOT_PASSWORD}@db/app",
            "postgres://db.internal:5432/prod",
            "https://user:pass@example.com",
            "redis://localhost:6379",
            "Server=myServer;Database=myDb;Password=myPassword",
        ] {
            assert!(run(&CONNECTION_STRING, s).is_empty(), "{s}");
        }
    }
}

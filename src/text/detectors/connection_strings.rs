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
    // Anchored on `://` and on the password key: the scheme, or the start of an ADO.NET or libpq
    // string, is found by looking back from there (see `url_start`, `pairs_start`).
    pattern: r"://[^\s\x22'`<>]{3,400}|(?:[Pp]assword|PASSWORD|[Pp]wd|PWD)=[^;\n\x22'`]{1,128}",
    gate: Gate::Literals(&["://", "password=", "pwd="]),
    validate: connection_strings,
    message:
        "This is a connection string with a password: it gives access to a database or service.",
};

/// Passwords that stand for a password in documentation.
fn placeholder_password(p: &str) -> bool {
    let l = p.to_ascii_lowercase();
    let l = l.trim_matches(|c| c == '[' || c == ']' || c == '{' || c == '}');
    matches!(
        l,
        "password"
            | "pass"
            | "passwd"
            | "pwd"
            | "secret"
            | "pw"
            | "mypassword"
            | "yourpassword"
            | "user_password"
            | "db_password"
            | "dbpassword"
            | "p@ssw0rd"
            | "..."
            | "…"
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
        Some(at) => {
            at + 1
                + rest[at + 1..]
                    .find(['/', '?', ';', '#'])
                    .unwrap_or(rest.len() - at - 1)
        }
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
            let len = s[start..]
                .find([';', '&', '"', '\''])
                .unwrap_or(s.len() - start);
            if len > 0 {
                return Some((start, start + len));
            }
        }
    }
    None
}

/// Schemes of databases, brokers and other services whose URLs carry a login.
const SCHEMES: &[&str] = &[
    "postgres",
    "postgresql",
    "mysql",
    "mariadb",
    "mongodb",
    "mongodb+srv",
    "redis",
    "rediss",
    "amqp",
    "amqps",
    "mssql",
    "sqlserver",
    "oracle",
    "cockroachdb",
    "clickhouse",
    "couchbase",
    "neo4j",
    "neo4j+s",
    "mqtt",
    "mqtts",
    "sftp",
    "ftp",
    "ftps",
    "smtp",
    "smtps",
    "ldap",
    "ldaps",
];

/// The start of the URL whose `://` is at `at`: its scheme, when it is one of [`SCHEMES`] or
/// `jdbc:<driver>[:<subprotocol>]`.
fn url_start(text: &str, at: usize) -> Option<usize> {
    let b = text.as_bytes();
    let len = b[..at]
        .iter()
        .rev()
        .take(40)
        .take_while(|x| x.is_ascii_alphanumeric() || matches!(x, b'+' | b':' | b'.' | b'-'))
        .count();
    let mut start = at - len;
    let mut scheme = text.get(start..at)?.to_ascii_lowercase();
    // `url:postgres://…`: the scheme is after the last colon, unless it is a JDBC URL.
    if !scheme.starts_with("jdbc:") {
        if let Some(i) = scheme.rfind(':') {
            start += i + 1;
            scheme = scheme[i + 1..].to_string();
        }
    }
    let known = SCHEMES.contains(&scheme.as_str())
        || scheme.strip_prefix("jdbc:").is_some_and(|d| {
            !d.is_empty()
                && d.split(':')
                    .all(|p| !p.is_empty() && p.bytes().all(|x| x.is_ascii_alphanumeric()))
        });
    (known && !char_before(text, start).is_some_and(|ch| ch.is_ascii_alphanumeric()))
        .then_some(start)
}

/// The start of the ADO.NET (`Server=…;…`) or libpq (`host=… …`) string whose password key is
/// at `at`: the nearest server key before it on the same line.
fn pairs_start(text: &str, at: usize) -> Option<usize> {
    let mut from = at.saturating_sub(300);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1).max(from);
    let before = text[line_start..at].to_ascii_lowercase();
    ["server=", "data source=", "host=", "address="]
        .iter()
        .filter_map(|k| before.find(k))
        .min()
        .map(|i| line_start + i)
        .filter(|&s| !char_before(text, s).is_some_and(|ch| ch.is_ascii_alphanumeric()))
}

fn connection_strings(text: &str, cands: &[Cand]) -> Vec<Hit> {
    let mut out = Vec::new();
    for c in cands {
        let start = if c.as_str().starts_with("://") {
            url_start(text, c.start())
        } else {
            pairs_start(text, c.start())
        };
        let Some(start) = start else {
            continue;
        };
        if out.last().is_some_and(|h: &Hit| h.end > start) {
            continue;
        }
        // Trailing sentence punctuation is not part of the string.
        let s = text[start..c.end()].trim_end_matches(['.', ',', ')', ']', '}', '!', '?', ';']);
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
        out.push(Hit::new(start, start + end));
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
            "mysql://root:Zq8x!2Lm@10.0.0.5:3306/app",
            "jdbc:sqlserver://db.internal:1433;databaseName=hr;user=sa;password=Wz4!qP9x",
            "jdbc:mysql://db.internal:3306/app?user=app&password=Lm3x9QzT",
        ] {
            assert_eq!(
                run(&CONNECTION_STRING, &format!("use {s} please.")),
                [s],
                "{s}"
            );
        }
    }

    #[test]
    fn the_scheme_is_found_behind_a_label() {
        assert_eq!(
            run(&CONNECTION_STRING, "url:postgres://a:Xq9!zL2m@db/x"),
            ["postgres://a:Xq9!zL2m@db/x"]
        );
        assert!(run(&CONNECTION_STRING, "xpostgres://a:Xq9!zL2m@db/x").is_empty());
    }

    #[test]
    fn ado_strings() {
        let s = "Server=tcp:acme.database.windows.net,1433;Initial Catalog=hr;User ID=svc;Password=Vb7#kLq2x9";
        assert_eq!(run(&CONNECTION_STRING, &format!("{s};Encrypt=True")), [s]);
        assert_eq!(
            run(&CONNECTION_STRING, &format!("prod is {s} if you need it")),
            [s]
        );
        let libpq = "host=db.internal port=5432 user=app password=Qx8!mZ2v";
        assert_eq!(
            run(&CONNECTION_STRING, &format!("{libpq} dbname=prod")),
            [libpq]
        );
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

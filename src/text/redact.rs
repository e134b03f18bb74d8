//! Redacted previews: enough for the user to recognise what was found (`4111 •••• •••• 1111`),
//! never the full secret. Previews travel further than the post (warning panels, IT tickets).

use super::detectors::Redaction;

const DOT: char = '•';
const MAX_PREVIEW_CHARS: usize = 60;

/// The preview of `s` (the original text of a finding) for a detector's redaction style.
pub fn preview(style: Redaction, s: &str) -> String {
    match style {
        Redaction::Card => keep_digits(s, 4, 4),
        Redaction::Tail4 => tail4(s),
        Redaction::Email => email(s),
        Redaction::Coordinates => coordinates(s),
        Redaction::Url => url(s),
        Redaction::Secret => secret(s),
        Redaction::KeyBlock => {
            let first = s.lines().next().unwrap_or("").trim();
            format!("{first} {}", dots(4))
        }
        Redaction::Connection => connection(s),
    }
}

/// A connection string: `postgres://••••@db.internal:5432/…`, `Server=tcp:db,1433;…••••`. The
/// user and the password are never shown; the scheme and host say which database it was.
fn connection(s: &str) -> String {
    if let Some((scheme, rest)) = s.split_once("://") {
        let authority = rest.split(['/', '?', ';', '#']).next().unwrap_or("");
        let host = authority.rsplit('@').next().unwrap_or("");
        let host = if authority.contains('@') { format!("{}@{host}", dots(4)) } else { host.to_string() };
        return format!("{scheme}://{host}/…");
    }
    // ADO.NET or libpq: the first key=value (the server), unless it is the password itself.
    let first = s.split([';', ' ']).next().unwrap_or("");
    let lower = first.to_ascii_lowercase();
    if lower.starts_with("password") || lower.starts_with("pwd") || first.chars().count() > 80 {
        return dots(8);
    }
    format!("{first};…{}", dots(8))
}

/// A company regular-expression match: its first part, the rest hidden.
pub fn partial(s: &str) -> String {
    let n = s.chars().count();
    if n <= 3 {
        return dots(n);
    }
    let keep = (n / 2).min(6);
    let mut out: String = s.chars().take(keep).collect();
    out.extend(std::iter::repeat(DOT).take((n - keep).min(8)));
    out
}

/// A keyword match: shown as typed (the term is in the policy anyway), shortened if long.
pub fn plain(s: &str) -> String {
    let one_line: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= MAX_PREVIEW_CHARS {
        return one_line;
    }
    let mut out: String = one_line.chars().take(MAX_PREVIEW_CHARS - 1).collect();
    out.push('…');
    out
}

fn dots(n: usize) -> String {
    std::iter::repeat(DOT).take(n).collect()
}

/// Keeps the first `head` and last `tail` digits, hides the other digits, keeps separators.
fn keep_digits(s: &str, head: usize, tail: usize) -> String {
    let total = s.chars().filter(char::is_ascii_digit).count();
    let mut seen = 0;
    s.chars()
        .map(|c| {
            if c.is_ascii_digit() {
                seen += 1;
                if seen <= head || seen > total.saturating_sub(tail) {
                    return c;
                }
                return DOT;
            }
            c
        })
        .collect()
}

/// Hides every letter and digit except the last four (and an IBAN's country code).
fn tail4(s: &str) -> String {
    let total = s.chars().filter(|c| c.is_ascii_alphanumeric()).count();
    let lead_letters = s
        .chars()
        .take_while(|c| c.is_ascii_uppercase())
        .count()
        .min(2);
    let mut seen = 0;
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                seen += 1;
                if seen <= lead_letters || seen > total.saturating_sub(4) {
                    return c;
                }
                return DOT;
            }
            c
        })
        .collect()
}

fn email(s: &str) -> String {
    match s.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}{}@{domain}", dots(3))
        }
        None => dots(3),
    }
}

/// Degrees and one decimal kept, the rest hidden: the area, not the address.
fn coordinates(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut decimals = None::<usize>;
    for c in s.chars() {
        if c == '.' {
            decimals = Some(0);
            out.push(c);
            continue;
        }
        if c.is_ascii_digit() {
            if let Some(d) = decimals.as_mut() {
                *d += 1;
                out.push(if *d <= 1 { c } else { DOT });
                continue;
            }
        } else {
            decimals = None;
        }
        out.push(c);
    }
    out
}

fn url(s: &str) -> String {
    let (scheme, rest) = s.split_once("://").unwrap_or(("", s));
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if scheme.is_empty() {
        format!("{host}/…")
    } else {
        format!("{scheme}://{host}/…")
    }
}

/// A credential's recognisable prefix (`sk_live_`, `ghp_`, `xoxb-`, `AKIA`) and dots.
fn secret(s: &str) -> String {
    let n = s.chars().count();
    let prefix_len = s
        .char_indices()
        .take(12)
        .filter(|(_, c)| *c == '_' || *c == '-')
        .map(|(i, _)| i + 1)
        .last()
        .unwrap_or(4)
        .min(n / 3)
        .max(if n >= 12 { 4 } else { 1 }.min(n / 3));
    let mut out: String = s.chars().take(prefix_len).collect();
    out.push_str(&dots(8));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previews_hide_the_middle() {
        assert_eq!(
            preview(Redaction::Card, "4111 1111 1111 1111"),
            "4111 •••• •••• 1111"
        );
        assert_eq!(
            preview(Redaction::Card, "371449635398431"),
            "3714•••••••8431"
        );
        assert_eq!(preview(Redaction::Tail4, "492-86-4118"), "•••-••-4118");
        assert_eq!(
            preview(Redaction::Tail4, "DE89370400440532013000"),
            "DE••••••••••••••••3000"
        );
        assert_eq!(
            preview(Redaction::Email, "jane.doe@acme.io"),
            "j•••@acme.io"
        );
        assert_eq!(
            preview(Redaction::Coordinates, "-37.116394, 133.945673"),
            "-37.1•••••, 133.9•••••"
        );
        assert_eq!(
            preview(Redaction::Url, "https://maps.apple.com/?ll=1.23,4.56"),
            "https://maps.apple.com/…"
        );
        assert_eq!(
            preview(Redaction::Secret, "sk_live_wOi5mUg7LyvTEbPHfouTxdY7"),
            "sk_live_••••••••"
        );
        assert_eq!(
            preview(Redaction::Secret, "AKIACVGMDWBMK5F2FJ6I"),
            "AKIA••••••••"
        );
        assert_eq!(partial("E1234567"), "E123••••");
        assert_eq!(
            preview(Redaction::Connection, "postgres://admin:S3cr3tP4ss@db.internal:5432/prod"),
            "postgres://••••@db.internal:5432/…"
        );
        assert_eq!(
            preview(Redaction::Connection, "Server=tcp:db.acme.net,1433;User ID=svc;Password=Vb7#kLq2x9"),
            "Server=tcp:db.acme.net,1433;…••••••••"
        );
    }

    #[test]
    fn a_secret_preview_never_holds_the_secret() {
        for s in [
            "Tr0ub4dor&3x",
            "abcdefgh",
            "ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "x_y_z_w_v_u_t",
        ] {
            let p = preview(Redaction::Secret, s);
            let shown = p.trim_end_matches('•');
            assert!(shown.len() * 2 < s.len() || shown.len() <= 4, "{s} -> {p}");
        }
    }
}

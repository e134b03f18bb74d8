//! The scanner end to end: hiding tricks, spans in original byte and UTF-16 offsets, redacted
//! previews, company rules (keywords, regex, builtin), sites, exceptions, disclosure, and
//! hostile input that must neither panic nor hang.

use safepost::policy::{Category, Policy, Severity};
use safepost::text::{Finding, TextScanner};

fn default_scan(text: &str) -> Vec<Finding> {
    TextScanner::new(&Policy::default_policy(), None).scan(text)
}

fn scan_with(doc: &str, site: Option<&str>, text: &str) -> Vec<Finding> {
    let (p, e) = Policy::from_json(doc);
    assert!(e.is_empty(), "{e:?}");
    TextScanner::new(&p, site).scan(text)
}

fn rules(f: &[Finding]) -> Vec<&str> {
    f.iter().map(|f| f.rule.as_str()).collect()
}

/// Every finding's offsets are consistent with the text.
fn check_spans(text: &str, findings: &[Finding]) {
    // UTF-16 offset of every byte offset that starts a character (and of the end).
    let mut utf16 = vec![usize::MAX; text.len() + 1];
    let mut units = 0;
    for (i, c) in text.char_indices() {
        utf16[i] = units;
        units += c.len_utf16();
    }
    utf16[text.len()] = units;
    for f in findings {
        assert!(f.start < f.end && f.end <= text.len(), "{f:?}");
        assert!(
            text.is_char_boundary(f.start) && text.is_char_boundary(f.end),
            "{f:?}"
        );
        assert_eq!(
            (f.start_utf16, f.end_utf16),
            (utf16[f.start], utf16[f.end]),
            "{f:?}"
        );
    }
}

#[test]
fn hiding_tricks_are_seen_through_and_spans_point_at_what_was_typed() {
    let cases = [
        ("🚀👩‍💻 this is con\u{200B}fid\u{00AD}ential!", "con\u{200B}fid\u{00AD}ential"),
        ("ＩＮＴＥＲＮＡＬ ＯＮＬＹ deck", "ＩＮＴＥＲＮＡＬ ＯＮＬＹ"),
        ("\u{1D41C}\u{1D428}\u{1D427}\u{1D41F}\u{1D422}\u{1D41D}\u{1D41E}\u{1D427}\u{1D42D}\u{1D422}\u{1D41A}\u{1D425} stuff", "\u{1D41C}\u{1D428}\u{1D427}\u{1D41F}\u{1D422}\u{1D41D}\u{1D41E}\u{1D427}\u{1D42D}\u{1D422}\u{1D41A}\u{1D425}"),
        ("we are under\u{00A0}\u{00A0}NDA", "under\u{00A0}\u{00A0}NDA"),
        ("Do Not\nDistribute", "Do Not\nDistribute"),
        ("emb\u{202E}argoed until Monday", "emb\u{202E}argoed until"),
        ("strictly c\u{43E}nfid\u{435}ntial (Cyrillic о and е)", "strictly c\u{43E}nfid\u{435}ntial"),
        ("this is C O N F I D E N T I A L, sorry", "C O N F I D E N T I A L"),
        ("i.n.t.e.r.n.a.l o.n.l.y", "i.n.t.e.r.n.a.l o.n.l.y"),
    ];
    for (text, typed) in cases {
        let f = default_scan(text);
        assert_eq!(rules(&f), ["confidential_marker"], "{text:?}");
        assert_eq!(&text[f[0].start..f[0].end], typed);
        check_spans(text, &f);
    }
    // A card number split by zero-width spaces, in full-width digits.
    let text = "card ４５３９ １４８８\u{200B} ０３４３ ６４６７ ok";
    let f = default_scan(text);
    assert_eq!(rules(&f), ["credit_card"]);
    assert_eq!(
        &text[f[0].start..f[0].end],
        "４５３９ １４８８\u{200B} ０３４３ ６４６７"
    );
    check_spans(text, &f);
}

#[test]
fn the_workload_post_raises_each_sensitive_item_once() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/bench/textscan/workload/post5k.txt"
    );
    let Ok(post) = std::fs::read_to_string(path) else {
        eprintln!("workload not found at {path}; skipped");
        return;
    };
    let f = default_scan(&post);
    check_spans(&post, &f);
    let mut got = rules(&f);
    got.sort_unstable();
    let mut want = vec![
        "aws_access_key",
        "credit_card",
        "email",
        "github_token",
        "google_api_key",
        "gps_coordinates",
        "iban",
        // 172.16.187.141 and the broadcast address 172.16.41.255 (an example: one severity lower).
        "internal_ip",
        "internal_ip",
        "jwt",
        "map_link",
        "phone",
        "private_key",
        "slack_token",
        "stripe_key",
        "us_ssn",
    ];
    want.sort_unstable();
    assert_eq!(got, want);
}

#[test]
fn previews_are_redacted() {
    let text = "card 4111 1111 1111 1111, key AKIACVGMDWBMK5F2FJ6I, stripe sk_live_wOi5mUg7LyvTEbPHfouTxdY7, ssn 492-86-4118";
    let f = default_scan(text);
    let previews: Vec<&str> = f.iter().map(|f| f.preview.as_str()).collect();
    assert_eq!(
        previews,
        [
            "4111 •••• •••• 1111",
            "AKIA••••••••",
            "sk_live_••••••••",
            "•••-••-4118"
        ]
    );
    for x in &f {
        assert!(!x.preview.contains(&text[x.start..x.end]), "{x:?}");
    }
    assert_eq!(
        f[0].severity,
        Severity::Warn,
        "4111 1111 1111 1111 is a published test card: one step lower"
    );
    assert_eq!(f[1].severity, Severity::Block);
}

#[test]
fn utf16_offsets_count_surrogate_pairs_before_the_finding() {
    let text = "😀😀 é SSN 492-86-4118";
    let f = default_scan(text);
    assert_eq!(rules(&f), ["us_ssn"]);
    assert_eq!((f[0].start_utf16, f[0].end_utf16), (11, 22));
    check_spans(text, &f);
}

#[test]
fn keyword_rules_fold_case_and_unicode_and_respect_word_boundaries() {
    let doc = r#"{"rules": [
        {"id": "codename", "kind": "keywords", "terms": ["Blue Falcon", "Übermut", "東京計画"], "severity": "block",
         "message": "Codenames stay inside.", "link": "https://intranet.example.com/codenames"}]}"#;
    let text = "Loving BLUE   FALCON! ÜBERMUT or übermut, blue falcons (a plural is the term too), not bluefalcon, and 本社の東京計画です";
    let f = scan_with(doc, None, text);
    let got: Vec<&str> = f.iter().map(|f| &text[f.start..f.end]).collect();
    assert_eq!(got, ["BLUE   FALCON", "ÜBERMUT", "übermut", "blue falcons", "東京計画"]);
    assert!(f
        .iter()
        .all(|x| x.severity == Severity::Block && x.category == Category::Confidential));
    assert_eq!(
        f[0].link.as_deref(),
        Some("https://intranet.example.com/codenames")
    );
    assert_eq!(f[0].message, "Codenames stay inside.");
    assert_eq!(f[0].preview, "BLUE FALCON");
}

#[test]
fn regex_rules_keep_unicode_word_boundaries_exact() {
    let doc = r#"{"rules": [
        {"id": "emp", "kind": "regex", "pattern": "(?-i)\\bE[0-9]{7}\\b"},
        {"id": "proj", "kind": "regex", "pattern": "\\bпроект-[0-9]+\\b"},
        {"id": "host", "kind": "regex", "pattern": "\\b[a-z0-9-]+\\.corp\\.example\\.com\\b"}]}"#;
    let text =
        "🙂 xE1234567 éE1234567 E7654321 e7654321 ПРОЕКТ-42 мойпроект-43 build-7.corp.example.com";
    let f = scan_with(doc, None, text);
    let got: Vec<(&str, &str)> = f
        .iter()
        .map(|f| (f.rule.as_str(), &text[f.start..f.end]))
        .collect();
    assert_eq!(
        got,
        [
            ("emp", "E7654321"),
            ("proj", "ПРОЕКТ-42"),
            ("host", "build-7.corp.example.com")
        ]
    );
    check_spans(text, &f);
}

#[test]
fn many_rules_are_one_pass_and_all_still_match() {
    // 300 keyword rules and 60 regex rules, all found where they occur.
    let mut rules_json = Vec::new();
    for i in 0..300 {
        rules_json.push(format!(
            r#"{{"id": "kw{i}", "kind": "keywords", "terms": ["codeword{i}x"]}}"#
        ));
    }
    for i in 0..60 {
        rules_json.push(format!(
            r#"{{"id": "re{i}", "kind": "regex", "pattern": "\\bTKT{i}-[0-9]{{4}}\\b"}}"#
        ));
    }
    let doc = format!(r#"{{"rules": [{}]}}"#, rules_json.join(","));
    let text = "see codeword7x and CODEWORD299X plus tkt59-1234, TKT3-9999 but not TKT3-99999 nor xcodeword7x";
    let f = scan_with(&doc, None, text);
    assert_eq!(rules(&f), ["kw7", "kw299", "re59", "re3"]);
}

#[test]
fn sites_limit_where_a_rule_applies() {
    let doc = r#"{"rules": [{"id": "li", "kind": "keywords", "terms": ["recruiting"], "sites": ["linkedin.com"]}]}"#;
    assert_eq!(
        rules(&scan_with(
            doc,
            Some("www.linkedin.com"),
            "we are recruiting"
        )),
        ["li"]
    );
    assert!(scan_with(doc, Some("x.com"), "we are recruiting").is_empty());
    assert!(scan_with(doc, Some("notlinkedin.com"), "we are recruiting").is_empty());
    assert_eq!(
        rules(&scan_with(doc, None, "we are recruiting")),
        ["li"],
        "unknown site: every rule applies"
    );
}

#[test]
fn exceptions_allow_terms_and_email_domains() {
    let doc = r#"{"detectors": {"email": {"enabled": false}},
        "rules": [
          {"id": "mail", "kind": "builtin", "builtin": "email", "severity": "warn",
           "exceptions": {"email_domains": ["example.com"]}},
          {"id": "phoenix", "kind": "keywords", "terms": ["phoenix"], "exceptions": {"terms": ["Phoenix, Arizona"]}}]}"#;
    let text = "write to a@example.com, b@sub.example.com or c@gmail.com; Phoenix, Arizona is hot; phoenix ships";
    let f = scan_with(doc, None, text);
    let got: Vec<(&str, &str)> = f
        .iter()
        .map(|f| (f.rule.as_str(), &text[f.start..f.end]))
        .collect();
    assert_eq!(got, [("mail", "c@gmail.com"), ("phoenix", "phoenix")]);
    assert_eq!(
        f[0].category,
        Category::PersonalData,
        "a builtin rule takes its detector's category"
    );
    assert_eq!(f[0].preview, "c•••@gmail.com");
}

#[test]
fn a_builtin_rule_replaces_the_detector_finding() {
    let doc = r#"{"rules": [{"id": "cards-strict", "kind": "builtin", "builtin": "credit_card", "severity": "block",
        "message": "No card numbers, ever."}]}"#;
    let f = scan_with(doc, None, "card 4539 1488 0343 6467");
    assert_eq!(rules(&f), ["cards-strict"]);
    assert_eq!(f[0].message, "No card numbers, ever.");
}

#[test]
fn disclosure_needs_a_tag_when_a_brand_is_named() {
    let doc = r#"{"disclosure": {"brands": ["Acme", "RoadRunner Pro"]}}"#;
    let f = scan_with(
        doc,
        None,
        "Loving the new roadrunner pro from ACME! #adventure",
    );
    assert_eq!(rules(&f), ["disclosure"]);
    assert_eq!(f[0].category, Category::Disclosure);
    assert!(f[0].message.contains("#employee"), "{}", f[0].message);
    assert!(scan_with(doc, None, "Loving the new RoadRunner Pro #ad").is_empty());
    assert!(scan_with(doc, None, "Proud to work on Acme #Employee").is_empty());
    assert!(scan_with(doc, None, "Acmeville is lovely").is_empty());
}

#[test]
fn hostile_input_neither_panics_nor_hangs() {
    let big_digits = "1234 ".repeat(20_000);
    let headers = "-----BEGIN RSA PRIVATE KEY-----\n".repeat(2_000);
    let marks = "\u{0301}\u{0301}e\u{0301}\u{200B}".repeat(5_000);
    let mixed: String = (0..60_000u32)
        .filter_map(|i| char::from_u32((i * 7919) % 0x2FFFF))
        .collect();
    let assigns = "password=password=token: ".repeat(5_000);
    for text in [
        big_digits.as_str(),
        &headers,
        &marks,
        &mixed,
        &assigns,
        "",
        "\u{0301}",
        "@",
        "+",
        "eyJ.eyJ.",
    ] {
        let t = std::time::Instant::now();
        let f = default_scan(text);
        assert!(
            t.elapsed().as_secs() < 5,
            "too slow on hostile input: {:?}",
            t.elapsed()
        );
        check_spans(text, &f);
    }
}

#[test]
fn random_texts_never_panic_and_spans_stay_valid() {
    // Deterministic random texts built from the pieces detectors and views care about.
    let pieces = [
        "1",
        "4",
        "9",
        "0",
        " ",
        "-",
        ".",
        ",",
        ":",
        "=",
        "@",
        "/",
        "+",
        "(",
        ")",
        "°",
        "'",
        "\"",
        "N",
        "E",
        "a",
        "e",
        "x",
        "Z",
        "\u{301}",
        "\u{200B}",
        "\u{AD}",
        "Ｃ",
        "𝐜",
        "о",
        "е",
        "я",
        "🙂",
        "👩‍💻",
        "\n",
        "-----BEGIN RSA PRIVATE KEY-----",
        "eyJ",
        "AKIA",
        "xoxb-",
        "sk_live_",
        "https://maps.apple.com/?ll=",
        "confidential",
        "c o n f",
        "password=",
        "DE89",
        "ssn ",
        "call ",
        "#ad",
        "Acme",
        "Ü",
        "ß",
        "İ",
    ];
    let (policy, e) = Policy::from_json(
        r#"{"disclosure": {"brands": ["Acme"]}, "rules": [
        {"id": "r1", "kind": "regex", "pattern": "\\bE[0-9]{3}\\b"}, {"id": "r2", "kind": "regex", "pattern": "conf.{0,5}ial"},
        {"id": "k", "kind": "keywords", "terms": ["İstanbul", "ß-plan", "x y"], "exceptions": {"terms": ["x y z"]}}]}"#,
    );
    assert!(e.is_empty(), "{e:?}");
    let scanner = TextScanner::new(&policy, None);
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut findings = 0;
    for _ in 0..3_000 {
        let n = (next() % 60) as usize;
        let text: String = (0..n)
            .map(|_| pieces[(next() % pieces.len() as u64) as usize])
            .collect();
        let f = scanner.scan(&text);
        check_spans(&text, &f);
        findings += f.len();
    }
    assert!(
        findings > 1_000,
        "the generator should produce findings: {findings}"
    );
}

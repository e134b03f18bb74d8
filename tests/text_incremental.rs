//! Incremental checking (`text::incremental`) gives exactly the findings of a full scan.
//!
//! Property-style: long posts made of the labelled corpora's posts (every kind of finding, in
//! many scripts), then thousands of random edits applied one after another through one
//! `Incremental` (as a composer does): typing, deleting, pasting in the middle, deleting a line,
//! splitting a finding (a space in its middle), joining two findings or a finding and its
//! neighbour (deleting what separates them), and typing right after a finding. After every edit
//! the incremental findings must equal `TextScanner::scan` of the same text, for the shipped
//! default policy and for a company policy with keywords, regexes, exceptions and disclosure.

use safepost::policy::Policy;
use safepost::text::incremental::Incremental;
use safepost::text::TextScanner;

/// A small seeded generator (xorshift64*), so a failure can be replayed.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn corpus_posts() -> Vec<String> {
    let mut posts = Vec::new();
    for f in [
        "corpus.jsonl",
        "corpus_ids.jsonl",
        "corpus_secrets.jsonl",
        "corpus_words.jsonl",
    ] {
        let path = format!("{}/tests/data/text/{f}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).expect("corpus file");
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let v: serde_json::Value = serde_json::from_str(line).expect("corpus line");
            if let Some(t) = v["text"].as_str() {
                posts.push(t.to_string());
            }
        }
    }
    assert!(posts.len() > 500, "corpora not found");
    posts
}

fn floor(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// One random edit of `text`; `findings` are the current findings (to aim at their edges).
fn edit(rng: &mut Rng, text: &str, posts: &[String], findings: &[(usize, usize)]) -> String {
    let mut t = text.to_string();
    let at = floor(&t, rng.below(t.len() + 1));
    // The spans may be a few characters old (typing since): kept on character boundaries.
    let findings: Vec<(usize, usize)> = findings
        .iter()
        .map(|&(s, e)| (floor(text, s), floor(text, e)))
        .filter(|(s, e)| s <= e)
        .collect();
    let typed = [
        "a", "1", " ", "\n", "é", "🚀", ":", "=", "-", "@", ".", "x", "9", "#ad", "Acme",
    ];
    match rng.below(10) {
        // type a character or a short word
        0 | 1 => t.insert_str(at, typed[rng.below(typed.len())]),
        // delete a few characters
        2 => {
            let end = floor(&t, at + 1 + rng.below(12));
            t.replace_range(at..end, "");
        }
        // paste a whole post in the middle
        3 => {
            let p = &posts[rng.below(posts.len())];
            t.insert_str(at, p);
        }
        // delete a line (a paragraph)
        4 => {
            let s = t[..at].rfind('\n').map_or(0, |i| i + 1);
            let e = t[at..].find('\n').map_or(t.len(), |i| at + i + 1);
            // A post without line breaks loses a stretch around the place instead.
            let (s, e) = if e - s > t.len() / 4 {
                (floor(&t, at.saturating_sub(100)), floor(&t, at + 100))
            } else {
                (s, e)
            };
            t.replace_range(s..e, "");
        }
        // split a finding: a space in its middle
        5 if !findings.is_empty() => {
            let (s, e) = findings[rng.below(findings.len())];
            let m = floor(&t, s + (e - s) / 2);
            t.insert(m, ' ');
        }
        // join: delete what separates a finding from the next text (or the next finding)
        6 if !findings.is_empty() => {
            let i = rng.below(findings.len());
            let (_, e) = findings[i];
            let next = findings.get(i + 1).map_or(e + 3, |f| f.0);
            let e = floor(&t, e);
            let end = floor(&t, next.max(e));
            if e < end {
                t.replace_range(e..end, "");
            }
        }
        // type right after a finding, or replace its last character
        7 if !findings.is_empty() => {
            let (s, e) = findings[rng.below(findings.len())];
            let c = typed[rng.below(typed.len())];
            if rng.below(2) == 0 {
                t.insert_str(e, c);
            } else if e > s {
                let last = floor(&t, e - 1);
                t.replace_range(last..e, c);
            }
        }
        // type several characters one after another somewhere (done as separate edits below)
        _ => t.insert_str(at, typed[rng.below(typed.len())]),
    }
    t
}

fn check_policy(policy: &Policy, seed: u64, rounds: usize, steps: usize) {
    let posts = corpus_posts();
    let scanner = TextScanner::new(policy, None);
    let mut rng = Rng(seed);
    let mut checked = 0usize;
    let mut with_findings = 0usize;
    // Checks of a long text (over 4 KB) that scanned at most half of it.
    let (mut long, mut partial) = (0usize, 0usize);
    for round in 0..rounds {
        // A long post: 60 to 160 corpus posts (5 to 13 KB), separated by spaces or line breaks.
        let n = 60 + rng.below(100);
        let mut text = String::new();
        for _ in 0..n {
            text.push_str(&posts[rng.below(posts.len())]);
            text.push_str([" ", "\n", "\n\n", " — "][rng.below(4)]);
        }
        let mut inc = Incremental::new();
        let mut findings = inc.check(&scanner, &text);
        assert_eq!(findings, scanner.scan(&text), "round {round}: first check");
        for step in 0..steps {
            let spans: Vec<(usize, usize)> = findings.iter().map(|f| (f.start, f.end)).collect();
            text = edit(&mut rng, &text, &posts, &spans);
            // Sometimes a burst of typing at one place, one character at a time.
            let burst = if rng.below(4) == 0 {
                1 + rng.below(8)
            } else {
                1
            };
            for _ in 0..burst {
                findings = inc.check(&scanner, &text);
                let full = scanner.scan(&text);
                assert_eq!(
                    findings, full,
                    "seed {seed} round {round} step {step}: incremental != full scan for {text:?}"
                );
                checked += 1;
                with_findings += usize::from(!full.is_empty());
                if text.len() > 4096 {
                    long += 1;
                    partial += usize::from(inc.rescanned() * 2 <= text.len());
                }
                let at = floor(&text, rng.below(text.len() + 1));
                text.insert(at, ['a', ' ', '4', 'k', '\n'][rng.below(5)]);
            }
        }
    }
    assert!(checked >= rounds * steps, "{checked} checks");
    assert!(
        with_findings * 2 >= checked,
        "too few texts with findings: {with_findings}/{checked}"
    );
    // The property is about the incremental path: most checks of long texts must take it.
    assert!(long * 2 >= checked, "too few long texts: {long}/{checked}");
    // (Whole-text rescans come from long matches crossing the window: an unterminated key
    // header runs to the end of the post, so edits after it widen to it.)
    assert!(
        partial * 4 >= long,
        "most checks rescanned the whole text: {partial}/{long}"
    );
}

#[test]
fn incremental_equals_full_scan_default_policy() {
    check_policy(&Policy::default_policy(), 0x9E37_79B9_7F4A_7C15, 12, 120);
}

#[test]
fn incremental_equals_full_scan_company_policy() {
    let doc = r##"{"version": 1,
      "detectors": {"phone": {"context_chars": 120}, "email": {"min_confidence": "high"}},
      "rules": [
        {"id": "codename", "kind": "keywords", "terms": ["phoenix", "blue harbor", "acme"],
         "exceptions": {"terms": ["Phoenix, Arizona"]}},
        {"id": "ticket", "kind": "regex", "pattern": "\\bPRJ-[0-9]{3,6}\\b"},
        {"id": "host", "kind": "regex", "pattern": "\\b[a-z0-9]+\\.corp\\.example\\.com\\b"},
        {"id": "url", "kind": "regex", "pattern": "https?://code\\.example\\.com/[\\w.-]+"},
        {"id": "money", "kind": "regex", "pattern": "\\bbudget\\b[^.\\n]{0,40}?\\$\\s?[0-9]{1,3}(?:,[0-9]{3})+"},
        {"id": "mail", "kind": "builtin", "builtin": "email",
         "exceptions": {"email_domains": ["example.com"]}}],
      "disclosure": {"brands": ["Acme", "Globex"], "tags": ["#ad", "#sponsored"]}}"##;
    let (policy, errors) = Policy::from_json(doc);
    assert!(errors.is_empty(), "{errors:?}");
    check_policy(&policy, 0xD1B5_4A32_D192_ED03, 12, 120);
}

#[test]
fn one_checker_for_unrelated_texts() {
    // The core frame keeps one checker per site: texts of different composers alternate.
    let posts = corpus_posts();
    let scanner = TextScanner::new(&Policy::default_policy(), None);
    let mut inc = Incremental::new();
    for (i, p) in posts.iter().enumerate().take(300) {
        let text = if i % 3 == 0 {
            String::new()
        } else {
            format!("{p} {}", posts[(i * 7) % posts.len()])
        };
        assert_eq!(inc.check(&scanner, &text), scanner.scan(&text), "{text:?}");
    }
}

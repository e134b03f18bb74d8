//! Text engine benchmarks on the shared workload (`../shared/bench/textscan/workload`): the
//! 5,000-character post and 1 MB of posts, with the shipped default policy plus the workload's
//! 500 company keywords and 50 company regular expressions as a policy document.
//!
//! Run: `cargo bench --bench text`. Figures are recorded in docs/benchmarks/text.md.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use safepost::policy::Policy;
use safepost::text::TextScanner;
use std::hint::black_box;
use std::path::PathBuf;

fn workload_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("TEXTSCAN_WORKLOAD")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/textscan/workload")
        });
    dir.join("post5k.txt").exists().then_some(dir)
}

/// rules.json → a SafePost policy document: one keyword rule per codename, one regex rule per
/// company expression (`(?-i)` when the JavaScript flags have no `i`).
fn company_policy(rules_json: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(rules_json).expect("rules.json is JSON");
    let mut rules = Vec::new();
    for (i, w) in v["keywords"]
        .as_array()
        .expect("keywords")
        .iter()
        .enumerate()
    {
        rules.push(serde_json::json!({"id": format!("kw-{i}"), "kind": "keywords", "terms": [w], "severity": "warn"}));
    }
    for r in v["companyRegexes"].as_array().expect("companyRegexes") {
        let src = r["src"].as_str().expect("src");
        let flags = r["flags"].as_str().unwrap_or("");
        let pattern = if flags.contains('i') {
            src.to_string()
        } else {
            format!("(?-i){src}")
        };
        rules.push(serde_json::json!({"id": r["id"], "kind": "regex", "pattern": pattern, "severity": "warn"}));
    }
    serde_json::json!({"version": 1, "rules": rules}).to_string()
}

fn bench(c: &mut Criterion) {
    let Some(dir) = workload_dir() else {
        eprintln!("text bench: workload not found (set TEXTSCAN_WORKLOAD); skipped");
        return;
    };
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).expect("workload file");
    let post = read("post5k.txt");
    let big = read("text1mb.txt");
    let typed: Vec<char> = read("typed.txt").chars().collect();
    let doc = company_policy(&read("rules.json"));
    let (policy, errors) = Policy::from_json(&doc);
    assert!(errors.is_empty(), "benchmark policy has errors: {errors:?}");
    let full = TextScanner::new(&policy, None);
    let default = TextScanner::new(&Policy::default_policy(), None);

    let mut g = c.benchmark_group("post5k");
    g.throughput(Throughput::Bytes(post.len() as u64));
    g.bench_function("default policy + 500 keywords + 50 regexes", |b| {
        b.iter(|| full.scan(black_box(&post)))
    });
    g.bench_function("default policy only", |b| {
        b.iter(|| default.scan(black_box(&post)))
    });
    let mut text = post.clone();
    let mut j = 0;
    g.bench_function("append one typed char + rescan (full policy)", |b| {
        b.iter(|| {
            if text.len() >= post.len() + 200 {
                text.truncate(post.len());
            }
            text.push(typed[j % typed.len()]);
            j += 1;
            full.scan(black_box(&text))
        })
    });
    g.finish();

    let mut g = c.benchmark_group("compile");
    g.bench_function("TextScanner::new (default + 550 rules)", |b| {
        b.iter(|| TextScanner::new(black_box(&policy), None))
    });
    g.bench_function("Policy::from_json (550 rules)", |b| {
        b.iter(|| Policy::from_json(black_box(&doc)))
    });
    g.finish();

    let mut g = c.benchmark_group("text1mb");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(big.len() as u64));
    g.bench_function("default policy + 500 keywords + 50 regexes", |b| {
        b.iter(|| full.scan(black_box(&big)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

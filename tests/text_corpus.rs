//! The labelled corpus (tests/data/text/corpus.jsonl): realistic posts with what each one must
//! raise — and traps that must raise nothing (order numbers, dates, ISBNs, versions, prices,
//! scores, hashes, UUIDs, placeholder keys). Prints precision and recall per rule and holds every
//! rule to a floor, so a change that trades false alarms for misses (or back) shows up here.

use safepost::policy::Policy;
use safepost::text::TextScanner;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Default)]
struct Score {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Score {
    fn precision(&self) -> f64 {
        if self.tp + self.fp == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        }
    }
    fn recall(&self) -> f64 {
        if self.tp + self.fn_ == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fn_) as f64
        }
    }
}

#[test]
fn precision_and_recall_per_rule() {
    let corpus = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/text/corpus.jsonl"
    ))
    .unwrap();
    let scanner = TextScanner::new(&Policy::default_policy(), None);
    let mut scores: BTreeMap<String, Score> = BTreeMap::new();
    let mut mistakes = Vec::new();
    let mut posts = 0;
    for line in corpus.lines().filter(|l| !l.trim().is_empty()) {
        posts += 1;
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let text = v["text"].as_str().unwrap();
        let expected: BTreeSet<(String, String)> = v["expect"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e[0].as_str().unwrap().to_string(),
                    e[1].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let found: BTreeSet<(String, String)> = scanner
            .scan(text)
            .into_iter()
            .map(|f| (f.rule.clone(), text[f.start..f.end].to_string()))
            .collect();
        for hit in found.union(&expected) {
            let s = scores.entry(hit.0.clone()).or_default();
            match (found.contains(hit), expected.contains(hit)) {
                (true, true) => s.tp += 1,
                (true, false) => {
                    s.fp += 1;
                    mistakes.push(format!("false alarm {hit:?} in {text:?}"));
                }
                (false, true) => {
                    s.fn_ += 1;
                    mistakes.push(format!("missed {hit:?} in {text:?}"));
                }
                (false, false) => {}
            }
        }
    }
    println!(
        "\n{posts} posts\n{:<22} {:>4} {:>4} {:>4} {:>9} {:>7}",
        "rule", "tp", "fp", "fn", "precision", "recall"
    );
    let (mut tp, mut fp, mut fn_) = (0, 0, 0);
    for (rule, s) in &scores {
        println!(
            "{rule:<22} {:>4} {:>4} {:>4} {:>9.3} {:>7.3}",
            s.tp,
            s.fp,
            s.fn_,
            s.precision(),
            s.recall()
        );
        tp += s.tp;
        fp += s.fp;
        fn_ += s.fn_;
    }
    let total = Score { tp, fp, fn_ };
    println!(
        "{:<22} {:>4} {:>4} {:>4} {:>9.3} {:>7.3}",
        "ALL",
        tp,
        fp,
        fn_,
        total.precision(),
        total.recall()
    );
    for m in &mistakes {
        println!("  {m}");
    }
    assert!(posts >= 100, "the corpus shrank");
    assert!(
        total.precision() >= 0.97 && total.recall() >= 0.97,
        "overall below 0.97: {mistakes:#?}"
    );
    for (rule, s) in &scores {
        assert!(
            s.precision() >= 0.85,
            "{rule}: precision {:.3}: {mistakes:#?}",
            s.precision()
        );
        assert!(
            s.recall() >= 0.85,
            "{rule}: recall {:.3}: {mistakes:#?}",
            s.recall()
        );
    }
}

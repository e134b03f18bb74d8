//! How many reads the browser's source makes: every file of the shared corpus is inspected and
//! stripped through [`WindowedSource`] (what `inspectBlob` / `stripBlob` wrap the `Blob` in) over
//! a [`CountingSource`], per container. Each underlying read is a `Blob.slice` + `FileReaderSync`
//! round trip in the browser, so the parsers must cost one read per metadata block, not per field
//! (the animated GIF of the corpus made 2,234 reads before). The windowed reports must be the
//! same as the direct ones.

use safepost::media::{self, CountingSource, StripMode, WindowedSource};
use std::collections::BTreeMap;
use std::fs::File;

mod corpus_support;
use corpus_support::{corpus_dir, truth};

/// Reads allowed for one inspection, whatever the container.
const MAX_INSPECT_READS: u64 = 40;

#[test]
fn corpus_inspection_reads_once_per_block_and_agrees() {
    let dir = corpus_dir();
    let mut per_format: BTreeMap<String, (usize, u64, u64)> = BTreeMap::new();
    let mut worst = (0u64, String::new());
    let mut direct_worst = 0u64;
    for e in truth() {
        let rel = e["path"].as_str().unwrap_or_default().to_string();
        let path = dir.join(&rel);
        let file = File::open(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        let direct_count = CountingSource::new(&file);
        let direct = media::inspect(&direct_count);
        direct_worst = direct_worst.max(direct_count.reads());
        let counting = CountingSource::new(&file);
        let windowed = media::inspect(&WindowedSource::new(&counting));
        match (&direct, &windowed) {
            (Ok(a), Ok(b)) => {
                let (mut a, mut b) = (serde_json::to_value(a).unwrap(), serde_json::to_value(b).unwrap());
                a["bytes_read"] = 0.into();
                b["bytes_read"] = 0.into();
                assert_eq!(a, b, "{rel}: the windowed report differs");
            }
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{rel}"),
            _ => panic!("{rel}: direct {direct:?} but windowed {windowed:?}"),
        }
        let reads = counting.reads();
        let fmt = e["format"].as_str().unwrap_or("?").to_string();
        let row = per_format.entry(fmt).or_default();
        row.0 += 1;
        row.1 += reads;
        row.2 = row.2.max(reads);
        if reads > worst.0 {
            worst = (reads, rel.clone());
        }
        // The strip, its inspection and its self-check share one cache: it reads no more than
        // about what the inspection read.
        if windowed.is_ok() {
            let counting = CountingSource::new(&file);
            let _ = media::strip(&WindowedSource::new(&counting), StripMode::Location);
            assert!(
                counting.reads() <= 2 * reads.max(1) + 2,
                "{rel}: strip made {} reads, inspection {reads}",
                counting.reads()
            );
        }
    }
    for (fmt, (n, total, max)) in &per_format {
        eprintln!("{fmt:>5}: {n} files, {:.1} reads on average, at most {max}", *total as f64 / *n as f64);
    }
    eprintln!("without windows the worst file made {direct_worst} reads");
    assert!(!per_format.is_empty(), "no corpus files");
    assert!(worst.0 <= MAX_INSPECT_READS, "{} made {} reads", worst.1, worst.0);
}

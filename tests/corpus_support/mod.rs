//! The real-file corpus shared by the corpus tests: `../shared/corpus` beside the repository (or
//! `SAFEPOST_CORPUS`), and its `truth.json` (what ExifTool sees). A missing corpus fails the test
//! that needs it, with a message saying where it was looked for; it never passes silently.

use serde_json::Value;
use std::path::PathBuf;

pub fn corpus_dir() -> PathBuf {
    if let Some(p) = std::env::var_os("SAFEPOST_CORPUS") {
        return PathBuf::from(p);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")
}

pub fn truth() -> Vec<Value> {
    let path = corpus_dir().join("truth.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("corpus truth {}: {e} (set SAFEPOST_CORPUS to the corpus directory)", path.display())
    });
    match serde_json::from_str(&text) {
        Ok(Value::Array(a)) => a,
        other => panic!("truth.json is not an array: {other:?}"),
    }
}

//! The text policy on a photo's words: a card number, a codename or an insult in a caption is
//! a finding of the upload, as it would be in the post.
//!
//! The media core collects the descriptive fields it reads ([`crate::media::words`]); this
//! module checks each field's text with the same compiled policy as the composer, and names
//! the field with every finding so the upload dialog and `safepost inspect` can say where it is.

use super::TextScanner;
use crate::policy::{Category, Severity};
use crate::media::words::Words;
use serde::Serialize;

/// A finding in one descriptive field of an upload: the finding's rule, category, severity,
/// message and redacted preview, and the field it is in. (A flat copy rather than a flattened
/// `Finding`: serde's `flatten` costs kilobytes of wasm.)
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WordsFinding {
    /// The field, as in [`Words::field`] (`IPTC:Caption-Abstract`, `IFD0:XPTitle`).
    pub field: String,
    pub rule: String,
    pub category: Category,
    pub severity: Severity,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_key: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub message_args: Vec<String>,
    pub preview: String,
}

/// Every finding of `scanner`'s policy in the fields, field by field. The same text in several
/// fields (XMP, IPTC and EXIF copies of one caption) gives its findings once, on the first field.
pub fn check(scanner: &TextScanner, words: &[Words]) -> Vec<WordsFinding> {
    let mut out: Vec<WordsFinding> = Vec::new();
    let mut seen: Vec<(String, String)> = Vec::new();
    for w in words {
        for f in scanner.scan(&w.text) {
            let key = (f.rule.clone(), w.text.get(f.start..f.end).unwrap_or("").to_string());
            if seen.contains(&key) {
                continue;
            }
            seen.push(key);
            out.push(WordsFinding {
                field: w.field.clone(),
                rule: f.rule,
                category: f.category,
                severity: f.severity,
                message: f.message,
                message_key: f.message_key,
                message_args: f.message_args,
                preview: f.preview,
            });
        }
    }
    out
}

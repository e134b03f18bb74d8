//! The text policy engine: checks a post against the policy while it is written.
//!
//! (Foundation placeholder with a single card-number detector: the text-policy issue replaces it
//! with validated detectors, company rules and the single-pass matcher.)

use crate::policy::Policy;
use serde::Serialize;

/// One thing in a post that the policy flags.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: String,
    pub category: String,
    pub severity: String,
    pub message: String,
    pub link: Option<String>,
    pub start: usize,
    pub end: usize,
    pub start_utf16: usize,
    pub end_utf16: usize,
    pub preview: String,
}

/// A policy compiled for fast repeated checks (one per composer, reused on every keystroke).
pub struct TextScanner {
    _policy: Policy,
}

impl TextScanner {
    pub fn new(policy: &Policy, _site: Option<&str>) -> TextScanner {
        TextScanner { _policy: policy.clone() }
    }

    pub fn scan(&self, text: &str) -> Vec<Finding> {
        let mut out = Vec::new();
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i].is_ascii_digit() {
                let start = i;
                let mut digits = Vec::new();
                let mut end = i;
                while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b' ' || bytes[i] == b'-') {
                    if bytes[i].is_ascii_digit() {
                        digits.push(bytes[i] - b'0');
                        end = i + 1;
                    }
                    i += 1;
                }
                if (13..=19).contains(&digits.len()) && luhn(&digits) {
                    let utf16 = |b: usize| text[..b].encode_utf16().count();
                    out.push(Finding {
                        rule: "credit_card".into(),
                        category: "personal_data".into(),
                        severity: "block".into(),
                        message: "This looks like a payment card number.".into(),
                        link: None,
                        start,
                        end,
                        start_utf16: utf16(start),
                        end_utf16: utf16(end),
                        preview: "•••• •••• •••• ••••".into(),
                    });
                }
            } else {
                i += 1;
            }
        }
        out
    }
}

fn luhn(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (k, &d) in digits.iter().rev().enumerate() {
        let mut d = d as u32;
        if k % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum % 10 == 0
}

//! The company's social media policy: a versioned JSON document that IT writes.
//!
//! (Foundation placeholder: the text-policy issue replaces this with the full document, its
//! validation and the shipped default policy.)

use serde::Serialize;
use std::fmt;

/// A parsed, validated policy. Invalid parts are dropped and reported; valid parts still apply.
#[derive(Clone, Debug, Default)]
pub struct Policy {
    pub version: u32,
}

/// One problem in a policy document, with the place it was found (`rules[3].pattern`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PolicyError {
    pub path: String,
    pub message: String,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl Policy {
    /// The policy shipped with SafePost, used when IT sets none.
    pub fn default_policy() -> Policy {
        Policy { version: 1 }
    }

    /// Parses a policy document; returns what is valid and every error with its place.
    pub fn from_json(json: &str) -> (Policy, Vec<PolicyError>) {
        match serde_json::from_str::<serde_json::Value>(json) {
            Ok(_) => (Policy::default_policy(), Vec::new()),
            Err(e) => (
                Policy::default_policy(),
                vec![PolicyError { path: "$".into(), message: format!("not valid JSON: {e}") }],
            ),
        }
    }
}

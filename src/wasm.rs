//! The WebAssembly face of the core: the only module that knows about browsers.
//!
//! Each export converts JavaScript values to core types, calls the core, and converts the result
//! back with `serde-wasm-bindgen`. Errors become JavaScript `Error`s with the core's message.
//!
//! Media functions read a `Blob` through `FileReaderSync`, which exists only in dedicated
//! workers: the extension runs them in `extension/core/media-worker.js`.

use crate::media::{self, ByteSource, MediaError, StripMode, WindowedSource};
use crate::policy::company_account::{AccountScanner, Field, WhenUnknown};
use crate::policy::Policy;
use crate::text::TextScanner;
use serde::Serialize;
use wasm_bindgen::prelude::*;

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    let ser = serde_wasm_bindgen::Serializer::json_compatible();
    value
        .serialize(&ser)
        .map_err(|e| JsError::new(&e.to_string()))
}

/// The core's version (`Cargo.toml`), shown in the popup and sent with tickets.
#[wasm_bindgen(js_name = coreVersion)]
pub fn core_version() -> String {
    crate::VERSION.to_string()
}

/// A policy compiled for one composer; `check` runs on every (debounced) change.
#[wasm_bindgen]
pub struct TextChecker {
    scanner: TextScanner,
    errors: JsValue,
    /// The previous text and its matches: the next check rescans only around the edit.
    incremental: crate::text::incremental::Incremental,
}

#[wasm_bindgen]
impl TextChecker {
    /// `policy_json`: the effective policy document, or `undefined` for the shipped default.
    /// `site`: the host name the post is written on (rules may apply to some sites only).
    #[wasm_bindgen(constructor)]
    pub fn new(policy_json: Option<String>, site: Option<String>) -> Result<TextChecker, JsError> {
        let (policy, errors) = match policy_json {
            Some(json) => Policy::from_json(&json),
            None => (Policy::default_policy(), Vec::new()),
        };
        let scanner = TextScanner::new(&policy, site.as_deref());
        Ok(TextChecker {
            scanner,
            errors: to_js(&errors)?,
            incremental: Default::default(),
        })
    }

    /// Policy errors found while compiling (each `{path, message}`); valid rules still apply.
    #[wasm_bindgen(getter, js_name = policyErrors)]
    pub fn policy_errors(&self) -> JsValue {
        self.errors.clone()
    }

    /// The findings for `text`, with byte and UTF-16 spans and redacted previews (the same as a
    /// full scan; only the part around the edit since the previous call is scanned again).
    pub fn check(&mut self, text: &str) -> Result<JsValue, JsError> {
        to_js(&self.incremental.check(&self.scanner, text))
    }
}

/// What `AccountChecker::check` answers.
#[derive(Serialize)]
struct AccountCheck {
    findings: Vec<crate::text::Finding>,
    because_account: Vec<bool>,
}

/// What `AccountChecker::setup` answers.
#[derive(Serialize)]
struct AccountSetup {
    has_accounts: bool,
    company_rules_when_unknown: bool,
    confirm_every_post: bool,
    allow_post_anyway: bool,
    require_justification: bool,
}

/// The company-account layer for one site (`policy::company_account`): which account an observed
/// value is, and the checks of posts written as a company account (compiled on first use).
#[wasm_bindgen]
pub struct AccountChecker {
    policy: Policy,
    site: String,
    scanner: Option<AccountScanner>,
}

#[wasm_bindgen]
impl AccountChecker {
    #[wasm_bindgen(constructor)]
    pub fn new(policy_json: Option<String>, site: String) -> AccountChecker {
        let policy = match policy_json {
            Some(json) => Policy::from_json(&json).0,
            None => Policy::default_policy(),
        };
        AccountChecker {
            policy,
            site,
            scanner: None,
        }
    }

    /// Whether IT named any company account on this site, and the company layer's settings the
    /// core frame applies itself (`when_unknown`, `confirm_every_post`, `submit`). IT's
    /// detection entries reach the content script from the validated effective policy document.
    pub fn setup(&self) -> Result<JsValue, JsError> {
        let c = &self.policy.company_account;
        let submit = self.policy.company_policy().submit;
        to_js(&AccountSetup {
            has_accounts: c.has_accounts_on(&self.site),
            company_rules_when_unknown: c.when_unknown == WhenUnknown::Company,
            confirm_every_post: c.confirm_every_post,
            allow_post_anyway: submit.allow_post_anyway,
            require_justification: submit.require_justification,
        })
    }

    /// `field` (`handle`, `id`, `name`) and `value` observed on the page, or nothing observed:
    /// `{status: company|personal|unknown, account, company_rules}`.
    pub fn identify(
        &self,
        field: Option<String>,
        value: Option<String>,
    ) -> Result<JsValue, JsError> {
        let field = match field.as_deref() {
            Some("handle") => Some(Field::Handle),
            Some("id") => Some(Field::Id),
            Some("name") => Some(Field::Name),
            _ => None,
        };
        let observed = match (field, value.as_deref()) {
            (Some(f), Some(v)) => Some((f, v)),
            _ => None,
        };
        to_js(&self.policy.company_account.identify(&self.site, observed))
    }

    /// The findings of a post written as a company account, and for each whether it applies
    /// because of the account.
    pub fn check(&mut self, text: &str) -> Result<JsValue, JsError> {
        let site = (!self.site.is_empty()).then_some(self.site.as_str());
        let policy = &self.policy;
        let scanner = self
            .scanner
            .get_or_insert_with(|| AccountScanner::new(policy, site));
        // `{findings, because_account}`: the findings as TextChecker gives them and, per finding,
        // whether it applies because of the account (one Finding serializer for both checkers).
        let (findings, because): (Vec<_>, Vec<_>) = scanner
            .scan(text)
            .into_iter()
            .map(|f| (f.finding, f.because_account))
            .unzip();
        to_js(&AccountCheck {
            findings,
            because_account: because,
        })
    }
}

/// Validates a policy document: every error with its place (`[{path, message}]`); empty when valid.
/// The extension runs it on managed and user policy so the options page can show what is wrong.
#[wasm_bindgen(js_name = policyCheck)]
pub fn policy_check(policy_json: &str) -> Result<JsValue, JsError> {
    let (_, errors) = Policy::from_json(policy_json);
    to_js(&errors)
}

/// The shipped default policy document (JSON text), the first layer of the effective policy.
#[wasm_bindgen(js_name = defaultPolicyJson)]
pub fn default_policy_json() -> String {
    crate::policy::DEFAULT_POLICY_JSON.to_string()
}

/// A `Blob` read synchronously, slice by slice (dedicated workers only).
struct BlobSource {
    blob: web_sys::Blob,
    reader: web_sys::FileReaderSync,
    len: u64,
}

impl BlobSource {
    fn new(blob: web_sys::Blob) -> Result<BlobSource, JsError> {
        let reader = web_sys::FileReaderSync::new().map_err(|_| {
            JsError::new("FileReaderSync is unavailable: media inspection must run in a worker")
        })?;
        let len = blob.size() as u64;
        Ok(BlobSource { blob, reader, len })
    }
}

impl ByteSource for BlobSource {
    fn len(&self) -> u64 {
        self.len
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<usize, MediaError> {
        if offset >= self.len || buf.is_empty() {
            return Ok(0);
        }
        let end = (offset + buf.len() as u64).min(self.len);
        let slice = self
            .blob
            .slice_with_f64_and_f64(offset as f64, end as f64)
            .map_err(|_| MediaError::Io("could not slice the file".into()))?;
        let data = self
            .reader
            .read_as_array_buffer(&slice)
            .map_err(|_| MediaError::Io("the browser could not read the file".into()))?;
        let array = js_sys::Uint8Array::new(&data);
        let n = array.length() as usize;
        array.copy_to(&mut buf[..n]);
        Ok(n)
    }
}

/// A media error as a JavaScript `Error` whose `name` is the kind of problem
/// (`MediaError::kind`: `truncated`, `damaged`, ...) and whose message is the English detail.
fn media_error(e: MediaError) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    err.set_name(e.kind());
    err.into()
}

/// Inspects a photo or video: format, location, identity, residual risks, and `findings`: the
/// text policy's findings in its title, caption and keywords (each with its `field`).
/// `policy_json`: the effective policy, or `undefined` for the shipped default; `site`: the host
/// the upload goes to. Throws an `Error` named after the kind of problem when the file cannot be
/// read.
#[wasm_bindgen(js_name = inspectBlob)]
pub fn inspect_blob(blob: web_sys::Blob, policy_json: Option<String>, site: Option<String>) -> Result<JsValue, JsValue> {
    let blob_src = BlobSource::new(blob)?;
    // Each Blob read costs a slice + FileReaderSync round trip: read whole windows.
    let src = WindowedSource::new(&blob_src);
    let report = media::inspect(&src).map_err(media_error)?;
    let policy = match policy_json {
        Some(json) => Policy::from_json(&json).0,
        None => Policy::default_policy(),
    };
    let findings = if report.words.is_empty() {
        Vec::new()
    } else {
        crate::text::media_words::check(&TextScanner::new(&policy, site.as_deref()), &report.words)
    };
    let out = to_js(&report)?;
    js_sys::Reflect::set(&out, &JsValue::from_str("findings"), &to_js(&findings)?)?;
    Ok(out)
}

/// Plans a lossless strip. Returns `{pieces: [{keep: {start, end}} | {insert: [bytes]}], removed, residual}`;
/// `extension/core/apply-plan.js` turns it into a new `File` from slices of the original.
#[wasm_bindgen(js_name = stripBlob)]
pub fn strip_blob(blob: web_sys::Blob, mode: &str) -> Result<JsValue, JsValue> {
    let mode: StripMode = mode.parse().map_err(|e: String| JsError::new(&e))?;
    let blob_src = BlobSource::new(blob)?;
    // One window cache for the strip, its inspection and its self-check: nothing is read twice.
    let src = WindowedSource::new(&blob_src);
    let plan = media::strip(&src, mode).map_err(media_error)?;
    Ok(to_js(&plan)?)
}

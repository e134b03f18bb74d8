//! SafePost core: everything SafePost knows about a post, in plain Rust.
//!
//! The browser extension and the `safepost` command-line tool are two thin shells around this
//! crate. Nothing here knows about browsers except [`wasm`], the one module that turns the core's
//! functions into WebAssembly exports (compiled only for `wasm32`).
//!
//! * [`policy`] — the company's social media policy document (versioned JSON), its validation,
//!   and the shipped default policy.
//! * [`text`] — the text policy engine: built-in detectors and company rules, one pass per check,
//!   producing [`text::Finding`]s.
//! * [`media`] — photo and video containers: what an upload reveals (location, identity) and an
//!   edit plan that removes it losslessly, reading only the bytes that are needed.

pub mod media;
pub mod policy;
pub mod text;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

/// The core's version, shown in the popup and sent with tickets.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

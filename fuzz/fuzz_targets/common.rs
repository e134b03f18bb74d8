//! Shared by every target: inspect, plan both strips, apply each plan and inspect the result.
//! Any panic is a bug; errors are expected.

use safepost::media::{self, StripMode};

pub fn exercise(data: &[u8]) {
    let data = data.to_vec();
    let _ = media::inspect(&data);
    for mode in [StripMode::Location, StripMode::Identifying] {
        if let Ok(plan) = media::strip(&data, mode) {
            let mut out = Vec::new();
            if plan.write_to(&data, &mut out).is_ok() {
                let _ = media::inspect(&out);
            }
        }
    }
}

#[allow(dead_code)] // (not every target needs it)
/// `data` with `header` in front unless it already starts with it, so the fuzzer spends its
/// time inside one container parser.
pub fn with_header(header: &[u8], data: &[u8]) -> Vec<u8> {
    if data.starts_with(header) {
        data.to_vec()
    } else {
        let mut v = header.to_vec();
        v.extend_from_slice(data);
        v
    }
}

//! Crypto wallet addresses, which tie a post to money and its owner:
//!
//! - Bitcoin legacy and P2SH addresses (`1…`, `3…`): base58check, a version byte (0x00, 0x05)
//!   and the first four bytes of SHA-256(SHA-256(payload)) (Bitcoin wiki, "Base58Check
//!   encoding").
//! - Bitcoin SegWit addresses (`bc1…`): bech32 for witness version 0 (BIP 173), bech32m for
//!   version 1 and up (BIP 350), in one case, with the program lengths those BIPs allow.
//! - Ethereum addresses (`0x` and 40 hex digits): in mixed case the EIP-55 checksum must hold
//!   (letter case from Keccak-256 of the lowercase address); in one case there is no checksum.
//!
//! The BIPs' and EIP-55's own example addresses are reported as examples.

use super::checksums::{bech32_polymod, BECH32};
use super::hashes::{keccak256, sha256};
use super::{char_at, char_before, Cand, Detector, Gate, Hit, Redaction};
use crate::policy::Category;

pub const BITCOIN_ADDRESS: Detector = Detector {
    id: "bitcoin_address",
    category: Category::PersonalData,
    redaction: Redaction::Tail4,
    pattern: r"[13][1-9A-HJ-NP-Za-km-z]{25,34}|(?:bc1|BC1)[02-9ac-hj-np-zAC-HJ-NP-Z]{8,87}",
    gate: Gate::Anywhere,
    validate: bitcoin_addresses,
    message: "This looks like a bitcoin wallet address.",
};

pub const ETHEREUM_ADDRESS: Detector = Detector {
    id: "ethereum_address",
    category: Category::PersonalData,
    redaction: Redaction::Tail4,
    pattern: r"0x[0-9a-fA-F]{40}",
    gate: Gate::Digits,
    validate: ethereum_addresses,
    message: "This looks like an Ethereum wallet address.",
};

/// Examples printed in BIP 173, BIP 350 and EIP-55 (lowercased).
const EXAMPLES: &[&str] = &[
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
    "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3",
    "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
    "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
    "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359",
    "0xdbf03b407c01e7cd3cbea99509d93f8dddc8c6fb",
    "0xd1220a0cf47c7b9be7a2e6ba89f429762e7b9adb",
];

const BASE58: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/// The bytes a base58 string encodes, or `None` for a character outside the alphabet.
fn base58_decode(s: &str) -> Option<Vec<u8>> {
    let mut out: Vec<u8> = Vec::with_capacity(s.len());
    for c in s.bytes() {
        let mut carry = BASE58.iter().position(|&x| x == c)? as u32;
        for b in out.iter_mut().rev() {
            carry += *b as u32 * 58;
            *b = (carry & 0xff) as u8;
            carry >>= 8;
        }
        while carry > 0 {
            out.insert(0, (carry & 0xff) as u8);
            carry >>= 8;
        }
    }
    let zeros = s.bytes().take_while(|&b| b == b'1').count();
    let mut v = vec![0u8; zeros];
    v.extend(out);
    Some(v)
}

pub fn base58check_address(s: &str) -> bool {
    let Some(b) = base58_decode(s) else {
        return false;
    };
    if b.len() != 25 || !(b[0] == 0x00 || b[0] == 0x05) {
        return false;
    }
    let check = sha256(&sha256(&b[..21]));
    check[..4] == b[21..]
}

pub fn segwit_address(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    if s != lower && s != s.to_ascii_uppercase() {
        return false;
    }
    let Some(data) = lower.strip_prefix("bc1") else {
        return false;
    };
    let Some(values) = data
        .bytes()
        .map(|c| BECH32.iter().position(|&x| x == c).map(|p| p as u8))
        .collect::<Option<Vec<u8>>>()
    else {
        return false;
    };
    if values.len() < 7 || lower.len() > 90 {
        return false;
    }
    let mut expanded = vec![3u8, 3, 0, 2, 3]; // "bc" expanded: high bits, 0, low bits
    expanded.extend(&values);
    let version = values[0];
    let constant = if version == 0 { 1 } else { 0x2bc830a3 };
    if bech32_polymod(&expanded) != constant || version > 16 {
        return false;
    }
    // The witness program: 5-bit groups to bytes.
    let bits = (values.len() - 7) * 5;
    let program_len = bits / 8;
    if bits % 8 >= 5 {
        return false;
    }
    (2..=40).contains(&program_len) && (version != 0 || program_len == 20 || program_len == 32)
}

fn bounded(text: &str, m: &Cand) -> bool {
    !char_before(text, m.start()).is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '/')
        && !char_at(text, m.end()).is_some_and(|c| c.is_alphanumeric() || c == '_')
}

fn bitcoin_addresses(text: &str, cands: &[Cand]) -> Vec<Hit> {
    cands
        .iter()
        .filter(|m| bounded(text, m))
        .filter(|m| {
            let s = m.as_str();
            if s.len() > 3 && s[..3].eq_ignore_ascii_case("bc1") {
                segwit_address(s)
            } else {
                base58check_address(s)
            }
        })
        .map(|m| {
            let mut h = Hit::new(m.start(), m.end());
            h.test_data = EXAMPLES.contains(&m.as_str().to_ascii_lowercase().as_str());
            h
        })
        .collect()
}

/// The EIP-55 checksum of a mixed-case address holds (an address in one case has none).
pub fn eip55_ok(addr: &str) -> bool {
    let hex = &addr[2..];
    let lower = hex.to_ascii_lowercase();
    if hex == lower || hex == hex.to_ascii_uppercase() {
        return true;
    }
    let hash = keccak256(lower.as_bytes());
    hex.bytes().enumerate().all(|(i, c)| {
        let nibble = (hash[i / 2] >> (if i % 2 == 0 { 4 } else { 0 })) & 0xf;
        if c.is_ascii_alphabetic() {
            c.is_ascii_uppercase() == (nibble >= 8)
        } else {
            true
        }
    })
}

fn ethereum_addresses(text: &str, cands: &[Cand]) -> Vec<Hit> {
    cands
        .iter()
        .filter(|m| bounded(text, m))
        .filter(|m| {
            let hex = &m.as_str()[2..];
            // Zero, burn and placeholder addresses are not anyone's wallet.
            let distinct: std::collections::BTreeSet<u8> =
                hex.bytes().map(|b| b.to_ascii_lowercase()).collect();
            distinct.len() > 4 && eip55_ok(m.as_str())
        })
        .map(|m| {
            let mut h = Hit::new(m.start(), m.end());
            h.test_data = EXAMPLES.contains(&m.as_str().to_ascii_lowercase().as_str());
            h
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::run_detector as run;
    use super::*;

    #[test]
    fn base58check() {
        // The genesis block's coinbase address and a P2SH address from the Bitcoin wiki.
        assert_eq!(
            run(
                &BITCOIN_ADDRESS,
                "send to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa thanks"
            ),
            ["1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"]
        );
        assert_eq!(
            run(&BITCOIN_ADDRESS, "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"),
            ["3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"]
        );
        assert!(run(&BITCOIN_ADDRESS, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb").is_empty());
        assert!(run(&BITCOIN_ADDRESS, "x1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa").is_empty());
    }

    #[test]
    fn bech32_and_bech32m() {
        assert_eq!(
            run(
                &BITCOIN_ADDRESS,
                "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4"
            ),
            ["BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4"]
        );
        let taproot = "bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297";
        assert_eq!(run(&BITCOIN_ADDRESS, taproot), [taproot]);
        // Version 0 with the bech32m constant (BIP 350's invalid list) and a changed character.
        assert!(run(
            &BITCOIN_ADDRESS,
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5"
        )
        .is_empty());
        assert!(
            run(
                &BITCOIN_ADDRESS,
                "bc1qW508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
            )
            .is_empty(),
            "mixed case"
        );
    }

    #[test]
    fn eip55() {
        for a in [
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
            "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
            "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
        ] {
            assert!(eip55_ok(a), "{a}");
            assert_eq!(run(&ETHEREUM_ADDRESS, a), [a]);
        }
        assert!(run(
            &ETHEREUM_ADDRESS,
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"
        )
        .is_empty());
        assert!(run(
            &ETHEREUM_ADDRESS,
            "0x0000000000000000000000000000000000000000"
        )
        .is_empty());
        assert!(run(
            &ETHEREUM_ADDRESS,
            "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed00"
        )
        .is_empty());
    }
}

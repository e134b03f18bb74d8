//! The checksums that some providers embed in their tokens, so a detector can tell a real token
//! from something that merely has its shape: GitHub's and npm's CRC32 in base62 (the last six
//! characters of `ghp_…`/`npm_…`), and Bech32 (age secret keys). Hand-written and tiny: a CRC
//! table or a crate would cost more wasm than all of this.

/// Whether a checksum settles what a candidate is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// The embedded checksum is right: a real token, whatever it looks like.
    Valid,
    /// No checksum to test (or the format has none here): judge it by its looks.
    Unknown,
    /// The shape is right but a structural test says it is not one (reject).
    Invalid,
}

/// CRC-32 (IEEE 802.3, reflected, the one zlib and GitHub use), bit by bit.
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= b as u32;
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `n` in base62, left-padded with `0` to `width` digits.
fn base62(mut n: u32, width: usize) -> Vec<u8> {
    let mut out = vec![b'0'; width];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    out
}

/// GitHub's token format (also npm's): a prefix with `_`, 30 random base62 characters, and the
/// CRC32 of those 30 in six base62 digits.
pub fn base62_crc32(token: &str) -> Check {
    let Some((_, body)) = token.rsplit_once('_') else {
        return Check::Unknown;
    };
    if body.len() != 36 || !body.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Check::Unknown;
    }
    let (random, sum) = body.split_at(30);
    if base62(crc32(random.as_bytes()), 6) == sum.as_bytes() {
        Check::Valid
    } else {
        Check::Unknown
    }
}

/// The Bech32 alphabet (BIP 173), shared by age keys and segwit addresses (`wallets.rs`).
pub const BECH32: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/// The Bech32 checksum polynomial over 5-bit values (1 for Bech32, 0x2bc830a3 for Bech32m).
pub fn bech32_polymod(values: &[u8]) -> u32 {
    const GEN: [u32; 5] = [
        0x3b6a_57b2,
        0x2650_8e6d,
        0x1ea1_19fa,
        0x3d42_33dd,
        0x2a14_62b3,
    ];
    let mut chk = 1u32;
    for &v in values {
        let top = chk >> 25;
        chk = ((chk & 0x01ff_ffff) << 5) ^ v as u32;
        for (i, g) in GEN.iter().enumerate() {
            if (top >> i) & 1 == 1 {
                chk ^= g;
            }
        }
    }
    chk
}

/// Bech32 (BIP 173) checksum of `hrp1data`, case-insensitive (age writes secret keys in upper
/// case).
pub fn bech32(s: &str) -> Check {
    let lower = s.to_ascii_lowercase();
    let Some((hrp, data)) = lower.rsplit_once('1') else {
        return Check::Invalid;
    };
    if hrp.is_empty() || data.len() < 6 {
        return Check::Invalid;
    }
    let mut values = Vec::with_capacity(hrp.len() * 2 + 1 + data.len());
    values.extend(hrp.bytes().map(|b| b >> 5));
    values.push(0);
    values.extend(hrp.bytes().map(|b| b & 31));
    for b in data.bytes() {
        match BECH32.iter().position(|&c| c == b) {
            Some(v) => values.push(v as u8),
            None => return Check::Invalid,
        }
    }
    if bech32_polymod(&values) == 1 {
        Check::Valid
    } else {
        Check::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn github_style_checksums() {
        // A token built the documented way: 30 random characters and their CRC32 in base62.
        let random = "Vq3xR8mZp2LwN7cT5bY1kH9dF4gJ6s";
        let sum = String::from_utf8(base62(crc32(random.as_bytes()), 6)).unwrap();
        let token = format!("ghp_{random}{sum}");
        assert_eq!(base62_crc32(&token), Check::Valid);
        let npm = format!("npm_{random}{sum}");
        assert_eq!(base62_crc32(&npm), Check::Valid);
        let wrong = format!("ghp_{random}000000");
        assert_eq!(base62_crc32(&wrong), Check::Unknown);
        assert_eq!(base62_crc32("ghp_short"), Check::Unknown);
    }

    #[test]
    fn bech32_checksums() {
        // BIP 173 test vectors.
        assert_eq!(bech32("A12UEL5L"), Check::Valid);
        assert_eq!(
            bech32("abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw"),
            Check::Valid
        );
        assert_eq!(bech32("A12UEL5M"), Check::Unknown);
        assert_eq!(bech32("no-separator"), Check::Invalid);
        assert_eq!(
            bech32("x1bbbbbbb"),
            Check::Invalid,
            "b is not in the alphabet"
        );
    }
}

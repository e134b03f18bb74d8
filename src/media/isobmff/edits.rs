//! Same-length overwrites, collected while scanning and turned into an [`EditPlan`].
//!
//! Nothing in an ISO base media file may move: sample tables (`stco`/`co64`) and HEIF item
//! locations (`iloc`) point at absolute file offsets. So every change is an overwrite of bytes in
//! place: a location atom becomes a `free` atom of the same size, an EXIF or XMP block is
//! replaced by a cleaned copy of the same length. The plan is then the original file with those
//! few byte strings spliced in.

use crate::media::{EditPlan, MediaError, Piece};

/// New bytes for `bytes.len()` bytes of the original at `at`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Overwrite {
    /// File offset of the first byte replaced.
    pub at: u64,
    /// The new bytes (as many as they replace).
    pub bytes: Vec<u8>,
}

/// The largest single overwrite (a `free` box replacing a metadata atom is all zeros, so it must
/// be held in memory; real metadata atoms are a few KB).
pub(crate) const MAX_OVERWRITE: u64 = 16 << 20;

/// The bytes of a `free` box covering exactly the box at `header_len`/`size` (same header
/// layout, so a 64-bit size stays 64-bit), with an all-zero payload.
pub(crate) fn free_box(size: u64, header_len: u64, offset: u64) -> Result<Vec<u8>, MediaError> {
    if size > MAX_OVERWRITE {
        return Err(MediaError::CannotStrip(format!(
            "the metadata box at byte {offset} is {size} bytes, too large to blank in place"
        )));
    }
    let size_us =
        usize::try_from(size).map_err(|_| MediaError::CannotStrip("box too large".into()))?;
    let mut out = vec![0u8; size_us];
    // Header lengths 16 and 32 (`uuid`) mean the box used a 64-bit size.
    if size >= 16 && (header_len == 16 || header_len == 32) {
        // Keep a 64-bit header 64-bit so the box length is unchanged.
        out[..4].copy_from_slice(&1u32.to_be_bytes());
        out[4..8].copy_from_slice(b"free");
        out[8..16].copy_from_slice(&size.to_be_bytes());
    } else if size >= 8 {
        let s32 =
            u32::try_from(size).map_err(|_| MediaError::CannotStrip("box too large".into()))?;
        out[..4].copy_from_slice(&s32.to_be_bytes());
        out[4..8].copy_from_slice(b"free");
    }
    Ok(out)
}

/// The runs where `new` differs from `old` (same length), as overwrites at `base`. Runs closer
/// than 16 bytes are joined so the plan stays short.
pub(crate) fn diff(base: u64, old: &[u8], new: &[u8]) -> Vec<Overwrite> {
    let mut out: Vec<Overwrite> = Vec::new();
    let mut i = 0;
    let n = old.len().min(new.len());
    while i < n {
        if old[i] == new[i] {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i + 1;
        let mut j = end;
        while j < n {
            if old[j] != new[j] {
                end = j + 1;
            } else if j - end >= 16 {
                break;
            }
            j += 1;
        }
        out.push(Overwrite {
            at: base + start as u64,
            bytes: new[start..end].to_vec(),
        });
        i = end;
    }
    out
}

/// Builds the plan for a file of `len` bytes. Overlapping overwrites are merged, later ones
/// winning where they overlap.
pub(crate) fn plan(
    len: u64,
    mut edits: Vec<Overwrite>,
    removed: Vec<String>,
    residual: Vec<String>,
) -> Result<EditPlan, MediaError> {
    edits.retain(|e| !e.bytes.is_empty());
    edits.sort_by_key(|e| e.at);
    let mut merged: Vec<Overwrite> = Vec::with_capacity(edits.len());
    for e in edits {
        if let Some(last) = merged.last_mut() {
            let last_end = last.at + last.bytes.len() as u64;
            if e.at < last_end {
                let offset = (e.at - last.at) as usize;
                let overlap = (last.bytes.len() - offset).min(e.bytes.len());
                last.bytes[offset..offset + overlap].copy_from_slice(&e.bytes[..overlap]);
                last.bytes.extend_from_slice(&e.bytes[overlap..]);
                continue;
            }
        }
        merged.push(e);
    }
    let mut pieces = Vec::with_capacity(merged.len() * 2 + 1);
    let mut pos = 0u64;
    for e in merged {
        let end = e.at + e.bytes.len() as u64;
        if end > len {
            return Err(MediaError::Malformed {
                what: "edit",
                offset: e.at,
                reason: "an overwrite would run past the end of the file".into(),
            });
        }
        if e.at > pos {
            pieces.push(Piece::Keep {
                start: pos,
                end: e.at,
            });
        }
        pieces.push(Piece::Insert(e.bytes));
        pos = end;
    }
    if pos < len {
        pieces.push(Piece::Keep {
            start: pos,
            end: len,
        });
    }
    Ok(EditPlan {
        pieces,
        removed,
        residual,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_box_keeps_header_layout() {
        let b = free_box(12, 8, 0).expect("small");
        assert_eq!(b, [0, 0, 0, 12, b'f', b'r', b'e', b'e', 0, 0, 0, 0]);
        let b = free_box(20, 16, 0).expect("large header");
        assert_eq!(&b[..8], &[0, 0, 0, 1, b'f', b'r', b'e', b'e']);
        assert_eq!(&b[8..16], &20u64.to_be_bytes());
        assert!(free_box(MAX_OVERWRITE + 1, 8, 0).is_err());
    }

    #[test]
    fn diff_joins_close_runs() {
        let old = b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        let mut new = old.to_vec();
        new[2] = b'x';
        new[5] = b'x';
        new[40] = b'x';
        let d = diff(100, old, &new);
        assert_eq!(d.len(), 2);
        assert_eq!(
            d[0],
            Overwrite {
                at: 102,
                bytes: b"xaax".to_vec()
            }
        );
        assert_eq!(
            d[1],
            Overwrite {
                at: 140,
                bytes: b"x".to_vec()
            }
        );
    }

    #[test]
    fn plan_keeps_length_and_merges() {
        let edits = vec![
            Overwrite {
                at: 10,
                bytes: vec![1; 4],
            },
            Overwrite {
                at: 2,
                bytes: vec![2; 3],
            },
            Overwrite {
                at: 12,
                bytes: vec![3; 4],
            },
        ];
        let p = plan(20, edits, vec![], vec![]).expect("plan");
        assert_eq!(p.output_len(), 20);
        assert_eq!(
            p.pieces,
            vec![
                Piece::Keep { start: 0, end: 2 },
                Piece::Insert(vec![2; 3]),
                Piece::Keep { start: 5, end: 10 },
                Piece::Insert(vec![1, 1, 3, 3, 3, 3]),
                Piece::Keep { start: 16, end: 20 },
            ]
        );
        assert!(plan(
            5,
            vec![Overwrite {
                at: 3,
                bytes: vec![0; 4]
            }],
            vec![],
            vec![]
        )
        .is_err());
    }
}

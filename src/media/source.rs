//! Random-access reading: the one way parsers get bytes.
//!
//! Parsers never see a whole file. They ask for the ranges they need, so a 2 GB video is
//! inspected by reading its box headers and metadata only. [`CountingSource`] measures that.

use super::MediaError;
use std::cell::Cell;

/// A file the core can read at any offset.
pub trait ByteSource {
    /// Total length in bytes.
    fn len(&self) -> u64;
    /// Reads up to `buf.len()` bytes at `offset`; fewer only at the end of the file.
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<usize, MediaError>;

    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Reads exactly `len` bytes at `offset`, or fails with [`MediaError::Truncated`].
    fn read_exact_at(&self, offset: u64, len: usize, what: &'static str) -> Result<Vec<u8>, MediaError> {
        let end = offset.checked_add(len as u64).ok_or(MediaError::Truncated { what, offset })?;
        if end > self.len() {
            return Err(MediaError::Truncated { what, offset });
        }
        let mut buf = vec![0u8; len];
        let mut done = 0;
        while done < len {
            let n = self.read_at(offset + done as u64, &mut buf[done..])?;
            if n == 0 {
                return Err(MediaError::Truncated { what, offset });
            }
            done += n;
        }
        Ok(buf)
    }
}

impl ByteSource for [u8] {
    fn len(&self) -> u64 {
        <[u8]>::len(self) as u64
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<usize, MediaError> {
        let len = <[u8]>::len(self) as u64;
        if offset >= len {
            return Ok(0);
        }
        let start = offset as usize;
        let n = buf.len().min(<[u8]>::len(self) - start);
        buf[..n].copy_from_slice(&self[start..start + n]);
        Ok(n)
    }
}

impl ByteSource for &[u8] {
    fn len(&self) -> u64 {
        <[u8]>::len(self) as u64
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<usize, MediaError> {
        (**self).read_at(offset, buf)
    }
}

impl ByteSource for Vec<u8> {
    fn len(&self) -> u64 {
        self.as_slice().len() as u64
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<usize, MediaError> {
        self.as_slice().read_at(offset, buf)
    }
}

#[cfg(unix)]
impl ByteSource for std::fs::File {
    fn len(&self) -> u64 {
        self.metadata().map(|m| m.len()).unwrap_or(0)
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<usize, MediaError> {
        std::os::unix::fs::FileExt::read_at(self, buf, offset).map_err(|e| MediaError::Io(e.to_string()))
    }
}

/// Wraps a source and counts the bytes and reads made through it (benchmarks and the "read only what is
/// needed" tests).
pub struct CountingSource<'a> {
    inner: &'a dyn ByteSource,
    read: Cell<u64>,
    reads: Cell<u64>,
}

impl<'a> CountingSource<'a> {
    pub fn new(inner: &'a dyn ByteSource) -> Self {
        CountingSource { inner, read: Cell::new(0), reads: Cell::new(0) }
    }
    pub fn bytes_read(&self) -> u64 {
        self.read.get()
    }
    /// How many `read_at` calls reached the inner source (in the browser each is a
    /// `Blob.slice` + `FileReaderSync` round trip).
    pub fn reads(&self) -> u64 {
        self.reads.get()
    }
}

impl ByteSource for CountingSource<'_> {
    fn len(&self) -> u64 {
        self.inner.len()
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<usize, MediaError> {
        let n = self.inner.read_at(offset, buf)?;
        self.read.set(self.read.get() + n as u64);
        self.reads.set(self.reads.get() + 1);
        Ok(n)
    }
}

/// The file an [`EditPlan`](super::EditPlan) produces, readable without building it: kept ranges
/// are read from the original, inserted bytes from the plan. Used to check a plan by inspecting
/// its result before anything is written.
pub struct PlanSource<'a> {
    src: &'a dyn ByteSource,
    plan: &'a super::EditPlan,
    /// Output offset where each piece starts.
    starts: Vec<u64>,
    len: u64,
}

impl<'a> PlanSource<'a> {
    pub fn new(src: &'a dyn ByteSource, plan: &'a super::EditPlan) -> Self {
        let mut starts = Vec::with_capacity(plan.pieces.len());
        let mut at = 0u64;
        for p in &plan.pieces {
            starts.push(at);
            at += match p {
                super::Piece::Keep { start, end } => end.saturating_sub(*start),
                super::Piece::Insert(b) => b.len() as u64,
            };
        }
        PlanSource { src, plan, starts, len: at }
    }
}

impl ByteSource for PlanSource<'_> {
    fn len(&self) -> u64 {
        self.len
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<usize, MediaError> {
        if offset >= self.len || buf.is_empty() {
            return Ok(0);
        }
        // The piece holding `offset`.
        let mut i = self.starts.partition_point(|s| *s <= offset).saturating_sub(1);
        let mut done = 0usize;
        let mut at = offset;
        while done < buf.len() && i < self.plan.pieces.len() {
            let piece_start = self.starts[i];
            let within = at - piece_start;
            let n = match &self.plan.pieces[i] {
                super::Piece::Insert(b) => {
                    let avail = &b[(within as usize).min(b.len())..];
                    let n = avail.len().min(buf.len() - done);
                    buf[done..done + n].copy_from_slice(&avail[..n]);
                    n
                }
                super::Piece::Keep { start, end } => {
                    let avail = end.saturating_sub(*start).saturating_sub(within);
                    let want = (avail.min((buf.len() - done) as u64)) as usize;
                    let n = self.src.read_at(start + within, &mut buf[done..done + want])?;
                    if n < want {
                        return Ok(done + n);
                    }
                    n
                }
            };
            done += n;
            at += n as u64;
            i += 1;
        }
        Ok(done)
    }
}

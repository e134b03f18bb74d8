//! Read-ahead windows over a slow [`ByteSource`]: one underlying read per metadata block, not per
//! field.
//!
//! Parsers ask for small ranges (a 4-byte box header, a 1-byte GIF sub-block length, a 2-byte JPEG
//! segment length). Natively each ask is a cheap `pread`, but in the browser every read is a
//! `Blob.slice` + `FileReaderSync` round trip of about half a millisecond, so an animated GIF made
//! thousands of them. [`WindowedSource`] turns a small read into one read of a whole window
//! starting there (64 KiB, the size of a JPEG segment and more than any header run of the other
//! containers) and serves the following reads from memory; a read larger than a window (an XMP
//! packet, an ICC profile) is one read of exactly that block. Windows stay cached (up to
//! [`CACHE_LIMIT`] bytes, oldest dropped first), so a strip's self-check, which inspects the
//! planned output, reads the bytes already read instead of the file again.
//!
//! It is platform-independent and tested natively with [`CountingSource`](super::CountingSource).

use super::{ByteSource, MediaError};
use std::cell::RefCell;

/// Bytes fetched for a read smaller than this.
pub const WINDOW: usize = 64 << 10;
/// Bytes of windows kept in memory; beyond it the oldest window is dropped.
pub const CACHE_LIMIT: usize = 16 << 20;

/// One cached range of the file.
struct Window {
    start: u64,
    bytes: Vec<u8>,
}

impl Window {
    fn end(&self) -> u64 {
        self.start + self.bytes.len() as u64
    }
}

/// A [`ByteSource`] that reads its inner source in windows and keeps them.
pub struct WindowedSource<'a> {
    inner: &'a dyn ByteSource,
    len: u64,
    window: usize,
    /// Oldest first.
    cache: RefCell<Vec<Window>>,
}

impl<'a> WindowedSource<'a> {
    pub fn new(inner: &'a dyn ByteSource) -> Self {
        Self::with_window(inner, WINDOW)
    }

    /// A source with a read-ahead window of `window` bytes (at least 1).
    pub fn with_window(inner: &'a dyn ByteSource, window: usize) -> Self {
        WindowedSource { inner, len: inner.len(), window: window.max(1), cache: RefCell::new(Vec::new()) }
    }

    /// Copies from a cached window holding `offset`, as much as it has; `None` if none holds it.
    fn cached(&self, offset: u64, buf: &mut [u8]) -> Option<usize> {
        let cache = self.cache.borrow();
        // Newest first: the walk usually continues in the window it just read.
        let w = cache.iter().rev().find(|w| w.start <= offset && offset < w.end())?;
        let from = (offset - w.start) as usize;
        let n = buf.len().min(w.bytes.len() - from);
        buf[..n].copy_from_slice(&w.bytes[from..from + n]);
        Some(n)
    }

    /// Reads `[start, start + len)` (clamped to the file) from the inner source and caches it.
    fn fetch(&self, start: u64, len: usize) -> Result<(), MediaError> {
        let len = (len as u64).min(self.len - start) as usize;
        let mut bytes = vec![0u8; len];
        let mut done = 0;
        while done < len {
            let n = self.inner.read_at(start + done as u64, &mut bytes[done..])?;
            if n == 0 {
                break;
            }
            done += n;
        }
        bytes.truncate(done);
        let mut cache = self.cache.borrow_mut();
        let mut total: usize = cache.iter().map(|w| w.bytes.len()).sum::<usize>() + bytes.len();
        while total > CACHE_LIMIT && !cache.is_empty() {
            total -= cache.remove(0).bytes.len();
        }
        if bytes.len() <= CACHE_LIMIT {
            cache.push(Window { start, bytes });
        }
        Ok(())
    }
}

impl ByteSource for WindowedSource<'_> {
    fn len(&self) -> u64 {
        self.len
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> Result<usize, MediaError> {
        if offset >= self.len || buf.is_empty() {
            return Ok(0);
        }
        let want = buf.len().min((self.len - offset) as usize);
        let mut done = 0;
        while done < want {
            let at = offset + done as u64;
            if let Some(n) = self.cached(at, &mut buf[done..want]) {
                done += n;
                continue;
            }
            let rest = want - done;
            if rest > CACHE_LIMIT {
                // Too big to keep: read it straight through.
                let n = self.inner.read_at(at, &mut buf[done..want])?;
                if n == 0 {
                    break;
                }
                done += n;
                continue;
            }
            // One block: the rest of the request, or a whole window if that is more.
            self.fetch(at, rest.max(self.window))?;
            match self.cached(at, &mut buf[done..want]) {
                Some(n) if n > 0 => done += n,
                _ => break,
            }
        }
        Ok(done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::CountingSource;

    fn data(n: usize) -> Vec<u8> {
        (0..n).map(|i| (i * 7 + i / 251) as u8).collect()
    }

    #[test]
    fn reads_what_the_inner_source_holds() {
        let d = data(300_000);
        let counting = CountingSource::new(&d);
        let w = WindowedSource::with_window(&counting, 1000);
        for (off, len) in [(0u64, 10usize), (995, 10), (5, 3000), (299_990, 50), (150_000, 1)] {
            let mut buf = vec![0u8; len];
            let n = w.read_at(off, &mut buf).unwrap();
            let end = (off as usize + len).min(d.len());
            assert_eq!(n, end - off as usize);
            assert_eq!(&buf[..n], &d[off as usize..end]);
        }
        let mut buf = [0u8; 4];
        assert_eq!(w.read_at(300_000, &mut buf).unwrap(), 0);
    }

    #[test]
    fn small_reads_within_a_window_are_one_read() {
        let d = data(200_000);
        let counting = CountingSource::new(&d);
        let w = WindowedSource::new(&counting);
        let mut b = [0u8; 1];
        for off in (0..WINDOW as u64).step_by(256) {
            w.read_at(off, &mut b).unwrap();
        }
        assert_eq!(counting.reads(), 1);
        // Read again (a strip's self-check): nothing new is read.
        for off in (0..WINDOW as u64).step_by(97) {
            w.read_at(off, &mut b).unwrap();
        }
        assert_eq!(counting.reads(), 1);
    }
}

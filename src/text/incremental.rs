//! Incremental checking: a keystroke rescans the edited part of a post, not the whole post.
//!
//! A composer is checked after every (debounced) change, and a change is almost always small: a
//! character typed, a word deleted, a paste. [`Incremental`] keeps the previous text and what
//! [`TextScanner::collect`] found in it (every match with its span, before the post-level
//! step). On a new text it finds the edited range (common prefix and suffix), collects again
//! only a window around it, keeps the previous items before and after the window (shifted by the
//! edit's length), and runs the post-level step ([`TextScanner::finish`]: overlaps, exceptions,
//! disclosure, offsets, previews) on the merged set. The findings are exactly those of a full
//! scan; `tests/text_incremental.rs` checks that on many random edits.
//!
//! Why a window is enough, and how it is checked rather than assumed:
//! - the window reaches `reach` bytes beyond the edit on both sides (then to the end of the
//!   non-space run it cuts into, so a token is never cut), and its outer `margin` is scanned but
//!   not trusted: `margin` covers what a rule looks at around a match (the confidence context
//!   window, `context_chars`, and word boundaries);
//! - items found in the margins must be the ones the previous scan found there (else the edit
//!   reached further than assumed), and no item, old or new, may cross from a margin into the
//!   part that is replaced (a long match such as a private key block growing or shrinking);
//!   detector hits below their confidence threshold count as items, so a corroborating word
//!   typed next to one is seen;
//! - when a check fails the window doubles, up to the whole text (a full scan).

use super::{Locals, Raw, TextScanner};

/// Bytes beyond the edit (besides the margin) that are rescanned at first: long enough for the
/// longest bounded company pattern and for the run of a typical token.
const REACH: usize = 384;

/// The previous text and what was found in it.
#[derive(Default)]
pub struct Incremental {
    last: Option<(String, Locals)>,
    rescanned: usize,
}

impl Incremental {
    pub fn new() -> Incremental {
        Incremental::default()
    }

    /// Bytes of the text the last check scanned (the whole text, or the window around the edit).
    pub fn rescanned(&self) -> usize {
        self.rescanned
    }

    /// The findings for `text` with `scanner`, the same as `scanner.scan(text)`, using the
    /// previous call's text (the same scanner must be passed every time).
    pub fn check(&mut self, scanner: &TextScanner, text: &str) -> Vec<super::Finding> {
        let (locals, rescanned) = match self.last.take() {
            Some((old, old_locals)) => update(scanner, &old, old_locals, text),
            None => (scanner.collect(text), text.len()),
        };
        self.rescanned = rescanned;
        let findings = scanner.finish(text, locals.clone());
        self.last = Some((text.to_string(), locals));
        findings
    }
}

/// The edit between two texts: `prefix` bytes in common at the start, `suffix` at the end.
fn edit(old: &str, new: &str) -> (usize, usize) {
    let (a, b) = (old.as_bytes(), new.as_bytes());
    let mut p = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    while !new.is_char_boundary(p) {
        p -= 1;
    }
    let max = a.len().min(b.len()) - p;
    let mut s = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(max)
        .take_while(|(x, y)| x == y)
        .count();
    while !new.is_char_boundary(new.len() - s) || !old.is_char_boundary(old.len() - s) {
        s -= 1;
    }
    (p, s)
}

/// `at` moved down to the start of the non-space run it is in, on a character boundary.
fn run_start(text: &str, at: usize) -> usize {
    let b = text.as_bytes();
    let mut i = at.min(b.len());
    while i > 0 && !b[i - 1].is_ascii_whitespace() {
        i -= 1;
    }
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// `at` moved up to the end of the non-space run it is in, on a character boundary.
fn run_end(text: &str, at: usize) -> usize {
    let b = text.as_bytes();
    let mut i = at.min(b.len());
    while i < b.len() && !b[i].is_ascii_whitespace() {
        i += 1;
    }
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Anything with a span, so the same partition and checks apply to every kind of item.
trait Span: Clone + PartialEq {
    fn span(&self) -> (usize, usize);
    fn shifted(&self, by: isize) -> Self;
}

fn add(x: usize, by: isize) -> usize {
    x.saturating_add_signed(by)
}

impl Span for Raw {
    fn span(&self) -> (usize, usize) {
        (self.start, self.end)
    }
    fn shifted(&self, by: isize) -> Raw {
        Raw {
            start: add(self.start, by),
            end: add(self.end, by),
            ..self.clone()
        }
    }
}

impl Span for (usize, usize) {
    fn span(&self) -> (usize, usize) {
        *self
    }
    fn shifted(&self, by: isize) -> Self {
        (add(self.0, by), add(self.1, by))
    }
}

impl Span for (usize, usize, usize) {
    fn span(&self) -> (usize, usize) {
        (self.1, self.2)
    }
    fn shifted(&self, by: isize) -> Self {
        (self.0, add(self.1, by), add(self.2, by))
    }
}

/// Where the window is, in the new text: scanned `ws..we`, trusted `a..b`; the previous text's
/// items at or after `b` move by `delta`.
struct Cut {
    ws: usize,
    we: usize,
    a: usize,
    b: usize,
    delta: isize,
    /// Where the edit is in the new text, and where the previous text's unchanged end begins.
    edit_start: usize,
    old_suffix_start: usize,
}

/// The merged items of one kind, or `None` when the window was not wide enough.
fn merge<T: Span>(cut: &Cut, old: &[T], window: Vec<T>) -> Option<Vec<T>> {
    let shift = cut.ws as isize;
    let window: Vec<T> = window.into_iter().map(|w| w.shifted(shift)).collect();
    // New items: none may cross into or out of the trusted part.
    for w in &window {
        let (s, e) = w.span();
        if (s < cut.a && e > cut.a) || (s < cut.b && e > cut.b) {
            return None;
        }
    }
    let mut before = Vec::new();
    let mut after = Vec::new();
    for o in old {
        let (s, e) = o.span();
        if s < cut.a {
            // Unchanged text: it must end before the trusted part (nothing reaching the edit).
            if e > cut.a {
                return None;
            }
            before.push(o.clone());
        } else if s >= cut.old_suffix_start {
            let moved = o.shifted(cut.delta);
            if moved.span().0 >= cut.b {
                after.push(moved);
            } else if moved.span().1 > cut.b {
                return None;
            }
        } else if add(e, cut.delta) > cut.b && e > cut.old_suffix_start {
            // Started in the replaced part and ran into the kept end.
            return None;
        }
    }
    // The margins are scanned twice, before and after the edit: they must agree.
    let in_left = |t: &&T| t.span().0 >= cut.ws && t.span().0 < cut.a;
    let in_right = |t: &&T| t.span().0 >= cut.b && t.span().0 < cut.we;
    if !same(window.iter().filter(in_left), before.iter().filter(in_left))
        || !same(
            window.iter().filter(in_right),
            after.iter().filter(in_right),
        )
    {
        return None;
    }
    let _ = cut.edit_start;
    let mut out = before;
    out.extend(
        window
            .into_iter()
            .filter(|t| t.span().0 >= cut.a && t.span().0 < cut.b),
    );
    out.extend(after);
    Some(out)
}

/// The same items, in position order (items at the same span stay in the order found).
fn same<'a, T: Span + 'a>(x: impl Iterator<Item = &'a T>, y: impl Iterator<Item = &'a T>) -> bool {
    let mut x: Vec<&T> = x.collect();
    let mut y: Vec<&T> = y.collect();
    x.sort_by_key(|t| t.span());
    y.sort_by_key(|t| t.span());
    x == y
}

/// What `collect(new)` would give, from the previous text's items and a rescanned window.
/// Also the bytes scanned.
fn update(scanner: &TextScanner, old: &str, old_locals: Locals, new: &str) -> (Locals, usize) {
    if old == new {
        return (old_locals, 0);
    }
    let (p, s) = edit(old, new);
    let margin = scanner.context_reach();
    let mut reach = REACH + margin;
    loop {
        let ws = run_start(new, p.saturating_sub(reach + margin));
        let we = run_end(new, (new.len() - s).saturating_add(reach + margin));
        if ws == 0 && we >= new.len() {
            return (scanner.collect(new), new.len());
        }
        let cut = Cut {
            ws,
            we,
            a: if ws == 0 { 0 } else { ws + margin },
            b: if we >= new.len() {
                usize::MAX
            } else {
                we - margin
            },
            delta: new.len() as isize - old.len() as isize,
            edit_start: p,
            old_suffix_start: old.len() - s,
        };
        if cut.a < cut.b && cut.a <= p && cut.b >= new.len() - s {
            let w = scanner.collect(&new[ws..we]);
            if let Some(merged) = merge_all(&cut, &old_locals, w) {
                return (merged, we - ws);
            }
        }
        reach *= 2;
    }
}

fn merge_all(cut: &Cut, old: &Locals, w: Locals) -> Option<Locals> {
    Some(Locals {
        raws: merge(cut, &old.raws, w.raws)?,
        detector_raws: merge(cut, &old.detector_raws, w.detector_raws)?,
        exceptions: merge(cut, &old.exceptions, w.exceptions)?,
        brands: merge(cut, &old.brands, w.brands)?,
        tags: merge(cut, &old.tags, w.tags)?,
        latent: merge(cut, &old.latent, w.latent)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_finds_the_changed_range_on_character_boundaries() {
        assert_eq!(edit("abc", "abXc"), (2, 1));
        assert_eq!(edit("abc", "abc!"), (3, 0));
        assert_eq!(edit("aé", "aè"), (1, 0));
        assert_eq!(edit("aaa", "aa"), (2, 0));
    }
}

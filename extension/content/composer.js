// SafePost content script: composer watching.
//
// Finds the places a post is written (textarea, text inputs, contenteditable editors such as
// Lexical, Draft.js, ProseMirror and Quill, also inside open shadow roots, and ones added after
// load: everything is found through events, not by scanning the page), and on every change sends
// the text to the core, debounced, off the keystroke's own path. Does nothing until a composer is
// focused. Never writes into the editor's DOM: the only thing it ever does to an editor is move
// the selection when the user asks to "jump to" a finding, as the user could do with the mouse.
//
// Focus alone adds nothing to the page: the core frame is started by the first input in a
// composer (or a composer that already holds text). Underlines are capped (MAX_MARKS) and measured
// once per layout (one mirror for a textarea, one text map for an editor); a huge textarea gets
// none (the panel still counts every finding), so a 5 MB paste never stalls the page.
(() => {
  'use strict';
  if (globalThis.SafePostComposer) return;
  const core = globalThis.SafePostCore;
  const DEBOUNCE_MS = 120;
  const MAX_MARKS = 200; // underlines drawn; the panel counts every finding
  const MIRROR_MAX_CHARS = 100000; // a textarea longer than this is not mirrored (its layout alone is slow)
  const TEXT_INPUT_TYPES = new Set(['text', '']); // search boxes are not posts
  const BLOCK_TAGS = new Set(['address', 'article', 'aside', 'blockquote', 'dd', 'div', 'dl', 'dt',
    'figcaption', 'figure', 'footer', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'main',
    'nav', 'ol', 'p', 'pre', 'section', 'table', 'tr', 'ul']);
  const SKIP_TAGS = new Set(['script', 'style', 'template', 'noscript']);

  /** The element that holds the post text for an event target, or null if it is not a composer. */
  function composerOf(target) {
    if (!target || target.nodeType !== 1) return null;
    const tag = target.localName;
    if (tag === 'textarea') return target.readOnly || target.disabled ? null : target;
    if (tag === 'input') {
      const type = (target.getAttribute('type') || '').toLowerCase();
      if (!TEXT_INPUT_TYPES.has(type) || target.readOnly || target.disabled) return null;
      // Sign-in fields are not posts: a user name, or any field of a form with a password.
      if (/username|email|one-time-code/.test(target.getAttribute('autocomplete') || '')) return null;
      if (target.form && target.form.querySelector('input[type="password"]')) return null;
      // Site search boxes are not posts either (X, LinkedIn and Reddit use type=text for them).
      if (target.getAttribute('role') === 'searchbox' || target.closest('[role="search"]')) return null;
      return target;
    }
    if (target.isContentEditable) {
      let root = target;
      while (root.parentElement && root.parentElement.isContentEditable) root = root.parentElement;
      return root;
    }
    return null;
  }

  const isField = (el) => el.localName === 'textarea' || el.localName === 'input';

  /**
   * The text of a contenteditable editor, with a map back to its text nodes. Block elements and
   * <br> become line breaks, so the core sees the post as the user sees it, and UTF-16 offsets in
   * the text map back to a DOM position for "jump to".
   */
  function extract(root) {
    const starts = [];
    const nodes = [];
    let text = '';
    const newline = () => { if (text.length && !text.endsWith('\n')) text += '\n'; };
    (function walk(parent) {
      for (let n = parent.firstChild; n; n = n.nextSibling) {
        if (n.nodeType === 3) {
          starts.push(text.length);
          nodes.push(n);
          text += n.data;
        } else if (n.nodeType === 1) {
          const tag = n.localName;
          if (tag === 'br') { text += '\n'; continue; }
          if (SKIP_TAGS.has(tag)) continue;
          const block = BLOCK_TAGS.has(tag);
          if (block) newline();
          walk(n);
          if (block) newline();
        }
      }
    })(root);
    return { text, starts, nodes };
  }

  function textOf(el) {
    return isField(el) ? el.value : extract(el).text;
  }

  /** DOM position of a UTF-16 offset in an extracted text (clamped to the nearest text node). */
  function positionAt(map, offset) {
    let lo = 0, hi = map.starts.length - 1, best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (map.starts[mid] <= offset) { best = mid; lo = mid + 1; } else hi = mid - 1;
    }
    if (best < 0) return map.nodes.length ? { node: map.nodes[0], offset: 0 } : null;
    const node = map.nodes[best];
    return { node, offset: Math.min(offset - map.starts[best], node.data.length) };
  }

  const watched = new WeakMap(); // composer -> state
  const composers = new Set(); // the same composers, to find the ones in a form
  let active = null;

  function watch(el) {
    let state = watched.get(el);
    if (state) return state;
    state = { timer: 0, lastText: null, generation: 0, findings: [], failed: false, inflight: null, observer: null };
    watched.set(el, state);
    composers.add(el);
    if (!isField(el)) {
      // Editors that cancel `beforeinput` and edit the DOM themselves may fire no `input` event.
      state.observer = new MutationObserver(() => schedule(el));
      state.observer.observe(el, { subtree: true, childList: true, characterData: true });
    }
    return state;
  }

  function schedule(el) {
    const state = watched.get(el);
    if (!state) return;
    if (el === active && marksHost) redrawMarks(); // the old underlines no longer fit the text
    clearTimeout(state.timer);
    state.timer = setTimeout(() => check(el, state), DEBOUNCE_MS);
  }

  /** Runs the check now (unless the text is unchanged); resolves with the findings. */
  function check(el, state, { force = false } = {}) {
    clearTimeout(state.timer);
    const text = textOf(el);
    if (!force && text === state.lastText) return state.inflight || Promise.resolve(state.findings);
    state.lastText = text;
    const generation = ++state.generation;
    const run = core.request('check-text', { text, site: location.hostname, show: el === active })
      .then((result) => {
        if (generation === state.generation) {
          state.findings = result.findings;
          state.failed = false;
          if (el === active) redrawMarks();
        }
        return result.findings;
      }, (err) => {
        // The core could not start: the toolbar already says so; typing is never blocked.
        console.warn('SafePost: text check unavailable:', err.message);
        cannotCheck(err);
        if (generation === state.generation) {
          state.findings = [];
          state.failed = true; // unchecked, not clean: the submit gate applies the fail mode
        }
        throw err;
      })
      .finally(() => { if (state.inflight === run) state.inflight = null; });
    state.inflight = run;
    run.catch(() => {});
    return run;
  }

  // Said once in a while, not on every keystroke: SafePost cannot check what is being written.
  let saidAt = -Infinity;
  function cannotCheck(err) {
    if (!err || err.code !== 'core-unavailable' || performance.now() - saidAt < 15000) return;
    saidAt = performance.now();
    core.fallbackNotice(core.t('hostileCannotCheck'));
  }

  function deepTarget(ev) {
    return ev.composedPath()[0];
  }

  function activate(el, { typed = false } = {}) {
    if (el === active) return;
    active = el;
    redrawMarks();
    const state = watch(el);
    core.anchorTo(el);
    state.lastText = null; // show this composer's findings, not the previous one's
    // A focused empty composer is not in use yet: nothing is added to the page until it is.
    if (typed || textOf(el) !== '') core.ready().then(() => schedule(el), () => {});
  }

  function onFocus(ev) {
    const el = composerOf(deepTarget(ev));
    if (el) activate(el);
  }

  function onInput(ev) {
    const el = composerOf(deepTarget(ev));
    if (!el) return;
    activate(el, { typed: true });
    schedule(el);
  }

  addEventListener('focusin', onFocus, true);
  addEventListener('input', onInput, true);

  /** Selects a finding's span in its composer, as the user could with the mouse. */
  function jumpTo(el, finding) {
    if (!el || !el.isConnected || !finding) return;
    const start = finding.start_utf16 | 0, end = finding.end_utf16 | 0;
    el.focus({ preventScroll: false });
    if (isField(el)) {
      el.setSelectionRange(start, end);
      return;
    }
    const map = extract(el);
    const a = positionAt(map, start), b = positionAt(map, end);
    if (!a || !b) return;
    const range = el.ownerDocument.createRange();
    range.setStart(a.node, a.offset);
    range.setEnd(b.node, b.offset);
    const sel = (el.getRootNode().getSelection?.() ?? el.ownerDocument.getSelection());
    sel.removeAllRanges();
    sel.addRange(range);
    (a.node.parentElement || el).scrollIntoView?.({ block: 'nearest' });
  }

  // ---- Underlines: drawn over the composer from outside it, in a closed shadow root with
  // pointer-events off, so neither the editor's DOM nor the user's clicks are touched.
  const MARK_COLOURS = { block: '#d1242f', warn: '#bf8700', info: '#0969da' };
  const MIRRORED = ['boxSizing', 'paddingTop', 'paddingRight', 'paddingBottom', 'paddingLeft', 'borderTopWidth',
    'borderRightWidth', 'borderBottomWidth', 'borderLeftWidth', 'borderStyle', 'fontFamily', 'fontSize', 'fontWeight',
    'fontStyle', 'fontVariant', 'letterSpacing', 'lineHeight', 'textTransform', 'wordSpacing', 'textIndent', 'tabSize'];
  // A random name per page: nothing the page can look for names SafePost.
  const MARKS_TAG = (() => {
    const letters = (n) => Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => String.fromCharCode(97 + (b % 26))).join('');
    return `${letters(5)}-${letters(4)}`;
  })();
  let marksHost = null;
  let marksRoot = null;
  let marksFrame = 0;

  function marksLayer() {
    if (!marksHost || !marksHost.isConnected) {
      marksHost = document.createElement(MARKS_TAG);
      marksHost.style.cssText = 'all: initial; position: fixed; inset: 0; margin: 0; padding: 0; border: 0; display: block; ' +
        'pointer-events: none; z-index: 2147483646; overflow: hidden;';
      marksRoot = marksHost.attachShadow({ mode: 'closed' });
      document.documentElement.append(marksHost);
    }
    return marksRoot;
  }

  /**
   * Viewport rectangles of the findings' spans in a textarea, measured on one hidden mirror of its
   * text (one layout for every finding). `findings` are sorted and do not overlap.
   */
  function fieldRects(el, findings) {
    if (el.localName !== 'textarea' || el.value.length > MIRROR_MAX_CHARS) return findings.map(() => []);
    const box = el.getBoundingClientRect();
    const cs = getComputedStyle(el);
    const mirror = document.createElement('div');
    for (const prop of MIRRORED) mirror.style[prop] = cs[prop];
    Object.assign(mirror.style, { position: 'fixed', visibility: 'hidden', whiteSpace: 'pre-wrap', overflowWrap: 'break-word',
      overflow: 'hidden', left: `${box.left}px`, top: `${box.top - el.scrollTop}px`, width: `${el.clientWidth + el.clientLeft * 2}px`,
      boxSizing: 'border-box', height: 'auto' });
    const value = el.value;
    const marks = [];
    let at = 0;
    for (const f of findings) {
      const mark = document.createElement('span');
      mark.textContent = value.slice(f.start_utf16, f.end_utf16);
      mirror.append(value.slice(at, f.start_utf16), mark);
      marks.push(mark);
      at = f.end_utf16;
    }
    mirror.append(value.slice(at) + ' ');
    marksLayer().append(mirror);
    const out = marks.map((mark) => [...mark.getClientRects()].map((r) => new DOMRect(r.left - el.scrollLeft, r.top, r.width, r.height))
      .filter((r) => r.bottom > box.top && r.top < box.bottom));
    mirror.remove();
    return out;
  }

  /** Rectangles of each finding's span (one text map for an editor, one mirror for a field). */
  function spanRects(el, findings) {
    if (isField(el)) return fieldRects(el, findings);
    const map = extract(el);
    return findings.map((f) => {
      const a = positionAt(map, f.start_utf16 | 0), b = positionAt(map, f.end_utf16 | 0);
      if (!a || !b) return [];
      const range = el.ownerDocument.createRange();
      range.setStart(a.node, a.offset);
      range.setEnd(b.node, b.offset);
      return [...range.getClientRects()];
    });
  }

  /** The first MAX_MARKS findings in text order, without overlaps. */
  function markable(findings) {
    const sorted = [...findings].sort((x, y) => (x.start_utf16 | 0) - (y.start_utf16 | 0));
    const out = [];
    let end = -1;
    for (const f of sorted) {
      if ((f.start_utf16 | 0) < end || (f.end_utf16 | 0) <= (f.start_utf16 | 0)) continue;
      out.push(f);
      end = f.end_utf16 | 0;
      if (out.length >= MAX_MARKS) break;
    }
    return out;
  }

  function drawMarks() {
    marksFrame = 0;
    const el = active && active.isConnected ? active : null;
    const state = el && watched.get(el);
    const fresh = state && state.lastText !== null && textOf(el) === state.lastText;
    if (!marksHost && !(fresh && state.findings.length)) return;
    const root = marksLayer();
    root.replaceChildren();
    if (!fresh) return;
    const shown = markable(state.findings);
    const rects = spanRects(el, shown);
    for (const [i, f] of shown.entries()) {
      for (const r of rects[i]) {
        if (r.width < 1) continue;
        const line = document.createElement('div');
        Object.assign(line.style, { position: 'fixed', left: `${r.left}px`, top: `${r.bottom - 2}px`, width: `${r.width}px`,
          height: '2px', background: MARK_COLOURS[f.severity] || MARK_COLOURS.info, borderRadius: '1px' });
        root.append(line);
      }
    }
  }
  function redrawMarks() {
    if (!marksFrame) marksFrame = requestAnimationFrame(drawMarks);
  }
  addEventListener('scroll', redrawMarks, { passive: true, capture: true });
  addEventListener('resize', redrawMarks, { passive: true });

  core.onMessage((msg) => {
    if (msg.type === 'jump' && msg.finding) jumpTo(active, msg.finding);
    if (msg.type === 'policy-changed' && active) {
      const state = watched.get(active);
      if (state) { state.lastText = null; schedule(active); }
    }
  });

  globalThis.SafePostComposer = Object.freeze({
    composerOf,
    textOf,
    jumpTo,
    /** The latest findings for a composer (used by the submit gate). */
    findingsFor(el) { return (watched.get(el) || {}).findings || []; },
    /** True when the composer's text changed since its last check (or was never checked). */
    isStale(el) {
      const state = watched.get(el);
      return !state || state.failed || state.inflight !== null || textOf(el) !== state.lastText;
    },
    /** Checks the composer now (again, if the last check failed); resolves with its findings. */
    checkNow(el) { const state = watch(el); return check(el, state, { force: state.failed === true }); },
    /** The watched composers inside `root` (a form), connected ones only. */
    within(root) {
      const found = [];
      for (const el of composers) {
        if (!el.isConnected) composers.delete(el);
        else if (root.contains(el)) found.push(el);
      }
      return found;
    },
    get active() { return active && active.isConnected ? active : null; },
  });
})();

// SafePost content script: composer watching.
//
// Finds the places a post is written (textarea, text inputs, contenteditable editors, also inside
// open shadow roots), and on every change sends the text to the core, debounced, never on the
// keystroke's own path. Does nothing until a composer is focused. Never touches the editor's DOM.
(() => {
  'use strict';
  if (globalThis.SafePostComposer) return;
  const core = globalThis.SafePostCore;
  const DEBOUNCE_MS = 120;
  const TEXT_INPUT_TYPES = new Set(['text', 'search', 'url', 'email', '']);

  /** The element that holds the post text for an event target, or null if it is not a composer. */
  function composerOf(target) {
    if (!target || target.nodeType !== 1) return null;
    const tag = target.localName;
    if (tag === 'textarea') return target;
    if (tag === 'input') return TEXT_INPUT_TYPES.has((target.getAttribute('type') || '').toLowerCase()) ? target : null;
    if (target.isContentEditable) {
      let root = target;
      while (root.parentElement && root.parentElement.isContentEditable) root = root.parentElement;
      return root;
    }
    return null;
  }

  function textOf(el) {
    return 'value' in el && (el.localName === 'textarea' || el.localName === 'input') ? el.value : el.innerText;
  }

  const watched = new WeakMap(); // composer -> state
  let active = null;

  function watch(el) {
    let state = watched.get(el);
    if (state) return state;
    state = { timer: 0, lastText: null, generation: 0, findings: [], observer: null };
    watched.set(el, state);
    if (el.localName !== 'textarea' && el.localName !== 'input') {
      // Editors that cancel `beforeinput` and edit the DOM themselves may fire no `input` event.
      state.observer = new MutationObserver(() => schedule(el));
      state.observer.observe(el, { subtree: true, childList: true, characterData: true });
    }
    return state;
  }

  function schedule(el) {
    const state = watched.get(el);
    if (!state) return;
    clearTimeout(state.timer);
    state.timer = setTimeout(() => check(el, state), DEBOUNCE_MS);
  }

  async function check(el, state) {
    const text = textOf(el);
    if (text === state.lastText) return;
    state.lastText = text;
    const generation = ++state.generation;
    try {
      const result = await core.request('check-text', { text, site: location.hostname });
      if (generation !== state.generation) return; // a newer check is under way
      state.findings = result.findings;
    } catch (err) {
      // The core could not start: the toolbar already says so; typing is never blocked.
      console.warn('SafePost: text check unavailable:', err.message);
    }
  }

  function onFocus(ev) {
    const el = composerOf(ev.composedPath()[0]);
    if (!el) return;
    active = el;
    watch(el);
    core.anchorTo(el);
    core.ready().then(() => schedule(el), () => {});
  }

  function onInput(ev) {
    const el = composerOf(ev.composedPath()[0]);
    if (!el) return;
    if (el !== active) onFocus(ev);
    schedule(el);
  }

  addEventListener('focusin', onFocus, true);
  addEventListener('input', onInput, true);

  globalThis.SafePostComposer = Object.freeze({
    /** The latest findings for the focused composer (used by the submit gate). */
    findingsFor(el) { return (watched.get(el) || {}).findings || []; },
    get active() { return active; },
  });
})();
